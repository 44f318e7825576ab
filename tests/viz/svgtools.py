"""Read what dot wrote: parse SVG with xml.etree and count the node / edge / cluster groups, and read
the edges (tail, head, label) back from the <title> and <text> elements."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import tinygrad_edu as tg
from tinygrad_edu.viz import rendering as render

SVG = "{http://www.w3.org/2000/svg}"


def to_svg(graph) -> ET.Element:
    """The graph rendered to SVG by the installed renderer, parsed (fails on invalid XML)."""
    return ET.fromstring(render.pipe(graph, "svg"))


def groups(svg: ET.Element, kind: str) -> list[ET.Element]:
    return [g for g in svg.iter(f"{SVG}g") if g.get("class") == kind]


def counts(svg: ET.Element) -> dict[str, int]:
    return {kind: len(groups(svg, kind)) for kind in ("node", "edge", "cluster")}


def title(group: ET.Element) -> str:
    return group.find(f"{SVG}title").text or ""


def texts(group: ET.Element) -> list[str]:
    return [t.text or "" for t in group.iter(f"{SVG}text")]


def edges(svg: ET.Element) -> list[tuple[str, str, str]]:
    """(tail id, head id, label text) for every edge."""
    out = []
    for g in groups(svg, "edge"):
        tail, head = title(g).split("->")
        out.append((tail, head, " ".join(texts(g))))
    return out


def all_text(svg: ET.Element) -> str:
    return "\n".join(t.text or "" for t in svg.iter(f"{SVG}text"))


def tiny_graph():
    """(a*b + c).sum() with named leaves: 6 tensors, 3 ops, 8 edges."""
    a = tg.Tensor([1.0, 2.0], requires_grad=True, name="a")
    b = tg.Tensor([3.0, 4.0], requires_grad=True, name="b")
    c = tg.Tensor([5.0, 6.0], requires_grad=True, name="c")
    return (a * b + c).sum(), a, b, c


def element_nodes(svg: ET.Element) -> list[ET.Element]:
    """The expanded view's element nodes (ids e<tensor>_<flat index>), not its titles, legends or caption."""
    return [g for g in groups(svg, "node") if re.fullmatch(r"e\d+_\d+", title(g))]


def centres(svg: ET.Element) -> dict[str, tuple[float, float]]:
    """Node id → the centre dot drew it at (its ellipse's, else its text's), in SVG coordinates (y down)."""
    found = {}
    for g in groups(svg, "node"):
        ellipse = g.find(f"{SVG}ellipse")
        if ellipse is not None:
            found[title(g)] = (float(ellipse.get("cx")), float(ellipse.get("cy")))
        else:
            text = g.find(f"{SVG}text")
            if text is not None:
                found[title(g)] = (float(text.get("x")), float(text.get("y")))
    return found
