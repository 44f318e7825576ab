"""Turn a graph into SVG/PNG/PDF: the system `dot` when present, else the pip-installable `graphviz-pure`
(SVG and PNG), else the DOT source is written with a one-line note on how to get a renderer."""
from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, Optional, Union

import graphviz

HINT = ("no Graphviz renderer found: `apt-get install graphviz` (system dot) or "
        "`pip install 'tinygrad_edu[render]'` (graphviz-pure, SVG and PNG)")
SOURCE_FORMATS = {"dot", "gv"}


@dataclass(frozen=True)
class Renderer:
    """A program that lays out DOT: its name, its path and the output formats it writes."""

    name: str
    path: str
    formats: frozenset[str]


_DOT_FORMATS = frozenset({"svg", "png", "pdf", "jpeg", "jpg", "ps", "eps", "json", "plain", "xdot", "canon"})
_PURE_FORMATS = frozenset({"svg", "png", "jpeg", "jpg", "json", "plain", "xdot", "canon"})


def _which(program: str) -> Optional[str]:
    """`program` on PATH, or next to this Python (a venv's bin/ that is not on PATH)."""
    found = shutil.which(program)
    if found:
        return found
    for folder in {sysconfig.get_path("scripts"), str(Path(sys.executable).parent)}:
        candidate = shutil.which(program, path=folder)
        if candidate:
            return candidate
    return None


def renderers() -> list[Renderer]:
    """The renderers installed here, preferred first."""
    found = []
    dot = _which("dot")
    if dot:
        found.append(Renderer("dot", dot, _DOT_FORMATS))
    pure = _which("graphviz-pure")
    if pure:
        found.append(Renderer("graphviz-pure", pure, _PURE_FORMATS))
    return found


def find_renderer(format: str = "svg") -> Optional[Renderer]:
    """The first installed renderer that writes `format`, or None."""
    for renderer in renderers():
        if format in renderer.formats:
            return renderer
    return None


class NoRendererError(RuntimeError):
    """No installed program can lay out the graph in the asked format."""


def _source(graph: Union[graphviz.Digraph, str]) -> str:
    return graph if isinstance(graph, str) else graph.source


def pipe(graph: Union[graphviz.Digraph, str], format: str = "svg", timeout: float = 120.0) -> bytes:
    """The rendered bytes of `graph` (DOT source or a Digraph) in `format`."""
    renderer = find_renderer(format)
    if renderer is None:
        raise NoRendererError(f"cannot render {format}: {_why_not(format)}")
    done = subprocess.run([renderer.path, f"-T{format}"], input=_source(graph).encode("utf-8"),
                          capture_output=True, timeout=timeout)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise RuntimeError(f"{renderer.name} failed to render {format} (exit {done.returncode}): {message}")
    return done.stdout


def _why_not(format: str) -> str:
    installed = renderers()
    if not installed:
        return HINT
    names = ", ".join(f"{r.name} ({'/'.join(sorted(r.formats & {'svg', 'png', 'pdf'}))})" for r in installed)
    return f"the installed renderers ({names}) cannot write {format}; `apt-get install graphviz` writes every format"


class RenderResult(NamedTuple):
    """Where the picture went, which program drew it (None: only the DOT source was written), and a note."""

    path: Path
    renderer: Optional[str]
    message: str

    def __str__(self) -> str:
        return self.message


def render(graph: Union[graphviz.Digraph, str], path: Union[str, Path], format: Optional[str] = None) -> RenderResult:
    """Write `graph` to `path` as svg, png or pdf (format from the argument, else the file's suffix, else svg).
    Without a renderer for that format, write the DOT source next to it (suffix .gv) and say how to get one."""
    path = Path(path)
    format = (format or path.suffix.lstrip(".") or "svg").lower()
    suffix = path.suffix.lstrip(".").lower()
    if suffix != format:
        path = path.with_suffix(f".{format}") if suffix in _DOT_FORMATS | SOURCE_FORMATS else path.with_name(f"{path.name}.{format}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if format in SOURCE_FORMATS:
        path.write_text(_source(graph), encoding="utf-8")
        return RenderResult(path, None, f"wrote the DOT source to {path}")
    renderer = find_renderer(format)
    if renderer is None:
        source_path = path.with_suffix(".gv")
        source_path.write_text(_source(graph), encoding="utf-8")
        return RenderResult(source_path, None, f"wrote the DOT source to {source_path}; {_why_not(format)}")
    path.write_bytes(pipe(graph, format))
    return RenderResult(path, renderer.name, f"wrote {path} ({format}, drawn by {renderer.name})")


class GraphView(graphviz.Digraph):
    """A graphviz.Digraph that renders through `render`'s choice of program, so Jupyter shows it inline
    with the system dot or with graphviz-pure, and shows the DOT source and a hint with neither."""

    def save(self, path: Union[str, Path], format: Optional[str] = None) -> RenderResult:
        """Write the picture (see `render`)."""
        return render(self, path, format)

    def _repr_image_svg_xml(self) -> str:
        return pipe(self, "svg").decode("utf-8")

    def _repr_svg_(self) -> Optional[str]:
        """For front ends that ask for SVG directly rather than a mime bundle (None: no renderer)."""
        try:
            return self._repr_image_svg_xml()
        except NoRendererError:
            return None

    def _repr_image_png(self) -> bytes:
        return pipe(self, "png")

    def _repr_image_jpeg(self) -> bytes:
        return pipe(self, "jpeg")

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kwargs: Any) -> dict[str, Any]:
        try:
            return super()._repr_mimebundle_(include, exclude, **kwargs)
        except NoRendererError as err:
            return {"text/plain": f"{err}\n{self.source}"}
