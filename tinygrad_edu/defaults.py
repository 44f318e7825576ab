"""The default floating-point dtype, as torch.set_default_dtype / torch.get_default_dtype. Its one home is the module
attribute backend.DEFAULT_FLOAT, read at call time by every place that picks a float dtype (Python floats,
tg.Tensor(...), zeros/randn/arange/linspace/eye/full, integer true division, int ** float, layer parameters), so
changing it costs the numeric path nothing but one attribute read."""
from __future__ import annotations

from typing import Any

import numpy as np

from . import backend

#: the dtypes NumPy has that torch accepts as the default (torch's bfloat16 has no NumPy type)
_ALLOWED = (np.dtype(np.float32), np.dtype(np.float64), np.dtype(np.float16))


def set_default_dtype(d: Any) -> None:
    """Make d (tg.float32, tg.float64 or tg.float16) the dtype of new floating-point tensors, as torch's: other
    dtypes (integers, bool, complex) are a TypeError."""
    try:
        dtype = None if isinstance(d, (str, bool, int, float)) or d is None else np.dtype(d)
    except TypeError:
        dtype = None
    if dtype is None:
        raise TypeError(f"set_default_dtype: invalid dtype object {d!r}: only floating-point types are supported as "
                        f"the default type (tg.float32, tg.float64, tg.float16)")
    if dtype not in _ALLOWED:
        raise TypeError(f"set_default_dtype: only floating-point types are supported as the default type, got "
                        f"{dtype} (allowed: float32, float64, float16; bfloat16 has no NumPy dtype)")
    backend.DEFAULT_FLOAT = dtype


def get_default_dtype() -> np.dtype:
    """The dtype new floating-point tensors get (float32 unless set_default_dtype changed it)."""
    return backend.DEFAULT_FLOAT
