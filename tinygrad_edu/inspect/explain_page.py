"""What the HTML stepper needs to show the sum behind a clicked gradient entry: for each input gradient of a step,
a small spec (which term generator of stepper.html runs, and its geometry) and the arrays its terms read (δ, W,
x, f'(u), the argmax), embedded once per page as base64 so the numbers are exact. Ops without a generator get
their shown cells' terms precomputed by explain.py (their own rule or the exact Jacobian fallback) when that stays
small, else a note saying so."""
from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING, Any, Optional

import numpy as np

from ..autograd import Function
from ..ops.pool import flat_indices
from ..viz.composites import CompositeCall
from .explain import short_name, step_terms
from .explain_rules import BINARY, PLAIN_CROSS_ENTROPY, UNARY, Unexplained, conv_geometry, is_bias, plan_for

if TYPE_CHECKING:
    from .steps import Step

TABLE_TERMS = 20000
TABLE_CELLS = 8192
#: cells × δ entries the Jacobian fallback may walk for one map (about half a second)
GENERIC_WORK = 50_000_000


class ArrayTable:
    """The page's arrays, each stored once (by content): {shape, type: f4/f8/i4, data: base64 little-endian}."""

    def __init__(self) -> None:
        self.arrays: list[dict[str, Any]] = []
        self._seen: dict[tuple, int] = {}

    def add(self, array: np.ndarray) -> int:
        a = np.asarray(array)
        if a.dtype.kind in "iub":
            a, kind = a.astype("<i4"), "i4"
        elif a.dtype == np.float32:
            a, kind = a.astype("<f4"), "f4"
        else:
            a, kind = a.astype("<f8"), "f8"
        raw = np.ascontiguousarray(a).tobytes()
        key = (a.shape, kind, hashlib.sha1(raw).hexdigest())
        if key not in self._seen:
            self._seen[key] = len(self.arrays)
            self.arrays.append({"shape": list(a.shape), "type": kind, "data": base64.b64encode(raw).decode("ascii")})
        return self._seen[key]


def explain_spec(step: "Step", k: int, table: ArrayTable, shown: list[tuple[int, ...]]) -> dict[str, Any]:
    """The term generator for input k's gradient of `step` (`shown`: the entries its heat map shows, in cell order)."""
    names = [short_name(n) for n in step.input_names]
    base = {"grad": f"δ_{names[k]}", "names": names}
    if step.grad_out.dtype == object or step.grads_in[k].dtype == object:
        return {**base, "kind": "none", "reason": "symbolic values: the entries' formulas are listed instead"}
    try:
        spec = _generator(step.fn, k, step.grad_out, table, names)
    except Unexplained:
        spec = None
    if spec is None:
        spec = _precomputed(step, k, table, shown)
    return {**base, **spec}


def _generator(fn: Any, k: int, delta: np.ndarray, table: ArrayTable, names: list[str]) -> Optional[dict[str, Any]]:
    if isinstance(fn, CompositeCall):
        return _composite(fn, k, delta, table, names)
    if fn.freed:
        raise Unexplained("its graph was freed by an earlier backward()")
    if fn.name == "Conv2d":
        return {**_conv(fn, fn.inputs[k], table, names[1 - k]), "coefInput": 1 - k}
    if fn.name in UNARY:
        return {"kind": "local", "coef": table.add(_derivative(fn)), "coefName": f"f'({names[0]})",
                "upstream": "same", "text": UNARY[fn.name][0]}
    if fn.name in BINARY and fn.inputs[k].shape == delta.shape and delta.dtype != object:
        name, text, coef = _binary_derivative(fn, k, names)
        return {"kind": "local", "coef": table.add(np.broadcast_to(coef, delta.shape)), "coefName": name,
                "upstream": "same", "text": text}
    if fn.name == "Reshape":
        return {"kind": "view", "perm": None, "inShape": list(fn.inputs[0].shape)}
    if fn.name == "Permute":
        return {"kind": "view", "perm": list(fn.attrs["dims"]), "inShape": list(fn.inputs[0].shape)}
    if fn.name == "MaxPool2d":
        axes = fn.attrs["axes"]
        return {"kind": "maxpool", "winners": table.add(flat_indices(fn.saved[0], axes)), "width": axes[1].n}
    return None


def _composite(call: CompositeCall, k: int, delta: np.ndarray, table: ArrayTable,
               names: list[str]) -> Optional[dict[str, Any]]:
    target = call.inputs[k]
    position = {id(t): n for n, t in enumerate(call.inputs)}
    if call.name == "conv2d":
        conv = next((m for m in call.members if m.name == "Conv2d"), None)
        if conv is None or delta.ndim != 4 or conv.inputs[0] is not call.inputs[0]:
            return None
        x, w = conv.inputs
        if target is x or target is w:
            other = w if target is x else x
            spec = _conv(conv, target, table, names[position[id(other)]] if id(other) in position else "?")
            return {**spec, "coefInput": position.get(id(other))}
        return {"kind": "bias", "axis": 1} if is_bias(call, target) else None
    if call.name == "linear":
        matmul = next((m for m in call.members if m.name == "MatMul"), None)
        if matmul is None or matmul.inputs[1]._ctx is None or matmul.inputs[0].ndim < 2:
            return None
        x, w = matmul.inputs[0], matmul.inputs[1]._ctx.inputs[0]
        if target is x:
            return {"kind": "linear_x", "w": table.add(w.data), "coefName": names[position.get(id(w), k)],
                    "coefInput": position.get(id(w))}
        if target is w:
            return {"kind": "linear_w", "x": table.add(x.data), "coefName": names[position.get(id(x), k)],
                    "coefInput": position.get(id(x))}
        return {"kind": "bias", "axis": delta.ndim - 1} if is_bias(call, target) else None
    if call.name == "cross_entropy":
        plain = [m.name for m in call.members] == PLAIN_CROSS_ENTROPY
        u = call.inputs[0].data
        if not plain or u.ndim != 2:
            return None
        targets = np.broadcast_to(np.asarray(call.members[1].attrs["key"][1]), (u.shape[0],))
        count = float(np.asarray(call.members[-1].inputs[1].data))
        e = np.exp(u.astype(np.float64) - u.max(axis=1, keepdims=True))
        y = np.zeros(u.shape)
        y[np.arange(u.shape[0]), targets] = 1
        coef = (e / e.sum(axis=1, keepdims=True) - y) / count
        return {"kind": "local", "coef": table.add(coef), "coefName": "(softmax(u) − y)/N", "upstream": "scalar",
                "text": f"(softmax({names[0]}) − y)/{count:g}, y one-hot at the targets {targets.tolist()}"}
    return None


def _conv(conv: Function, target: Any, table: ArrayTable, coef_name: str) -> dict[str, Any]:
    (sh, sw), (pt, pl), (dh, dw), groups, (oh, ow) = conv_geometry(conv)
    geometry = {"sh": sh, "sw": sw, "pt": pt, "pl": pl, "dh": dh, "dw": dw, "groups": groups, "oh": oh, "ow": ow}
    x, w = conv.inputs
    if target is x:
        return {"kind": "conv_x", "w": table.add(w.data), "coefName": coef_name, **geometry}
    return {"kind": "conv_w", "x": table.add(x.data), "wShape": list(w.shape), "coefName": coef_name, **geometry}


def _binary_derivative(fn: Function, k: int, names: list[str]) -> tuple[str, str, np.ndarray]:
    """∂(a ∘ b)/∂(input k) entry by entry, for an input as large as the output (no broadcast sum): its name, what
    it is, and its values."""
    a, b = fn.inputs[0].data, fn.inputs[1].data
    with np.errstate(all="ignore"):
        if fn.name in ("Add", "Sub"):
            sign = -1 if fn.name == "Sub" and k == 1 else 1
            op = "+" if fn.name == "Add" else "−"
            text = f"∂({names[0]} {op} {names[1]})/∂{names[k]} = {'1' if sign > 0 else '−1'}"
            return f"∂/∂{names[k]}", text, np.full((), sign, dtype=fn.inputs[k].dtype)
        if fn.name == "Mul":
            return f"∂/∂{names[k]}", f"{names[1 - k]} (broadcast to the output)", (b if k == 0 else a)
        if k == 0:
            return f"1/{names[1]}", f"1/{names[1]} (broadcast to the output)", 1 / b
        return f"∂/∂{names[1]}", f"−{names[0]}/{names[1]}² (broadcast to the output)", -a / (b * b)


def _derivative(fn: Function) -> np.ndarray:
    u, y = fn.inputs[0].data, fn.output.data
    _, derivative = UNARY[fn.name]
    with np.errstate(all="ignore"):
        return np.broadcast_to(np.asarray(derivative(u, y, fn.attrs), dtype=u.dtype), u.shape)


def _precomputed(step: "Step", k: int, table: ArrayTable, shown: list[tuple[int, ...]]) -> dict[str, Any]:
    """Every shown cell's terms, computed here by explain.py — the op's own rule or the exact Jacobian fallback
    (at most TABLE_CELLS cells and TABLE_TERMS terms per map); each distinct rule text is stored once."""
    if len(shown) > TABLE_CELLS:
        return {"kind": "none", "reason": f"{len(shown)} cells are too many to precompute; Step.explain(index) in "
                                          "Python gives any entry"}
    try:
        plan_for(step.fn, k, shown[0], step.grad_out)
    except Unexplained:  # the Jacobian fallback: one backward of the step's backward per cell
        if len(shown) * step.grad_out.size > GENERIC_WORK:
            return {"kind": "none", "reason": f"{len(shown)} cells of the Jacobian fallback over a δ of "
                                              f"{step.grad_out.size} entries take too long to precompute for the "
                                              "page; Step.explain(index) in Python gives any entry"}
    offsets, coefs, ups, rule_of = [0], [], [], []
    rules: dict[str, int] = {}
    coef_name = ""
    for index in shown:
        found = step_terms(step, k, index)
        if isinstance(found, str):
            return {"kind": "none", "reason": found}
        plan, terms, _ = found
        coef_name = plan.coefficient_name
        coefs += [float(t.coefficient_value) for t in terms]
        at = np.array([t.upstream_index for t in terms], dtype=np.int64).reshape(len(terms), step.grad_out.ndim)
        ups += np.ravel_multi_index(tuple(at.T), step.grad_out.shape).tolist() if step.grad_out.ndim else \
            [0] * len(terms)
        offsets.append(len(coefs))
        rule_of.append(rules.setdefault(plan.rule, len(rules)))
        if len(coefs) > TABLE_TERMS:
            return {"kind": "none", "reason": "too many terms to precompute for the page; Step.explain(index) in "
                                              "Python gives any entry"}
    return {"kind": "table", "offsets": table.add(np.array(offsets)), "coefs": table.add(np.array(coefs)),
            "ups": table.add(np.array(ups)), "rules": list(rules), "ruleOf": table.add(np.array(rule_of)),
            "coefName": coef_name}


def shown_entries(array: np.ndarray, slices: list[dict[str, Any]]) -> list[tuple[int, ...]]:
    """The full index of every cell the heat map shows, slice by slice, row-major (padding cells left out)."""
    found = []
    for s in slices:
        for cell in range(s["rows"] * s["cols"] - s["pad"]):
            found.append(cell_index(array.shape, s, divmod(cell, s["cols"])))
    return found


def cell_index(shape: tuple[int, ...], s: dict[str, Any], cell: tuple[int, int]) -> tuple[int, ...]:
    """The full index of cell (row, col) of heat-map slice `s` (as heat_map builds it: trailing 1-axes dropped,
    vectors wrapped into rows of `cols`)."""
    r, c = cell
    trimmed = len(shape)
    while trimmed > 2 and shape[trimmed - 1] == 1:
        trimmed -= 1
    tail = (0,) * (len(shape) - trimmed)
    if trimmed == 0:
        return ()
    if trimmed == 1:
        return (r * s["cols"] + c,) + tail
    return tuple(s["leading"]) + (r, c) + tail
