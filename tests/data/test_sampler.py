"""Samplers: PyTorch's index sequences where they are deterministic (Sequential, BatchSampler over any sampler),
valid draws (permutations, subsets, weights' support) and their distributions where random, repeatability by
generator or tg.manual_seed, lengths, and argument errors with PyTorch's exception classes."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu.utils.data import (BatchSampler, RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler,
                                     WeightedRandomSampler)


def test_sampler_is_abstract_and_a_subclass_needs_only_iter():
    with pytest.raises(TypeError):
        Sampler()

    class Evens(Sampler):
        def __iter__(self):
            return iter(range(0, 6, 2))

    assert list(Evens()) == [0, 2, 4]


@pytest.mark.torch
@given(n=st.integers(0, 30))
def test_sequential_equals_torch(torch, n):
    data = list(range(n))
    ours, theirs = SequentialSampler(data), torch.utils.data.SequentialSampler(data)
    assert list(ours) == list(theirs) and len(ours) == len(theirs) == n


@pytest.mark.torch
@given(n=st.integers(0, 40), batch_size=st.integers(1, 12), drop_last=st.booleans())
def test_batch_sampler_equals_torch(torch, n, batch_size, drop_last):
    ours = BatchSampler(SequentialSampler(range(n)), batch_size, drop_last)
    theirs = torch.utils.data.BatchSampler(torch.utils.data.SequentialSampler(range(n)), batch_size, drop_last)
    assert list(ours) == list(theirs) and len(ours) == len(theirs)


@pytest.mark.torch
def test_batch_sampler_over_any_iterable_equals_torch(torch):
    indices = [5, 3, 9, 1, 0, 7, 2]
    assert (list(BatchSampler(indices, 3, False)) == list(torch.utils.data.BatchSampler(indices, 3, False))
            == [[5, 3, 9], [1, 0, 7], [2]])


@given(n=st.integers(1, 30), seed=st.integers(0, 2 ** 32 - 1))
def test_random_sampler_gives_a_new_permutation_each_epoch(n, seed):
    sampler = RandomSampler(range(n), generator=np.random.default_rng(seed))
    epochs = [list(sampler) for _ in range(3)]
    assert all(sorted(e) == list(range(n)) for e in epochs) and len(sampler) == n
    again = RandomSampler(range(n), generator=seed)
    assert [list(again) for _ in range(3)] == epochs


@given(n=st.integers(1, 12), num_samples=st.integers(1, 40), replacement=st.booleans())
def test_random_sampler_num_samples(n, num_samples, replacement):
    draws = list(RandomSampler(range(n), replacement=replacement, num_samples=num_samples, generator=0))
    assert len(draws) == num_samples and all(isinstance(i, int) and 0 <= i < n for i in draws)
    if not replacement:  # whole permutations, then the start of one more (as PyTorch)
        for start in range(0, num_samples, n):
            chunk = draws[start:start + n]
            assert len(set(chunk)) == len(chunk)


def test_random_sampler_with_replacement_is_uniform():
    draws = np.array(list(RandomSampler(range(4), replacement=True, num_samples=8000, generator=1)))
    np.testing.assert_allclose(np.bincount(draws, minlength=4) / 8000, 0.25, atol=0.02)


def test_unseeded_random_samplers_follow_manual_seed():
    def epochs():
        tg.manual_seed(7)
        sampler = RandomSampler(range(20))
        subset = SubsetRandomSampler([3, 5, 7, 11])
        weighted = WeightedRandomSampler([1.0, 2.0, 3.0], 10)
        return list(sampler), list(sampler), list(subset), list(weighted)

    first, second = epochs(), epochs()
    assert first == second and first[0] != first[1]


@given(indices=st.lists(st.integers(-50, 50), max_size=20, unique=True), seed=st.integers(0, 1000))
def test_subset_random_sampler_permutes_the_indices(indices, seed):
    sampler = SubsetRandomSampler(indices, generator=seed)
    drawn = list(sampler)
    assert sorted(drawn) == sorted(indices) and len(sampler) == len(indices)


@pytest.mark.torch
def test_subset_random_sampler_yields_the_same_set_as_torch(torch):
    indices = [10, 4, 8, 15]
    assert sorted(SubsetRandomSampler(indices)) == sorted(torch.utils.data.SubsetRandomSampler(indices))


def test_weighted_sampler_follows_the_weights():
    weights = [0.0, 1.0, 3.0, 4.0]
    draws = np.array(list(WeightedRandomSampler(weights, 16000, generator=3)))
    np.testing.assert_allclose(np.bincount(draws, minlength=4) / 16000, np.array(weights) / 8, atol=0.015)


@given(k=st.integers(1, 5), seed=st.integers(0, 1000))
def test_weighted_sampler_without_replacement_draws_distinct_supported_indices(k, seed):
    weights = [0.5, 0.0, 2.0, 1.0, 0.1, 3.0]
    draws = list(WeightedRandomSampler(weights, k, replacement=False, generator=seed))
    assert len(draws) == k == len(set(draws)) and 1 not in draws
    everything = list(WeightedRandomSampler(weights, 6, replacement=False, generator=seed))
    assert sorted(everything) == list(range(6)) and everything[-1] == 1  # zero weight: drawn last, as torch


@pytest.mark.torch
def test_weighted_sampler_impossible_draws_raise_runtime_error_as_torch(torch):
    for weights, k, replacement in [([1.0, 0.0], 3, False), ([0.0, 0.0], 1, True), ([1.0, -1.0], 1, True)]:
        with pytest.raises(RuntimeError):
            list(torch.utils.data.WeightedRandomSampler(weights, k, replacement))
        with pytest.raises(RuntimeError, match="WeightedRandomSampler"):
            list(WeightedRandomSampler(weights, k, replacement))


@pytest.mark.torch
@pytest.mark.parametrize("name, args, kwargs", [
    ("RandomSampler", ([1, 2],), dict(replacement=1)),
    ("RandomSampler", ([1, 2],), dict(num_samples=0)),
    ("RandomSampler", ([],), dict()),
    ("RandomSampler", ([1, 2],), dict(num_samples=2.5)),
    ("WeightedRandomSampler", ([1.0, 2.0], 0), dict()),
    ("WeightedRandomSampler", ([1.0, 2.0], True), dict()),
    ("WeightedRandomSampler", ([1.0, 2.0], 2), dict(replacement="yes")),
    ("WeightedRandomSampler", ([[1.0, 2.0]], 2), dict()),
    ("BatchSampler", ([1, 2], 0, False), dict()),
    ("BatchSampler", ([1, 2], 2.0, False), dict()),
    ("BatchSampler", ([1, 2], 2, 1), dict()),
])
def test_bad_arguments_raise_torchs_class(torch, name, args, kwargs):
    with pytest.raises(Exception) as theirs:
        getattr(torch.utils.data, name)(*args, **kwargs)
    with pytest.raises(type(theirs.value), match=name + ": "):
        getattr(tg.utils.data, name)(*args, **kwargs)


def test_generator_must_be_a_generator_or_a_seed():
    with pytest.raises(TypeError, match=r"RandomSampler: generator must be None, a numpy.random.Generator"):
        RandomSampler(range(3), generator="seed")
