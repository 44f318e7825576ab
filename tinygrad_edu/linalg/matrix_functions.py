"""Functions of a matrix: pinv (its own adjoint, Golub & Pereyra's, valid at constant rank), lstsq (pinv(A)·B,
as PyTorch differentiates it), matrix_power (repeated squaring), matrix_exp (scaling and squaring of a Taylor
polynomial, all matmuls, so its gradient comes free) and matrix_rank."""
from __future__ import annotations

from collections import namedtuple
from typing import Any, Optional

import numpy as np

from ..autograd import Function
from ..errors import ShapeError
from ..ops.args import flag, integer, same_dtype
from ..ops.compare import where
from .checks import const, floating, matrices, no_nan, square
from .decompositions import nan_safe_svd

lstsq_result = namedtuple("linalg_lstsq", ["solution", "residuals", "rank", "singular_values"])


def _tolerance(s_max: np.ndarray, shape: tuple, dtype: Any, atol: Any, rtol: Any) -> np.ndarray:
    """max(atol, rtol·σ_max) with PyTorch's defaults: rtol = eps·max(m, n) unless atol > 0 is given alone."""
    def per_matrix(value: Any) -> np.ndarray:  # a number, or a tensor over the batch (one value per matrix)
        value = np.asarray(getattr(value, "data", value))
        return value[..., None] if value.ndim else value

    atol_v = per_matrix(0.0 if atol is None else atol)
    if rtol is None:
        rtol_v = per_matrix(np.finfo(dtype).eps * max(shape[-2:]) if atol is None or np.all(atol_v <= 0) else 0.0)
    else:
        rtol_v = per_matrix(rtol)
    return np.maximum(atol_v, rtol_v * s_max)


class Pinv(Function):
    rule_unicode = "P = A⁺: δ_A = −Pᵀ·δ·Pᵀ + (I − AP)·δᵀ·P·Pᵀ + Pᵀ·P·δᵀ·(I − PA)"
    rule_latex = r"\delta_A = -P^\top\delta P^\top + (I-AP)\delta^\top PP^\top + P^\top P\delta^\top(I-PA)"

    def forward(ctx, a, atol, rtol, hermitian):
        if hermitian:
            no_nan("linalg.eigh", a, "the input matrix contains NaN")
            w, v = np.linalg.eigh(a)
            big = np.abs(w).max(-1, keepdims=True) if w.shape[-1] else np.zeros(w.shape[:-1] + (1,), a.dtype)
            keep = np.abs(w) > _tolerance(big, a.shape, a.dtype, atol, rtol)
            inv_w = np.where(keep, 1 / np.where(keep, w, 1), 0)
            return (v * inv_w[..., None, :]) @ np.swapaxes(v, -1, -2)
        u, s, vh = nan_safe_svd(a)
        big = s[..., :1] if s.shape[-1] else np.zeros(s.shape[:-1] + (1,), a.dtype)
        keep = s > _tolerance(big, a.shape, a.dtype, atol, rtol)
        inv_s = np.where(keep, 1 / np.where(keep, s, 1), 0)
        return (np.swapaxes(vh, -1, -2) * inv_s[..., None, :]) @ np.swapaxes(u, -1, -2)

    def backward(ctx, g):
        a, p = ctx.inputs[0], ctx.output
        gt = g.mT
        left = gt @ (p @ p.mT)
        right = (p.mT @ p) @ gt
        return -(p.mT @ g @ p.mT) + (left - a @ (p @ left)) + (right - (right @ p) @ a)


def pinv(A: Any, *, atol: Any = None, rtol: Any = None, hermitian: bool = False) -> Any:
    """The Moore–Penrose pseudo-inverse, singular values ≤ max(atol, rtol·σ_max) dropped (PyTorch's
    defaults); its gradient assumes the rank stays the same nearby."""
    a = floating("linalg.pinv", A)
    matrices("linalg.pinv", a)
    return Pinv.apply(a, atol=atol, rtol=rtol, hermitian=flag("linalg.pinv", "hermitian", hermitian))


def matrix_rank(A: Any, tol: Any = None, hermitian: bool = False, *, atol: Any = None, rtol: Any = None) -> Any:
    """The number of singular values above max(atol, rtol·σ_max) (tol is the old name of atol), int64."""
    a = floating("linalg.matrix_rank", A)
    matrices("linalg.matrix_rank", a)
    if tol is not None:
        atol, rtol = tol, 0.0
    if flag("linalg.matrix_rank", "hermitian", hermitian):
        no_nan("linalg.eigh", a.data, "the input matrix contains NaN")
        s = np.abs(np.linalg.eigvalsh(a.data))
    else:
        s = nan_safe_svd(a.data)[1]
    big = s.max(-1, keepdims=True) if s.shape[-1] else np.zeros(s.shape[:-1] + (1,), a.dtype)
    tol_v = _tolerance(big, a.shape, a.dtype, atol, rtol)
    return const(a, (s > tol_v).sum(-1).astype(np.int64))


def lstsq(A: Any, B: Any, rcond: Optional[float] = None, *, driver: Optional[str] = None) -> Any:
    """(solution, residuals, rank, singular_values) of min ‖AX − B‖: the solution pinv(A)·B (minimum norm);
    residuals and singular values as PyTorch's drivers give them (empty for the default 'gelsy')."""
    op = "linalg.lstsq"
    a, b = floating(op, A), floating(op, B)
    matrices(op, a)
    same_dtype(op, input=a.data, other=b.data)
    if driver not in (None, "gels", "gelsy", "gelsd", "gelss"):
        raise ShapeError(f"{op}: parameter `driver` should be one of (gels, gelsy, gelsd, gelss), got {driver!r}")
    vector = b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1])
    if vector:
        b = b.unsqueeze(-1)
    if b.ndim < 2 or b.shape[-2] != a.shape[-2]:
        raise ShapeError(f"{op}: input.size(-2) should match other.size(-2), got A {tuple(a.shape)} and B "
                         f"{tuple(b.shape)}")
    m, n = a.shape[-2:]
    rtol = rcond if rcond is not None and rcond >= 0 else None
    x = Pinv.apply(a, atol=None, rtol=rtol, hermitian=False) @ b
    rank = matrix_rank(a, rtol=rtol)
    empty = const(a, np.zeros((0,), a.dtype))
    residuals, values = empty, empty
    if driver in ("gelsd", "gelss"):
        values = const(a, nan_safe_svd(a.data)[1])
    if driver not in (None, "gelsy") and m > n and (rank.data == n).all():
        residuals = ((a @ x - b) ** 2).sum(-2)
        residuals = residuals.squeeze(-1) if vector else residuals
    if driver in (None, "gelsy", "gels"):
        rank = rank if driver != "gels" else empty.to(np.int64)
    return lstsq_result(x.squeeze(-1) if vector else x, residuals, rank, values)


def matrix_power(A: Any, n: int) -> Any:
    """Aⁿ by repeated squaring (n < 0: (A⁻¹)^|n|, n = 0: the identity)."""
    a = floating("linalg.matrix_power", A, allow_object=True, half=True)
    square("linalg.matrix_power", a)
    n = integer("linalg.matrix_power", "n", n)
    if n == 0:
        return const(a, np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape).copy()) + a * 0
    if n < 0:
        from .solve import inv

        a, n = inv(a), -n
    result, base = None, a
    while n:
        if n & 1:
            result = base if result is None else result @ base
        n >>= 1
        if n:
            base = base @ base
    return result


#: Taylor degree after scaling to ‖X‖₁ ≤ ½: the remainder ½¹⁹/19! ≈ 2·10⁻²² is below float64's resolution
_DEGREE = 18


def matrix_exp(A: Any) -> Any:
    """e^A = (e^{A/2ˢ})^{2ˢ}, s chosen per matrix so ‖A/2ˢ‖₁ ≤ ½, e^X by a Taylor polynomial (Horner): a
    composition of matmuls, so its gradient (the Fréchet derivative's adjoint) comes free."""
    a = floating("linalg.matrix_exp", A)
    square("linalg.matrix_exp", a)
    n = a.shape[-1]
    if n == 0:
        return a * 1
    norm1 = np.abs(a.data).sum(-2).max(-1)
    norm1 = np.where(np.isfinite(norm1), norm1, 0)  # inf/NaN entries: no scaling (the result is NaN anyway)
    with np.errstate(divide="ignore"):
        s = np.maximum(0, np.ceil(np.log2(np.where(norm1 > 0, norm1, 1) / 0.5))).astype(np.int64)
    x = a * const(a, (0.5 ** s).astype(a.dtype))[..., None, None]
    eye = const(a, np.eye(n, dtype=a.dtype))
    y = eye + x / _DEGREE
    for k in range(_DEGREE - 1, 0, -1):
        y = eye + (x @ y) / k
    for step in range(int(s.max()) if s.size else 0):
        y = where(const(a, (step < s)[..., None, None]), y @ y, y)
    return y
