"""SymPy, imported on its first use: `sympy.X` here imports SymPy the first time it is read.

The numeric path never needs SymPy. Imported eagerly it cost 0.25 s of every start and left ~48,000 objects that
each full collection of Python's cyclic GC walks again while a graph is alive (a 50,000-op chain paid 1.7 µs per op).
"""
from __future__ import annotations

import importlib
import sys
from types import ModuleType
from typing import Any


class _LazySympy(ModuleType):
    """Stands for the sympy module; the first attribute read imports it (later reads are one dict lookup more)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(importlib.import_module("sympy"), name)


sympy = _LazySympy("sympy")


def is_sympy(value: Any) -> bool:
    """Whether value is a SymPy object, without importing SymPy (no SymPy object exists before it is imported)."""
    module = sys.modules.get("sympy")
    return module is not None and isinstance(value, module.Basic)
