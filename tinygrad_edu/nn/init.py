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


def uniform_(t: Tensor, a: float = 0.0, b: float = 1.0) -> Tensor:
    """t filled with U(a, b) in place (PyTorch's argument names and defaults)."""
    t.data[...] = generator().uniform(a, b, t.shape).astype(t.dtype)
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


def kaiming_uniform_(t: Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu") -> Tensor:
    """U(−b, b) with b = gain·√(3/fan), gain = calculate_gain(nonlinearity, a); PyTorch layers use a = √5, i.e.
    b = 1/√fan_in. A tensor without elements is left as it is (PyTorch: "Initializing zero-element tensors is a no-op")."""
    if t.numel() == 0:
        return t
    bound = math.sqrt(3.0) * calculate_gain(nonlinearity, a) / math.sqrt(_fan(t, mode))
    return uniform_(t, -bound, bound)


def kaiming_normal_(t: Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu") -> Tensor:
    """N(0, σ²) with σ = gain/√fan (He et al. 2015), as torch.nn.init.kaiming_normal_."""
    if t.numel() == 0:
        return t
    return normal_(t, 0.0, calculate_gain(nonlinearity, a) / math.sqrt(_fan(t, mode)))


def xavier_uniform_(t: Tensor, gain: float = 1.0) -> Tensor:
    """U(−b, b) with b = gain·√(6/(fan_in + fan_out)) (Glorot & Bengio 2010)."""
    fi, fo = _fans(t)
    bound = gain * math.sqrt(6.0 / (fi + fo))
    return uniform_(t, -bound, bound)


def xavier_normal_(t: Tensor, gain: float = 1.0) -> Tensor:
    """N(0, σ²) with σ = gain·√(2/(fan_in + fan_out))."""
    fi, fo = _fans(t)
    return normal_(t, 0.0, gain * math.sqrt(2.0 / (fi + fo)))


def constant_(t: Tensor, val: float) -> Tensor:
    t.data[...] = val
    return t


def trunc_normal_(t: Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0, b: float = 2.0) -> Tensor:
    """N(mean, std²) restricted to [a, b] (a and b are absolute values, as PyTorch): out-of-range draws are redrawn."""
    values = mean + std * generator().standard_normal(t.shape)
    bad = (values < a) | (values > b)
    for _ in range(1000):
        if not bad.any():
            break
        values[bad] = mean + std * generator().standard_normal(int(bad.sum()))
        bad = (values < a) | (values > b)
    t.data[...] = np.clip(values, a, b).astype(t.dtype)
    return t


def eye_(t: Tensor) -> Tensor:
    """The identity matrix in a 2-D tensor (as many ones as the shorter side)."""
    if t.ndim != 2:
        raise ValueError(f"eye_: only tensors with 2 dimensions are supported, got shape {t.shape}")
    t.data[...] = np.eye(*t.shape, dtype=t.dtype)
    return t


def dirac_(t: Tensor, groups: int = 1) -> Tensor:
    """A convolution weight (3-, 4- or 5-D) that copies each input channel to the matching output channel."""
    if t.ndim not in (3, 4, 5):
        raise ValueError(f"dirac_: only tensors with 3, 4, or 5 dimensions are supported, got shape {t.shape}")
    if t.shape[0] % groups:
        raise ValueError(f"dirac_: dim 0 ({t.shape[0]}) must be divisible by groups ({groups})")
    out_per_group = t.shape[0] // groups
    t.data[...] = 0
    centre = tuple(k // 2 for k in t.shape[2:])
    for g in range(groups):
        for d in range(min(out_per_group, t.shape[1])):
            t.data[(g * out_per_group + d, d) + centre] = 1
    return t


def orthogonal_(t: Tensor, gain: float = 1.0) -> Tensor:
    """A (semi-)orthogonal matrix from the QR decomposition of a Gaussian one (Saxe et al. 2013), rows = size(0)."""
    if t.ndim < 2:
        raise ValueError(f"orthogonal_: only tensors with 2 or more dimensions are supported, got shape {t.shape}")
    if t.numel() == 0:
        return t
    rows = t.shape[0]
    cols = t.numel() // rows
    flat = generator().standard_normal((rows, cols))
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q = q * np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    t.data[...] = (gain * q).reshape(t.shape).astype(t.dtype)
    return t


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for a nonlinearity, as torch.nn.init.calculate_gain (leaky_relu's slope defaults to 0.01)."""
    linear = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
              "sigmoid")
    if nonlinearity in linear:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"calculate_gain: negative_slope {param} is not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _fans(t: Tensor) -> tuple[int, int]:
    """(fan_in, fan_out) = (size(1), size(0)) · kernel elements, PyTorch's _calculate_fan_in_and_fan_out."""
    if t.ndim < 2:
        raise ValueError(f"Fan in and fan out can not be computed for tensor with fewer than 2 dimensions "
                         f"(shape {t.shape})")
    receptive = int(np.prod(t.shape[2:], dtype=np.int64))
    return int(t.shape[1]) * receptive, int(t.shape[0]) * receptive


def _fan(t: Tensor, mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of fan_in, fan_out")
    return _fans(t)[0 if mode == "fan_in" else 1]


def default_layer_init(weight: Tensor, bias: Tensor | None, fan: int | None = None) -> None:
    """What nn.Linear/nn.Conv2d.reset_parameters do: weight U(±1/√fan_in) via kaiming(a=√5), bias U(±1/√fan_in)."""
    kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        n = fan if fan is not None else fan_in(weight)
        bound = 1 / math.sqrt(n) if n > 0 else 0.0
        uniform_(bias, -bound, bound)
