"""Where a Claim's inputs come from: SymPy symbols (the exact check at small sizes) or random float64 arrays
(the numeric spot check at a larger size), behind one interface so a claim is written once for both.

The formula side's functions are here too, written from scratch so that a formula never goes through the
library it checks: `exp`, `log`, `sqrt`, `tanh`, `sigmoid` = 1/(1 + e^{−u}) (from exp), `step` = [u > 0] (0 at 0),
`zeros`, `constant` (1/9 stays exact). They take arrays or single values, of symbols or of floats, and NumPy's
own functions (np.tanh, ...) do not work on symbols, so a formula uses these."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import sympy

from ..tensor import Tensor
from .tensors import image, kernel, symbols


def _each(fn: Any, a: Any) -> Any:
    """fn on every entry of an object array (or on one value)."""
    array = np.asarray(a, dtype=object)
    if array.ndim == 0:
        return fn(sympy.sympify(array[()]))
    return np.vectorize(lambda v: fn(sympy.sympify(v)), otypes=[object])(array)


class Numbers:
    """Symbolic values: `tensor` gives lecture-named symbols, `exact` distinct rationals (for a max pool,
    whose winner must be decidable), `delta` a symbolic upstream gradient."""

    symbolic = True

    def __init__(self, seed: int = 0) -> None:
        self.rng = np.random.default_rng(seed)

    def tensor(self, name: str, shape: Sequence[int] | int, start: int = 1, requires_grad: bool = True) -> Tensor:
        return symbols(name, shape, start=start, requires_grad=requires_grad)

    def exact(self, shape: Sequence[int] | int, requires_grad: bool = True) -> Tensor:
        """Distinct rationals k/(n+1) in a seeded random order: every max has exactly one winner."""
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        size = int(np.prod(shape))
        values = [sympy.Rational(int(k) + 1, size + 1) - sympy.Rational(1, 2) for k in self.rng.permutation(size)]
        return Tensor(np.array(values, dtype=object).reshape(shape), requires_grad=requires_grad)

    def image(self, name: str, d: int, channels: int, requires_grad: bool = True) -> Tensor:
        """Seed 003's d×d×K layer as NCHW (1, K, d, d) (see tensors.image)."""
        return image(name, d, channels, requires_grad=requires_grad)

    def kernel(self, name: str, size: int, channels: int, filters: int, requires_grad: bool = True) -> Tensor:
        """Seed 003's H×H×K×M filters as (M, K, H, H) (see tensors.kernel)."""
        return kernel(name, size, channels, filters, requires_grad=requires_grad)

    def delta(self, name: str, shape: Sequence[int] | int, start: int = 1) -> Tensor:
        """The upstream gradient δ (no grad of its own)."""
        return self.tensor(name, shape, start=start, requires_grad=False)

    def zeros(self, shape: Sequence[int] | int) -> np.ndarray:
        """Exact zeros (an int is a 1-D length)."""
        return np.full((shape,) if isinstance(shape, int) else tuple(shape), sympy.Integer(0), dtype=object)

    def constant(self, value: Any) -> Any:
        """An exact number: 1/9 stays 1/9."""
        return sympy.nsimplify(value)

    def build(self, shape: Sequence[int] | int, entry: Any) -> np.ndarray:
        """The formula side entry by entry, in the lecture's 1-based indices: out[i − 1, j − 1] = entry(i, j)."""
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        out = np.empty(shape, dtype=object if self.symbolic else np.float64)
        for index in np.ndindex(*shape):
            out[index] = entry(*(i + 1 for i in index))
        return out

    exp = staticmethod(lambda a: _each(sympy.exp, a))
    log = staticmethod(lambda a: _each(sympy.log, a))
    sqrt = staticmethod(lambda a: _each(sympy.sqrt, a))
    tanh = staticmethod(lambda a: _each(sympy.tanh, a))
    sigmoid = staticmethod(lambda a: _each(lambda u: 1 / (1 + sympy.exp(-u)), a))
    step = staticmethod(lambda a: _each(lambda u: sympy.Heaviside(u, 0), a))


class Floats(Numbers):
    """Numeric values: random float64 standard normals for every tensor, exact or not."""

    symbolic = False

    def tensor(self, name: str, shape: Sequence[int] | int, start: int = 1, requires_grad: bool = True) -> Tensor:
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        return Tensor(self.rng.standard_normal(shape), requires_grad=requires_grad, name=name)

    def exact(self, shape: Sequence[int] | int, requires_grad: bool = True) -> Tensor:
        return self.tensor("x", shape, requires_grad=requires_grad)

    def image(self, name: str, d: int, channels: int, requires_grad: bool = True) -> Tensor:
        return self.tensor(name, (1, channels, d, d), requires_grad=requires_grad)

    def kernel(self, name: str, size: int, channels: int, filters: int, requires_grad: bool = True) -> Tensor:
        return self.tensor(name, (filters, channels, size, size), requires_grad=requires_grad)

    def zeros(self, shape: Sequence[int] | int) -> np.ndarray:
        return np.zeros((shape,) if isinstance(shape, int) else tuple(shape))

    def constant(self, value: Any) -> Any:
        return float(value)

    exp = staticmethod(lambda a: np.exp(np.asarray(a, dtype=np.float64)))
    log = staticmethod(lambda a: np.log(np.asarray(a, dtype=np.float64)))
    sqrt = staticmethod(lambda a: np.sqrt(np.asarray(a, dtype=np.float64)))
    tanh = staticmethod(lambda a: np.tanh(np.asarray(a, dtype=np.float64)))
    sigmoid = staticmethod(lambda a: 1.0 / (1.0 + np.exp(-np.asarray(a, dtype=np.float64))))
    """1/(1 + e^{−u}) (the library computes ½(1 + tanh(u/2)): another formula, the same numbers)."""
    step = staticmethod(lambda a: (np.asarray(a, dtype=np.float64) > 0).astype(np.float64))
