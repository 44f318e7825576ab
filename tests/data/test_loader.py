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


def test_batches_keep_the_datasets_dtypes_as_torch():
    """PyTorch's default_collate stacks the fields as they are: uint8 images stay uint8, int32 labels int32."""
    batch = next(iter(DataLoader(_dataset(10), batch_size=4)))
    assert isinstance(batch, list) and len(batch) == 2
    images, labels = batch
    assert isinstance(images, tg.Tensor) and isinstance(labels, tg.Tensor)
    assert images.dtype == np.uint8 and images.shape == (4, 1, 2, 2)
    assert labels.dtype == np.int32 and labels.shape == (4,)
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
    assert all(isinstance(batch, list) and len(batch) == 1 for batch in batches)
    assert batches[0][0].dtype == np.int64


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
    with pytest.raises(RuntimeError, match=r"stack expects each tensor to be equal size, but got \(1,\) at entry 0 "
                                           r"and \(2,\) at entry 1"):
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


# ---- sampler and batch_sampler ------------------------------------------------------------------------------------
def test_a_sampler_decides_the_order():
    from tinygrad_edu.data import SubsetRandomSampler

    loader = DataLoader(_dataset(10), batch_size=3, sampler=[9, 0, 4, 4, 7])
    assert [b[1].data.tolist() for b in loader] == [[9, 0, 4], [4, 7]] and len(loader) == 2
    loader = DataLoader(_dataset(10), batch_size=2, sampler=SubsetRandomSampler([1, 3, 5], generator=0),
                        drop_last=True)
    batches = list(loader)
    assert len(loader) == len(batches) == 1 and set(batches[0][1].data.tolist()) <= {1, 3, 5}


def test_a_batch_sampler_gives_the_batches():
    from tinygrad_edu.data import BatchSampler, SequentialSampler

    loader = DataLoader(_dataset(7), batch_sampler=BatchSampler(SequentialSampler(range(7)), 3, True))
    assert [b[1].data.tolist() for b in loader] == [[0, 1, 2], [3, 4, 5]] and len(loader) == 2
    assert loader.batch_size is None and loader.drop_last is False
    ragged = DataLoader(_dataset(7), batch_sampler=[[6], [0, 1, 2, 3]])
    assert [b[1].data.tolist() for b in ragged] == [[6], [0, 1, 2, 3]] and len(ragged) == 2


def test_default_loader_has_pytorchs_sampler_attributes():
    from tinygrad_edu.data import BatchSampler, RandomSampler, SequentialSampler

    plain, shuffled = DataLoader(_dataset(5), batch_size=2), DataLoader(_dataset(5), batch_size=2, shuffle=True)
    assert isinstance(plain.sampler, SequentialSampler) and isinstance(shuffled.sampler, RandomSampler)
    assert isinstance(plain.batch_sampler, BatchSampler) and list(plain.batch_sampler) == [[0, 1], [2, 3], [4]]


def test_a_sampler_without_len_iterates_but_has_no_len():
    loader = DataLoader(_dataset(5), batch_size=2, sampler=iter([4, 3, 2]))
    with pytest.raises(TypeError):
        len(loader)
    assert [b[1].data.tolist() for b in loader] == [[4, 3], [2]]


@pytest.mark.torch
@pytest.mark.parametrize("kwargs", [
    dict(sampler=[0, 1], shuffle=True),
    dict(batch_sampler=[[0, 1]], batch_size=2),
    dict(batch_sampler=[[0, 1]], shuffle=True),
    dict(batch_sampler=[[0, 1]], sampler=[0, 1]),
    dict(batch_sampler=[[0, 1]], drop_last=True),
])
def test_exclusive_options_raise_torchs_class(torch, kwargs):
    with pytest.raises(ValueError, match="mutually exclusive"):
        torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.zeros(4)), **kwargs)
    with pytest.raises(ValueError, match="DataLoader: .*mutually exclusive"):
        DataLoader(_dataset(4), **kwargs)


@pytest.mark.torch
@pytest.mark.parametrize("sampler_name", ["SequentialSampler", "BatchSampler"])
def test_batches_and_lengths_equal_torchs(torch, sampler_name):
    from tinygrad_edu import data

    x = np.arange(22, dtype=np.float32).reshape(11, 2)
    y = np.arange(11, dtype=np.int64)
    if sampler_name == "BatchSampler":
        ours = DataLoader(TensorDataset(x, y), batch_sampler=data.BatchSampler(range(10, -1, -2), 2, False))
        theirs = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.tensor(x), torch.tensor(y)),
                                             batch_sampler=torch.utils.data.BatchSampler(range(10, -1, -2), 2, False))
    else:
        ours = DataLoader(TensorDataset(x, y), batch_size=4, sampler=data.SequentialSampler(range(9)))
        theirs = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.tensor(x), torch.tensor(y)),
                                             batch_size=4, sampler=torch.utils.data.SequentialSampler(range(9)))
    assert len(ours) == len(theirs)
    for (xo, yo), (xt, yt) in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(xo.data, xt.numpy())
        np.testing.assert_array_equal(yo.data, yt.numpy())
        assert xo.dtype == np.float32 and yo.dtype == np.int64


# ---- IterableDataset, batch_size=None, dict samples -----------------------------------------------------------------
def _stream(n, sized=False):
    from tinygrad_edu.data import IterableDataset

    class Stream(IterableDataset):
        def __iter__(self):
            return ((np.full(2, float(i)), i) for i in range(n))

    class SizedStream(Stream):
        def __len__(self):
            return n

    return SizedStream() if sized else Stream()


@pytest.mark.torch
@given(n=st.integers(0, 12), batch_size=st.integers(1, 5), drop_last=st.booleans())
def test_iterable_dataset_batches_equal_torchs(torch, n, batch_size, drop_last):
    class TorchStream(torch.utils.data.IterableDataset):
        def __iter__(self):
            return ((np.full(2, float(i)), i) for i in range(n))

        def __len__(self):
            return n

    ours = DataLoader(_stream(n, sized=True), batch_size=batch_size, drop_last=drop_last)
    theirs = torch.utils.data.DataLoader(TorchStream(), batch_size=batch_size, drop_last=drop_last)
    assert len(ours) == len(theirs)
    got, expected = list(ours), list(theirs)
    assert len(got) == len(expected)
    for (xo, yo), (xt, yt) in zip(got, expected):
        np.testing.assert_array_equal(xo.data, xt.numpy())
        np.testing.assert_array_equal(yo.data, yt.numpy())
        assert yo.dtype == np.int64


def test_iterable_dataset_without_len_has_no_loader_len():
    loader = DataLoader(_stream(3), batch_size=2)
    with pytest.raises(TypeError):
        len(loader)
    assert [b[1].data.tolist() for b in loader] == [[0, 1], [2]]


@pytest.mark.torch
@pytest.mark.parametrize("kwargs", [dict(shuffle=True), dict(sampler=[0, 1]), dict(batch_sampler=[[0, 1]])])
def test_iterable_dataset_refuses_order_options_as_torch(torch, kwargs):
    class TorchStream(torch.utils.data.IterableDataset):
        def __iter__(self):
            return iter(range(2))

    with pytest.raises(ValueError, match="expected unspecified"):
        torch.utils.data.DataLoader(TorchStream(), **kwargs)
    with pytest.raises(ValueError, match="DataLoader with IterableDataset: expected unspecified"):
        DataLoader(_stream(2), **kwargs)


@pytest.mark.torch
def test_batch_size_none_yields_converted_samples_as_torch(torch):
    ds = TensorDataset(np.arange(6, dtype=np.int32).reshape(3, 2), np.arange(3))
    ours = list(DataLoader(ds, batch_size=None))
    theirs = list(torch.utils.data.DataLoader(torch.utils.data.TensorDataset(
        torch.tensor(ds.arrays[0]), torch.tensor(ds.arrays[1])), batch_size=None))
    assert len(ours) == len(theirs) == len(DataLoader(ds, batch_size=None)) == 3
    for (xo, yo), (xt, yt) in zip(ours, theirs):
        assert xo.dtype == np.int32 and xo.data.tolist() == xt.tolist() and int(yo.item()) == int(yt)
    with pytest.raises(ValueError, match="DataLoader: batch_size=None option disables auto-batching"):
        DataLoader(ds, batch_size=None, drop_last=True)


def test_dict_samples_are_collated_by_default_collate():
    from tinygrad_edu.data import StackDataset, default_collate

    ds = StackDataset(image=TensorDataset(np.zeros((5, 2), dtype=np.float32)), label=TensorDataset(np.arange(5)))
    batch = next(iter(DataLoader(ds, batch_size=3)))
    assert list(batch) == ["image", "label"] and batch["label"][0].data.tolist() == [0, 1, 2]
    explicit = next(iter(DataLoader(TensorDataset(np.arange(4.0)), batch_size=4, collate_fn=default_collate)))
    assert explicit[0].dtype == np.float64 and explicit[0].data.tolist() == [0.0, 1.0, 2.0, 3.0]


@pytest.mark.torch
def test_batches_of_plain_samples_match_torch(torch):
    ours = next(iter(DataLoader(list(range(10)), batch_size=4)))
    theirs = next(iter(torch.utils.data.DataLoader(list(range(10)), batch_size=4)))
    assert isinstance(ours, tg.Tensor) and str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    images = np.arange(8, dtype=np.uint8).reshape(4, 2)
    ours = next(iter(DataLoader([(im, 1) for im in images], batch_size=4)))
    theirs = next(iter(torch.utils.data.DataLoader([(im, 1) for im in images], batch_size=4)))
    assert str(ours[0].dtype) == str(theirs[0].dtype).replace("torch.", "")


# ---- every batch as torch's DataLoader (default_collate) makes it ---------------------------------------------------
def _same_batch(ours, theirs, torch):
    """Same nesting, container types, values and dtypes (Tensors vs torch tensors)."""
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, tg.Tensor), type(ours)
        assert str(ours.dtype) == str(theirs.dtype).replace("torch.", ""), (ours.dtype, theirs.dtype)
        np.testing.assert_array_equal(ours.data, theirs.numpy())
    elif isinstance(theirs, (dict, list, tuple)):
        assert type(ours) is type(theirs), (type(ours), type(theirs))
        assert len(ours) == len(theirs)
        pairs = [(ours[k], theirs[k]) for k in theirs] if isinstance(theirs, dict) else zip(ours, theirs)
        for o, t in pairs:
            _same_batch(o, t, torch)
    else:
        assert ours == theirs


_Pair = __import__("collections").namedtuple("Pair", "image label")
_IMAGES = np.arange(40, dtype=np.uint8).reshape(5, 2, 4)
SAMPLE_LISTS = {
    "ints": list(range(5)),
    "floats": [0.5 * i for i in range(5)],
    "bools": [True, False, True, True, False],
    "numpy int16": [np.int16(i) for i in range(5)],
    "numpy float32": [np.float32(i) / 3 for i in range(5)],
    "uint8 images": list(_IMAGES),
    "(uint8 image, int)": [(im, i) for i, im in enumerate(_IMAGES)],
    "(float64 array, float, str)": [(np.full(3, i / 7), i / 2, f"s{i}") for i in range(5)],
    "[int, float]": [[i, i * 1.5] for i in range(5)],
    "dicts": [{"image": im, "label": i, "name": str(i)} for i, im in enumerate(_IMAGES)],
    "namedtuples": [_Pair(im.astype(np.float32), i) for i, im in enumerate(_IMAGES)],
    "strings": ["a", "b", "c", "d", "e"],
    "nested": [{"pair": (i, [i * 2.0, np.int32(i)])} for i in range(5)],
}


@pytest.mark.torch
@pytest.mark.parametrize("batch_size", [2, 5])
@pytest.mark.parametrize("name", SAMPLE_LISTS, ids=list(SAMPLE_LISTS))
def test_batches_of_every_sample_kind_equal_torchs(torch, name, batch_size):
    samples = SAMPLE_LISTS[name]
    ours = list(DataLoader(samples, batch_size=batch_size))
    theirs = list(torch.utils.data.DataLoader(samples, batch_size=batch_size))
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        _same_batch(o, t, torch)


@pytest.mark.torch
@given(dtype=st.sampled_from([np.uint8, np.int16, np.int32, np.int64, np.float32, np.float64, np.bool_]),
       n=st.integers(1, 9), batch_size=st.integers(1, 4), fields=st.integers(1, 3))
def test_tensor_datasets_and_subsets_batch_as_torch(torch, dtype, n, batch_size, fields):
    """The vectorised path (TensorDataset, Subset of one) gives what torch's per-sample collation gives."""
    from tinygrad_edu.data import Subset

    arrays = [(np.arange(n * 3 * (k + 1)) % 5).astype(dtype).reshape(n, 3, k + 1) for k in range(fields)]
    ours = TensorDataset(*arrays)
    theirs = torch.utils.data.TensorDataset(*(torch.tensor(a) for a in arrays))
    indices = list(range(n - 1, -1, -2))
    for a, b in ((ours, theirs), (Subset(ours, indices), torch.utils.data.Subset(theirs, indices))):
        got = list(DataLoader(a, batch_size=batch_size))
        expected = list(torch.utils.data.DataLoader(b, batch_size=batch_size))
        assert len(got) == len(expected)
        for o, t in zip(got, expected):
            _same_batch(o, t, torch)


def test_transform_applies_to_plain_sample_batches_and_refuses_dict_batches():
    batches = list(DataLoader(list(_IMAGES), batch_size=5, transform=lambda b: b.astype(np.float32) / 2))
    assert isinstance(batches[0], tg.Tensor) and batches[0].dtype == np.float32
    np.testing.assert_array_equal(batches[0].data, _IMAGES / 2)
    with pytest.raises(TypeError, match="transform applies to the inputs"):
        next(iter(DataLoader(SAMPLE_LISTS["dicts"], batch_size=2, transform=lambda b: b)))


def test_collated_batches_do_not_share_memory_with_the_dataset():
    images = np.zeros((4, 2), dtype=np.float32)
    for loader in (DataLoader(TensorDataset(images), batch_size=4), DataLoader(list(images), batch_size=4)):
        batch = next(iter(loader))
        (batch[0] if isinstance(batch, list) else batch).data[...] = 1
        assert not images.any()
