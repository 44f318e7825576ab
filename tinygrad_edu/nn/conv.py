"""Convolution layers with PyTorch's parameter shapes and initialisation (lecture F8, F26, F19, F32)."""
from __future__ import annotations

from typing import Any, Union

import numpy as np

from .. import functional as F
from ..errors import ArgumentTypeError, ShapeError
from ..tensor import Tensor
from . import validate
from .init import default_layer_init, uniform_
from .module import Module
from .parameter import Parameter

Size = Union[int, tuple[int, ...]]


def _tuple(value: Size, n: int, layer: str, name: str, minimum: int = 1) -> tuple[int, ...]:
    return validate.integers(layer, name, value, n, minimum)


def _check_groups(layer: str, in_channels: int, out_channels: int, groups: int) -> None:
    validate.integer(layer, "groups", groups, 1)
    if in_channels % groups or out_channels % groups:
        raise ShapeError(f"{layer}: in_channels {in_channels} and out_channels {out_channels} must both be "
                         f"divisible by groups {groups}")


def _padding(layer: str, padding: Any, dims: int, stride: tuple[int, ...], transposed: bool) -> Any:
    """'valid', 'same' (stride 1 only, as PyTorch) or non-negative ints; transposed convolutions take ints."""
    if isinstance(padding, str):
        if transposed:
            raise ArgumentTypeError(f"{layer}: padding must be an int or a {dims}-tuple of ints, got {padding!r} (string "
                             f"padding is for Conv layers)")
        if padding not in ("valid", "same"):
            raise ShapeError(f"{layer}: invalid padding string {padding!r}, should be one of {{'valid', 'same'}}")
        if padding == "same" and any(s != 1 for s in stride):
            raise ShapeError(f"{layer}: padding='same' is not supported for strided convolutions (stride {stride})")
        return padding
    return _tuple(padding, dims, layer, "padding", minimum=0)


class _ConvNd(Module):
    def __init__(self, layer: str, dims: int, in_channels: int, out_channels: int, kernel_size: Size, stride: Size,
                 padding: Any, dilation: Size, groups: int, bias: bool, dtype: Any, transposed: bool) -> None:
        super().__init__()
        in_channels = validate.integer(layer, "in_channels", in_channels, 1)
        out_channels = validate.integer(layer, "out_channels", out_channels, 1)
        _check_groups(layer, in_channels, out_channels, groups)
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = _tuple(kernel_size, dims, layer, "kernel_size")
        self.stride = _tuple(stride, dims, layer, "stride")
        self.padding = _padding(layer, padding, dims, self.stride, transposed)
        self.dilation = _tuple(dilation, dims, layer, "dilation")
        dtype = validate.float_dtype(layer, dtype)
        shape = ((in_channels, out_channels // groups) if transposed else (out_channels, in_channels // groups))
        self.weight = Parameter(validate.empty(layer, shape + self.kernel_size, dtype))
        self.bias = Parameter(validate.empty(layer, (out_channels,), dtype)) if bias else None
        default_layer_init(self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, dilation={self.dilation}, groups={self.groups}")


class Conv1d(_ConvNd):
    def __init__(self, in_channels: int, out_channels: int, kernel_size: Size, stride: Size = 1, padding: Any = 0,
                 dilation: Size = 1, groups: int = 1, bias: bool = True, dtype: Any = None) -> None:
        super().__init__("Conv1d", 1, in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         dtype, transposed=False)

    def forward(self, x: Tensor) -> Tensor:
        padding = self.padding if isinstance(self.padding, str) else self.padding[0]
        return F.conv1d(x, self.weight, self.bias, self.stride[0], padding, self.dilation[0], self.groups)


class Conv2d(_ConvNd):
    """K filters of shape (C/groups)×kh×kw slid over the input: u = ⟨W_m, Z_ij⟩ + b_m (F35)."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Size, stride: Size = 1, padding: Any = 0,
                 dilation: Size = 1, groups: int = 1, bias: bool = True, dtype: Any = None) -> None:
        super().__init__("Conv2d", 2, in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         dtype, transposed=False)

    def forward(self, x: Tensor) -> Tensor:
        return F.conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class ConvTranspose2d(_ConvNd):
    """The adjoint of Conv2d (x' = Wᵀy, F32): weight (in_channels, out_channels/groups, kh, kw)."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Size, stride: Size = 1, padding: Size = 0,
                 output_padding: Size = 0, groups: int = 1, bias: bool = True, dilation: Size = 1,
                 dtype: Any = None) -> None:
        super().__init__("ConvTranspose2d", 2, in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, dtype, transposed=True)
        self.output_padding = _tuple(output_padding, 2, "ConvTranspose2d", "output_padding", minimum=0)
        for op, s, d in zip(self.output_padding, self.stride, self.dilation):
            if op >= max(s, d):
                raise ShapeError(f"ConvTranspose2d: output_padding {self.output_padding} must be smaller than either "
                                 f"stride {self.stride} or dilation {self.dilation}")

    def forward(self, x: Tensor) -> Tensor:
        return F.conv_transpose2d(x, self.weight, self.bias, self.stride, self.padding, self.output_padding,
                                  self.groups, self.dilation)


class LocallyConnected2d(Module):
    """A convolution whose weights are not shared across positions (F19, DeepFace): one filter bank per
    output pixel. weight (out_h, out_w, C_out, C_in, kh, kw), bias (C_out, out_h, out_w)."""

    def __init__(self, in_channels: int, out_channels: int, input_size: Size, kernel_size: Size, stride: Size = 1,
                 padding: Size = 0, bias: bool = True, dtype: Any = None) -> None:
        super().__init__()
        layer = "LocallyConnected2d"
        in_channels = validate.integer(layer, "in_channels", in_channels, 1)
        out_channels = validate.integer(layer, "out_channels", out_channels, 1)
        h, w = _tuple(input_size, 2, layer, "input_size")
        kh, kw = self.kernel_size = _tuple(kernel_size, 2, layer, "kernel_size")
        sh, sw = self.stride = _tuple(stride, 2, layer, "stride")
        ph, pw = self.padding = _tuple(padding, 2, layer, "padding", minimum=0)
        out_h, out_w = (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1
        if out_h < 1 or out_w < 1:
            raise ShapeError(f"LocallyConnected2d: output size ({h} + 2·{ph} − {kh})/{sh} + 1 = {out_h} by "
                             f"({w} + 2·{pw} − {kw})/{sw} + 1 = {out_w} is not positive")
        dtype = validate.float_dtype(layer, dtype)
        self.in_channels, self.out_channels = in_channels, out_channels
        self.weight = Parameter(validate.empty(layer, (out_h, out_w, out_channels, in_channels, kh, kw), dtype))
        self.bias = Parameter(validate.empty(layer, (out_channels, out_h, out_w), dtype)) if bias else None
        fan = in_channels * kh * kw
        bound = 1 / np.sqrt(fan)
        uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            uniform_(self.bias, -bound, bound)

    def forward(self, x: Tensor) -> Tensor:
        return F.locally_connected2d(x, self.weight, self.bias, self.stride, self.padding)
