"""F.interpolate for (N, C, d₁[, d₂[, d₃]]) inputs: nearest, nearest-exact, (bi/tri)linear, bicubic
(interpolate_cubic.py) and area (adaptive average pooling), with PyTorch's index rules to the bit (its float32
scale for nearest, its source-index formula with and without align_corners). Each spatial dimension is a gather
along an index array, weighted for the linear and cubic modes, so the gradient is the adjoint for free: δ
scattered back and summed (IndexAdd)."""
from __future__ import annotations

import math
from typing import Any, Optional, Sequence, Union

import numpy as np

from ..autograd import composite
from ..errors import ArgumentTypeError, ShapeError
from .args import check_size, tensor_arg
from .compare import DtypeError

LINEAR = {"linear": 1, "bilinear": 2, "trilinear": 3}
NEAREST = ("nearest", "nearest-exact")
INTERPOLATING = ("linear", "bilinear", "bicubic", "trilinear")  # the modes that take align_corners


def _per_dim(name: str, value: Any, spatial: tuple[int, ...], kind: tuple[type, ...]) -> list[Any]:
    values = list(value) if isinstance(value, (tuple, list)) else [value] * len(spatial)
    if len(values) != len(spatial):
        raise ShapeError(f"interpolate: input and {name} must have the same number of spatial dimensions, got input "
                         f"with spatial dimensions {list(spatial)} and {name} {tuple(values)} (input (N, C, d1, ...), "
                         f"{name} (s1, ...))")
    for v in values:
        if isinstance(v, bool) or not isinstance(v, kind):
            raise ArgumentTypeError(f"interpolate: {name} must hold {' or '.join(k.__name__ for k in kind)}, "
                                    f"got {type(v).__name__} in {value!r}")
    return values


def _check_mode(mode: str, spatial: int, align_corners: Optional[bool], antialias: bool) -> None:
    if not isinstance(mode, str) or (mode not in NEAREST and mode not in INTERPOLATING and mode != "area"):
        raise ShapeError(f"interpolate: mode {mode!r} is not supported; use 'nearest', 'nearest-exact', 'area', "
                         "'linear' (3-D), 'bilinear' or 'bicubic' (4-D) or 'trilinear' (5-D)")
    wanted = 2 if mode == "bicubic" else LINEAR.get(mode, spatial)
    if wanted != spatial:
        raise ShapeError(f"interpolate: got {spatial + 2}-D input, but {mode} mode needs {wanted + 2}-D input")
    if align_corners is not None and not isinstance(align_corners, (bool, np.bool_)):
        raise TypeError(f"interpolate: align_corners must be a bool or None, got {align_corners!r}")
    if mode not in INTERPOLATING and align_corners is not None:
        raise ShapeError("interpolate: align_corners option can only be set with the interpolating modes: linear | "
                         f"bilinear | bicubic | trilinear (got mode {mode!r})")
    if antialias:
        raise ShapeError("interpolate: antialias=True is not supported here (PyTorch uses it to downsample with "
                         "bilinear/bicubic filters); resize without it or blur first")


def _output_sizes(spatial: tuple[int, ...], size: Any, scale_factor: Any,
                  recompute_scale_factor: Optional[bool]) -> tuple[list[int], list[Optional[float]]]:
    """Output sizes and the scales handed to the index rule (None: in/out), as PyTorch's interpolate."""
    if size is not None and scale_factor is not None:
        raise ShapeError("interpolate: only one of size or scale_factor should be defined")
    if size is None and scale_factor is None:
        raise ShapeError("interpolate: either size or scale_factor should be defined")
    if size is not None:
        if recompute_scale_factor:
            raise ShapeError("interpolate: recompute_scale_factor is not meaningful with an explicit size")
        return [int(s) for s in _per_dim("size", size, spatial, (int, np.integer))], [None] * len(spatial)
    factors = [float(f) for f in _per_dim("scale_factor", scale_factor, spatial, (int, float, np.number))]
    if not all(math.isfinite(f) for f in factors):
        raise ShapeError(f"interpolate: scale_factor must be finite, got {scale_factor!r}")
    sizes = [math.floor(float(n) * f) for n, f in zip(spatial, factors)]
    return sizes, [None] * len(spatial) if recompute_scale_factor else factors


def _scale(dtype: Any, n_in: int, n_out: int, factor: Optional[float]) -> Any:
    """PyTorch's compute_scales_value in `dtype`: 1/scale_factor when given, else in/out."""
    if factor is not None and factor > 0:
        return dtype(1.0 / factor)
    return dtype(n_in) / dtype(n_out)


def nearest_source(n_in: int, n_out: int, factor: Optional[float], exact: bool = False, planar: bool = True,
                   dtype: Any = np.float32) -> np.ndarray:
    """Input index of each output position, min(floor(i·scale), n_in − 1) (nearest-exact: floor((i + 0.5)·scale)),
    as PyTorch computes it: its 2-D kernel (planar) takes scale in float32 with exact shortcuts for n_out = n_in
    and 2·n_in; its 1-D and 3-D kernels take scale in the input's precision, without shortcuts."""
    i = np.arange(n_out)
    if planar and not exact and n_out == n_in:
        return i
    if planar and not exact and n_out == 2 * n_in:
        return i >> 1
    kind = np.float32 if planar else np.dtype(dtype).type
    scale = _scale(kind, n_in, n_out, factor)
    if exact:
        position = (i + 0.5) * (np.float64(scale) if planar else scale)
    else:
        position = i.astype(kind) * scale
    return np.minimum(np.floor(position.astype(np.float32)).astype(np.int64), n_in - 1)


def _fused(scale: Any, position: np.ndarray, dtype: Any) -> np.ndarray:
    """scale·position − 0.5 rounded once, as PyTorch's compiled kernel does it (a fused multiply-add): exact for
    float32 by way of float64; in float64 from Dekker's exact product p + e = scale·position, then (p − 0.5) + e
    (p − 0.5 is exact for p in [¼, 1], Sterbenz). It decides the sign of s = 1/3·1.5 − 0.5 = −2.8·10⁻¹⁷, and so
    which taps bicubic reads (an ∞ under a zero weight gives NaN)."""
    if dtype == np.float32:
        return (np.float64(scale) * position.astype(np.float64) - 0.5).astype(np.float32)
    split = 134217729.0  # 2²⁷ + 1: halves of 26 bits whose products are exact
    a, b = np.float64(scale), position.astype(np.float64)
    product = a * b
    big_a, big_b = split * a, split * b
    a_hi, b_hi = big_a - (big_a - a), big_b - (big_b - b)
    a_lo, b_lo = a - a_hi, b - b_hi
    error = ((a_hi * b_hi - product) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo
    return (product - 0.5) + error


def linear_source(n_in: int, n_out: int, factor: Optional[float], align_corners: bool,
                  dtype: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(i₀, i₁, λ) per output position: out = (1 − λ)·x[i₀] + λ·x[i₁], PyTorch's area_pixel_compute_source_index
    and guard_index_and_lambda in the input's precision (and its copy when n_out = n_in)."""
    dtype = np.dtype(dtype).type
    if n_out == n_in:  # PyTorch copies then, whatever scale_factor says
        return np.arange(n_in), np.arange(n_in), np.zeros(n_in, dtype)
    i = np.arange(n_out).astype(dtype)
    if align_corners:
        scale = dtype(n_in - 1) / dtype(n_out - 1) if n_out > 1 else dtype(0)
        real = scale * i
    else:
        scale = _scale(dtype, n_in, n_out, factor)
        real = np.maximum(_fused(scale, i + dtype(0.5), dtype), dtype(0))
    first = np.minimum(np.floor(real.astype(np.float32)).astype(np.int64), n_in - 1)
    lam = np.clip(real - first.astype(dtype), dtype(0), dtype(1))
    return first, np.minimum(first + 1, n_in - 1), lam


def _area(x: Any, sizes: list[int]):
    """mode='area': the mean over PyTorch's adaptive bins [⌊i·n/m⌋, ⌈(i+1)·n/m⌉) of each axis (5-D: (H, W), then
    D)."""
    from .movement import reshape, transpose
    from .pool_adaptive import adaptive_avg_pool1d, adaptive_avg_pool2d

    if x.ndim == 3:
        return adaptive_avg_pool1d(x, sizes[0])
    if x.ndim == 4:
        return adaptive_avg_pool2d(x, tuple(sizes))
    n, c, d, h, w = x.shape
    plane = adaptive_avg_pool2d(reshape(x, (n, c * d, h, w)), tuple(sizes[1:]))
    columns = reshape(transpose(reshape(plane, (n, c, d, sizes[1] * sizes[2])), 2, 3), (n, -1, d))
    depth = transpose(reshape(adaptive_avg_pool1d(columns, sizes[0]), (n, c, sizes[1] * sizes[2], sizes[0])), 2, 3)
    return reshape(depth, (n, c) + tuple(sizes))


def _along(x: Any, dim: int, index: np.ndarray):
    return x[(slice(None),) * dim + (index,)]


def _weights(values: np.ndarray, dim: int, ndim: int, like: Any):
    shape = [1] * ndim
    shape[dim] = values.size
    return type(like)._make(values.astype(like.dtype).reshape(shape), False)


@composite("interpolate", "δ_x[i] = Σ over the outputs o that read i of weight(o, i)·δ[o] (scatter-add)",
           r"\delta_x[i] = \textstyle\sum_{o} w_{o,i}\, \delta[o]")
def interpolate(input: Any, size: Union[int, Sequence[int], None] = None,
                scale_factor: Union[float, Sequence[float], None] = None, mode: str = "nearest",
                align_corners: Optional[bool] = None, recompute_scale_factor: Optional[bool] = None,
                antialias: bool = False):
    """Resize the spatial dimensions of (N, C, d₁, …) to `size` or by `scale_factor` (output size
    floor(d·scale_factor)), as PyTorch."""
    x = tensor_arg(input, "interpolate")
    if not 3 <= x.ndim <= 5:
        raise ShapeError(f"interpolate: input must be 3-D, 4-D or 5-D (N, C, d1[, d2[, d3]]), got shape {x.shape}")
    spatial = x.shape[2:]
    _check_mode(mode, len(spatial), align_corners, antialias)
    sizes, factors = _output_sizes(spatial, size, scale_factor, recompute_scale_factor)
    if min(spatial) <= 0 or min(sizes) <= 0:
        raise ShapeError(f"interpolate: input and output sizes should be greater than 0, got input {tuple(spatial)} "
                         f"and output {tuple(sizes)}")
    if mode in NEAREST and x.dtype.kind in "biu" and x.dtype != np.uint8:  # images (uint8) only, as PyTorch's
        raise DtypeError(f"interpolate: {mode} mode takes floating or uint8 input, got dtype {x.dtype} (PyTorch: "
                         "\"upsample_nearest2d\" not implemented for it); cast first, e.g. x.float()")
    check_size("interpolate", x.shape[:2] + tuple(sizes), x.dtype)
    dims = range(2, x.ndim)
    if mode in NEAREST:
        compute = np.float64 if x.dtype == np.float64 else np.float32
        sources = [nearest_source(n, m, f, mode == "nearest-exact", len(spatial) == 2, compute)
                   for n, m, f in zip(spatial, sizes, factors)]
        grids = np.ix_(*sources)
        return x[(slice(None), slice(None)) + grids]
    if x.dtype.kind in "biu":
        raise DtypeError(f"interpolate: {mode} mode needs a floating input, got dtype {x.dtype}; cast first, "
                         "e.g. x.float()")
    if mode == "area":  # PyTorch's: adaptive average pooling to the output size (scale factors only size it)
        return _area(x, sizes)
    if mode == "bicubic":
        from .interpolate_cubic import bicubic

        return bicubic(x, sizes, factors, bool(align_corners))
    out = x
    compute = np.float64 if x.dtype == np.float64 or x.dtype == object else np.float32
    for dim, n, m, f in reversed(list(zip(dims, spatial, sizes, factors))):
        first, second, lam = linear_source(n, m, f, bool(align_corners), compute)
        out = (_along(out, dim, first) * _weights(1 - lam, dim, x.ndim, out)
               + _along(out, dim, second) * _weights(lam, dim, x.ndim, out))
    return out
