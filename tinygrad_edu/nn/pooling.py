"""Pooling layers (lecture F11, F27, F36, F62) with PyTorch's arguments and reprs; the arguments are checked
when the layer is built, with the functional op's messages."""
from __future__ import annotations

from typing import Any, Optional, Sequence

from .. import functional as F
from ..ops.pool import check_divisor
from ..ops.pool_shapes import output_sizes, pyramid_levels, window_args
from ..tensor import Tensor
from .module import Module


class MaxPool2d(Module):
    """Max over kh×kw windows; return_indices=True makes forward return (output, flat indices)."""

    _op, _dims = "max_pool2d", 2

    def __init__(self, kernel_size: Any, stride: Optional[Any] = None, padding: Any = 0, dilation: Any = 1,
                 return_indices: bool = False, ceil_mode: bool = False) -> None:
        super().__init__()
        window_args(self._op, self._dims, kernel_size, stride, padding, dilation, ceil_mode)
        self.kernel_size, self.padding, self.dilation = kernel_size, padding, dilation
        self.stride = stride if stride is not None else kernel_size
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, x: Tensor) -> Any:
        return F.max_pool2d(x, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
                            self.return_indices)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(MaxPool2d):
    """Max over windows of length k of (N, C, L) or (C, L) inputs."""

    _op, _dims = "max_pool1d", 1

    def forward(self, x: Tensor) -> Any:
        return F.max_pool1d(x, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
                            self.return_indices)


class AvgPool2d(Module):
    """Mean over kh×kw windows with PyTorch's divisor rules (count_include_pad, divisor_override)."""

    def __init__(self, kernel_size: Any, stride: Optional[Any] = None, padding: Any = 0, ceil_mode: bool = False,
                 count_include_pad: bool = True, divisor_override: Optional[int] = None) -> None:
        super().__init__()
        window_args("avg_pool2d", 2, kernel_size, stride, padding, 1, ceil_mode)
        check_divisor("avg_pool2d", divisor_override)
        self.kernel_size, self.padding = kernel_size, padding
        self.stride = stride if stride is not None else kernel_size
        self.ceil_mode, self.count_include_pad, self.divisor_override = ceil_mode, count_include_pad, divisor_override

    def forward(self, x: Tensor) -> Tensor:
        return F.avg_pool2d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad,
                            self.divisor_override)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


def _single(value: Any) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


class AvgPool1d(Module):
    """Mean over windows of length k; stores its arguments as 1-tuples, as PyTorch (and shows them so)."""

    def __init__(self, kernel_size: Any, stride: Optional[Any] = None, padding: Any = 0, ceil_mode: bool = False,
                 count_include_pad: bool = True) -> None:
        super().__init__()
        window_args("avg_pool1d", 1, kernel_size, stride, padding, 1, ceil_mode)
        self.kernel_size = _single(kernel_size)
        self.stride = _single(stride if stride is not None else kernel_size)
        self.padding = _single(padding)
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad

    def forward(self, x: Tensor) -> Tensor:
        return F.avg_pool1d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


def _pair(value: Any) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


class MaxUnpool2d(Module):
    """The partial inverse of MaxPool2d: forward(input, indices, output_size=None) as F.max_unpool2d."""

    def __init__(self, kernel_size: Any, stride: Optional[Any] = None, padding: Any = 0) -> None:
        super().__init__()
        window_args("max_unpool2d", 2, kernel_size, stride, padding, half_kernel_padding=False)
        self.kernel_size = _pair(kernel_size)
        self.stride = _pair(stride if stride is not None else kernel_size)
        self.padding = _pair(padding)

    def forward(self, x: Tensor, indices: Tensor, output_size: Optional[Sequence[int]] = None) -> Tensor:
        return F.max_unpool2d(x, indices, self.kernel_size, self.stride, self.padding, output_size)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """Average over adaptive bins; output_size 1 is global average pooling, None keeps an input size."""

    _op, _dims = "adaptive_avg_pool2d", 2

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        output_sizes(self._op, output_size, (1,) * self._dims, allow_none=self._dims == 2)
        self.output_size = output_size

    def forward(self, x: Tensor) -> Tensor:
        return F.adaptive_avg_pool2d(x, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(AdaptiveAvgPool2d):
    """Average over adaptive bins of (N, C, L) or (C, L) inputs to length output_size."""

    _op, _dims = "adaptive_avg_pool1d", 1

    def forward(self, x: Tensor) -> Tensor:
        return F.adaptive_avg_pool1d(x, self.output_size)


class AdaptiveMaxPool2d(AdaptiveAvgPool2d):
    """Max over adaptive bins; return_indices=True makes forward return (output, flat indices)."""

    _op = "adaptive_max_pool2d"

    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__(output_size)
        self.return_indices = return_indices

    def forward(self, x: Tensor) -> Any:
        return F.adaptive_max_pool2d(x, self.output_size, self.return_indices)


class AdaptiveMaxPool1d(AdaptiveMaxPool2d):
    """Max over adaptive bins of (N, C, L) or (C, L) inputs to length output_size."""

    _op, _dims = "adaptive_max_pool1d", 1

    def forward(self, x: Tensor) -> Any:
        return F.adaptive_max_pool1d(x, self.output_size, self.return_indices)


class SpatialPyramidPool2d(Module):
    """Pool at several grid sizes and concatenate: a fixed-length vector for any input size (F62)."""

    def __init__(self, levels: Sequence[int] = (1, 2, 4), mode: str = "max") -> None:
        super().__init__()
        if mode not in ("max", "avg"):
            raise ValueError(f"spatial_pyramid_pool2d: mode must be 'max' or 'avg', got {mode!r}")
        self.levels, self.mode = pyramid_levels("spatial_pyramid_pool2d", levels), mode

    def forward(self, x: Tensor) -> Tensor:
        return F.spatial_pyramid_pool2d(x, self.levels, self.mode)

    def extra_repr(self) -> str:
        return f"levels={self.levels}, mode={self.mode!r}"
