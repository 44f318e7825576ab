"""Pooling layers (lecture F11, F27, F36, F62)."""
from __future__ import annotations

from typing import Any, Optional, Sequence

from .. import functional as F
from ..tensor import Tensor
from .module import Module


class MaxPool2d(Module):
    def __init__(self, kernel_size: Any, stride: Optional[Any] = None, padding: Any = 0) -> None:
        super().__init__()
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding

    def forward(self, x: Tensor) -> Tensor:
        return F.max_pool2d(x, self.kernel_size, self.stride, self.padding)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride or self.kernel_size}, padding={self.padding}"


class AvgPool2d(MaxPool2d):
    def forward(self, x: Tensor) -> Tensor:
        return F.avg_pool2d(x, self.kernel_size, self.stride, self.padding)


class AdaptiveAvgPool2d(Module):
    """Average over adaptive bins; output_size 1 is global average pooling."""

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, x: Tensor) -> Tensor:
        return F.adaptive_avg_pool2d(x, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class SpatialPyramidPool2d(Module):
    """Pool at several grid sizes and concatenate: a fixed-length vector for any input size (F62)."""

    def __init__(self, levels: Sequence[int] = (1, 2, 4), mode: str = "max") -> None:
        super().__init__()
        self.levels, self.mode = tuple(levels), mode

    def forward(self, x: Tensor) -> Tensor:
        return F.spatial_pyramid_pool2d(x, self.levels, self.mode)
