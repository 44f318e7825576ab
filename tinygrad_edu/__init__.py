"""tinygrad_edu: an autograd engine for learning how convolutional networks learn.

One graph, two kinds of numbers: vectorised NumPy for training, SymPy expressions for checking
the lecture's formulas exactly. PyTorch's names wherever PyTorch has the thing.
"""
from __future__ import annotations

import importlib
from typing import Any

import numpy as np

from .allocator import keep_freed_memory
from .autograd import Function, enable_grad, grad, is_grad_enabled, no_grad
from .creation import manual_seed, ones, ones_like, rand, randn, zeros, zeros_like
from .ops import cat, stack
from .tensor import Tensor

__version__ = "0.1.0"

keep_freed_memory()

float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
int64 = np.dtype(np.int64)

_submodules = {"functional", "nn", "optim", "data", "symbolic", "viz", "inspect"}


def tensor(data: Any, requires_grad: bool = False, dtype: Any = None, name: Any = None) -> Tensor:
    return Tensor(data, requires_grad=requires_grad, dtype=dtype, name=name)


def __getattr__(name: str) -> Any:
    """Import the heavier submodules (viz, symbolic, ...) on first use."""
    if name in _submodules:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'tinygrad_edu' has no attribute {name!r}")


__all__ = ["Tensor", "Function", "tensor", "no_grad", "enable_grad", "is_grad_enabled", "grad", "cat", "stack",
           "zeros", "ones", "zeros_like", "ones_like", "randn", "rand", "manual_seed", "float32", "float64",
           "int64", "__version__"]
