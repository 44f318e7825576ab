"""defaults.py: tg.set_default_dtype / get_default_dtype change every float default at call time, as torch's —
creation, Python floats, integer true division, int ** float, layer parameters and buffers — and refuse what torch
refuses."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn

pytestmark = pytest.mark.torch


@pytest.fixture
def default(torch):
    """Run a test with both libraries' defaults restored afterwards, whatever it set."""
    yield
    tg.set_default_dtype(tg.float32)
    torch.set_default_dtype(torch.float32)


def _name(dtype):
    return str(dtype).replace("torch.", "")


MADE = [
    ("tensor of floats", lambda m: m.tensor([1.0, 2.0])),
    ("Tensor of floats", lambda m: m.Tensor([1.0])),
    ("Tensor of ints", lambda m: m.Tensor([1, 2])),
    ("tensor of ints", lambda m: m.tensor([1, 2])),
    ("tensor of a float scalar", lambda m: m.tensor(2.5)),
    ("zeros", lambda m: m.zeros(2, 3)),
    ("ones", lambda m: m.ones(2)),
    ("randn", lambda m: m.randn(2)),
    ("rand", lambda m: m.rand(2)),
    ("empty", lambda m: m.empty(2)),
    ("full with a float", lambda m: m.full((2,), 1.5)),
    ("full with an int", lambda m: m.full((2,), 3)),
    ("arange of floats", lambda m: m.arange(0.0, 2.0, 0.5)),
    ("arange of ints", lambda m: m.arange(3)),
    ("linspace", lambda m: m.linspace(0, 1, 5)),
    ("eye", lambda m: m.eye(3)),
    ("int / int", lambda m: m.tensor([1, 2]) / m.tensor([2, 4])),
    ("int / 2", lambda m: m.tensor([1, 2]) / 2),
    ("int ** float", lambda m: m.tensor([1, 4]) ** 0.5),
    ("int tensor + float", lambda m: m.tensor([1, 2]) + 0.5),
    ("exp of an int tensor", lambda m: m.exp(m.tensor([0, 1]))),
    ("Linear weight", lambda m: m.nn.Linear(2, 3).weight),
    ("Linear bias", lambda m: m.nn.Linear(2, 3).bias),
    ("Conv2d weight", lambda m: m.nn.Conv2d(1, 2, 3).weight),
    ("BatchNorm2d weight", lambda m: m.nn.BatchNorm2d(2).weight),
    ("BatchNorm2d running_mean", lambda m: m.nn.BatchNorm2d(2).running_mean),
    ("BatchNorm2d num_batches_tracked", lambda m: m.nn.BatchNorm2d(2).num_batches_tracked),
    ("empty Parameter", lambda m: m.nn.Parameter()),
    ("explicit float32 stays", lambda m: m.zeros(2, dtype=m.float32)),
]


@pytest.mark.parametrize("default_dtype", ["float64", "float16"])
@pytest.mark.parametrize("what, make", MADE, ids=[m[0] for m in MADE])
def test_the_default_reaches_every_float_default_as_in_torch(torch, default, default_dtype, what, make):
    tg.set_default_dtype(getattr(tg, default_dtype))
    torch.set_default_dtype(getattr(torch, default_dtype))
    ours, theirs = make(tg), make(torch)
    assert str(ours.dtype) == _name(theirs.dtype), what


def test_get_default_dtype_follows_set_default_dtype(torch, default):
    assert tg.get_default_dtype() == tg.float32 and _name(torch.get_default_dtype()) == "float32"
    tg.set_default_dtype(tg.float64)
    assert tg.get_default_dtype() is tg.float64
    tg.set_default_dtype(np.float16)  # a NumPy type works as a dtype, as everywhere here
    assert tg.get_default_dtype() == tg.float16
    tg.set_default_dtype(tg.float32)
    assert tg.tensor([1.0]).dtype == tg.float32 and nn.Linear(2, 2).weight.dtype == tg.float32


def test_values_stay_right_after_the_default_changes(torch, default):
    tg.set_default_dtype(tg.float64)
    torch.set_default_dtype(torch.float64)
    ours, theirs = tg.linspace(0, 1, 7) / 3, torch.linspace(0, 1, 7) / 3
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    x = tg.tensor([0.1, 0.2])
    assert x.numpy().tolist() == [0.1, 0.2]  # no float32 rounding on the way in


@pytest.mark.parametrize("bad", ["int64", "int32", "bool", "complex64", "uint8"])
def test_non_floating_defaults_are_refused_as_torch_refuses(torch, default, bad):
    with pytest.raises(TypeError):
        torch.set_default_dtype(getattr(torch, bad))
    with pytest.raises(TypeError, match="set_default_dtype: only floating-point"):
        tg.set_default_dtype(getattr(tg, bad))
    assert tg.get_default_dtype() == tg.float32


@pytest.mark.parametrize("bad", ["float64", 3, None])
def test_non_dtypes_are_refused(torch, default, bad):
    with pytest.raises(TypeError):
        torch.set_default_dtype(bad)
    with pytest.raises(TypeError, match="set_default_dtype: invalid dtype"):
        tg.set_default_dtype(bad)


def test_the_default_changes_no_other_dtype_rule(default):
    tg.set_default_dtype(tg.float64)
    assert tg.tensor([1, 2]).dtype == tg.int64 and tg.tensor([True]).dtype == tg.bool
    assert (tg.ones(2, dtype=tg.float32) * 2.5).dtype == tg.float32  # a float32 tensor with a Python float
    assert (tg.ones(2, dtype=tg.float32) + tg.ones(2, dtype=tg.float64)).dtype == tg.float64
