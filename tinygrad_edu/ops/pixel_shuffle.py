"""Sub-pixel convolution's rearrangement (PyTorch's pixel_shuffle / pixel_unshuffle): channels C·r² become an
r×r block of pixels and back, as one reshape and one permute (so the gradient is the inverse rearrangement)."""
from __future__ import annotations

from typing import Any

from ..errors import ShapeError
from .args import integer, tensor_arg


def _checked(op: str, input: Any, factor: Any, name: str) -> tuple:
    x = tensor_arg(input, op)
    r = integer(op, name, factor)
    if x.ndim < 3:
        raise ShapeError(f"{op} expects input to have at least 3 dimensions (*, C, H, W), but got input with "
                         f"{x.ndim} dimension(s) (shape {x.shape})")
    if r <= 0:
        raise ShapeError(f"{op} expects a positive {name}, but got {r}")
    return x, r


def pixel_shuffle(input: Any, upscale_factor: int) -> Any:
    """(*, C·r², H, W) → (*, C, H·r, W·r): output pixel (h·r + i, w·r + j) of channel c is input channel
    c·r² + i·r + j at (h, w)."""
    op = "pixel_shuffle"
    x, r = _checked(op, input, upscale_factor, "upscale_factor")
    *lead, c, h, w = x.shape
    if c % (r * r):
        raise ShapeError(f"{op} expects its input's 'channel' dimension to be divisible by the square of "
                         f"upscale_factor, but input.size(-3)={c} is not divisible by {r * r} (input {x.shape})")
    k = len(lead)
    blocks = x.reshape(*lead, c // (r * r), r, r, h, w)
    return blocks.permute(*range(k), k, k + 3, k + 1, k + 4, k + 2).reshape(*lead, c // (r * r), h * r, w * r)


def pixel_unshuffle(input: Any, downscale_factor: int) -> Any:
    """(*, C, H·r, W·r) → (*, C·r², H, W), the inverse of pixel_shuffle."""
    op = "pixel_unshuffle"
    x, r = _checked(op, input, downscale_factor, "downscale_factor")
    *lead, c, h, w = x.shape
    for axis, n in (("height", h), ("width", w)):
        if n % r:
            raise ShapeError(f"{op} expects {axis} to be divisible by downscale_factor, but input.size("
                             f"{-2 if axis == 'height' else -1})={n} is not divisible by {r} (input {x.shape})")
    k = len(lead)
    blocks = x.reshape(*lead, c, h // r, r, w // r, r)
    return blocks.permute(*range(k), k, k + 2, k + 4, k + 1, k + 3).reshape(*lead, c * r * r, h // r, w // r)


__all__ = ["pixel_shuffle", "pixel_unshuffle"]
