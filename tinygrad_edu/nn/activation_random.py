"""RReLU (PyTorch's layer): leaky ReLU with random negative slopes from U(lower, upper) in training mode and their
mean (lower + upper)/2 in evaluation mode, as F.rrelu."""
from __future__ import annotations

from typing import Any

from ..ops.activation_random import _bounds, rrelu
from ..ops.activation_inplace import rrelu_
from .module import Module


class RReLU(Module):
    """x for x > 0, a·x otherwise; a ~ U(lower, upper) per entry while training, (lower + upper)/2 in eval()."""

    def __init__(self, lower: float = 1.0 / 8, upper: float = 1.0 / 3, inplace: bool = False) -> None:
        super().__init__()
        self.lower, self.upper = _bounds("RReLU", lower, upper)
        self.inplace = bool(inplace)

    def forward(self, input: Any) -> Any:
        if self.inplace:
            return rrelu_(input, self.lower, self.upper, self.training)
        return rrelu(input, self.lower, self.upper, self.training)

    def extra_repr(self) -> str:
        return f"lower={self.lower}, upper={self.upper}" + (", inplace=True" if self.inplace else "")


__all__ = ["RReLU"]
