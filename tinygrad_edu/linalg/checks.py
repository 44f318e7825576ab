"""What every tg.linalg op checks first (a Tensor of real floats, batches of square matrices) and how it fails:
LinAlgError (torch._C._LinAlgError's counterpart) names the op and the batch element, found by the small
vectorised LU below only once NumPy has reported a failure, so the fast path costs one LAPACK call. The same LU
(with LAPACK's pivots and their permutation matrix) serves lu_factor and the *_ex forms."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import DtypeError, ShapeError
from ..ops.args import tensor_arg


class LinAlgError(RuntimeError):
    """A matrix has no inverse / factorization (singular, not positive-definite): torch.linalg.LinAlgError."""


def const(like: Any, array: np.ndarray) -> Any:
    """A Tensor outside the graph (a sign, an identity, a mask) of like's class."""
    return type(like)._make(np.asarray(array), False)


def floating(op: str, x: Any, allow_object: bool = False, half: bool = False) -> Any:
    """x as a Tensor of floats: integers and bools are refused as PyTorch ('Expected a floating point ...'), and
    float16 (LAPACK has no half precision) unless `half` (the ops that are compositions); object (SymPy) arrays only
    where the op has a symbolic path."""
    x = tensor_arg(x, op)
    kind = x.data.dtype.kind
    if kind == "O":
        if allow_object:
            return x
        raise TypeError(f"{op}: symbolic (SymPy object) tensors are not supported here; tg.linalg.det, inv and "
                        "solve take them (exactly, through sympy.Matrix)")
    if kind == "c":
        raise DtypeError(f"{op}: complex tensors are not supported (tg.linalg works on real matrices), got "
                         f"{x.data.dtype}")
    if kind != "f":
        raise DtypeError(f"{op}: Expected a floating point or complex tensor as input. Got {x.data.dtype}")
    if x.data.dtype == np.float16 and not half:
        raise DtypeError(f"{op}: Low precision dtypes not supported. Got Half (float16); convert with .float()")
    return x


def matrices(op: str, x: Any, name: str = "A") -> None:
    if x.ndim < 2:
        raise ShapeError(f"{op}: {name} must have at least 2 dimensions, got shape {tuple(x.shape)}")


def square(op: str, x: Any, name: str = "A") -> None:
    matrices(op, x, name)
    if x.shape[-1] != x.shape[-2]:
        raise ShapeError(f"{op}: {name} must be batches of square matrices, but they are {x.shape[-2]} by "
                         f"{x.shape[-1]} matrices (shape {tuple(x.shape)})")


def batch_prefix(batch_shape: tuple, flat: int) -> str:
    """'(Batch element k): ' as PyTorch writes it for batched inputs, '' for a single matrix."""
    return f"(Batch element {flat}): " if batch_shape else ""


def lu_pivots(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Batched LU with partial pivoting (the loop runs over columns, never over matrices): (LU, pivots 1-based
    as LAPACK's getrf, info: the 1-based index of the first zero diagonal element of U, 0 if none)."""
    lu = np.array(a, dtype=np.result_type(a.dtype, np.float32), copy=True)
    n = lu.shape[-1]
    batch = lu.shape[:-2]
    lu = lu.reshape((int(np.prod(batch)), n, n))
    rows = np.arange(lu.shape[0])
    pivots = np.zeros((lu.shape[0], n), dtype=np.int32)
    info = np.zeros(lu.shape[0], dtype=np.int32)
    for k in range(n):
        p = k + np.argmax(np.abs(lu[:, k:, k]), axis=1)
        pivots[:, k] = p + 1
        top, chosen = lu[rows, k].copy(), lu[rows, p].copy()
        lu[rows, k], lu[rows, p] = chosen, top
        d = lu[:, k, k]
        zero = d == 0
        info[(info == 0) & zero] = k + 1
        safe = np.where(zero, 1, d)
        lu[:, k + 1:, k] = np.where(zero[:, None], 0, lu[:, k + 1:, k] / safe[:, None])
        lu[:, k + 1:, k + 1:] -= lu[:, k + 1:, k:k + 1] * lu[:, k:k + 1, k + 1:]
    return lu.reshape(batch + (n, n)), pivots.reshape(batch + (n,)), info.reshape(batch)


def permutation(pivots: np.ndarray, n: int, dtype: Any) -> np.ndarray:
    """P with A = P·L·U from LAPACK's 1-based row swaps (swap row k with pivots[k] − 1, k = 0, 1, …)."""
    batch = pivots.shape[:-1]
    order = np.broadcast_to(np.arange(n), batch + (n,)).copy()
    for k in range(pivots.shape[-1]):  # the swaps, in order, each on every matrix of the batch at once
        p = (pivots[..., k] - 1).astype(np.int64)[..., None]
        at_k = order[..., k:k + 1].copy()
        order[..., k:k + 1] = np.take_along_axis(order, p, -1)
        np.put_along_axis(order, p, at_k, -1)
    perm = np.zeros(batch + (n, n), dtype=dtype)  # row i of P·L·U is row order[i] of A: P[order[i], i] = 1
    np.put_along_axis(perm, order[..., None, :], 1, -2)
    return perm


def no_nan(op: str, a: np.ndarray, why: str, test: Any = np.isnan) -> None:
    """LAPACK's iterative algorithms (SVD, symmetric eigen) do not converge on NaN: PyTorch's error, naming the
    batch element, instead of NumPy's 'SVD did not converge'."""
    bad = test(a).any(axis=(-2, -1))
    if bad.any():
        k = int(np.flatnonzero(bad.reshape(-1))[0])
        raise LinAlgError(f"{op}: {batch_prefix(a.shape[:-2], k)}The algorithm failed to converge because {why}.")


def first_failure(info: np.ndarray) -> tuple[int, int]:
    """(flat batch index, info code) of the first failing matrix."""
    flat = info.reshape(-1)
    k = int(np.flatnonzero(flat)[0])
    return k, int(flat[k])


def singular_error(op: str, a: np.ndarray, what: str = "inversion") -> LinAlgError:
    """torch's message for a singular matrix, naming the first zero diagonal element of U."""
    _, _, info = lu_pivots(a)
    if not info.any():  # NumPy found it singular in a way the LU here did not (rounding): name the op at least
        return LinAlgError(f"{op}: the {what} could not be completed because the input matrix is singular")
    k, code = first_failure(info)
    return LinAlgError(f"{op}: {batch_prefix(a.shape[:-2], k)}The diagonal element {code} is zero, the {what} "
                       "could not be completed because the input matrix is singular.")


def cholesky_info(a: np.ndarray) -> np.ndarray:
    """LAPACK potrf's info per matrix: the order of the first leading minor that is not positive-definite."""
    n = a.shape[-1]
    flat = a.reshape((int(np.prod(a.shape[:-2])), n, n))
    info = np.zeros(flat.shape[0], dtype=np.int32)
    for k in range(1, n + 1):  # leading minors, each batched
        todo = info == 0
        if not todo.any():
            break
        try:
            np.linalg.cholesky(flat[todo][:, :k, :k])
            continue
        except np.linalg.LinAlgError:
            pass
        for j in np.flatnonzero(todo):  # only in the error path: which of the still-unknown ones fails at k
            try:
                np.linalg.cholesky(flat[j, :k, :k])
            except np.linalg.LinAlgError:
                info[j] = k
    return info.reshape(a.shape[:-2])


def cholesky_error(op: str, a: np.ndarray, info: np.ndarray) -> LinAlgError:
    k, code = first_failure(info)
    return LinAlgError(f"{op}: {batch_prefix(a.shape[:-2], k)}The factorization could not be completed because the "
                       f"input is not positive-definite (the leading minor of order {code} is not positive-definite).")
