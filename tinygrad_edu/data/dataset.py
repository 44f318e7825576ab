"""Dataset: a sized, indexable collection of samples; TensorDataset: samples as rows of equal-length arrays
(images, labels, ...), which the DataLoader batches by one fancy-indexing per array."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Sequence, Union

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


class Subset(Dataset):
    """The samples of `dataset` at `indices` (torch.utils.data.Subset); batches stay one fancy-indexing when the
    underlying dataset is a TensorDataset (or another Subset of one)."""

    def __init__(self, dataset: Dataset, indices: Any) -> None:
        self.dataset = dataset
        self.indices = np.asarray(getattr(indices, "data", indices), dtype=np.int64).reshape(-1)
        n = len(dataset)
        if self.indices.size and (self.indices.min() < -n or self.indices.max() >= n):
            raise IndexError(f"Subset: indices must lie in [-{n}, {n}) for a dataset of {n} samples")

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, index: int) -> Any:
        return self.dataset[int(self.indices[index])]

    def take(self, indices: np.ndarray) -> tuple[np.ndarray, ...]:
        if not hasattr(self.dataset, "take"):
            raise TypeError(f"Subset.take: {type(self.dataset).__name__} has no vectorised take")
        return self.dataset.take(self.indices[indices])


def random_split(dataset: Dataset, lengths: Sequence[Union[int, float]], generator: Any = None) -> list[Subset]:
    """Split into non-overlapping random Subsets of the given lengths (or fractions summing to 1), as
    torch.utils.data.random_split; the order follows tg.manual_seed unless a generator or seed is given."""
    from ..creation import random_source

    n = len(dataset)
    if lengths and all(isinstance(x, float) for x in lengths) and abs(sum(lengths) - 1) < 1e-9:
        counts = [int(np.floor(n * f)) for f in lengths]
        for k in range(n - sum(counts)):
            counts[k % len(counts)] += 1
    else:
        counts = [int(x) for x in lengths]
    if any(c < 0 for c in counts) or sum(counts) != n:
        raise ValueError(f"random_split: lengths {list(lengths)} must be non-negative and sum to the dataset's "
                         f"{n} samples (or be fractions summing to 1)")
    rng = generator if isinstance(generator, np.random.Generator) else random_source(generator)
    order = rng.permutation(n)
    bounds = np.cumsum([0] + counts)
    return [Subset(dataset, order[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]
