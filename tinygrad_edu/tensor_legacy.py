"""torch.Tensor's older memory-level methods that PyTorch code still calls: resize_/resize_as_ (same or fewer
elements; growing is refused, this library never hands out uninitialised memory), new(...) (a tensor of self's
dtype), apply_/map_ (a Python callable per element: a Python loop, as PyTorch's, for small tensors only) and
as_subclass. Bound as methods by tensor.py."""
from __future__ import annotations

import weakref
from typing import Any, Callable

import numpy as np

from .errors import ShapeError
from .tensor_utility import _sizes, tensor_arg


def _outside_autograd(self, op: str) -> None:
    if self.requires_grad:
        raise RuntimeError(f"{op}: cannot be called on a tensor that requires grad (shape {self.shape}); "
                           f"use x.detach().{op}(...) instead, as PyTorch")


def resize_(self, *sizes: Any, memory_format: Any = None) -> Any:
    """self reshaped in place to `sizes`, keeping its first prod(sizes) values in row-major order (PyTorch's
    resize_ for same or fewer elements); more elements than self has raises (no uninitialised memory here)."""
    _outside_autograd(self, "resize_")
    shape = _sizes(sizes, "resize_")
    if any(n < 0 for n in shape):
        raise ShapeError(f"resize_: sizes must be non-negative, got {shape}")
    n = int(np.prod(shape, dtype=np.int64))
    if n > self.numel():
        raise ShapeError(f"resize_: growing a tensor of {self.numel()} elements (shape {self.shape}) to {n} "
                         f"(shape {shape}) would need uninitialised memory, which this library does not hand out; "
                         f"use tg.zeros({shape}) or torch.cat to grow")
    flat = self.data.reshape(-1)
    self.data = flat[:n].reshape(shape)
    self._bump_version()
    return self


def resize_as_(self, the_template: Any, *, memory_format: Any = None) -> Any:
    """resize_ to the_template's shape."""
    return resize_(self, *tensor_arg(the_template, "resize_as_").shape)


def new(self, *args: Any, **kwargs: Any) -> Any:
    """PyTorch's legacy constructor in self's dtype: new() is empty, new(2, 3) a 2×3 tensor (zeros here, never
    uninitialised memory), new(data) a tensor of data (a tensor of another dtype refused, as PyTorch)."""
    from . import tensor_utility as tu

    dtype = kwargs.pop("dtype", None) or self.dtype
    kwargs.pop("device", None)
    if kwargs:
        raise TypeError(f"new: unexpected arguments {sorted(kwargs)}")
    if not args:
        return type(self)(np.zeros((0,), dtype=dtype))
    if all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args):
        return tu.new_zeros(self, *args, dtype=dtype)
    if len(args) != 1:
        raise TypeError(f"new: takes sizes (ints) or one data argument, got {args!r}")
    data = args[0]
    if isinstance(data, type(self)):
        if data.dtype != dtype:
            raise TypeError(f"new: expected a tensor of dtype {dtype}, got {data.dtype}")
        return data.detach()
    return type(self)(np.asarray(data, dtype=dtype))


def apply_(self, callable: Callable) -> Any:
    """Each entry x replaced by callable(x) (a Python number), in place; a Python loop over the elements, as
    PyTorch's (its documentation: slow, CPU only). Not on a tensor that requires grad."""
    _outside_autograd(self, "apply_")
    values = [callable(v) for v in self.data.reshape(-1).tolist()]
    return self._inplace("apply_", lambda t: type(self)(np.asarray(values).reshape(self.shape).astype(self.dtype)))


def map_(self, tensor: Any, callable: Callable) -> Any:
    """Each entry x replaced by callable(x, y), y the matching entry of `tensor` broadcast to self's shape; a
    Python loop, as PyTorch's. Not on a tensor that requires grad."""
    _outside_autograd(self, "map_")
    other = tensor_arg(tensor, "map_")
    try:
        y = np.broadcast_to(other.data, self.shape)
    except ValueError:
        raise ShapeError(f"map_: tensor of shape {other.shape} does not broadcast to self's shape "
                         f"{self.shape}") from None
    pairs = zip(self.data.reshape(-1).tolist(), y.reshape(-1).tolist())
    values = [callable(a, b) for a, b in pairs]
    return self._inplace("map_", lambda t: type(self)(np.asarray(values).reshape(self.shape).astype(self.dtype)))


def as_subclass(self, cls: type) -> Any:
    """self's values (the same memory) as an instance of cls, a subclass of Tensor, still in the graph (an alias
    node whose gradient passes unchanged)."""
    from .ops.movement import Reshape
    from .tensor import Tensor

    if not (isinstance(cls, type) and issubclass(cls, Tensor)):
        raise TypeError(f"as_subclass: cls must be a subclass of Tensor, got {cls!r}")
    out = cls._make(self.data, self.requires_grad)
    if self.requires_grad:
        alias = Reshape.apply(self, shape=self.shape)
        out._ctx = alias._ctx
        out._ctx._output = weakref.ref(out)
    return out


METHODS = ("resize_", "resize_as_", "new", "apply_", "map_", "as_subclass")
