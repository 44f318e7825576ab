"""Inverse and linear solves, batched over leading dimensions: inv, solve, solve_triangular (and their *_ex
forms with LAPACK's info codes), tensorinv and tensorsolve. Each backward is one more solve with the transposed
matrix, written with these same differentiable ops, so second derivatives come free: X = A⁻¹B gives
δ_B = A⁻ᵀ δ and δ_A = −δ_B Xᵀ."""
from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from ..autograd import Function
from ..errors import ShapeError
from ..ops.args import flag, integer, same_dtype
from . import symbolic
from .checks import LinAlgError, const, floating, lu_pivots, matrices, permutation, singular_error, square

inv_ex_result = namedtuple("linalg_inv_ex", ["inverse", "info"])
solve_ex_result = namedtuple("linalg_solve_ex", ["result", "info"])


class Inv(Function):
    rule_unicode = "Y = A⁻¹: δ_A = −Yᵀ·δ·Yᵀ"
    rule_latex = r"\delta_A = -A^{-\top}\,\delta\,A^{-\top}"

    def forward(ctx, a, op="linalg.inv"):
        if a.dtype == object:
            return symbolic.inv(op, a)
        try:
            return np.linalg.inv(a)
        except np.linalg.LinAlgError:
            raise singular_error(op, a) from None

    def backward(ctx, g):
        y = ctx.output.mT
        return -(y @ g @ y)


class Solve(Function):
    rule_unicode = "X = A⁻¹B: δ_B = A⁻ᵀ·δ, δ_A = −δ_B·Xᵀ"
    rule_latex = r"\delta_B = A^{-\top}\delta,\quad \delta_A = -\delta_B X^\top"

    def forward(ctx, a, b, op="linalg.solve"):
        if a.dtype == object or b.dtype == object:
            return symbolic.solve(op, a, b)
        try:
            return np.linalg.solve(a, b)
        except np.linalg.LinAlgError:
            raise LinAlgError(f"{op}: The solver failed because the input matrix is singular.") from None

    def backward(ctx, g):
        a = ctx.inputs[0]
        gb = Solve.apply(a.mT, g, op=ctx.attrs.get("op", "linalg.solve"))
        return (-(gb @ ctx.output.mT) if ctx.needs_input_grad[0] else None), gb


def _check_batches(op: str, a: Any, b: Any) -> None:
    """A's and B's batch dimensions (all but the last two) must broadcast."""
    try:
        np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError:
        raise ShapeError(f"{op}: the batch dimensions of A {tuple(a.shape)} and B {tuple(b.shape)} do not "
                         "broadcast") from None


def _triangular_solve(a: np.ndarray, b: np.ndarray, upper: bool, unit: bool) -> np.ndarray:
    """Forward or back substitution, the loop over rows, vectorised over batches and right-hand sides; a zero
    on the diagonal gives inf/NaN as LAPACK's trtrs (no error, as PyTorch)."""
    n = a.shape[-1]
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = np.broadcast_to(a, batch + a.shape[-2:])
    x = np.array(np.broadcast_to(b, batch + b.shape[-2:]), dtype=np.result_type(a, b), copy=True)
    order = range(n - 1, -1, -1) if upper else range(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        for i in order:
            done = slice(i + 1, n) if upper else slice(0, i)
            x[..., i, :] -= np.einsum("...j,...jk->...k", a[..., i, done], x[..., done, :])
            if not unit:
                x[..., i, :] /= a[..., i, i:i + 1]
    return x


class SolveTriangular(Function):
    rule_unicode = "X = A⁻¹B, A triangular: δ_B = A⁻ᵀ·δ, δ_A = triangle(−δ_B·Xᵀ)"
    rule_latex = r"\delta_B = A^{-\top}\delta,\quad \delta_A = \operatorname{tri}(-\delta_B X^\top)"

    def forward(ctx, a, b, upper, unitriangular):
        return _triangular_solve(a, b, upper, unitriangular)

    def backward(ctx, g):
        a = ctx.inputs[0]
        upper, unit = ctx.attrs["upper"], ctx.attrs["unitriangular"]
        gb = SolveTriangular.apply(a.mT, g, upper=not upper, unitriangular=unit)
        ga = None
        if ctx.needs_input_grad[0]:
            full = -(gb @ ctx.output.mT)
            shift = int(unit)
            ga = full.triu(shift) if upper else full.tril(-shift)
        return ga, gb


def inv(A: Any) -> Any:
    """A⁻¹ of each square matrix (LinAlgError naming the batch element and the zero pivot when singular)."""
    a = floating("linalg.inv", A, allow_object=True)
    square("linalg.inv", a)
    return Inv.apply(a)


def inv_ex(A: Any, *, check_errors: bool = False) -> Any:
    """(inverse, info): info is 0, or the 1-based zero pivot of the LU where the matrix is singular (no error
    unless check_errors); singular matrices' inverses are inf/NaN, as PyTorch's."""
    a = floating("linalg.inv_ex", A)
    square("linalg.inv_ex", a)
    _, _, info = lu_pivots(a.data)
    if not info.any():
        return inv_ex_result(Inv.apply(a, op="linalg.inv_ex"), const(a, info))
    if flag("linalg.inv_ex", "check_errors", check_errors):
        raise singular_error("linalg.inv_ex", a.data)
    with np.errstate(divide="ignore", invalid="ignore"):
        eye = np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape)
        return inv_ex_result(const(a, _lu_solve_any(a.data, eye)), const(a, info))


def _lu_solve_any(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Solve through the LU even where it has a zero pivot (inf/NaN there, as LAPACK's getrs)."""
    lu, piv, _ = lu_pivots(a)
    x = np.swapaxes(permutation(piv, a.shape[-1], lu.dtype), -1, -2) @ b  # PᵀB, as A = PLU
    y = _triangular_solve(lu, x, upper=False, unit=True)
    return _triangular_solve(lu, y, upper=True, unit=False)


def _rhs(op: str, a: Any, b: Any, left: bool = True) -> tuple[Any, bool]:
    """B as a batch of matrices, and whether it was a (batch of) vector(s): torch.linalg.solve's rule (a vector
    is a column, also for XA = B)."""
    vector = b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1])
    if vector:
        b = b.unsqueeze(-1)
    if b.ndim < 2 or (b.shape[-2] if left else b.shape[-1]) != a.shape[-1]:
        shown = b.shape[-2:] if b.ndim >= 2 else b.shape
        raise ShapeError(f"{op}: Incompatible shapes of A and B for the equation {'AX' if left else 'XA'} = B "
                         f"({a.shape[-2]}x{a.shape[-1]} and {'x'.join(map(str, shown))})")
    _check_batches(op, a, b)
    return b, vector


def solve(A: Any, B: Any, *, left: bool = True) -> Any:
    """X with AX = B (left) or XA = B (left=False, solved as AᵀXᵀ = Bᵀ), batched and broadcast; B may be a
    vector (a column)."""
    op = "linalg.solve"
    a = floating(op, A, allow_object=True)
    b = floating(op, B, allow_object=True)
    square(op, a)
    same_dtype(op, A=a.data, B=b.data)  # PyTorch refuses mixed dtypes here
    left = flag(op, "left", left)
    b, vector = _rhs(op, a, b, left)
    x = Solve.apply(a, b) if left else Solve.apply(a.mT, b.mT).mT
    return x.squeeze(-1) if vector else x


def solve_ex(A: Any, B: Any, *, left: bool = True, check_errors: bool = False) -> Any:
    """(result, info) as torch.linalg.solve_ex: info the 1-based zero pivot where A is singular."""
    a = floating("linalg.solve_ex", A)
    square("linalg.solve_ex", a)
    _, _, info = lu_pivots(a.data)
    if not info.any():
        return solve_ex_result(solve(A, B, left=left), const(a, info))
    if flag("linalg.solve_ex", "check_errors", check_errors):
        raise singular_error("linalg.solve_ex", a.data, "solve")
    b = floating("linalg.solve_ex", B)
    same_dtype("linalg.solve_ex", A=a.data, B=b.data)
    b, vector = _rhs("linalg.solve_ex", a, b, left)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        x = _lu_solve_any(a.data, b.data) if left else np.swapaxes(
            _lu_solve_any(np.swapaxes(a.data, -1, -2), np.swapaxes(b.data, -1, -2)), -1, -2)
    return solve_ex_result(const(a, x[..., 0] if vector else x), const(a, info))


def solve_triangular(A: Any, B: Any, *, upper: bool, left: bool = True, unitriangular: bool = False) -> Any:
    """X with AX = B (or XA = B) reading only A's upper or lower triangle (and a unit diagonal if asked)."""
    op = "linalg.solve_triangular"
    a, b = floating(op, A), floating(op, B)
    square(op, a)
    matrices(op, b, "B")
    if b.dtype != a.dtype:  # PyTorch computes in A's dtype
        b = b.to(a.dtype)
    upper = flag(op, "upper", upper)
    unitriangular = flag(op, "unitriangular", unitriangular)
    if not flag(op, "left", left):
        return solve_triangular(a.mT, b.mT, upper=not upper, unitriangular=unitriangular).mT
    if b.shape[-2] != a.shape[-1]:
        raise ShapeError(f"{op}: Incompatible shapes of A and B for the equation AX = B "
                         f"({a.shape[-2]}x{a.shape[-1]} and {b.shape[-2]}x{b.shape[-1]})")
    _check_batches(op, a, b)
    return SolveTriangular.apply(a, b, upper=upper, unitriangular=unitriangular)


def tensorinv(A: Any, ind: int = 2) -> Any:
    """The inverse of A read as a matrix (the first ind dims against the rest): shape A.shape[ind:] +
    A.shape[:ind], so tensordot(tensorinv(A), A, ind) is the identity."""
    op = "linalg.tensorinv"
    a = floating(op, A)
    ind = integer(op, "ind", ind)
    if ind <= 0:
        raise ShapeError(f"{op}: Expected a strictly positive integer for 'ind', but got {ind}")
    rows, cols = a.shape[:ind], a.shape[ind:]
    if int(np.prod(rows)) != int(np.prod(cols)):
        raise ShapeError(f"{op}: Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                         f"prod(self.shape[:ind]), but got {int(np.prod(cols))} != {int(np.prod(rows))} "
                         f"(shape {tuple(a.shape)}, ind {ind})")
    n = int(np.prod(rows))
    return inv(a.reshape(n, n)).reshape(*cols, *rows)


def tensorsolve(A: Any, B: Any, dims: Any = None) -> Any:
    """X with tensordot(A, X, X.ndim) = B: A read as a (B.numel() × X.numel()) matrix (dims of A moved to the
    end first), one solve."""
    op = "linalg.tensorsolve"
    a, b = floating(op, A), floating(op, B)
    if dims is not None:
        dims = [d % a.ndim for d in ((dims,) if isinstance(dims, int) else dims)]
        a = a.movedim(tuple(dims), tuple(range(a.ndim - len(dims), a.ndim)))
    if a.shape[:b.ndim] != b.shape:
        raise ShapeError(f"{op}: the leading dimensions of A {tuple(a.shape)} must be B's shape {tuple(b.shape)}")
    x_shape = a.shape[b.ndim:]
    m, n = int(np.prod(b.shape)), int(np.prod(x_shape))
    if m != n:
        raise ShapeError(f"{op}: A {tuple(a.shape)} read as a {m}×{n} matrix is not square")
    return solve(a.reshape(m, n), b.reshape(m)).reshape(*x_shape)
