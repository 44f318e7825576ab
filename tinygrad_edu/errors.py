"""Exception types. PyTorch raises RuntimeError for a shape or size rule that fails; this project's
errors say which op and which rule. ShapeError is both, so `except RuntimeError` (PyTorch code) and
`except ValueError` (NumPy habits, earlier versions of this library) both catch it."""
from __future__ import annotations


class ShapeError(RuntimeError, ValueError):
    """A shape, size or hyper-parameter rule of an op does not hold (names the op, the shapes, the rule)."""
