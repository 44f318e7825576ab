"""searchsorted, bucketize and isin against PyTorch's top-level functions: positions (1-D and row-wise N-D
sequences, ties, left/right/side, sorter, scalars, NaN values), dtypes (int64, int32 with out_int32, bool), and
errors."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg


def _same(ours, theirs):
    assert ours.shape == tuple(theirs.shape)
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    assert ours.tolist() == theirs.tolist()


@pytest.mark.torch
@given(lead=st.sampled_from([(), (2,), (2, 3)]), n=st.integers(0, 6), m=st.integers(0, 4),
       right=st.booleans(), out_int32=st.booleans(), seed=st.integers(0, 99))
def test_searchsorted_as_pytorch(torch, lead, n, m, right, out_int32, seed):
    rng = np.random.default_rng(seed)
    seq = np.sort(rng.integers(-3, 4, lead + (n,)).astype(np.float64), axis=-1)  # ties on purpose
    values = rng.integers(-4, 5, lead + (m,)).astype(np.float64) if lead else rng.integers(-4, 5, (2, m)) * 1.0
    ours = tg.searchsorted(tg.tensor(seq), tg.tensor(values), right=right, out_int32=out_int32)
    theirs = torch.searchsorted(torch.tensor(seq), torch.tensor(values), right=right, out_int32=out_int32)
    _same(ours, theirs)
    side = "right" if right else "left"
    _same(tg.searchsorted(tg.tensor(seq), tg.tensor(values), side=side),
          torch.searchsorted(torch.tensor(seq), torch.tensor(values), side=side))


@pytest.mark.torch
@given(n=st.integers(1, 6), seed=st.integers(0, 99), right=st.booleans())
def test_searchsorted_with_sorter_as_pytorch(torch, n, seed, right):
    rng = np.random.default_rng(seed)
    seq = rng.standard_normal((2, n))
    order = np.argsort(seq, axis=-1)
    values = rng.standard_normal((2, 3))
    _same(tg.searchsorted(tg.tensor(seq), tg.tensor(values), sorter=tg.tensor(order), right=right),
          torch.searchsorted(torch.tensor(seq), torch.tensor(values), sorter=torch.tensor(order), right=right))


@pytest.mark.torch
def test_searchsorted_scalars_nan_and_mixed_dtypes(torch):
    seq = [1.0, 2.0, 3.0]
    for value in (2.0, 2, 0.5, float("nan")):
        _same(tg.searchsorted(tg.tensor(seq), value), torch.searchsorted(torch.tensor(seq), value))
    values = [float("nan"), 2.5, float("inf")]
    _same(tg.searchsorted(tg.tensor(seq), tg.tensor(values), right=True),
          torch.searchsorted(torch.tensor(seq), torch.tensor(values), right=True))
    _same(tg.searchsorted(tg.tensor(seq), tg.tensor([1, 3])),
          torch.searchsorted(torch.tensor(seq), torch.tensor([1, 3])))
    assert tg.searchsorted(np.array(seq), np.array([2.0])).tolist() == [1]


@pytest.mark.torch
@given(m=st.integers(0, 5), right=st.booleans(), out_int32=st.booleans(), seed=st.integers(0, 99))
def test_bucketize_as_pytorch(torch, m, right, out_int32, seed):
    rng = np.random.default_rng(seed)
    bounds = np.sort(rng.integers(-3, 4, 5).astype(np.float64))
    values = rng.integers(-4, 5, (2, m)).astype(np.float64)
    _same(tg.bucketize(tg.tensor(values), tg.tensor(bounds), right=right, out_int32=out_int32),
          torch.bucketize(torch.tensor(values), torch.tensor(bounds), right=right, out_int32=out_int32))
    _same(tg.bucketize(1.5, tg.tensor(bounds)), torch.bucketize(1.5, torch.tensor(bounds)))


@pytest.mark.torch
@given(a=st.lists(st.integers(-3, 3), max_size=6), b=st.lists(st.integers(-3, 3), max_size=4),
       invert=st.booleans(), floats=st.booleans())
def test_isin_as_pytorch(torch, a, b, invert, floats):
    ea = np.array(a, np.float64 if floats else np.int64).reshape(-1, 2) if len(a) % 2 == 0 else np.array(a)
    eb = np.array(b, np.int64)
    _same(tg.isin(tg.tensor(ea), tg.tensor(eb), invert=invert),
          torch.isin(torch.tensor(ea), torch.tensor(eb), invert=invert))


@pytest.mark.torch
def test_isin_with_scalars_and_nan(torch):
    _same(tg.isin(2, tg.tensor([1, 2])), torch.isin(2, torch.tensor([1, 2])))
    _same(tg.isin(tg.tensor([1, 2]), 2), torch.isin(torch.tensor([1, 2]), 2))
    nan = float("nan")
    _same(tg.isin(tg.tensor([nan, 1.0]), tg.tensor([nan, 1.0])),
          torch.isin(torch.tensor([nan, 1.0]), torch.tensor([nan, 1.0])))


def test_results_are_off_the_graph():
    x = tg.tensor([0.5, 1.5], requires_grad=True)
    assert not tg.searchsorted(tg.tensor([0.0, 1.0]), x).requires_grad
    assert not tg.isin(x, x).requires_grad


@pytest.mark.parametrize("call, error, words", [
    (lambda: tg.searchsorted(tg.zeros(2, 3), tg.zeros(3, 1)), tg.errors.ShapeError,
     ["searchsorted", "(2, 3)", "(3, 1)", "first N-1 dimensions"]),
    (lambda: tg.searchsorted(tg.zeros(2, 3), 1.0), tg.errors.ShapeError, ["searchsorted"]),
    (lambda: tg.searchsorted(tg.tensor(1.0), tg.zeros(2)), tg.errors.ShapeError, ["searchsorted", "0 dimension"]),
    (lambda: tg.searchsorted(tg.zeros(3), tg.zeros(2), side="middle"), tg.errors.ShapeError, ["searchsorted", "side"]),
    (lambda: tg.searchsorted(tg.zeros(3), tg.zeros(2), right=True, side="left"), tg.errors.ShapeError,
     ["searchsorted", "opposites"]),
    (lambda: tg.searchsorted(tg.zeros(3), tg.zeros(2), sorter=tg.tensor([0, 1])), tg.errors.ShapeError,
     ["searchsorted", "sorter"]),
    (lambda: tg.searchsorted(tg.zeros(3), tg.zeros(2), sorter=tg.tensor([0, 1, 3])), IndexError, ["sorter"]),
    (lambda: tg.searchsorted([1, 2], tg.zeros(2)), TypeError, ["searchsorted", "sorted_sequence"]),
    (lambda: tg.bucketize(tg.zeros(2), tg.zeros(2, 2)), tg.errors.ShapeError, ["bucketize", "1 dimension"]),
    (lambda: tg.isin(1, 2), TypeError, ["isin"]),
])
def test_errors_name_the_op(call, error, words):
    with pytest.raises(error) as info:
        call()
    for w in words:
        assert w in str(info.value)
