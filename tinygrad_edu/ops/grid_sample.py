"""F.affine_grid and F.grid_sample (the spatial transformer's sampler) for 4-D and 5-D inputs, with PyTorch's
coordinate rules: grid values in [−1, 1] unnormalised with or without align_corners, padding modes zeros / border /
reflection, modes bilinear (trilinear for 5-D), nearest and bicubic (4-D). A composition: the integer corners come
from the grid's numbers, the weights are differentiable in the grid and the corner values are a gather from the
input (adjoint: a scatter-add), so both the input and the grid get PyTorch's gradients."""
from __future__ import annotations

import itertools
import warnings
from typing import Any, Optional, Sequence

import numpy as np

from ..autograd import composite
from ..errors import ArgumentTypeError, ShapeError
from .args import flag, tensor_arg
from ..tensor import Tensor
from .compare import DtypeError, where

MODES = ("bilinear", "nearest", "bicubic")
PADDING_MODES = ("zeros", "border", "reflection")
#: PyTorch's F.GRID_SAMPLE_INTERPOLATION_MODES / F.GRID_SAMPLE_PADDING_MODES (name → its kernel's enum value)
GRID_SAMPLE_INTERPOLATION_MODES = {name: i for i, name in enumerate(MODES)}
GRID_SAMPLE_PADDING_MODES = {name: i for i, name in enumerate(PADDING_MODES)}


def _linspace(steps: int, align_corners: bool) -> np.ndarray:
    """PyTorch's base-grid coordinates along one axis: −1 … 1 (pixel centres when not align_corners)."""
    if steps <= 1:
        return np.zeros(max(steps, 0))
    values = np.linspace(-1.0, 1.0, steps)
    return values if align_corners else values * (steps - 1) / steps


def _check_size(theta: Any, size: Sequence[int]) -> tuple[int, ...]:
    if not isinstance(size, (tuple, list)) or not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool)
                                                       for s in size):
        raise TypeError(f"affine_grid: size must be a sequence of ints (N, C, H, W) or (N, C, D, H, W), got {size!r}")
    size = tuple(int(s) for s in size)
    if len(size) not in (4, 5):
        raise ShapeError(f"affine_grid: only 2-D and 3-D affine grids are supported: size must be (N, C, H, W) or "
                         f"(N, C, D, H, W), got {size}")
    if min(size) <= 0:
        raise ShapeError(f"affine_grid: every entry of size must be positive, got {size}")
    k = len(size) - 2
    if theta.ndim != 3 or theta.shape[1:] != (k, k + 1):
        raise ShapeError(f"affine_grid: expected a batch of {k}-D affine matrices of shape (N, {k}, {k + 1}) for "
                         f"size {size}, got theta of shape {theta.shape}")
    if theta.shape[0] != size[0]:
        raise ShapeError(f"affine_grid: theta has {theta.shape[0]} matrices but size asks for N = {size[0]} "
                         f"(rule: theta (N, {k}, {k + 1}) with size (N, C, …))")
    return size


@composite("affine_grid", "grid = base θᵀ: δ_θ = Σ_pixels δᵀ base", r"\delta_\theta = \sum \delta^\top \mathrm{base}")
def affine_grid(theta: Any, size: Sequence[int], align_corners: Optional[bool] = None) -> Any:
    """The sampling grid (N, H, W, 2) (or (N, D, H, W, 3)) of the affine maps theta (N, 2, 3) (or (N, 3, 4)):
    grid[n, i, j] = θₙ · (xⱼ, yᵢ, 1), with x, y PyTorch's normalised pixel coordinates."""
    theta = tensor_arg(theta, "affine_grid")
    if theta.dtype.kind != "f" and theta.dtype != object:  # PyTorch: ValueError
        raise ArgumentTypeError(f"affine_grid: expected theta to have floating point type, got {theta.dtype}")
    size = _check_size(theta, size)
    align_corners = _corners("affine_grid", align_corners)
    spatial = size[2:]
    axes = [_linspace(s, align_corners) for s in reversed(spatial)]  # x (W), y (H)[, z (D)]
    mesh = np.meshgrid(*[axes[i] for i in reversed(range(len(axes)))], indexing="ij")  # D, H, W order
    coords = [mesh[len(mesh) - 1 - i] for i in range(len(mesh))]  # x, y[, z]
    base = np.stack(coords + [np.ones(spatial)], axis=-1).reshape(1, -1, len(spatial) + 1)
    dtype = theta.dtype if theta.dtype != object else np.float64
    grid = Tensor(base.astype(dtype)) @ theta.transpose(1, 2)
    return grid.reshape(size[0], *spatial, len(spatial))


def _check(input: Any, grid: Any, mode: str, padding_mode: str) -> None:
    if mode not in MODES:
        raise ShapeError(f"grid_sample: mode must be one of {', '.join(MODES)}, got {mode!r}")
    if padding_mode not in PADDING_MODES:
        raise ShapeError(f"grid_sample: padding_mode must be one of {', '.join(PADDING_MODES)}, got {padding_mode!r}")
    if input.ndim not in (4, 5):
        raise ShapeError(f"grid_sample: input must be 4-D (N, C, H, W) or 5-D (N, C, D, H, W), got {input.shape}")
    k = input.ndim - 2
    if grid.ndim != input.ndim or grid.shape[-1] != k:
        raise ShapeError(f"grid_sample: for input of shape {input.shape} the grid must have shape (N, "
                         f"{', '.join(['out'] * k)}, {k}), got {grid.shape}")
    if grid.shape[0] != input.shape[0]:
        raise ShapeError(f"grid_sample: grid and input must have the same batch size, got input {input.shape} and "
                         f"grid {grid.shape}")
    if min(input.shape[2:]) == 0:
        raise ShapeError(f"grid_sample: input spatial sizes must be non-zero, got {input.shape}")
    if mode == "bicubic" and k != 2:
        raise ShapeError(f"grid_sample: bicubic interpolation only supports 4-D input, got {input.shape}")
    for name, t in (("input", input), ("grid", grid)):
        if t.dtype.kind != "f" and not (name == "input" and t.dtype == object):
            raise DtypeError(f"grid_sample: expected {name} to have floating point type, got {t.dtype}")
    if input.dtype != object and input.dtype != grid.dtype:
        raise DtypeError(f"grid_sample: expected input and grid to have the same dtype, got input {input.dtype} and "
                         f"grid {grid.dtype}")


def _corners(op: str, align_corners: Any) -> bool:
    """align_corners: True, False or None (= False, with PyTorch's warning at the caller's line)."""
    if align_corners is None:
        warnings.warn("Default grid_sample and affine_grid behavior has changed to align_corners=False since "
                      "PyTorch 1.3.0 (and is False here). Please specify align_corners=True if the old behavior is "
                      "desired.", UserWarning, stacklevel=4)
        return False
    return flag(op, "align_corners", align_corners)


def _unnormalize(g: Any, size: int, align_corners: bool) -> Any:
    """Grid value in [−1, 1] → pixel coordinate: (g + 1)/2·(size − 1) with align_corners, else ((g + 1)·size − 1)/2."""
    return (g + 1) * ((size - 1) / 2) if align_corners else ((g + 1) * size - 1) / 2


def _clip(c: Any, size: int) -> Any:
    """clamp(c, 0, size − 1) with PyTorch's gradient: 1 strictly inside, 0 at and beyond the edges."""
    data = c.data
    inside = (data > 0) & (data < size - 1)
    return where(inside, c, np.clip(data, 0, size - 1).astype(data.dtype))


def _reflect(c: Any, size: int, align_corners: bool) -> Any:
    """The coordinate mirrored into [0, size − 1] (align_corners) or [−0.5, size − 0.5]: value as PyTorch's
    reflect_coordinates, derivative ±1 by the number of mirrorings."""
    low, high = (0, 2 * (size - 1)) if align_corners else (-1, 2 * size - 1)
    data = c.data
    if low == high:
        return (c - c.detach()) * 0
    lo, span = low / 2, (high - low) / 2
    shifted = data - lo
    sign = np.where(shifted < 0, -1.0, 1.0)
    a = np.abs(shifted)
    extra, flips = np.fmod(a, span), np.floor(a / span)
    even = np.fmod(flips, 2) == 0
    value = np.where(even, extra + lo, span - extra + lo).astype(data.dtype)
    slope = (sign * np.where(even, 1.0, -1.0)).astype(data.dtype)
    return (c - c.detach()) * slope + value


def _coordinates(grid: Any, sizes: tuple[int, ...], padding_mode: str, align_corners: bool,
                 pad: bool = True) -> list[Any]:
    """Source coordinates per spatial input axis (D, H, W order), each of shape (N, *out)."""
    k = len(sizes)
    coords = []
    for axis, size in enumerate(sizes):
        c = _unnormalize(grid[..., k - 1 - axis], size, align_corners)
        if pad and padding_mode == "border":
            c = _clip(c, size)
        elif pad and padding_mode == "reflection":
            c = _clip(_reflect(c, size, align_corners), size)
        coords.append(c)
    return coords


def _gather(flat: Any, indices: list[np.ndarray], sizes: tuple[int, ...]) -> Any:
    """flat[n, c, idx] for integer corner indices (one array (N, *taps) per axis); a corner outside the input reads
    a zero appended to each plane (so it neither contributes nor receives a gradient, whatever the input holds)."""
    from .movement import cat

    valid = np.ones(indices[0].shape, dtype=bool)
    offset = np.zeros(indices[0].shape, dtype=np.int64)
    for idx, size in zip(indices, sizes):
        valid &= (idx >= 0) & (idx < size)
        offset = offset * size + np.clip(idx, 0, size - 1)
    n, c, plane = flat.shape
    offset[~valid] = plane
    zero = np.zeros((n, c, 1), dtype=flat.dtype) if flat.dtype != object else np.full((n, c, 1), 0, dtype=object)
    padded = cat([flat, Tensor(zero)], 2)
    out_nd = offset.ndim - 1
    batch = np.arange(n).reshape((n, 1) + (1,) * out_nd)
    channel = np.arange(c).reshape((1, c) + (1,) * out_nd)
    return padded[batch, channel, offset[:, None]]


def _integer(data: np.ndarray) -> np.ndarray:
    """Float coordinates as int64, non-finite ones sent far outside (they sample the zero padding)."""
    safe = np.where(np.isfinite(data), data, -(2 ** 40))
    return np.clip(safe, -(2 ** 40), 2 ** 40).astype(np.int64)


def _weighted_sum(flat: Any, taps: list[tuple[list[np.ndarray], Any]], sizes: tuple[int, ...]) -> Any:
    """Σ_taps w · x[tap] as one gather of all T taps (N, C, T, *out) and one weighted sum over T."""
    from .movement import stack

    indices = [np.stack([tap[0][axis] for tap in taps], axis=1) for axis in range(len(sizes))]
    values = _gather(flat, indices, sizes)
    weights = stack([tap[1] for tap in taps], 1)
    return (values * weights.unsqueeze(1)).sum(2)


def _linear_taps(coords: list[Any]) -> list[tuple[list[np.ndarray], Any]]:
    """The 2ᵏ corners around each point and their (bi/tri)linear weights, products of (i₀ + 1 − c) and (c − i₀)."""
    # a non-finite coordinate's corners all lie outside (they read zeros), as PyTorch's bounds check has it
    floors = [np.floor(np.where(np.isfinite(c.data), c.data, -(2.0 ** 40))) for c in coords]
    sides = [((f + 1).astype(c.dtype) - c, c - f.astype(c.dtype)) for c, f in zip(coords, floors)]
    taps = []
    for bits in itertools.product((0, 1), repeat=len(coords)):
        weight = None
        for side, bit in zip(sides, bits):
            weight = side[bit] if weight is None else weight * side[bit]
        taps.append(([_integer(f + b) for f, b in zip(floors, bits)], weight))
    return taps


def _cubic(t: Any) -> list[Any]:
    """Keys' cubic-convolution weights (A = −0.75, as PyTorch) of the 4 taps at offsets −1, 0, 1, 2 from ⌊c⌋."""
    a = -0.75

    def near(x: Any) -> Any:
        return ((x * (a + 2) - (a + 3)) * x) * x + 1

    def far(x: Any) -> Any:
        return ((x * a - 5 * a) * x + 8 * a) * x - 4 * a

    return [far(t + 1), near(t), near(1 - t), far(2 - t)]


def _bounded(index: np.ndarray, size: int, padding_mode: str, align_corners: bool) -> np.ndarray:
    """A cubic tap's integer coordinate after the padding rule (PyTorch's get_value_bounded)."""
    coord = Tensor(index.astype(np.float64))
    if padding_mode == "border":
        coord = _clip(coord, size)
    elif padding_mode == "reflection":
        coord = _clip(_reflect(coord, size, align_corners), size)
    return _integer(np.trunc(coord.data))


def _cubic_taps(coords: list[Any], padding_mode: str, align_corners: bool,
                sizes: tuple[int, ...]) -> list[tuple[list[np.ndarray], Any]]:
    floors = [np.floor(np.where(np.isfinite(c.data), c.data, 0)) for c in coords]
    weights = [_cubic(c - f.astype(c.dtype)) for c, f in zip(coords, floors)]
    taps = []
    for offsets in itertools.product(range(4), repeat=2):
        indices = [_bounded(f + o - 1, s, padding_mode, align_corners) for f, o, s in zip(floors, offsets, sizes)]
        taps.append((indices, weights[0][offsets[0]] * weights[1][offsets[1]]))
    return taps


@composite("grid_sample", "out = Σ_corners w(grid) · x[corner]: δ_x = scatter-add of w·δ to the corners, "
           "δ_grid = Σ_corners x[corner] · ∂w/∂grid · δ",
           r"\delta_x = \mathrm{scatter}(w\,\delta),\ \delta_{grid} = \sum x_{corner}\,\partial w/\partial grid\,\delta")
def grid_sample(input: Any, grid: Any, mode: str = "bilinear", padding_mode: str = "zeros",
                align_corners: Optional[bool] = None) -> Any:
    """Sample input (N, C, H, W) (or (N, C, D, H, W)) at the grid's points (N, Hₒ, Wₒ, 2) with (x, y) in [−1, 1],
    as PyTorch: output (N, C, Hₒ, Wₒ); gradients reach both the input and the grid."""
    input, grid = tensor_arg(input, "grid_sample"), tensor_arg(grid, "grid_sample")
    _check(input, grid, mode, padding_mode)
    align_corners = _corners("grid_sample", align_corners)
    sizes = tuple(input.shape[2:])
    flat = input.reshape(input.shape[0], input.shape[1], int(np.prod(sizes)))
    if mode == "bicubic":
        coords = _coordinates(grid, sizes, padding_mode, align_corners, pad=False)
        return _weighted_sum(flat, _cubic_taps(coords, padding_mode, align_corners, sizes), sizes)
    coords = _coordinates(grid, sizes, padding_mode, align_corners)
    if mode == "bilinear":
        return _weighted_sum(flat, _linear_taps(coords), sizes)
    indices = [_integer(np.rint(np.where(np.isfinite(c.data), c.data, -(2.0 ** 40)))) for c in coords]
    out = _gather(flat, indices, sizes)
    still = sum((c - c.detach()) * 0 for c in coords)  # the grid gets PyTorch's zero gradient, not None
    return out + still.unsqueeze(1)


__all__ = ["affine_grid", "grid_sample", "GRID_SAMPLE_INTERPOLATION_MODES", "GRID_SAMPLE_PADDING_MODES"]
