"""Out of the box: with only the default dependencies (`pip install -e .`) and no system Graphviz (dot hidden from
PATH), `tinygrad-edu graph` writes real SVG and PNG, `tinygrad-edu step --html` writes a page with the graph inline
and the rules typeset that fetches nothing when viewed, and `draw(...).render/.view/.pipe` take the graphviz
package's arguments. Each CLI runs in a subprocess whose PATH holds only this Python's script folders."""
from __future__ import annotations

import base64
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.required import missing
from tests.viz.svgtools import counts
from tinygrad_edu.viz import rendering

ROOT = Path(__file__).resolve().parents[1]
SVG = "{http://www.w3.org/2000/svg}"
OPENER = {"linux": "xdg-open", "darwin": "open"}.get(sys.platform)
"""The program the graphviz package's view() runs by name; elsewhere (Windows: os.startfile) the child patches
_view to record the path instead."""


@dataclass
class Bare:
    """A PATH without the system dot: this Python's script folders (tinygrad-edu, graphviz-pure) and a folder
    with a harmless `xdg-open` that records what it was asked to open."""

    path: str
    env: dict
    opened: Path

    def run(self, *argv: str, cwd: Path, timeout: float = 120.0) -> subprocess.CompletedProcess:
        """`tinygrad-edu argv...` (the console script pip installed, else `python -m tinygrad_edu.cli`)."""
        script = shutil.which("tinygrad-edu", path=self.path)
        command = [script] if script else [sys.executable, "-m", "tinygrad_edu.cli"]
        return subprocess.run(command + list(argv), cwd=cwd, env=self.env, capture_output=True, text=True,
                              timeout=timeout)

    def python(self, code: str, cwd: Path, timeout: float = 120.0) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=self.env, capture_output=True, text=True,
                              timeout=timeout)


@pytest.fixture(scope="module")
def bare(tmp_path_factory) -> Bare:
    """Skipped only when this Python's own folder holds a `dot` (a conda env: it cannot be hidden); when
    graphviz-pure is missing, skipped on a laptop and failed under CI."""
    tools = tmp_path_factory.mktemp("bin")
    opened = tools / "opened.txt"
    if OPENER:
        opener = tools / OPENER
        opener.write_text(f"#!{sys.executable}\nimport sys\nopen({str(opened)!r}, 'a').write(sys.argv[1] + '\\n')\n")
        opener.chmod(0o755)
    path = os.pathsep.join([str(tools)] + rendering._script_folders())
    if shutil.which("dot", path=path):
        pytest.skip(f"this Python's folders hold a `dot` ({shutil.which('dot', path=path)}), so it cannot be hidden")
    if not shutil.which("graphviz-pure", path=path):
        missing("graphviz-pure", "a default dependency: pip install -e . (or pip install graphviz-pure)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(PATH=path, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
               TINYGRAD_EDU_TEST_OPENED=str(opened))
    return Bare(path, env, opened)


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk, after checking the signature and that the pixels are not blank."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", data[:16]
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    pixels, at = b"", 8
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        if kind == b"IDAT":
            pixels += data[at + 8:at + 8 + length]
        at += 12 + length
    raw = zlib.decompress(pixels)
    assert len(raw) >= height * (1 + width), "the image data is shorter than its stated size"
    assert len(set(raw)) > 8, "a blank picture"
    return width, height


def test_graph_writes_svg_and_png_with_graphviz_pure_alone(bare, tmp_path):
    for name in ("lenet5.svg", "lenet5.png"):
        done = bare.run("graph", "--model", "lenet5", "-o", name, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert f"wrote {name}" in done.stdout and "drawn by graphviz-pure" in done.stdout
    svg = ET.fromstring((tmp_path / "lenet5.svg").read_bytes())
    drawn = counts(svg)
    assert drawn["node"] >= 20 and drawn["edge"] >= drawn["node"] - 1, drawn
    assert any("Conv2d" in (t.text or "") for t in svg.iter(f"{SVG}text"))
    width, height = png_size((tmp_path / "lenet5.png").read_bytes())
    assert 200 <= width <= 20000 and 200 <= height <= 20000, (width, height)


def test_the_scalar_coupling_picture_is_laid_out_by_neato_in_graphviz_pure(bare, tmp_path):
    done = bare.run("graph", "--expand-conv-example", "-o", "coupling.png", cwd=tmp_path)
    assert done.returncode == 0 and "drawn by graphviz-pure" in done.stdout, done.stderr
    width, height = png_size((tmp_path / "coupling.png").read_bytes())
    assert 100 <= width <= 20000 and 100 <= height <= 20000


FETCHES = [r"<script\b[^>]*\bsrc\s*=", r"<link\b", r"@import", r"url\(\s*(?![\"']?(?:#|data:))", r"\bfetch\s*\(",
           r"XMLHttpRequest", r"\bimport\s*\(", r"WebSocket", r"new\s+Worker", r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//"]


def assert_fetches_nothing(text: str, where: str) -> None:
    """No script, style, font or image from elsewhere: every http(s) URL is an XML namespace name."""
    for pattern in FETCHES:
        found = re.search(pattern, text, re.I)
        assert found is None, f"{where} fetches at view time: {text[max(found.start() - 60, 0):found.end() + 60]!r}"
    for url in re.finditer(r"https?://", text):
        before = text[max(url.start() - 20, 0):url.start()]
        assert re.search(r"xmlns(?::\w+)?=[\"']$", before), f"{where}: {text[url.start() - 60:url.start() + 60]!r}"


def test_step_html_has_the_graph_inline_and_typeset_rules_and_needs_no_network(bare, tmp_path):
    done = bare.run("step", "--model", "lenet5", "--html", "page.html", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "page.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/json" id="stepper-data">(.*?)</script>', page, re.S)
                      .group(1))
    assert data["graph"] is True and 'class="nograph"' not in page
    graph = ET.fromstring(re.search(r'<div id="graph">(<svg.*?</svg>)', page, re.S).group(1))
    titles = {g.find(f"{SVG}title").text for g in graph.iter(f"{SVG}g") if g.get("class") == "node"}
    assert {s["node"] for s in data["steps"]} <= titles, "every step's node is in the inline graph"
    assert len(data["steps"]) >= 10 and {"conv2d", "maxpool2d", "relu"} <= {s["op"].lower() for s in data["steps"]}
    untypeset = [s["op"] for s in data["steps"] if s["rule_latex"] and s["rule"] < 0]
    assert untypeset == [], f"rules shown as plain text only: {untypeset}"
    assert_fetches_nothing(page, "page.html")
    for image in data["rules"]:
        assert image.startswith("data:image/svg+xml;base64,")
        svg = base64.b64decode(image.split(",", 1)[1]).decode("utf-8")
        glyphs = ET.fromstring(svg)
        assert len(list(glyphs.iter(f"{SVG}path"))) >= 3, "the formula's glyphs are drawn as paths"
        assert not list(glyphs.iter(f"{SVG}text")) and "@font-face" not in svg
        assert_fetches_nothing(svg, "a rule image")


GRAPHVIZ_HABITS = """
import json, os, warnings
import tinygrad_edu as tg
from tinygrad_edu.viz import draw, rendering
x = tg.randn(2, 3, requires_grad=True)
graph = draw((x * 2).sum())
if not __OPENER__:
    graph._view = lambda path, format, quiet: open(os.environ["TINYGRAD_EDU_TEST_OPENED"], "a").write(path + "\\n")
out = {"renderers": [r.name for r in rendering.renderers()]}
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    out["name"] = graph.render("name")
    out["view"] = graph.view("v")
out["warnings"] = [str(w.message) for w in caught]
out["x"] = graph.render(filename="x", format="png", cleanup=True)
out["neato"] = graph.render("n", format="png", engine="neato", renderer="cairo")
out["pipe"] = graph.pipe(format="svg").decode("utf-8")
out["pipe_text"] = graph.pipe(format="svg", encoding="utf-8", engine="fdp")
print(json.dumps(out))
"""


def test_render_view_and_pipe_take_the_graphviz_packages_arguments_with_graphviz_pure_alone(bare, tmp_path):
    done = bare.python(GRAPHVIZ_HABITS.replace("__OPENER__", repr(OPENER)), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["renderers"] == ["graphviz-pure"]
    assert out["name"] == "name.svg" and (tmp_path / "name").read_text(encoding="utf-8").startswith("digraph")
    assert counts(ET.fromstring((tmp_path / "name.svg").read_bytes()))["node"] >= 3
    assert any("svg" in w for w in out["warnings"]), "pdf (graphviz's default) falls back to svg, saying so"
    assert out["x"] == "x.png" and not (tmp_path / "x").exists()
    png_size((tmp_path / "x.png").read_bytes())
    assert out["neato"] == "n.cairo.png"
    png_size((tmp_path / "n.cairo.png").read_bytes())
    ET.fromstring(out["pipe"].encode("utf-8"))
    assert out["pipe_text"].lstrip().startswith("<?xml")
    assert out["view"] == "v.svg" and (tmp_path / "v.svg").exists()
    deadline = time.monotonic() + 20
    while not (bare.opened.exists() and bare.opened.read_text().strip()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert bare.opened.read_text().split() == ["v.svg"], "view() opened the picture with the system's opener"


MODULES = """
import atexit, json, runpy, sys
atexit.register(lambda: json.dump(sorted(sys.modules), open("modules.json", "w")))
sys.argv = ["tinygrad-edu"] + {argv!r}
runpy.run_module("tinygrad_edu.cli", run_name="__main__")
"""


def _allowed_distributions() -> set[str]:
    """The distributions `pip install -e .` brings: [project] dependencies (markers evaluated here), recursively."""
    tomllib = pytest.importorskip("tomllib" if sys.version_info >= (3, 11) else "tomli")
    requirements = pytest.importorskip("packaging.requirements")
    from importlib import metadata

    def name(text: str) -> str:
        return re.sub(r"[-_.]+", "-", text).lower()

    todo = list(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"])
    allowed: set[str] = set()
    while todo:
        requirement = requirements.Requirement(todo.pop())
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        if name(requirement.name) in allowed:
            continue
        allowed.add(name(requirement.name))
        try:
            todo += metadata.requires(requirement.name) or []
        except metadata.PackageNotFoundError:
            pass
    return allowed


def test_graph_and_the_stepper_import_nothing_beyond_the_default_dependencies(bare, tmp_path):
    """`pip install -e .` alone is enough: every module these commands import is the standard library's,
    tinygrad_edu's, or from a distribution the [project] dependencies bring (so no extra is needed)."""
    from importlib import metadata

    allowed = _allowed_distributions()
    assert {"graphviz-pure", "matplotlib"} <= allowed, "the renderer and the rule typesetter are default dependencies"
    owners = metadata.packages_distributions()
    baseline = set(json.loads(bare.python("import sys, json; print(json.dumps(sorted(sys.modules)))",
                                          cwd=tmp_path).stdout))
    for argv in (["graph", "--model", "lenet5", "-o", "g.png"], ["step", "--model", "lenet5", "--html", "p.html"]):
        done = bare.python(MODULES.format(argv=argv), cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        imported = {m.split(".")[0] for m in json.loads((tmp_path / "modules.json").read_text())} - baseline
        foreign = {m: owners[m] for m in imported
                   if m not in sys.stdlib_module_names and m != "tinygrad_edu" and m in owners
                   and not {re.sub(r"[-_.]+", "-", d).lower() for d in owners[m]} & allowed}
        assert foreign == {}, f"`tinygrad-edu {argv[0]}` imports modules from outside the default dependencies"
