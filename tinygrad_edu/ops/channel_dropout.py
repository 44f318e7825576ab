"""Channel-wise dropout (PyTorch's dropout1d / dropout2d, "feature dropout"): whole feature maps are zeroed
with probability p and the kept ones scaled by 1/(1−p). It is the Dropout Function of normalization.py with a
keep-mask of shape (N, C, 1, …, 1) broadcast over the positions, so neighbouring pixels (which are
correlated in a CNN) are dropped together."""
from __future__ import annotations

from typing import Any

import numpy as np
from ..lazy_sympy import sympy

from .. import backend
from ..errors import ShapeError
from .args import check_view, flag, number
from .compare import DtypeError
from .movement import squeeze, unsqueeze
from .normalization import Dropout
from .softmax import warn_user


def _checked(op: str, input: Any, p: Any, training: Any) -> tuple:
    from ..tensor import Tensor

    if not isinstance(input, (Tensor, np.ndarray)):
        raise TypeError(f"{op}: input must be a Tensor (or a NumPy array), got {type(input).__name__}")
    input = check_view(op, input if isinstance(input, Tensor) else Tensor(input))
    number(op, "p", p)
    training = flag(op, "training", training)
    if not 0.0 <= p <= 1.0:
        raise ShapeError(f"{op}: dropout probability has to be between 0 and 1, but got p = {p}")
    return input, training


def feature_dropout(op: str, input: Any, p: float, training: bool) -> Any:
    """Zero each (sample, channel) map of an (N, C, …) input with probability p; scale the rest by 1/(1−p)."""
    if not training or p == 0.0:
        return input
    if input.dtype.kind in "biu":
        raise DtypeError(f"{op}: training dropout scales by 1/(1 − p) and needs a floating input, got dtype "
                         f"{input.dtype}; cast first, e.g. x.float()")
    if input.ndim < 2:
        raise ShapeError(f"{op}: feature dropout requires at least 2 dimensions (N, C, …) in the input, got shape "
                         f"{input.shape}")
    from ..creation import generator  # late: creation imports tensor, which imports ops

    mask_shape = input.shape[:2] + (1,) * (input.ndim - 2)
    keep = generator().random(mask_shape) >= p
    if p == 1.0:
        scale = backend.zeros(mask_shape, input.data)
    elif input.dtype == object:
        scale = np.where(keep, 1 / (1 - sympy.nsimplify(p, rational=True)), sympy.Integer(0)).astype(object)
    else:
        scale = (keep / (1.0 - p)).astype(input.dtype)
    return Dropout.apply(input, scale=scale)


def dropout1d(input: Any, p: float = 0.5, training: bool = True, inplace: bool = False) -> Any:
    """Zero whole channels of an (N, C, L) or unbatched (C, L) input with probability p, scaling the kept
    ones by 1/(1−p); identity when training=False. `inplace` is accepted; the result is a new tensor."""
    op = "dropout1d"
    input, training = _checked(op, input, p, training)
    if input.ndim not in (2, 3):
        raise ShapeError(f"{op}: expected 2D (C, L) or 3D (N, C, L) input, but received a {input.ndim}D input of "
                         f"shape {input.shape} (channel-wise dropout over 1 spatial dimension)")
    if input.ndim == 3:
        return feature_dropout(op, input, p, training)
    return squeeze(feature_dropout(op, unsqueeze(input, 0), p, training), 0) if training and p else input


def dropout2d(input: Any, p: float = 0.5, training: bool = True, inplace: bool = False) -> Any:
    """Zero whole channels of an (N, C, H, W) input with probability p, scaling the kept ones by 1/(1−p).
    As PyTorch, a 3-D input is read as (N, C, L) with a warning, and other ranks warn (deprecated)."""
    op = "dropout2d"
    input, training = _checked(op, input, p, training)
    if input.ndim not in (3, 4):
        warn_user(f"{op}: Received a {input.ndim}-D input to dropout2d, which is deprecated and will result in an "
                  "error in a future release. To retain the behavior and silence this warning, please use dropout "
                  "instead. Note that dropout2d exists to provide channel-wise dropout on inputs with 2 spatial "
                  "dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D inputs).")
    if input.ndim == 3:
        warn_user(f"{op}: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is "
                  "desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior will "
                  "change in a future release to interpret the input as one without a batch dimension, i.e. shape "
                  "(C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using dropout1d "
                  "instead.")
    return feature_dropout(op, input, p, training)


def dropout3d(input: Any, p: float = 0.5, training: bool = True, inplace: bool = False) -> Any:
    """Zero whole channels of an (N, C, D, H, W) or unbatched (C, D, H, W) input with probability p, scaling the
    kept ones by 1/(1−p). As PyTorch, other ranks warn (deprecated) and are read as unbatched."""
    op = "dropout3d"
    input, training = _checked(op, input, p, training)
    if input.ndim not in (4, 5):
        warn_user(f"{op}: Received a {input.ndim}-D input to dropout3d, which is deprecated and will result in an "
                  "error in a future release. To retain the behavior and silence this warning, please use dropout "
                  "instead. Note that dropout3d exists to provide channel-wise dropout on inputs with 3 spatial "
                  "dimensions, a channel dimension, and an optional batch dimension (i.e. 4D or 5D inputs).")
    if input.ndim == 5:
        return feature_dropout(op, input, p, training)
    return squeeze(feature_dropout(op, unsqueeze(input, 0), p, training), 0) if training and p else input


__all__ = ["dropout1d", "dropout2d", "feature_dropout"]
__all__ += ["dropout3d"]
