"""A 2-D window of a gradient for a grid or heat map: the last two axes at one leading index (vectors wrap
into rows), cut to a size, with the scale (largest finite |value|) its colours are relative to."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np


@dataclass(frozen=True)
class GridSlice:
    """`values` (2-D float64) is the window; the last `pad` cells of the last row are filler, not data."""

    values: np.ndarray
    leading: tuple[int, ...]
    label: str
    truncated: bool
    pad: int
    scale: float
    number: int = 0
    count: int = 1

    @property
    def rows(self) -> int:
        return int(self.values.shape[0])

    @property
    def cols(self) -> int:
        return int(self.values.shape[1])


def leading_count(shape: tuple[int, ...]) -> int:
    """How many 2-D slices a tensor of this shape has (the product of all axes but the last two)."""
    return int(np.prod(shape[:-2])) if len(shape) > 2 else 1


def grid_slice(array: np.ndarray, leading: int = 0, max_rows: int = 16, max_cols: int = 16) -> Optional[GridSlice]:
    """The `leading`-th (modulo the count) 2-D slice of `array`, at most max_rows × max_cols; None for
    symbolic (object) or empty arrays. Trailing axes of size 1 are dropped first (N×C×1×1 shows as N×C);
    a vector of n values wraps into rows of max_cols."""
    if max_rows < 1 or max_cols < 1:
        raise ValueError(f"grid_slice: max_rows and max_cols must be at least 1, got {max_rows} × {max_cols}")
    data = np.asarray(array)
    if data.dtype == object or data.size == 0:
        return None
    data = data.astype(np.float64, copy=False)
    while data.ndim > 2 and data.shape[-1] == 1:
        data = data.reshape(data.shape[:-1])
    pad = 0
    if data.ndim == 0:
        window, index, label, full, k, count = data.reshape(1, 1), (), "scalar", (1, 1), 0, 1
    elif data.ndim == 1:
        n = data.shape[0]
        width = min(n, max_cols)
        rows = -(-n // width)
        pad = rows * width - n
        window = np.concatenate([data, np.zeros(pad)]).reshape(rows, width)
        index, label, full, k, count = (), f"{n} values, {width} a row", (rows, width), 0, 1
    else:
        count = leading_count(data.shape)
        flat = data.reshape(count, data.shape[-2], data.shape[-1])
        k = leading % count
        index = tuple(int(i) for i in np.unravel_index(k, data.shape[:-2])) if data.ndim > 2 else ()
        window = flat[k]
        label = "[" + ", ".join([str(i) for i in index] + [":", ":"]) + "]"
        full = window.shape
    cut = window[:max_rows, :max_cols]
    truncated = cut.shape != tuple(full)
    if truncated and data.ndim == 1:
        pad = 0
    finite = np.abs(cut[np.isfinite(cut)])
    scale = float(finite.max()) if finite.size else 0.0
    return GridSlice(np.array(cut), index, label, truncated, pad, scale, k, count)


def levels(window: GridSlice, steps: int = 4) -> np.ndarray:
    """Each cell's signed level: 0 for exactly zero, ±1..±steps by |value| / scale (rounded up), so the
    largest cell is ±steps and any non-zero cell is at least ±1. Non-finite cells get steps + 1."""
    values = window.values
    finite = np.isfinite(values)
    safe = np.where(finite, values, 0.0)
    size = np.abs(safe) / window.scale if window.scale > 0 else np.zeros_like(safe)
    level = np.where(safe == 0, 0, np.clip(np.ceil(size * steps), 1, steps)).astype(int)
    level = np.sign(safe).astype(int) * level
    return np.where(finite, level, steps + 1)
