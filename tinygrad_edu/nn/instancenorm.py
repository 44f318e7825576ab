"""Instance normalisation layers (PyTorch's InstanceNorm1d / InstanceNorm2d): each sample's channel normalised
over its positions; affine γ, β and running statistics only when asked (affine=False, track_running_stats=False
by default), with PyTorch's parameter and buffer names."""
from __future__ import annotations

from typing import Any, Optional

from ..errors import ShapeError
from ..ops.instance_norm import instance_norm
from ..ops.softmax import warn_user
from ..tensor import Tensor
from . import validate
from .normalization import _BatchNorm


class _InstanceNorm(_BatchNorm):
    """The parameters and buffers of _BatchNorm (same names), instance statistics in forward."""

    unbatched_dims = 0

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: Optional[float] = 0.1, affine: bool = False,
                 track_running_stats: bool = False, device: Any = None, dtype: Any = None, *,
                 bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)

    def forward(self, x: Tensor) -> Tensor:
        layer = type(self).__name__
        x = validate.tensor_input(layer, x)
        if x.ndim not in (self.unbatched_dims, self.unbatched_dims + 1):
            raise ShapeError(f"{layer}: expected {self.unbatched_dims}D or {self.unbatched_dims + 1}D input (got "
                             f"{x.ndim}D input of shape {tuple(x.shape)})")
        feature_dim = x.ndim - self.unbatched_dims
        if x.shape[feature_dim] != self.num_features:
            if self.affine:
                raise ShapeError(f"{layer}: expected input's size at dim={feature_dim} to match num_features "
                                 f"({self.num_features}), but got: {x.shape[feature_dim]}.")
            warn_user(f"{layer}: input's size at dim={feature_dim} does not match num_features. You can silence "
                      "this warning by not passing in num_features, which is not used because affine=False")
        batched = x.ndim == self.unbatched_dims + 1
        out = instance_norm(x if batched else x.unsqueeze(0), self.running_mean, self.running_var, self.weight,
                            self.bias, self.training or not self.track_running_stats,
                            0.0 if self.momentum is None else self.momentum, self.eps)
        return out if batched else out.squeeze(0)


class InstanceNorm1d(_InstanceNorm):
    """Instance normalisation of (N, C, L) or unbatched (C, L) input."""

    unbatched_dims = 2


class InstanceNorm2d(_InstanceNorm):
    """Instance normalisation of (N, C, H, W) or unbatched (C, H, W) input."""

    unbatched_dims = 3


__all__ = ["InstanceNorm1d", "InstanceNorm2d"]
