"""Dataset: a sized, indexable collection of samples; TensorDataset: samples as rows of equal-length arrays
(images, labels, ...), which the DataLoader batches by one fancy-indexing per array; Subset, ConcatDataset and
StackDataset combine datasets; IterableDataset is a stream of samples."""
from __future__ import annotations

from abc import ABC, abstractmethod
from bisect import bisect_right
from typing import Any, Iterable, Iterator, Sequence, Union

import numpy as np

from ..errors import ShapeError
from ..tensor import Tensor


class Dataset(ABC):
    """A map-style data set: `len(ds)` samples, `ds[i]` is sample i (usually a tuple such as (image, label))."""

    @abstractmethod
    def __len__(self) -> int:
        ...

    @abstractmethod
    def __getitem__(self, index: int) -> Any:
        ...

    def __add__(self, other: "Dataset") -> "ConcatDataset":
        """`a + b` is ConcatDataset([a, b]), as in PyTorch."""
        return ConcatDataset([self, other])


class IterableDataset(ABC):
    """An iterable-style data set (a stream): `iter(ds)` yields the samples; a DataLoader batches them in the order
    they come (no shuffle, no sampler). `__len__` is optional. Counts as a Dataset (isinstance), as in PyTorch."""

    @abstractmethod
    def __iter__(self) -> Iterator[Any]:
        ...


Dataset.register(IterableDataset)


class TensorDataset(Dataset):
    """Sample i is the tuple of Tensors `(arrays[0][i], arrays[1][i], ...)` as PyTorch; every array (NumPy or
    Tensor, stored as NumPy in `arrays`) has the same first size."""

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

    @property
    def tensors(self) -> tuple[Tensor, ...]:
        """The stored arrays as Tensors (sharing their memory), PyTorch's attribute."""
        return tuple(Tensor._make(a, False) for a in self.arrays)

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        """`(tensors[0][index], tensors[1][index], ...)` as Tensors, as PyTorch (a row of each array)."""
        if isinstance(index, Tensor):
            index = index.data
        return tuple(Tensor._make(np.asarray(a[index]), False) for a in self.arrays)

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


class ConcatDatasetError(ShapeError, AssertionError):
    """ConcatDataset's argument rules: PyTorch asserts them (AssertionError); a ShapeError as this library's rules."""


class ConcatDataset(Dataset):
    """The samples of several map-style datasets one after the other; `cumulative_sizes[i]` is the number of
    samples in datasets[0..i]."""

    def __init__(self, datasets: Iterable[Dataset]) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise ConcatDatasetError("ConcatDataset: datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise ConcatDatasetError("ConcatDataset: does not support IterableDataset (it has no indices)")
        self.cumulative_sizes = np.cumsum([len(d) for d in self.datasets]).tolist()

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, index: int) -> Any:
        n = len(self)
        if index < 0:
            if -index > n:
                raise ShapeError(f"ConcatDataset: absolute value of index should not exceed dataset length "
                                 f"(index {index}, length {n})")
            index += n
        if index >= n:
            raise IndexError(f"ConcatDataset: index {index} is out of range for {n} samples")
        which = bisect_right(self.cumulative_sizes, index)
        return self.datasets[which][index - (self.cumulative_sizes[which - 1] if which else 0)]


class StackDataset(Dataset):
    """Sample i of several equal-length datasets side by side: a tuple (positional datasets) or a dict (keyword
    datasets), as torch.utils.data.StackDataset."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args and kwargs:
            raise ShapeError("StackDataset: supported either tuple-like (via args) or dict-like (via kwargs) "
                             "input/output, but both types are given")
        if not args and not kwargs:
            raise ShapeError("StackDataset: at least one dataset should be passed")
        parts = list(args) if args else list(kwargs.values())
        lengths = [len(d) for d in parts]
        if len(set(lengths)) != 1:
            raise ShapeError(f"StackDataset: size mismatch between datasets (lengths {lengths})")
        self._length = lengths[0]
        self.datasets: Union[tuple[Any, ...], dict[str, Any]] = tuple(args) if args else dict(kwargs)

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index: int) -> Any:
        if isinstance(self.datasets, dict):
            return {key: d[index] for key, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)


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
