"""Creation functions (creation.py): PyTorch's values, default dtypes (float32, int64 for integer ranges),
dtype= and requires_grad=, the seeded generator, from_numpy's shared memory, and the torch.* function forms."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
from tests.helpers import assert_close


@pytest.mark.torch
@pytest.mark.parametrize("make", [
    lambda lib: lib.arange(5),
    lambda lib: lib.arange(2, 9, 3),
    lambda lib: lib.arange(5, 0, -2),
    lambda lib: lib.arange(0.0, 1.0, 0.1),
    lambda lib: lib.arange(1, 2.5, 0.5),
    lambda lib: lib.arange(3, dtype=lib.float64),
    lambda lib: lib.linspace(-1, 1, 7),
    lambda lib: lib.linspace(0, 1, 1),
    lambda lib: lib.linspace(0, 1, 0),
    lambda lib: lib.linspace(2, 3, 4, dtype=lib.float64),
    lambda lib: lib.eye(3),
    lambda lib: lib.eye(2, 4, dtype=lib.int64),
    lambda lib: lib.full((2, 3), 1.5),
    lambda lib: lib.full((2,), 7),
    lambda lib: lib.full((2,), True),
    lambda lib: lib.full([1, 2], 3, dtype=lib.float64),
    lambda lib: lib.zeros_like(lib.ones(2, 3), dtype=lib.int64),
    lambda lib: lib.ones_like(lib.arange(3)),
    lambda lib: lib.full_like(lib.arange(4), 2.7),
    lambda lib: lib.full_like(lib.ones(2), 3, dtype=lib.float64),
    lambda lib: lib.empty(2, 3),
    lambda lib: lib.empty_like(lib.arange(3)),
], ids=lambda f: "")
def test_values_and_dtypes_match_torch(torch, make):
    ours, theirs = make(tg), make(torch)
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    if not any(name.startswith("empty") for name in make.__code__.co_names):
        assert_close(ours, theirs, rtol=1e-6, atol=1e-7)
    else:
        assert ours.shape == tuple(theirs.shape) and not ours.data.any()


@pytest.mark.torch
@given(start=st.integers(-20, 20), length=st.integers(0, 30), step=st.sampled_from([0.1, 0.25, 0.3, 1.5, -0.7, 3]))
def test_arange_length_and_values_match_torch(torch, start, length, step):
    end = start + length * step * 0.97
    ours, theirs = tg.arange(start, end, step), torch.arange(start, end, step)
    assert_close(ours, theirs, rtol=1e-6, atol=1e-5)


def test_random_like_functions_and_randint():
    x = tg.ones(3, 4, dtype=tg.float64)
    tg.manual_seed(5)
    a, b = tg.rand_like(x), tg.randn_like(x, dtype=tg.float32)
    tg.manual_seed(5)
    assert tg.rand_like(x).tolist() == a.tolist()
    assert a.dtype == np.float64 and b.dtype == np.float32 and a.shape == b.shape == (3, 4)
    assert 0 <= a.data.min() and a.data.max() < 1
    r = tg.randint(3, 7, (200,))
    assert r.dtype == np.int64 and set(r.tolist()) == {3, 4, 5, 6}
    assert tg.randint(2, size=(5,)).data.max() <= 1 and tg.randint(10, (2, 2), dtype=tg.int32).dtype == np.int32
    assert tg.randn_like(x, requires_grad=True).requires_grad
    with pytest.raises(TypeError, match="rand_like: random floats need a floating dtype"):
        tg.rand_like(tg.arange(3))
    with pytest.raises(ValueError, match="randint: expects low < high"):
        tg.randint(5, 2, (3,))


def test_requires_grad_and_errors():
    assert tg.arange(3.0, requires_grad=True).requires_grad
    assert tg.eye(2, requires_grad=True).requires_grad and tg.full((2,), 1.0, requires_grad=True).requires_grad
    with pytest.raises(TypeError, match="only floating-point"):
        tg.arange(3, requires_grad=True)
    with pytest.raises(ValueError, match="arange: step must be nonzero"):
        tg.arange(0, 5, 0)
    with pytest.raises(ValueError, match="arange: the bounds start=5, end=0 are inconsistent with the sign"):
        tg.arange(5, 0, 1)
    with pytest.raises(ValueError, match="linspace: the number of steps must be non-negative"):
        tg.linspace(0, 1, -1)


def test_from_numpy_shares_memory_and_keeps_dtype():
    a = np.arange(4, dtype=np.int16)
    t = tg.from_numpy(a)
    assert t.dtype == np.int16
    a[0] = 9
    t.data[1] = 8
    assert t.tolist()[:2] == [9, 8] and a[1] == 8
    with pytest.raises(TypeError, match="from_numpy: expected a numpy.ndarray, got list"):
        tg.from_numpy([1, 2])


def test_function_forms_equal_the_methods():
    x = tg.tensor(np.random.default_rng(0).uniform(0.5, 2.0, (2, 3, 1)))
    a = x.data
    assert tg.flatten(x, 1).shape == (2, 3) and tg.reshape(a, (3, 2)).shape == (3, 2)
    assert tg.transpose(x, 0, 1).shape == (3, 2, 1) and tg.permute(a, (2, 0, 1)).shape == (1, 2, 3)
    assert tg.squeeze(x).shape == (2, 3) and tg.squeeze(a, 2).shape == (2, 3)
    assert tg.unsqueeze(x, 0).shape == (1, 2, 3, 1)
    for name in ("exp", "log", "sqrt", "tanh", "sigmoid", "relu", "abs"):
        np.testing.assert_array_equal(getattr(tg, name)(x).data, getattr(x, name)().data)
        assert isinstance(getattr(tg, name)(a), tg.Tensor)
    y = tg.tensor([1.0, -2.0], requires_grad=True)
    tg.abs(tg.exp(y)).sum().backward()
    np.testing.assert_allclose(y.grad.data, np.exp([1.0, -2.0]), rtol=1e-6)


@pytest.mark.torch
def test_list_of_numpy_scalars_keeps_their_dtype(torch):
    for values in ([np.float64(1), np.float64(2)], [np.float32(1), 2.0]):
        assert str(tg.tensor(values).dtype) == str(torch.tensor(values).dtype).replace("torch.", "")


# a list entry: a Python number or a NumPy scalar (not np.bool_: torch.tensor([2, np.True_]) is a TypeError there)
_ENTRY_DTYPES = ["uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]
_ENTRIES = st.one_of(st.sampled_from([True, 2, 2.5]),
                     st.sampled_from(_ENTRY_DTYPES).map(lambda d: np.dtype(d).type(1)))


@pytest.mark.torch
@given(entries=st.lists(_ENTRIES, min_size=1, max_size=4), nest=st.sampled_from(["flat", "rows", "array rows"]))
def test_mixed_list_dtype_matches_torch_tensor(torch, entries, nest):
    """torch.tensor's inference: Python floats float32, ints int64, bools bool; NumPy scalars (and arrays inside the
    list) keep their own dtype; all entries promoted together (torch.promote_types: int64 with float16 is float16)."""
    if nest == "rows":
        entries = [[e] for e in entries]
    elif nest == "array rows":
        entries = [np.array([e]) if isinstance(e, np.generic) else [e] for e in entries]
    with __import__("warnings").catch_warnings():
        __import__("warnings").simplefilter("ignore")  # torch's "a list of ndarrays is slow"
        theirs = torch.tensor(entries)
    ours = tg.tensor(entries)
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", ""), entries
    np.testing.assert_array_equal(ours.data.astype(np.float64), theirs.double().numpy())
