"""The torch.* and Tensor-method forms of linear algebra (torch.det, inverse, pinverse, cholesky_solve, the old
torch.svd returning V, torch.qr(some=True), ...), each a thin call into tg.linalg with the old names and
conventions (argument names as PyTorch's parser takes them: input, input2, ...); cholesky_solve and
cholesky_inverse are compositions (one solve with LLᵀ), so their gradients come free."""
from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from ..ops.args import flag, same_dtype
from . import decompositions, determinant, matrix_functions
from .lu import lu_unpack, torch_lu as lu, torch_lu_solve as lu_solve  # noqa: F401 (torch.lu, ...)
from .checks import const, floating, matrices, square
from .solve import inv, solve

slogdet_result = namedtuple("slogdet", ["sign", "logabsdet"])
qr_result = namedtuple("qr", ["Q", "R"])
svd_result = namedtuple("svd", ["U", "S", "V"])


def det(input: Any) -> Any:
    """torch.det: linalg.det."""
    return determinant.det(input)


def logdet(input: Any) -> Any:
    """log det A: NaN where det A < 0, −∞ where it is 0."""
    return determinant.logdet(input)


def matrix_power(input: Any, n: int) -> Any:
    """torch.matrix_power: linalg.matrix_power."""
    return matrix_functions.matrix_power(input, n)


def matrix_exp(input: Any) -> Any:
    """torch.matrix_exp: linalg.matrix_exp."""
    return matrix_functions.matrix_exp(input)


def slogdet(input: Any) -> Any:
    """(sign, logabsdet) as torch.slogdet."""
    return slogdet_result(*determinant.slogdet(input))


def inverse(input: Any) -> Any:
    """torch.inverse: linalg.inv."""
    return inv(input)


def pinverse(input: Any, rcond: float = 1e-15) -> Any:
    """torch.pinverse: singular values below rcond·σ_max dropped."""
    return matrix_functions.pinv(input, rtol=rcond)


def cholesky(input: Any, upper: bool = False) -> Any:
    """torch.cholesky (deprecated in PyTorch in favour of linalg.cholesky)."""
    return decompositions.cholesky(input, upper=upper)


def cholesky_solve(input: Any, input2: Any, upper: bool = False) -> Any:
    """X with (LLᵀ)X = B for B = input and the Cholesky factor L = input2 (UᵀU if upper). Only L's triangle is
    read, but the gradient reaches every entry of input2, as PyTorch's (it differentiates LLᵀ as a product of
    full matrices): the triangle's value, the full matrix's derivative."""
    op = "cholesky_solve"
    b, L = floating(op, input), floating(op, input2)
    matrices(op, b, "input")
    square(op, L, "input2")
    same_dtype(op, input=b.data, input2=L.data)
    if flag(op, "upper", upper):
        L = L.mT
    outside = L.triu(1)  # zero in value, the identity in the gradient (where finite: ∞ − ∞ would be NaN)
    outside = outside.where(const(L, np.isfinite(outside.data)), const(L, np.zeros((), L.dtype)))
    L = L.tril() + (outside - outside.detach())
    return solve(L @ L.mT, b)


def cholesky_inverse(input: Any, upper: bool = False) -> Any:
    """(LLᵀ)⁻¹ from the Cholesky factor L (or (UᵀU)⁻¹ if upper)."""
    L = floating("cholesky_inverse", input)
    square("cholesky_inverse", L)
    eye = const(L, np.broadcast_to(np.eye(L.shape[-1], dtype=L.dtype), L.shape).copy())
    return cholesky_solve(eye, L, upper)


def qr(input: Any, some: bool = True) -> Any:
    """torch.qr: the reduced QR (some=True) or the complete one."""
    return qr_result(*decompositions.qr(input, "reduced" if flag("qr", "some", some) else "complete"))


def svd(input: Any, some: bool = True, compute_uv: bool = True) -> Any:
    """torch.svd's old convention: (U, S, V) with A = U·diag(S)·Vᵀ (V, not Vh); some=True is the reduced SVD;
    compute_uv=False gives zero U and V, as PyTorch."""
    if not flag("svd", "compute_uv", compute_uv):  # U (m×m) and V (n×n) zero-filled; some has no effect
        S = decompositions.svdvals(input)
        a = floating("svd", input)
        m, n = a.shape[-2:]
        zeros = lambda k: const(a, np.zeros(a.shape[:-2] + (k, k), a.dtype))  # noqa: E731
        return svd_result(zeros(m), S, zeros(n))
    U, S, Vh = decompositions.svd(input, full_matrices=not flag("svd", "some", some))
    return svd_result(U, S, Vh.mT)



__all__ = ["det", "logdet", "slogdet", "inverse", "pinverse", "matrix_power", "matrix_exp", "cholesky",
           "cholesky_solve", "cholesky_inverse", "qr", "svd", "lu", "lu_solve", "lu_unpack"]
