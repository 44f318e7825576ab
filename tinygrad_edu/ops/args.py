"""Argument checks shared by the tg.* functions: each failure names the op, the argument and the value, before
any work (PyTorch's argument parser refuses the same calls with a TypeError), and PyTorch's dtype promotion
for ops that combine tensors of different dtypes (a float dtype wins over integers without widening)."""
from __future__ import annotations

from typing import Any

import numpy as np


def flag(op: str, name: str, value: Any) -> bool:
    """A bool argument (keepdim, descending, ...): True/False only, as PyTorch's parser."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{op}: argument '{name}' must be bool, not {type(value).__name__} ({value!r})")
    return bool(value)


def integer(op: str, name: str, value: Any) -> int:
    """An int argument (dim, diagonal, chunks, ...): Python or NumPy integers, not bools, floats or strings."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{op}: argument '{name}' must be int, not {type(value).__name__} ({value!r})")
    return int(value)


def integers(op: str, name: str, value: Any) -> tuple[int, ...]:
    """An int or a sequence of ints (dims, shifts, sizes) as a tuple."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        return (int(value),)
    if not isinstance(value, (tuple, list)):
        raise TypeError(f"{op}: argument '{name}' must be an int or a tuple of ints, not "
                        f"{type(value).__name__} ({value!r})")
    return tuple(integer(op, name, v) for v in value)


def dtype(op: str, value: Any) -> Any:
    """None or a dtype (tg.float32, np.float64, 'float32', ...) as a NumPy dtype; anything else a TypeError."""
    if value is None:
        return None
    if isinstance(value, (bool, int, float, str)):  # 'float' would be NumPy's float64, PyTorch's float32
        raise TypeError(f"{op}: argument 'dtype' must be a dtype such as tg.float32, not {value!r}")
    try:
        return np.dtype(value)
    except TypeError:
        raise TypeError(f"{op}: argument 'dtype' must be a dtype such as tg.float32, not {value!r}") from None


_LARGE = 1 << 28


def check_size(op: str, shape: tuple, dtype: Any) -> None:
    """Refuse an output the machine cannot hold before computing it (only large ones are checked: reading
    the free memory costs a file read)."""
    size = 1
    for n in shape:
        size *= int(n)
    if size * np.dtype(dtype).itemsize > _LARGE:
        from ..memory import check_allocation

        check_allocation(op, shape, dtype)


def check_view(op: str, x: Any) -> Any:
    """An expanded view (a stride of 0) larger than the memory is refused: NumPy would materialise it, or an
    intermediate of its size, and fail deep inside with no op named. Arrays that exist are never refused."""
    data = getattr(x, "data", x)
    if isinstance(data, np.ndarray) and 0 in data.strides and data.size:
        check_size(op, data.shape, data.dtype)
    return x


def tensor_arg(x: Any, op: str) -> Any:
    """A Tensor from a Tensor or a NumPy array (every tg.* function takes an ndarray where PyTorch takes a tensor),
    an expanded view too large to materialise refused (check_view); anything else a TypeError naming the op."""
    from ..tensor import Tensor

    if isinstance(x, Tensor):
        return check_view(op, x)
    if isinstance(x, (np.ndarray, np.generic)):
        return check_view(op, Tensor(np.asarray(x)))
    raise TypeError(f"{op}: expected a Tensor or a NumPy array, got {type(x).__name__}")


def number(op: str, name: str, value: Any) -> Any:
    """A Python or NumPy number (bool included, as PyTorch's Scalar)."""
    if not isinstance(value, (bool, int, float, np.number, np.bool_)):
        raise TypeError(f"{op}: argument '{name}' must be a number, not {type(value).__name__} ({value!r})")
    return value


def result_type(*dtypes: np.dtype) -> np.dtype:
    """PyTorch's promotion of tensors: floats win over integers and bools without widening (int64 with float32
    is float32, where NumPy gives float64); within a kind the wider dtype; object (SymPy) wins over all."""
    dtypes = tuple(np.dtype(d) for d in dtypes)
    if any(d == object for d in dtypes):
        return np.dtype(object)
    for kinds in ("c", "f"):
        chosen = [d for d in dtypes if d.kind in kinds]
        if chosen:
            return np.result_type(*chosen)
    return np.result_type(*dtypes)


def same_dtype(op: str, **arrays: Any) -> None:
    """Ops PyTorch computes in one dtype (matmul, linear, convolutions) refuse operands of different numeric
    dtypes instead of promoting silently; symbolic (object) operands mix freely with numbers."""
    first = None
    for a in arrays.values():  # the common case (one dtype) without building the message's list
        if a is not None:
            d = a.dtype
            if d is not first and d != object:
                if first is None:
                    first = d
                elif d != first:
                    break
    else:
        return
    from .compare import DtypeError

    named = [(k, a.dtype) for k, a in arrays.items() if a is not None and a.dtype != object]
    if len({d for _, d in named}) > 1:
        listed = ", ".join(f"{k} {d}" for k, d in named)
        raise DtypeError(f"{op}: expected all operands to have the same dtype, got {listed}; convert with "
                         f".float() or .double() first")
