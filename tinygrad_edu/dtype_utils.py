"""torch's tensor predicates and dtype questions as functions of input first (so tensor.py binds the predicates as
Tensor methods too): numel, is_floating_point, is_complex, is_nonzero, is_same_size, is_signed, and result_type /
promote_types / can_cast, which answer from backend.py's one copy of PyTorch's promotion rule (dimensioned tensors
over 0-d tensors over Python numbers)."""
from __future__ import annotations

from typing import Any

import numpy as np

from . import backend
from .errors import ShapeError
from .ops.args import dtype as dtype_arg
from .tensor import Tensor


def _array(op: str, input: Any, name: str = "input") -> np.ndarray:
    """A tensor argument's data (a NumPy array is accepted where torch takes a tensor)."""
    if isinstance(input, Tensor):
        return input.data
    if isinstance(input, np.ndarray):
        return input
    raise TypeError(f"{op}: argument '{name}' must be a Tensor (or a NumPy array), not {type(input).__name__}")


def numel(input: Any) -> int:
    """The number of entries of input."""
    return int(_array("numel", input).size)


def is_floating_point(input: Any) -> bool:
    """Whether input's dtype is a floating-point one (float16/32/64)."""
    return _array("is_floating_point", input).dtype.kind == "f"


def is_complex(input: Any) -> bool:
    """Whether input's dtype is complex (complex64/128)."""
    return _array("is_complex", input).dtype.kind == "c"


def is_signed(input: Any) -> bool:
    """Whether input's dtype holds negative numbers (signed integers, floats, complex; not uint8 or bool)."""
    return _array("is_signed", input).dtype.kind in "ifc"


def is_nonzero(input: Any) -> bool:
    """The truth of a one-element tensor; any other size is ambiguous (RuntimeError, as torch)."""
    data = _array("is_nonzero", input)
    if data.size != 1:
        what = "no values" if data.size == 0 else "more than one value"
        raise ShapeError(f"is_nonzero: Boolean value of Tensor with {what} is ambiguous (shape {data.shape})")
    return bool(data.reshape(())[()] != 0)


def is_same_size(input: Any, other: Any) -> bool:
    """Whether the two tensors have the same shape."""
    return _array("is_same_size", input).shape == _array("is_same_size", other, "other").shape


def _number(value: Any) -> bool:
    return isinstance(value, (bool, int, float, complex, np.bool_, np.number)) and not isinstance(value, np.ndarray)


def result_type(tensor1: Any, tensor2: Any) -> np.dtype:
    """The dtype an arithmetic op on the two operands (tensors or Python numbers) gives, as torch.result_type."""
    arrays, numbers = [], []
    for name, value in (("tensor1", tensor1), ("tensor2", tensor2)):
        if isinstance(value, (Tensor, np.ndarray)):
            arrays.append(_array("result_type", value, name))
        elif _number(value):
            numbers.append(backend._number_dtype(value))
        else:
            raise TypeError(f"result_type: argument '{name}' must be a Tensor or a number, not "
                            f"{type(value).__name__} ({value!r})")
    of_numbers = None
    for d in numbers:
        of_numbers = d if of_numbers is None else backend.promote_types(of_numbers, d)
    if not arrays:
        return of_numbers
    of_tensors = backend.result_dtype(*arrays)
    return of_tensors if of_numbers is None else backend.combine(of_tensors, of_numbers)


def _dtype(op: str, name: str, value: Any) -> np.dtype:
    if value is None:
        raise TypeError(f"{op}: argument '{name}' must be a dtype such as tg.float32, not None")
    try:
        return dtype_arg(op, value)
    except TypeError:
        raise TypeError(f"{op}: argument '{name}' must be a dtype such as tg.float32, not {value!r}") from None


def promote_types(type1: Any, type2: Any) -> np.dtype:
    """The smallest dtype both convert to without leaving their category, as torch.promote_types (int64 with
    float16 is float16, where NumPy says float64)."""
    return backend.promote_types(_dtype("promote_types", "type1", type1), _dtype("promote_types", "type2", type2))


_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}


def can_cast(from_: Any, to: Any) -> bool:
    """Whether torch's casting rule allows from_ → to in an in-place or out= op: never to a lower category
    (complex → float, float → integer, non-bool → bool); widths do not matter (float64 → float32 is allowed)."""
    source, target = _dtype("can_cast", "from_", from_), _dtype("can_cast", "to", to)
    if source == object or target == object:
        return source == target
    return _CATEGORY[source.kind] <= _CATEGORY[target.kind]
