"""Instance normalisation (PyTorch's instance_norm): every (sample, channel) map normalised by its own mean and
(biased) variance over the positions, then per-channel γ, β. A composition of differentiable ops, as
batch_norm; running statistics (the instance statistics averaged over the batch) are updated in place."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..autograd import composite
from ..errors import IndexRangeError, ShapeError
from .args import flag
from .movement import reshape
from .normalization import (_channel_shape, _check_channels, _check_eps, _check_momentum, _operands, _scaled,
                            _update_running)


@composite("instance_norm", "x̂ = (x − μ)/√(σ² + ε), y = γx̂ + β over the positions of each (sample, channel): "
           "δ_x = γ/√(σ² + ε)·(δ − mean δ − x̂·mean(δ·x̂)), ∂E/∂γ = Σ δ·x̂, ∂E/∂β = Σ δ",
           r"\delta_x = \frac{\gamma}{\sqrt{\sigma^2+\epsilon}}\left(\delta - \overline{\delta} - "
           r"\hat{x}\,\overline{\delta\hat{x}}\right)")
def instance_norm(input: Any, running_mean: Optional[Any] = None, running_var: Optional[Any] = None,
                  weight: Optional[Any] = None, bias: Optional[Any] = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Any:
    """y = (x − μ)/√(σ² + ε)·γ + β with μ, σ² of each sample's channel over its positions (use_input_stats),
    or the running statistics (use_input_stats=False), as torch.nn.functional.instance_norm."""
    op = "instance_norm"
    input, running_mean, running_var, weight, bias = _operands(op, input, running_mean=running_mean,
                                                               running_var=running_var, weight=weight, bias=bias)
    use_input_stats = flag(op, "use_input_stats", use_input_stats)
    if input.ndim < 2:
        raise ShapeError(f"{op}: expected an (N, C, …) input of at least 2 dimensions, got shape {input.shape}")
    if (running_mean is None) != (running_var is None):
        raise ShapeError(f"{op}: running_mean and running_var must either both be None or neither be None")
    if input.shape[0] == 0:
        raise IndexRangeError(f"{op}: the batch is empty (input {input.shape}, N = 0); as PyTorch, there is no "
                              "sample to normalise")
    positions = int(np.prod(input.shape[2:], dtype=np.int64))
    if use_input_stats and positions == 1:
        raise ShapeError(f"{op}: expected more than 1 spatial element when training, got input size "
                         f"{list(input.shape)} (one position normalises to 0)")
    _check_eps(op, eps, positive=False)
    momentum = _check_momentum(op, momentum)
    channels = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight), ("bias", bias)):
        _check_channels(op, name, t, channels, input.shape)
    shape = _channel_shape(input)
    if use_input_stats:
        axes = tuple(range(2, input.ndim))
        mean = input.mean(axes, keepdim=True)
        centred = input - mean
        var = (centred * centred).mean(axes, keepdim=True)
        if positions > 1 and input.shape[0]:
            _update_running(running_mean, running_var, type(input)(mean.data.mean(0)),
                            type(input)(var.data.mean(0)), momentum, positions)
    else:
        if running_mean is None or running_var is None:
            raise ShapeError(f"{op}: expected running_mean and running_var to be defined when use_input_stats is "
                             "false")
        centred = input - reshape(running_mean, shape)
        var = reshape(running_var, shape)
    return _scaled(input, centred, var, eps, weight, bias, shape)


__all__ = ["instance_norm"]
