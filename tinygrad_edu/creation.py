"""Tensors made from nothing: zeros, ones, and seeded random numbers (one global generator, like
`torch.manual_seed`, so examples and tests repeat)."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from .backend import DEFAULT_FLOAT
from .tensor import Tensor

_generator = np.random.default_rng()


def manual_seed(seed: int) -> None:
    """Seed the generator behind randn/rand, dropout, initialisation and shuffling."""
    global _generator
    _generator = np.random.default_rng(seed)


def generator() -> np.random.Generator:
    return _generator


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


def zeros_like(t: Tensor, requires_grad: bool = False) -> Tensor:
    return zeros(t.shape, dtype=t.dtype, requires_grad=requires_grad)


def ones_like(t: Tensor, requires_grad: bool = False) -> Tensor:
    return ones(t.shape, dtype=t.dtype, requires_grad=requires_grad)
