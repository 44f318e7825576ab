"""DataLoader: every sample exactly once per epoch, batch sizes, seeded and per-epoch-different shuffling,
dtypes of the yielded Tensors, transforms, the per-item path for a generic Dataset, and argument errors."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu.data import DataLoader, Dataset, TensorDataset


def _dataset(n: int) -> TensorDataset:
    images = np.arange(n, dtype=np.float64).reshape(n, 1, 1, 1) * np.ones((1, 1, 2, 2))
    return TensorDataset(images.astype(np.uint8 if n < 256 else np.float32), np.arange(n, dtype=np.int32))


def _epoch_labels(loader: DataLoader) -> list[int]:
    return [int(v) for _, labels in loader for v in labels.data]


@given(n=st.integers(1, 60), batch_size=st.integers(1, 20), drop_last=st.booleans(), shuffle=st.booleans(),
       seed=st.integers(0, 2 ** 32 - 1))
def test_every_item_once_per_epoch(n, batch_size, drop_last, shuffle, seed):
    loader = DataLoader(_dataset(n), batch_size=batch_size, shuffle=shuffle, drop_last=drop_last, seed=seed)
    expected_batches = n // batch_size if drop_last else -(-n // batch_size)
    assert len(loader) == expected_batches
    for _ in range(2):
        batches = list(loader)
        assert len(batches) == expected_batches
        sizes = [len(labels) for _, labels in batches]
        assert all(size == batch_size for size in sizes[:-1])
        seen = [int(v) for _, labels in batches for v in labels.data]
        assert len(seen) == len(set(seen))
        if drop_last:
            assert len(seen) == expected_batches * batch_size and all(size == batch_size for size in sizes)
        else:
            assert sorted(seen) == list(range(n))
        for images, labels in batches:
            np.testing.assert_array_equal(images.data[:, 0, 0, 0], labels.data)
        if not shuffle:
            assert seen == list(range(len(seen)))


def test_yields_float_images_and_int64_labels():
    images, labels = next(iter(DataLoader(_dataset(10), batch_size=4)))
    assert isinstance(images, tg.Tensor) and isinstance(labels, tg.Tensor)
    assert images.dtype == np.float32 and images.shape == (4, 1, 2, 2)
    assert labels.dtype == np.int64 and labels.shape == (4,)
    assert not images.requires_grad


def test_float64_images_stay_float64():
    ds = TensorDataset(np.zeros((4, 3)), np.zeros(4, dtype=np.int64))
    images, _ = next(iter(DataLoader(ds, batch_size=2)))
    assert images.dtype == np.float64


def test_same_seed_same_epochs_and_epochs_differ():
    first = DataLoader(_dataset(50), batch_size=7, shuffle=True, seed=123)
    second = DataLoader(_dataset(50), batch_size=7, shuffle=True, seed=123)
    epochs_first = [_epoch_labels(first) for _ in range(3)]
    epochs_second = [_epoch_labels(second) for _ in range(3)]
    assert epochs_first == epochs_second
    assert epochs_first[0] != epochs_first[1] != epochs_first[2]
    other = DataLoader(_dataset(50), batch_size=7, shuffle=True, seed=124)
    assert _epoch_labels(other) != epochs_first[0]


def test_unseeded_shuffles_differ_between_loaders():
    orders = {tuple(_epoch_labels(DataLoader(_dataset(40), batch_size=40, shuffle=True))) for _ in range(3)}
    assert len(orders) > 1


def test_transform_applies_to_the_image_batch_only():
    calls = []

    def negate(images):
        calls.append(images.shape)
        return -images.astype(np.float32)

    loader = DataLoader(_dataset(5), batch_size=2, transform=negate)
    batches = list(loader)
    assert calls == [(2, 1, 2, 2), (2, 1, 2, 2), (1, 1, 2, 2)]
    np.testing.assert_array_equal(batches[1][0].data[:, 0, 0, 0], [-2, -3])
    np.testing.assert_array_equal(batches[1][1].data, [2, 3])


def test_transform_must_keep_the_batch_size():
    loader = DataLoader(_dataset(4), batch_size=2, transform=lambda images: images[:1])
    with pytest.raises(ValueError, match=r"DataLoader: transform must return .* one row per sample.*\(1, 1, 2, 2\)"):
        next(iter(loader))


class _Squares(Dataset):
    def __len__(self):
        return 7

    def __getitem__(self, index):
        return np.full((1, 3, 3), float(index * index)), index


def test_generic_dataset_stacks_items():
    batches = list(DataLoader(_Squares(), batch_size=3, shuffle=True, seed=0))
    assert [len(labels) for _, labels in batches] == [3, 3, 1]
    for images, labels in batches:
        assert images.shape[1:] == (1, 3, 3) and labels.dtype == np.int64
        np.testing.assert_array_equal(images.data[:, 0, 0, 0], labels.data ** 2)
    assert sorted(int(v) for _, labels in batches for v in labels.data) == list(range(7))


def test_single_field_dataset():
    batches = list(DataLoader(TensorDataset(np.arange(5)), batch_size=2))
    assert all(len(batch) == 1 for batch in batches)
    assert batches[0][0].dtype == np.float32


def test_empty_dataset_yields_nothing():
    loader = DataLoader(TensorDataset(np.zeros((0, 2)), np.zeros(0)), batch_size=3, shuffle=True, seed=0)
    assert len(loader) == 0 and list(loader) == []


@pytest.mark.parametrize("kwargs, message", [
    ({"batch_size": 0}, r"batch_size must be an integer ≥ 1, got 0"),
    ({"batch_size": 2.5}, r"batch_size must be an integer ≥ 1, got 2.5"),
    ({"batch_size": True}, r"batch_size must be an integer ≥ 1, got True"),
    ({"seed": -1}, r"seed must be None or an integer ≥ 0, got -1"),
    ({"transform": 3}, r"transform must be callable"),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises((ValueError, TypeError), match="DataLoader: " + message):
        DataLoader(_dataset(4), **kwargs)


def test_dataset_must_be_indexable():
    with pytest.raises(TypeError, match="DataLoader: dataset must have __len__ and __getitem__.*int"):
        DataLoader(5)


class _Ragged(Dataset):
    def __len__(self):
        return 2

    def __getitem__(self, index):
        return np.zeros(index + 1), index


def test_generic_dataset_with_ragged_items_names_the_shapes():
    with pytest.raises(ValueError, match=r"DataLoader: field 0 .* different shapes \[\(1,\), \(2,\)\]"):
        next(iter(DataLoader(_Ragged(), batch_size=2)))


class _NoItemAccess(TensorDataset):
    def __getitem__(self, index):
        raise AssertionError("the loader must batch a TensorDataset by fancy indexing, not item by item")


def test_tensor_dataset_is_batched_without_per_item_access():
    batches = list(DataLoader(_NoItemAccess(np.zeros((10, 1, 2, 2)), np.arange(10)), batch_size=4, shuffle=True,
                              seed=0))
    assert sorted(int(v) for _, labels in batches for v in labels.data) == list(range(10))


def test_unseeded_shuffling_and_augmentation_follow_manual_seed():
    from tinygrad_edu.data import random_shift

    def run():
        tg.manual_seed(5)
        loader = DataLoader(TensorDataset(np.arange(20.0).reshape(20, 1), np.arange(20)), batch_size=4, shuffle=True)
        order = [b[1].data.tolist() for b in loader]
        shifted = random_shift(np.arange(32.0).reshape(2, 4, 4), max_shift=1)
        return order, shifted

    (o1, s1), (o2, s2) = run(), run()
    assert o1 == o2 and np.array_equal(s1, s2)


def test_pytorch_loader_arguments_are_accepted():
    loader = DataLoader(TensorDataset(np.zeros((4, 2)), np.arange(4)), batch_size=2, shuffle=False, num_workers=2,
                        pin_memory=True, collate_fn=lambda samples: len(samples))
    assert list(loader) == [2, 2]
