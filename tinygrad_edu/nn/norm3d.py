"""Batch and instance normalisation of volumes (PyTorch's BatchNorm3d / InstanceNorm3d): the 2-D layers' math,
parameters and buffers, with the 5-D (N, C, D, H, W) input check (InstanceNorm3d also takes unbatched (C, D, H, W))."""
from __future__ import annotations

from .instancenorm import _InstanceNorm
from .normalization import _BatchNorm


class BatchNorm3d(_BatchNorm):
    """Batch normalisation of (N, C, D, H, W) input, per channel C."""

    expected_dims = (5,)


class InstanceNorm3d(_InstanceNorm):
    """Instance normalisation of (N, C, D, H, W) or unbatched (C, D, H, W) input."""

    unbatched_dims = 4


__all__ = ["BatchNorm3d", "InstanceNorm3d"]
