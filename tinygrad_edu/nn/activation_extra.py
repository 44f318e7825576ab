"""More activations as Modules with PyTorch's names, arguments, parameter names and reprs: PReLU (a learned
negative slope), Hardswish, Hardsigmoid, Softsign, Softshrink, Hardshrink, Tanhshrink, Threshold, GLU and
Softmax2d (softmax over the channels at every pixel)."""
from __future__ import annotations

from typing import Any

from ..errors import ShapeError
from ..ops import activation_extra as A
from ..ops.softmax import softmax
from ..tensor import Tensor
from . import validate
from .module import Module
from .parameter import Parameter


class PReLU(Module):
    """u for u > 0, a·u otherwise, with learned slopes a: one shared (num_parameters=1) or one per channel."""

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.num_parameters = validate.integer("PReLU", "num_parameters", num_parameters, 0)
        self.init = validate.real("PReLU", "init", init)
        validate.device("PReLU", device)
        self.weight = Parameter(validate.empty("PReLU", (self.num_parameters,), validate.float_dtype("PReLU", dtype)))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.weight.data[...] = self.init

    def forward(self, x: Tensor) -> Tensor:
        return A.prelu(x, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class _Elementwise(Module):
    """An activation without hyper-parameters; `inplace` is accepted for PyTorch code (not shown in the repr,
    as PyTorch) and the result is computed out of place."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace


class Hardswish(_Elementwise):
    """u·relu6(u + 3)/6."""

    def forward(self, x: Tensor) -> Tensor:
        return A.hardswish(x)


class Hardsigmoid(_Elementwise):
    """relu6(u + 3)/6."""

    def forward(self, x: Tensor) -> Tensor:
        return A.hardsigmoid(x)


class Softsign(Module):
    """u/(1 + |u|)."""

    def forward(self, x: Tensor) -> Tensor:
        return A.softsign(x)


class Tanhshrink(Module):
    """u − tanh u."""

    def forward(self, x: Tensor) -> Tensor:
        return A.tanhshrink(x)


class Softshrink(Module):
    """u − λ above λ, u + λ below −λ, 0 in between."""

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = lambd

    def forward(self, x: Tensor) -> Tensor:
        return A.softshrink(x, self.lambd)

    def extra_repr(self) -> str:
        return str(self.lambd)


class Hardshrink(Softshrink):
    """u where |u| > λ, 0 elsewhere."""

    def forward(self, x: Tensor) -> Tensor:
        return A.hardshrink(x, self.lambd)


class Threshold(Module):
    """u where u > threshold, else value."""

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold, self.value, self.inplace = threshold, value, inplace

    def forward(self, x: Tensor) -> Tensor:
        return A.threshold(x, self.threshold, self.value)

    def extra_repr(self) -> str:
        return f"threshold={self.threshold}, value={self.value}" + (", inplace=True" if self.inplace else "")


class GLU(Module):
    """a·σ(b) for the halves a, b of the input along dim."""

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: Tensor) -> Tensor:
        return A.glu(x, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmax2d(Module):
    """Softmax over the channels at every position of a (N, C, H, W) or (C, H, W) input."""

    def forward(self, x: Tensor) -> Tensor:
        x = validate.tensor_input("Softmax2d", x)
        if x.ndim not in (3, 4):
            raise ShapeError(f"Softmax2d: expected input to be 3D or 4D, got {x.ndim}D instead (shape {x.shape})")
        return softmax(x, -3)


__all__ = ["PReLU", "Hardswish", "Hardsigmoid", "Softsign", "Tanhshrink", "Softshrink", "Hardshrink", "Threshold",
           "GLU", "Softmax2d"]
