"""Where a Claim's inputs come from: SymPy symbols (the exact check at small sizes) or random float64 arrays
(the numeric spot check at a larger size), behind one interface so a claim is written once for both."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import sympy

from .. import backend
from ..tensor import Tensor
from .tensors import image, kernel, symbols


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

    def zeros(self, shape: Sequence[int]) -> np.ndarray:
        return np.full(tuple(shape), sympy.Integer(0), dtype=object)

    def constant(self, value: Any) -> Any:
        """An exact number: 1/9 stays 1/9."""
        return sympy.nsimplify(value)

    exp = staticmethod(lambda a: backend.exp(np.asarray(a, dtype=object)))
    log = staticmethod(lambda a: backend.log(np.asarray(a, dtype=object)))
    tanh = staticmethod(lambda a: backend.tanh(np.asarray(a, dtype=object)))
    sigmoid = staticmethod(lambda a: backend.sigmoid(np.asarray(a, dtype=object)))
    step = staticmethod(lambda a: backend.step(np.asarray(a, dtype=object)))


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

    def zeros(self, shape: Sequence[int]) -> np.ndarray:
        return np.zeros(tuple(shape))

    def constant(self, value: Any) -> Any:
        return float(value)

    exp = staticmethod(lambda a: np.exp(np.asarray(a, dtype=np.float64)))
    log = staticmethod(lambda a: np.log(np.asarray(a, dtype=np.float64)))
    tanh = staticmethod(lambda a: np.tanh(np.asarray(a, dtype=np.float64)))
    sigmoid = staticmethod(lambda a: 1.0 / (1.0 + np.exp(-np.asarray(a, dtype=np.float64))))
    step = staticmethod(lambda a: (np.asarray(a, dtype=np.float64) > 0).astype(np.float64))
