"""The local backward rules entry by entry: for one op and one gradient entry, which coefficients meet which
upstream δ entries (a Plan), read off the op's geometry (stride, padding, dilation, groups, broadcasting, the
pooling windows and argmax) and its forward values. Inputs are named ⟨k⟩ (input number k) until explain.py
puts the step's names in."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional, Sequence

import numpy as np
from ..lazy_sympy import sympy

from ..autograd import Function
from ..ops.pool import flat_indices
from ..viz.composites import CompositeCall
from .formulas import index_text


class Unexplained(Exception):
    """The op (or this use of it) has no entry-by-entry explainer."""


@dataclass(frozen=True)
class Plan:
    """The sum for one entry: term t is coefficients[t] (named `coefficient_name`, at coefficient_index[t] of it)
    times δ[upstream[t]]; `rule` is the sum written with the entry's own numbers (after "δ_x[...] = ")."""

    rule: str
    coefficient_name: str
    coefficients: Sequence[Any]
    upstream: np.ndarray
    coefficient_index: Optional[np.ndarray] = None


def plan_for(fn: Any, k: int, index: tuple[int, ...], delta: np.ndarray) -> Plan:
    """The Plan for gradient entry `index` of input `k` of `fn` (a Function or a CompositeCall)."""
    table = COMPOSITES if isinstance(fn, CompositeCall) else PRIMITIVES
    planner = table.get(fn.name)
    if planner is None:
        kind = "composition" if isinstance(fn, CompositeCall) else "op"
        raise Unexplained(f"the {kind} {fn.name} has no entry-by-entry rule yet")
    if isinstance(fn, Function) and fn.freed:
        raise Unexplained("its graph was freed by an earlier backward()")
    return planner(fn, k, index, delta)


# ---- helpers ---------------------------------------------------------------------------------------------------
def _data(fn: Function, k: int) -> np.ndarray:
    arrays = fn.input_arrays
    return arrays[k] if len(arrays) == len(fn.inputs) else fn.inputs[k].data


def _grid(ranges: list[Any]) -> np.ndarray:
    """All combinations (rows) of the given index ranges (each an int or a 1-D array), first axis slowest."""
    axes = [np.atleast_1d(np.asarray(r, dtype=np.int64)) for r in ranges]
    if not axes:
        return np.zeros((1, 0), dtype=np.int64)
    mesh = np.meshgrid(*axes, indexing="ij")
    return np.stack([m.ravel() for m in mesh], axis=1) if mesh[0].size else np.zeros((0, len(axes)), np.int64)


def _minus(c: int, m: int, var: str, s: int) -> str:
    """(c − m·var)/s as text: "3−p", "(4−2p)/2", "−q"."""
    scaled = var if m == 1 else f"{m}{var}"
    core = f"{c}−{scaled}" if c else f"−{scaled}"
    return core if s == 1 else f"({core})/{s}"


def _plus(s: int, var: str, c: int) -> str:
    """s·var + c as text: "i", "2i+1", "i−2"."""
    core = var if s == 1 else f"{s}{var}"
    return core if c == 0 else f"{core}+{c}" if c > 0 else f"{core}−{-c}"


def _project(index: tuple[int, ...], shape_in: tuple[int, ...], shape_small: tuple[int, ...]) -> tuple[int, ...]:
    """The entry of a (broadcast) tensor of shape `shape_small` read at position `index` of a `shape_in` array."""
    lead = len(shape_in) - len(shape_small)
    return tuple(0 if n == 1 else index[lead + a] for a, n in enumerate(shape_small))


def _spread(index: tuple[int, ...], shape_in: tuple[int, ...], shape_out: tuple[int, ...]) -> tuple[np.ndarray, str]:
    """The positions of the broadcast output (shape_out) that read entry `index` of the input (shape_in), and
    the names of the summed axes."""
    lead = len(shape_out) - len(shape_in)
    ranges, summed = [], []
    for a, n in enumerate(shape_out):
        size = shape_in[a - lead] if a >= lead else 1
        if size == 1 and n != 1 or a < lead:
            ranges.append(np.arange(n))
            summed.append(f"j{a}")
        else:
            ranges.append(index[a - lead] if size != 1 else 0)
    return _grid(ranges), ",".join(summed)


def _ones(count: int) -> list[Any]:
    return [1] * count


# ---- convolution -----------------------------------------------------------------------------------------------
def conv_geometry(conv: Function) -> tuple:
    """(stride, (top, left) padding, dilation, groups, output (height, width)) of a recorded Conv2d."""
    a = conv.attrs
    (pt, _), (pl, _) = a["padding"]
    return a["stride"], (pt, pl), a["dilation"], a["groups"], a["out"]


def conv_input_plan(conv: Function, index: tuple[int, ...], w_name: str) -> Plan:
    """δ_x[n,c,h,w] = Σ_{o,p,q} W[o, c mod C_g, p, q]·δ[n, o, (h + pt − d·p)/s, (w + pl − d·q)/s] over the o of
    c's group and the p, q where both positions are whole and inside δ."""
    (sh, sw), (pt, pl), (dh, dw), groups, (oh, ow) = conv_geometry(conv)
    w = _data(conv, 1)
    o_total, c_g, kh, kw = w.shape
    o_g = o_total // groups
    n, c, h, x = index
    g, cc = divmod(c, c_g)
    grid = _grid([np.arange(g * o_g, (g + 1) * o_g), np.arange(kh), np.arange(kw)])
    o, p, q = grid.T
    ti, tj = h + pt - dh * p, x + pl - dw * q
    keep = (ti % sh == 0) & (tj % sw == 0) & (ti >= 0) & (tj >= 0) & (ti // sh < oh) & (tj // sw < ow)
    o, p, q, i, j = o[keep], p[keep], q[keep], ti[keep] // sh, tj[keep] // sw
    coef_index = np.stack([o, np.full_like(o, cc), p, q], axis=1)
    upstream = np.stack([np.full_like(o, n), o, i, j], axis=1)
    group = f", o in group {g}: {g * o_g}…{(g + 1) * o_g - 1}" if groups > 1 else ""
    rule = (f"Σ_{{o,p,q}} {w_name}[o, {cc}, p, q]·δ[{n}, o, {_minus(h + pt, dh, 'p', sh)}, "
            f"{_minus(x + pl, dw, 'q', sw)}]  (only whole positions inside δ{group})")
    return Plan(rule, w_name, [w[tuple(r)] for r in coef_index], upstream, coef_index)


def conv_weight_plan(conv: Function, index: tuple[int, ...], x_name: str) -> Plan:
    """∂E/∂W[o,c,p,q] = Σ_{n,i,j} δ[n,o,i,j]·x[n, g·C_g + c, s·i + d·p − pt, s·j + d·q − pl] (x = 0 in the padding,
    so those terms are left out)."""
    (sh, sw), (pt, pl), (dh, dw), groups, (oh, ow) = conv_geometry(conv)
    x = _data(conv, 0)
    o_total, c_g = _data(conv, 1).shape[:2]
    o, c, p, q = index
    cin = (o // (o_total // groups)) * c_g + c
    grid = _grid([np.arange(x.shape[0]), np.arange(oh), np.arange(ow)])
    n, i, j = grid.T
    h, w = sh * i + dh * p - pt, sw * j + dw * q - pl
    keep = (h >= 0) & (h < x.shape[2]) & (w >= 0) & (w < x.shape[3])
    n, i, j, h, w = n[keep], i[keep], j[keep], h[keep], w[keep]
    coef_index = np.stack([n, np.full_like(n, cin), h, w], axis=1)
    upstream = np.stack([n, np.full_like(n, o), i, j], axis=1)
    padded = " (x = 0 in the padding: those terms are left out)" if pt or pl else ""
    rule = (f"Σ_{{n,i,j}} δ[n, {o}, i, j]·{x_name}[n, {cin}, {_plus(sh, 'i', dh * p - pt)}, "
            f"{_plus(sw, 'j', dw * q - pl)}]{padded}")
    return Plan(rule, x_name, [x[tuple(r)] for r in coef_index], upstream, coef_index)


def bias_plan(index: tuple[int, ...], delta_shape: tuple[int, ...], axis: int) -> Plan:
    """∂E/∂b[o] = Σ δ[…, o, …] over every axis but `axis` (the channel)."""
    ranges: list[Any] = [np.arange(n) for n in delta_shape]
    ranges[axis] = index[0]
    upstream = _grid(ranges)
    names = ["n", "o", "i", "j"] if len(delta_shape) == 4 and axis == 1 else [f"j{a}" for a in range(len(delta_shape))]
    shown = [str(index[0]) if a == axis else names[a] for a in range(len(delta_shape))]
    summed = ",".join(names[a] for a in range(len(delta_shape)) if a != axis)
    return Plan(f"Σ_{{{summed}}} δ{index_text(shown)}", "1", _ones(len(upstream)), upstream)


def _conv_primitive(fn: Function, k: int, index: tuple[int, ...], delta: np.ndarray) -> Plan:
    return conv_input_plan(fn, index, "⟨1⟩") if k == 0 else conv_weight_plan(fn, index, "⟨0⟩")


def is_bias(call: CompositeCall, target: Any) -> bool:
    """Whether `target` is the bias the call added (linear: as it is; conv2d: reshaped to (1, O, 1, 1) first)."""
    return any(m.name in ("Reshape", "Add") and any(t is target for t in m.inputs) for m in call.members)


def _conv_composite(call: CompositeCall, k: int, index: tuple[int, ...], delta: np.ndarray) -> Plan:
    conv = next((m for m in call.members if m.name == "Conv2d"), None)
    if conv is None or delta.ndim != 4:
        raise Unexplained("only the batched (N, C, H, W) form is explained")
    target = call.inputs[k]
    names = {id(t): f"⟨{n}⟩" for n, t in enumerate(call.inputs)}
    x, w = conv.inputs
    if target is x:
        return conv_input_plan(conv, index, names.get(id(w), "W"))
    if target is w:
        return conv_weight_plan(conv, index, names.get(id(x), "x"))
    if call.members[-1].name == "Add" and is_bias(call, target):
        return bias_plan(index, delta.shape, 1)
    raise Unexplained(f"input {k} of conv2d is neither its input, its weight nor its bias")


# ---- dense layers ----------------------------------------------------------------------------------------------
def linear_input_plan(w: np.ndarray, index: tuple[int, ...], w_name: str) -> Plan:
    """δ_x[…, k] = Σ_o W[o, k]·δ[…, o] (the lecture's Wᵀδ, F39)."""
    *lead, col = index
    o = np.arange(w.shape[0])
    coef_index = np.stack([o, np.full_like(o, col)], axis=1)
    upstream = _grid([*lead, o])
    rule = f"Σ_o {w_name}[o, {col}]·δ{index_text([*lead, 'o'])}"
    return Plan(rule, w_name, [w[o_, col] for o_ in o], upstream, coef_index)


def linear_weight_plan(x: np.ndarray, index: tuple[int, ...], delta_shape: tuple[int, ...], x_name: str) -> Plan:
    """∂E/∂W[o, k] = Σ_{n…} δ[n…, o]·x[n…, k]."""
    o, col = index
    lead = _grid([np.arange(n) for n in delta_shape[:-1]])
    upstream = np.concatenate([lead, np.full((len(lead), 1), o)], axis=1)
    coef_index = np.concatenate([lead, np.full((len(lead), 1), col)], axis=1)
    names = ["n"] if len(delta_shape) == 2 else [f"n{a}" for a in range(len(delta_shape) - 1)]
    rule = f"Σ_{{{','.join(names)}}} δ{index_text([*names, o])}·{x_name}{index_text([*names, col])}"
    return Plan(rule, x_name, [x[tuple(r)] for r in coef_index], upstream, coef_index)


def _linear_composite(call: CompositeCall, k: int, index: tuple[int, ...], delta: np.ndarray) -> Plan:
    matmul = next((m for m in call.members if m.name == "MatMul"), None)
    if matmul is None or matmul.inputs[1]._ctx is None or matmul.inputs[1]._ctx.name != "Permute":
        raise Unexplained("this linear call was not recorded as x @ Wᵀ (+ b)")
    x, w = matmul.inputs[0], matmul.inputs[1]._ctx.inputs[0]
    names = {id(t): f"⟨{n}⟩" for n, t in enumerate(call.inputs)}
    target = call.inputs[k]
    if target is x:
        return linear_input_plan(w.data, index, names.get(id(w), "W"))
    if target is w and x.ndim >= 1:
        xs = x.data if x.ndim > 1 else x.data[None]
        if x.ndim == 1:
            plan = linear_weight_plan(xs, index, (1,) + delta.shape, names.get(id(x), "x"))
            return Plan(plan.rule, plan.coefficient_name, plan.coefficients, plan.upstream[:, 1:],
                        plan.coefficient_index[:, 1:])
        return linear_weight_plan(xs, index, delta.shape, names.get(id(x), "x"))
    if is_bias(call, target):
        return bias_plan(index, delta.shape, delta.ndim - 1)
    raise Unexplained(f"input {k} of linear is neither its input, its weight nor its bias")


def _matmul(fn: Function, k: int, index: tuple[int, ...], delta: np.ndarray) -> Plan:
    """C = A·B (2-D or equal batch dims): δ_A[…, m, k] = Σ_n B[…, k, n]·δ[…, m, n]; δ_B[…, k, n] = Σ_m A[…, m, k]·δ[…, m, n]."""
    a, b = _data(fn, 0), _data(fn, 1)
    if a.ndim < 2 or b.ndim < 2 or a.shape[:-2] != b.shape[:-2]:
        raise Unexplained("only matrices (or equal batch dims) are explained, not vectors or broadcast batches")
    *batch, r, c = index
    if k == 0:
        n = np.arange(b.shape[-1])
        coef_index = _grid([*batch, c, n])
        upstream = _grid([*batch, r, n])
        rule = f"Σ_n ⟨1⟩{index_text([*batch, c, 'n'])}·δ{index_text([*batch, r, 'n'])}"
        return Plan(rule, "⟨1⟩", [b[tuple(x)] for x in coef_index], upstream, coef_index)
    m = np.arange(a.shape[-2])
    coef_index = _grid([*batch, m, r])
    upstream = _grid([*batch, m, c])
    rule = f"Σ_m ⟨0⟩{index_text([*batch, 'm', r])}·δ{index_text([*batch, 'm', c])}"
    return Plan(rule, "⟨0⟩", [a[tuple(x)] for x in coef_index], upstream, coef_index)


# ---- elementwise -----------------------------------------------------------------------------------------------
UNARY: dict[str, tuple[str, Callable[[Any, Any, dict], Any]]] = {
    "Relu": ("[u > 0]", lambda u, y, a: np.where(u > 0, 1, 0)),
    "Tanh": ("(1 − tanh²(u))", lambda u, y, a: 1 - y * y),
    "Sigmoid": ("σ(u)(1 − σ(u))", lambda u, y, a: y * (1 - y)),
    "Exp": ("eᵘ", lambda u, y, a: y),
    "Log": ("1/u", lambda u, y, a: 1 / u),
    "Neg": ("(−1)", lambda u, y, a: -1),
    "Sqrt": ("1/(2√u)", lambda u, y, a: 1 / (2 * y)),
    "Abs": ("sign(u)", lambda u, y, a: np.sign(u)),
    "LeakyRelu": ("(1 if u > 0 else a)", lambda u, y, a: np.where(u > 0, 1.0, a["negative_slope"])),
    "PowConst": ("p·uᵖ⁻¹", lambda u, y, a: a["exponent"] * u ** (a["exponent"] - 1)),
}


def _unary(fn: Function, k: int, index: tuple[int, ...], delta: np.ndarray) -> Plan:
    """δ_u[i] = δ[i]·f'(u[i]): one term."""
    name, derivative = UNARY[fn.name]
    u = _data(fn, 0)
    try:
        value = derivative(u[index], fn.output.data[index], fn.attrs)
    except TypeError as err:  # a symbolic u where the rule must compare (relu's u > 0)
        raise Unexplained(f"f'(u) needs a concrete u here ({err})") from err
    value = sympy.sympify(value) if isinstance(u[index], sympy.Basic) else np.asarray(value).item()
    return Plan(f"δ{index_text(index)}·f'(⟨0⟩{index_text(index)}),  f'(u) = {name}", f"f'(⟨0⟩)", [value],
                np.array([index], dtype=np.int64).reshape(1, len(index)), np.array([index]).reshape(1, len(index)))


BINARY = ("Add", "Sub", "Mul", "Div")


def _binary(fn: Function, k: int, index: tuple[int, ...], delta: np.ndarray) -> Plan:
    """a ∘ b with broadcasting: δ_a[i] = Σ over the output positions j that read a[i] of (∂(a ∘ b)/∂a)[j]·δ[j]."""
    a, b = _data(fn, 0), _data(fn, 1)
    mine = (a, b)[k]
    upstream, summed = _spread(index, mine.shape, delta.shape)
    other = b if k == 0 else a
    at_other = np.array([_project(tuple(j), delta.shape, other.shape) for j in upstream], dtype=np.int64)
    at_other = at_other.reshape(len(upstream), other.ndim)
    op, sign = fn.name, -1 if fn.name == "Sub" and k == 1 else 1
    if op in ("Add", "Sub"):
        name, coef_index, coefs = ("1" if sign > 0 else "(−1)"), None, [sign] * len(upstream)
    elif op == "Mul":
        name, coef_index = f"⟨{1 - k}⟩", at_other
        coefs = [other[tuple(j)] for j in at_other]
    elif k == 0:
        name, coef_index = "1/⟨1⟩", at_other
        coefs = [1 / other[tuple(j)] for j in at_other]
    else:
        at_b = np.array([_project(tuple(j), delta.shape, b.shape) for j in upstream], dtype=np.int64)
        name, coef_index = "(−⟨0⟩/⟨1⟩²)", at_other
        coefs = [-a[tuple(j)] / (b[tuple(i)] * b[tuple(i)]) for j, i in zip(at_other, at_b)]
    over = f"Σ_{{{summed}}} " if summed else ""
    coefficient = "" if name == "1" else f"{name}[…]·" if coef_index is not None else f"{name}·"
    shape_note = f"  (⟨{k}⟩ {mine.shape} broadcast to {delta.shape})" if mine.shape != delta.shape else ""
    return Plan(f"{over}{coefficient}δ[…]{shape_note}", name, coefs, upstream, coef_index)


# ---- reductions, views, pooling --------------------------------------------------------------------------------
def _one_term(index_out: tuple[int, ...], rule: str, coefficient: Any = 1, name: str = "1") -> Plan:
    return Plan(rule, name, [coefficient], np.array([index_out], dtype=np.int64).reshape(1, len(index_out)))


def _sum(fn: Function, k: int, index: tuple[int, ...], delta: np.ndarray) -> Plan:
    """δ_x[i] = δ[i with the summed axes dropped]: one term."""
    axes, keep = fn.attrs["axes"], fn.attrs["keepdims"]
    axes = range(len(index)) if axes is None else [a % len(index) for a in axes]
    out = tuple(0 if a in axes else i for a, i in enumerate(index)) if keep else \
        tuple(i for a, i in enumerate(index) if a not in axes)
    return _one_term(out, f"δ{index_text(out)}  (the sum's input reaches its output with factor 1)")


def _reshape(fn: Function, k: int, index: tuple[int, ...], delta: np.ndarray) -> Plan:
    shape_in = _data(fn, 0).shape
    flat = int(np.ravel_multi_index(index, shape_in)) if index else 0
    out = tuple(int(i) for i in np.unravel_index(flat, delta.shape)) if delta.ndim else ()
    return _one_term(out, f"δ{index_text(out)}  (reshape {shape_in} → {delta.shape}: the same flat position {flat})")


def _permute(fn: Function, k: int, index: tuple[int, ...], delta: np.ndarray) -> Plan:
    dims = fn.attrs["dims"]
    out = tuple(index[d] for d in dims)
    return _one_term(out, f"δ{index_text(out)}  (permute {tuple(dims)}: output axis a reads input axis dims[a])")


def _broadcast_to(fn: Function, k: int, index: tuple[int, ...], delta: np.ndarray) -> Plan:
    upstream, summed = _spread(index, _data(fn, 0).shape, delta.shape)
    return Plan(f"Σ_{{{summed}}} δ[…]  (every copy the broadcast made)", "1", _ones(len(upstream)), upstream)


def _sum_to(fn: Function, k: int, index: tuple[int, ...], delta: np.ndarray) -> Plan:
    out = _project(index, _data(fn, 0).shape, delta.shape)
    return _one_term(out, f"δ{index_text(out)}  (sum to {delta.shape})")


def _max_pool(fn: Function, k: int, index: tuple[int, ...], delta: np.ndarray) -> Plan:
    """δ_x[n,c,h,w] = Σ over the windows (i, j) whose argmax is (h, w) of δ[n,c,i,j] (W_ij = 1 there)."""
    axes = fn.attrs["axes"]
    winners = flat_indices(fn.saved[0], axes)
    n, c, h, w = index
    i, j = np.nonzero(winners[n, c] == h * axes[1].n + w)
    upstream = np.stack([np.full_like(i, n), np.full_like(i, c), i, j], axis=1)
    rule = (f"Σ over the windows (i, j) whose argmax is ({h}, {w}) of δ[{n}, {c}, i, j]  "
            f"({len(i)} window{'s' if len(i) != 1 else ''}: {', '.join(f'({a}, {b})' for a, b in zip(i, j)) or 'none'})")
    return Plan(rule, "W_ij", _ones(len(i)), upstream)


def _avg_pool(fn: Function, k: int, index: tuple[int, ...], delta: np.ndarray) -> Plan:
    """δ_x[n,c,h,w] = Σ over the windows P_ij holding (h, w) of δ[n,c,i,j]/|P_ij|."""
    (ah, aw), divisor = fn.attrs["axes"], fn.attrs["divisor"]
    n, c, h, w = index
    rows = [i for i in range(ah.out) if any(ah.starts()[i] + p * ah.d == h for p in range(ah.k))]
    cols = [j for j in range(aw.out) if any(aw.starts()[j] + q * aw.d == w for q in range(aw.k))]
    grid = _grid([np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)])
    upstream = np.concatenate([np.full((len(grid), 1), n), np.full((len(grid), 1), c), grid], axis=1)
    coefs = [1 / divisor[i, j] if divisor.dtype != object else sympy.Integer(1) / divisor[i, j] for i, j in grid]
    rule = f"Σ over the windows P_ij that hold ({h}, {w}) of δ[{n}, {c}, i, j]/|P_ij|"
    return Plan(rule, "1/|P|", coefs, upstream, grid)


#: the primitives of cross_entropy's plain form ((N, C) logits, class targets, mean, no weights or smoothing)
PLAIN_CROSS_ENTROPY = ["LogSoftmax", "GetItem", "Neg", "Sum", "Div"]


def _cross_entropy(call: CompositeCall, k: int, index: tuple[int, ...], delta: np.ndarray) -> Plan:
    """δ_u[n, c] = (softmax(u)[n, c] − y[n, c])/N·δ, y one-hot of the targets (the plain mean form)."""
    names = [m.name for m in call.members]
    if names != PLAIN_CROSS_ENTROPY or len(index) != 2:
        raise Unexplained("only the plain form (N, C) logits, class targets, mean, no weights or smoothing is "
                          f"explained; this call ran {', '.join(names)}")
    u = call.inputs[0].data
    key = call.members[1].attrs["key"]
    targets = np.broadcast_to(np.asarray(key[1]), (u.shape[0],))
    count = call.members[-1].inputs[1].data
    count = count.item() if isinstance(count, np.ndarray) and count.dtype != object else count[()]
    n, c = index
    row = u[n]
    if u.dtype == object:
        p = sympy.exp(row[c]) / sympy.Add(*[sympy.exp(v) for v in row])
    else:
        e = np.exp(row.astype(np.float64) - np.max(row))
        p = float(e[c] / e.sum())
    y = 1 if targets[n] == c else 0
    value = (p - y) / count
    rule = f"(softmax(⟨0⟩)[{n}, {c}] − y[{n}, {c}])/{count}·δ  (y[{n}] one-hot at class {int(targets[n])})"
    return Plan(rule, "(softmax(u) − y)/N", [value], np.zeros((1, delta.ndim), dtype=np.int64),
                np.array([[n, c]], dtype=np.int64))


PRIMITIVES: dict[str, Callable[..., Plan]] = {
    "Conv2d": _conv_primitive, "MatMul": _matmul, "Sum": _sum, "Reshape": _reshape, "Permute": _permute,
    "BroadcastTo": _broadcast_to, "SumTo": _sum_to, "MaxPool2d": _max_pool, "AvgPool2d": _avg_pool,
    **{name: _unary for name in UNARY}, **{name: _binary for name in BINARY},
}
COMPOSITES: dict[str, Callable[..., Plan]] = {
    "conv2d": _conv_composite, "linear": _linear_composite, "cross_entropy": _cross_entropy,
}
