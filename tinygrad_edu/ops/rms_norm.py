"""Root-mean-square layer normalisation (Zhang & Sennrich 2019; PyTorch's rms_norm): y = x/√(mean(x²) + ε)·γ
over the last len(normalized_shape) dimensions of each sample, a composition of differentiable ops. Unlike
layer_norm there is no centring and no bias; ε defaults to the machine epsilon of the input's dtype."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..autograd import composite
from ..errors import ArgumentTypeError, ShapeError
from .args import number
from .normalization import _as_input_dtype, _normalized_shape, _operands


@composite("rms_norm", "y = γ·x̂, x̂ = x/r, r = √(mean x² + ε): δ_x = (γδ − x̂·mean(γδ·x̂))/r (per sample)",
           r"\delta_x = \frac{\gamma\delta - \hat{x}\,\overline{\gamma\delta\hat{x}}}{r},\quad "
           r"r = \sqrt{\overline{x^2} + \epsilon}")
def rms_norm(input: Any, normalized_shape: Any, weight: Optional[Any] = None, eps: Optional[float] = None) -> Any:
    """x/√(mean(x²) + ε)·γ with the mean over the last dimensions (normalized_shape) of each sample and γ of shape
    normalized_shape; eps=None is torch.finfo(input.dtype).eps, as torch.nn.functional.rms_norm."""
    op = "rms_norm"
    input, weight = _operands(op, input, weight=weight)
    if not isinstance(normalized_shape, (tuple, list)):
        raise ArgumentTypeError(f"{op}: argument 'normalized_shape' must be a tuple of ints, not "
                                f"{type(normalized_shape).__name__} ({normalized_shape!r})")
    shape = _normalized_shape(op, normalized_shape)
    if eps is not None:
        number(op, "eps", eps)  # any number, as PyTorch (a negative ε can make the root NaN)
    k = len(shape)
    if input.ndim < k or tuple(input.shape[input.ndim - k:]) != shape:
        raise ShapeError(f"{op}: Given normalized_shape={list(shape)}, expected input with shape "
                         f"[*, {', '.join(map(str, shape))}], but got input of size{list(input.shape)}")
    if weight is not None and tuple(weight.shape) != shape:
        raise ShapeError(f"{op}: weight has shape {tuple(weight.shape)}, expected normalized_shape {shape}")
    if eps is None:
        eps = float(np.finfo(input.dtype).eps) if input.dtype != object else 0
    axes = tuple(range(input.ndim - k, input.ndim))
    out = input / ((input * input).mean(axes, keepdim=True) + eps).sqrt()
    return out if weight is None else _as_input_dtype(out * weight, input)  # float16 input, float32 γ: float16


__all__ = ["rms_norm"]
