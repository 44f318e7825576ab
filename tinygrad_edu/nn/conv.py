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


_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _padding_mode(layer: str, padding_mode: Any, transposed: bool) -> str:
    """PyTorch's four modes; a transposed convolution pads only with zeros (ShapeError, a ValueError, as PyTorch)."""
    if padding_mode not in _PADDING_MODES:
        raise ShapeError(f"{layer}: padding_mode must be one of {set(_PADDING_MODES)}, but got "
                         f"padding_mode={padding_mode!r}")
    if transposed and padding_mode != "zeros":
        raise ShapeError(f'{layer}: only "zeros" padding mode is supported, got {padding_mode!r}')
    return padding_mode


def _side_pads(padding: Any, kernel: tuple[int, ...], dilation: tuple[int, ...]) -> list[int]:
    """F.pad's list (last dimension first, left then right) for a conv padding: ints, 'valid' or 'same'
    ('same' puts the odd extra row/column on the right, as PyTorch: left = d(k−1)//2)."""
    if padding == "valid":
        return [0] * (2 * len(kernel))
    pads: list[int] = []
    for i in reversed(range(len(kernel))):
        if padding == "same":
            total = dilation[i] * (kernel[i] - 1)
            pads += [total // 2, total - total // 2]
        else:
            pads += [padding[i], padding[i]]
    return pads


class _ConvNd(Module):
    def __init__(self, layer: str, dims: int, in_channels: int, out_channels: int, kernel_size: Size, stride: Size,
                 padding: Any, dilation: Size, groups: int, bias: bool, dtype: Any, transposed: bool,
                 padding_mode: str = "zeros") -> None:
        super().__init__()
        in_channels = validate.integer(layer, "in_channels", in_channels, 1)
        out_channels = validate.integer(layer, "out_channels", out_channels, 1)
        _check_groups(layer, in_channels, out_channels, groups)
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = _tuple(kernel_size, dims, layer, "kernel_size")
        self.stride = _tuple(stride, dims, layer, "stride")
        self.padding = _padding(layer, padding, dims, self.stride, transposed)
        self.dilation = _tuple(dilation, dims, layer, "dilation")
        self.padding_mode = _padding_mode(layer, padding_mode, transposed)
        dtype = validate.float_dtype(layer, dtype)
        shape = ((in_channels, out_channels // groups) if transposed else (out_channels, in_channels // groups))
        self.weight = Parameter(validate.empty(layer, shape + self.kernel_size, dtype))
        self.bias = Parameter(validate.empty(layer, (out_channels,), dtype)) if bias else None
        default_layer_init(self.weight, self.bias)

    def extra_repr(self) -> str:
        """PyTorch's _ConvNd.extra_repr: the shape, then only what differs from the defaults."""
        zeros, ones = (0,) * len(self.kernel_size), (1,) * len(self.kernel_size)
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != zeros:
            s += f", padding={self.padding}"
        if self.dilation != ones:
            s += f", dilation={self.dilation}"
        if getattr(self, "output_padding", zeros) != zeros:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s

    def _padded(self, x: Tensor) -> tuple[Tensor, Any]:
        """(input, padding) for the convolution: zeros pad inside it; other modes pad with F.pad first, then none."""
        if self.padding_mode == "zeros":
            return x, self.padding
        pads = _side_pads(self.padding, self.kernel_size, self.dilation)
        return F.pad(x, pads, mode=self.padding_mode), 0


class Conv1d(_ConvNd):
    def __init__(self, in_channels: int, out_channels: int, kernel_size: Size, stride: Size = 1, padding: Any = 0,
                 dilation: Size = 1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 dtype: Any = None) -> None:
        super().__init__("Conv1d", 1, in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         dtype, transposed=False, padding_mode=padding_mode)

    def forward(self, x: Tensor) -> Tensor:
        x, padding = self._padded(x)
        padding = padding if isinstance(padding, (str, int)) else padding[0]
        return F.conv1d(x, self.weight, self.bias, self.stride[0], padding, self.dilation[0], self.groups)


class Conv2d(_ConvNd):
    """K filters of shape (C/groups)×kh×kw slid over the input: u = ⟨W_m, Z_ij⟩ + b_m (F35)."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Size, stride: Size = 1, padding: Any = 0,
                 dilation: Size = 1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 dtype: Any = None) -> None:
        super().__init__("Conv2d", 2, in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         dtype, transposed=False, padding_mode=padding_mode)

    def forward(self, x: Tensor) -> Tensor:
        x, padding = self._padded(x)
        return F.conv2d(x, self.weight, self.bias, self.stride, padding, self.dilation, self.groups)


class _ConvTransposeNd(_ConvNd):
    """What the transposed layers share: output_padding, checked against stride and dilation, and forward's
    output_size, which picks the output_padding that gives it (PyTorch's rule)."""

    def __init__(self, layer: str, dims: int, in_channels: int, out_channels: int, kernel_size: Size, stride: Size,
                 padding: Any, output_padding: Size, groups: int, bias: bool, dilation: Size, padding_mode: str,
                 dtype: Any) -> None:
        super().__init__(layer, dims, in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         dtype, transposed=True, padding_mode=padding_mode)
        self.output_padding = _tuple(output_padding, dims, layer, "output_padding", minimum=0)
        if any(e >= max(s, d) for e, s, d in zip(self.output_padding, self.stride, self.dilation)):
            raise ShapeError(f"{layer}: output_padding {self.output_padding} must be smaller than either "
                             f"stride {self.stride} or dilation {self.dilation}")

    def _output_padding(self, x: Any, output_size: Any) -> tuple[int, ...]:
        """output_size − the smallest size the layer gives for x; it must lie in [smallest, smallest + stride − 1]."""
        if output_size is None:
            return self.output_padding
        layer, dims, shape = type(self).__name__, len(self.kernel_size), np.shape(getattr(x, "data", x))
        size = [int(v) for v in output_size]
        leading = 2 if len(shape) == dims + 2 else 1
        if len(size) == leading + dims:
            size = size[leading:]
        if len(size) != dims:
            raise ShapeError(f"{layer}: for {leading + dims}D input, output_size must have {dims} or {leading + dims} "
                             f"elements (got {len(size)})")
        spatial = [int(v) for v in shape[-dims:]]
        smallest = [(n - 1) * s - 2 * p + d * (k - 1) + 1 for n, s, p, d, k in
                    zip(spatial, self.stride, self.padding, self.dilation, self.kernel_size)]
        largest = [m + s - 1 for m, s in zip(smallest, self.stride)]
        if any(not lo <= v <= hi for v, lo, hi in zip(size, smallest, largest)):
            raise ShapeError(f"{layer}: requested an output size of {size}, but valid sizes range from "
                             f"{smallest} to {largest} (for an input of {spatial})")
        return tuple(v - lo for v, lo in zip(size, smallest))


class ConvTranspose2d(_ConvTransposeNd):
    """The adjoint of Conv2d (x' = Wᵀy, F32): weight (in_channels, out_channels/groups, kh, kw)."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Size, stride: Size = 1, padding: Size = 0,
                 output_padding: Size = 0, groups: int = 1, bias: bool = True, dilation: Size = 1,
                 padding_mode: str = "zeros", dtype: Any = None) -> None:
        super().__init__("ConvTranspose2d", 2, in_channels, out_channels, kernel_size, stride, padding,
                         output_padding, groups, bias, dilation, padding_mode, dtype)

    def forward(self, x: Tensor, output_size: Any = None) -> Tensor:
        """output_size (H, W), or with the leading (N, C), picks the output_padding that gives it (PyTorch's rule)."""
        return F.conv_transpose2d(x, self.weight, self.bias, self.stride, self.padding,
                                  self._output_padding(x, output_size), self.groups, self.dilation)


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
