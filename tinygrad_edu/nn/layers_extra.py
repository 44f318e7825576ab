"""Small layers of modern CNNs with PyTorch's names, arguments, reprs and state_dict keys: ShuffleNet's
ChannelShuffle (a fixed permutation of channels), RMSNorm (root-mean-square normalisation with a learned
scale), SELU's AlphaDropout / FeatureAlphaDropout, and channel-wise Dropout3d for (N, C, D, H, W) volumes."""
from __future__ import annotations

from typing import Any, Optional, Sequence, Union

import numpy as np

from ..errors import ArgumentTypeError, ShapeError
from ..ops.alpha_dropout import alpha_dropout, feature_alpha_dropout
from ..ops.channel_dropout import dropout3d
from ..ops.channel_shuffle import channel_shuffle
from ..ops.rms_norm import rms_norm
from ..tensor import Tensor
from . import validate
from .dropout import _DropoutNd
from .module import Module
from .parameter import Parameter


class ChannelShuffle(Module):
    """The C = g·k channels of (N, C, *) read as a g × k grid and transposed (ShuffleNet)."""

    def __init__(self, groups: int) -> None:
        super().__init__()
        self.groups = validate.integer("ChannelShuffle", "groups", groups)

    def forward(self, input: Tensor) -> Tensor:
        return channel_shuffle(input, self.groups)

    def extra_repr(self) -> str:
        return f"groups={self.groups}"


class RMSNorm(Module):
    """Each sample divided by its root mean square over the last dimensions (normalized_shape), times γ."""

    def __init__(self, normalized_shape: Union[int, Sequence[int]], eps: Optional[float] = None,
                 elementwise_affine: bool = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        layer = "RMSNorm"
        if isinstance(normalized_shape, (int, np.integer)) and not isinstance(normalized_shape, bool):
            normalized_shape = (normalized_shape,)
        if not isinstance(normalized_shape, (tuple, list)):
            raise ArgumentTypeError(f"{layer}: normalized_shape must be an int or a sequence of ints, got "
                                    f"{normalized_shape!r} ({type(normalized_shape).__name__})")
        if not normalized_shape:
            raise ShapeError(f"{layer}: normalized_shape must be an int or a non-empty sequence of ints, got "
                             f"{normalized_shape!r}")
        self.normalized_shape = tuple(validate.integer(layer, "normalized_shape entry", s, 1) for s in normalized_shape)
        self.eps = None if eps is None else validate.real(layer, "eps", eps, 0.0)
        validate.device(layer, device)
        dtype = validate.float_dtype(layer, dtype)
        self.elementwise_affine = bool(elementwise_affine)
        if self.elementwise_affine:
            weight = validate.empty(layer, self.normalized_shape, dtype)
            weight[...] = 1
            self.weight = Parameter(weight)
        else:
            self.weight = None

    def reset_parameters(self) -> None:
        if self.weight is not None:
            self.weight.data[...] = 1

    def forward(self, x: Tensor) -> Tensor:
        return rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


class AlphaDropout(_DropoutNd):
    """Alpha dropout in training (mean 0 and variance 1 kept for SELU networks), identity in eval."""

    def forward(self, input: Tensor) -> Tensor:
        return alpha_dropout(input, self.p, self.training)


class FeatureAlphaDropout(_DropoutNd):
    """Alpha dropout of whole channels of (N, C, *) in training, identity in eval."""

    def forward(self, input: Tensor) -> Tensor:
        return feature_alpha_dropout(input, self.p, self.training)


class Dropout3d(_DropoutNd):
    """Zero each channel of (N, C, D, H, W) or (C, D, H, W) input with probability p in training, scale the rest
    by 1/(1−p)."""

    def forward(self, input: Tensor) -> Tensor:
        return dropout3d(input, self.p, self.training)


__all__ = ["ChannelShuffle", "RMSNorm", "AlphaDropout", "FeatureAlphaDropout", "Dropout3d"]
