"""ConvTranspose1d: the adjoint of Conv1d as a layer, weight (in_channels, out_channels/groups, k), as in
torch.nn (the 2-D layers live in conv.py)."""
from __future__ import annotations

from typing import Any

from ..ops.conv_transpose1d import conv_transpose1d
from ..tensor import Tensor
from .conv import Size, _ConvTransposeNd


class ConvTranspose1d(_ConvTransposeNd):
    """The adjoint of Conv1d along the length: (N, C_in, L) → (N, C_out, L_out)."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Size, stride: Size = 1, padding: Size = 0,
                 output_padding: Size = 0, groups: int = 1, bias: bool = True, dilation: Size = 1,
                 padding_mode: str = "zeros", dtype: Any = None) -> None:
        super().__init__("ConvTranspose1d", 1, in_channels, out_channels, kernel_size, stride, padding,
                         output_padding, groups, bias, dilation, padding_mode, dtype)

    def forward(self, x: Tensor, output_size: Any = None) -> Tensor:
        """output_size (L,), or with the leading (N, C), picks the output_padding that gives it (PyTorch's rule)."""
        return conv_transpose1d(x, self.weight, self.bias, self.stride[0], self.padding[0],
                                self._output_padding(x, output_size)[0], self.groups, self.dilation[0])


__all__ = ["ConvTranspose1d"]
