"""DataLoader: walks a Dataset in mini-batches (optionally in a seeded random order, new each epoch) and
yields each batch as default_collate makes it (PyTorch's structure and dtypes), the inputs after an optional
vectorised transform."""
from __future__ import annotations

import math
from typing import Any, Callable, Iterator, Optional

import numpy as np

from ..creation import random_source
from ..errors import ShapeError
from ..tensor import Tensor
from .collate import default_collate, default_convert
from .dataset import Dataset, IterableDataset, Subset, TensorDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler

Transform = Callable[[np.ndarray], np.ndarray]


class DataLoader:
    """Batches of `dataset` as PyTorch's default_collate makes them: a list of Tensors for tuple samples (dtypes
    kept: uint8 images stay uint8, Python ints int64, floats float64), a Tensor for plain samples, a dict for dict
    samples; `transform` (an array function) changes the inputs (field 0) of each batch. Shuffling uses the
    loader's own NumPy Generator seeded by `seed`: the same seed gives the same sequence of epochs, and each epoch
    a new order.
    A `sampler` (indices) or `batch_sampler` (lists of indices) chooses the order instead, with PyTorch's rules."""

    def __init__(self, dataset: Dataset, batch_size: int = 1, shuffle: bool = False, sampler: Any = None,
                 batch_sampler: Any = None, num_workers: int = 0, collate_fn: Optional[Callable] = None,
                 pin_memory: bool = False, drop_last: bool = False, timeout: float = 0,
                 worker_init_fn: Optional[Callable] = None, generator: Optional[np.random.Generator] = None,
                 prefetch_factor: Optional[int] = None, persistent_workers: bool = False, *,
                 seed: Optional[int] = None, transform: Optional[Transform] = None) -> None:
        """PyTorch's arguments; num_workers, pin_memory, timeout and worker_init_fn change nothing here (batches
        are gathered by one vectorised indexing in this process). Unseeded shuffling follows tg.manual_seed.
        `sampler` excludes shuffle; `batch_sampler` excludes batch_size, shuffle, sampler and drop_last."""
        if isinstance(num_workers, bool) or not isinstance(num_workers, (int, np.integer)) or num_workers < 0:
            raise ValueError(f"DataLoader: num_workers option should be non-negative, got {num_workers!r}")
        if collate_fn is not None and not callable(collate_fn):
            raise TypeError(f"DataLoader: collate_fn must be callable, got {type(collate_fn).__name__}")
        self.collate_fn = collate_fn
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            for name, value in (("shuffle", shuffle), ("sampler", sampler), ("batch_sampler", batch_sampler)):
                if value not in (False, None):
                    raise ShapeError(f"DataLoader with IterableDataset: expected unspecified {name} option, but got "
                                     f"{name}={value!r} (a stream is batched in the order it yields)")
        elif not (hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__")):
            raise TypeError(f"DataLoader: dataset must have __len__ and __getitem__ (a Dataset), "
                            f"got {type(dataset).__name__}")
        if sampler is not None and shuffle:
            raise ShapeError("DataLoader: sampler option is mutually exclusive with shuffle (the sampler decides the "
                             "order; pass shuffle=False)")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ShapeError("DataLoader: batch_sampler option is mutually exclusive with batch_size, shuffle, "
                                 "sampler, and drop_last (the batch sampler decides them all)")
            batch_size, drop_last = None, False
        elif batch_size is None:
            if drop_last:
                raise ShapeError("DataLoader: batch_size=None option disables auto-batching and is mutually "
                                 "exclusive with drop_last")
        elif isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be an integer ≥ 1, got {batch_size!r} "
                             "(or None: no batching)")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
            raise ValueError(f"DataLoader: seed must be None or an integer ≥ 0, got {seed!r}")
        if transform is not None and not callable(transform):
            raise TypeError(f"DataLoader: transform must be callable (images array → images array), "
                            f"got {type(transform).__name__}")
        self.dataset = dataset
        self.batch_size = None if batch_size is None else int(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.seed = seed
        self.transform = transform
        self._rng = generator if isinstance(generator, np.random.Generator) else random_source(seed)
        self.generator = generator
        self._own_order = sampler is None and batch_sampler is None and batch_size is not None
        if sampler is None and not self._iterable:
            sampler = (RandomSampler(dataset, generator=self._rng) if self.shuffle and len(dataset) > 0
                       else SequentialSampler(dataset))
        if batch_sampler is None and self.batch_size is not None and not self._iterable:
            batch_sampler = BatchSampler(sampler, self.batch_size, self.drop_last)
        self.sampler = sampler
        self.batch_sampler = batch_sampler

    def __len__(self) -> int:
        """The number of batches per epoch: len(batch_sampler), len(sampler) without auto-batching, or from
        len(dataset) for an IterableDataset (TypeError when the sampler or stream has no __len__)."""
        if self._iterable:
            n = len(self.dataset)  # type: ignore[arg-type]
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)
        if not self._own_order:
            return len(self.batch_sampler if self.batch_sampler is not None else self.sampler)
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def epoch_order(self) -> np.ndarray:
        """The sample indices of the next epoch: 0..N-1, or a fresh permutation from the loader's Generator."""
        n = len(self.dataset)
        return self._rng.permutation(n) if self.shuffle else np.arange(n)

    def __iter__(self) -> Iterator[Any]:
        if self._iterable:
            yield from self._stream_batches()
            return
        if self.batch_sampler is None:  # batch_size=None: no auto-batching, one converted sample at a time
            for index in self.sampler:
                yield self._one(self.dataset[index])
            return
        if not self._own_order:
            for indices in self.batch_sampler:
                yield self._batch(np.asarray(indices, dtype=np.int64))
            return
        order = self.epoch_order()
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            yield self._batch(order[start:start + self.batch_size])

    def _stream_batches(self) -> Iterator[Any]:
        """An IterableDataset's samples in order, batch_size at a time (the last one shorter unless drop_last)."""
        if self.batch_size is None:
            for sample in self.dataset:  # type: ignore[attr-defined]
                yield self._one(sample)
            return
        batch: list[Any] = []
        for sample in self.dataset:  # type: ignore[attr-defined]
            batch.append(sample)
            if len(batch) == self.batch_size:
                yield self._collate(batch)
                batch = []
        if batch and not self.drop_last:
            yield self._collate(batch)

    def _one(self, sample: Any) -> Any:
        return self.collate_fn(sample) if self.collate_fn is not None else default_convert(sample)

    def _batch(self, indices: np.ndarray) -> Any:
        if self.collate_fn is None and (isinstance(self.dataset, TensorDataset)
                                        or (isinstance(self.dataset, Subset) and _takes(self.dataset))):
            fields = [Tensor._make(f, False) for f in self.dataset.take(indices)]  # what default_collate gives
            return self._transformed(fields)
        return self._collate([self.dataset[int(i)] for i in indices])

    def _collate(self, samples: list[Any]) -> Any:
        """collate_fn if given, else default_collate (PyTorch's structure and dtypes) and the transform."""
        if self.collate_fn is not None:
            return self.collate_fn(samples)
        return self._transformed(default_collate(samples))

    def _transformed(self, batch: Any) -> Any:
        """The batch with `transform` applied to its inputs: field 0 of a list of fields, or the batch Tensor."""
        if self.transform is None:
            return batch
        if isinstance(batch, Tensor):
            return Tensor._make(self._apply_transform(batch.data), False)
        if isinstance(batch, list) and batch and isinstance(batch[0], Tensor):
            return [Tensor._make(self._apply_transform(batch[0].data), False), *batch[1:]]
        raise TypeError(f"DataLoader: transform applies to the inputs of a batch (a Tensor, or field 0 of tuple "
                        f"samples), got a batch of type {type(batch).__name__}; transform inside the dataset instead")

    def _apply_transform(self, inputs: np.ndarray) -> np.ndarray:
        out = self.transform(inputs)
        if isinstance(out, Tensor):
            out = out.data
        if not isinstance(out, np.ndarray) or out.ndim == 0 or out.shape[0] != inputs.shape[0]:
            found = getattr(out, "shape", type(out).__name__)
            raise ValueError(f"DataLoader: transform must return an array with one row per sample; got {found} "
                             f"for a batch of shape {inputs.shape}")
        return out


def _takes(subset: Subset) -> bool:
    """A Subset (of Subsets) of a TensorDataset: its batches are one fancy-indexing too."""
    base = subset.dataset
    while isinstance(base, Subset):
        base = base.dataset
    return isinstance(base, TensorDataset)
