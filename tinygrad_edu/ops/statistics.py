"""torch's statistics beyond mean/var/median: std_mean, var_mean, kthvalue, mode, quantile, nanquantile, msort, cov,
corrcoef, histogram. Orders are found on the numbers; values are differentiable gathers of the input, so δ goes back
to the entry each value came from. Among equal values that entry is the one PyTorch picks: its quickselect (kthvalue)
and its unstable sort (mode, quantile) are emulated, vectorised over rows, for the rows that have ties. cov and
corrcoef are products of differentiable ops (SymPy entries work)."""
from __future__ import annotations

import builtins
import warnings
from collections import namedtuple
from typing import Any, Optional

import numpy as np

from ..errors import ArgumentTypeError, DtypeError, ShapeError
from .args import check_size, flag, integer, number, tensor_arg
from .reduce import _dim, mean, std, var

#: the named tuples PyTorch returns (torch.return_types.*)
kthvalue_result = namedtuple("kthvalue", ["values", "indices"])
mode_result = namedtuple("mode", ["values", "indices"])
histogram_result = namedtuple("histogram", ["hist", "bin_edges"])

_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _const(like, array: np.ndarray):
    return type(like)._make(np.asarray(array), False)


def _ordered_numbers(op: str, x) -> None:
    if x.dtype == bool:
        raise DtypeError(f"{op}: not implemented for dtype bool (shape {x.shape}), as in PyTorch")
    if x.dtype == object:
        raise TypeError(f"{op}: symbolic entries have no order; use exact numbers")


def _floating_input(op: str, input: Any):
    x = tensor_arg(input, op)
    if x.dtype.kind in "biu":
        raise DtypeError(f"{op}: only floating-point inputs are supported, got dtype {x.dtype} (shape {x.shape}), as "
                         "PyTorch; convert first, e.g. x.float()")
    return x


def _welford_mean(op: str, x, dim: Any, keepdim: bool):
    """The mean as PyTorch's var_mean/std_mean give it: its one-pass (Welford) update m += (x − m)/k turns ±∞ into
    NaN unless the only non-finite entry is the last one reduced, so the mean is NaN wherever a non-finite entry
    comes before the last (mean() itself would say ±∞)."""
    from .compare import Where
    from .reduce import _axes

    m = mean(x, dim, keepdim=keepdim)
    if x.dtype == object or np.isfinite(x.data).all():
        return m
    axes = _axes(dim, x.ndim, op)
    axes = tuple(range(x.ndim)) if axes is None else axes
    moved = np.moveaxis(~np.isfinite(x.data), axes, tuple(range(x.ndim - len(axes), x.ndim)))
    rows = moved.reshape(moved.shape[:x.ndim - len(axes)] + (-1,))
    early = rows[..., :-1].any(-1).reshape(m.shape)
    return Where.apply(_const(x, early), _const(x, np.asarray(np.nan, x.dtype)), m)


# ---- moments -------------------------------------------------------------------------------------------------------

def std_mean(input: Any, dim: Any = None, unbiased: Optional[bool] = None, keepdim: bool = False, *,
             correction: Optional[float] = None) -> tuple:
    """(std, mean) over dim, one call (torch.std_mean): the same arguments as std; a plain tuple, as PyTorch."""
    input = _floating_input("std_mean", input)
    s = std(input, dim, unbiased, keepdim, correction=correction)
    return s, _welford_mean("std_mean", input, None if isinstance(dim, bool) else dim, keepdim)


def var_mean(input: Any, dim: Any = None, unbiased: Optional[bool] = None, keepdim: bool = False, *,
             correction: Optional[float] = None) -> tuple:
    """(var, mean) over dim, one call (torch.var_mean)."""
    input = _floating_input("var_mean", input)
    v = var(input, dim, unbiased, keepdim, correction=correction)
    return v, _welford_mean("var_mean", input, None if isinstance(dim, bool) else dim, keepdim)


# ---- selection -----------------------------------------------------------------------------------------------------

def _greater_or_nan(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """u > v with NaN above every number (PyTorch's kthvalue comparison)."""
    with np.errstate(invalid="ignore"):
        if u.dtype.kind != "f":
            return u > v
        return (np.isnan(u) & ~np.isnan(v)) | (u > v)


def _torch_quickselect(rows: np.ndarray, k: int) -> np.ndarray:
    """The index PyTorch's CPU kthvalue reports for entry k (0-based) of each row: its quickselect (median-of-three
    pivot, Hoare partition; ATen's quick_select_template) run on all rows at once, in lockstep. Only the choice among
    equal values depends on it, so it runs only for rows whose k-th value is tied."""
    a = rows.copy()
    idx = np.broadcast_to(np.arange(rows.shape[1]), rows.shape).copy()
    m = rows.shape[0]
    lo, hi = np.zeros(m, np.int64), np.full(m, rows.shape[1] - 1, np.int64)
    active = np.ones(m, bool)

    def swap(r, i, j):
        a[r, i], a[r, j] = a[r, j], a[r, i].copy()
        idx[r, i], idx[r, j] = idx[r, j], idx[r, i].copy()

    def swap_if(r, i, j, cond):
        swap(r[cond], i[cond], j[cond])

    while active.any():
        r = np.flatnonzero(active)
        L, R = lo[r], hi[r]
        two = R == L + 1
        swap_if(r, L, R, two & _greater_or_nan(a[r, L], a[r, R]))
        active[r[R <= L + 1]] = False
        more = R > L + 1
        r, L, R = r[more], L[more], R[more]
        if not r.size:
            break
        P = L + (R - L) // 2
        swap(r, P, L + 1)
        swap_if(r, L + 1, R, _greater_or_nan(a[r, L + 1], a[r, R]))
        swap_if(r, L, R, _greater_or_nan(a[r, L], a[r, R]))
        swap_if(r, L + 1, L, _greater_or_nan(a[r, L + 1], a[r, L]))
        i, j, pivot = L + 1, R.copy(), a[r, L]
        going = np.ones(r.size, bool)
        while going.any():
            g = np.flatnonzero(going)
            i[g] += 1
            step = g[_greater_or_nan(pivot[g], a[r[g], i[g]])]
            while step.size:
                i[step] += 1
                step = step[_greater_or_nan(pivot[step], a[r[step], i[step]])]
            j[g] -= 1
            step = g[_greater_or_nan(a[r[g], j[g]], pivot[g])]
            while step.size:
                j[step] -= 1
                step = step[_greater_or_nan(a[r[step], j[step]], pivot[step])]
            crossed = j[g] < i[g]
            going[g[crossed]] = False
            s = g[~crossed]
            swap(r[s], i[s], j[s])
        swap(r, L, j)
        lo[r] = np.where(j <= k, i, L)
        hi[r] = np.where(j >= k, j - 1, R)
    return idx[:, k]


def _less(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """u < v with NaN above every number (PyTorch's sort comparison)."""
    return _greater_or_nan(v, u)


def _torch_sort_order(rows: np.ndarray) -> np.ndarray:
    """The order PyTorch's CPU sort (stable=False: libstdc++'s std::sort) gives each row, equal values included:
    introsort's partitions (median of three moved to the front, unguarded Hoare partition; segments of at most 16
    left alone) run on every segment of every row at once, in lockstep; its final insertion sort is a stable sort of
    the arrangement the partitions leave, so a stable argsort finishes the job. Rows without repeated values have
    one order and skip all this. (Introsort's heapsort fallback, after 2·log₂ n unbalanced partitions, is not
    followed: such rows keep the stable order.)"""
    m, n = rows.shape
    order = np.argsort(rows, axis=-1, kind="stable")
    ordered = np.take_along_axis(rows, order, -1)
    repeats = ordered[:, 1:] == ordered[:, :-1]
    if rows.dtype.kind == "f":
        repeats |= np.isnan(ordered[:, 1:]) & np.isnan(ordered[:, :-1])
    tied = np.flatnonzero(repeats.any(-1)) if n > 16 else np.zeros(0, np.int64)
    if not tied.size:
        return order
    a, idx = rows[tied].copy(), np.broadcast_to(np.arange(n), (tied.size, n)).copy()

    def swap(r, i, j):
        a[r, i], a[r, j] = a[r, j], a[r, i].copy()
        idx[r, i], idx[r, j] = idx[r, j], idx[r, i].copy()

    def less(r, i, j):
        return _less(a[r, i], a[r, j])

    row = np.arange(tied.size)
    first, last = np.zeros(tied.size, np.int64), np.full(tied.size, n, np.int64)
    depth = np.full(tied.size, 2 * int(np.floor(np.log2(n))), np.int64)
    exhausted = np.zeros(tied.size, bool)
    while row.size:
        big = last - first > 16
        exhausted[row[big & (depth == 0)]] = True
        keep = big & (depth > 0)
        row, first, last, depth = row[keep], first[keep], last[keep], depth[keep] - 1
        if not row.size:
            break
        mid = first + (last - first) // 2
        x, y, z = first + 1, mid, last - 1
        xy, yz, xz = less(row, x, y), less(row, y, z), less(row, x, z)
        median = np.where(xy, np.where(yz, y, np.where(xz, z, x)), np.where(xz, x, np.where(yz, z, y)))
        swap(row, first, median)
        pivot = a[row, first]
        lo, hi = first + 1, last.copy()
        cut = np.empty_like(first)
        going = np.ones(row.size, bool)
        while going.any():
            g = np.flatnonzero(going)
            step = g[_less(a[row[g], lo[g]], pivot[g])]
            while step.size:
                lo[step] += 1
                step = step[_less(a[row[step], lo[step]], pivot[step])]
            hi[g] -= 1
            step = g[_less(pivot[g], a[row[g], hi[g]])]
            while step.size:
                hi[step] -= 1
                step = step[_less(pivot[step], a[row[step], hi[step]])]
            met = lo[g] >= hi[g]
            cut[g[met]] = lo[g[met]]
            going[g[met]] = False
            s = g[~met]
            swap(row[s], lo[s], hi[s])
            lo[s] += 1
        row, first, last, depth = (np.concatenate([row, row]), np.concatenate([cut, first]),
                                   np.concatenate([last, cut]), np.concatenate([depth, depth]))
    final = np.take_along_axis(idx, np.argsort(a, axis=-1, kind="stable"), -1)
    done = ~exhausted
    order[tied[done]] = final[done]
    return order


def kthvalue(input: Any, k: int, dim: int = -1, keepdim: bool = False):
    """(values, indices): the k-th smallest entry along dim (k from 1; NaN counts as the largest) and its index;
    among equal values the index PyTorch's CPU quickselect reports, so δ goes to the same entry as PyTorch's."""
    from .shape import gather

    x = tensor_arg(input, "kthvalue")
    keepdim = flag("kthvalue", "keepdim", keepdim)
    if isinstance(k, (bool, np.bool_)) or not isinstance(k, (int, np.integer)):
        raise ArgumentTypeError(f"kthvalue: argument 'k' must be int, not {type(k).__name__} ({k!r})")
    axis = _dim(dim, x.ndim, "kthvalue")
    _ordered_numbers("kthvalue", x)
    n = x.shape[axis] if x.ndim else 1
    if not 1 <= k <= n:
        raise ShapeError(f"kthvalue: k = {k} is out of range for dimension {dim} of size {n} (need 1 ≤ k ≤ {n})")
    if x.ndim == 0:
        return kthvalue_result(x.clone(), _const(x, np.zeros((), np.int64)))
    rows = np.moveaxis(x.data, axis, -1).reshape(-1, n)
    index = np.argsort(rows, axis=-1, kind="stable")[:, k - 1]
    value = rows[np.arange(rows.shape[0]), index]
    tied = ((rows == value[:, None]) | (np.isnan(rows) & np.isnan(value)[:, None] if rows.dtype.kind == "f"
                                        else False)).sum(-1) > 1
    if tied.any():
        index[tied] = _torch_quickselect(rows[tied], k - 1)
    index = np.moveaxis(index.reshape(np.moveaxis(x.data, axis, -1).shape[:-1] + (1,)), -1, axis).astype(np.int64)
    values = gather(x, axis, _const(x, index))
    if not keepdim:
        values, index = values.squeeze(axis), index.squeeze(axis)
    return kthvalue_result(values, _const(x, index))


def mode(input: Any, dim: int = -1, keepdim: bool = False):
    """(values, indices): the most frequent value along dim (the smallest among equally frequent ones, as PyTorch)
    and the index PyTorch reports: the occurrence its sort (std::sort, emulated) puts last, the last one for rows of
    up to 16 entries. δ goes to that entry. (NaN counts as one value, the largest; PyTorch sorts NaN with a plain <,
    which NaN breaks, so with NaN present its answer follows no rule.)"""
    from .shape import gather

    x = tensor_arg(input, "mode")
    keepdim = flag("mode", "keepdim", keepdim)
    axis = _dim(dim, x.ndim, "mode")
    if x.dtype == object:
        raise TypeError("mode: symbolic entries have no order; use exact numbers")
    if x.ndim == 0:
        return mode_result(x.clone(), _const(x, np.zeros((), np.int64)))
    n = x.shape[axis]
    if n == 0:
        raise IndexError(f"mode: dimension {axis} of shape {x.shape} is empty: no mode")
    rows = np.moveaxis(x.data, axis, -1).reshape(-1, n)
    order = _torch_sort_order(rows)
    ordered = np.take_along_axis(rows, order, -1)
    same = ordered[:, 1:] == ordered[:, :-1]
    if ordered.dtype.kind == "f":
        same |= np.isnan(ordered[:, 1:]) & np.isnan(ordered[:, :-1])
    positions = np.arange(n)
    run_start = np.maximum.accumulate(np.where(np.concatenate([np.ones((rows.shape[0], 1), bool), ~same], -1),
                                               positions, 0), axis=-1)
    run_length = positions - run_start + 1  # the count so far of the current run of equal values
    end = np.argmax(run_length == run_length.max(-1, keepdims=True), axis=-1)  # the first run that is longest
    index = order[np.arange(rows.shape[0]), end]
    index = np.moveaxis(index.reshape(np.moveaxis(x.data, axis, -1).shape[:-1] + (1,)), -1, axis).astype(np.int64)
    values = gather(x, axis, _const(x, index))
    if not keepdim:
        values, index = values.squeeze(axis), index.squeeze(axis)
    return mode_result(values, _const(x, index))


def msort(input: Any):
    """The entries sorted along dimension 0 (torch.msort = sort(input, 0).values)."""
    from .sorting import sort

    return sort(input, 0).values


# ---- quantiles -----------------------------------------------------------------------------------------------------

def _quantile(op: str, input: Any, q: Any, dim: Any, keepdim: bool, interpolation: str, skip_nan: bool):
    from .compare import Where
    from .shape import gather

    x = tensor_arg(input, op)
    keepdim = flag(op, "keepdim", keepdim)
    if x.dtype not in (np.float32, np.float64):
        raise DtypeError(f"{op}: input must be float or double, got dtype {x.dtype} (shape {x.shape}), as PyTorch")
    if x.numel() == 0:
        raise ShapeError(f"{op}: input tensor must be non-empty, got shape {x.shape}")
    if not isinstance(interpolation, str):
        raise ArgumentTypeError(f"{op}: argument 'interpolation' must be str, not {type(interpolation).__name__}")
    if interpolation not in _INTERPOLATIONS:
        raise ShapeError(f"{op}: interpolation must be one of {', '.join(_INTERPOLATIONS)}, but got "
                         f"{interpolation!r}")
    if isinstance(q, (type(x), np.ndarray)):
        qt = tensor_arg(q, op)
        if qt.ndim > 1:
            raise ShapeError(f"{op}: q must be a scalar or 1-D tensor, got shape {qt.shape}")
        if qt.dtype != x.dtype:
            raise DtypeError(f"{op}: q tensor must have the input's dtype {x.dtype}, got {qt.dtype}")
        qs, scalar = qt.data.reshape(-1), qt.ndim == 0
    else:
        number(op, "q", q)
        qt, qs, scalar = None, np.array([q], dtype=x.dtype), True
    if qs.size and not ((qs >= 0) & (qs <= 1)).all():
        raise ShapeError(f"{op}: q values must be in the range [0, 1], got {qs.tolist()}")
    if dim is None:
        moved, out_shape = x.reshape(-1), (1,) * x.ndim if keepdim else ()
    else:
        axis = _dim(integer(op, "dim", dim), x.ndim, op)
        moved = x.movedim(axis, -1) if x.ndim else x.reshape(1)
        out_shape = (tuple(1 if d == axis else s for d, s in enumerate(x.shape)) if keepdim
                     else tuple(s for d, s in enumerate(x.shape) if d != axis))
    n = moved.shape[-1]
    data = moved.data
    order = _torch_sort_order(data.reshape(-1, n)).reshape(data.shape)  # NaN last; ties as PyTorch's sort
    nan = np.isnan(data)
    if skip_nan:
        count = (~nan).sum(-1, keepdims=True).astype(x.dtype)
        fixed = count == 0  # rows of NaN only: rank 0, a NaN
        ranks = np.maximum(qs * (count - 1), 0)
    else:
        count = np.full(data.shape[:-1] + (1,), n, x.dtype)
        fixed = nan.any(-1, keepdims=True)  # a NaN: the last entry, NaN
        ranks = np.where(fixed, n - 1, np.broadcast_to(qs * np.asarray(n - 1, x.dtype), data.shape[:-1] + qs.shape))
        ranks = ranks.astype(x.dtype)
    below = np.trunc(ranks).astype(np.int64)
    above = np.ceil(ranks).astype(np.int64)
    if interpolation == "nearest":
        below = above = np.round(ranks).astype(np.int64)  # half to even, as PyTorch
    elif interpolation == "lower":
        above = below
    elif interpolation == "higher":
        below = above
    low = gather(moved, -1, _const(x, np.take_along_axis(order, below, -1)))
    if interpolation in ("linear", "midpoint"):
        high = gather(moved, -1, _const(x, np.take_along_axis(order, above, -1)))
        w = np.asarray(0.5 if interpolation == "midpoint" else ranks - below, x.dtype)
        weight = _const(x, w)
        if interpolation == "linear" and qt is not None and qt.requires_grad:  # δ_q = δ·(b − a)·(m − 1), as PyTorch
            moving = qt.reshape(-1) * _const(x, count - 1) - _const(x, below.astype(x.dtype))
            weight = Where.apply(_const(x, np.broadcast_to(fixed, w.shape)), weight, moving)
        # PyTorch's lerp: a + w(b − a) for w < 1/2, b − (b − a)(1 − w) above (the same δ: 1 − w and w)
        out = Where.apply(_const(x, w < 0.5), low + weight * (high - low), high - (high - low) * (1 - weight))
    else:
        out = low
    out = out.movedim(-1, 0)  # (q, *reduced)
    out = out.reshape(*((qs.size,) + out_shape))
    return out.reshape(*out_shape) if scalar else out


def quantile(input: Any, q: Any, dim: Optional[int] = None, keepdim: bool = False, *,
             interpolation: str = "linear"):
    """The q-th quantiles along dim (all entries when None): between the sorted entries ⌊r⌋ and ⌈r⌉,
    r = q·(n − 1), by `interpolation` (linear, lower, higher, midpoint, nearest); NaN where a NaN is present. q a
    number (that shape) or a 1-D tensor (a new first dimension)."""
    return _quantile("quantile", input, q, dim, keepdim, interpolation, False)


def nanquantile(input: Any, q: Any, dim: Optional[int] = None, keepdim: bool = False, *,
                interpolation: str = "linear"):
    """quantile ignoring NaN (r = q·(m − 1), m the non-NaN count; NaN where every entry is)."""
    return _quantile("nanquantile", input, q, dim, keepdim, interpolation, True)


# ---- covariance ----------------------------------------------------------------------------------------------------

def _weights(name: str, w: Any, observations: int, integral: bool):
    t = tensor_arg(w, "cov")
    if t.ndim > 1:
        raise ShapeError(f"cov: expected {name} to have one or fewer dimensions but got {t.ndim} (shape {t.shape})")
    if t.numel() != observations:
        raise ShapeError(f"cov: expected {name} to have the same numel as there are observations in the input, "
                         f"but got {t.numel()} != {observations}")
    if integral and t.dtype.kind not in "iu":
        raise DtypeError(f"cov: expected {name} to have integral dtype, got {t.dtype}")
    if not integral and t.dtype.kind != "f":
        raise DtypeError(f"cov: expected {name} to have floating point dtype, got {t.dtype}")
    if t.dtype != object and (t.data < 0).any():
        raise ShapeError(f"cov: {name} cannot have negative values (got min {t.data.min()})")
    return t.reshape(-1)


def cov(input: Any, *, correction: int = 1, fweights: Any = None, aweights: Any = None):
    """The covariance matrix of the variables in the rows of input (observations in the columns; a 1-D input is one
    variable): Σ wᵢ(xᵢ − x̄)(yᵢ − ȳ)/(Σw − c·Σ(w·a)/Σw), w = fweights·aweights, as torch.cov."""
    x = tensor_arg(input, "cov")
    if x.ndim > 2:
        raise ShapeError(f"cov: expected input to have two or fewer dimensions but got an input with {x.ndim} "
                         f"dimensions (shape {x.shape})")
    correction = integer("cov", "correction", correction)
    if x.dtype == bool:
        raise DtypeError(f"cov: bool dtype is not supported for input (shape {x.shape}), as PyTorch")
    if x.dtype.kind in "biu":
        from .. import backend

        x = x.to(backend.DEFAULT_FLOAT)
    rows = x.reshape(1, -1) if x.ndim < 2 else x
    n = rows.shape[1]
    f = None if fweights is None else _weights("fweights", fweights, n, True)
    a = None if aweights is None else _weights("aweights", aweights, n, False)
    w = f if a is None else a if f is None else a * f
    if w is None:
        average = rows.mean(1, keepdim=True)
        w_sum = n
        norm = n - correction
    else:
        w = w.to(rows.dtype)
        w_sum = w.sum()
        if w_sum.dtype != object and w_sum.data == 0:
            raise ShapeError(f"cov: the weights sum to zero and cannot normalise (fweights·aweights = "
                             f"{w.data.tolist()})")
        average = (rows * w).sum(1, keepdim=True) / w_sum
        norm = w_sum - correction if a is None else w_sum - correction * (w * a.to(rows.dtype)).sum() / w_sum
    norm_value = norm if isinstance(norm, int) else norm.data
    if x.dtype != object and np.all(np.asarray(norm_value) <= 0):
        warnings.warn(f"cov: degrees of freedom ≤ 0 for input of shape {x.shape} (correction {correction}); the "
                      "result is NaN or ∞, as PyTorch", RuntimeWarning, stacklevel=2)
        norm = 0 if isinstance(norm, int) else norm * 0
    centred = rows - average
    weighted = centred if w is None else centred * w
    out = (weighted @ centred.T) / norm
    return out.reshape(()) if x.ndim < 2 else out


def corrcoef(input: Any):
    """Pearson's correlation coefficients of the rows: cov(input) divided by the outer product of the standard
    deviations, clipped to [−1, 1] (δ 0 where clipped), as torch.corrcoef."""
    c = cov(input)
    if c.ndim == 0:
        return c / c
    from .linalg_extra import diagonal

    deviation = diagonal(c).sqrt()
    c = c / deviation.reshape(-1, 1)
    c = c / deviation.reshape(1, -1)
    return c if c.dtype == object else c.clamp(-1, 1)


# ---- histogram -----------------------------------------------------------------------------------------------------

def _linspace(start: float, end: float, steps: int, dtype: np.dtype) -> np.ndarray:
    """PyTorch's linspace in dtype: start + i·step for the first half, end − (steps − 1 − i)·step for the rest, each
    rounded once (its vectorised kernel fuses the multiply-add: emulated in a wider type), so the bin edges match
    PyTorch's to the last bit, and so do the bins of entries on an edge."""
    start, end = np.asarray(start, dtype), np.asarray(end, dtype)
    step = (end - start) / np.asarray(builtins.max(steps - 1, 1), dtype)
    wide = np.float64 if dtype == np.float32 else np.longdouble
    i = np.arange(steps)
    fused = np.where(i < steps // 2, start.astype(wide) + step.astype(wide) * i,
                     end.astype(wide) - step.astype(wide) * (steps - 1 - i))
    return fused.astype(dtype)


def histogram(input: Any, bins: Any, *, range: Optional[tuple] = None, weight: Any = None, density: bool = False):
    """(hist, bin_edges): counts (or weight sums) of the entries in `bins` equal-width bins over `range` (default
    min … max; the last bin includes its right edge) or between the given edges (a 1-D tensor), as torch.histogram;
    density divides by the total and the bin widths. Not differentiable (PyTorch's is not either)."""
    x = tensor_arg(input, "histogram")
    if x.dtype not in (np.float32, np.float64):
        raise DtypeError(f"histogram: input must be float or double, got dtype {x.dtype}, as PyTorch")
    density = flag("histogram", "density", density)
    data = x.data.reshape(-1)
    if isinstance(bins, (type(x), np.ndarray)):
        edges = tensor_arg(bins, "histogram").data
        if edges.ndim != 1 or edges.size < 1:
            raise ShapeError(f"histogram: bins must be a 1-D tensor of at least one edge, got shape {edges.shape}")
        if edges.dtype != x.dtype:
            raise DtypeError(f"histogram: bins dtype {edges.dtype} must be the input's dtype {x.dtype}")
        if range is not None:
            raise TypeError("histogram: range cannot be given with explicit bin edges, as PyTorch")
        if (np.diff(edges) < 0).any():
            raise ShapeError(f"histogram: bin edges must be increasing, got {edges.tolist()}")
    else:
        count = integer("histogram", "bins", bins)
        if count <= 0:
            raise ShapeError(f"histogram: bins must be > 0, got {count}")
        check_size("histogram", (count + 1,), np.int64)
        if range is not None:
            if len(range) != 2:
                raise ShapeError(f"histogram: range must be (min, max), got {range!r}")
            lo, hi = float(range[0]), float(range[1])
        elif data.size:
            lo, hi = float(data.min()), float(data.max())
        else:  # an empty input: [0, 1], as PyTorch
            lo, hi = 0.0, 1.0
        if not (np.isfinite(lo) and np.isfinite(hi)):
            raise ShapeError(f"histogram: range [{lo}, {hi}] is not finite")
        if lo > hi:
            raise ShapeError(f"histogram: min {lo} must not exceed max {hi}")
        if lo == hi:  # one value: a unit-wide range around it
            lo, hi = lo - 0.5, hi + 0.5
        edges = _linspace(lo, hi, count + 1, x.dtype)
    weights = None
    if weight is not None:
        wt = tensor_arg(weight, "histogram")
        if wt.shape != x.shape:
            raise ShapeError(f"histogram: weight shape {wt.shape} must be the input's shape {x.shape}")
        weights = wt.data.reshape(-1)
    inside = (data >= edges[0]) & (data <= edges[-1])
    position = np.clip(np.searchsorted(edges, data[inside], side="right") - 1, 0, builtins.max(edges.size - 2, 0))
    hist = np.bincount(position, weights=None if weights is None else weights[inside],
                       minlength=builtins.max(edges.size - 1, 0)).astype(x.dtype)
    if density:
        with np.errstate(divide="ignore", invalid="ignore"):
            hist = (hist / (hist.sum() * np.diff(edges))).astype(x.dtype)
    return histogram_result(_const(x, hist), _const(x, edges.copy()))


#: Tensor methods (bound by tensor.py), where torch.Tensor has them
METHODS = {"kthvalue": kthvalue, "mode": mode, "quantile": quantile, "nanquantile": nanquantile, "msort": msort,
           "cov": cov, "corrcoef": corrcoef, "histogram": histogram}

__all__ = ["std_mean", "var_mean", "kthvalue", "mode", "msort", "quantile", "nanquantile", "cov", "corrcoef",
           "histogram", "kthvalue_result", "mode_result", "histogram_result"]
