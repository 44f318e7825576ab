"""Determinants, batched: det (δ_A = δ·det A·A⁻ᵀ), slogdet ((sign, log|det A|) with δ_A = δ·A⁻ᵀ, the sign a
constant) and logdet = log|det A| + log(sign) (NaN for a negative determinant, −∞ for zero, as PyTorch)."""
from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from ..autograd import Function
from . import symbolic
from .checks import const, floating, square
from .solve import Inv

slogdet_result = namedtuple("linalg_slogdet", ["sign", "logabsdet"])


def _cofactor_t(a: np.ndarray) -> np.ndarray:
    """adj(A)ᵀ = ∂det/∂A from the SVD, A = U S Vᵀ: adj(A) = det(U)det(V)·V·diag(∏_{j≠i} s_j)·Uᵀ; defined
    where A is singular too (where A⁻¹ is not)."""
    u, s, vh = np.linalg.svd(a)
    n = s.shape[-1]
    others = np.stack([np.prod(np.delete(s, i, axis=-1), axis=-1) for i in range(n)], -1) if n > 1 else \
        np.ones_like(s)
    sign = np.linalg.det(u) * np.linalg.det(vh)
    adj = np.swapaxes(vh, -1, -2) @ (others[..., :, None] * np.swapaxes(u, -1, -2))
    return sign[..., None, None] * np.swapaxes(adj, -1, -2)


class Det(Function):
    rule_unicode = "y = det A: δ_A = δ·y·A⁻ᵀ"
    rule_latex = r"\delta_A = \delta\,\det(A)\,A^{-\top}"

    def forward(ctx, a):
        if a.dtype == object:
            return symbolic.det(a)
        return np.asarray(np.linalg.det(a))

    def backward(ctx, g):
        a, y = ctx.inputs[0], ctx.output
        if a.dtype != object and (y.data == 0).any():  # singular: the cofactors, as constants (first order only)
            return g.unsqueeze(-1).unsqueeze(-1) * const(a, _cofactor_t(a.data))
        return (g * y).unsqueeze(-1).unsqueeze(-1) * Inv.apply(a).mT


class LogAbsDet(Function):
    rule_unicode = "y = log|det A|: δ_A = δ·A⁻ᵀ"
    rule_latex = r"\delta_A = \delta\,A^{-\top}"

    def forward(ctx, a):
        with np.errstate(divide="ignore"):
            return np.asarray(np.linalg.slogdet(a)[1])

    def backward(ctx, g):
        return g.unsqueeze(-1).unsqueeze(-1) * Inv.apply(ctx.inputs[0]).mT


def det(A: Any) -> Any:
    """det A of each square matrix (SymPy matrices exactly)."""
    a = floating("linalg.det", A, allow_object=True)
    square("linalg.det", a)
    return Det.apply(a)


def slogdet(A: Any) -> Any:
    """(sign, logabsdet) with det A = sign·exp(logabsdet): no overflow for large matrices."""
    a = floating("linalg.slogdet", A)
    square("linalg.slogdet", a)
    sign = np.asarray(np.linalg.slogdet(a.data)[0])
    return slogdet_result(const(a, sign), LogAbsDet.apply(a))


def logdet(A: Any) -> Any:
    """log det A: NaN where det A < 0, −∞ where it is 0 (torch.logdet)."""
    a = floating("logdet", A)
    square("logdet", a)
    sign, logabs = slogdet(a)
    with np.errstate(divide="ignore", invalid="ignore"):
        return logabs + const(a, np.log(sign.data))
