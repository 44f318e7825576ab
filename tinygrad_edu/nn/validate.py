"""Constructor-argument rules shared by the layers: each check names the layer, the argument, the value and
the rule, before any array is made (so Conv2d(0, 6, 3) is a clear error, not a ZeroDivisionError later)."""
from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np

from .. import backend
from ..device import check_device, device as Device
from ..errors import ShapeError
from ..memory import check_allocation

_DEVICE_TYPES = ("cpu", "cuda", "mps", "meta", "xpu")


def integer(layer: str, name: str, value: Any, minimum: Optional[int] = None) -> int:
    """`value` as an int (≥ minimum if given): TypeError for a non-integer (bools included), ShapeError below
    the minimum."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{layer}: {name} must be an integer, got {value!r} ({type(value).__name__})")
    if minimum is not None and value < minimum:
        rule = "positive" if minimum == 1 else f"at least {minimum}"
        raise ShapeError(f"{layer}: {name} must be {rule}, got {value}")
    return int(value)


def integers(layer: str, name: str, value: Any, n: int, minimum: int) -> tuple[int, ...]:
    """An int or an n-tuple of ints, each ≥ minimum, as an n-tuple."""
    values = (value,) * n if isinstance(value, (int, np.integer)) and not isinstance(value, bool) else value
    if not isinstance(values, (tuple, list)):
        raise TypeError(f"{layer}: {name} must be an int or a {n}-tuple of ints, got {value!r} "
                        f"({type(value).__name__})")
    if len(values) != n:
        raise ShapeError(f"{layer}: {name} must be an int or a {n}-tuple of ints, got {value!r}")
    return tuple(integer(layer, f"{name} {tuple(values)}" if n > 1 else name, v, minimum) for v in values)


def real(layer: str, name: str, value: Any, low: float = -math.inf, high: float = math.inf,
         low_open: bool = False) -> float:
    """A real number in [low, high] (or (low, high] with low_open); NaN and non-numbers are refused."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{layer}: {name} must be a number, got {value!r} ({type(value).__name__})")
    value = float(value)
    inside = (value > low if low_open else value >= low) and value <= high
    if not inside:
        left = "(" if low_open else "["
        raise ShapeError(f"{layer}: {name} must lie in {left}{low:g}, {high:g}], got {value}")
    return value


def device(layer: str, value: Any) -> None:
    """Only the CPU exists here (NumPy); any other device is a clear error, never silently ignored."""
    check_device(layer, value)


def is_device(value: Any) -> bool:
    """Whether an argument of Module.to names a device ('cpu', 'cuda:0', tg.device(...)) rather than a dtype."""
    if isinstance(value, Device):
        return True
    return isinstance(value, str) and value.partition(":")[0] in _DEVICE_TYPES


def float_dtype(layer: str, dtype: Any) -> np.dtype:
    """The layer's parameter dtype: float32 by default (as PyTorch), else the floating-point dtype asked for."""
    dtype = np.dtype(backend.DEFAULT_FLOAT if dtype is None else dtype)
    if dtype.kind != "f":
        raise TypeError(f"{layer}: parameters must be floating point, got dtype {dtype}")
    return dtype


def tensor_input(layer: str, x: Any) -> Any:
    """A forward input as a Tensor (a NumPy array becomes one); anything else is a TypeError naming the layer,
    where it would otherwise fail on a missing attribute."""
    from ..tensor import Tensor

    if isinstance(x, Tensor):
        return x
    if isinstance(x, np.ndarray):
        return Tensor(x)
    raise TypeError(f"{layer}: input must be a Tensor (or a NumPy array), got {type(x).__name__}")


def empty(layer: str, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """np.empty after checking the machine has the bytes (AllocationError naming them otherwise)."""
    check_allocation(layer, shape, dtype)
    return np.empty(shape, dtype)


def padding_index(layer: str, padding_idx: Any, num_embeddings: int) -> Any:
    """An embedding's padding_idx: None, or an int in [−num_embeddings, num_embeddings), made non-negative."""
    if padding_idx is None:
        return None
    padding_idx = integer(layer, "padding_idx", padding_idx)
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise IndexError(f"{layer}: padding_idx {padding_idx} must be within num_embeddings "
                         f"{num_embeddings} (−{num_embeddings} … {num_embeddings - 1})")
    return padding_idx % num_embeddings
