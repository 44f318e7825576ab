"""The utility Tensor methods of tensor_utility.py (new_*, type, stride, tile, unbind, tensor_split, unfold, unique,
bincount, ...) and their tg.* function forms, against PyTorch: values, dtypes, shapes, gradients, exceptions."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
from tests.helpers import assert_close, numeric_grad, rand64

TORCH_DTYPES = {"float32": "float32", "float64": "float64", "int64": "int64", "int32": "int32", "bool": "bool",
                "uint8": "uint8", "float16": "float16", "int16": "int16", "int8": "int8"}


def _same(ours, theirs):
    """Equal values, shapes and dtypes (recursing into tuples)."""
    if isinstance(theirs, (tuple, list)):
        assert isinstance(ours, tuple) and len(ours) == len(theirs)
        for o, t in zip(ours, theirs):
            _same(o, t)
        return
    if not hasattr(theirs, "numpy"):
        assert ours == theirs
        return
    assert isinstance(ours, tg.Tensor)
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch."), (ours.dtype, theirs.dtype)
    assert ours.shape == tuple(theirs.shape)
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-6)


def _pair(torch, shape=(3, 4), dtype=np.float32, seed=0, low=-2, high=2):
    data = np.random.default_rng(seed).uniform(low, high, shape).astype(dtype)
    return tg.tensor(data), torch.tensor(data)


# ---- construction and metadata ------------------------------------------------------------------------------
@pytest.mark.torch
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.int32, np.bool_, np.uint8, np.float16])
def test_new_factories_and_type_follow_pytorch(torch, dtype):
    x, tx = _pair(torch, (2, 3), dtype)
    _same(x.new_zeros(4, 2), tx.new_zeros(4, 2))
    _same(x.new_ones((2,)), tx.new_ones((2,)))
    _same(x.new_full((2, 2), 1), tx.new_full((2, 2), 1))
    _same(x.new_empty(3).shape, tuple(tx.new_empty(3).shape))
    _same(x.new_tensor([1, 0, 2]), tx.new_tensor([1, 0, 2]))
    _same(x.new_zeros(2, dtype=tg.float64), tx.new_zeros(2, dtype=torch.float64))
    assert x.type() == tx.type()
    assert x.element_size() == tx.element_size() == x.itemsize == tx.itemsize
    assert x.nbytes == tx.nbytes
    assert x.nelement() == tx.nelement() and x.ndimension() == tx.ndimension()
    assert x.get_device() == tx.get_device() == -1


@pytest.mark.torch
def test_type_casts_from_a_dtype_or_a_type_string(torch):
    x, tx = _pair(torch)
    _same(x.type(tg.float64), tx.type(torch.float64))
    _same(x.type("torch.LongTensor"), tx.type("torch.LongTensor"))
    with pytest.raises(ValueError):
        x.type("torch.NoSuchTensor")


def test_new_zeros_can_require_grad_and_is_a_leaf():
    y = tg.randn(2).new_zeros(3, requires_grad=True)
    assert y.requires_grad and y.is_leaf and y.dtype == tg.float32


@pytest.mark.torch
def test_strides_in_elements_as_pytorch(torch):
    x, tx = _pair(torch, (2, 3, 4))
    assert x.stride() == tx.stride()
    assert x.stride(-1) == tx.stride(-1) and x.stride(1) == tx.stride(1)
    assert x.transpose(0, 2).stride() == tx.transpose(0, 2).stride()
    assert x[:, None].expand(2, 5, 3, 4).stride() == tx[:, None].expand(2, 5, 3, 4).stride()
    with pytest.raises(IndexError):
        x.stride(3)


def test_retains_grad_reflects_retain_grad():
    a = tg.randn(3, requires_grad=True)
    h = a * 2
    assert not h.retains_grad
    h.retain_grad()
    assert h.retains_grad and not a.retains_grad


# ---- views and rearrangements, with gradients -----------------------------------------------------------------
CASES = [
    ("ravel", (3, 4), ()),
    ("broadcast_to", (3, 1), ((2, 3, 4),)),
    ("tile", (2, 3), ((2,),)),
    ("tile", (2, 3), ((2, 1, 3),)),
    ("select", (3, 4), (1, -1)),
    ("select", (2, 3, 4), (0, 1)),
    ("unbind", (3, 4), (1,)),
    ("unflatten", (2, 12), (1, (3, -1))),
    ("moveaxis", (2, 3, 4), (0, -1)),
    ("split_with_sizes", (7, 2), ([3, 0, 4],)),
    ("tensor_split", (7, 2), (3,)),
    ("tensor_split", (7, 2), (8,)),
    ("tensor_split", (2, 7), ([1, 5], 1)),
    ("tensor_split", (2, 7), ([-2, 9], 1)),
    ("hsplit", (4, 6), (3,)),
    ("hsplit", (6,), ([2, 3],)),
    ("vsplit", (4, 6), (2,)),
    ("dsplit", (2, 2, 4), ([1],)),
    ("unfold", (3, 7), (1, 3, 2)),
    ("unfold", (7,), (0, 2, 1)),
    ("unfold", (), (0, 1, 1)),
    ("repeat_interleave", (2, 3), (2,)),
    ("repeat_interleave", (2, 3), (2, 1)),
    ("rot90", (2, 3, 4), (1, (1, 2))),
    ("rot90", (3, 4), (2,)),
    ("rot90", (3, 4), (-1,)),
    ("rot90", (3, 4), (4,)),
    ("fliplr", (3, 4), ()),
    ("flipud", (3, 4), ()),
    ("sum_to_size", (2, 3, 4), ((3, 1),)),
    ("sum_to_size", (2, 3), (1, 3)),
]


@pytest.mark.torch
@pytest.mark.parametrize("name, shape, args", CASES)
def test_movement_values_and_gradients_match_pytorch(torch, name, shape, args):
    rng = np.random.default_rng(1)
    x = rand64(rng, shape)
    tx = torch.tensor(x.data, requires_grad=True)
    ours, theirs = getattr(x, name)(*args), getattr(tx, name)(*args)
    _same(ours, theirs)
    outs = ours if isinstance(ours, tuple) else (ours,)
    touts = theirs if isinstance(theirs, (tuple, list)) else (theirs,)
    vs = [rng.standard_normal(o.shape) for o in outs]
    sum(((o * tg.tensor(v)).sum() for o, v in zip(outs, vs)), tg.tensor(0.0, dtype=tg.float64)).backward()
    sum((o * torch.tensor(v)).sum() for o, v in zip(touts, vs)).backward()
    assert_close(x.grad, tx.grad)

    def f(t):
        res = getattr(t, name)(*args)
        res = res if isinstance(res, tuple) else (res,)
        return tg.cat([r.reshape(-1) for r in res]) if res else t.sum() * 0
    v = np.concatenate([v.reshape(-1) for v in vs])
    np.testing.assert_allclose(x.grad.data, numeric_grad(f, x, v), atol=1e-6)


@pytest.mark.torch
@pytest.mark.parametrize("name, args", [("repeat_interleave", ([1, 0, 3],)),
                                        ("repeat_interleave", (np.array([2, 1, 0]), 0))])
def test_repeat_interleave_with_a_count_per_entry(torch, name, args):
    x, tx = _pair(torch, (3,) if len(args) == 1 else (3, 2))
    targs = tuple(torch.tensor(a) if isinstance(a, (list, np.ndarray)) else a for a in args)
    args = tuple(tg.tensor(a) if isinstance(a, list) else a for a in args)
    _same(x.repeat_interleave(*args), tx.repeat_interleave(*targs))


@given(st.lists(st.integers(1, 4), min_size=1, max_size=3), st.data())
def test_unfold_matches_sliding_windows_for_any_shape(shape, data):
    d = data.draw(st.integers(0, len(shape) - 1))
    size = data.draw(st.integers(0, shape[d]))
    step = data.draw(st.integers(1, 3))
    x = np.arange(np.prod(shape), dtype=np.float64).reshape(shape)
    ours = tg.tensor(x).unfold(d, size, step).data
    windows = np.lib.stride_tricks.sliding_window_view(x, size, axis=d)
    np.testing.assert_array_equal(ours, np.take(windows, range(0, windows.shape[d], step), axis=d))


@given(st.lists(st.integers(0, 4), min_size=1, max_size=3), st.data())
def test_tensor_split_matches_numpys_array_split(shape, data):
    x = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    d = data.draw(st.integers(0, len(shape) - 1))
    sections = data.draw(st.one_of(st.integers(1, 5), st.lists(st.integers(-5, 5), max_size=3)))
    parts = tg.tensor(x).tensor_split(sections, d)
    expected = np.array_split(x, sections, axis=d)
    assert len(parts) == len(expected)
    for ours, theirs in zip(parts, expected):
        np.testing.assert_array_equal(ours.data, theirs)


# ---- selections and counts ----------------------------------------------------------------------------------
@pytest.mark.torch
def test_take_and_take_along_dim_match_pytorch_with_gradients(torch):
    rng = np.random.default_rng(2)
    x = rand64(rng, (3, 4))
    tx = torch.tensor(x.data, requires_grad=True)
    idx = np.array([[0, -1], [5, 5]])
    _same(x.take(idx), tx.take(torch.tensor(idx)))
    along = np.array([[0], [3], [1]])
    _same(x.take_along_dim(along, 1), tx.take_along_dim(torch.tensor(along), 1))
    _same(x.take_along_dim(np.array([[2, 0, 1, 1]]), 0), tx.take_along_dim(torch.tensor([[2, 0, 1, 1]]), 0))
    _same(x.take_along_dim(np.array([0, 11])), tx.take_along_dim(torch.tensor([0, 11])))
    (x.take(idx).sum() + (x.take_along_dim(along, 1) * 3).sum()).backward()
    (tx.take(torch.tensor(idx)).sum() + (tx.take_along_dim(torch.tensor(along), 1) * 3).sum()).backward()
    assert_close(x.grad, tx.grad)
    with pytest.raises(IndexError):
        x.take(np.array([12]))
    with pytest.raises(IndexError):
        torch.zeros(3, 4).take(torch.tensor([12]))


@pytest.mark.torch
@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.bool_])
def test_nonzero_argwhere_masked_select(torch, dtype):
    data = (np.random.default_rng(3).integers(0, 3, (3, 4)) * (np.arange(4) % 2)).astype(dtype)
    x, tx = tg.tensor(data), torch.tensor(data)
    _same(x.nonzero(), tx.nonzero())
    _same(x.argwhere(), tx.argwhere())
    _same(x.nonzero(as_tuple=True), tx.nonzero(as_tuple=True))
    _same(tg.nonzero(x), torch.nonzero(tx))
    mask = data.astype(bool)
    _same(x.masked_select(mask[:1]), tx.masked_select(torch.tensor(mask[:1])))


@pytest.mark.torch
def test_masked_select_gradient_and_errors(torch):
    rng = np.random.default_rng(4)
    x = rand64(rng, (3, 4))
    tx = torch.tensor(x.data, requires_grad=True)
    mask = rng.random((1, 4)) > 0.5
    (x.masked_select(mask) ** 2).sum().backward()
    (tx.masked_select(torch.tensor(mask)) ** 2).sum().backward()
    assert_close(x.grad, tx.grad)
    with pytest.raises(RuntimeError):
        x.masked_select(np.ones((3, 4)))
    with pytest.raises(RuntimeError):
        x.masked_select(np.ones((2, 4), dtype=bool))


@pytest.mark.torch
@pytest.mark.parametrize("kw", [{}, {"return_inverse": True}, {"return_counts": True},
                                {"return_inverse": True, "return_counts": True}])
def test_unique_and_unique_consecutive_match_pytorch(torch, kw):
    data = np.array([[3, 1, 1], [3, 1, 1], [0, 2, 2], [3, 1, 1]])
    x, tx = tg.tensor(data), torch.tensor(data)
    _same(x.unique(**kw), tx.unique(**kw))
    _same(tg.unique(x, dim=0, **kw), torch.unique(tx, dim=0, **kw))
    _same(x.unique_consecutive(**kw), tx.unique_consecutive(**kw))
    _same(x.unique_consecutive(dim=0, **kw), tx.unique_consecutive(dim=0, **kw))
    _same(x.unique_consecutive(dim=1, **kw), tx.unique_consecutive(dim=1, **kw))
    f, tf = _pair(torch, (5,))
    _same(f.unique(**kw), tf.unique(**kw))


@pytest.mark.torch
def test_bincount_histc_equal(torch):
    data = np.array([0, 3, 3, 1, 7])
    x, tx = tg.tensor(data), torch.tensor(data)
    _same(x.bincount(), tx.bincount())
    _same(x.bincount(minlength=10), tx.bincount(minlength=10))
    w = np.linspace(0, 1, 5)
    _same(x.bincount(w.astype(np.float32)), tx.bincount(torch.tensor(w.astype(np.float32))))
    _same(tg.bincount(x, w), torch.bincount(tx, torch.tensor(w)))
    for bad in (np.array([-1, 2]), np.zeros((2, 2), dtype=np.int64), np.zeros(3)):
        with pytest.raises(RuntimeError):
            tg.tensor(bad).bincount()
        with pytest.raises(RuntimeError):
            torch.tensor(bad).bincount()
    f, tf = _pair(torch, (50,), low=-3, high=3)
    _same(f.histc(bins=7), tf.histc(bins=7))
    _same(f.histc(bins=4, min=-1, max=1), tf.histc(bins=4, min=-1, max=1))
    _same(tg.tensor([1.0, 1.0, 1.0]).histc(4), torch.tensor([1.0, 1.0, 1.0]).histc(4))
    assert x.equal(tg.tensor(data)) and tg.equal(x, data) and not x.equal(tg.tensor(data[:4]))
    assert not x.equal(tg.tensor(data + 1))
    assert tx.equal(torch.tensor(data))


@pytest.mark.torch
@pytest.mark.parametrize("call, exc", [
    (lambda t: t.unflatten(1, (5, -1)), RuntimeError),
    (lambda t: t.split_with_sizes([1, 1], 0), RuntimeError),
    (lambda t: t.tensor_split(0), RuntimeError),
    (lambda t: t.hsplit(5), RuntimeError),
    (lambda t: t.dsplit(2), RuntimeError),
    (lambda t: t.select(0, 3), IndexError),
    (lambda t: t.select(2, 0), IndexError),
    (lambda t: t.unfold(1, 5, 1), RuntimeError),
    (lambda t: t.unfold(1, 2, 0), RuntimeError),
    (lambda t: t.rot90(1, (0, 0)), RuntimeError),
    (lambda t: t.sum_to_size(2, 2), RuntimeError),
    (lambda t: t.take_along_dim(t.long(), 2), IndexError),
])
def test_bad_input_raises_pytorchs_exception_class(torch, call, exc):
    x, tx = _pair(torch, (3, 4))
    with pytest.raises(exc):
        call(x)
    with pytest.raises(exc):
        call(tx)


def test_function_forms_accept_numpy_arrays():
    a = np.array([[1.0, 0.0], [2.0, 3.0]], dtype=np.float32)
    assert tg.tile(a, (2,)).shape == (2, 4)
    assert [t.shape for t in tg.unbind(a)] == [(2,), (2,)]
    assert tg.rot90(a).tolist() == [[0.0, 3.0], [1.0, 2.0]]
    assert tg.take_along_dim(a, np.array([[1], [0]]), 1).tolist() == [[0.0], [2.0]]
    assert tg.repeat_interleave(a, 2).shape == (8,)
    assert tg.masked_select(a, a > 0).tolist() == [1.0, 2.0, 3.0]


def test_sympy_values_pass_through_the_compositions():
    from tinygrad_edu.symbolic import symbols

    x = symbols("x", (2, 3))
    assert str(x.rot90().data[0, 0]) == "x_13"
    assert [str(v) for v in x.masked_select(np.array([True, False, True])).data] == ["x_11", "x_13", "x_21", "x_23"]
    out = x.index_add(1, tg.tensor([0, 0]), symbols("s", (2, 2)))
    assert str(out.data[0, 0]) == "s_11 + s_12 + x_11"
    assert x.unfold(1, 2, 1).shape == (2, 2, 2) and str(x.unfold(1, 2, 1).data[1, 1, 0]) == "x_22"


@pytest.mark.torch
@pytest.mark.parametrize("shape, dim, size, step",
                         [((8,), 0, 2, 2), ((3, 9), 1, 3, 3), ((6, 4), 0, 2, 3), ((4, 5, 6), 2, 2, 4)])
def test_in_place_on_non_overlapping_unfolded_windows_changes_the_tensor_as_torch(torch, shape, dim, size, step):
    """unfold is a view in PyTorch: x.unfold(0, 2, 2).mul_(-1) negates x's windows (here it changed a copy)."""
    values = np.arange(float(np.prod(shape))).reshape(shape)
    results = []
    for m in (torch, tg):
        x = m.tensor(values)
        x.unfold(dim, size, step).mul_(-1)
        w = m.tensor(values, requires_grad=True)
        y = w * 1
        y.unfold(dim, size, step).mul_(3)
        (y * y).sum().backward()
        results.append([np.asarray(x.numpy() if m is torch else x.data), np.asarray(w.grad.numpy() if m is torch
                                                                                    else w.grad.data)])
    for theirs, ours in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


@pytest.mark.torch
def test_overlapping_unfolded_windows_are_a_view_that_sees_later_changes_as_torch(torch):
    """x.unfold(0, 3, 1) (step < size) is a view in PyTorch: x.add_(1) afterwards shows in the windows (here the
    windows were a copy and kept the old values); a row of the windows is an ordinary view that writes through."""
    results = []
    for m in (torch, tg):
        x = m.arange(6.0)
        windows = x.unfold(0, 3, 1)
        x.add_(1)
        seen = windows.clone()
        windows[1].mul_(10)
        results.append((np.asarray(seen.tolist()), np.asarray(x.tolist())))
    for theirs, ours in zip(*results):
        np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("change", [lambda w: w.add_(1), lambda w: w.zero_(), lambda w: w.T.mul_(2)],
                         ids=["add_", "zero_", "T.mul_"])
@pytest.mark.parametrize("graph", [False, True], ids=["plain", "graph"])
def test_in_place_on_overlapping_windows_refuses_instead_of_changing_a_copy(change, graph):
    """An element of x sits in several overlapping windows: an in-place change of the windows as a whole has no one
    answer (PyTorch writes each element several times in its own order), so it raises and x keeps its values."""
    w0 = tg.arange(6.0, dtype=tg.float64, requires_grad=graph)
    x = w0 * 1 if graph else w0
    before = x.tolist()
    with pytest.raises(RuntimeError, match="single memory location"):
        change(x.unfold(0, 3, 1))
    assert x.tolist() == before


@pytest.mark.torch
def test_assigning_one_entry_of_overlapping_windows_writes_the_tensor_as_torch(torch):
    """w[1, 1] = 5 names one memory location (x[2]), shown in three windows: written, as PyTorch."""
    results = []
    for m in (torch, tg):
        x = m.arange(6.0)
        windows = x.unfold(0, 3, 1)
        windows[1, 1] = 5.0
        results.append((x.tolist(), windows.tolist()))
    assert results[1] == results[0]
