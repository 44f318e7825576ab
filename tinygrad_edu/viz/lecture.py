"""The lecture's coupling example (seed 000 §4.1.1, F3): a 4×4 input x_ij, a 2×2 kernel J_αβ, stride 2,
giving u_IJ = Σ_αβ J_αβ x_{2I+α, 2J+β} — four outputs, each tied to its own 2×2 block by J_αβ."""
from __future__ import annotations

import numpy as np
from ..lazy_sympy import sympy

from ..tensor import Tensor


def _grid(name: str, size: int) -> np.ndarray:
    """Symbols name_ij (0-based, as seed 000) in an array of shape (1, 1, size, size)."""
    out = np.empty((1, 1, size, size), dtype=object)
    for i in range(size):
        for j in range(size):
            out[0, 0, i, j] = sympy.Symbol(f"{name}_{i}{j}", real=True)
    return out


CAPTION = ("u_IJ = Σ_αβ J_αβ · x_(2I+α, 2J+β): a 4×4 input x, a 2×2 kernel J, stride 2 (seed 000 §4.1.1, F3–F4)\n"
           "each output reads its own 2×2 block (same colour), every block through the same J")


def conv_coupling_example() -> tuple[Tensor, Tensor, Tensor]:
    """(u, x, J): u = conv2d(x, J, stride=2) on symbols; draw(u, expand=True) is the lecture's picture."""
    from .. import functional as F
    from ..nn.parameter import Parameter

    x = Tensor(_grid("x", 4), requires_grad=True, name="x")
    kernel = Parameter(_grid("J", 2))
    kernel.name = "J"
    u = F.conv2d(x, kernel, stride=2)
    u.name = "u"
    return u, x, kernel
