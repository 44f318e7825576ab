"""Dataset is abstract; TensorDataset indexes rows of equal-length arrays and rejects mismatched ones;
ConcatDataset, StackDataset and IterableDataset as in PyTorch."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.data import Dataset, TensorDataset


def test_dataset_is_abstract():
    with pytest.raises(TypeError):
        Dataset()


def test_tensor_dataset_items_and_length():
    images = np.arange(24, dtype=np.float32).reshape(6, 1, 2, 2)
    labels = np.array([3, 1, 4, 1, 5, 9])
    ds = TensorDataset(images, labels)
    assert len(ds) == 6
    image, label = ds[2]
    np.testing.assert_array_equal(image, images[2])
    assert label == 4


def test_tensor_dataset_accepts_tensors():
    ds = TensorDataset(tg.Tensor(np.ones((3, 2))), np.arange(3))
    assert isinstance(ds.arrays[0], np.ndarray)
    np.testing.assert_array_equal(ds[1][0], np.ones(2))


def test_take_is_fancy_indexing():
    images, labels = np.arange(10.0).reshape(5, 2), np.arange(5)
    taken_images, taken_labels = TensorDataset(images, labels).take(np.array([4, 0, 2]))
    np.testing.assert_array_equal(taken_images, images[[4, 0, 2]])
    np.testing.assert_array_equal(taken_labels, [4, 0, 2])


def test_mismatched_first_dimension_names_shapes():
    with pytest.raises(ValueError, match=r"TensorDataset: .*same first dimension.*\(5, 2\).*\(4,\)"):
        TensorDataset(np.zeros((5, 2)), np.zeros(4))


def test_needs_arrays_with_a_sample_dimension():
    with pytest.raises(ValueError, match="at least one array"):
        TensorDataset()
    with pytest.raises(ValueError, match=r"first \(sample\) dimension.*\(\)"):
        TensorDataset(np.float32(1.0))


def test_random_split_and_subset_as_torch():
    from tinygrad_edu.utils.data import DataLoader, Subset, random_split

    ds = TensorDataset(np.arange(10.0).reshape(10, 1), np.arange(10))
    tg.manual_seed(0)
    train, val = random_split(ds, [0.8, 0.2])
    assert (len(train), len(val)) == (8, 2) and isinstance(train, Subset)
    seen = sorted(int(y) for part in (train, val) for _, y in (part[i] for i in range(len(part))))
    assert seen == list(range(10))
    batch = next(iter(DataLoader(train, batch_size=8)))
    assert sorted(batch[1].data.tolist()) == sorted(int(train[i][1]) for i in range(8))
    with pytest.raises(ValueError, match="sum to the dataset"):
        random_split(ds, [3, 3])


# ---- ConcatDataset, StackDataset, IterableDataset -----------------------------------------------------------------
def _torch_pair(torch, n, start):
    x = np.arange(start, start + n, dtype=np.float32)
    return TensorDataset(x, np.arange(n)), torch.utils.data.TensorDataset(torch.tensor(x), torch.arange(n))


@pytest.mark.torch
def test_concat_dataset_equals_torchs(torch):
    from tinygrad_edu.data import ConcatDataset

    (a, at), (b, bt), (c, ct) = _torch_pair(torch, 3, 0), _torch_pair(torch, 0, 10), _torch_pair(torch, 4, 20)
    ours, theirs = ConcatDataset([a, b, c]), torch.utils.data.ConcatDataset([at, bt, ct])
    assert len(ours) == len(theirs) == 7 and ours.cumulative_sizes == theirs.cumulative_sizes
    for i in range(-7, 7):
        assert [float(v) for v in ours[i]] == [float(v) for v in theirs[i]]
    assert len(a + c) == 7 and float((a + c)[3][0]) == 20.0
    with pytest.raises(IndexError):
        ours[7]


@pytest.mark.torch
def test_stack_dataset_equals_torchs(torch):
    from tinygrad_edu.data import StackDataset

    (a, at), (c, ct) = _torch_pair(torch, 4, 0), _torch_pair(torch, 4, 20)
    ours, theirs = StackDataset(a, c), torch.utils.data.StackDataset(at, ct)
    assert len(ours) == len(theirs) == 4
    assert [[float(v) for v in part] for part in ours[2]] == [[float(v) for v in part] for part in theirs[2]]
    named = StackDataset(image=a, other=c)
    assert list(named[1].keys()) == ["image", "other"] and float(named[1]["other"][0]) == 21.0


@pytest.mark.torch
@pytest.mark.parametrize("build, args", [
    ("ConcatDataset", lambda a, b: ([],)),
    ("StackDataset", lambda a, b: ()),
    ("StackDataset", lambda a, b: (a, b)),
])
def test_combined_datasets_bad_arguments_raise_torchs_class(torch, build, args):
    (a, at), (b, bt) = _torch_pair(torch, 3, 0), _torch_pair(torch, 4, 0)
    with pytest.raises(Exception) as theirs:
        getattr(torch.utils.data, build)(*args(at, bt))
    with pytest.raises(type(theirs.value), match=build):
        getattr(tg.utils.data, build)(*args(a, b))


def test_stack_dataset_refuses_args_and_kwargs_together():
    from tinygrad_edu.data import StackDataset

    with pytest.raises(ValueError, match="StackDataset: supported either tuple-like .* but both types are given"):
        StackDataset(TensorDataset(np.zeros(2)), other=TensorDataset(np.zeros(2)))


def test_iterable_dataset_is_abstract_and_counts_as_a_dataset():
    from tinygrad_edu.data import ConcatDataset, Dataset, IterableDataset

    with pytest.raises(TypeError):
        IterableDataset()

    class Numbers(IterableDataset):
        def __iter__(self):
            return iter(range(3))

    assert isinstance(Numbers(), Dataset) and list(Numbers()) == [0, 1, 2]
    with pytest.raises(AssertionError, match="ConcatDataset: does not support IterableDataset"):
        ConcatDataset([Numbers()])


@pytest.mark.torch
def test_tensor_dataset_items_are_tensors_as_torch(torch):
    x = np.arange(6.0, dtype=np.float32).reshape(3, 2)
    ours = TensorDataset(tg.tensor(x), tg.tensor([1, 2, 3]))[1]
    theirs = torch.utils.data.TensorDataset(torch.tensor(x), torch.tensor([1, 2, 3]))[1]
    assert [type(v).__name__ for v in ours] == [type(v).__name__ for v in theirs]
    assert [str(v.dtype) for v in ours] == [str(v.dtype).replace("torch.", "") for v in theirs]


def _item_signature(item):
    """(type name, dtype, shape, values) of each field of a sample, ours or torch's."""
    return [(type(v).__name__, str(v.dtype).replace("torch.", ""), tuple(v.shape), np.asarray(v).tolist())
            for v in item]


@pytest.mark.torch
@pytest.mark.parametrize("dtype", [np.uint8, np.int32, np.float32, np.float64])
def test_tensor_dataset_and_its_combinations_give_tensors_as_torch(torch, dtype):
    """ds[i] of a TensorDataset, a Subset of it, a ConcatDataset and random_split's parts: a tuple of Tensors
    with torch's types, dtypes, shapes and values (rows of the stored arrays)."""
    from tinygrad_edu.data import ConcatDataset, Subset, random_split

    x, y = (np.arange(24) % 7).astype(dtype).reshape(6, 2, 2), np.arange(6)
    ours, theirs = TensorDataset(x, y), torch.utils.data.TensorDataset(torch.tensor(x), torch.tensor(y))
    assert [_item_signature(ours[i]) for i in range(-6, 6)] == [_item_signature(theirs[i]) for i in range(-6, 6)]
    assert type(ours[0]) is type(theirs[0]) is tuple
    pairs = [(Subset(ours, [4, 0, 2]), torch.utils.data.Subset(theirs, [4, 0, 2])),
             (ConcatDataset([ours, ours]), torch.utils.data.ConcatDataset([theirs, theirs])),
             (ours + Subset(ours, [1]), theirs + torch.utils.data.Subset(theirs, [1]))]
    for a, b in pairs:
        assert [_item_signature(a[i]) for i in range(len(a))] == [_item_signature(b[i]) for i in range(len(b))]
    for part in random_split(ours, [4, 2], generator=0):
        for i in range(len(part)):
            assert _item_signature(part[i]) == _item_signature(ours[int(part.indices[i])])
            assert all(isinstance(v, tg.Tensor) for v in part[i])


@pytest.mark.torch
def test_tensor_dataset_items_work_as_torch_tensors(torch):
    """Ported code: ds[i][0].unsqueeze(0), .item(), a slice or a Tensor index, and ds.tensors."""
    x = np.arange(6.0, dtype=np.float32).reshape(3, 2)
    ours, theirs = TensorDataset(tg.tensor(x), tg.tensor([1, 2, 3])), torch.utils.data.TensorDataset(
        torch.tensor(x), torch.tensor([1, 2, 3]))
    assert ours[1][0].unsqueeze(0).shape == tuple(theirs[1][0].unsqueeze(0).shape) == (1, 2)
    assert ours[2][1].item() == theirs[2][1].item() == 3
    assert _item_signature(ours[1:]) == _item_signature(theirs[1:])
    assert _item_signature(ours[tg.tensor([2, 0])]) == _item_signature(theirs[torch.tensor([2, 0])])
    assert [type(t).__name__ for t in ours.tensors] == ["Tensor", "Tensor"]
    assert [t.dtype for t in ours.tensors] == [np.float32, np.int64]
    np.testing.assert_array_equal(ours.tensors[0].data, theirs.tensors[0].numpy())
