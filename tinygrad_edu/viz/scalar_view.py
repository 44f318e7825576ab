"""The expanded (scalar) picture: one node per tensor element, one edge per non-zero local Jacobian entry,
labelled with it — the lecture's coupling picture J_{IJ,ij} (seed 000 §4.1.1, F2–F4), computed from the ops."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np
import sympy

from ..tensor import Tensor
from . import labels, styles
from ..graph import parameter_names
from .graph_walk import GraphData, walk
from .jacobian import local_jacobian
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
                         "and a 2×2 kernel) or pass a larger max_elements")
        self.what, self.shape, self.count, self.limit = what, shape, count, limit


def _check_size(t: Tensor, named: dict[int, str], max_elements: int) -> None:
    if t.numel() > max_elements:
        name = named.get(id(t)) or t.name
        what = f"tensor {name!r}" if name else (f"the output of {t._ctx.name}" if t._ctx is not None else "a leaf tensor")
        raise TooManyElements(what, t.shape, t.numel(), max_elements)


def scalar_view(root: Tensor, values: bool = False, names: Any = None, weights: str = "labels",
                max_elements: int = 64, rankdir: str = "LR", titles: Optional[dict[int, str]] = None) -> GraphView:
    """One node per element of every small tensor below `root`, an edge per non-zero ∂out/∂in entry; `titles`
    (tensor id → name, e.g. the user's variable names) names tensors that have no name of their own."""
    if weights not in ("labels", "nodes"):
        raise ValueError(f"viz.draw: weights must be 'labels' or 'nodes', got {weights!r}")
    graph = walk(root)
    named = parameter_names(names, "viz")
    plan = _Plan(graph, named, weights, max_elements, titles or {})
    view = GraphView(graph_attr=dict(styles.GRAPH, rankdir=rankdir, ranksep="1.2"),
                     node_attr=dict(styles.NODE, margin="0.04,0.02"), edge_attr=styles.EDGE)
    drawn_ids = {id(t): n for n, t in enumerate(plan.drawn)}
    for n, t in enumerate(plan.drawn):
        _cluster(view, n, t, plan, values)
    couplings, approximate = 0, []
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
        for (src, source, target), value in summed.items():
            off = {"style": "dashed", "color": "#aaaaaa", "fontcolor": "#888888"} if value == 0 else {}
            view.edge(f"e{src}_{source}", f"e{drawn_ids[id(out)]}_{target}", label=labels.plain(edge_text(value)), **off)
            couplings += 1
    view.attr(label=labels.plain(_caption(couplings, plan, approximate)), labelloc="b", fontsize="10")
    view.coupling_count = couplings
    return view


def _cluster(view: GraphView, n: int, t: Tensor, plan: _Plan, values: bool) -> None:
    base = plan.base[id(t)]
    head = f"{base} = {t._ctx.name}(…)" if t._ctx is not None else base
    with view.subgraph(name=f"cluster_{n}") as c:
        c.attr(label=labels.plain(f"{head}  ({labels.shape_text(t.shape)})"), **styles.cluster_style(0))
        for flat in range(t.numel()):
            element = t.data.flat[flat]
            if isinstance(element, sympy.Symbol):
                name = labels.pretty_symbols(element.name)
            else:
                name = labels.subscripted(base, _core_index(t.shape, flat))
            text = name
            if values and not isinstance(element, sympy.Symbol):
                text += "\n" + (labels.shorten(labels.pretty_symbols(str(element)), 30) if t.dtype == object
                                else labels.number(element))
            c.node(f"e{n}_{flat}", label=labels.plain(text), **ROLE_STYLE[plan.role[id(t)]])


def _caption(couplings: int, plan: _Plan, approximate: list[str]) -> str:
    text = f"{couplings} couplings: one edge per non-zero local Jacobian entry ∂out/∂in, labelled with it"
    if plan.weights:
        shown = ", ".join(f"{plan.base[id(t)]} ({labels.shape_text(t.shape)})" for t in plan.weights)
        text += f"\nweights on the edge labels: {shown}"
    if approximate:
        text += f"\nat the recorded values (not structural): {', '.join(sorted(set(approximate)))}"
    return text
