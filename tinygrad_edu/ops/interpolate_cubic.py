"""F.interpolate(mode='bicubic'): PyTorch's upsample_bicubic2d, separably. Per axis, output position i reads the
four input entries ⌊s⌋ − 1 … ⌊s⌋ + 2 (clamped to [0, n − 1], so the border repeats) at the real source index
s = scale·(i + ½) − ½ (not clamped at 0, unlike the linear modes) or, with align_corners, s = i·(n − 1)/(m − 1),
weighted by Keys' cubic convolution kernel with A = −0.75. Each tap is a gather times a constant weight, so the
gradient is the adjoint (δ scattered back with the same weights) for free."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

A = -0.75
"""The cubic convolution parameter PyTorch uses (as OpenCV; Keys' paper has −0.5)."""


def _near(t: np.ndarray) -> np.ndarray:
    """Keys' kernel for |t| ≤ 1: ((A + 2)|t| − (A + 3))·t² + 1 (PyTorch's cubic_convolution1)."""
    return ((A + 2) * t - (A + 3)) * t * t + 1


def _far(t: np.ndarray) -> np.ndarray:
    """Keys' kernel for 1 ≤ |t| ≤ 2: ((A·|t| − 5A)·|t| + 8A)·|t| − 4A (PyTorch's cubic_convolution2)."""
    return ((A * t - 5 * A) * t + 8 * A) * t - 4 * A


def cubic_source(n_in: int, n_out: int, factor: Optional[float], align_corners: bool,
                 dtype: Any) -> tuple[np.ndarray, np.ndarray]:
    """(indices, weights), each (4, n_out): out[i] = Σₖ weights[k, i]·x[indices[k, i]], in the input's precision,
    as PyTorch's compute_indices_weights_cubic (area_pixel_compute_source_index with cubic=True, then
    guard_index_and_lambda and get_cubic_upsample_coefficients)."""
    from .interpolate import _fused, _scale

    kind = np.dtype(dtype).type
    i = np.arange(n_out).astype(kind)
    if align_corners:
        real = (kind(n_in - 1) / kind(n_out - 1) if n_out > 1 else kind(0)) * i
    else:
        real = _fused(_scale(kind, n_in, n_out, factor), i + kind(0.5), kind)
    first = np.minimum(np.floor(real.astype(np.float32)).astype(np.int64), n_in - 1)
    t = np.clip(real - first.astype(kind), kind(0), kind(1))
    one = kind(1)
    weights = np.stack([_far(t + one), _near(t), _near(one - t), _far(one - t + one)]).astype(kind)
    indices = np.clip(first + np.arange(-1, 3)[:, None], 0, n_in - 1)
    return indices, weights


def bicubic(x: Any, sizes: list[int], factors: list[Optional[float]], align_corners: bool) -> Any:
    """The (N, C, H, W) tensor x resized to sizes by bicubic convolution, one spatial axis after the other."""
    from .interpolate import _along, _weights

    compute = np.float64 if x.dtype == np.float64 or x.dtype == object else np.float32
    out = x
    for dim, n, m, f in reversed(list(zip(range(2, x.ndim), x.shape[2:], sizes, factors))):
        indices, weights = cubic_source(n, m, f, align_corners, compute)
        taps = [_along(out, dim, indices[k]) * _weights(weights[k], dim, x.ndim, out) for k in range(4)]
        out = (taps[0] + taps[1]) + (taps[2] + taps[3])
    return out
