"""Symbolic gradients entry by entry: on SymPy values the stepper shows, for each element, the formula the
backward pass built (δ_u[0, 1] = δ₂·W₂₁·(1 − tanh²(u₁))…) instead of a bare "(symbolic)" — the lecture's
δ_r = W_{r+1}ᵀ δ_{r+1} ⊙ f'(u_r) written out as it emerges."""
from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np
from ..lazy_sympy import sympy

from ..viz.labels import pretty_symbols

MAX_SHOWN = 12
WIDTH = 160


def index_text(index: Sequence[Any]) -> str:
    """(0, 1) → "[0, 1]" (0-based, as NumPy indexes; rule texts also put names such as "o" in); a scalar's () → ""."""
    return "[" + ", ".join(str(i) for i in index) + "]" if index else ""


def formula_text(expr: Any, width: int = WIDTH) -> str:
    """One entry as readable text: SymPy's form with symbol indices as subscripts (W_11 → W₁₁), ** as ^, * as ·, cut at
    `width` characters with an ellipsis."""
    text = pretty_symbols(sympy.sstr(expr)).replace("**", "^").replace("*", "·")
    return text if len(text) <= width else text[: width - 1] + "…"


def element_formulas(array: np.ndarray, name: str = "", limit: int = MAX_SHOWN,
                     width: int = WIDTH) -> list[tuple[str, str]]:
    """(`name[i, j]`, formula text) for the first `limit` entries of a symbolic array, in row-major order, then
    ("…", "k more entries") when there are more; [] for numeric arrays."""
    if array.dtype != object:
        return []
    shown = []
    for flat, index in enumerate(np.ndindex(*array.shape)):
        if flat == limit:
            shown.append(("…", f"{array.size - limit} more entries"))
            break
        shown.append((f"{name}{index_text(index)}", formula_text(array[index], width)))
    return shown


def formula_lines(array: Optional[np.ndarray], name: str, indent: str = "      ", limit: int = MAX_SHOWN,
                  width: int = WIDTH) -> list[str]:
    """The entries of a symbolic gradient as lines `indent + name[i] = formula` (none for numeric ones)."""
    if array is None:
        return []
    return [f"{indent}{where} = {text}" if where != "…" else f"{indent}… {text}"
            for where, text in element_formulas(array, name, limit, width)]
