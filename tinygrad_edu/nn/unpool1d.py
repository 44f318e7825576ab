"""MaxUnpool1d (PyTorch's name): the partial inverse of MaxPool1d, forward(input, indices, output_size=None)."""
from __future__ import annotations

from typing import Any, Optional, Sequence

from ..ops.pool_shapes import window_args
from ..ops.pool_with_indices import max_unpool1d
from ..tensor import Tensor
from .module import Module


def _single(value: Any) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


class MaxUnpool1d(Module):
    """Each input value written back at the position MaxPool1d(return_indices=True) took it from; zeros elsewhere."""

    def __init__(self, kernel_size: Any, stride: Optional[Any] = None, padding: Any = 0) -> None:
        super().__init__()
        window_args("max_unpool1d", 1, kernel_size, stride, padding, half_kernel_padding=False)
        self.kernel_size = _single(kernel_size)
        self.stride = _single(stride if stride is not None else kernel_size)
        self.padding = _single(padding)

    def forward(self, x: Tensor, indices: Tensor, output_size: Optional[Sequence[int]] = None) -> Tensor:
        return max_unpool1d(x, indices, self.kernel_size, self.stride, self.padding, output_size)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


__all__ = ["MaxUnpool1d"]
