"""3-D padding layers (ZeroPad3d, ConstantPad3d, ReflectionPad3d, ReplicationPad3d, CircularPad3d) over F.pad: an
int pads all six sides, a 6-tuple is (left, right, top, bottom, front, back) as F.pad takes it."""
from __future__ import annotations

from .padding import _ConstantPad, _Pad


class ConstantPad3d(_ConstantPad):
    """Pad the last three dimensions with a value."""

    mode, dims = "constant", 3


class ZeroPad3d(_Pad):
    """Pad the last three dimensions with zeros."""

    mode, dims = "constant", 3


class ReflectionPad3d(_Pad):
    """Mirror the last three dimensions at their edges."""

    mode, dims = "reflect", 3


class ReplicationPad3d(_Pad):
    """Repeat the edge entries of the last three dimensions."""

    mode, dims = "replicate", 3


class CircularPad3d(_Pad):
    """Wrap the last three dimensions around."""

    mode, dims = "circular", 3


__all__ = ["ConstantPad3d", "ZeroPad3d", "ReflectionPad3d", "ReplicationPad3d", "CircularPad3d"]
