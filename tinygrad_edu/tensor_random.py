"""PyTorch's random in-place initialisers (uniform_, normal_, bernoulli_, random_, exponential_, ...), drawn from
the library's seeded generator (tg.manual_seed makes them repeat), keeping the tensor's dtype; in place through
Tensor._inplace, so a leaf that requires grad refuses outside no_grad, as PyTorch."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from . import tensor as _tensor
from .errors import DtypeError, ShapeError


def _draw(self, op: str, sample: Callable[[np.random.Generator, tuple], np.ndarray], floating: bool = True) -> Any:
    """self's values replaced by sample(generator, shape), cast to self's dtype."""
    from .creation import generator

    if floating and self.dtype.kind != "f":
        raise DtypeError(f"{op}: needs a floating-point tensor, got dtype {self.dtype}")
    values = np.asarray(sample(generator(), self.shape)).astype(self.dtype)
    return self._inplace(op, lambda t: self._replaced_by(t, _tensor.Tensor._make(values, False)))


def _positive(op: str, name: str, value: Any) -> float:
    if not float(value) > 0:
        raise ShapeError(f"{op}: expects {name} > 0.0, but found {name}={value}")
    return float(value)


def uniform_(self, a: float = 0.0, b: float = 1.0, **kwargs: Any) -> Any:
    """U[a, b) (PyTorch's keywords `from`/`to` are accepted)."""
    a, b = float(kwargs.pop("from", a)), float(kwargs.pop("to", b))
    if a > b:
        raise ShapeError(f"uniform_: expects to return a [from, to) range, but found from={a} > to={b}")
    return _draw(self, "uniform_", lambda g, s: g.uniform(a, b, s))


def normal_(self, mean: float = 0.0, std: float = 1.0) -> Any:
    if float(std) < 0:
        raise ShapeError(f"normal_: expects std >= 0.0, but found std {std}")
    return _draw(self, "normal_", lambda g, s: mean + std * g.standard_normal(s))


def log_normal_(self, mean: float = 1.0, std: float = 2.0) -> Any:
    """exp(N(mean, std²)), PyTorch's defaults mean=1, std=2."""
    _positive("log_normal_", "std", std)
    return _draw(self, "log_normal_", lambda g, s: g.lognormal(mean, std, s))


def exponential_(self, lambd: float = 1.0) -> Any:
    """Exponential with rate lambd (mean 1/lambd)."""
    rate = _positive("exponential_", "lambda", lambd)
    return _draw(self, "exponential_", lambda g, s: g.exponential(1.0 / rate, s))


def cauchy_(self, median: float = 0.0, sigma: float = 1.0) -> Any:
    _positive("cauchy_", "sigma", sigma)
    return _draw(self, "cauchy_", lambda g, s: median + sigma * g.standard_cauchy(s))


def geometric_(self, p: float) -> Any:
    """The number of Bernoulli(p) trials up to the first success: 1, 2, ... (any dtype, as PyTorch)."""
    if not 0 < float(p) < 1:
        raise ShapeError(f"geometric_: expects p to be in (0, 1), but got p={p}")
    return _draw(self, "geometric_", lambda g, s: g.geometric(p, s), floating=False)


def _probabilities(op: str, p: Any, shape: tuple) -> np.ndarray:
    data = p.data if isinstance(p, _tensor.Tensor) else np.asarray(p, dtype=np.float64)
    if data.dtype.kind not in "fiub":
        raise DtypeError(f"{op}: p must be numbers, got dtype {data.dtype}")
    if data.size and not ((data >= 0) & (data <= 1)).all():
        raise ShapeError(f"{op}: expects 0 <= p <= 1, got values in [{data.min()}, {data.max()}]")
    try:
        return np.broadcast_to(data, shape)
    except ValueError:
        raise ShapeError(f"{op}: p of shape {data.shape} does not broadcast to the tensor's shape {shape}") from None


def bernoulli_(self, p: Any = 0.5) -> Any:
    """1 with probability p (a number or a tensor broadcast to self), else 0; self's dtype kept."""
    prob = _probabilities("bernoulli_", p, self.shape)
    return _draw(self, "bernoulli_", lambda g, s: g.random(s) < prob, floating=False)


def bernoulli(self, p: Any = None) -> Any:
    """A new tensor of 0s and 1s, 1 with probability self (or p), in self's dtype."""
    from .creation import generator

    if self.dtype.kind != "f":
        raise DtypeError(f"bernoulli: expected a floating-point tensor of probabilities, got dtype {self.dtype}")
    prob = _probabilities("bernoulli", self if p is None else p, self.shape)
    return _tensor.Tensor((generator().random(self.shape) < prob).astype(self.dtype))


def _top(dtype: np.dtype) -> int:
    """PyTorch's default upper end of random_(): 2^mantissa+1 for floats, the largest value for integers."""
    if dtype.kind == "f":
        return 2 ** (np.finfo(dtype).nmant + 1) + 1
    if dtype.kind == "b":
        return 2
    return int(np.iinfo(dtype).max)


def random_(self, *args: Any, **kwargs: Any) -> Any:
    """Integers from [from, to): random_() (0 up to the dtype's exact-integer range), random_(to),
    random_(from, to)."""
    if self.dtype.kind not in "fiub":
        raise DtypeError(f"random_: unsupported dtype {self.dtype}")
    if len(args) > 2:
        raise TypeError(f"random_: takes at most 2 positional arguments (from, to), got {len(args)}")
    if len(args) == 1 and "to" not in kwargs:
        low, high = kwargs.pop("from", 0), args[0]
    else:
        low = args[0] if args else kwargs.pop("from", 0)
        high = args[1] if len(args) > 1 else kwargs.pop("to", None)
    if kwargs:
        raise TypeError(f"random_: unexpected arguments {sorted(kwargs)}")
    high = _top(self.dtype) if high is None else int(high)
    if not int(low) < high:
        raise ShapeError(f"random_: expects 'from' to be less than 'to', but got from={low} >= to={high}")
    return _draw(self, "random_", lambda g, s: g.integers(int(low), high, s), floating=False)
