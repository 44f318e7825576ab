"""torch.*'s small linear-algebra and scan/statistics ops (dot, outer, addmm, diagonal, trace, kron, cross, cummax,
median, nansum, diff, dist, ...), each a composition of differentiable ops (products, indexing, sorting, where), so
their gradients and SymPy values come from those ops' rules."""
from __future__ import annotations

from collections import namedtuple
from typing import Any, Optional

import numpy as np

from ..errors import DtypeError, ShapeError
from .args import check_size, flag, integer, number, same_dtype, tensor_arg
from .einsum import bmm, mm
from .linalg import matmul, operands
from .reduce import _dim

#: the named tuples PyTorch returns (torch.return_types.*)
cummax_result = namedtuple("cummax", ["values", "indices"])
cummin_result = namedtuple("cummin", ["values", "indices"])
median_result = namedtuple("median", ["values", "indices"])
nanmedian_result = namedtuple("nanmedian", ["values", "indices"])
aminmax_result = namedtuple("aminmax", ["min", "max"])


def _rank(op: str, name: str, x, ranks: tuple) -> None:
    if x.ndim not in ranks:
        want = " or ".join(f"{r}-D" for r in ranks)
        raise ShapeError(f"{op}: {name} must be {want}, got shape {x.shape}")


def _ordered(op: str, x) -> None:
    """Refuse bool tensors where PyTorch has no kernel for them."""
    if x.dtype == bool:
        raise DtypeError(f"{op}: not implemented for dtype bool (shape {x.shape}), as in PyTorch")


#: the default of median's dim: all entries (an explicit None is refused, as PyTorch's overloads refuse it)
_ALL: Any = type("AllEntries", (), {"__repr__": lambda self: "<all entries>"})()


def _const(like, array: np.ndarray):
    return type(like)._make(array, False)


# ---- products ------------------------------------------------------------------------------------------------------

def dot(input: Any, tensor: Any):
    """Σᵢ aᵢbᵢ of two 1-D tensors of one size and dtype (a 0-d tensor)."""
    a, b = operands("dot", input, tensor, ("input", "tensor"))
    _rank("dot", "input", a, (1,))
    _rank("dot", "tensor", b, (1,))
    if a.shape != b.shape:
        raise ShapeError(f"dot: inconsistent tensor size, expected input {a.shape} and tensor {b.shape} to have the "
                         "same number of elements")
    return (a * b).sum()


def vdot(input: Any, other: Any):
    """dot with the first operand conjugated: dot itself for real tensors."""
    a, b = operands("vdot", input, other)
    _rank("vdot", "input", a, (1,))
    _rank("vdot", "other", b, (1,))
    if a.shape != b.shape:
        raise ShapeError(f"vdot: inconsistent tensor size, input {a.shape} and other {b.shape}")
    return (a * b).sum()


def inner(input: Any, other: Any):
    """Σ over the last dimension of both: shape input.shape[:-1] + other.shape[:-1] (a product for 0-d)."""
    a, b = operands("inner", input, other)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if a.shape[-1] != b.shape[-1]:
        raise ShapeError(f"inner: the last dimensions must match, got input {a.shape} and other {b.shape}")
    out = a.reshape(-1, a.shape[-1]) @ b.reshape(-1, b.shape[-1]).T
    return out.reshape(*a.shape[:-1], *b.shape[:-1])


def outer(input: Any, vec2: Any):
    """aᵢ·bⱼ of two 1-D tensors (an (n, m) matrix)."""
    a, b = operands("outer", input, vec2, ("input", "vec2"))
    _rank("outer", "input", a, (1,))
    _rank("outer", "vec2", b, (1,))
    return a.reshape(-1, 1) * b.reshape(1, -1)


ger = outer


def mv(input: Any, vec: Any):
    """Matrix (n, m) times vector (m,)."""
    a, v = operands("mv", input, vec, ("input", "vec"))
    _rank("mv", "input", a, (2,))
    _rank("mv", "vec", v, (1,))
    if a.shape[1] != v.shape[0]:
        raise ShapeError(f"mv: input {a.shape} and vec {v.shape} cannot be multiplied ({a.shape[1]} ≠ {v.shape[0]})")
    return matmul(a, v)


def _affine(op: str, input, product, beta: Any, alpha: Any):
    """β·input + α·product; with β = 0 the input is not read (NaN in it does not propagate), as PyTorch."""
    x = tensor_arg(input, op)
    number(op, "beta", beta)
    number(op, "alpha", alpha)
    same_dtype(op, input=x.data, product=product.data)
    try:
        np.broadcast_shapes(x.shape, product.shape)
    except ValueError:
        raise ShapeError(f"{op}: input of shape {x.shape} does not broadcast to the product's shape "
                         f"{product.shape}") from None
    if x.ndim > product.ndim or np.broadcast_shapes(x.shape, product.shape) != product.shape:
        raise ShapeError(f"{op}: input of shape {x.shape} must broadcast to the product's shape {product.shape}")
    scaled = product if alpha == 1 else product * alpha
    if beta == 0:
        return scaled
    return (x if beta == 1 else x * beta) + scaled


def addmm(input: Any, mat1: Any, mat2: Any, *, beta: Any = 1, alpha: Any = 1):
    """β·input + α·(mat1 @ mat2)."""
    return _affine("addmm", input, mm(mat1, mat2), beta, alpha)


def addmv(input: Any, mat: Any, vec: Any, *, beta: Any = 1, alpha: Any = 1):
    """β·input + α·(mat @ vec)."""
    return _affine("addmv", input, mv(mat, vec), beta, alpha)


def addbmm(input: Any, batch1: Any, batch2: Any, *, beta: Any = 1, alpha: Any = 1):
    """β·input + α·Σ_b batch1[b] @ batch2[b]."""
    return _affine("addbmm", input, bmm(batch1, batch2).sum(0), beta, alpha)


def baddbmm(input: Any, batch1: Any, batch2: Any, *, beta: Any = 1, alpha: Any = 1):
    """β·input + α·(batch1 @ batch2), batch by batch."""
    return _affine("baddbmm", input, bmm(batch1, batch2), beta, alpha)


def kron(input: Any, other: Any):
    """The Kronecker product: block (i, j) of the result is aᵢⱼ·B (any ranks, the smaller padded with 1s)."""
    a, b = operands("kron", input, other)
    n = max(a.ndim, b.ndim)
    a = a.reshape(*(1,) * (n - a.ndim), *a.shape)
    b = b.reshape(*(1,) * (n - b.ndim), *b.shape)
    interleaved_a = a.reshape(*[s for d in a.shape for s in (d, 1)])
    interleaved_b = b.reshape(*[s for d in b.shape for s in (1, d)])
    return (interleaved_a * interleaved_b).reshape(*[p * q for p, q in zip(a.shape, b.shape)])


def cross(input: Any, other: Any, dim: Optional[int] = None):
    """The 3-vector cross product along dim (default: the first dimension of size 3, as torch.cross)."""
    a, b = operands("cross", input, other)
    if a.ndim != b.ndim:
        raise ShapeError(f"cross: input {a.shape} and other {b.shape} must have the same number of dimensions")
    shape = np.broadcast_shapes(a.shape, b.shape) if _broadcasts(a, b) else None
    if shape is None:
        raise ShapeError(f"cross: shapes {a.shape} and {b.shape} do not broadcast")
    if dim is None:
        threes = [d for d, s in enumerate(shape) if s == 3]
        if not threes:
            raise ShapeError(f"cross: no dimension of size 3 in input {a.shape}")
        axis = threes[0]
    else:
        axis = _dim(dim, a.ndim, "cross")
    if a.shape[axis] != 3 or b.shape[axis] != 3:
        raise ShapeError(f"cross: dimension {axis} must have size 3, got input {a.shape} and other {b.shape}")
    a1, a2 = a.roll(-1, axis), a.roll(-2, axis)
    b1, b2 = b.roll(-1, axis), b.roll(-2, axis)
    return a1 * b2 - a2 * b1


def _broadcasts(a, b) -> bool:
    try:
        np.broadcast_shapes(a.shape, b.shape)
        return True
    except ValueError:
        return False


# ---- diagonals -----------------------------------------------------------------------------------------------------

def _diagonal_positions(rows: int, cols: int, offset: int) -> tuple[np.ndarray, np.ndarray]:
    n = max(0, min(rows, cols - offset) if offset >= 0 else min(rows + offset, cols))
    i = np.arange(n) + max(0, -offset)
    return i, i + offset


def diagonal(input: Any, offset: int = 0, dim1: int = 0, dim2: int = 1):
    """The entries (i, i + offset) of the planes (dim1, dim2), as a last dimension (a view in PyTorch)."""
    x = tensor_arg(input, "diagonal")
    offset = integer("diagonal", "offset", offset)
    d1, d2 = _dim(dim1, x.ndim, "diagonal"), _dim(dim2, x.ndim, "diagonal")  # a 1-D input: IndexError, as PyTorch
    if d1 == d2:
        raise ShapeError(f"diagonal: dim1 and dim2 cannot be the same dimension ({dim1}, {dim2})")
    moved = x.movedim((d1, d2), (-2, -1))
    out = _diagonal_entries(moved, offset)
    # a view of x's memory, as PyTorch's: x.diagonal().zero_() changes x (in place on a view of a graph tensor
    # re-records it: tensor_inplace.py); the gathered copy stays the graph's node, its values the same
    if out.dtype != object and out.size and -moved.shape[-2] < offset < moved.shape[-1]:
        view = np.diagonal(moved.data, offset, -2, -1)
        view.flags.writeable = moved.data.flags.writeable
        out.data = view
    return out


def _diagonal_entries(moved: Any, offset: int) -> Any:
    """The entries (…, i, i + offset) of the last two axes, gathered (a copy)."""
    i, j = _diagonal_positions(moved.shape[-2], moved.shape[-1], offset)
    return moved[(Ellipsis, i, j)]


def diag(input: Any, diagonal: int = 0):
    """1-D → the square matrix with input on diagonal `diagonal`; 2-D → that diagonal as a 1-D tensor."""
    x = tensor_arg(input, "diag")
    k = integer("diag", "diagonal", diagonal)
    _rank("diag", "input", x, (1, 2))
    if x.ndim == 2:
        return _diagonal_entries(x, k)  # a copy, as torch.diag (unlike diagonal, a view)
    return diag_embed(x, k)


def diag_embed(input: Any, offset: int = 0, dim1: int = -2, dim2: int = -1):
    """Each vector of the last dimension placed on diagonal `offset` of a new (n + |offset|)² plane at (dim1, dim2)."""
    from .shape import index_put

    x = tensor_arg(input, "diag_embed")
    offset = integer("diag_embed", "offset", offset)
    ndim = x.ndim + 1
    d1, d2 = _dim(dim1, ndim, "diag_embed"), _dim(dim2, ndim, "diag_embed")
    if d1 == d2:
        raise ShapeError(f"diag_embed: dim1 and dim2 cannot be the same dimension ({dim1}, {dim2})")
    n = (x.shape[-1] if x.ndim else 1) + abs(offset)
    check_size("diag_embed", (n, n) + x.shape[:-1], x.dtype)
    i, j = _diagonal_positions(n, n, offset)
    values = x.reshape(1) if x.ndim == 0 else x
    plane = _const(values, np.zeros((n, n) + values.shape[:-1], dtype=values.dtype))
    out = index_put(plane, (_const(values, i), _const(values, j)), values.movedim(-1, 0))
    return out.movedim((0, 1), (d1, d2)) if (d1, d2) != (0, 1) else out


def trace(input: Any):
    """Σᵢ aᵢᵢ of a matrix (integers sum to int64, as PyTorch)."""
    x = tensor_arg(input, "trace")
    _rank("trace", "input", x, (2,))
    _ordered("trace", x)
    return diagonal(x).sum()


# ---- scans ---------------------------------------------------------------------------------------------------------

def _scan_axis(op: str, x, dim: Any) -> int:
    return _dim(integer(op, "dim", dim), x.ndim, op)


def _cumulative_extreme(op: str, input: Any, dim: int, largest: bool, result: type):
    from .shape import gather

    x = tensor_arg(input, op)
    axis = _scan_axis(op, x, dim)
    if x.ndim == 0:
        return result(x.clone(), _const(x, np.zeros((), np.int64)))
    data = x.data
    if data.dtype == object:
        raise TypeError(f"{op}: symbolic entries have no order to scan; use exact numbers")
    order = data if largest else -data.astype(np.float64) if data.dtype.kind in "biu" else -data
    nan = np.isnan(order) if order.dtype.kind == "f" else np.zeros(order.shape, bool)
    ranked = np.where(nan, np.inf, order)  # a NaN wins from where it first appears on, as PyTorch
    running = np.maximum.accumulate(ranked, axis=axis)
    positions = np.arange(data.shape[axis]).reshape([-1 if d == axis else 1 for d in range(data.ndim)])
    record = (ranked >= running) & ~(np.maximum.accumulate(nan, axis=axis) & ~nan)
    indices = np.maximum.accumulate(np.where(record, positions, 0), axis=axis).astype(np.int64)
    return result(gather(x, axis, _const(x, indices)), _const(x, indices))


def cummax(input: Any, dim: int):
    """(values, indices): the running maximum along dim and where it was attained (the last tie, as PyTorch)."""
    return _cumulative_extreme("cummax", input, dim, True, cummax_result)


def cummin(input: Any, dim: int):
    """(values, indices): the running minimum along dim and where it was attained."""
    return _cumulative_extreme("cummin", input, dim, False, cummin_result)


def cumprod(input: Any, dim: int, *, dtype: Any = None):
    """Running products along dim: y_j = Π_{i≤j} xᵢ, as the products of the lower-triangular selections (δ exact
    where entries are 0). Integers give int64, as PyTorch."""
    from .compare import Where

    x = tensor_arg(input, "cumprod")
    if dtype is not None:
        x = x.to(dtype)
    elif x.dtype.kind in "biu":
        x = x.to(np.int64)
    axis = _scan_axis("cumprod", x, dim)
    if x.ndim == 0:
        return x.clone()
    n = x.shape[axis]
    moved = x.movedim(axis, -1).unsqueeze(-2)  # (..., 1, n): row j keeps x_i for i ≤ j, 1 elsewhere
    keep = _const(x, np.tril(np.ones((n, n), dtype=bool)))
    one = _const(x, np.ones((), dtype=x.dtype)) if x.dtype != object else _const(x, _object_one())
    return Where.apply(keep, moved, one).prod(-1).movedim(-1, axis)


def _object_one() -> np.ndarray:
    from ..backend import ones

    return ones((), np.empty((), dtype=object))


def logcumsumexp(input: Any, dim: int):
    """ln Σ_{i≤j} e^{xᵢ} along dim, shifted by the maximum so no e^{x} overflows."""
    x = tensor_arg(input, "logcumsumexp")
    axis = _scan_axis("logcumsumexp", x, dim)
    if x.dtype.kind in "biu":
        raise DtypeError(f"logcumsumexp: not implemented for dtype {x.dtype} (shape {x.shape}), as in PyTorch")
    if x.ndim == 0 or x.numel() == 0:
        return x.clone()
    m = x.detach().amax(axis, keepdim=True)
    if x.dtype != object:
        m = _const(x, np.where(np.isfinite(m.data), m.data, 0).astype(x.dtype))
    return (x - m).exp().cumsum(axis).log() + m


def diff(input: Any, n: int = 1, dim: int = -1, prepend: Any = None, append: Any = None):
    """The n-th forward difference along dim (x[1:] − x[:-1], n times), after prepend/append are concatenated;
    bool tensors give x[1:] ≠ x[:-1], as PyTorch."""
    from .movement import cat

    x = tensor_arg(input, "diff")
    n = integer("diff", "n", n)
    if x.ndim == 0:
        raise ShapeError("diff: expected input to have at least one dimension, got a 0-d tensor")
    axis = _scan_axis("diff", x, dim)
    if n < 0:
        raise ShapeError(f"diff: order must be non-negative but got {n}")
    parts = [tensor_arg(t, "diff") for t in (prepend,) if t is not None] + [x] \
        + [tensor_arg(t, "diff") for t in (append,) if t is not None]
    if len(parts) > 1:
        x = cat(parts, axis)
    for _ in range(n):
        length = x.shape[axis]
        if length == 0:
            break
        hi = x.narrow(axis, 1, length - 1)
        lo = x.narrow(axis, 0, length - 1)
        x = hi.ne(lo) if x.dtype == bool else hi - lo
    return x


# ---- statistics ----------------------------------------------------------------------------------------------------

def _median(op: str, input: Any, dim: Any, keepdim: bool, skip_nan: bool, result: type):
    from .shape import gather

    x = tensor_arg(input, op)
    keepdim = flag(op, "keepdim", keepdim)
    _ordered(op, x)
    if x.dtype == object:
        raise TypeError(f"{op}: symbolic entries have no order; use exact numbers")
    whole = dim is _ALL
    if whole:
        if x.numel() == 0:
            raise ShapeError(f"{op}: the median of an empty tensor is undefined (shape {x.shape})")
        flat = x.reshape(-1)
        return _median_along(op, flat, 0, False, skip_nan, gather).values
    axis = _scan_axis(op, x, dim)
    if x.ndim == 0:
        return result(x.clone(), _const(x, np.zeros((), np.int64)))
    if x.shape[axis] == 0:
        raise IndexError(f"{op}: dimension {axis} of shape {x.shape} is empty: no median")
    values, indices = _median_along(op, x, axis, keepdim, skip_nan, gather)
    return result(values, indices)


def _median_along(op: str, x, axis: int, keepdim: bool, skip_nan: bool, gather):
    """The lower median (entry ⌊(m − 1)/2⌋ of the m sorted values, m counting non-NaN entries for nanmedian;
    NaN if a NaN is present for median) and its index, PyTorch's choice."""
    data = x.data
    nan = np.isnan(data) if data.dtype.kind == "f" else np.zeros(data.shape, bool)
    order = np.argsort(data, axis=axis, kind="stable")  # NaN sorts last
    count = (~nan).sum(axis=axis, keepdims=True)
    if skip_nan:
        k = np.maximum(count - 1, 0) // 2
    else:
        k = np.where(nan.any(axis=axis, keepdims=True), np.argmax(np.take_along_axis(nan, order, axis), axis=axis
                                                                  ).reshape(count.shape),
                     (data.shape[axis] - 1) // 2)
    index = np.take_along_axis(order, k, axis).astype(np.int64)
    values = gather(x, axis, _const(x, index))
    if not keepdim:
        values, index = values.squeeze(axis), index.squeeze(axis)
    return median_result(values, _const(x, index))


def median(input: Any, dim: Any = _ALL, keepdim: bool = False):
    """The lower median of all entries (a 0-d tensor), or (values, indices) along dim; NaN if a NaN is present."""
    return _median("median", input, dim, keepdim, False, median_result)


def nanmedian(input: Any, dim: Any = _ALL, keepdim: bool = False):
    """median ignoring NaN (NaN only where every entry is)."""
    return _median("nanmedian", input, dim, keepdim, True, nanmedian_result)


def _nan_zeroed(op: str, input: Any):
    from .compare import Where

    x = tensor_arg(input, op)
    if x.dtype.kind != "f":
        return x, None
    nan = np.isnan(x.data)
    zero = _const(x, np.zeros((), x.dtype))
    return (Where.apply(_const(x, nan), zero, x) if nan.any() else x), nan


def nansum(input: Any, dim: Any = None, keepdim: bool = False, *, dtype: Any = None):
    """Σ treating NaN as 0 (δ 0 there)."""
    x, _ = _nan_zeroed("nansum", input)
    return x.sum(dim, keepdim, dtype=dtype)


def nanmean(input: Any, dim: Any = None, keepdim: bool = False, *, dtype: Any = None):
    """The mean of the non-NaN entries (NaN where there are none)."""
    x, nan = _nan_zeroed("nanmean", input)
    if nan is None:
        from ..errors import DtypeError

        raise DtypeError(f"nanmean: expected a floating input, got dtype {x.dtype}, as in PyTorch")
    total = x.sum(dim, keepdim, dtype=dtype)
    count = _const(x, (~nan)).sum(dim, keepdim).to(total.dtype)
    return total / count


def count_nonzero(input: Any, dim: Any = None):
    """The number of non-zero entries (over dim, one or several), int64."""
    x = tensor_arg(input, "count_nonzero")
    return (x != 0).sum(dim)


def aminmax(input: Any, *, dim: Optional[int] = None, keepdim: bool = False):
    """(min, max) over all entries or along dim, as torch.aminmax."""
    x = tensor_arg(input, "aminmax")
    if dim is None:
        if x.numel() == 0:
            raise ShapeError(f"aminmax: cannot compute on an empty tensor (shape {x.shape})")
        if keepdim:
            axes = tuple(range(x.ndim))
            return aminmax_result(x.amin(axes, True), x.amax(axes, True))
        return aminmax_result(x.amin(), x.amax())
    axis = _scan_axis("aminmax", x, dim)
    return aminmax_result(x.amin(axis, keepdim), x.amax(axis, keepdim))


def dist(input: Any, other: Any, p: Any = 2):
    """‖input − other‖_p over all entries (broadcasting)."""
    from .math_extra import _pair

    a, b = _pair("dist", input, other, numbers=False)
    if a.dtype == bool or b.dtype == bool:
        raise DtypeError("dist: subtraction with a bool tensor is not supported, as in PyTorch")
    if isinstance(p, (bool, np.bool_)) or not isinstance(p, (int, float, np.integer, np.floating)):
        raise TypeError(f"dist: argument 'p' must be a number, not {type(p).__name__} ({p!r})")
    return (a - b).norm(p)


def renorm(input: Any, p: Any, dim: int, maxnorm: Any):
    """Each slice along dim whose p-norm exceeds maxnorm scaled down to norm maxnorm (factor maxnorm/(‖x‖ + 10⁻⁷),
    PyTorch's), the others kept; δ flows through the norm, as PyTorch's."""
    from .compare import Where

    x = tensor_arg(input, "renorm")
    if x.dtype.kind in "biu":
        raise DtypeError(f"renorm: not implemented for dtype {x.dtype} (shape {x.shape}), as in PyTorch")
    if isinstance(p, (bool, np.bool_)) or not isinstance(p, (int, float, np.integer, np.floating)):
        raise TypeError(f"renorm: argument 'p' must be a number, not {type(p).__name__} ({p!r})")
    number("renorm", "maxnorm", maxnorm)
    if not p > 0:
        raise ShapeError(f"renorm: non-positive norm p = {p} is not supported")
    if not maxnorm >= 0:
        raise ShapeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    if x.ndim <= 1:
        raise ShapeError(f"renorm: input needs at least 2 dimensions, got shape {x.shape}")
    axis = _scan_axis("renorm", x, dim)
    others = tuple(d for d in range(x.ndim) if d != axis)
    with np.errstate(invalid="ignore"):
        over = np.asarray(x.detach().norm(p, others, keepdim=True).data > maxnorm)
    # the norm is taken of the slices that are over only, the others read as 0 (whose norm has δ 0): a NaN or an
    # infinite maxnorm in a kept slice then sends no 0·∞ = NaN back through the norm
    kept = _const(x, np.broadcast_to(over, x.shape))
    norms = Where.apply(kept, x, x._lift(0.0)).norm(p, others, keepdim=True)
    target = _const(x, np.where(over, maxnorm, 1.0).astype(x.dtype))
    factor = Where.apply(_const(x, over), target / (norms + 1e-7), x._lift(1.0))
    return x * factor


__all__ = ["renorm", "dot", "vdot", "inner", "outer", "ger", "mv", "addmm", "addmv", "addbmm", "baddbmm", "kron", "cross",
           "diagonal", "diag", "diag_embed", "trace", "cummax", "cummin", "cumprod", "logcumsumexp", "diff", "median",
           "nanmedian", "nansum", "nanmean", "count_nonzero", "aminmax", "dist"]
