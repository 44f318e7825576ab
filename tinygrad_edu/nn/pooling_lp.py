"""Power-average pooling layers (PyTorch's LPPool1d / LPPool2d): (Σ_window xᵖ)^(1/p)."""
from __future__ import annotations

from typing import Any, Optional

from ..ops.pool_lp import lp_pool1d, lp_pool2d
from ..tensor import Tensor
from .module import Module


class _LPPoolNd(Module):
    def __init__(self, norm_type: float, kernel_size: Any, stride: Optional[Any] = None,
                 ceil_mode: bool = False) -> None:
        super().__init__()
        self.norm_type, self.kernel_size, self.stride, self.ceil_mode = norm_type, kernel_size, stride, ceil_mode

    def extra_repr(self) -> str:
        return (f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, stride={self.stride}, "
                f"ceil_mode={self.ceil_mode}")


class LPPool1d(_LPPoolNd):
    """(Σ xᵖ)^(1/p) over windows of length k of (N, C, L) or (C, L) input."""

    def forward(self, x: Tensor) -> Tensor:
        return lp_pool1d(x, self.norm_type, self.kernel_size, self.stride, self.ceil_mode)


class LPPool2d(_LPPoolNd):
    """(Σ xᵖ)^(1/p) over kh×kw windows of (N, C, H, W) or (C, H, W) input."""

    def forward(self, x: Tensor) -> Tensor:
        return lp_pool2d(x, self.norm_type, self.kernel_size, self.stride, self.ceil_mode)


__all__ = ["LPPool1d", "LPPool2d"]
