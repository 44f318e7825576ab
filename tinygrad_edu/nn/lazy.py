"""Lazy layers (PyTorch's LazyLinear, LazyConv1d/2d/3d, LazyConvTranspose1d/2d/3d, LazyBatchNorm1d/2d/3d,
LazyInstanceNorm1d/2d/3d): the input size (in_features, in_channels, num_features) is read from the first input.
Until then the weights are UninitializedParameter objects: an optimiser may already hold them (they become ordinary
Parameters in place, so it updates them afterwards), but their shape cannot be read. After the first forward the
module *is* the ordinary layer (its class becomes Linear, Conv2d, ...), as in PyTorch."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from .. import backend
from ..errors import ShapeError
from ..tensor import Tensor
from .conv import Conv1d, Conv2d, ConvTranspose2d
from .conv3d import Conv3d, ConvTranspose3d
from .conv_transpose1d import ConvTranspose1d
from .instancenorm import InstanceNorm1d, InstanceNorm2d
from .layers import Linear
from .module import Module
from .norm3d import BatchNorm3d, InstanceNorm3d
from .normalization import BatchNorm1d, BatchNorm2d
from .parameter import Parameter

_UNINITIALIZED = ("Attempted to use an uninitialized parameter ({what}). This error happens when you are using a "
                  "`LazyModule` (e.g. LazyLinear) before its first forward: call `forward` with a dummy batch to "
                  "initialize the parameters first")


class _Uninitialized:
    """Shape-free placeholders: reading the shape raises, as PyTorch's; materialize() gives them data in place."""

    __slots__ = ()
    cls_to_become: type = Tensor

    @property
    def shape(self) -> tuple[int, ...]:
        raise ValueError(_UNINITIALIZED.format(what="shape"))

    def size(self, dim: Optional[int] = None) -> Any:
        raise ValueError(_UNINITIALIZED.format(what="size()"))

    def numel(self) -> int:
        raise ValueError(_UNINITIALIZED.format(what="numel()"))

    def materialize(self, data: np.ndarray) -> None:
        """Take `data` as this tensor's values and become an ordinary Parameter (or buffer Tensor), same object."""
        self.data = data
        self.__class__ = self.cls_to_become

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


class UninitializedParameter(_Uninitialized, Parameter):
    """A parameter whose shape is not known yet (PyTorch's UninitializedParameter)."""

    __slots__ = ()
    cls_to_become = Parameter

    def __init__(self, requires_grad: bool = True, device: Any = None, dtype: Any = None) -> None:
        dtype = np.dtype(backend.DEFAULT_FLOAT if dtype is None else dtype)
        super().__init__(np.empty(0, dtype=dtype), requires_grad)


class UninitializedBuffer(_Uninitialized, Tensor):
    """A buffer whose shape is not known yet (PyTorch's UninitializedBuffer)."""

    __slots__ = ()
    cls_to_become = Tensor

    def __init__(self, requires_grad: bool = False, device: Any = None, dtype: Any = None) -> None:
        dtype = np.dtype(backend.DEFAULT_FLOAT if dtype is None else dtype)
        super().__init__(np.empty(0, dtype=dtype), requires_grad=requires_grad)


_KEPT = ("training", "_forward_pre_hooks", "_forward_pre_hooks_with_kwargs", "_forward_hooks",
         "_forward_hooks_with_kwargs", "_backward_hooks", "_key")


class LazyModuleMixin:
    """Built as the target layer with a placeholder input size, then its parameters (and floating buffers) swapped
    for uninitialised ones; the first forward builds the real layer in place and runs it."""

    cls_to_become: type = Module
    _size_name = "in_features"

    def _lazy_init(self, args: tuple, kwargs: dict, dummy: int = 1) -> None:
        self.cls_to_become.__init__(self, dummy, *args, **kwargs)
        object.__setattr__(self, "_lazy_args", (args, kwargs))
        object.__setattr__(self, self._size_name, 0)
        for name, p in list(self._parameters.items()):
            if p is not None:
                self._parameters[name] = UninitializedParameter(p.requires_grad, dtype=p.data.dtype)
        for name, b in list(self._buffers.items()):
            if b is not None and b.data.dtype.kind == "f":
                self._buffers[name] = UninitializedBuffer(dtype=b.data.dtype)

    def has_uninitialized_params(self) -> bool:
        """Whether the first forward has not happened yet."""
        return any(isinstance(t, _Uninitialized) for t in (*self._parameters.values(), *self._buffers.values()))

    def initialize_parameters(self, input: Any) -> None:
        """Read the input size from `input`, build the real layer in place (its reset_parameters initialisation),
        and put the values into the placeholder objects, so references held elsewhere (an optimiser) stay valid."""
        if not self.has_uninitialized_params():
            return
        size = self._input_size(input)
        args, kwargs = self._lazy_args
        kept = {k: self.__dict__[k] for k in _KEPT if k in self.__dict__}
        old_parameters, old_buffers = dict(self._parameters), dict(self._buffers)
        target = self.cls_to_become
        del self.__dict__["_lazy_args"]
        self.__class__ = target
        target.__init__(self, size, *args, **kwargs)
        self.__dict__.update(kept)
        for registry, old in ((self._parameters, old_parameters), (self._buffers, old_buffers)):
            for name, fresh in list(registry.items()):
                placeholder = old.get(name)
                if isinstance(placeholder, _Uninitialized) and fresh is not None:
                    # the placeholder's dtype wins: a .double() before the first forward is kept, as in PyTorch
                    placeholder.materialize(fresh.data.astype(placeholder.data.dtype, copy=False))
                    registry[name] = placeholder

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        self.initialize_parameters(args[0] if args else kwargs.get("input"))
        return self.forward(*args, **kwargs)


def _checked_input(layer: str, x: Any) -> Any:
    if not isinstance(x, (Tensor, np.ndarray)):
        raise TypeError(f"{layer}: the first input must be a Tensor (it sets the input size), got {type(x).__name__}")
    return x


class LazyLinear(LazyModuleMixin, Linear):
    """Linear whose in_features is the last size of the first input."""

    cls_to_become = Linear

    def __init__(self, out_features: int, bias: bool = True, device: Any = None, dtype: Any = None) -> None:
        self._lazy_init((out_features, bias, device, dtype), {})

    def _input_size(self, x: Any) -> int:
        x = _checked_input("LazyLinear", x)
        if x.ndim == 0:
            raise ShapeError("LazyLinear: the input must have at least one dimension (…, in_features), got a 0-d "
                             "tensor")
        return x.shape[-1]


class _LazyConv(LazyModuleMixin):
    _size_name = "in_channels"
    _dims = 2

    def _lazy_conv(self, args: tuple, kwargs: dict) -> None:
        groups = kwargs["groups"]
        self._lazy_init(args, kwargs, dummy=groups if isinstance(groups, int) and groups > 0 else 1)

    def _input_size(self, x: Any) -> int:
        x = _checked_input(type(self).__name__, x)
        if x.ndim not in (self._dims + 1, self._dims + 2):
            raise ShapeError(f"Expected {self._dims + 1}D (unbatched) or {self._dims + 2}D (batched) input to "
                             f"{type(self).__name__}, but got input of size: {tuple(x.shape)}")
        return x.shape[1] if x.ndim == self._dims + 2 else x.shape[0]


def _conv_kwargs(stride: Any, padding: Any, dilation: Any, groups: int, bias: bool, padding_mode: str,
                 device: Any, dtype: Any) -> dict:
    from . import validate

    validate.device("LazyConv", device)
    return dict(stride=stride, padding=padding, dilation=dilation, groups=groups, bias=bias,
                padding_mode=padding_mode, dtype=dtype)


class LazyConv1d(_LazyConv, Conv1d):
    """Conv1d whose in_channels is read from the first input."""

    cls_to_become, _dims = Conv1d, 1

    def __init__(self, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1,
                 groups: int = 1, bias: bool = True, padding_mode: str = "zeros", device: Any = None,
                 dtype: Any = None) -> None:
        self._lazy_conv((out_channels, kernel_size),
                        _conv_kwargs(stride, padding, dilation, groups, bias, padding_mode, device, dtype))


class LazyConv2d(_LazyConv, Conv2d):
    """Conv2d whose in_channels is read from the first input."""

    cls_to_become, _dims = Conv2d, 2

    def __init__(self, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1,
                 groups: int = 1, bias: bool = True, padding_mode: str = "zeros", device: Any = None,
                 dtype: Any = None) -> None:
        self._lazy_conv((out_channels, kernel_size),
                        _conv_kwargs(stride, padding, dilation, groups, bias, padding_mode, device, dtype))


class LazyConv3d(_LazyConv, Conv3d):
    """Conv3d whose in_channels is read from the first input."""

    cls_to_become, _dims = Conv3d, 3

    def __init__(self, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1,
                 groups: int = 1, bias: bool = True, padding_mode: str = "zeros", device: Any = None,
                 dtype: Any = None) -> None:
        self._lazy_conv((out_channels, kernel_size),
                        _conv_kwargs(stride, padding, dilation, groups, bias, padding_mode, device, dtype))


def _transpose_kwargs(stride: Any, padding: Any, output_padding: Any, groups: int, bias: bool, dilation: Any,
                      padding_mode: str, device: Any, dtype: Any) -> dict:
    from . import validate

    validate.device("LazyConvTranspose", device)
    return dict(stride=stride, padding=padding, output_padding=output_padding, groups=groups, bias=bias,
                dilation=dilation, padding_mode=padding_mode, dtype=dtype)


class LazyConvTranspose1d(_LazyConv, ConvTranspose1d):
    """ConvTranspose1d whose in_channels is read from the first input."""

    cls_to_become, _dims = ConvTranspose1d, 1

    def __init__(self, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 output_padding: Any = 0, groups: int = 1, bias: bool = True, dilation: Any = 1,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        self._lazy_conv((out_channels, kernel_size), _transpose_kwargs(stride, padding, output_padding, groups, bias,
                                                                      dilation, padding_mode, device, dtype))


class LazyConvTranspose2d(_LazyConv, ConvTranspose2d):
    """ConvTranspose2d whose in_channels is read from the first input."""

    cls_to_become, _dims = ConvTranspose2d, 2

    def __init__(self, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 output_padding: Any = 0, groups: int = 1, bias: bool = True, dilation: Any = 1,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        self._lazy_conv((out_channels, kernel_size), _transpose_kwargs(stride, padding, output_padding, groups, bias,
                                                                      dilation, padding_mode, device, dtype))


class LazyConvTranspose3d(_LazyConv, ConvTranspose3d):
    """ConvTranspose3d whose in_channels is read from the first input."""

    cls_to_become, _dims = ConvTranspose3d, 3

    def __init__(self, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 output_padding: Any = 0, groups: int = 1, bias: bool = True, dilation: Any = 1,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        self._lazy_conv((out_channels, kernel_size), _transpose_kwargs(stride, padding, output_padding, groups, bias,
                                                                      dilation, padding_mode, device, dtype))


class _LazyNorm(LazyModuleMixin):
    _size_name = "num_features"

    def __init__(self, eps: float = 1e-5, momentum: Optional[float] = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device: Any = None, dtype: Any = None, *,
                 bias: bool = True) -> None:
        self._lazy_init((eps, momentum, affine, track_running_stats, device, dtype), {"bias": bias})

    def _input_size(self, x: Any) -> int:
        x = _checked_input(type(self).__name__, x)
        if x.ndim < 2:
            raise ShapeError(f"{type(self).__name__}: the first input must have a channel dimension (N, C, …), got "
                             f"shape {tuple(x.shape)}")
        return x.shape[1]


class LazyBatchNorm1d(_LazyNorm, BatchNorm1d):
    """BatchNorm1d whose num_features is read from the first input (N, C[, L])."""

    cls_to_become = BatchNorm1d


class LazyBatchNorm2d(_LazyNorm, BatchNorm2d):
    """BatchNorm2d whose num_features is read from the first input (N, C, H, W)."""

    cls_to_become = BatchNorm2d


class LazyBatchNorm3d(_LazyNorm, BatchNorm3d):
    """BatchNorm3d whose num_features is read from the first input (N, C, D, H, W)."""

    cls_to_become = BatchNorm3d


class LazyInstanceNorm1d(_LazyNorm, InstanceNorm1d):
    """InstanceNorm1d whose num_features is read from the first input. Note PyTorch's defaults here: affine=True
    and track_running_stats=True (InstanceNorm1d's own are False)."""

    cls_to_become = InstanceNorm1d


class LazyInstanceNorm2d(_LazyNorm, InstanceNorm2d):
    """InstanceNorm2d whose num_features is read from the first input (PyTorch's defaults: affine, tracked)."""

    cls_to_become = InstanceNorm2d


class LazyInstanceNorm3d(_LazyNorm, InstanceNorm3d):
    """InstanceNorm3d whose num_features is read from the first input (PyTorch's defaults: affine, tracked)."""

    cls_to_become = InstanceNorm3d


__all__ = ["UninitializedParameter", "UninitializedBuffer", "LazyModuleMixin", "LazyLinear", "LazyConv1d",
           "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d", "LazyConvTranspose2d", "LazyConvTranspose3d",
           "LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d", "LazyInstanceNorm1d", "LazyInstanceNorm2d",
           "LazyInstanceNorm3d"]
