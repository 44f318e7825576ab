"""The tensor-level picture: op nodes (ellipses) and tensor nodes (boxes), one nested cluster per module
call, collapsed modules as single nodes, Parameters apart, gradient-weighted edges and a highlighted path."""
from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

import numpy as np

from ..autograd import Function
from ..tensor import Tensor
from . import labels, styles
from .clusters import (CollapseSpec, Scope, all_scopes, auto_collapse, chosen, cluster_label, common_scope,
                       outermost_composites, owner_after_collapse)
from .composites import ExpandSpec, composite_depth, is_expanded
from .notation import LEGEND, check_notation, lecture_names
from ..autograd import composite_rules
from ..graph import call_scopes, is_composite, module_output_names, parameter_names
from .graph_walk import GraphData, Gradients, gradients, magnitude, path_nodes, walk
from .rendering import GraphView

SHOW_FIELDS = ("name", "shape", "dtype", "rule", "attrs")


@dataclass
class _Node:
    key: int
    role: str
    owner: Scope
    tensor: Optional[Tensor] = None
    fn: Optional[Function] = None


@dataclass
class _Edge:
    src: int
    dst: int
    grad: Optional[np.ndarray] = None
    parameter: bool = False


@dataclass
class _Layout:
    """Nodes and edges before drawing, and where each node ends up once modules are collapsed."""

    nodes: dict[int, _Node] = field(default_factory=dict)
    edges: list[_Edge] = field(default_factory=list)
    collapsed: set[Scope] = field(default_factory=set)

    def target(self, key: int) -> Any:
        """The node id in the picture: the node itself, or the collapsed module that swallowed it."""
        scope = owner_after_collapse(self.nodes[key].owner, self.collapsed)
        return key if scope is None else scope

    def count(self, collapsed: set[Scope]) -> int:
        cache: dict[Scope, Any] = {}
        seen = set()
        for key, node in self.nodes.items():
            if node.owner not in cache:
                cache[node.owner] = owner_after_collapse(node.owner, collapsed)
            seen.add(key if cache[node.owner] is None else cache[node.owner])
        return len(seen)


def _role(graph: GraphData, t: Tensor) -> str:
    if t is graph.root:
        return "output"
    if t._ctx is not None:
        return "activation"
    if graph.is_parameter(t):
        return "parameter"
    if graph.is_constant(t):
        return "constant"
    return "input"


def _owner(graph: GraphData, t: Tensor, role: str, names: dict[int, str], scopes: dict[int, Scope]) -> Scope:
    """Produced tensors sit with their op (in that op's module call; a composition's result just outside it);
    Parameters and tensors named by `names` (a model's buffers) with their users but outside any composition (W
    stays an input of `linear`); constants with their users."""
    if t._ctx is not None:
        scope = scopes[id(t._ctx)]
        depth = composite_depth(scope)
        if depth is not None and (t is graph.root or any(scopes[id(fn)][:depth + 1] != scope[:depth + 1]
                                                         for fn in graph.consumers.get(id(t), ()))):
            return scope[:depth]  # a composition's result is drawn outside its node, as an op's output is
        return scope
    if role == "constant":
        return common_scope(scopes[id(fn)] for fn in graph.consumers.get(id(t), ()))
    if role == "parameter" or id(t) in names:
        shared = common_scope(scopes[id(fn)] for fn in graph.consumers.get(id(t), ()))
        while shared and any(is_composite(e) for e in shared):
            shared = shared[:-1]
        return shared
    return ()


def _layout(graph: GraphData, names: dict[int, str], found: Optional[Gradients]) -> _Layout:
    lay = _Layout()
    scopes = call_scopes(graph.functions)
    for t in graph.tensors:
        role = _role(graph, t)
        lay.nodes[id(t)] = _Node(id(t), role, _owner(graph, t, role, names, scopes), tensor=t)
    for fn in graph.functions:
        lay.nodes[id(fn)] = _Node(id(fn), "op", scopes[id(fn)], fn=fn)
        for i, t in enumerate(fn.inputs):
            g = found.edges.get((id(fn), i)) if found else None
            lay.edges.append(_Edge(id(t), id(fn), g, lay.nodes[id(t)].role == "parameter"))
        out = fn._output()
        if out is not None and id(out) in lay.nodes:
            lay.edges.append(_Edge(id(fn), id(out), found.outputs.get(id(fn)) if found else None))
    return lay


def _tensor_label(t: Tensor, title: str, show: Sequence[str], values: bool, grad: Optional[np.ndarray]) -> str:
    rows = []
    if "name" in show and title:
        rows.append(labels.html(title))
    facts = []
    if "shape" in show:
        facts.append(labels.shape_text(t.shape))
    if "dtype" in show:
        facts.append("sympy" if t.dtype == object else str(t.dtype))
    if facts:
        rows.append(labels.html(" ".join(facts)))
    for on, data, prefix in ((values, t.data, ""), (grad is not None, grad, "δ ")):
        if on:
            rows.append(labels.html(prefix + labels.summary(data)))
            table = labels.heat_map(data)
            if table:
                rows.append(table)
    return labels.html_table(rows or [" "], bold_first="name" in show and bool(title))


def _attrs_text(fn: Function) -> str:
    parts = []
    for k, v in fn.attrs.items():
        text = f"array {labels.shape_text(v.shape)}" if isinstance(v, np.ndarray) else repr(v)
        parts.append(f"{k}={labels.shorten(text, 24)}")
    return ", ".join(parts)


def _op_label(fn: Function, show: Sequence[str]) -> str:
    rows = [labels.html(fn.name)]
    if "attrs" in show and fn.attrs:
        rows.append(f'<FONT POINT-SIZE="8">{labels.html(textwrap.fill(_attrs_text(fn), 40))}</FONT>')
    if "rule" in show and fn.rule_unicode:
        rows.append(f'<FONT POINT-SIZE="8">{labels.html(textwrap.fill(fn.rule_unicode, 40))}</FONT>')
    return labels.html_table(rows, bold_first=True)


def _module_label(scope: Scope, members: list[_Node], leaving: list[Tensor]) -> str:
    ops = sum(1 for n in members if n.role == "op")
    weights = sum(n.tensor.numel() for n in members if n.role == "parameter" and n.tensor is not None)
    counted = f"{ops} op" + ("s" if ops != 1 else "") + (f", {weights} weights" if weights else "")
    rows = [labels.html(cluster_label(scope)), labels.html(counted)]
    shapes = sorted({labels.shape_text(t.shape) for t in leaving})
    if shapes:
        rows.append(labels.html("→ " + ", ".join(shapes[:3]) + (" …" if len(shapes) > 3 else "")))
    return labels.html_table(rows, bold_first=True)


def _composite_label(scope: Scope, show: Sequence[str]) -> str:
    """A collapsed composition: its name (bold, `cross_entropy#2` for a second call) and, with "rule" in `show`,
    its own rule (δ = softmax(u) − y), not its primitives'."""
    rows = [labels.html(cluster_label(scope))]
    rule = composite_rules.get(scope[-1][0], ("", ""))[0]
    if "rule" in show and rule:
        rows.append(f'<FONT POINT-SIZE="8">{labels.html(textwrap.fill(rule, 40))}</FONT>')
    return labels.html_table(rows, bold_first=True)


def _highlight(graph: GraphData, highlight: Any) -> tuple[set[int], set[int]]:
    if highlight is None:
        return set(), set()
    start, end = (highlight, graph.root) if isinstance(highlight, Tensor) else tuple(highlight)
    known = {id(t) for t in graph.tensors}
    for t in (start, end):
        if not isinstance(t, Tensor) or id(t) not in known:
            what = f"tensor {t.name!r} of shape {t.shape}" if isinstance(t, Tensor) else repr(t)
            raise ValueError(f"viz.draw: highlight {what} is not in the graph that produced the drawn tensor")
    tensors, functions = path_nodes(graph, start, end)
    if not tensors:
        raise ValueError(f"viz.draw: highlight: no path from the tensor of shape {start.shape} to the tensor "
                         f"of shape {end.shape} (the first must be an input of the second)")
    return tensors, functions


def tensor_view(root: Tensor, show: Sequence[str] = ("name", "shape", "dtype"), values: bool = False,
                grads: bool = False, collapse: CollapseSpec = None, highlight: Any = None, names: Any = None,
                max_nodes: int = 150, rankdir: str = "TB", titles: Optional[dict[int, str]] = None,
                expand_composites: ExpandSpec = False, notation: str = "code",
                caption: Optional[str] = None) -> GraphView:
    """The graph that produced `root`, one node per tensor and per op (see `viz.draw`); `titles` (tensor id →
    name, e.g. the user's variable names) names tensors that have no name of their own. Each call of a
    composition (cross_entropy, linear, batch_norm, …) is one node with its own rule unless `expand_composites`
    (True, or the compositions' names) asks for its primitives. notation="lecture" titles tensors u_r, z_r, W_r,
    b_r, E as the lecture does (viz.notation), each with its name in the code; `caption` goes under the picture."""
    check_notation(notation, "viz.draw")
    unknown = set(show) - set(SHOW_FIELDS)
    if unknown:
        raise ValueError(f"viz.draw: show={sorted(unknown)} is not one of {list(SHOW_FIELDS)}")
    graph = walk(root)
    named = parameter_names(names, "viz")
    found = gradients(graph) if grads else None
    lay = _layout(graph, named, found)
    scopes = all_scopes(n.owner for n in lay.nodes.values())
    folded = {s for s in outermost_composites(scopes) if not is_expanded(expand_composites, s[-1][0])}
    auto = collapse is None
    modules = {s for s in scopes if not is_composite(s[-1])}
    picked = (auto_collapse(modules, lambda c: lay.count(c | folded), max_nodes) if auto
              else chosen(collapse, scopes))
    lay.collapsed = picked | folded
    on_path_t, on_path_f = _highlight(graph, highlight)
    on_path = on_path_t | on_path_f
    shown = module_output_names(graph.tensors)
    shown.update(titles or {})
    lecture: dict[int, str] = {}
    if notation == "lecture":
        symbols = lecture_names(root, graph.tensors)
        for t in graph.tensors:
            label = symbols.label(t, named.get(id(t)) or t.name or shown.get(id(t)))
            if label is not None:
                lecture[id(t)] = label
    return _emit(graph, lay, named, shown, found, show, values, on_path, auto, max_nodes, rankdir, lecture, caption)


def _emit(graph: GraphData, lay: _Layout, named: dict[int, str], titles: dict[int, str], found: Optional[Gradients],
          show: Sequence[str], values: bool, on_path: set[int], auto: bool, max_nodes: int, rankdir: str,
          lecture: dict[int, str], caption: Optional[str] = None) -> GraphView:
    ids: dict[Any, str] = {}
    members: dict[Scope, list[_Node]] = {}
    placed: dict[Scope, list[tuple[str, dict[str, str]]]] = {}
    for key, node in lay.nodes.items():
        target = lay.target(key)
        if isinstance(target, tuple):
            members.setdefault(target, []).append(node)
            if target not in ids:
                ids[target] = f"m{len(ids)}"
            continue
        ids[key] = f"{'f' if node.role == 'op' else 't'}{len(ids)}"
        attrs = dict(styles.ROLE[node.role])
        if node.role == "op":
            attrs["label"] = _op_label(node.fn, show)
            attrs["tooltip"] = labels.plain(node.fn.rule_unicode or node.fn.name)
        elif node.role == "constant":
            attrs["label"] = labels.plain(labels.summary(node.tensor.data).lstrip("= "))
        else:
            t = node.tensor
            title = (lecture.get(id(t)) or named.get(id(t)) or t.name or titles.get(id(t))
                     or ("" if node.role == "activation" else node.role))
            grad = found.tensors.get(id(t)) if found else None
            attrs["label"] = _tensor_label(t, title, show, values, grad)
        if key in on_path:
            attrs.update(styles.HIGHLIGHT_NODE)
        placed.setdefault(node.owner, []).append((ids[key], attrs))
    edges = _edges(lay, ids, on_path)
    outside: set[int] = set()
    for e in lay.edges:
        src = lay.target(e.src)
        if isinstance(src, tuple) and lay.target(e.dst) != src:
            outside.add(e.src)
    for scope, inside in members.items():
        leaving = [n.tensor for n in inside if n.tensor is not None and (n.tensor is graph.root or n.key in outside)]
        if is_composite(scope[-1]):
            rule = composite_rules.get(scope[-1][0], ("", ""))[0]
            attrs = dict(styles.ROLE["composite"], label=_composite_label(scope, show),
                         tooltip=labels.plain(rule or cluster_label(scope)))
        else:
            attrs = dict(styles.ROLE["module"], label=_module_label(scope, inside, leaving))
        if any(n.key in on_path for n in inside):
            attrs.update(styles.HIGHLIGHT_NODE)
        placed.setdefault(scope[:-1], []).append((ids[scope], attrs))
    view = _assemble(placed, edges, rankdir)
    view.collapsed = sorted(cluster_label(s) for s in members if not is_composite(s[-1]))
    view.composites = sorted(cluster_label(s) for s in members if is_composite(s[-1]))
    view.node_of = {key: ids[lay.target(key)] for key, node in lay.nodes.items() if node.role == "op"}
    view.node_count = len(ids)
    lines = [caption] if caption else []
    if auto and view.collapsed:
        lines.append(f"modules collapsed to fit {max_nodes} nodes (draw(..., collapse=False) shows every op)")
    if lecture:
        lines.append(LEGEND)
    if lines:
        view.attr(label=labels.plain("\n".join(lines)), labelloc="b", fontsize="9")
    return view


def _edges(lay: _Layout, ids: dict[Any, str], on_path: set[int]) -> list[tuple[str, str, dict[str, str]]]:
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    plain: list[tuple[str, str, dict[str, Any]]] = []
    for e in lay.edges:
        src, dst = lay.target(e.src), lay.target(e.dst)
        if src == dst:
            continue
        info = {"size": magnitude(e.grad), "path": e.src in on_path and e.dst in on_path, "parameter": e.parameter}
        if isinstance(src, tuple) or isinstance(dst, tuple):
            seen = merged.setdefault((ids[src], ids[dst]), {"size": None, "path": False, "parameter": True})
            if info["size"] is not None:
                seen["size"] = max(seen["size"] or 0.0, info["size"])
            seen["path"] |= info["path"]
            seen["parameter"] &= info["parameter"]
        else:
            plain.append((ids[src], ids[dst], info))
    everything = plain + [(s, d, info) for (s, d), info in merged.items()]
    sizes = [info["size"] for _, _, info in everything if info["size"]]
    out = []
    for s, d, info in everything:
        attrs: dict[str, str] = dict(styles.PARAMETER_EDGE) if info["parameter"] else {}
        if info["size"] is not None and sizes:
            attrs.update(styles.gradient_edge(info["size"], min(sizes), max(sizes)))
            attrs["tooltip"] = labels.plain(f"‖δ‖ = {labels.number(info['size'])}")
        if info["path"]:
            attrs.update(styles.HIGHLIGHT_EDGE)
        out.append((s, d, attrs))
    return out


def _assemble(placed: dict[Scope, list[tuple[str, dict[str, str]]]], edges: list, rankdir: str) -> GraphView:
    """Nodes into nested clusters, built deepest first so each cluster is complete before its parent takes it.
    Clusters are numbered and nested in the order their first node appears (forward order), never in set or
    hash order, so the same graph gives the same DOT bytes in every run."""
    view = GraphView(graph_attr=dict(styles.GRAPH, rankdir=rankdir), node_attr=styles.NODE, edge_attr=styles.EDGE)
    appearance: dict[Scope, int] = {}
    for scope in placed:
        for depth in range(1, len(scope) + 1):
            appearance.setdefault(scope[:depth], len(appearance))
    scopes = sorted(appearance, key=appearance.__getitem__)
    clusters: dict[Scope, GraphView] = {}
    for n, scope in enumerate(scopes):
        style = styles.cluster_style(len(scope) - 1)
        if is_composite(scope[-1]):
            style.update(styles.COMPOSITE_CLUSTER)
        c = GraphView(name=f"cluster_{n}", graph_attr=dict(style, label=labels.plain(cluster_label(scope))))
        clusters[scope] = c
    for scope, nodes in placed.items():
        target = clusters[scope] if scope else view
        for node_id, attrs in nodes:
            target.node(node_id, **attrs)
    for scope in sorted(scopes, key=lambda s: (-len(s), appearance[s])):
        parent = clusters[scope[:-1]] if len(scope) > 1 else view
        parent.subgraph(clusters[scope])
    for s, d, attrs in edges:
        view.edge(s, d, **attrs)
    return view
