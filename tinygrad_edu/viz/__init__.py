"""Seeing the graph: `draw(t)` gives a graphviz.Digraph of the tensor-level or expanded (scalar) graph;
`render(graph, path)` writes SVG/PNG/PDF with whatever Graphviz renderer is installed."""
from .draw import draw
from .rendering import GraphView, RenderResult, find_renderer, render, renderers

__all__ = ["draw", "render", "find_renderer", "renderers", "GraphView", "RenderResult"]
