"""Parameter: a leaf Tensor that a Module registers and an optimiser updates."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import backend
from ..errors import DtypeError
from ..tensor import Tensor


class Parameter(Tensor):
    """A Tensor that is a module's learnable state: assigning one to a Module attribute registers it.
    Parameter(t) shares t's data, as in PyTorch; Parameter() is an empty float32 parameter."""

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        if data is None:
            data = np.empty(0, backend.DEFAULT_FLOAT)
        if not isinstance(data, (Tensor, np.ndarray)):  # PyTorch: Parameter(data) takes a tensor
            raise TypeError(f"Parameter: data must be a Tensor (or a NumPy array), got {type(data).__name__}")
        data = data.data if isinstance(data, Tensor) else data
        if requires_grad and data.dtype.kind not in "fcO":
            raise DtypeError(f"Parameter: only floating-point (or symbolic) tensors can require gradients, got dtype "
                            f"{data.dtype} of shape {data.shape}; pass requires_grad=False or convert with .float()")
        super().__init__(data, requires_grad=requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


class Buffer(Tensor):
    """A Tensor that assigning to a Module attribute registers as a buffer (state, not learnt), saved in
    state_dict() unless persistent=False: `self.mean = nn.Buffer(tg.zeros(3))` is register_buffer's short form."""

    __slots__ = ("persistent",)

    def __init__(self, data: Any = None, *, persistent: bool = True) -> None:
        if data is None:
            data = np.empty(0, backend.DEFAULT_FLOAT)
        if not isinstance(data, (Tensor, np.ndarray)):
            raise TypeError(f"Buffer: data must be a Tensor (or a NumPy array), got {type(data).__name__}")
        super().__init__(data.data if isinstance(data, Tensor) else data,
                         requires_grad=isinstance(data, Tensor) and data.requires_grad)
        self.persistent = bool(persistent)


def as_parameter_array(value: Any) -> np.ndarray:
    """An ndarray from a NumPy array, a Tensor or a PyTorch tensor (what a state_dict may hold)."""
    if isinstance(value, Tensor):
        return value.data
    if hasattr(value, "detach") and hasattr(value, "numpy"):
        return value.detach().cpu().numpy()
    return np.asarray(value)
