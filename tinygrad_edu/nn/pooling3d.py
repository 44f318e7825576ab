"""3-D pooling layers (PyTorch's MaxPool3d, AvgPool3d, AdaptiveAvgPool3d, AdaptiveMaxPool3d, MaxUnpool3d) with
PyTorch's constructor arguments, stored values and reprs; arguments are checked when the layer is built, with the
functional op's messages."""
from __future__ import annotations

from typing import Any, Optional, Sequence

from ..ops.pool import check_divisor
from ..ops.pool3d import avg_pool3d, max_pool3d
from ..ops.pool3d_adaptive import adaptive_avg_pool3d, adaptive_max_pool3d, max_unpool3d
from ..ops.pool_shapes import output_sizes, window_args
from ..tensor import Tensor
from .module import Module


def _triple(value: Any) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * 3


class MaxPool3d(Module):
    """Max over kd×kh×kw windows; return_indices=True makes forward return (output, flat indices)."""

    def __init__(self, kernel_size: Any, stride: Optional[Any] = None, padding: Any = 0, dilation: Any = 1,
                 return_indices: bool = False, ceil_mode: bool = False) -> None:
        super().__init__()
        window_args("max_pool3d", 3, kernel_size, stride, padding, dilation, ceil_mode)
        self.kernel_size, self.padding, self.dilation = kernel_size, padding, dilation
        self.stride = stride if stride is not None else kernel_size
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, x: Tensor) -> Any:
        return max_pool3d(x, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
                          self.return_indices)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class AvgPool3d(Module):
    """Mean over kd×kh×kw windows with PyTorch's divisor rules (count_include_pad, divisor_override)."""

    def __init__(self, kernel_size: Any, stride: Optional[Any] = None, padding: Any = 0, ceil_mode: bool = False,
                 count_include_pad: bool = True, divisor_override: Optional[int] = None) -> None:
        super().__init__()
        window_args("avg_pool3d", 3, kernel_size, stride, padding, 1, ceil_mode)
        check_divisor("avg_pool3d", divisor_override)
        self.kernel_size, self.padding = kernel_size, padding
        self.stride = stride if stride is not None else kernel_size
        self.ceil_mode, self.count_include_pad, self.divisor_override = ceil_mode, count_include_pad, divisor_override

    def forward(self, x: Tensor) -> Tensor:
        return avg_pool3d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad,
                          self.divisor_override)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool3d(Module):
    """Average over adaptive bins to output_size (1: global average pooling; None keeps an input size)."""

    _op = "adaptive_avg_pool3d"

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        output_sizes(self._op, output_size, (1, 1, 1))
        self.output_size = output_size

    def forward(self, x: Tensor) -> Tensor:
        return adaptive_avg_pool3d(x, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveMaxPool3d(AdaptiveAvgPool3d):
    """Max over adaptive bins; return_indices=True makes forward return (output, flat indices)."""

    _op = "adaptive_max_pool3d"

    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__(output_size)
        self.return_indices = return_indices

    def forward(self, x: Tensor) -> Any:
        return adaptive_max_pool3d(x, self.output_size, self.return_indices)


class MaxUnpool3d(Module):
    """The partial inverse of MaxPool3d: forward(input, indices, output_size=None) as F.max_unpool3d."""

    def __init__(self, kernel_size: Any, stride: Optional[Any] = None, padding: Any = 0) -> None:
        super().__init__()
        window_args("max_unpool3d", 3, kernel_size, stride, padding, half_kernel_padding=False)
        self.kernel_size = _triple(kernel_size)
        self.stride = _triple(stride if stride is not None else kernel_size)
        self.padding = _triple(padding)

    def forward(self, x: Tensor, indices: Tensor, output_size: Optional[Sequence[int]] = None) -> Tensor:
        return max_unpool3d(x, indices, self.kernel_size, self.stride, self.padding, output_size)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


__all__ = ["MaxPool3d", "AvgPool3d", "AdaptiveAvgPool3d", "AdaptiveMaxPool3d", "MaxUnpool3d"]
