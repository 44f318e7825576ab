"""Upsample over F.interpolate (nearest, nearest-exact, linear, bilinear, bicubic, trilinear, area), with PyTorch's
arguments and repr; UpsamplingNearest2d and UpsamplingBilinear2d (align_corners=True) as PyTorch defines them."""
from __future__ import annotations

from typing import Optional, Sequence, Union

from .. import functional as F
from ..tensor import Tensor
from .module import Module


class Upsample(Module):
    """F.interpolate as a layer: to `size` or by `scale_factor`."""

    def __init__(self, size: Union[int, Sequence[int], None] = None,
                 scale_factor: Union[float, Sequence[float], None] = None, mode: str = "nearest",
                 align_corners: Optional[bool] = None, recompute_scale_factor: Optional[bool] = None) -> None:
        super().__init__()
        self.size = size
        if isinstance(scale_factor, (tuple, list)):
            self.scale_factor = tuple(float(f) for f in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor is not None else None
        self.mode, self.align_corners, self.recompute_scale_factor = mode, align_corners, recompute_scale_factor

    def forward(self, x: Tensor) -> Tensor:
        return F.interpolate(x, self.size, self.scale_factor, self.mode, self.align_corners,
                             recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self) -> str:
        what = f"scale_factor={self.scale_factor!r}" if self.scale_factor is not None else f"size={self.size!r}"
        return f"{what}, mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """Upsample(mode='nearest')."""

    def __init__(self, size: Union[int, Sequence[int], None] = None,
                 scale_factor: Union[float, Sequence[float], None] = None) -> None:
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """Upsample(mode='bilinear', align_corners=True)."""

    def __init__(self, size: Union[int, Sequence[int], None] = None,
                 scale_factor: Union[float, Sequence[float], None] = None) -> None:
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)


__all__ = ["Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d"]
