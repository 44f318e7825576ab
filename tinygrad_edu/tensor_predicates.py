"""torch.Tensor's questions about its memory (is_contiguous, storage_offset, data_ptr, dim_order, output_nr, is_cpu)
and the remaining dtype casts (byte, char, short, cfloat, cdouble; bfloat16 and chalf refused: NumPy has no such
dtype). Bound as methods by tensor.py (the dtype questions is_floating_point, ... are dtype_utils.py's functions)."""
from __future__ import annotations

from typing import Any, NoReturn

import numpy as np

from .errors import DtypeError


def is_contiguous(self, memory_format: Any = None) -> bool:
    """Whether the values lie in memory in row-major order without gaps (a transpose or a strided slice does
    not), as stride() reports them."""
    return bool(self.data.flags.c_contiguous)


def storage_offset(self) -> int:
    """How many elements into the memory it shares (with the tensor it is a view of) self's first entry lies."""
    owner = self.data
    while isinstance(getattr(owner, "base", None), np.ndarray):
        owner = owner.base
    if owner is self.data or not self.data.size:
        return 0
    start = self.data.__array_interface__["data"][0] - owner.__array_interface__["data"][0]
    return start // self.dtype.itemsize


def data_ptr(self) -> int:
    """The address of self's first entry (as PyTorch's, useful to see whether two tensors share memory)."""
    return self.data.__array_interface__["data"][0]


def dim_order(self, *, ambiguity_check: Any = False) -> tuple[int, ...]:
    """The dimensions from the outermost to the innermost in memory (largest stride first; ties keep order)."""
    strides = self.data.strides
    return tuple(sorted(range(self.ndim), key=lambda d: -strides[d]))


def byte(self) -> Any:
    return self.to(np.uint8)


def char(self) -> Any:
    return self.to(np.int8)


def short(self) -> Any:
    return self.to(np.int16)


def cfloat(self) -> Any:
    """self as complex64 (the imaginary parts 0)."""
    return self.to(np.complex64)


def cdouble(self) -> Any:
    """self as complex128 (the imaginary parts 0)."""
    return self.to(np.complex128)


def _missing(name: str) -> Any:
    def method(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise DtypeError(f"{name}: NumPy, which holds this library's values, has no {name} dtype; use "
                         f"{'half()' if name == 'bfloat16' else 'cfloat()'} or float() instead")

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"Refused: NumPy has no {name} dtype (a TypeError naming the method)."
    return method


bfloat16 = _missing("bfloat16")
chalf = _missing("chalf")

METHODS = ("is_contiguous", "storage_offset", "data_ptr", "dim_order", "byte", "char", "short", "cfloat", "cdouble",
           "bfloat16", "chalf")
#: attributes, as PyTorch's: is_cpu (always), output_nr (which output of its Function self is: always 0 here, every
#: Function has one differentiable output)
PROPERTIES = {"is_cpu": property(lambda self: True), "output_nr": property(lambda self: 0)}
