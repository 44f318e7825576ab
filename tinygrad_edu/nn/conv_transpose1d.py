"""ConvTranspose1d: the adjoint of Conv1d as a layer, weight (in_channels, out_channels/groups, k), as in
torch.nn (the 2-D layers live in conv.py)."""
from __future__ import annotations

from typing import Any

from ..errors import ShapeError
from ..ops.conv_transpose1d import conv_transpose1d
from ..tensor import Tensor
from .conv import Size, _ConvNd, _tuple


class ConvTranspose1d(_ConvNd):
    """The adjoint of Conv1d along the length: (N, C_in, L) → (N, C_out, L_out)."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Size, stride: Size = 1, padding: Size = 0,
                 output_padding: Size = 0, groups: int = 1, bias: bool = True, dilation: Size = 1,
                 dtype: Any = None) -> None:
        super().__init__("ConvTranspose1d", 1, in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, dtype, transposed=True)
        self.output_padding = _tuple(output_padding, 1, "ConvTranspose1d", "output_padding", minimum=0)
        if self.output_padding[0] >= max(self.stride[0], self.dilation[0]):
            raise ShapeError(f"ConvTranspose1d: output_padding {self.output_padding} must be smaller than either "
                             f"stride {self.stride} or dilation {self.dilation}")

    def forward(self, x: Tensor) -> Tensor:
        return conv_transpose1d(x, self.weight, self.bias, self.stride[0], self.padding[0], self.output_padding[0],
                                self.groups, self.dilation[0])


__all__ = ["ConvTranspose1d"]
