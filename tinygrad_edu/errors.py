"""Exception types. PyTorch raises RuntimeError for a shape or size rule that fails; this project's
errors say which op and which rule. ShapeError is both, so `except RuntimeError` (PyTorch code) and
`except ValueError` (NumPy habits, earlier versions of this library) both catch it. The other classes
follow the same idea: each is an instance of the class PyTorch raises for the call and keeps the class
this library raised before (the bad-input walk, tests/bad_input/judging.py, checks it against PyTorch)."""
from __future__ import annotations


class ShapeError(RuntimeError, ValueError):
    """A shape, size or hyper-parameter rule of an op does not hold (names the op, the shapes, the rule)."""


class DtypeError(TypeError, RuntimeError):
    """An op got a dtype it does not support (PyTorch raises RuntimeError; TypeError is this project's rule)."""


class ArgumentTypeError(ShapeError, TypeError):
    """An argument of the wrong type (None, a str, a float for an int): TypeError as PyTorch's argument parser."""


class IndexRangeError(IndexError, RuntimeError):
    """An index or class value out of range inside a tensor: IndexError, and RuntimeError as PyTorch's kernels."""
