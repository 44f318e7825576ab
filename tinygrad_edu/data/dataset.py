"""Dataset: a sized, indexable collection of samples; TensorDataset: samples as rows of equal-length arrays
(images, labels, ...), which the DataLoader batches by one fancy-indexing per array."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

import numpy as np

from ..tensor import Tensor


class Dataset(ABC):
    """A map-style data set: `len(ds)` samples, `ds[i]` is sample i (usually a tuple such as (image, label))."""

    @abstractmethod
    def __len__(self) -> int:
        ...

    @abstractmethod
    def __getitem__(self, index: int) -> Any:
        ...


class TensorDataset(Dataset):
    """Sample i is `(arrays[0][i], arrays[1][i], ...)`; every array (NumPy or Tensor) has the same first size."""

    def __init__(self, *arrays: Any) -> None:
        if not arrays:
            raise ValueError("TensorDataset: needs at least one array, got none")
        converted = tuple(a.data if isinstance(a, Tensor) else np.asarray(a) for a in arrays)
        shapes = [a.shape for a in converted]
        if any(len(shape) == 0 for shape in shapes):
            raise ValueError(f"TensorDataset: every array needs a first (sample) dimension, got shapes {shapes}")
        if len({shape[0] for shape in shapes}) != 1:
            raise ValueError(f"TensorDataset: all arrays must have the same first dimension (number of samples), "
                             f"got shapes {shapes}")
        self.arrays: tuple[np.ndarray, ...] = converted

    def __len__(self) -> int:
        return self.arrays[0].shape[0]

    def __getitem__(self, index: int) -> tuple[np.ndarray, ...]:
        return tuple(a[index] for a in self.arrays)

    def take(self, indices: np.ndarray) -> tuple[np.ndarray, ...]:
        """The samples at `indices` as one array per field, by fancy indexing (no loop over samples)."""
        return tuple(a[indices] for a in self.arrays)
