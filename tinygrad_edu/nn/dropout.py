"""Channel-wise dropout layers (PyTorch's Dropout1d, Dropout2d): whole feature maps dropped in training,
identity in eval; nn.Dropout (element-wise) lives in layers.py."""
from __future__ import annotations

from ..ops.channel_dropout import dropout1d, dropout2d
from ..tensor import Tensor
from . import validate
from .module import Module


class _DropoutNd(Module):
    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        self.p = validate.real(type(self).__name__, "p (dropout probability)", p, 0.0, 1.0)
        self.inplace = bool(inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout1d(_DropoutNd):
    """Zero each channel of (N, C, L) or (C, L) input with probability p in training, scale the rest by 1/(1−p)."""

    def forward(self, x: Tensor) -> Tensor:
        return dropout1d(x, self.p, self.training)


class Dropout2d(_DropoutNd):
    """Zero each channel of (N, C, H, W) input with probability p in training, scale the rest by 1/(1−p)."""

    def forward(self, x: Tensor) -> Tensor:
        return dropout2d(x, self.p, self.training)


__all__ = ["Dropout1d", "Dropout2d"]
