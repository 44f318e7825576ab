"""default_collate and default_convert follow PyTorch's rules: the same structure (lists for tuples, dicts, named
tuples), the same values and dtypes (Python floats float64, ints int64, bools bool, NumPy dtypes kept), and the
same exception classes for batches they cannot collate."""
from collections import namedtuple

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.utils.data import default_collate, default_convert

Point = namedtuple("Point", "x y")


def _same(ours, theirs, torch):
    """Same nesting, container types, values and dtypes (Tensors vs torch tensors)."""
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, tg.Tensor), type(ours)
        np.testing.assert_array_equal(ours.data, theirs.numpy())
        assert ours.dtype == np.dtype(str(theirs.dtype).replace("torch.", "")), (ours.dtype, theirs.dtype)
    elif isinstance(theirs, dict):
        assert type(ours) is type(theirs) and ours.keys() == theirs.keys()
        for key in theirs:
            _same(ours[key], theirs[key], torch)
    elif isinstance(theirs, (list, tuple)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs)
        for o, t in zip(ours, theirs):
            _same(o, t, torch)
    else:
        assert ours == theirs


def _as_torch(value, torch):
    if isinstance(value, tg.Tensor):
        return torch.tensor(value.data)
    if isinstance(value, dict):
        return {k: _as_torch(v, torch) for k, v in value.items()}
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return type(value)(*(_as_torch(v, torch) for v in value))
    if isinstance(value, (list, tuple)):
        return type(value)(_as_torch(v, torch) for v in value)
    return value


BATCHES = [
    [1, 2, 3],
    [1.5, 2.0],
    [1, 2.5],
    [True, False],
    [np.float32(1.0), np.float32(2.0)],
    [np.int16(3), np.int16(4)],
    [np.arange(6, dtype=np.uint8).reshape(2, 3), np.ones((2, 3), dtype=np.uint8)],
    [np.array(1.0), np.array(2.0)],
    [tg.tensor([1.0, 2.0]), tg.tensor([3.0, 4.0])],
    [(np.zeros((2, 2), dtype=np.float32), 1), (np.ones((2, 2), dtype=np.float32), 0)],
    [[1, 2.0, "a"], [3, 4.0, "b"]],
    [{"image": np.zeros(3), "label": 1, "name": "x"}, {"image": np.ones(3), "label": 0, "name": "y"}],
    [Point(1, 2.0), Point(3, 4.0)],
    [{"pair": (1, [2.0, 3.0])}, {"pair": (4, [5.0, 6.0])}],
    ["a", "b"],
]


@pytest.mark.torch
@pytest.mark.parametrize("batch", BATCHES, ids=range(len(BATCHES)))
def test_default_collate_equals_torchs(torch, batch):
    from torch.utils.data import default_collate as torch_collate

    _same(default_collate(batch), torch_collate(_as_torch(batch, torch)), torch)


SAMPLES = [
    np.arange(4, dtype=np.int32),
    np.float64(2.5),
    (np.zeros(2), 3, "s"),
    [np.ones(2, dtype=np.float32), 1.5],
    {"x": np.zeros((1, 2)), "y": [np.int64(1)]},
    Point(np.zeros(1), 2),
    7,
    "text",
    np.array(["a", "b"]),
]


@pytest.mark.torch
@pytest.mark.parametrize("sample", SAMPLES, ids=range(len(SAMPLES)))
def test_default_convert_equals_torchs(torch, sample):
    from torch.utils.data import default_convert as torch_convert

    ours, theirs = default_convert(sample), torch_convert(sample)
    if isinstance(sample, np.ndarray) and sample.dtype.kind == "U":
        assert ours is sample and theirs is sample
    else:
        _same(ours, theirs, torch)


def test_collated_tensors_keep_their_graph():
    a, b = tg.tensor([1.0, 2.0], requires_grad=True), tg.tensor([3.0, 4.0], requires_grad=True)
    (default_collate([a, b]) * tg.tensor([[1.0, 2.0], [3.0, 4.0]])).sum().backward()
    np.testing.assert_array_equal(a.grad.data, [1, 2])
    np.testing.assert_array_equal(b.grad.data, [3, 4])


@pytest.mark.torch
@pytest.mark.parametrize("batch", [
    [object(), object()],
    [np.array(["a"]), np.array(["b"])],
    [[1, 2], [3]],
    [np.zeros(2), np.zeros(3)],
], ids=["object", "strings", "ragged-lists", "ragged-arrays"])
def test_uncollatable_batches_raise_torchs_class(torch, batch):
    from torch.utils.data import default_collate as torch_collate

    with pytest.raises(Exception) as theirs:
        torch_collate(batch)
    with pytest.raises(type(theirs.value), match="collate|stack"):
        default_collate(batch)
