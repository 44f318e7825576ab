"""1-D transposed convolution (PyTorch's conv_transpose1d): conv_transpose2d on an inserted axis of height 1
(a 1×k kernel), with the arguments and errors of the 1-D op; the adjoint of conv1d in its input."""
from __future__ import annotations

from typing import Any, Optional

from ..autograd import composite
from ..errors import ShapeError
from .args import check_size
from .conv import ConvTranspose2d, _single, _with_bias
from .conv_shapes import check_columns, check_dtypes, conv_transpose2d_attrs
from .movement import squeeze, unsqueeze


@composite("conv_transpose1d", "x = Wᵀ ⋆ y + b along the length: δ_y = conv1d(δ, W), ∂E/∂b = Σ_{n,l} δ",
           r"\delta_y = \operatorname{conv1d}(\delta, W),\ \partial E/\partial b = \sum_{nl} \delta")
def conv_transpose1d(input: Any, weight: Any, bias: Optional[Any] = None, stride: Any = 1, padding: Any = 0,
                     output_padding: Any = 0, groups: int = 1, dilation: Any = 1) -> Any:
    """torch.nn.functional.conv_transpose1d: (N, C_in, L) with weight (C_in, C_out/groups, k) → (N, C_out, L_out),
    L_out = (L − 1)·s − 2p + d(k − 1) + output_padding + 1; an unbatched (C_in, L) input gives (C_out, L_out)."""
    op = "conv_transpose1d"
    check_dtypes(op, input=input, weight=weight, bias=bias)
    if input.ndim not in (2, 3):
        raise ShapeError(f"{op}: expected input (N, C_in, L) or unbatched (C_in, L), got shape {input.shape}")
    if weight.ndim != 3:
        raise ShapeError(f"{op}: weight must be (in_channels, out_channels/groups, k), got shape {weight.shape}")
    batched = input.ndim == 3
    y = unsqueeze(input if batched else unsqueeze(input, 0), 2)
    w = unsqueeze(weight, 2)
    attrs = conv_transpose2d_attrs(op, y.shape, w.shape, None if bias is None else bias.shape,
                                   (1, _single(stride, op)), (0, _single(padding, op)),
                                   (0, _single(output_padding, op)), (1, _single(dilation, op)), groups)
    check_size(op, (y.shape[0], w.shape[1] * attrs["groups"]) + attrs["size"], y.dtype)
    check_columns(op, y.shape[0], w.shape[1] * attrs["groups"], w.shape[2:], y.shape[2:], y.dtype)
    x = squeeze(_with_bias(ConvTranspose2d.apply(y, w, **attrs), bias), 2)
    return x if batched else squeeze(x, 0)


__all__ = ["conv_transpose1d"]
