"""The graph of a backward pass as inline SVG (viz.draw with every op shown, laid out by the installed
Graphviz renderer), and which SVG node each step's Function is, so the page can highlight it."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Optional

from ..tensor import Tensor


@dataclass(frozen=True)
class GraphPicture:
    """`svg` (the <svg> element only) and `node_of`: id(Function) → the node's name (its SVG <title>)."""

    svg: str
    node_of: dict[int, str]


def node_names(root: Tensor, expand_composites: Any = False) -> dict[int, str]:
    """id(Function) → node name in `viz.draw(root, collapse=False)`: an op's own node ("f<n>"), or for a primitive
    of a composition drawn as one node (cross_entropy), that node's name."""
    from ..viz.tensor_view import tensor_view

    return tensor_view(root, show=(), collapse=False, expand_composites=expand_composites).node_of


def step_node(picture: GraphPicture, fn: Any) -> Optional[str]:
    """The node a step's op is drawn as: its own, or (a composition's call) the node of its primitives."""
    members = getattr(fn, "members", None)
    return picture.node_of.get(id(members[0]) if members else id(fn))


def graph_picture(root: Tensor, names: Any = None, titles: Optional[dict[int, str]] = None,
                  timeout: Optional[float] = 120.0, expand_composites: Any = False,
                  notation: str = "code") -> Optional[GraphPicture]:
    """The drawn graph (tensors called as `titles`: id → name), or None when no Graphviz renderer for SVG is
    installed (the page then lists the steps). A graph too big to lay out raises viz.rendering.LayoutError.
    Compositions are drawn as the stepper steps them: one node each unless `expand_composites`."""
    from ..viz import find_renderer
    from ..viz.rendering import pipe
    from ..viz.tensor_view import tensor_view

    if find_renderer("svg") is None:
        return None
    view = tensor_view(root, show=("name", "shape"), collapse=False, names=names, titles=titles,
                       expand_composites=expand_composites, notation=notation)
    svg = pipe(view, "svg", timeout=timeout).decode("utf-8")
    start = svg.find("<svg")
    if start < 0:
        raise RuntimeError(f"inspect.html: the renderer's output has no <svg> element (starts {svg[:80]!r})")
    svg = re.sub(r"<!--.*?-->", "", svg[start:], flags=re.S)
    return GraphPicture(svg, view.node_of)
