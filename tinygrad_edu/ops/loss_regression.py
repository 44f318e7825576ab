"""Negative log-likelihoods of count and real-valued regression targets, with PyTorch's signatures and numbers:
the Poisson NLL λ − y ln λ (+ Stirling's ln y! for y > 1 with full=True) and the Gaussian NLL
½(ln σ² + (x − y)²/σ²) (+ ½ ln 2π), compositions of differentiable ops."""
from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np

from ..autograd import composite
from ..errors import ArgumentTypeError, ShapeError
from .args import flag, number, tensor_arg
from .compare import DtypeError, where
from .loss import _reduce
from .loss_margin import _no_bool, _reduction
from .softmax import _floating


@composite("poisson_nll_loss", "ℓ = eˣ − y·x (log_input) or x − y·ln(x + ε): δ_x = (eˣ − y)·δ or (1 − y/(x + ε))·δ",
           r"\delta_x = (e^x - y)\,\delta")
def poisson_nll_loss(input: Any, target: Any, log_input: bool = True, full: bool = False,
                     size_average: Optional[bool] = None, eps: float = 1e-8, reduce: Optional[bool] = None,
                     reduction: str = "mean") -> Any:
    """The Poisson NLL of counts y under rate λ (dropping ln y! unless full): λ − y ln λ with λ = eˣ (log_input)
    or λ = x (then ln(x + eps)); full adds Stirling's y ln y − y + ½ ln(2πy) where y > 1, as PyTorch."""
    op = "poisson_nll_loss"
    reduction = _reduction(op, reduction, size_average, reduce)
    x, y = tensor_arg(input, op), tensor_arg(target, op)
    _floating(op, x)
    _no_bool(op, target=y)
    log_input, full = flag(op, "log_input", log_input), flag(op, "full", full)
    _broadcast(op, x, y)
    number(op, "eps", eps)
    loss = x.exp() - y * x if log_input else x - y * (x + eps).log()
    if full:
        with np.errstate(all="ignore"):  # y ln y at y = 0 is NaN, masked out below (its δ stays NaN, as PyTorch's)
            stirling = y * y.log() - y + 0.5 * (2 * math.pi * y).log()
        small = type(y)._make(np.asarray(y.data <= 1), False)
        loss = loss + where(small, 0.0, stirling)
    return _reduce(loss, reduction)


def _broadcast(op: str, x: Any, y: Any) -> None:
    try:
        np.broadcast_shapes(x.shape, y.shape)
    except ValueError:
        raise ShapeError(f"{op}: input {x.shape} and target {y.shape} do not broadcast to one shape (sizes must "
                         "match or be 1 in every dimension, from the right)") from None


def _variance(op: str, var: Any, x: Any) -> Any:
    """var as a Tensor that broadcasts against the input: the input's shape, one dimension short of it (the
    homoscedastic case, unsqueezed), or the input's rank with one size-1 mismatch, as PyTorch."""
    if isinstance(var, float):
        if var < 0:
            raise ShapeError(f"{op}: var has negative entry/entries (var = {var})")
        return type(x)._make(np.full(x.shape, var, x.dtype), False)  # var · ones_like(input)
    v = tensor_arg(var, op)
    if v.dtype != object and v.dtype.kind != "f":
        raise DtypeError(f"{op}: var must be floating point (it is clamped to eps in its own dtype), got {v.dtype}")
    if v.dtype != object and bool(np.any(v.data < 0)):
        raise ShapeError(f"{op}: var has negative entry/entries")
    if v.shape == x.shape:
        return v
    if x.shape[:-1] == v.shape:
        return v.unsqueeze(-1)
    if x.ndim == v.ndim and sum(b for a, b in zip(x.shape, v.shape) if a != b) == 1:
        return v
    raise ShapeError(f"{op}: var is of incorrect size: var {v.shape} for input {x.shape} (the input's shape, the "
                     "input's shape without its last dimension, or one dimension of size 1)")


@composite("gaussian_nll_loss", "ℓ = ½(ln σ² + (x − y)²/σ²), σ² raised to ε: δ_x = (x − y)/σ²·δ, "
           "δ_σ² = ½(1/σ² − (x − y)²/σ⁴)·δ at the raised σ²", r"\delta_x = \frac{x - y}{\sigma^2}\,\delta,\quad "
           r"\delta_{\sigma^2} = \tfrac12\left(\frac{1}{\sigma^2} - \frac{(x - y)^2}{\sigma^4}\right)\delta")
def gaussian_nll_loss(input: Any, target: Any, var: Any, full: bool = False, eps: float = 1e-6,
                      reduction: str = "mean") -> Any:
    """The Gaussian NLL ½(ln σ² + (x − y)²/σ²) (+ ½ ln 2π with full) of targets y under means x and variances
    var. Variances below eps are raised to eps for the value and for the point where their gradient is taken,
    which passes through the raise unchanged (PyTorch clamps a clone in place under no_grad)."""
    op = "gaussian_nll_loss"
    x, y = tensor_arg(input, op), tensor_arg(target, op)
    _floating(op, x)
    _no_bool(op, target=y)
    if not isinstance(var, float) and isinstance(var, (bool, int, np.number)):
        raise TypeError(f"{op}: var must be a Tensor or a float, got {type(var).__name__} ({var!r})")
    _broadcast(op, x, y)
    v = _variance(op, var, x)
    reduction = _reduction(op, reduction)
    full = flag(op, "full", full)
    if isinstance(eps, bool) or not isinstance(eps, (int, float, np.number)):
        raise ArgumentTypeError(f"{op}: eps must be a number (the variances' lower bound), got {eps!r}")
    if not v.is_symbolic:  # (a NaN eps makes every variance NaN, as PyTorch's clamp)
        below = type(v)._make(np.asarray((v.data < eps) | (eps != eps)), False)
        v = where(below, v - v.detach() + np.asarray(eps, v.dtype), v)  # the value eps, the gradient of v
    d = x - y
    loss = 0.5 * (v.log() + d * d / v)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


__all__ = ["poisson_nll_loss", "gaussian_nll_loss"]
