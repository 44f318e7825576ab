"""Normalisation layers: batch (1-D and 2-D), layer and group normalisation, and AlexNet's local response
normalisation (F17), with PyTorch's arguments, parameter and buffer names, so their state dicts load."""
from __future__ import annotations

import math
from typing import Any, Optional, Sequence, Union

import numpy as np

from .. import functional as F
from ..errors import ArgumentTypeError, ShapeError
from ..ops.normalization import group_norm, layer_norm
from ..tensor import Tensor
from . import validate
from .module import Module
from .parameter import Parameter


def _filled(layer: str, shape: tuple[int, ...], value: float, dtype: np.dtype) -> np.ndarray:
    array = validate.empty(layer, shape, dtype)
    array[...] = value
    return array


class _BatchNorm(Module):
    """Per-channel normalisation with learned scale γ (weight) and shift β (bias), and running statistics
    (momentum m: r ← (1 − m)·r + m·batch statistic; momentum=None: the cumulative average, m = 1/batches)."""

    expected_dims: tuple[int, ...] = ()

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: Optional[float] = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device: Any = None, dtype: Any = None, *,
                 bias: bool = True) -> None:
        super().__init__()
        layer = type(self).__name__
        self.num_features = validate.integer(layer, "num_features", num_features, 1)
        self.eps = validate.real(layer, "eps", eps, 0.0)
        self.momentum = None if momentum is None else validate.real(layer, "momentum", momentum, 0.0, 1.0)
        validate.device(layer, device)
        dtype = validate.float_dtype(layer, dtype)
        self.affine, self.track_running_stats = bool(affine), bool(track_running_stats)
        shape = (self.num_features,)
        self.weight = Parameter(_filled(layer, shape, 1, dtype)) if affine else None
        self.bias = Parameter(_filled(layer, shape, 0, dtype)) if affine and bias else None
        if track_running_stats:
            self.register_buffer("running_mean", Tensor(_filled(layer, shape, 0, dtype)))
            self.register_buffer("running_var", Tensor(_filled(layer, shape, 1, dtype)))
            self.register_buffer("num_batches_tracked", Tensor(np.array(0, np.int64)))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean.data[...] = 0
            self.running_var.data[...] = 1
            self.num_batches_tracked.data[...] = 0

    def forward(self, x: Tensor) -> Tensor:
        x = validate.tensor_input(type(self).__name__, x)
        if x.ndim not in self.expected_dims:
            wanted = " or ".join(f"{d}D" for d in self.expected_dims)
            raise ShapeError(f"{type(self).__name__}: expected {wanted} input (got {x.ndim}D input of shape "
                             f"{tuple(x.shape)})")
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            count = self.num_batches_tracked
            count.data[...] = count.data + 1
            count._bump_version()
            if self.momentum is None:
                factor = 1.0 / float(count.data)
        use_batch = self.training or (self.running_mean is None and self.running_var is None)
        keep = not self.training or self.track_running_stats
        return F.batch_norm(x, self.running_mean if keep else None, self.running_var if keep else None,
                            self.weight, self.bias, use_batch, factor, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")

    def _missing_key_ok(self, name: str) -> bool:
        """A state dict without num_batches_tracked (older PyTorch checkpoints) loads, keeping the count."""
        return name == "num_batches_tracked"


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) or (N, C, L) input, per channel C."""

    expected_dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of (N, C, H, W) input, per channel C."""

    expected_dims = (4,)


class LayerNorm(Module):
    """Each sample normalised over its last dimensions (normalized_shape), with elementwise γ and β."""

    def __init__(self, normalized_shape: Union[int, Sequence[int]], eps: float = 1e-5,
                 elementwise_affine: bool = True, bias: bool = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        layer = "LayerNorm"
        if isinstance(normalized_shape, (int, np.integer)) and not isinstance(normalized_shape, bool):
            normalized_shape = (normalized_shape,)
        if not isinstance(normalized_shape, (tuple, list)):
            raise ArgumentTypeError(f"{layer}: normalized_shape must be an int or a non-empty sequence of ints, "
                                    f"got {normalized_shape!r} ({type(normalized_shape).__name__})")
        if not normalized_shape:
            raise ShapeError(f"{layer}: normalized_shape must be an int or a non-empty sequence of ints, got "
                             f"{normalized_shape!r}")
        self.normalized_shape = tuple(validate.integer(layer, "normalized_shape entry", s, 1) for s in normalized_shape)
        self.eps = validate.real(layer, "eps", eps, 0.0)
        validate.device(layer, device)
        dtype = validate.float_dtype(layer, dtype)
        self.elementwise_affine = bool(elementwise_affine)
        affine = self.elementwise_affine
        self.weight = Parameter(_filled(layer, self.normalized_shape, 1, dtype)) if affine else None
        self.bias = Parameter(_filled(layer, self.normalized_shape, 0, dtype)) if affine and bias else None

    def forward(self, x: Tensor) -> Tensor:
        return layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
                f"bias={self.bias is not None}")


class GroupNorm(Module):
    """Channels split into num_groups groups, each normalised per sample; per-channel γ and β."""

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True,
                 device: Any = None, dtype: Any = None, *, bias: bool = True) -> None:
        super().__init__()
        layer = "GroupNorm"
        self.num_groups = validate.integer(layer, "num_groups", num_groups, 1)
        self.num_channels = validate.integer(layer, "num_channels", num_channels, 1)
        if num_channels % num_groups:
            raise ShapeError(f"{layer}: num_channels ({num_channels}) must be divisible by num_groups ({num_groups})")
        self.eps = validate.real(layer, "eps", eps, 0.0)
        validate.device(layer, device)
        dtype = validate.float_dtype(layer, dtype)
        self.affine = bool(affine)
        shape = (self.num_channels,)
        self.weight = Parameter(_filled(layer, shape, 1, dtype)) if affine else None
        self.bias = Parameter(_filled(layer, shape, 0, dtype)) if affine and bias else None

    def forward(self, x: Tensor) -> Tensor:
        return group_norm(x, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")


class LocalResponseNorm(Module):
    """b = a / (k + α/n · Σ a²)^β over n neighbouring channels (PyTorch's α/n; the lecture writes α)."""

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> None:
        super().__init__()
        layer = "LocalResponseNorm"
        self.size = validate.integer(layer, "size", size, 1)
        self.alpha = validate.real(layer, "alpha", alpha)
        self.beta = validate.real(layer, "beta", beta)
        self.k = validate.real(layer, "k", k)
        if not all(math.isfinite(v) for v in (self.alpha, self.beta, self.k)):
            raise ShapeError(f"{layer}: alpha, beta and k must be finite, got {alpha}, {beta}, {k}")

    def forward(self, x: Tensor) -> Tensor:
        return F.local_response_norm(x, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"
