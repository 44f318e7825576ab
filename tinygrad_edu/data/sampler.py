"""Samplers (torch.utils.data.sampler): the order in which a DataLoader visits a map-style dataset's indices, and
BatchSampler, which groups them into mini-batches. Random ones draw from a NumPy Generator: their own (a Generator
or an int seed), else a fresh one per epoch seeded from the global generator, so tg.manual_seed repeats them."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Iterable, Iterator, Optional, Sequence, Sized

import numpy as np

from ..creation import random_source
from ..errors import ArgumentTypeError, ShapeError


def generator_of(owner: str, generator: Any) -> Optional[np.random.Generator]:
    """A sampler's own Generator: a NumPy Generator as given, an int seed made into one, None kept (draw per epoch)."""
    if generator is None or isinstance(generator, np.random.Generator):
        return generator
    if isinstance(generator, (int, np.integer)) and not isinstance(generator, bool) and generator >= 0:
        return np.random.default_rng(int(generator))
    raise ArgumentTypeError(f"{owner}: generator must be None, a numpy.random.Generator or an integer seed ≥ 0, "
                            f"got {generator!r}")


def _draw_from(generator: Optional[np.random.Generator]) -> np.random.Generator:
    return generator if generator is not None else random_source(None)


def _positive_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool) and value > 0


class Sampler(ABC):
    """Base class: `iter(sampler)` gives dataset indices (or lists of them, for a batch sampler); `len()` optional."""

    @abstractmethod
    def __iter__(self) -> Iterator[Any]:
        ...


class SequentialSampler(Sampler):
    """0, 1, …, len(data_source) − 1, in order."""

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """A random permutation of the indices each epoch (num_samples > N: several permutations, the last cut short),
    or num_samples uniform draws with replacement."""

    def __init__(self, data_source: Sized, replacement: bool = False, num_samples: Optional[int] = None,
                 generator: Any = None) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator_of("RandomSampler", generator)
        if not isinstance(replacement, bool):
            raise ArgumentTypeError(f"RandomSampler: replacement should be a boolean value, but got "
                                    f"replacement={replacement!r}")
        if not _positive_int(self.num_samples):
            raise ShapeError(f"RandomSampler: num_samples should be a positive integer value, but got "
                             f"num_samples={self.num_samples!r} (it defaults to len(data_source))")

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self) -> Iterator[int]:
        n, count = len(self.data_source), int(self.num_samples)
        rng = _draw_from(self.generator)
        if self.replacement:
            yield from rng.integers(0, n, size=count, dtype=np.int64).tolist()
            return
        for _ in range(count // n):
            yield from rng.permutation(n).tolist()
        if count % n:  # (PyTorch draws, and discards, a last permutation even when nothing of it is used)
            yield from rng.permutation(n)[:count % n].tolist()

    def __len__(self) -> int:
        return int(self.num_samples)


class SubsetRandomSampler(Sampler):
    """The given indices in a random order (a new one each epoch), without replacement."""

    def __init__(self, indices: Sequence[int], generator: Any = None) -> None:
        self.indices = indices
        self.generator = generator_of("SubsetRandomSampler", generator)

    def __iter__(self) -> Iterator[int]:
        for i in _draw_from(self.generator).permutation(len(self.indices)).tolist():
            yield self.indices[i]

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """num_samples indices of [0, len(weights)) drawn with probability weights[i]/Σweights (torch.multinomial's
    rule), with replacement or without (then each index at most once, zero-weight ones only after all others)."""

    def __init__(self, weights: Sequence[float], num_samples: int, replacement: bool = True,
                 generator: Any = None) -> None:
        if not _positive_int(num_samples):
            raise ShapeError(f"WeightedRandomSampler: num_samples should be a positive integer value, but got "
                             f"num_samples={num_samples!r}")
        if not isinstance(replacement, bool):
            raise ArgumentTypeError(f"WeightedRandomSampler: replacement should be a boolean value, but got "
                                    f"replacement={replacement!r}")
        try:
            array = np.asarray(getattr(weights, "data", weights), dtype=np.float64)
        except (TypeError, ValueError):
            raise ArgumentTypeError(f"WeightedRandomSampler: weights must be a sequence of numbers, got "
                                    f"{type(weights).__name__}") from None
        if array.ndim != 1:
            raise ShapeError(f"WeightedRandomSampler: weights should be a 1d sequence but given weights have shape "
                             f"{array.shape}")
        self.weights = array
        self.num_samples = int(num_samples)
        self.replacement = replacement
        self.generator = generator_of("WeightedRandomSampler", generator)

    def __iter__(self) -> Iterator[int]:
        w = self.weights
        if w.size == 0 or not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
            raise ShapeError("WeightedRandomSampler: invalid multinomial distribution: weights must be finite, "
                             f"≥ 0 and not all zero (sum {w.sum() if w.size else 0.0}, {w.size} weights)")
        if not self.replacement and self.num_samples > w.size:
            raise ShapeError(f"WeightedRandomSampler: cannot sample num_samples={self.num_samples} > {w.size} "
                             "weights without replacement")
        rng = _draw_from(self.generator)
        if self.replacement:
            yield from rng.choice(w.size, size=self.num_samples, p=w / w.sum()).tolist()
            return
        positive = np.flatnonzero(w > 0)  # as torch.multinomial: the zero-weight indices come after all others
        take = min(self.num_samples, positive.size)
        yield from positive[rng.choice(positive.size, size=take, replace=False, p=w[positive] / w.sum())].tolist()
        yield from rng.permutation(np.flatnonzero(w == 0))[:self.num_samples - take].tolist()

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Groups the indices of `sampler` into lists of batch_size (the last one shorter unless drop_last)."""

    def __init__(self, sampler: Iterable[int], batch_size: int, drop_last: bool) -> None:
        if not _positive_int(batch_size):
            raise ShapeError(f"BatchSampler: batch_size should be a positive integer value, but got "
                             f"batch_size={batch_size!r}")
        if not isinstance(drop_last, bool):
            raise ArgumentTypeError(f"BatchSampler: drop_last should be a boolean value, but got "
                                    f"drop_last={drop_last!r}")
        self.sampler = sampler
        self.batch_size = int(batch_size)
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list[int]]:
        batch: list[int] = []
        for index in self.sampler:
            batch.append(index)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)  # type: ignore[arg-type]
        return n // self.batch_size if self.drop_last else (n + self.batch_size - 1) // self.batch_size
