"""Symbol tensors named in the lecture's notation: `symbols("W", (2, 3))` holds W₁₁ … W₂₃.

Index mapping (said once): the symbol W_{ij} with the lecture's 1-based i, j is entry [i-1, j-1] of the
Tensor; set `start=0` for the 0-based notation of seed 000 (x_00 … x_33). Seed 003 writes a layer as
d×d×K (height, width, channel): `image("Z", d, K)` is the NCHW tensor (1, K, d, d) whose entry
[0, k-1, i-1, j-1] is the symbol Z_{ijk}, and `kernel("W", H, K, M)` the (M, K, H, H) weight whose entry
[m-1, k-1, p-1, q-1] is W_{pqkm}.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import sympy

from ..tensor import Tensor


def symbols(name: str, shape: Sequence[int] | int, start: int = 1, requires_grad: bool = True,
            **assumptions: Any) -> Tensor:
    """A Tensor whose entries are SymPy symbols `name_ij…` (real by default;
    indices joined by commas once a size passes 9: W_1,10), ready for autograd."""
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    assumptions.setdefault("real", True)
    separator = "" if all(s + start <= 10 for s in shape) else ","
    data = np.empty(shape, dtype=object)
    for index in np.ndindex(*shape):
        suffix = separator.join(str(i + start) for i in index)
        data[index] = sympy.Symbol(f"{name}_{suffix}" if suffix else name, **assumptions)
    return Tensor(data, requires_grad=requires_grad, name=name)


def simplify(t: Tensor | np.ndarray) -> np.ndarray:
    """Entrywise `sympy.simplify` of a symbolic tensor (an object array back)."""
    data = t.data if isinstance(t, Tensor) else np.asarray(t, dtype=object)
    return np.vectorize(sympy.simplify, otypes=[object])(data) if data.ndim else np.array(sympy.simplify(data[()]))


def expressions(t: Tensor) -> sympy.Matrix | sympy.Expr:
    """The entries as a SymPy Matrix (≤ 2-D) or expression (0-d), for printing and LaTeX."""
    data = t.data
    if data.ndim == 0:
        return data[()]
    if data.ndim == 1:
        return sympy.Matrix(list(data))
    if data.ndim == 2:
        return sympy.Matrix(data.tolist())
    raise ValueError(f"expressions: only 0-, 1- and 2-D tensors print as a Matrix, got shape {data.shape}")


def in_layout(name: str, lecture_shape: Sequence[int], axes: Sequence[int], start: int = 1,
              requires_grad: bool = True, **assumptions: Any) -> Tensor:
    """Symbols named by their lecture indices (`lecture_shape`, 1-based) stored in the library's layout:
    tensor axis a holds lecture axis axes[a] (a leaf Tensor, so its .grad is in the same layout)."""
    named = symbols(name, lecture_shape, start=start, requires_grad=False, **assumptions)
    return Tensor(np.ascontiguousarray(named.data.transpose(tuple(axes))), requires_grad=requires_grad, name=name)


def image(name: str, d: int, channels: int, requires_grad: bool = True) -> Tensor:
    """A d×d×K layer of seed 003 as NCHW (1, K, d, d): entry [0, k-1, i-1, j-1] is Z_{ijk}."""
    t = in_layout(name, (d, d, channels), (2, 0, 1), requires_grad=False)
    return Tensor(t.data[None], requires_grad=requires_grad, name=name)


def kernel(name: str, size: int, channels: int, filters: int, requires_grad: bool = True) -> Tensor:
    """Seed 003's filter bank W ∈ ℝ^{H×H×K×M} as PyTorch's (M, K, H, H): entry [m-1, k-1, p-1, q-1] is W_{pqkm}."""
    return in_layout(name, (size, size, channels, filters), (3, 2, 0, 1), requires_grad=requires_grad)
