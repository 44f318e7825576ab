"""The scalar view of a slice: when a graph is too big for one node per element (every zoo model is), draw the
elements a few output entries depend on — their receptive field back through conv, pool and dense layers — each
with its true index (input[0,0,3,4], or u₁[0,0,3,4] in the lecture's notation), each tensor as the grid of its drawn
part (viz.grid_layout), each coupling as the weight entry it is where it is one (viz.edge_weights), and say what was
cut. Without a slice given, the deepest tensor whose slice fits the limits is chosen, and named."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Optional, Union

import numpy as np

from ..errors import ShapeError
from ..graph import module_output_names, parameter_names
from ..tensor import Tensor
from . import grid_layout, labels, styles
from .graph_walk import GraphData, walk
from .edge_weights import WeightEntry, weight_entries
from .receptive_field import Edge, Field, FieldTooLarge, couplings, dependencies, receptive_field
from .rendering import GraphView
from .slice_labels import Speller
from .slicing import Selection, SliceError, SliceSpec, parse_slice, select, windows

ROLE_STYLE = {
    "input": {"shape": "ellipse", "style": "filled", "fillcolor": "#eeeeee"},
    "activation": {"shape": "ellipse", "style": "filled", "fillcolor": "#ffffff"},
    "output": {"shape": "ellipse", "style": "filled", "fillcolor": "#d9f2d9", "color": "#2e7d32"},
}


CURVED_EDGES = 100
"""Up to this many couplings the edges are routed around the nodes; past it they are straight lines (routing a few
hundred splines takes neato tens of seconds; straight lines, none)."""


class SliceTooLarge(ShapeError):
    """A slice whose receptive field passes a limit: `selection` (what was asked), `tensor` (the name of the tensor
    that overflowed, with `shape`), `found` (at least this many elements), `limit` and which one (`what`:
    "max_elements", one tensor's drawn elements, or "max_nodes", all of them)."""

    def __init__(self, selection: Selection, tensor: str, shape: tuple[int, ...], found: int, limit: int,
                 what: str, auto: bool) -> None:
        self.selection, self.tensor, self.shape = selection, tensor, shape
        self.found, self.limit, self.what, self.auto = found, limit, what, auto
        scope = f"of {tensor} ({labels.shape_text(shape)})" if what == "max_elements" else "in all"
        lead = ("no slice of this graph is small enough: even the smallest, " if auto else "the slice ")
        needs = "selects" if tensor == selection.name and found == selection.count else "depends on at least"
        super().__init__(f"viz scalar view: {lead}{selection.text} ({selection.describe()}) {needs} "
                         f"{found} elements {scope}, more than {what}={limit}; pick fewer output elements or a tensor "
                         f"nearer the input, or raise {what}")


class AutomaticSlice(UserWarning):
    """viz.draw(level="scalar") drew a slice chosen automatically, the whole graph being too big: which, and why."""


@dataclass
class Names:
    """Every drawable tensor's name in the picture (the same names --slice takes), and the drawable test."""

    graph: GraphData
    by_id: dict[int, str]
    weights: set[int]
    chosen: set[int]
    """Tensors named by the user or a module call (not by an op's name and a counter): the automatic slice's first
    candidates."""

    def drawable(self, t: Tensor) -> bool:
        """A float tensor that is neither a number in the code nor a weight (a Parameter, or computed from
        Parameters and constants alone, such as Wᵀ): weights enter the edge labels as numbers."""
        return (id(t) in self.by_id and id(t) not in self.weights and t.dtype.kind == "f"
                and not self.graph.is_constant(t))

    def shapes(self) -> dict[str, tuple[int, ...]]:
        return {self.by_id[id(t)]: t.shape for t in self.graph.tensors if self.drawable(t)}

    def tensor(self, name: str) -> Tensor:
        return next(t for t in self.graph.tensors if self.by_id.get(id(t)) == name)


def tensor_names(graph: GraphData, named: dict[int, str], titles: dict[int, str]) -> Names:
    """Names as the scalar view gives them (parameter names, the tensor's own name, the user's variable name, a
    module call's output `c1.out`, else the op's name with a counter `conv2d2`), made unique."""
    outputs = module_output_names(graph.tensors)
    by_id: dict[int, str] = {}
    taken: set[str] = set()
    counters: dict[str, int] = {}
    weights: set[int] = set()
    chosen: set[int] = set()
    for t in graph.tensors:
        if graph.is_constant(t):
            continue
        if graph.is_parameter(t) or (t._ctx is not None and any(id(u) in weights for u in t._ctx.inputs) and all(
                id(u) in weights or graph.is_constant(u) or u.dtype.kind != "f" for u in t._ctx.inputs)):
            weights.add(id(t))
        name = named.get(id(t)) or t.name or titles.get(id(t)) or outputs.get(id(t))
        if name:
            chosen.add(id(t))
        else:
            stem = t._ctx.name.lower() if t._ctx is not None else "x"
            counters[stem] = counters.get(stem, 0) + 1
            name = stem if counters[stem] == 1 else f"{stem}{counters[stem]}"
        unique, k = name, 1
        while unique in taken:
            k += 1
            unique = f"{name}#{k}"
        taken.add(unique)
        by_id[id(t)] = unique
    return Names(graph, by_id, weights, chosen)


def _field(names: Names, selection: Selection, max_elements: int, max_nodes: int, auto: bool) -> Field:
    target = names.tensor(selection.name)
    try:
        return receptive_field(names.graph.tensors, target, selection.flat, names.drawable, max_elements, max_nodes)
    except FieldTooLarge as err:
        what = "max_elements" if err.what == "per tensor" else "max_nodes"
        raise SliceTooLarge(selection, names.by_id[id(err.tensor)], err.tensor.shape, err.found, err.limit, what,
                            auto) from None


def choose_slice(names: Names, max_elements: int, max_nodes: int) -> tuple[Selection, Field]:
    """The automatic slice: the deepest op output (nearest the root) whose first element's receptive field fits both
    limits — a named one (a module's output, a variable) if any fits, else any — then the largest window of it that
    still fits (windows in viz.slicing). Deterministic."""
    last: Optional[SliceTooLarge] = None  # the shallowest candidate's refusal, reported when none fits
    outputs = [t for t in reversed(names.graph.tensors) if t._ctx is not None and names.drawable(t)]
    for t in [t for t in outputs if id(t) in names.chosen] + [t for t in outputs if id(t) not in names.chosen]:
        tries = windows(names.by_id[id(t)], t.shape)
        try:
            found = _field(names, tries[-1], max_elements, max_nodes, auto=True)
        except SliceTooLarge as err:
            last = err
            continue
        for selection in tries[:-1]:
            try:
                return selection, _field(names, selection, max_elements, max_nodes, auto=True)
            except SliceTooLarge:
                continue
        return tries[-1], found
    if last is None:
        raise ValueError("viz scalar view: this graph has no op output to slice (only leaves and weights)")
    raise last


def sliced_view(root: Tensor, slice: Union[str, SliceSpec, None] = None, values: bool = False, names: Any = None,
                max_elements: int = 64, max_nodes: int = 150, rankdir: str = "LR",
                titles: Optional[dict[int, str]] = None, caption: Optional[str] = None, notation: str = "code",
                grads: bool = False) -> GraphView:
    """The scalar view of `slice` (`"c1.out[0, 0, 0:4, 0:4]"`, see viz.slicing; None: chosen automatically): one node
    per element it depends on, at most `max_elements` per tensor and `max_nodes` in all (SliceTooLarge otherwise),
    one edge per structural dependence labelled with ∂out/∂in at the recorded values — by the weight entry it is
    (`c1.weight[0,0,2,3] = 0.12`) where it is one. notation="lecture" calls the elements u₁[0,0,3,4], z₁[…], W₁[…]
    (viz.notation); `grads` adds each element's gradient δ from one backward pass of `root` (of its sum when it is not
    a scalar) and weighs the edges by the gradient they carry. `view.selection`: the slice drawn; `view.chosen`: True
    when it was chosen automatically; `view.positions`: element node id → (x, y)."""
    graph = walk(root)
    table = tensor_names(graph, parameter_names(names, "viz"), titles or {})
    speller = Speller(graph, table.by_id, notation, grads)
    if slice is None:
        selection, found = choose_slice(table, max_elements, max_nodes)
    else:
        spec = slice if isinstance(slice, SliceSpec) else parse_slice(slice, list(table.by_id.values()))
        known = set(table.by_id.values())
        alias = speller.aliases().get(spec.name) if spec.name not in known else None
        spec = replace(spec, name=alias) if alias else spec
        _check_drawable(table, spec)
        selection = select(spec, table.shapes())
        found = _field(table, selection, max_elements, max_nodes, auto=False)
    edges = couplings(found)
    entries = weight_entries(found, edges, table.weights)
    view = _draw(found, edges, entries, speller, values, rankdir)
    lines = ([caption] if caption else []) + _caption(graph, table, selection, found, edges, entries, speller,
                                                      slice is None)
    view.caption = "\n".join(lines)
    placed_bottom = max(y for _, y in view.positions.values()) + 0.5
    middle = (min(x for x, _ in view.positions.values()) + max(x for x, _ in view.positions.values())) / 2
    view.node("caption", label=labels.plain(view.caption), shape="plaintext", fontsize="10", fixedsize="false",
              width="0.1", height="0.2", pos=grid_layout.pin(middle, placed_bottom + 0.1 + 0.09 * len(lines)))
    view.selection, view.chosen, view.coupling_count = selection, slice is None, len(edges)
    view.element_count = found.count
    return view


def _check_drawable(table: Names, spec: SliceSpec) -> None:
    """A named tensor that cannot start a slice says why: weights ride on the edge labels, and SymPy values (the
    symbolic examples, small by design) are drawn whole."""
    found = [t for t in table.graph.tensors if table.by_id.get(id(t)) == spec.name]
    if not found or table.drawable(found[0]):
        return
    t = found[0]
    why = ("holds SymPy expressions: symbolic graphs are small and drawn whole, without a slice"
           if t.dtype == object else "is a weight: weights are drawn as numbers on the edge labels, not as nodes"
           if id(t) in table.weights else f"has dtype {t.dtype}, not a floating value the view can follow")
    raise SliceError(f"--slice {spec.text!r}: {spec.name} {why}")


def _sub_grid(shape: tuple[int, ...], flat: np.ndarray) -> tuple[tuple[int, ...], dict[int, int]]:
    """The drawn part's own shape (per axis, the distinct indices kept, in order) and each element's flat index
    in it."""
    if not shape:
        return (), {int(f): 0 for f in flat}
    index = np.unravel_index(flat, shape)
    kept = [np.unique(axis) for axis in index]
    sub_shape = tuple(len(k) for k in kept)
    ranks = [np.searchsorted(k, axis) for k, axis in zip(kept, index)]
    sub_flat = np.ravel_multi_index(ranks, sub_shape)
    return sub_shape, {int(f): int(s) for f, s in zip(flat, sub_flat)}


def _drawn_text(name: str, shape: tuple[int, ...], flat: np.ndarray) -> str:
    """`input[0, 0:8, 0:8]` when the drawn elements fill a box of whole ranges, else `N elements of input`."""
    if not shape:
        return name
    index = np.unravel_index(flat, shape)
    axes = tuple(tuple(int(i) for i in np.unique(axis)) for axis in index)
    box = Selection(name, shape, axes)
    regular = all(len(a) == 1 or len(set(np.diff(a))) == 1 for a in axes)
    if box.count == len(flat) and regular:
        return box.text
    return f"{len(flat)} elements of {name}"


def _draw(found: Field, edges: list[Edge], entries: dict[tuple[int, int, int, int], WeightEntry], speller: Speller,
          values: bool, rankdir: str) -> GraphView:
    texts = {}
    for n, t in enumerate(found.tensors):
        for flat in found.elements[id(t)]:
            texts[(n, int(flat))] = speller.element(t, int(flat), values)
    longest = max(len(line) for text in texts.values() for line in text.split("\n"))
    lines = max(text.count("\n") for text in texts.values())
    width, height = max(0.5, 0.075 * longest + 0.2), grid_layout.NODE_H + grid_layout.LINE_H * lines
    feeds: dict[int, set[int]] = {}
    for e in edges:
        feeds.setdefault(e.target, set()).add(e.source)
    level: dict[int, int] = {}
    for n in range(len(found.tensors)):
        level[n] = 1 + max((level[s] for s in feeds.get(n, ()) if s in level), default=-1)
    grids = [_sub_grid(t.shape, found.elements[id(t)]) for t in found.tensors]
    placed = grid_layout.layout([g[0] for g in grids], [level[n] for n in range(len(found.tensors))],
                                width + grid_layout.SPACE, height + grid_layout.SPACE,
                                "TB" if rankdir == "TB" else "LR")
    curved = "true" if len(edges) <= CURVED_EDGES else "line"
    view = GraphView(graph_attr=dict(styles.GRAPH, layout="neato", splines=curved, overlap="true", sep="+6",
                                     outputorder="edgesfirst"),
                     node_attr=dict(styles.NODE, margin="0.02,0.01", fixedsize="true", width=f"{width:.2f}",
                                    height=f"{height:.2f}"), edge_attr=styles.EDGE)
    view.positions = {}
    for n, t in enumerate(found.tensors):
        box, (sub_shape, sub) = placed.boxes[n], grids[n]
        drawn = _drawn_text(speller.names[id(t)], t.shape, found.elements[id(t)])
        title = f"{speller.title(t)}  ({labels.shape_text(t.shape)})\ndrawn: {drawn}"
        view.node(f"title{n}", label=labels.plain(title),
                  shape="plaintext", pos=grid_layout.pin(box.x + box.width / 2, box.y - 0.4), fontsize="10",
                  fixedsize="false", width="0.1", height="0.2")
        role = "output" if t is found.target else "input" if t._ctx is None else "activation"
        for flat in found.elements[id(t)]:
            x, y = box.element(sub_shape, sub[int(flat)])
            view.positions[f"e{n}_{int(flat)}"] = (x, y)
            view.node(f"e{n}_{int(flat)}", label=labels.plain(texts[(n, int(flat))]), pos=grid_layout.pin(x, y),
                      **ROLE_STYLE[role])
    fan_out: dict[tuple[int, int], int] = {}
    for e in edges:
        fan_out[(e.source, e.source_index)] = fan_out.get((e.source, e.source_index), 0) + 1
    carried = _carried(found, edges, speller)
    sizes = [c for c in carried if c > 0]
    for e, size in zip(edges, carried):
        off = {"style": "dashed", "color": "#aaaaaa", "fontcolor": "#888888"} if e.value == 0 else {}
        if sizes and e.value != 0:
            off = styles.gradient_edge(size, min(sizes), max(sizes))
        text = labels.plain(speller.edge(e.value, entries.get((e.source, e.source_index, e.target, e.target_index))))
        where = ({"taillabel": text, "labeldistance": "2.2", "labelangle": "25", "labelfontsize": "9"}
                 if fan_out[(e.source, e.source_index)] == 1 else {"label": text})
        view.edge(f"e{e.source}_{e.source_index}", f"e{e.target}_{e.target_index}", **where, **off)
    return view


def _carried(found: Field, edges: list[Edge], speller: Speller) -> list[float]:
    """The gradient each edge carries back, |δ_out · ∂out/∂in| (0 for all without gradients)."""
    if speller.grads is None:
        return [0.0] * len(edges)
    out = []
    for e in edges:
        g = speller.gradient(found.tensors[e.target], e.target_index)
        out.append(0.0 if g is None or not np.isfinite(g * e.value) else abs(g * e.value))
    return out


WEIGHT_BUDGET = 4096
"""The most elements of one weight the caption locates (past it: "more than 4096 of its elements")."""


def _weights_used(graph: GraphData, table: Names, found: Field) -> list[tuple[Tensor, Optional[np.ndarray]]]:
    """The Parameters (and other weights) the drawn ops read, in the graph's order, each with the flat indices of the
    elements the drawn ones depend on (through Wᵀ or a reshaped bias back to the Parameter); None: more than
    WEIGHT_BUDGET."""
    need: dict[int, Optional[np.ndarray]] = {}

    def add(t: Tensor, deps: Optional[np.ndarray]) -> None:
        if id(t) not in need:
            need[id(t)] = deps
        elif need[id(t)] is None or deps is None:
            need[id(t)] = None
        else:
            need[id(t)] = np.union1d(need[id(t)], deps)

    for t in found.tensors:
        if t._ctx is not None:
            for k, u in enumerate(t._ctx.inputs):
                if id(u) in table.weights:
                    add(u, dependencies(t._ctx, k, found.elements[id(t)], WEIGHT_BUDGET)[0])
    for t in reversed(graph.tensors):
        if id(t) in need and t._ctx is not None:
            for k, u in enumerate(t._ctx.inputs):
                if id(u) in table.weights:
                    targets = need[id(t)]
                    add(u, None if targets is None else dependencies(t._ctx, k, targets, WEIGHT_BUDGET)[0])
    return [(t, need[id(t)]) for t in graph.tensors if id(t) in need and t._ctx is None]


def _caption(graph: GraphData, table: Names, selection: Selection, found: Field, edges: list[Edge],
             entries: dict[tuple[int, int, int, int], WeightEntry], speller: Speller, auto: bool) -> list[str]:
    how = " (chosen automatically: the deepest tensor whose slice fits)" if auto else ""
    lines = [f"slice: {selection.describe()}{how}"]
    cut = ["inputs outside its receptive field not drawn"]
    if found.target is not graph.root:
        cut.append(f"tensors after {selection.name} (up to {table.by_id.get(id(graph.root), 'the output')}) not drawn")
    lines.append(f"drawn: the {found.count} elements it depends on, with their true indices; " + "; ".join(cut))
    weights = []
    for w, used in _weights_used(graph, table, found):
        name, shape = table.by_id[id(w)], labels.shape_text(w.shape)
        weights.append(speller.weight_name(w, name) + f" ({shape}: more than {WEIGHT_BUDGET} of its elements)"
                       if used is None else speller.weight_name(w, _drawn_text(name, w.shape, used)) + f" (of {shape})")
    if weights:
        lines.append(f"weights the drawn elements depend on: {', '.join(weights)}")
    zeros = sum(1 for e in edges if e.value == 0)
    named = (f"; the {len(entries)} that are one weight entry say which: name[index] = value" if entries else "")
    lines.append(f"{len(edges)} couplings: one edge per structural dependence, labelled ∂out/∂in at the recorded "
                 f"values{named}" + (f" ({zeros} are 0 here: dashed)" if zeros else ""))
    return lines + speller.caption(found.tensors)
