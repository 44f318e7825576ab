"""Activations as Modules, with PyTorch's names, arguments and reprs (f(u) of the lecture, F10 and beyond).
`inplace=True` is accepted for PyTorch code: the result is the same tensor values, computed out of place."""
from __future__ import annotations

from typing import Optional

from .. import functional as F
from ..errors import ShapeError
from ..tensor import Tensor
from . import validate
from .module import Module


def _inplace(inplace: bool, before: str = "") -> str:
    if not inplace:
        return before
    return f"{before}, inplace=True" if before else "inplace=True"


class ReLU(Module):
    """max(u, 0)."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, x: Tensor) -> Tensor:
        return F.relu(x)

    def extra_repr(self) -> str:
        return _inplace(self.inplace)


class Sigmoid(Module):
    """σ(u) = 1/(1 + e⁻ᵘ)."""

    def forward(self, x: Tensor) -> Tensor:
        return F.sigmoid(x)


class Tanh(Module):
    """tanh(u)."""

    def forward(self, x: Tensor) -> Tensor:
        return F.tanh(x)


class LeakyReLU(Module):
    """u for u > 0, negative_slope·u otherwise."""

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope, self.inplace = negative_slope, inplace

    def forward(self, x: Tensor) -> Tensor:
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self) -> str:
        return _inplace(self.inplace, f"negative_slope={self.negative_slope}")


class _Along(Module):
    """Softmax, LogSoftmax and Softmin: dim=None keeps PyTorch's implicit choice and its warning."""

    def __init__(self, dim: Optional[int] = None) -> None:
        super().__init__()
        self.dim = dim

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmax(_Along):
    """e^u / Σ e^u along dim."""

    def forward(self, x: Tensor) -> Tensor:
        return F.softmax(x, self.dim)


class LogSoftmax(_Along):
    """u − ln Σ e^u along dim."""

    def forward(self, x: Tensor) -> Tensor:
        return F.log_softmax(x, self.dim)


class Softmin(_Along):
    """softmax(−u) along dim."""

    def forward(self, x: Tensor) -> Tensor:
        return F.softmin(x, self.dim)


class ELU(Module):
    """u for u > 0, α(eᵘ − 1) otherwise."""

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, x: Tensor) -> Tensor:
        return F.elu(x, self.alpha)

    def extra_repr(self) -> str:
        return _inplace(self.inplace, f"alpha={self.alpha}")


class CELU(ELU):
    """u for u > 0, α(e^(u/α) − 1) otherwise."""

    def forward(self, x: Tensor) -> Tensor:
        return F.celu(x, self.alpha)


class SELU(Module):
    """scale·elu(u, α) with the self-normalising constants."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, x: Tensor) -> Tensor:
        return F.selu(x)

    def extra_repr(self) -> str:
        return _inplace(self.inplace)


class GELU(Module):
    """u·Φ(u) (approximate='none', with erf) or its tanh approximation."""

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = approximate

    def forward(self, x: Tensor) -> Tensor:
        return F.gelu(x, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class SiLU(SELU):
    """u·σ(u)."""

    def forward(self, x: Tensor) -> Tensor:
        return F.silu(x)


class Mish(SELU):
    """u·tanh(softplus(u))."""

    def forward(self, x: Tensor) -> Tensor:
        return F.mish(x)


class Softplus(Module):
    """ln(1 + e^(βu))/β, linear where βu > threshold."""

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, x: Tensor) -> Tensor:
        return F.softplus(x, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class LogSigmoid(Module):
    """ln σ(u), finite for every finite u."""

    def forward(self, x: Tensor) -> Tensor:
        return F.logsigmoid(x)


class Hardtanh(Module):
    """u clipped to [min_val, max_val] (min_value/max_value: PyTorch's deprecated spellings)."""

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False,
                 min_value: Optional[float] = None, max_value: Optional[float] = None) -> None:
        super().__init__()
        self.min_val = validate.real("Hardtanh", "min_val", min_val if min_value is None else min_value)
        self.max_val = validate.real("Hardtanh", "max_val", max_val if max_value is None else max_value)
        self.inplace = inplace
        if self.min_val > self.max_val:
            raise ShapeError(f"Hardtanh: min_val {self.min_val} must not exceed max_val {self.max_val}")

    def forward(self, x: Tensor) -> Tensor:
        return F.hardtanh(x, self.min_val, self.max_val)

    def extra_repr(self) -> str:
        return _inplace(self.inplace, f"min_val={self.min_val}, max_val={self.max_val}")


class ReLU6(Hardtanh):
    """min(max(u, 0), 6)."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        return _inplace(self.inplace)


__all__ = ["ReLU", "Sigmoid", "Tanh", "LeakyReLU", "Softmax", "LogSoftmax", "Softmin", "ELU", "CELU", "SELU", "GELU",
           "SiLU", "Mish", "Softplus", "LogSigmoid", "Hardtanh", "ReLU6"]
