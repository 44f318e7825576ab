"""The expanded (scalar) picture: one node per tensor element, one edge per non-zero local Jacobian entry,
labelled with it — the lecture's coupling picture J_{IJ,ij} (seed 000 §4.1.1, F2–F4), computed from the ops."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np
from ..lazy_sympy import sympy

from ..tensor import Tensor
from . import labels, styles
from ..graph import parameter_names
from .graph_walk import GraphData, walk
from . import grid_layout
from .jacobian import local_jacobian
from .notation import check_notation, lecture_names
from .rendering import GraphView

ROLE_STYLE = {
    "input": {"shape": "ellipse", "style": "filled", "fillcolor": "#eeeeee"},
    "activation": {"shape": "ellipse", "style": "filled", "fillcolor": "#ffffff"},
    "output": {"shape": "ellipse", "style": "filled", "fillcolor": "#d9f2d9", "color": "#2e7d32"},
    "parameter": {"shape": "ellipse", "style": "filled", "fillcolor": "#fde9b3", "color": "#b58105"},
}


def _core_index(shape: tuple[int, ...], flat: int) -> tuple[int, ...]:
    """The element's index over the non-singleton axes (0-based, as seed 000's x_ij)."""
    index = np.unravel_index(flat, shape) if shape else ()
    return tuple(int(i) for i, s in zip(index, shape) if s != 1)


def _weight_symbols(t: Tensor, base: str) -> np.ndarray:
    """A Parameter's elements as named symbols `base_αβ` (indices over non-singleton axes), unless it
    already holds symbols."""
    if t.dtype == object:
        return t.data
    out = np.empty(t.shape, dtype=object)
    for flat in range(t.numel()):
        index = _core_index(t.shape, flat)
        sep = "" if all(i < 10 for i in index) else ","
        suffix = sep.join(str(i) for i in index)
        out.flat[flat] = sympy.Symbol(f"{base}_{suffix}" if suffix else base, real=True)
    return out


def _numbers(data: np.ndarray) -> np.ndarray:
    """The values as SymPy numbers (object arrays pass through), for labels and exact arithmetic."""
    if data.dtype == object:
        return data
    out = np.empty(data.shape, dtype=object)
    for flat, v in enumerate(data.ravel()):
        out.flat[flat] = sympy.Integer(int(v)) if data.dtype.kind in "biu" else sympy.Float(float(v))
    return out


def edge_text(value: sympy.Expr) -> str:
    """An edge label: numbers in 3 significant digits, symbols with subscripts (J_01 → J₀₁)."""
    value = sympy.sympify(value)
    if value.is_number and not value.is_Rational:
        return labels.number(value)
    floats = {f: sympy.Float(f, 3) for f in value.atoms(sympy.Float)}
    return labels.shorten(labels.pretty_symbols(str(value.xreplace(floats))), 40)


class _Plan:
    """Which tensors get nodes, what each is called, and what stands for its elements on labels."""

    def __init__(self, graph: GraphData, named: dict[int, str], weights: str, max_elements: int,
                 titles: dict[int, str]) -> None:
        self.base: dict[int, str] = {}
        self.role: dict[int, str] = {}
        self.drawn: list[Tensor] = []
        self.as_labels: dict[int, np.ndarray] = {}
        self.values: dict[int, np.ndarray] = {}
        self.weights: list[Tensor] = []
        self.weight_of: dict[int, int] = {}  # a tensor on the edge labels → the Parameter it is computed from
        counters: dict[str, int] = {}
        for t in graph.tensors:
            if graph.is_constant(t) or (t._ctx is None and t.dtype.kind not in "fcO"):
                continue
            _check_size(t, named, max_elements)
            base = named.get(id(t)) or t.name or titles.get(id(t)) or self._default_base(graph, t, counters)
            self.base[id(t)] = base
            parameter = graph.is_parameter(t)
            self.values[id(t)] = _weight_symbols(t, base) if parameter else _numbers(t.data)
            if weights == "labels" and (parameter or self._from_weights(graph, t)):
                self.as_labels[id(t)] = self.values[id(t)]
                if parameter:
                    self.weights.append(t)
                    self.weight_of[id(t)] = id(t)
                continue
            self.role[id(t)] = ("output" if t is graph.root else "activation" if t._ctx is not None
                                else "parameter" if parameter else "input")
            self.drawn.append(t)

    def _from_weights(self, graph: GraphData, t: Tensor) -> bool:
        """A tensor computed from weights and constants alone (Wᵀ, a reshaped kernel) is still a weight:
        its entries are the op's forward of the weight symbols."""
        fn = t._ctx
        if fn is None or not any(id(u) in self.as_labels for u in fn.inputs):
            return False
        if not all(id(u) in self.as_labels or graph.is_constant(u) or u.dtype.kind not in "fcO" for u in fn.inputs):
            return False
        fresh = type(fn).__new__(type(fn))
        fresh.attrs = dict(fn.attrs)
        arrays = [self.as_labels.get(id(u), _numbers(u.data)) for u in fn.inputs]
        try:
            out = np.asarray(fresh.forward(*arrays, **fn.attrs))
        except (TypeError, ValueError, AttributeError, NotImplementedError):
            return False
        if out.dtype != object or out.shape != t.shape:
            return False
        self.values[id(t)] = out
        self.weight_of[id(t)] = next(self.weight_of[id(u)] for u in fn.inputs if id(u) in self.weight_of)
        return True

    @staticmethod
    def _default_base(graph: GraphData, t: Tensor, counters: dict[str, int]) -> str:
        stem = t._ctx.name.lower() if t._ctx is not None else ("w" if graph.is_parameter(t) else "x")
        counters[stem] = counters.get(stem, 0) + 1
        return stem if counters[stem] == 1 else f"{stem}{counters[stem]}"


class TooManyElements(ValueError):
    """A tensor is too big for the expanded view; `what` names it, `count` is its element count."""

    def __init__(self, what: str, shape: tuple[int, ...], count: int, limit: int) -> None:
        super().__init__(f"viz.draw(expand=True): {what} (shape {labels.shape_text(shape)}) has {count} elements, "
                         f"more than max_elements={limit}; expand small examples only (e.g. a 4×4 input "
                         "and a 2×2 kernel), pass a larger max_elements, or draw a slice of the graph: "
                         "viz.draw(t, level='scalar', slice='NAME[0, 0, 0:4, 0:4]') (without slice= it chooses one)")
        self.what, self.shape, self.count, self.limit = what, shape, count, limit


def _check_size(t: Tensor, named: dict[int, str], max_elements: int) -> None:
    if t.numel() > max_elements:
        name = named.get(id(t)) or t.name
        what = f"tensor {name!r}" if name else (f"the output of {t._ctx.name}" if t._ctx is not None else "a leaf tensor")
        raise TooManyElements(what, t.shape, t.numel(), max_elements)


def scalar_view(root: Tensor, values: bool = False, names: Any = None, weights: str = "labels",
                max_elements: int = 64, rankdir: str = "LR", titles: Optional[dict[int, str]] = None,
                caption: Optional[str] = None, notation: str = "code") -> GraphView:
    """One node per element of every small tensor below `root`, an edge per non-zero ∂out/∂in entry; `titles`
    (tensor id → name, e.g. the user's variable names) names tensors that have no name of their own; `caption` is
    written under the picture, above the count of couplings (view.caption holds both); notation="lecture" heads
    each tensor with its symbol (z₁: x, u₁: …) as viz.notation finds it. Each tensor is
    laid out as its grid (viz.grid_layout), inputs first along `rankdir`; weights drawn on the edge labels are
    shown once more as their own small grid (the kernel J_αβ), and the output's elements are tinted with the
    colour of the inputs each one alone reads (the coupling figure's blocks). `view.positions`: element node id →
    its pinned (x, y) in inches, y down; `view.coupling_count`: the number of edges."""
    if weights not in ("labels", "nodes"):
        raise ValueError(f"viz.draw: weights must be 'labels' or 'nodes', got {weights!r}")
    check_notation(notation, "viz.draw")
    graph = walk(root)
    symbols = lecture_names(root, graph.tensors).symbols if notation == "lecture" else {}
    named = parameter_names(names, "viz")
    plan = _Plan(graph, named, weights, max_elements, titles or {})
    drawn_ids = {id(t): n for n, t in enumerate(plan.drawn)}
    couplings, approximate = [], []
    used_by: dict[int, list[int]] = {}  # a weight on the edge labels → the drawn tensors its edges lead to
    for fn in graph.functions:
        out = fn._output()
        if out is None or id(out) not in drawn_ids:
            continue
        wrt = [id(t) in drawn_ids for t in fn.inputs]
        fixed = [plan.as_labels.get(id(t), None if id(t) in drawn_ids else _numbers(t.data)) for t in fn.inputs]
        label_values = [plan.values.get(id(t), _numbers(t.data)) for t in fn.inputs]
        jac = local_jacobian(fn, wrt, label_values, fixed)
        if not jac.exact:
            approximate.append(fn.name)
        summed: dict[tuple[int, int, int], sympy.Expr] = {}
        for c in jac.couplings:
            key = (drawn_ids[id(fn.inputs[c.input])], c.source, c.target)
            summed[key] = summed.get(key, sympy.Integer(0)) + c.value
        couplings.append((drawn_ids[id(out)], summed))
        for t in fn.inputs:
            if id(t) in plan.weight_of:
                used_by.setdefault(plan.weight_of[id(t)], []).append(drawn_ids[id(out)])
    texts = {n: [_element_text(t, flat, plan, values) for flat in range(t.numel())] for n, t in enumerate(plan.drawn)}
    longest = max((len(line) for lines in texts.values() for text in lines for line in text.split("\n")), default=1)
    width, height = max(0.5, 0.08 * longest + 0.2), grid_layout.NODE_H + (grid_layout.LINE_H if values else 0.0)
    levels = _levels(plan, couplings)
    placed = grid_layout.layout([t.shape for t in plan.drawn], levels, width + grid_layout.SPACE,
                                height + grid_layout.SPACE, "TB" if rankdir == "TB" else "LR")
    view = GraphView(graph_attr=dict(styles.GRAPH, layout="neato", splines="true", overlap="true", sep="+6",
                                     outputorder="edgesfirst"),
                     node_attr=dict(styles.NODE, margin="0.02,0.01", fixedsize="true", width=f"{width:.2f}",
                                    height=f"{height:.2f}"), edge_attr=styles.EDGE)
    tints = _tints(plan, couplings)
    for n, t in enumerate(plan.drawn):
        _grid(view, n, t, plan, texts[n], placed.boxes[n], tints, symbols.get(id(t)))
    _legends(view, plan, placed, {w: min(levels[n] for n in outs) for w, outs in used_by.items()})
    count = 0
    for target_tensor, summed in couplings:
        fan_out: dict[tuple[int, int], int] = {}
        for src, source, _ in summed:
            fan_out[(src, source)] = fan_out.get((src, source), 0) + 1
        for (src, source, target), value in summed.items():
            off = {"style": "dashed", "color": "#aaaaaa", "fontcolor": "#888888"} if value == 0 else {}
            text = labels.plain(edge_text(value))
            where = ({"taillabel": text, "labeldistance": "2.2", "labelangle": "25", "labelfontsize": "9"}
                     if fan_out[(src, source)] == 1 else {"label": text})
            view.edge(f"e{src}_{source}", f"e{target_tensor}_{target}", **where, **off)
            count += 1
    view.caption = "\n".join(([caption] if caption else []) + [_caption(count, plan, approximate)])
    lines = view.caption.count("\n") + 1
    middle = (min(b.x for b in placed.boxes.values()) + max(b.x + b.width for b in placed.boxes.values())) / 2
    view.node("caption", label=labels.plain(view.caption), shape="plaintext", fontsize="10", fixedsize="false",
              width="0.1", height="0.2", pos=grid_layout.pin(middle, placed.bottom + 0.1 + 0.09 * lines))
    view.coupling_count = count
    view.positions = {f"e{n}_{flat}": placed.boxes[n].element(t.shape, flat)
                      for n, t in enumerate(plan.drawn) for flat in range(t.numel())}
    return view


def _levels(plan: _Plan, couplings: list[tuple[int, dict]]) -> list[int]:
    """Each drawn tensor's level: 0 for one nothing drawn feeds, else one past the deepest tensor coupled into it."""
    feeds: dict[int, set[int]] = {}
    for target, summed in couplings:
        feeds.setdefault(target, set()).update(src for src, _, _ in summed)
    level: dict[int, int] = {}
    for n in range(len(plan.drawn)):  # forward order: a tensor's sources come before it
        level[n] = 1 + max((level[s] for s in feeds.get(n, ()) if s in level), default=-1)
    return [level[n] for n in range(len(plan.drawn))]


TINTS = ("#fbd5d0", "#d3e4f3", "#d9efd3", "#fcefb4", "#e8d9f1", "#fde0c2", "#d4f0ef", "#f1d9e6")


def _tints(plan: _Plan, couplings: list[tuple[int, dict]]) -> dict[tuple[int, int], str]:
    """(tensor, element) → a fill colour: each output element of the root's op gets its own, and so does every input
    element coupled to that output alone (for a stride-2 2×2 convolution: the four blocks and their outputs)."""
    root = len(plan.drawn) - 1
    found = [summed for target, summed in couplings if target == root]
    if not found or plan.drawn[root].numel() > len(TINTS):
        return {}
    summed = found[0]
    tints = {(root, flat): TINTS[flat] for flat in range(plan.drawn[root].numel())}
    targets: dict[tuple[int, int], set[int]] = {}
    for src, source, target in summed:
        targets.setdefault((src, source), set()).add(target)
    for key, outs in targets.items():
        if len(outs) == 1:
            tints[key] = TINTS[next(iter(outs))]
    return tints


def _element_text(t: Tensor, flat: int, plan: _Plan, values: bool) -> str:
    element = t.data.flat[flat]
    if isinstance(element, sympy.Symbol):
        return labels.pretty_symbols(element.name)
    text = labels.subscripted(plan.base[id(t)], _core_index(t.shape, flat))
    if values:
        text += "\n" + (labels.shorten(labels.pretty_symbols(str(element)), 30) if t.dtype == object
                        else labels.number(element))
    return text


def _grid(view: GraphView, n: int, t: Tensor, plan: _Plan, texts: list[str], box: grid_layout.Box,
          tints: dict[tuple[int, int], str], symbol: Optional[str]) -> None:
    """The tensor's title above its grid, and one pinned node per element, in row-major order."""
    base = plan.base[id(t)]
    head = f"{base} = {t._ctx.name}(…)" if t._ctx is not None else base
    head = f"{symbol}: {head}" if symbol else head
    view.node(f"title{n}", label=labels.plain(f"{head}  ({labels.shape_text(t.shape)})"), shape="plaintext",
              pos=grid_layout.pin(box.x + box.width / 2, box.y - 0.3), fontsize="10", fixedsize="false",
              width="0.1", height="0.2")
    style = ROLE_STYLE[plan.role[id(t)]]
    for flat, text in enumerate(texts):
        x, y = box.element(t.shape, flat)
        fill = {"fillcolor": tints[(n, flat)]} if (n, flat) in tints else {}
        view.node(f"e{n}_{flat}", label=labels.plain(text), pos=grid_layout.pin(x, y), **{**style, **fill})


def _legends(view: GraphView, plan: _Plan, placed: grid_layout.GridLayout, level_of: dict[int, int]) -> None:
    """Each weight shown on the edge labels as its own small grid of symbols (the kernel J_αβ), above the gap
    its edges cross (two weights over one gap side by side)."""
    taken: dict[int, float] = {}
    for k, t in enumerate(plan.weights):
        symbols = plan.values[id(t)]
        longest = max(len(edge_text(v)) for v in symbols.ravel())
        pitch = max(0.6, 0.08 * longest + 0.25)
        box = grid_layout.Box(*grid_layout.grid_shape(t.shape), pitch, 0.4)
        gap = max(level_of.get(id(t), 1) - 1, 0)
        left, right = placed.gaps[min(gap, len(placed.gaps) - 1)] if placed.gaps else (0.0, 0.0)
        start = taken.get(gap)
        box.x = (left + right - box.width) / 2 if start is None else start
        taken[gap] = box.x + box.width + 0.5
        box.y = placed.top - box.height - 0.9
        name = plan.base[id(t)]
        view.node(f"legend{k}", label=labels.plain(f"{name}  ({labels.shape_text(t.shape)}), on the edges"),
                  shape="plaintext", pos=grid_layout.pin(box.x + box.width / 2, box.y - 0.25), fontsize="9",
                  fixedsize="false", width="0.1", height="0.2")
        for flat in range(t.numel()):
            x, y = box.element(t.shape, flat)
            view.node(f"w{k}_{flat}", label=labels.plain(edge_text(symbols.flat[flat])), pos=grid_layout.pin(x, y),
                      shape="box", style="filled,dashed", fillcolor="#fdf3d6", color="#b58105", fontsize="9",
                      width=f"{pitch - 0.15:.2f}", height="0.28")


def _caption(couplings: int, plan: _Plan, approximate: list[str]) -> str:
    text = f"{couplings} couplings: one edge per non-zero local Jacobian entry ∂out/∂in, labelled with it"
    if plan.weights:
        shown = ", ".join(f"{plan.base[id(t)]} ({labels.shape_text(t.shape)})" for t in plan.weights)
        text += f"\nweights on the edge labels: {shown}"
    if approximate:
        text += f"\nat the recorded values (not structural): {', '.join(sorted(set(approximate)))}"
    return text
