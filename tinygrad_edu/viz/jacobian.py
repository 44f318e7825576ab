"""The local Jacobian of one Function node, entry by entry: re-run the op's own forward on fresh SymPy
symbols standing for its input elements and differentiate each output entry (exact, structural zeros);
ops whose forward cannot take symbols (max pooling must compare values) fall back to their backward,
fed one-hot gradients at the recorded values."""
from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np
from ..lazy_sympy import sympy

from .. import backend
from ..autograd import Function, _call_backward, no_grad
from ..tensor import Tensor


@dataclass(frozen=True)
class Coupling:
    """∂ output[target] / ∂ input[k][source] = value (≠ 0), flat indices."""

    input: int
    source: int
    target: int
    value: sympy.Expr


@dataclass
class LocalJacobian:
    couplings: list[Coupling]
    exact: bool
    """True: derived symbolically from the forward (zeros are structural); False: read off the backward at
    the recorded values (an entry that happens to be 0 there has no edge)."""


def _fresh(shape: tuple[int, ...], k: int) -> np.ndarray:
    out = np.empty(shape, dtype=object)
    for j, index in enumerate(np.ndindex(*shape)):
        out[index] = sympy.Dummy(f"in{k}_{j}", real=True)
    return out


def _step_at_zero(expr: sympy.Expr) -> sympy.Expr:
    """SymPy's d Max(x, 0)/dx is Heaviside(x) with H(0) = 1/2; the engine (like PyTorch) uses 0 there."""
    return expr.replace(lambda e: isinstance(e, sympy.Heaviside), lambda e: sympy.Heaviside(e.args[0], 0))


def local_jacobian(fn: Function, wrt: Sequence[bool], labels: Sequence[np.ndarray],
                   fixed: Sequence[Optional[np.ndarray]]) -> LocalJacobian:
    """The non-zero entries of ∂fn.output/∂fn.inputs[k] for the inputs with `wrt[k]`.

    `labels[k]`: object array of what each element of input k is called on the edge labels (a named symbol,
    the symbolic value, or the number). `fixed[k]`: an array to pass to the forward unchanged instead of
    symbols (weights drawn as edge labels, integer indices), or None.
    """
    try:
        return _symbolic(fn, wrt, labels, fixed)
    except (TypeError, ValueError, AttributeError, NotImplementedError):
        return _numeric(fn, wrt)


def _symbolic(fn: Function, wrt: Sequence[bool], labels: Sequence[np.ndarray],
              fixed: Sequence[Optional[np.ndarray]]) -> LocalJacobian:
    arrays, dummies, subs = [], {}, {}
    for k, t in enumerate(fn.inputs):
        if fixed[k] is not None:
            arrays.append(fixed[k])
            continue
        fresh = _fresh(t.shape, k)
        arrays.append(fresh)
        for j, (d, value) in enumerate(zip(fresh.ravel(), labels[k].ravel())):
            dummies[d] = (k, j)
            subs[d] = value
    fresh_fn = type(fn).__new__(type(fn))
    fresh_fn.attrs = dict(fn.attrs)
    out = np.asarray(fresh_fn.forward(*arrays, **fn.attrs))
    recorded = fn._output()
    if out.dtype != object or (recorded is not None and out.size != recorded.numel()):
        raise TypeError(f"{fn.name}: forward on symbols did not give a symbolic array of the output's size")
    couplings = []
    for target, entry in enumerate(out.ravel()):
        if not isinstance(entry, sympy.Basic):
            continue
        for d in sorted(entry.free_symbols & dummies.keys(), key=lambda s: dummies[s]):
            k, source = dummies[d]
            if not wrt[k]:
                continue
            partial = sympy.diff(entry, d)
            if partial == 0:
                continue
            couplings.append(Coupling(k, source, target, _step_at_zero(partial).xreplace(subs)))
    return LocalJacobian(couplings, exact=True)


def _numeric(fn: Function, wrt: Sequence[bool]) -> LocalJacobian:
    fresh_fn = type(fn).__new__(type(fn))
    fresh_fn.attrs = dict(fn.attrs)
    with no_grad():
        out = np.asarray(fresh_fn.forward(*[t.data for t in fn.inputs], **fn.attrs))
        out_tensor = Tensor._make(out, False)
        fresh_fn.inputs = fn.inputs
        fresh_fn.needs_input_grad = tuple(bool(w) and t.dtype.kind in "fcO" for w, t in zip(wrt, fn.inputs))
        fresh_fn._output = weakref.ref(out_tensor)
        one = sympy.Integer(1) if out.dtype == object else 1
        couplings = []
        for target in range(out.size):
            seed = backend.zeros(out.shape, out)
            seed.flat[target] = one
            grads = _call_backward(fresh_fn, Tensor._make(seed, False))
            for k, g in enumerate(grads):
                if g is None:
                    continue
                flat = g.data.ravel()
                for source in np.flatnonzero(flat != 0):
                    couplings.append(Coupling(k, int(source), target, sympy.sympify(flat[source])))
    return LocalJacobian(couplings, exact=False)
