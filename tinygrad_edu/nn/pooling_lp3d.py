"""LPPool3d (PyTorch's name): (Σ_window xᵖ)^(1/p) over kd×kh×kw windows, as F.lp_pool3d."""
from __future__ import annotations

from ..ops.pool_with_indices import lp_pool3d
from ..tensor import Tensor
from .pooling_lp import _LPPoolNd


class LPPool3d(_LPPoolNd):
    """(Σ xᵖ)^(1/p) over kd×kh×kw windows of (N, C, D, H, W) or (C, D, H, W) input."""

    def forward(self, x: Tensor) -> Tensor:
        return lp_pool3d(x, self.norm_type, self.kernel_size, self.stride, self.ceil_mode)


__all__ = ["LPPool3d"]
