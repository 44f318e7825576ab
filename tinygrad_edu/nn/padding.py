"""Padding layers (ZeroPad2d, ReflectionPad2d, ...) over F.pad, with PyTorch's names and reprs: an int pads every
side, a tuple is (left, right[, top, bottom]) as F.pad takes it."""
from __future__ import annotations

from typing import Union

from .. import functional as F
from ..errors import ShapeError
from ..tensor import Tensor
from . import validate
from .module import Module


class _Pad(Module):
    mode = "constant"
    dims = 2

    def __init__(self, padding: Union[int, tuple[int, ...]]) -> None:
        super().__init__()
        if isinstance(padding, int) and not isinstance(padding, bool):
            padding = (padding,) * (2 * self.dims)
        if not isinstance(padding, (tuple, list)):
            raise TypeError(f"{type(self).__name__}: padding must be an int or a {2 * self.dims}-tuple of ints, got "
                            f"{padding!r} ({type(padding).__name__})")
        padding = tuple(validate.integer(type(self).__name__, "padding", p) for p in padding)
        if len(padding) != 2 * self.dims:
            raise ShapeError(f"{type(self).__name__}: padding must be an int or a {2 * self.dims}-tuple, got {padding}")
        self.padding = padding

    def forward(self, x: Tensor) -> Tensor:
        return F.pad(x, self.padding, self.mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPad(_Pad):
    def __init__(self, padding: Union[int, tuple[int, ...]], value: float) -> None:
        super().__init__(padding)
        self.value = validate.real(type(self).__name__, "value", value)

    def forward(self, x: Tensor) -> Tensor:
        return F.pad(x, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPad):
    """Pad the last dimension with a value."""

    mode, dims = "constant", 1


class ConstantPad2d(_ConstantPad):
    """Pad the last two dimensions with a value."""

    mode, dims = "constant", 2


class ZeroPad1d(_Pad):
    """Pad the last dimension with zeros."""

    mode, dims = "constant", 1


class ZeroPad2d(_Pad):
    """Pad the last two dimensions with zeros."""

    mode, dims = "constant", 2


class ReflectionPad1d(_Pad):
    """Mirror the last dimension at its edges."""

    mode, dims = "reflect", 1


class ReflectionPad2d(_Pad):
    """Mirror the last two dimensions at their edges."""

    mode, dims = "reflect", 2


class ReplicationPad1d(_Pad):
    """Repeat the edge entries of the last dimension."""

    mode, dims = "replicate", 1


class ReplicationPad2d(_Pad):
    """Repeat the edge entries of the last two dimensions."""

    mode, dims = "replicate", 2


class CircularPad1d(_Pad):
    """Wrap the last dimension around."""

    mode, dims = "circular", 1


class CircularPad2d(_Pad):
    """Wrap the last two dimensions around."""

    mode, dims = "circular", 2


__all__ = ["ConstantPad1d", "ConstantPad2d", "ZeroPad1d", "ZeroPad2d", "ReflectionPad1d", "ReflectionPad2d",
           "ReplicationPad1d", "ReplicationPad2d", "CircularPad1d", "CircularPad2d"]
