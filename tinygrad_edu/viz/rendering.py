"""Turn a graph into SVG/PNG/PDF: the system `dot` when present, else `graphviz-pure` (SVG and PNG; installed with
tinygrad_edu wherever it has wheels), else the DOT source is written with a one-line note on how to get a renderer."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import sysconfig
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, Optional, Union

import graphviz

HINT = ("no Graphviz renderer found: `pip install graphviz-pure` (SVG and PNG; a dependency of tinygrad_edu on "
        "Linux, macOS and Windows, x86-64 and ARM64) or the system Graphviz (`apt-get install graphviz`, "
        "`brew install graphviz`, `winget install graphviz`: every format)")
SOURCE_FORMATS = {"dot", "gv"}


@dataclass(frozen=True)
class Renderer:
    """A program that lays out DOT: its name, its path and the output formats it writes."""

    name: str
    path: str
    formats: frozenset[str]


_DOT_FORMATS = frozenset({"svg", "png", "pdf", "jpeg", "jpg", "ps", "eps", "json", "plain", "xdot", "canon"})
_PURE_FORMATS = frozenset({"svg", "png", "jpeg", "jpg", "json", "plain", "xdot", "canon"})


def _script_folders() -> list[str]:
    """Where pip puts this Python's commands: its scripts folder, next to the interpreter, and the user scheme's
    (`pip install --user`), none of which need be on PATH."""
    folders = [sysconfig.get_path("scripts"), str(Path(sys.executable).parent)]
    try:
        folders.append(sysconfig.get_path("scripts", sysconfig.get_preferred_scheme("user")))
    except (AttributeError, KeyError, ValueError):
        pass
    return list(dict.fromkeys(f for f in folders if f))


def _which(program: str) -> Optional[str]:
    """`program` on PATH, or in one of this Python's script folders (a venv's bin/ that is not on PATH)."""
    found = shutil.which(program)
    if found:
        return found
    for folder in _script_folders():
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


MAX_LAYOUT_NODES = 5000
"""Past this many nodes laying a graph out takes minutes (dot is worse than linear in the node count):
`pipe` refuses up front and says how to draw less."""
LAYOUT_TIMEOUT = 120.0
_NODE = re.compile(r'^\s*(?!(?:graph|node|edge|subgraph)\b)("(?:[^"\\]|\\.)*"|[\w.]+)\s*(\[|$)')
_EDGE = re.compile(r"\s->\s")


class LayoutError(RuntimeError):
    """The graph is too big to lay out in reasonable time: refused up front, or the renderer ran out of time."""


def graph_size(graph: Union[graphviz.Digraph, str]) -> tuple[int, int]:
    """(nodes, edges) declared in the DOT source, one statement a line as the graphviz package writes it."""
    nodes = edges = 0
    for line in _source(graph).splitlines():
        if _EDGE.search(line):
            edges += 1
        elif _NODE.match(line):
            nodes += 1
    return nodes, edges


def _too_big(nodes: int, edges: int, why: str) -> str:
    return (f"the graph has {nodes} nodes and {edges} edges: {why}. Draw less: collapse modules "
            "(draw(..., collapse=True); `tinygrad-edu graph --collapse all`), draw an earlier tensor, or keep the "
            "DOT source (render(graph, 'g.dot'); `graph --format dot`) and lay it out yourself "
            "(`dot -Tsvg g.dot -o g.svg`, or `sfdp` for very large graphs)")


def pipe(graph: Union[graphviz.Digraph, str], format: str = "svg", timeout: Optional[float] = LAYOUT_TIMEOUT,
         max_nodes: Optional[int] = MAX_LAYOUT_NODES, *, engine: Optional[str] = None,
         neato_no_op: Union[bool, int, None] = None) -> bytes:
    """The rendered bytes of `graph` (DOT source or a Digraph) in `format` (dot's -T: `png`, or `png:cairo`),
    laid out by `engine` (dot's -K; neato, fdp, ...; dot and graphviz-pure both have all eight). A graph over
    `max_nodes` nodes, or one the renderer cannot lay out within `timeout` seconds, raises LayoutError saying what
    to do (None: no limit)."""
    base = format.split(":")[0]
    renderer = find_renderer(base)
    if renderer is None:
        raise NoRendererError(f"cannot render {base}: {_why_not(base)}")
    nodes, edges = graph_size(graph)
    if max_nodes is not None and nodes > max_nodes:
        raise LayoutError(_too_big(nodes, edges, f"more than {max_nodes} take minutes to lay out, so it is not tried"))
    command = [renderer.path, f"-T{format}"]
    if engine not in (None, "dot"):
        command.append(f"-K{engine}")
    if neato_no_op:
        command.append(f"-n{int(neato_no_op)}")
    try:
        done = subprocess.run(command, input=_source(graph).encode("utf-8"), capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise LayoutError(_too_big(nodes, edges, f"{renderer.name} did not lay it out within {timeout:g} s")) from None
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


def render(graph: Union[graphviz.Digraph, str], path: Union[str, Path], format: Optional[str] = None,
           timeout: Optional[float] = LAYOUT_TIMEOUT, max_nodes: Optional[int] = MAX_LAYOUT_NODES) -> RenderResult:
    """Write `graph` to `path` as svg, png or pdf (format from the argument, else the file's suffix, else svg).
    Without a renderer for that format, write the DOT source next to it (suffix .gv) and say how to get one.
    A graph too big to lay out (see `pipe`) raises LayoutError, after writing the DOT source next to it."""
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
    try:
        path.write_bytes(pipe(graph, format, timeout, max_nodes))
    except LayoutError as err:
        source_path = path.with_suffix(".gv")
        source_path.write_text(_source(graph), encoding="utf-8")
        raise LayoutError(f"{err}; the DOT source is in {source_path}") from None
    return RenderResult(path, renderer.name, f"wrote {path} ({format}, drawn by {renderer.name})")


class GraphView(graphviz.Digraph):
    """A graphviz.Digraph that renders through `render`'s choice of program (the system dot, else
    graphviz-pure), so Jupyter shows it inline and `.render(filename)`, `.pipe()`, `.view()` take the graphviz
    package's arguments on a machine with either; with neither, Jupyter shows the DOT source and a hint."""

    def _wants_system_graphviz(self, engine: Optional[str], renderer: Optional[str], formatter: Optional[str],
                               neato_no_op: Any) -> bool:
        """Engine/renderer/formatter options with the system dot installed: the graphviz package's own call of it
        (every format it has). Without it, graphviz-pure takes the same -K, -T and -n flags (see `_flags`)."""
        special = (engine not in (None, "dot") or self.engine != "dot" or renderer is not None
                   or formatter is not None or neato_no_op is not None)
        return special and any(r.name == "dot" for r in renderers())

    def _flags(self, format: str, engine: Optional[str], renderer: Optional[str], formatter: Optional[str],
               neato_no_op: Any) -> dict[str, Any]:
        """`pipe`'s format spec (format:renderer:formatter), engine and -n, checked as the graphviz package checks
        them (ValueError for an unknown name, RequiredArgumentError for a formatter without a renderer)."""
        engine = (engine or self.engine or "dot").lower()
        for value, known, what in ((engine, graphviz.ENGINES, "engine"), (renderer, graphviz.RENDERERS, "renderer"),
                                   (formatter, graphviz.FORMATTERS, "formatter")):
            if value is not None and value.lower() not in known:
                raise ValueError(f"unknown {what}: {value!r} (must be one of {sorted(known)})")
        if formatter is not None and renderer is None:
            raise graphviz.RequiredArgumentError("formatter given without renderer")
        spec = ":".join(part for part in (format, renderer, formatter) if part is not None)
        return {"format": spec, "engine": engine, "neato_no_op": neato_no_op}

    def _output_format(self, format: Optional[str]) -> str:
        """The asked format, else this graph's (graphviz's default is pdf; svg when no installed renderer writes it)."""
        if format:
            return format.lower()
        wanted = (self.format or "pdf").lower()
        if find_renderer(wanted) is None and find_renderer("svg") is not None:
            warnings.warn(f"viz: no installed renderer writes {wanted}, so the picture is svg "
                          "(apt-get install graphviz writes every format)", stacklevel=3)
            return "svg"
        return wanted

    def pipe(self, format: Optional[str] = None, renderer: Optional[str] = None, formatter: Optional[str] = None,
             neato_no_op: Any = None, quiet: bool = False, *, engine: Optional[str] = None,
             encoding: Optional[str] = None) -> Union[bytes, str]:
        """The picture's bytes (str with `encoding`), as graphviz.Digraph.pipe."""
        if self._wants_system_graphviz(engine, renderer, formatter, neato_no_op):
            return super().pipe(format, renderer=renderer, formatter=formatter, neato_no_op=neato_no_op, quiet=quiet,
                                engine=engine, encoding=encoding)
        data = pipe(self, **self._flags(self._output_format(format), engine, renderer, formatter, neato_no_op))
        return data.decode(encoding) if encoding else data

    def render(self, filename: Union[str, Path, None] = None, directory: Union[str, Path, None] = None,
               view: bool = False, cleanup: bool = False, format: Optional[str] = None,
               renderer: Optional[str] = None, formatter: Optional[str] = None, neato_no_op: Any = None,
               quiet: bool = False, quiet_view: bool = False, *, outfile: Union[str, Path, None] = None,
               engine: Optional[str] = None, raise_if_result_exists: bool = False,
               overwrite_source: bool = False) -> str:
        """As graphviz.Digraph.render: save the DOT source to `filename` (in `directory`), write the picture to
        `filename.format` (or `outfile`, its suffix giving the format), open it with `view`, and return its path."""
        if self._wants_system_graphviz(engine, renderer, formatter, neato_no_op):
            return super().render(filename, directory=directory, view=view, cleanup=cleanup, format=format,
                                  renderer=renderer, formatter=formatter, neato_no_op=neato_no_op, quiet=quiet,
                                  quiet_view=quiet_view, outfile=outfile, engine=engine,
                                  raise_if_result_exists=raise_if_result_exists, overwrite_source=overwrite_source)
        if format is None and outfile is not None and Path(outfile).suffix:
            format = Path(outfile).suffix.lstrip(".")
        format = self._output_format(format)
        flags = self._flags(format, engine, renderer, formatter, neato_no_op)
        if outfile is not None and filename is None:
            filename = Path(outfile).with_suffix(".gv")
        source = Path(self.save(filename, directory=directory))
        suffix = ".".join(part for part in (formatter, renderer, format) if part is not None)
        target = Path(outfile) if outfile is not None else Path(f"{source}.{suffix}")
        if raise_if_result_exists and target.exists():
            raise FileExistsError(f"output file exists: {target}")
        if find_renderer(format) is None:
            raise NoRendererError(f"cannot render {format}: {_why_not(format)} (the DOT source is in {source})")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(pipe(self, **flags))
        if cleanup:
            source.unlink()
        if view or quiet_view:
            self._view(str(target), format=format, quiet=quiet_view)
        return str(target)

    def view(self, filename: Union[str, Path, None] = None, directory: Union[str, Path, None] = None,
             cleanup: bool = False, quiet: bool = False, quiet_view: bool = False) -> str:
        """As graphviz.Digraph.view: render, then open the picture with the system's viewer."""
        return self.render(filename, directory=directory, view=True, cleanup=cleanup, quiet=quiet,
                           quiet_view=quiet_view)

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
        except (NoRendererError, LayoutError) as err:
            return {"text/plain": f"{err}\n{self.source}"}
