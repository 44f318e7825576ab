"""The exact fallback explainer for any step: every local backward is linear in the incoming δ,
grad_k[i] = Σ_j J_k[j, i]·δ[j] with J_k = ∂out/∂in_k at the recorded values. The column J_k[:, i] comes from the
step's own backward code (written with differentiable Tensor ops): run it on a fresh leaf u shaped like δ under
grad mode, then backpropagate entry i of what it hands input k to u — a VJP of a VJP, no finite differences.
A composition's call replays its primitives' backwards from its output to its inputs the same way."""
from __future__ import annotations

from typing import Any, Optional, Union

import numpy as np
from ..lazy_sympy import sympy

from .. import backend
from ..autograd import Function, _call_backward, enable_grad, no_grad, observe
from ..tensor import Tensor
from ..viz.composites import CompositeCall
from .explain_rules import Plan, Unexplained

#: a J column with more non-zero entries than this is not listed term by term
MAX_TERMS = 100_000

#: the local derivative's name for ops where the lecture has one: (coefficient name, what indexes it, what it is);
#: the coefficient is indexed by the upstream position j ("j"), by the entry i itself ("i", a diagonal Jacobian) or
#: not at all ("", a constant 1); the names of 0/1 Jacobians are used only when every listed entry is 1
NAMES: dict[str, tuple[str, str, str]] = {
    "Softmax": ("s_j(1[i=j] − s_i)", "j", "the softmax Jacobian ∂s_j/∂u_i, s = softmax(⟨0⟩)"),
    "LogSoftmax": ("(1[i=j] − s_i)", "j", "∂(log s_j)/∂u_i, s = softmax(⟨0⟩)"),
    "Dropout": ("m/(1−p)", "i", "the kept-mask of dropout over the keep probability"),
    "Sigmoid": ("σ'(u)", "i", "σ(u)(1 − σ(u))"),
    "Where": ("[cond]", "i", "1 where the condition picked this input, else 0"),
    "Clamp": ("[lo ≤ u ≤ hi]", "i", "1 inside the clamp's range, else 0"),
    "Max": ("[argmax]", "j", "1 where this entry is the maximum output j took"),
    "GetItem": ("1", "", "output j reads this entry"),
    "Cat": ("1", "", "output j is this entry"),
}
ZERO_ONE = ("Where", "Clamp", "Max", "GetItem", "Cat")


class _Backward:
    """The step's backward as a differentiable function of a leaf u (shaped like δ): `grads[k]` is what input k
    gets, recorded with the Functions made on the way (`made`, in recording order), so a second backward can walk
    only those (never into the forward graph the step reads). `_call_backward` is the engine's own call: the op's
    backward plus the sum back to a broadcast input's shape, so the replay hands out exactly what the pass did."""

    def __init__(self, fn: Union[Function, CompositeCall], delta: np.ndarray) -> None:
        self.u = Tensor._make(backend.zeros(delta.shape, delta), True)
        made: list[Function] = []
        stop = observe(made.append)
        try:
            with enable_grad():
                self.grads = _composite_grads(fn, self.u) if isinstance(fn, CompositeCall) else \
                    _call_backward(fn, self.u)
        finally:
            stop()
        self.made = made
        self.ids = {id(f) for f in made}

    def column(self, k: int, index: tuple[int, ...]) -> Optional[np.ndarray]:
        """J_k[:, index] (shaped like δ), or None when entry `index` of input k does not depend on δ at all."""
        g = self.grads[k]
        if g is None:
            return None
        seed = backend.zeros(g.shape, g.data)
        seed[index] = 1
        if g is self.u:
            return seed
        if g._ctx is None or id(g._ctx) not in self.ids:
            return None
        found: dict[int, Tensor] = {id(g): Tensor._make(seed, False)}
        with no_grad():
            for f in reversed(self.made):
                out = f._output()
                grad = None if out is None else found.pop(id(out), None)
                if grad is None:
                    continue
                for parent, pg in zip(f.inputs, _call_backward(f, grad)):
                    inside = parent is self.u or (parent._ctx is not None and id(parent._ctx) in self.ids)
                    if pg is None or not inside:
                        continue
                    before = found.get(id(parent))
                    found[id(parent)] = pg if before is None else before + pg
        result = found.get(id(self.u))
        return None if result is None else result.data


def _composite_grads(call: CompositeCall, u: Tensor) -> tuple[Optional[Tensor], ...]:
    """What the call's primitives hand its inputs when δ = u arrives at its output (their backwards in reverse
    recording order, summed per tensor as the engine sums)."""
    grads: dict[int, Tensor] = {id(call.output): u}
    inputs = {id(t) for t in call.inputs}
    totals: dict[int, Tensor] = {}
    for member in reversed(call.members):
        if member.freed:
            raise Unexplained("its graph was freed by an earlier backward()")
        out = member._output()
        g = None if out is None else grads.pop(id(out), None)
        if g is None:
            continue
        for parent, pg in zip(member.inputs, _call_backward(member, g)):
            if pg is None or not parent.requires_grad:
                continue
            into = totals if id(parent) in inputs else grads
            before = into.get(id(parent))
            into[id(parent)] = pg if before is None else before + pg
    return tuple(totals.get(id(t)) for t in call.inputs)


_CACHE: dict[int, tuple[Any, np.ndarray, _Backward]] = {}
_CACHE_SIZE = 8


def _backward_of(fn: Union[Function, CompositeCall], delta: np.ndarray) -> _Backward:
    """One recorded backward per step (and δ): many entries of one gradient reuse it (the last few are kept)."""
    hit = _CACHE.get(id(fn))
    if hit is not None and hit[0] is fn and hit[1] is delta:
        return hit[2]
    made = _Backward(fn, delta)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[id(fn)] = (fn, delta, made)
    return made


def generic_plan(fn: Union[Function, CompositeCall], k: int, index: tuple[int, ...], delta: np.ndarray,
                 value: Any = None) -> Plan:
    """The Plan of gradient entry `index` of input `k`: the terms J_k[j, index]·δ[j] over the j where the Jacobian
    column is not zero (and, when the entry's `value` is NaN/Inf, the non-finite δ[j], as 0·inf is not 0)."""
    if isinstance(fn, Function) and fn.freed:
        raise Unexplained("its graph was freed by an earlier backward()")
    if isinstance(fn, Function) and fn._tensor_style:
        raise Unexplained("a PyTorch-style user Function's backward is not replayed")
    try:
        column = _backward_of(fn, delta).column(k, index)
    except (RuntimeError, TypeError) as err:  # an output no longer alive, a comparison of symbols, …
        raise Unexplained(f"its backward could not be replayed ({err})") from err
    shape = delta.shape
    if column is None:
        column = np.zeros(shape)
    symbolic = column.dtype == object
    nonzero = np.array([not _is_zero(v) for v in column.ravel()]).reshape(shape) if symbolic else column != 0
    if value is not None and not symbolic and delta.dtype != object and not np.isfinite(value):
        poisoned = ~np.isfinite(delta)
        if not poisoned[nonzero].any():  # 0·inf = NaN: the non-finite δ that reached the entry through a zero J
            nonzero = nonzero | poisoned
    count = int(np.count_nonzero(nonzero))
    if count > MAX_TERMS:
        raise Unexplained(f"its Jacobian column holds {count} non-zero entries (more than {MAX_TERMS} terms to list)")
    upstream = np.argwhere(nonzero) if shape else np.zeros((count, 0), dtype=np.int64)
    coefs = [sympy.sympify(c) for c in column[nonzero]] if symbolic else column[nonzero].tolist()
    name, by, meaning = NAMES.get(fn.name, ("J", "ji", ""))
    if fn.name in ZERO_ONE and any(c != 1 for c in coefs):
        name, by, meaning = "J", "ji", ""
    if by == "i":
        coef_index = np.tile(np.asarray(index, dtype=np.int64), (len(upstream), 1)).reshape(len(upstream), len(index))
    elif by == "j":
        coef_index = upstream
    elif not by:
        coef_index = None
    else:
        coef_index = np.concatenate([upstream, np.tile(np.asarray(index, dtype=np.int64), (len(upstream), 1))
                                     .reshape(len(upstream), len(index))], axis=1)
    what = f"{name} = {meaning}" if meaning else f"J[j, i] = ∂y[j]/∂⟨{k}⟩[i], y the output"
    factor = "" if not by else f"{name}[…]·"
    rule = (f"Σ_j {factor}δ[j] over the {count} output entr{'y' if count == 1 else 'ies'} j this entry of ⟨{k}⟩ "
            f"reaches  ({what}: {fn.name}'s local Jacobian at the recorded values)")
    return Plan(rule, name, coefs, upstream.astype(np.int64),
                None if coef_index is None else coef_index.astype(np.int64))


def _is_zero(v: Any) -> bool:
    if isinstance(v, sympy.Basic):
        return v.is_zero is True
    return v == 0
