"""PyTorch's default initialisations, drawn from the library's seeded generator (tg.manual_seed)."""
from __future__ import annotations

import math

import numpy as np

from ..creation import generator
from ..tensor import Tensor


def fan_in(weight: Tensor) -> int:
    """Inputs per output unit, PyTorch's rule: size(1) · kernel elements (Linear: in_features)."""
    if weight.ndim < 2:
        raise ValueError(f"fan_in: weight must have at least 2 dimensions, got shape {weight.shape}")
    return int(weight.shape[1] * np.prod(weight.shape[2:], dtype=np.int64))


def uniform_(t: Tensor, low: float, high: float) -> Tensor:
    t.data[...] = generator().uniform(low, high, t.shape).astype(t.dtype)
    return t


def normal_(t: Tensor, mean: float = 0.0, std: float = 1.0) -> Tensor:
    t.data[...] = (mean + std * generator().standard_normal(t.shape)).astype(t.dtype)
    return t


def zeros_(t: Tensor) -> Tensor:
    t.data[...] = 0
    return t


def ones_(t: Tensor) -> Tensor:
    t.data[...] = 1
    return t


def kaiming_uniform_(t: Tensor, a: float = 0.0) -> Tensor:
    """U(−b, b) with b = gain·√(3/fan_in), gain = √(2/(1 + a²)); PyTorch layers use a = √5, i.e. b = 1/√fan_in.
    A tensor without elements is left as it is (PyTorch: "Initializing zero-element tensors is a no-op")."""
    if t.numel() == 0:
        return t
    bound = math.sqrt(2.0 / (1 + a * a)) * math.sqrt(3.0 / fan_in(t))
    return uniform_(t, -bound, bound)


def default_layer_init(weight: Tensor, bias: Tensor | None, fan: int | None = None) -> None:
    """What nn.Linear/nn.Conv2d.reset_parameters do: weight U(±1/√fan_in) via kaiming(a=√5), bias U(±1/√fan_in)."""
    kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        n = fan if fan is not None else fan_in(weight)
        bound = 1 / math.sqrt(n) if n > 0 else 0.0
        uniform_(bias, -bound, bound)
