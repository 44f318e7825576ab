"""GradStats: the summary of one gradient array a student reads at a glance (norm, mean, range,
share of exact zeros, count of NaN/Inf)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import numpy as np

from ..tensor import Tensor


@dataclass(frozen=True)
class GradStats:
    """Statistics of one gradient array. Symbolic (object) arrays have only a shape; the rest is None.
    An empty array has norm 0, zero_fraction 0 and no mean/min/max. NaN/Inf propagate into norm, mean,
    min and max (a poisoned gradient shows as such) and are counted in `nonfinite`."""

    shape: tuple[int, ...]
    norm: Optional[float]
    mean: Optional[float]
    min: Optional[float]
    max: Optional[float]
    zero_fraction: Optional[float]
    nonfinite: Optional[int]

    @classmethod
    def of(cls, array: Any) -> "GradStats":
        """Summarise a NumPy array (or a Tensor's `.data`, or anything np.asarray accepts)."""
        data = np.asarray(array.data if isinstance(array, Tensor) else array)
        shape = tuple(int(n) for n in data.shape)
        if data.dtype == object:
            return cls(shape, None, None, None, None, None, None)
        if data.dtype.kind not in "biuf":
            raise TypeError(f"GradStats.of: gradient of shape {shape} has non-numeric dtype {data.dtype}")
        if data.size == 0:
            return cls(shape, 0.0, None, None, None, 0.0, 0)
        values = data.astype(np.float64, copy=False)
        with np.errstate(over="ignore", invalid="ignore"):
            norm = float(np.sqrt(np.sum(np.square(values))))
            mean = float(np.mean(values))
        zero_fraction = float(np.count_nonzero(values == 0) / values.size)
        nonfinite = int(values.size - np.count_nonzero(np.isfinite(values)))
        return cls(shape, norm, mean, float(np.min(values)), float(np.max(values)), zero_fraction, nonfinite)

    @property
    def is_symbolic(self) -> bool:
        return self.norm is None

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: floats, ints, None, and the strings "nan", "inf", "-inf" for non-finite numbers."""
        return {"shape": list(self.shape), "norm": json_number(self.norm), "mean": json_number(self.mean),
                "min": json_number(self.min), "max": json_number(self.max),
                "zero_fraction": json_number(self.zero_fraction), "nonfinite": self.nonfinite}

    def __str__(self) -> str:
        shape = "×".join(str(n) for n in self.shape) or "scalar"
        if self.is_symbolic:
            return f"{shape}, symbolic: per entry"
        if self.mean is None:
            return f"{shape} (empty)"
        text = (f"{shape}  ‖·‖={self.norm:.4g}  mean={self.mean:.4g}  min={self.min:.4g}  max={self.max:.4g}  "
                f"zeros={100 * self.zero_fraction:.0f}%")
        return text + (f"  NaN/Inf={self.nonfinite}" if self.nonfinite else "")


def json_number(value: Optional[float]) -> Any:
    """A float JSON can hold, or "nan" / "inf" / "-inf" (JSON has no non-finite numbers), or None."""
    if value is None:
        return None
    if np.isnan(value):
        return "nan"
    if np.isinf(value):
        return "inf" if value > 0 else "-inf"
    return float(value)
