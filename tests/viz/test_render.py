"""Rendering: the system dot, else graphviz-pure, else the DOT source and a one-line hint; Jupyter's
inline display goes through the same choice."""
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

import pytest

from tinygrad_edu.viz import GraphView, draw, render, rendering

from tests.required import missing

from .svgtools import counts, tiny_graph


def test_a_renderer_is_installed(any_renderer):
    """CI must really render: graphviz-pure comes with tinygrad_edu; .ci/run installs the system dot too."""
    assert any_renderer.name in ("dot", "graphviz-pure")


@pytest.mark.parametrize("fmt, magic", [("svg", b"<?xml"), ("png", b"\x89PNG")])
def test_render_writes_svg_and_png(tmp_path, renderer, fmt, magic):
    y, *_ = tiny_graph()
    result = render(draw(y), tmp_path / "graph", fmt)
    assert result.path == tmp_path / f"graph.{fmt}" and result.renderer == renderer.name
    assert result.path.read_bytes().startswith(magic)
    assert renderer.name in result.message


def test_pdf_needs_the_system_dot(tmp_path, renderer):
    y, *_ = tiny_graph()
    result = render(draw(y), tmp_path / "graph.pdf")
    if renderer.name == "dot":
        assert result.path.read_bytes().startswith(b"%PDF")
    else:
        assert result.renderer is None and result.path.suffix == ".gv"
        assert "cannot write pdf" in result.message and "apt-get install graphviz" in result.message


def test_format_comes_from_the_suffix_and_dot_needs_no_renderer(tmp_path, monkeypatch):
    monkeypatch.setattr(rendering, "renderers", lambda: [])
    y, *_ = tiny_graph()
    result = render(draw(y), tmp_path / "graph.dot")
    assert result.path.read_text(encoding="utf-8").startswith("digraph {")
    assert result.renderer is None


def test_without_a_renderer_the_source_is_written_with_a_hint(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(rendering, "renderers", lambda: [])
    y, *_ = tiny_graph()
    graph = draw(y)
    result = render(graph, tmp_path / "out" / "graph.svg")
    assert result.renderer is None and result.path == tmp_path / "out" / "graph.gv"
    assert result.path.read_text(encoding="utf-8") == graph.source
    assert "\n" not in result.message
    assert "apt-get install graphviz" in result.message and "pip install graphviz-pure" in result.message
    bundle = graph._repr_mimebundle_()
    assert list(bundle) == ["text/plain"] and "apt-get install graphviz" in bundle["text/plain"]


def test_jupyter_shows_the_graph_inline_as_svg(renderer):
    y, *_ = tiny_graph()
    graph = draw(y)
    assert isinstance(graph, GraphView)
    bundle = graph._repr_mimebundle_()
    ET.fromstring(bundle["image/svg+xml"])
    assert graph._repr_mimebundle_(include=["image/png"])["image/png"].startswith(b"\x89PNG")


def test_dot_is_preferred_and_renderer_errors_are_reported(monkeypatch):
    found = rendering.renderers()
    if len(found) == 2:
        assert [r.name for r in found] == ["dot", "graphviz-pure"]
    if found:
        with pytest.raises(RuntimeError, match="failed to render"):
            rendering.pipe("digraph { this is not dot", "svg")


def _hide_renderers(monkeypatch, tmp_path, keep_python_scripts: bool) -> None:
    """An empty PATH (no system dot); with keep_python_scripts False, no graphviz-pure next to Python either."""
    empty = tmp_path / "empty-bin"
    empty.mkdir(exist_ok=True)
    monkeypatch.setenv("PATH", str(empty))
    if not keep_python_scripts:
        monkeypatch.setattr(rendering, "sysconfig", SimpleNamespace(get_path=lambda *_a, **_k: str(empty)))
        monkeypatch.setattr(rendering, "sys", SimpleNamespace(executable=str(empty / "python")))


def test_without_dot_on_path_graphviz_pure_draws_files_and_jupyter(tmp_path, monkeypatch):
    _hide_renderers(monkeypatch, tmp_path, keep_python_scripts=True)
    found = [r.name for r in rendering.renderers()]
    if found != ["graphviz-pure"]:
        missing("graphviz-pure", rendering.HINT)
    y, *_ = tiny_graph()
    graph = draw(y)
    result = render(graph, tmp_path / "graph.svg")
    assert result.renderer == "graphviz-pure" and result.path.suffix == ".svg"
    assert counts(ET.fromstring(result.path.read_bytes())) == {"node": 9, "edge": 8, "cluster": 0}
    assert counts(ET.fromstring(graph._repr_mimebundle_()["image/svg+xml"]))["node"] == 9


def test_with_no_renderer_at_all_the_source_and_a_one_line_hint(tmp_path, monkeypatch):
    _hide_renderers(monkeypatch, tmp_path, keep_python_scripts=False)
    assert rendering.renderers() == []
    y, *_ = tiny_graph()
    graph = draw(y)
    result = render(graph, tmp_path / "graph.png")
    assert result.renderer is None and result.path == tmp_path / "graph.gv"
    assert result.path.read_text(encoding="utf-8") == graph.source
    assert "\n" not in str(result) and "apt-get install graphviz" in str(result) and "graphviz-pure" in str(result)
    assert graph._repr_svg_() is None and "digraph" in graph._repr_mimebundle_()["text/plain"]


def test_ipython_displays_the_graph_as_svg(any_renderer):
    formatters = pytest.importorskip("IPython.core.formatters")
    y, *_ = tiny_graph()
    data, _ = formatters.DisplayFormatter().format(draw(y))
    assert counts(ET.fromstring(data["image/svg+xml"])) == {"node": 9, "edge": 8, "cluster": 0}


# ---- the graphviz package's habits: .render(filename), .view(), .pipe() -----------------------------------
def test_render_view_and_pipe_take_the_graphviz_packages_arguments(tmp_path, renderer, monkeypatch):
    """`draw(...).render('name')` saves the DOT source as `name` and the picture as `name.<format>`, as
    graphviz.Digraph.render does (torchviz users write exactly this); `.view()` opens the picture."""
    y, *_ = tiny_graph()
    graph = draw(y)
    opened = []
    monkeypatch.setattr(graph, "_view", lambda path, format, quiet: opened.append((path, format)))
    png = graph.render(str(tmp_path / "name"), format="png")
    assert png == str(tmp_path / "name.png") and (tmp_path / "name.png").read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / "name").read_text(encoding="utf-8") == graph.source
    svg = graph.render("pic", directory=tmp_path, format="svg", cleanup=True)
    assert svg == str(tmp_path / "pic.svg") and not (tmp_path / "pic").exists()
    assert counts(ET.fromstring((tmp_path / "pic.svg").read_bytes()))["node"] == 9
    out = graph.render(outfile=tmp_path / "sub" / "o.svg")
    assert out == str(tmp_path / "sub" / "o.svg") and (tmp_path / "sub" / "o.gv").exists()
    with pytest.warns(UserWarning, match="svg") if renderer.name != "dot" else _no_warning():
        viewed = graph.view(str(tmp_path / "v"))
    assert opened == [(viewed, "pdf" if renderer.name == "dot" else "svg")] and viewed.startswith(str(tmp_path / "v."))
    assert graph.pipe(format="svg").startswith(b"<?xml") and graph.pipe(format="svg", encoding="utf-8").startswith("<?xml")
    with pytest.raises(FileExistsError):
        graph.render(str(tmp_path / "name"), format="png", raise_if_result_exists=True)


class _no_warning:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_render_without_any_renderer_raises_the_hint_after_saving_the_source(tmp_path, monkeypatch):
    monkeypatch.setattr(rendering, "renderers", lambda: [])
    y, *_ = tiny_graph()
    with pytest.raises(rendering.NoRendererError, match="apt-get install graphviz"):
        draw(y).render(str(tmp_path / "g"), format="svg")
    assert (tmp_path / "g").read_text(encoding="utf-8").startswith("digraph")


# ---- graphs too big to lay out ---------------------------------------------------------------------------------
def test_graph_size_counts_the_node_and_edge_statements():
    y, *_ = tiny_graph()
    assert rendering.graph_size(draw(y)) == (9, 8)


def test_a_graph_over_the_node_limit_is_refused_with_its_size_and_what_to_do(tmp_path, any_renderer):
    y, *_ = tiny_graph()
    with pytest.raises(rendering.LayoutError) as err:
        render(draw(y), tmp_path / "g.svg", max_nodes=5)
    text = str(err.value)
    assert "9 nodes and 8 edges" in text and "collapse" in text and "--format dot" in text
    assert (tmp_path / "g.gv").read_text(encoding="utf-8") == draw(y).source and not (tmp_path / "g.svg").exists()


def test_a_layout_that_runs_out_of_time_is_a_layout_error_not_timeout_expired(tmp_path, monkeypatch, any_renderer):
    import subprocess

    def slow(*args, **kwargs):
        raise subprocess.TimeoutExpired(args[0], kwargs["timeout"])

    monkeypatch.setattr(rendering.subprocess, "run", slow)
    y, *_ = tiny_graph()
    with pytest.raises(rendering.LayoutError, match=r"did not lay it out within 0\.5 s.*Draw less"):
        rendering.pipe(draw(y), "svg", timeout=0.5)
    assert "text/plain" in draw(y)._repr_mimebundle_()


def test_engine_renderer_and_formatter_options_work_with_either_renderer(tmp_path, renderer, monkeypatch):
    """The system dot gets them through the graphviz package; graphviz-pure takes the same -K, -T and -n flags."""
    calls = []
    run = rendering.subprocess.run
    monkeypatch.setattr(rendering.subprocess, "run", lambda command, **kw: calls.append(command) or run(command, **kw))
    y, *_ = tiny_graph()
    graph = draw(y)
    assert graph.pipe(format="svg", engine="neato").startswith(b"<?xml")
    assert graph.render(str(tmp_path / "n"), format="svg", engine="neato") == str(tmp_path / "n.svg")
    png = graph.render(str(tmp_path / "c"), format="png", renderer="cairo", formatter="cairo")
    assert png == str(tmp_path / "c.cairo.cairo.png") and (tmp_path / "c.cairo.cairo.png").read_bytes()[:4] == b"\x89PNG"
    if renderer.name == "graphviz-pure":
        assert [c[1:] for c in calls] == [["-Tsvg", "-Kneato"], ["-Tsvg", "-Kneato"], ["-Tpng:cairo:cairo"]]
        assert all(c[0] == renderer.path for c in calls)
    else:
        assert calls and all(Path(c[0]).stem == "dot" for c in calls), "the graphviz package runs the system dot"
    with pytest.raises(ValueError, match="unknown engine"):
        graph.pipe(format="svg", engine="nonsense")
    with pytest.raises(TypeError, match="formatter given without renderer"):
        graph.pipe(format="png", formatter="cairo")
