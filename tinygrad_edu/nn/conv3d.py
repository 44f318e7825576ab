"""3-D convolution layers (PyTorch's Conv3d / ConvTranspose3d) for volumes and video: the parameters, checks and
padding modes of the 2-D layers (nn/conv.py's _ConvNd), the forward through ops/conv3d.py, PyTorch's repr."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ArgumentTypeError
from ..ops.conv3d import conv3d, conv_transpose3d
from ..tensor import Tensor
from . import validate
from .conv import Size, _ConvNd, _ConvTransposeNd


def _channel_counts(layer: str, **counts: Any) -> None:
    """in_channels, out_channels and groups as ints: a float is refused with an error that is a TypeError and also
    the ValueError PyTorch raises there (its divisibility check meets 1.5 first)."""
    for name, value in counts.items():
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise ArgumentTypeError(f"{layer}: {name} must be an int, got {value!r} ({type(value).__name__})")


class Conv3d(_ConvNd):
    """K filters of shape (C/groups)×kd×kh×kw slid over a volume: u = ⟨W_m, Z_tij⟩ + b_m."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Size, stride: Size = 1, padding: Any = 0,
                 dilation: Size = 1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 device: Any = None, dtype: Any = None) -> None:
        validate.device("Conv3d", device)
        _channel_counts("Conv3d", in_channels=in_channels, out_channels=out_channels, groups=groups)
        super().__init__("Conv3d", 3, in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         dtype, transposed=False, padding_mode=padding_mode)

    def forward(self, x: Tensor) -> Tensor:
        x, padding = self._padded(x)
        return conv3d(x, self.weight, self.bias, self.stride, padding, self.dilation, self.groups)


class ConvTranspose3d(_ConvTransposeNd):
    """The adjoint of Conv3d: weight (in_channels, out_channels/groups, kd, kh, kw)."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Size, stride: Size = 1, padding: Size = 0,
                 output_padding: Size = 0, groups: int = 1, bias: bool = True, dilation: Size = 1,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        validate.device("ConvTranspose3d", device)
        _channel_counts("ConvTranspose3d", in_channels=in_channels, out_channels=out_channels, groups=groups)
        super().__init__("ConvTranspose3d", 3, in_channels, out_channels, kernel_size, stride, padding,
                         output_padding, groups, bias, dilation, padding_mode, dtype)

    def forward(self, x: Tensor, output_size: Any = None) -> Tensor:
        """output_size (D, H, W), or with the leading (N, C), picks the output_padding that gives it (PyTorch's
        rule)."""
        return conv_transpose3d(x, self.weight, self.bias, self.stride, self.padding,
                                self._output_padding(x, output_size), self.groups, self.dilation)


__all__ = ["Conv3d", "ConvTranspose3d"]
