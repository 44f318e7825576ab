"""The lecture's activations by name, with their derivatives as the lecture writes them (σ(1 − σ), 1 − tanh²,
the step [u > 0]), for the formula side of a Claim on symbols or floats alike. The derivatives are built from
`numbers` (exp-based σ, SymPy's or NumPy's tanh, a local step), never from the ops or the backend they check."""
from __future__ import annotations

from typing import Any, Callable

from .. import functional as F
from .numbers import Numbers

ACTIVATIONS: dict[str, Callable] = {"sigmoid": F.sigmoid, "tanh": F.tanh, "relu": F.relu}
"""The library's activations, for the autograd side of a claim only."""


def value(name: str, u: Any, numbers: Numbers) -> Any:
    """f(u) for f = sigmoid, tanh or relu, written out: 1/(1 + e^{−u}), tanh u, u·[u > 0]."""
    if name == "sigmoid":
        return numbers.sigmoid(u)
    if name == "tanh":
        return numbers.tanh(u)
    if name == "relu":
        return numbers.step(u) * u
    raise ValueError(f"value: unknown activation {name!r}; known: {sorted(ACTIVATIONS)}")


def derivative(name: str, u: Any, numbers: Numbers) -> Any:
    """f'(u) for f = sigmoid, tanh or relu: σ(u)(1 − σ(u)), 1 − tanh²(u), [u > 0]."""
    if name == "sigmoid":
        s = numbers.sigmoid(u)
        return s * (1 - s)
    if name == "tanh":
        return 1 - numbers.tanh(u) ** 2
    if name == "relu":
        return numbers.step(u)
    raise ValueError(f"derivative: unknown activation {name!r}; known: {sorted(ACTIVATIONS)}")
