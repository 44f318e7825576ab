"""The lecture's activations by name, with their derivatives as the lecture writes them (σ(1 − σ), 1 − tanh²,
the step), for the formula side of a Claim on symbols or floats alike."""
from __future__ import annotations

from typing import Any, Callable

from .. import functional as F
from .numbers import Numbers

ACTIVATIONS: dict[str, Callable] = {"sigmoid": F.sigmoid, "tanh": F.tanh, "relu": F.relu}


def derivative(name: str, u: Any, numbers: Numbers) -> Any:
    """f'(u) for f = sigmoid, tanh or relu."""
    if name == "sigmoid":
        s = numbers.sigmoid(u)
        return s * (1 - s)
    if name == "tanh":
        return 1 - numbers.tanh(u) ** 2
    if name == "relu":
        return numbers.step(u)
    raise ValueError(f"derivative: unknown activation {name!r}; known: {sorted(ACTIVATIONS)}")
