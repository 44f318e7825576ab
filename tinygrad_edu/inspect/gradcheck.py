"""Finite differences against autograd in float64: the check that a backward rule is right.

The output is reduced to a scalar L = Σ v ⊙ fn(inputs) with a fixed random v, so one backward gives
vᵀJ for every input, compared entry by entry with central differences (L(x+ε) − L(x−ε)) / 2ε.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from ..autograd import enable_grad, no_grad
from ..tensor import Tensor


class GradcheckError(AssertionError):
    """Autograd and finite differences disagree; the message names the input, the element and both values."""


def gradcheck(fn: Callable[..., Tensor], inputs: Sequence[Any], eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, seed: int = 0, raise_exception: bool = True) -> bool:
    """Check autograd gradients of `fn(*inputs)` against central differences, in float64.

    Inputs that are Tensors with requires_grad are checked; others are passed through as constants.
    Returns True, or raises GradcheckError (returns False with raise_exception=False) at the first mismatch.
    """
    args = [_as_float64(x) for x in inputs]
    checked = [i for i, x in enumerate(args) if isinstance(x, Tensor) and x.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input requires grad; mark the ones to check with requires_grad=True")
    out = fn(*args)
    if not isinstance(out, Tensor):
        raise TypeError(f"gradcheck: fn must return a Tensor, got {type(out).__name__}")
    if out.dtype != np.float64:
        raise TypeError(f"gradcheck: fn returned dtype {out.dtype}; it must compute in float64 for the check to "
                        "mean anything (an op downcast its input)")
    weights = np.random.default_rng(seed).standard_normal(out.shape)
    for i in checked:
        args[i].grad = None
    if out.requires_grad:  # else the graph says the output does not depend on the inputs: analytic gradient 0
        (out * Tensor(weights)).sum().backward()

    def projected(values: list[Any]) -> float:
        with no_grad():
            return float(np.sum(fn(*values).data * weights))

    for i in checked:
        x = args[i]
        analytic = np.zeros(x.shape) if x.grad is None else x.grad.data
        for index in np.ndindex(*x.shape):
            original = x.data[index]
            x.data[index] = original + eps
            plus = projected(args)
            x.data[index] = original - eps
            minus = projected(args)
            x.data[index] = original
            numeric = (plus - minus) / (2 * eps)
            got = float(analytic[index])
            if not abs(got - numeric) <= atol + rtol * abs(numeric):
                name = f" {x.name!r}" if x.name else ""
                message = (f"gradcheck: gradient of the output w.r.t. input {i}{name} (shape {x.shape}) at element "
                           f"{list(index)}: autograd {got:.8g}, finite difference {numeric:.8g}, |difference| "
                           f"{abs(got - numeric):.3g} > atol + rtol·|fd| = {atol + rtol * abs(numeric):.3g}")
                if raise_exception:
                    raise GradcheckError(message)
                return False
    return True


def _as_float64(x: Any) -> Any:
    """A float64 leaf copy of each Tensor (the user's tensors are left untouched)."""
    if isinstance(x, Tensor):
        if x.dtype.kind != "f":
            return x
        return Tensor(x.data.astype(np.float64, copy=True), requires_grad=x.requires_grad, name=x.name)
    return x


def gradgradcheck(fn: Callable[..., Tensor], inputs: Sequence[Any], grad_outputs: Any = None, eps: float = 1e-6,
                  atol: float = 1e-5, rtol: float = 1e-3, seed: int = 0, raise_exception: bool = True) -> bool:
    """Check second derivatives: gradcheck of x ↦ (∂⟨v, fn(x)⟩/∂x) built with create_graph=True, for a fixed
    random v (or `grad_outputs`), in float64 — as torch.autograd.gradgradcheck."""
    from ..autograd import grad

    args = [_as_float64(x) for x in inputs]
    checked = [i for i, x in enumerate(args) if isinstance(x, Tensor) and x.requires_grad]
    if not checked:
        raise ValueError("gradgradcheck: no input requires grad; mark the ones to check with requires_grad=True")
    with no_grad():
        shape = fn(*args).shape
    v = np.random.default_rng(seed + 1).standard_normal(shape) if grad_outputs is None else np.asarray(
        getattr(grad_outputs, "data", grad_outputs), dtype=np.float64)

    def first_derivatives(*values: Any) -> Tensor:
        with enable_grad():  # gradcheck evaluates this under no_grad; the first derivative needs a graph
            out = fn(*values)
            grads = grad(out, [values[i] for i in checked], Tensor(v), create_graph=True, allow_unused=True)
        parts = [g.reshape(-1) if g is not None else Tensor(np.zeros(values[i].numel())) for i, g in zip(checked, grads)]
        from ..ops import cat

        return cat(parts)

    return gradcheck(first_derivatives, args, eps=eps, atol=atol, rtol=rtol, seed=seed,
                     raise_exception=raise_exception)
