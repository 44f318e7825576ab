"""Rendering: the system dot, else graphviz-pure, else the DOT source and a one-line hint; Jupyter's
inline display goes through the same choice."""
import xml.etree.ElementTree as ET

import pytest

from tinygrad_edu.viz import GraphView, draw, render, rendering

from .svgtools import tiny_graph


def test_a_renderer_is_installed(any_renderer):
    """CI must really render: install graphviz (apt) or tinygrad_edu[render] (graphviz-pure)."""
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
    assert "apt-get install graphviz" in result.message and "pip install 'tinygrad_edu[render]'" in result.message
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
