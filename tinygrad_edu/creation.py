"""Tensors made from nothing: zeros, ones, ranges, identities, fills and seeded random numbers (one global
generator, like `torch.manual_seed`, so examples and tests repeat), with PyTorch's default dtypes; and the
torch.* function forms of Tensor methods (tg.exp(x), tg.reshape(x, shape), ...)."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np
from .lazy_sympy import is_sympy

from . import backend
from .errors import ShapeError
from .ops.args import check_size, check_view, dtype as _dtype_arg, integer, number
from .rng_state import Generator
from .tensor import Tensor

#: the global generator (torch.default_generator); reseeded in place, so get_rng_state/set_rng_state reach it
_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed the generator behind randn/rand, dropout, initialisation and shuffling (returns it, as torch's)."""
    return _generator.manual_seed(seed)


def rng(op: str, generator: Any) -> np.random.Generator:
    """The generator a draw of op uses: the global one, or the `generator=` given (a tg.Generator or any
    numpy.random.Generator); anything else is a TypeError naming op."""
    if generator is None:
        return _generator
    if not isinstance(generator, np.random.Generator):
        raise TypeError(f"{op}: argument 'generator' must be a tg.Generator, not {type(generator).__name__}")
    return generator


def generator() -> np.random.Generator:
    return _generator


def random_source(source: Any = None) -> np.random.Generator:
    """The generator a random helper uses: its own seed or Generator if given, else one seeded from the
    global generator, so that tg.manual_seed(n) makes every unseeded shuffle and augmentation repeat."""
    if source is None:
        return np.random.default_rng(int(_generator.integers(2**63)))
    return np.random.default_rng(source)


def _shape(shape: tuple[Any, ...], op: str = "zeros", dtype: Any = None) -> tuple[int, ...]:
    """The sizes of `f(2, 3)` or `f((2, 3))`: ints ≥ 0 (TypeError/ShapeError naming the op), and an array the
    machine can hold (AllocationError with the byte count, before NumPy tries)."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    sizes = tuple(integer(op, "size", s) for s in shape)
    if any(n < 0 for n in sizes):
        raise ShapeError(f"{op}: negative dimension {min(sizes)} in size {sizes}")
    check_size(op, sizes, backend.DEFAULT_FLOAT if dtype is None else dtype)
    return sizes


def _dtype(dtype: Any, op: str = "zeros") -> np.dtype:
    dtype = _dtype_arg(op, dtype)
    return backend.DEFAULT_FLOAT if dtype is None else dtype


def _made(op: str, shape: tuple, dtype: Any, make) -> np.ndarray:
    kind = _dtype(dtype, op)
    return make(_shape(shape, op, kind), kind)


def _is_size(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def legacy_tensor_args(data: Any, requires_grad: Any, dtype: Any, name: Any, sizes: tuple) -> tuple:
    """Tensor(data, requires_grad, dtype, name, *sizes) with a requires_grad that is not True/False: integer data
    and integer arguments after it are sizes, as torch.Tensor(2, 3) (zeros for PyTorch's uninitialised memory,
    float32 or a keyword dtype=); np.bool_ passes; anything else is a TypeError, not a truthy requires_grad."""
    if isinstance(requires_grad, np.bool_):
        return data, bool(requires_grad), dtype, name, sizes
    if not (_is_size(data) and _is_size(requires_grad)):
        raise TypeError(f"Tensor: argument 'requires_grad' must be a bool, got {type(requires_grad).__name__} "
                        f"({requires_grad!r}); for sizes write tg.zeros(n, m) or Tensor(n, m) with ints")
    shape = [data, requires_grad] + [v for v in (dtype, name) if _is_size(v)]
    if (len(shape) < 4 and sizes) or not all(_is_size(v) for v in sizes):
        raise TypeError(f"Tensor: sizes must all be integers, got {tuple(shape)} then {sizes}")
    dtype = None if _is_size(dtype) else dtype
    made = _made("Tensor", tuple(int(v) for v in shape + list(sizes)), dtype, np.zeros)
    return made, False, None, None if _is_size(name) else name, ()


def zeros(*shape: Any, requires_grad: bool = False, dtype: Any = None, name: Optional[str] = None) -> Tensor:
    return Tensor(_made("zeros", shape, dtype, np.zeros), requires_grad=requires_grad, name=name)


def ones(*shape: Any, requires_grad: bool = False, dtype: Any = None, name: Optional[str] = None) -> Tensor:
    return Tensor(_made("ones", shape, dtype, np.ones), requires_grad=requires_grad, name=name)


def _random(op: str, shape: tuple, dtype: Any, draw) -> np.ndarray:
    """Random floats of a floating dtype (PyTorch draws no random integers or bools from rand/randn)."""
    kind = _dtype(dtype, op)
    if kind.kind != "f":
        raise TypeError(f"{op}: random floats need a floating dtype, got {kind}; pass dtype=tg.float32")
    return draw(_shape(shape, op, kind)).astype(kind)


def randn(*shape: Any, requires_grad: bool = False, dtype: Any = None, name: Optional[str] = None,
          generator: Any = None) -> Tensor:
    data = _random("randn", shape, dtype, rng("randn", generator).standard_normal)
    return Tensor(data, requires_grad=requires_grad, name=name)


def rand(*shape: Any, requires_grad: bool = False, dtype: Any = None, name: Optional[str] = None,
         generator: Any = None) -> Tensor:
    data = _random("rand", shape, dtype, rng("rand", generator).random)
    return Tensor(data, requires_grad=requires_grad, name=name)


def _like(input: Any, dtype: Any, op: str = "zeros_like") -> tuple[tuple[int, ...], np.dtype]:
    """The shape of input and the dtype a *_like function makes: its own unless dtype is given."""
    data = _t(input, op).data
    kind = _dtype_arg(op, dtype)
    return data.shape, data.dtype if kind is None else kind


def zeros_like(input: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Zeros of input's shape and dtype (or dtype)."""
    shape, kind = _like(input, dtype, "zeros_like")
    return Tensor(_made("zeros_like", (shape,), kind, np.zeros), requires_grad=requires_grad)


def ones_like(input: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Ones of input's shape and dtype (or dtype)."""
    shape, kind = _like(input, dtype, "ones_like")
    return Tensor(_made("ones_like", (shape,), kind, np.ones), requires_grad=requires_grad)


def empty(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """An uninitialised tensor in PyTorch; zeros here (never garbage, so results repeat)."""
    return Tensor(_made("empty", size, dtype, np.zeros), requires_grad=requires_grad)


def empty_like(input: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """zeros_like: PyTorch leaves the values undefined, this gives zeros."""
    shape, kind = _like(input, dtype, "empty_like")
    return Tensor(_made("empty_like", (shape,), kind, np.zeros), requires_grad=requires_grad)


def rand_like(input: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Uniform [0, 1) numbers of input's shape and (floating) dtype, from the seeded generator."""
    shape, kind = _like(input, dtype, "rand_like")
    return Tensor(_random("rand_like", (shape,), kind, _generator.random), requires_grad=requires_grad)


def randn_like(input: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Standard normal numbers of input's shape and (floating) dtype, from the seeded generator."""
    shape, kind = _like(input, dtype, "randn_like")
    return Tensor(_random("randn_like", (shape,), kind, _generator.standard_normal), requires_grad=requires_grad)


def randint(*args: Any, size: Any = None, dtype: Any = None, requires_grad: bool = False,
            generator: Any = None) -> Tensor:
    """Uniform integers in [low, high): randint(high, size) or randint(low, high, size); int64 by default."""
    if size is None and args and isinstance(args[-1], (tuple, list)):
        args, size = args[:-1], args[-1]
    if size is None or len(args) not in (1, 2) or not isinstance(size, (tuple, list)):
        raise TypeError("randint: call randint(high, size) or randint(low, high, size), size a tuple")
    bounds = [integer("randint", name, v) for name, v in zip(("low", "high")[2 - len(args):], args)]
    low, high = (0, bounds[0]) if len(bounds) == 1 else bounds
    if low >= high:
        raise ShapeError(f"randint: expects low < high, got low={low} >= high={high}")
    kind = np.dtype(np.int64) if dtype is None else _dtype(dtype, "randint")
    data = rng("randint", generator).integers(low, high, _shape(tuple(size), "randint", kind), dtype=np.int64)
    return Tensor(data.astype(kind), requires_grad=requires_grad)


def _number(value: Any) -> Any:
    return value.item() if isinstance(value, (Tensor, np.ndarray, np.generic)) else value


def arange(start: Any = 0, end: Any = None, step: Any = 1, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """start, start + step, … below end (arange(end) counts from 0): int64 from integers, float32 if any
    argument is a float, as torch.arange."""
    start, end, step = _number(start), _number(end), _number(step)
    if end is None:
        start, end = 0, start
    for name, v in (("start", start), ("end", end), ("step", step)):
        number("arange", name, v)
        if not np.isfinite(v):
            raise ShapeError(f"arange: {name} must be finite, got {v}")
    if step == 0:
        raise ShapeError("arange: step must be nonzero")
    if (end - start) * step < 0:
        raise ShapeError(f"arange: the bounds start={start}, end={end} are inconsistent with the sign of step={step}")
    floating = any(isinstance(v, (float, np.floating)) for v in (start, end, step))
    kind = _dtype_arg("arange", dtype)
    if kind == bool:
        raise TypeError("arange: dtype bool is not supported, as in PyTorch")
    kind = kind if kind is not None else (backend.DEFAULT_FLOAT if floating else np.dtype(np.int64))
    count = max(0, int(np.ceil((end - start) / step)))
    check_size("arange", (count,), np.float64 if floating else np.int64)
    data = np.arange(start, end, step, dtype=np.float64 if floating else np.int64)[:count].astype(kind)
    return Tensor(data, requires_grad=requires_grad)


def linspace(start: Any, end: Any, steps: int, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """`steps` evenly spaced values from start to end inclusive (float32), computed as PyTorch does: from
    start for the first half, back from end for the second, so both ends are exact."""
    start, end = float(number("linspace", "start", _number(start))), float(number("linspace", "end", _number(end)))
    steps = integer("linspace", "steps", steps)
    kind = _dtype(dtype, "linspace")
    if kind == bool:
        raise TypeError("linspace: dtype bool is not supported, as in PyTorch")
    check_size("linspace", (steps,), np.float64)
    if steps < 0:
        raise ShapeError(f"linspace: the number of steps must be non-negative, got {steps}")
    i = np.arange(steps, dtype=np.float64)
    with np.errstate(all="ignore"):  # an infinite end gives ∞/NaN entries silently, as in PyTorch
        step = (end - start) / (steps - 1) if steps > 1 else 0.0
        values = np.where(i < steps // 2, start + step * i, end - step * (steps - 1 - i)) if steps > 1 else i + start
    return Tensor(values.astype(kind), requires_grad=requires_grad)


def eye(n: int, m: Optional[int] = None, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """The n×m (default n×n) identity matrix, float32 by default."""
    n = integer("eye", "n", n)
    m = n if m is None else integer("eye", "m", m)
    if n < 0 or m < 0:
        raise ShapeError(f"eye: n and m must be non-negative, got n={n}, m={m}")
    kind = _dtype(dtype, "eye")
    check_size("eye", (n, m), kind)
    return Tensor(np.eye(n, m, dtype=kind), requires_grad=requires_grad)


def _fill_dtype(value: Any) -> np.dtype:
    """torch.full's dtype for a fill value: bool, int64 for integers, float32 for floats, object for SymPy."""
    if is_sympy(value):
        return np.dtype(object)
    if isinstance(value, (bool, np.bool_)):
        return np.dtype(bool)
    if isinstance(value, (int, np.integer)):
        return np.dtype(np.int64)
    return backend.DEFAULT_FLOAT


def full(size: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of shape size holding fill_value everywhere (dtype from the value, as torch.full)."""
    return _full("full", size, fill_value, dtype, requires_grad)


def _full(op: str, size: Any, fill_value: Any, dtype: Any, requires_grad: bool) -> Tensor:
    value = _number(fill_value)
    if not is_sympy(value):
        number(op, "fill_value", value)
    kind = _fill_dtype(value) if dtype is None else _dtype(dtype, op)
    if not isinstance(size, (int, np.integer, tuple, list)):
        raise TypeError(f"{op}: size must be a tuple of ints, got {size!r} ({type(size).__name__})")
    shape = _shape((size,) if isinstance(size, (int, np.integer)) else tuple(size), op, kind)
    return Tensor(np.full(shape, value, dtype=kind), requires_grad=requires_grad)


def full_like(input: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """fill_value everywhere, with input's shape and dtype (or dtype)."""
    shape, kind = _like(input, dtype, "full_like")
    return _full("full_like", shape, fill_value, kind, requires_grad)


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor sharing ndarray's memory and keeping its dtype (changes show on both sides), as torch.from_numpy."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(ndarray).__name__}")
    return Tensor(ndarray)


# ---- torch.* function forms of Tensor methods (a NumPy array is accepted where PyTorch takes a tensor) ----
def _t(input: Any, op: str) -> Tensor:
    if isinstance(input, Tensor):
        return check_view(op, input)
    if isinstance(input, (np.ndarray, np.generic)):
        return check_view(op, Tensor(np.asarray(input)))
    raise TypeError(f"{op}: expected a Tensor or a NumPy array, got {type(input).__name__}")


def flatten(input: Any, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """input with dimensions start_dim … end_dim merged into one."""
    return _t(input, "flatten").flatten(start_dim, end_dim)


def reshape(input: Any, shape: Any) -> Tensor:
    """input with a new shape of the same number of entries (one −1 is inferred)."""
    return _t(input, "reshape").reshape(shape)


def transpose(input: Any, dim0: int, dim1: int) -> Tensor:
    """input with dimensions dim0 and dim1 swapped."""
    return _t(input, "transpose").transpose(dim0, dim1)


def permute(input: Any, dims: Any) -> Tensor:
    """input with its dimensions reordered as dims."""
    return _t(input, "permute").permute(dims)


def squeeze(input: Any, dim: Optional[int] = None) -> Tensor:
    """input without its size-1 dimensions (or without dim, if it has size 1)."""
    return _t(input, "squeeze").squeeze(dim)


def unsqueeze(input: Any, dim: int) -> Tensor:
    """input with a new size-1 dimension at dim."""
    return _t(input, "unsqueeze").unsqueeze(dim)


def exp(input: Any) -> Tensor:
    """eˣ elementwise."""
    return _t(input, "exp").exp()


def log(input: Any) -> Tensor:
    """ln x elementwise."""
    return _t(input, "log").log()


def sqrt(input: Any) -> Tensor:
    """√x elementwise."""
    return _t(input, "sqrt").sqrt()


def tanh(input: Any) -> Tensor:
    """tanh x elementwise."""
    return _t(input, "tanh").tanh()


def sigmoid(input: Any) -> Tensor:
    """σ(x) = 1/(1 + e⁻ˣ) elementwise."""
    return _t(input, "sigmoid").sigmoid()


def relu(input: Any) -> Tensor:
    """max(x, 0) elementwise."""
    return _t(input, "relu").relu()


def abs(input: Any) -> Tensor:
    """|x| elementwise."""
    return _t(input, "abs").abs()
