"""LU factorization with partial pivoting, A = P·L·U (square matrices, batched): lu_factor, lu, lu_unpack and
lu_solve under torch.linalg's names (and torch.lu / torch.lu_solve's old argument orders). The factorization is
one Function (its output packs the compact LU over a row of pivots); lu_solve is two triangular solves, so its
gradient comes free."""
from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from ..autograd import Function
from ..errors import ShapeError
from ..ops.args import flag, same_dtype
from .checks import (LinAlgError, batch_prefix, const, first_failure, floating, lu_pivots, matrices, permutation,
                     square)
from .solve import solve_triangular

lu_factor_result = namedtuple("linalg_lu_factor", ["LU", "pivots"])
lu_factor_ex_result = namedtuple("linalg_lu_factor_ex", ["LU", "pivots", "info"])
lu_result = namedtuple("linalg_lu", ["P", "L", "U"])
lu_unpack_result = namedtuple("lu_unpack", ["P", "L", "U"])


class LU(Function):
    rule_unicode = "A = PLU: δ_A = P·L⁻ᵀ·(tril₋₁(Lᵀδ_L) + triu(δ_U·Uᵀ))·U⁻ᵀ"
    rule_latex = (r"\delta_A = P L^{-\top}\big(\operatorname{tril}_{-1}(L^\top\delta_L) + "
                  r"\operatorname{triu}(\delta_U U^\top)\big)U^{-\top}")

    def forward(ctx, a):
        lu, piv, _ = lu_pivots(a)
        return np.concatenate([lu, piv[..., None, :].astype(lu.dtype)], axis=-2)

    def backward(ctx, g):
        out = ctx.output
        n = out.shape[-1]
        packed = out[..., :n, :]
        gLU = g[..., :n, :]
        lower = packed.tril(-1) + const(out, np.eye(n, dtype=out.dtype))
        upper = packed.triu()
        perm = const(out, permutation(out.data[..., n, :].astype(np.int64), n, out.dtype))
        inner = (lower.mT @ gLU.tril(-1)).tril(-1) + (gLU.triu() @ upper.mT).triu()
        x = solve_triangular(lower.mT, inner, upper=True, unitriangular=True)
        return perm @ solve_triangular(upper.mT, x, upper=False, left=False)


def _factor(op: str, A: Any) -> tuple[Any, Any, np.ndarray]:
    a = floating(op, A)
    square(op, a)  # PyTorch also factors rectangular matrices; here only square ones
    n = a.shape[-1]
    out = LU.apply(a)
    piv = out.data[..., n, :].astype(np.int32)
    return out[..., :n, :], const(a, piv), _info(out.data[..., :n, :])


def _info(lu: np.ndarray) -> np.ndarray:
    """getrf's info: the 1-based index of the first zero on U's diagonal, 0 if none."""
    zero = np.diagonal(lu, 0, -2, -1) == 0
    if not zero.shape[-1]:
        return np.zeros(zero.shape[:-1], np.int32)
    return np.where(zero.any(-1), zero.argmax(-1) + 1, 0).astype(np.int32)


def lu_factor(A: Any, *, pivot: bool = True) -> Any:
    """(LU, pivots): L (unit diagonal, below) and U (on and above) in one matrix, LAPACK's 1-based int32
    pivots; a zero on U's diagonal is an error, as torch.linalg.lu_factor."""
    op = "torch.linalg.lu_factor"
    _pivoting(op, pivot)
    LU_, piv, info = _factor(op, A)
    if info.any():
        k, code = first_failure(info)
        raise LinAlgError(f"{op}: {batch_prefix(info.shape, k)}U[{code},{code}] is zero and using it on lu_solve "
                          "would result in a division by zero. If you still want to perform the factorization, "
                          "consider calling linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")
    return lu_factor_result(LU_, piv)


def lu_factor_ex(A: Any, *, pivot: bool = True, check_errors: bool = False) -> Any:
    """(LU, pivots, info) with no error unless check_errors."""
    _pivoting("linalg.lu_factor_ex", pivot)
    LU_, piv, info = _factor("linalg.lu_factor_ex", A)
    if flag("linalg.lu_factor_ex", "check_errors", check_errors) and info.any():
        k, code = first_failure(info)
        raise LinAlgError(f"linalg.lu_factor_ex: {batch_prefix(info.shape, k)}U[{code},{code}] is zero")
    return lu_factor_ex_result(LU_, piv, const(LU_, info))


def _pivoting(op: str, pivot: Any) -> None:
    if not flag(op, "pivot", pivot):
        raise ShapeError(f"{op}: LU without pivoting is not implemented (PyTorch has it on CUDA only)")


def lu_unpack(LU_data: Any, LU_pivots: Any, unpack_data: bool = True, unpack_pivots: bool = True) -> Any:
    """(P, L, U) from lu_factor's compact form (L unit lower, U upper: slices, so gradients flow)."""
    packed = floating("lu_unpack", LU_data)
    square("lu_unpack", packed, "LU_data")
    n = packed.shape[-1]
    piv = np.asarray(getattr(LU_pivots, "data", LU_pivots))
    empty = const(packed, np.zeros((0,), packed.dtype))
    P = const(packed, permutation(piv, n, packed.dtype)) if unpack_pivots else empty
    if not unpack_data:
        return lu_unpack_result(P, empty, empty)
    lower = packed.tril(-1) + const(packed, np.eye(n, dtype=packed.dtype))
    return lu_unpack_result(P, lower, packed.triu())


def lu(A: Any, *, pivot: bool = True) -> Any:
    """(P, L, U) with A = P·L·U (singular matrices too: U then has a zero on its diagonal)."""
    _pivoting("linalg.lu", pivot)
    LU_, piv, _ = _factor("linalg.lu", A)
    return lu_result(*lu_unpack(LU_, piv))


def lu_solve(LU: Any, pivots: Any, B: Any, *, left: bool = True, adjoint: bool = False) -> Any:
    """X with AX = B (or XA = B; Aᵀ for adjoint) from A's lu_factor: a permutation and two triangular solves."""
    op = "linalg.lu_solve"
    packed, b = floating(op, LU), floating(op, B)
    square(op, packed, "LU")
    matrices(op, b, "B")
    same_dtype(op, LU=packed.data, B=b.data)
    n = packed.shape[-1]
    P = const(packed, permutation(np.asarray(getattr(pivots, "data", pivots)), n, packed.dtype))
    left, adjoint = flag(op, "left", left), flag(op, "adjoint", adjoint)
    if not left:  # XA = B ⇔ AᵀXᵀ = Bᵀ (and XAᵀ = B ⇔ AXᵀ = Bᵀ)
        return lu_solve(packed, pivots, b.mT, left=True, adjoint=not adjoint).mT
    if b.shape[-2] != n:
        raise ShapeError(f"{op}: Incompatible shapes of A and B for the equation AX = B ({n}x{n} and "
                         f"{b.shape[-2]}x{b.shape[-1]})")
    if adjoint:  # Aᵀ = UᵀLᵀPᵀ: X = P·L⁻ᵀ·U⁻ᵀ·B
        y = solve_triangular(packed.mT, b, upper=False)
        return P @ solve_triangular(packed.mT, y, upper=True, unitriangular=True)
    y = solve_triangular(packed, P.mT @ b, upper=False, unitriangular=True)
    return solve_triangular(packed, y, upper=True)


def torch_lu(A: Any, pivot: bool = True, get_infos: bool = False) -> Any:
    """torch.lu (deprecated in PyTorch): (A_LU, pivots) or (A_LU, pivots, infos)."""
    out = lu_factor_ex(A, pivot=pivot)
    return (out.LU, out.pivots, out.info) if flag("lu", "get_infos", get_infos) else (out.LU, out.pivots)


def torch_lu_solve(input: Any, LU_data: Any, LU_pivots: Any) -> Any:
    """torch.lu_solve(b, LU_data, LU_pivots): the old argument order of linalg.lu_solve."""
    return lu_solve(LU_data, LU_pivots, input)
