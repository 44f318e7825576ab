"""Tensors made from nothing: zeros, ones, ranges, identities, fills and seeded random numbers (one global
generator, like `torch.manual_seed`, so examples and tests repeat), with PyTorch's default dtypes; and the
torch.* function forms of Tensor methods (tg.exp(x), tg.reshape(x, shape), ...)."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np
import sympy

from .backend import DEFAULT_FLOAT
from .tensor import Tensor

_generator = np.random.default_rng()


def manual_seed(seed: int) -> None:
    """Seed the generator behind randn/rand, dropout, initialisation and shuffling."""
    global _generator
    _generator = np.random.default_rng(seed)


def generator() -> np.random.Generator:
    return _generator


def random_source(source: Any = None) -> np.random.Generator:
    """The generator a random helper uses: its own seed or Generator if given, else one seeded from the
    global generator, so that tg.manual_seed(n) makes every unseeded shuffle and augmentation repeat."""
    if source is None:
        return np.random.default_rng(int(_generator.integers(2**63)))
    return np.random.default_rng(source)


def _shape(shape: tuple[Any, ...]) -> tuple[int, ...]:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return tuple(int(s) for s in shape)


def _dtype(dtype: Any) -> np.dtype:
    return np.dtype(DEFAULT_FLOAT if dtype is None else dtype)


def zeros(*shape: Any, requires_grad: bool = False, dtype: Any = None, name: Optional[str] = None) -> Tensor:
    return Tensor(np.zeros(_shape(shape), _dtype(dtype)), requires_grad=requires_grad, name=name)


def ones(*shape: Any, requires_grad: bool = False, dtype: Any = None, name: Optional[str] = None) -> Tensor:
    return Tensor(np.ones(_shape(shape), _dtype(dtype)), requires_grad=requires_grad, name=name)


def randn(*shape: Any, requires_grad: bool = False, dtype: Any = None, name: Optional[str] = None) -> Tensor:
    data = _generator.standard_normal(_shape(shape)).astype(_dtype(dtype))
    return Tensor(data, requires_grad=requires_grad, name=name)


def rand(*shape: Any, requires_grad: bool = False, dtype: Any = None, name: Optional[str] = None) -> Tensor:
    data = _generator.random(_shape(shape)).astype(_dtype(dtype))
    return Tensor(data, requires_grad=requires_grad, name=name)


def _like(input: Any, dtype: Any) -> tuple[tuple[int, ...], np.dtype]:
    """The shape of input and the dtype a *_like function makes: its own unless dtype is given."""
    data = input.data if isinstance(input, Tensor) else np.asarray(input)
    return data.shape, data.dtype if dtype is None else np.dtype(dtype)


def zeros_like(input: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Zeros of input's shape and dtype (or dtype)."""
    shape, kind = _like(input, dtype)
    return zeros(shape, dtype=kind, requires_grad=requires_grad)


def ones_like(input: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Ones of input's shape and dtype (or dtype)."""
    shape, kind = _like(input, dtype)
    return ones(shape, dtype=kind, requires_grad=requires_grad)


def empty(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """An uninitialised tensor in PyTorch; zeros here (never garbage, so results repeat)."""
    return zeros(*size, dtype=dtype, requires_grad=requires_grad)


def empty_like(input: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """zeros_like: PyTorch leaves the values undefined, this gives zeros."""
    return zeros_like(input, dtype=dtype, requires_grad=requires_grad)


def _floating_like(op: str, input: Any, dtype: Any) -> tuple[tuple[int, ...], np.dtype]:
    shape, kind = _like(input, dtype)
    if kind.kind != "f":
        raise TypeError(f"{op}: random floats need a floating dtype, got {kind}; pass dtype=tg.float32")
    return shape, kind


def rand_like(input: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Uniform [0, 1) numbers of input's shape and (floating) dtype, from the seeded generator."""
    shape, kind = _floating_like("rand_like", input, dtype)
    return rand(shape, dtype=kind, requires_grad=requires_grad)


def randn_like(input: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Standard normal numbers of input's shape and (floating) dtype, from the seeded generator."""
    shape, kind = _floating_like("randn_like", input, dtype)
    return randn(shape, dtype=kind, requires_grad=requires_grad)


def randint(*args: Any, size: Any = None, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Uniform integers in [low, high): randint(high, size) or randint(low, high, size); int64 by default."""
    if size is None and args and isinstance(args[-1], (tuple, list)):
        args, size = args[:-1], args[-1]
    if size is None or len(args) not in (1, 2):
        raise TypeError("randint: call randint(high, size) or randint(low, high, size), size a tuple")
    low, high = (0, int(args[0])) if len(args) == 1 else (int(args[0]), int(args[1]))
    if low >= high:
        raise ValueError(f"randint: expects low < high, got low={low} >= high={high}")
    data = _generator.integers(low, high, _shape(tuple(size)), dtype=np.int64)
    return Tensor(data.astype(np.dtype(np.int64) if dtype is None else np.dtype(dtype)), requires_grad=requires_grad)


def _number(value: Any) -> Any:
    return value.item() if isinstance(value, (Tensor, np.ndarray, np.generic)) else value


def arange(start: Any = 0, end: Any = None, step: Any = 1, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """start, start + step, … below end (arange(end) counts from 0): int64 from integers, float32 if any
    argument is a float, as torch.arange."""
    start, end, step = _number(start), _number(end), _number(step)
    if end is None:
        start, end = 0, start
    if step == 0:
        raise ValueError("arange: step must be nonzero")
    if (end - start) * step < 0:
        raise ValueError(f"arange: the bounds start={start}, end={end} are inconsistent with the sign of step={step}")
    floating = any(isinstance(v, (float, np.floating)) for v in (start, end, step))
    kind = np.dtype(dtype) if dtype is not None else (DEFAULT_FLOAT if floating else np.dtype(np.int64))
    data = np.arange(start, end, step, dtype=np.float64 if floating else np.int64).astype(kind)
    return Tensor(data, requires_grad=requires_grad)


def linspace(start: Any, end: Any, steps: int, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """`steps` evenly spaced values from start to end inclusive (float32), computed as PyTorch does: from
    start for the first half, back from end for the second, so both ends are exact."""
    start, end, steps = float(_number(start)), float(_number(end)), int(steps)
    if steps < 0:
        raise ValueError(f"linspace: the number of steps must be non-negative, got {steps}")
    i = np.arange(steps, dtype=np.float64)
    step = (end - start) / (steps - 1) if steps > 1 else 0.0
    values = np.where(i < steps // 2, start + step * i, end - step * (steps - 1 - i)) if steps > 1 else i + start
    return Tensor(values.astype(_dtype(dtype)), requires_grad=requires_grad)


def eye(n: int, m: Optional[int] = None, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """The n×m (default n×n) identity matrix, float32 by default."""
    return Tensor(np.eye(int(n), None if m is None else int(m), dtype=_dtype(dtype)), requires_grad=requires_grad)


def _fill_dtype(value: Any) -> np.dtype:
    """torch.full's dtype for a fill value: bool, int64 for integers, float32 for floats, object for SymPy."""
    if isinstance(value, sympy.Basic):
        return np.dtype(object)
    if isinstance(value, (bool, np.bool_)):
        return np.dtype(bool)
    if isinstance(value, (int, np.integer)):
        return np.dtype(np.int64)
    return DEFAULT_FLOAT


def full(size: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of shape size holding fill_value everywhere (dtype from the value, as torch.full)."""
    value = _number(fill_value)
    kind = _fill_dtype(value) if dtype is None else np.dtype(dtype)
    shape = _shape((size,) if isinstance(size, (int, np.integer)) else tuple(size))
    return Tensor(np.full(shape, value, dtype=kind), requires_grad=requires_grad)


def full_like(input: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """fill_value everywhere, with input's shape and dtype (or dtype)."""
    shape, kind = _like(input, dtype)
    return full(shape, fill_value, dtype=kind, requires_grad=requires_grad)


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor sharing ndarray's memory and keeping its dtype (changes show on both sides), as torch.from_numpy."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(ndarray).__name__}")
    return Tensor(ndarray)


# ---- torch.* function forms of Tensor methods (a NumPy array is accepted where PyTorch takes a tensor) ----
def _t(input: Any) -> Tensor:
    if isinstance(input, Tensor):
        return input
    if isinstance(input, (np.ndarray, np.generic)):
        return Tensor(np.asarray(input))
    raise TypeError(f"expected a Tensor or a NumPy array, got {type(input).__name__}")


def flatten(input: Any, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """input with dimensions start_dim … end_dim merged into one."""
    return _t(input).flatten(start_dim, end_dim)


def reshape(input: Any, shape: Any) -> Tensor:
    """input with a new shape of the same number of entries (one −1 is inferred)."""
    return _t(input).reshape(shape)


def transpose(input: Any, dim0: int, dim1: int) -> Tensor:
    """input with dimensions dim0 and dim1 swapped."""
    return _t(input).transpose(dim0, dim1)


def permute(input: Any, dims: Any) -> Tensor:
    """input with its dimensions reordered as dims."""
    return _t(input).permute(dims)


def squeeze(input: Any, dim: Optional[int] = None) -> Tensor:
    """input without its size-1 dimensions (or without dim, if it has size 1)."""
    return _t(input).squeeze(dim)


def unsqueeze(input: Any, dim: int) -> Tensor:
    """input with a new size-1 dimension at dim."""
    return _t(input).unsqueeze(dim)


def exp(input: Any) -> Tensor:
    """eˣ elementwise."""
    return _t(input).exp()


def log(input: Any) -> Tensor:
    """ln x elementwise."""
    return _t(input).log()


def sqrt(input: Any) -> Tensor:
    """√x elementwise."""
    return _t(input).sqrt()


def tanh(input: Any) -> Tensor:
    """tanh x elementwise."""
    return _t(input).tanh()


def sigmoid(input: Any) -> Tensor:
    """σ(x) = 1/(1 + e⁻ˣ) elementwise."""
    return _t(input).sigmoid()


def relu(input: Any) -> Tensor:
    """max(x, 0) elementwise."""
    return _t(input).relu()


def abs(input: Any) -> Tensor:
    """|x| elementwise."""
    return _t(input).abs()
