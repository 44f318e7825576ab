"""meshgrid, cartesian_prod, combinations, broadcast_tensors, broadcast_shapes, tril_indices, triu_indices and
unravel_index against PyTorch's top-level functions (values, dtypes, gradients), finite differences, errors."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
from tests.helpers import assert_close, numeric_grad


def _grads_match(torch, ys, yts, xs, ts, seed=0):
    rng = np.random.default_rng(seed)
    vs = [rng.standard_normal(y.shape) for y in ys]
    sum((y * tg.Tensor(v)).sum() for y, v in zip(ys, vs)).backward()
    sum((y * torch.tensor(v)).sum() for y, v in zip(yts, vs)).backward()
    for x, t in zip(xs, ts):
        assert_close(x.grad, t.grad)


@pytest.mark.torch
@given(sizes=st.lists(st.integers(0, 3), min_size=1, max_size=3), indexing=st.sampled_from(["ij", "xy"]),
       scalar_first=st.booleans())
def test_meshgrid_as_pytorch(torch, sizes, indexing, scalar_first):
    rng = np.random.default_rng(len(sizes))
    arrays = [rng.standard_normal(n) for n in sizes]
    if scalar_first:
        arrays[0] = np.array(1.5)
    xs = [tg.Tensor(a, requires_grad=True) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    ys, yts = tg.meshgrid(*xs, indexing=indexing), torch.meshgrid(*ts, indexing=indexing)
    assert isinstance(ys, tuple) and len(ys) == len(yts)
    for y, yt in zip(ys, yts):
        assert_close(y, yt)
    _grads_match(torch, ys, yts, xs, ts)
    assert [y.shape for y in tg.meshgrid(xs, indexing=indexing)] == [tuple(y.shape) for y in yts]


def test_meshgrid_default_is_ij():
    a, b = tg.arange(3), tg.arange(2)
    assert tg.meshgrid(a, b)[0].shape == (3, 2)
    assert tg.meshgrid(a, b, indexing="xy")[0].shape == (2, 3)


@pytest.mark.torch
@pytest.mark.parametrize("sizes", [[3], [2, 3], [2, 1, 3], [0, 2]])
def test_cartesian_prod_as_pytorch(torch, sizes):
    rng = np.random.default_rng(1)
    arrays = [rng.standard_normal(n) for n in sizes]
    xs = [tg.Tensor(a, requires_grad=True) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    y, yt = tg.cartesian_prod(*xs), torch.cartesian_prod(*ts)
    assert_close(y, yt)
    _grads_match(torch, [y], [yt], xs, ts)


@pytest.mark.torch
@given(n=st.integers(0, 5), r=st.integers(0, 4), with_replacement=st.booleans())
def test_combinations_as_pytorch(torch, n, r, with_replacement):
    a = np.random.default_rng(n).standard_normal(n)
    x, t = tg.Tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    y, yt = tg.combinations(x, r, with_replacement), torch.combinations(t, r, with_replacement)
    assert_close(y, yt)
    if y.numel():
        _grads_match(torch, [y], [yt], [x], [t])
    ints = tg.combinations(tg.tensor([1, 2, 3]), r=2)
    assert ints.dtype == np.int64 and ints.tolist() == torch.combinations(torch.tensor([1, 2, 3])).tolist()


def test_combinations_gradient_by_finite_differences():
    a = np.random.default_rng(3).standard_normal(4)
    x = tg.Tensor(a, requires_grad=True)
    v = np.random.default_rng(4).standard_normal((10, 2))
    (tg.combinations(x, with_replacement=True) * tg.Tensor(v)).sum().backward()
    expected = numeric_grad(lambda t: tg.combinations(t, with_replacement=True), x, v)
    np.testing.assert_allclose(x.grad.data, expected, atol=1e-8)


@pytest.mark.torch
@pytest.mark.parametrize("shapes", [[(3, 1), (1, 4)], [(2, 3), (3,)], [(), (2, 2)], [(0, 1), (1, 3)]])
def test_broadcast_tensors_as_pytorch(torch, shapes):
    rng = np.random.default_rng(5)
    arrays = [rng.standard_normal(s) for s in shapes]
    xs = [tg.Tensor(a, requires_grad=True) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    ys, yts = tg.broadcast_tensors(*xs), torch.broadcast_tensors(*ts)
    assert isinstance(ys, tuple)
    for y, yt in zip(ys, yts):
        assert_close(y, yt)
    _grads_match(torch, ys, yts, xs, ts)
    assert tg.broadcast_shapes(*shapes) == tuple(torch.broadcast_shapes(*shapes))


@pytest.mark.torch
def test_broadcast_keeps_dtypes_and_takes_ints(torch):
    a, b = tg.broadcast_tensors(tg.zeros(2, 3), tg.tensor([1, 2, 3]))
    assert a.dtype == np.float32 and b.dtype == np.int64 and b.shape == (2, 3)
    assert tg.broadcast_shapes(2, (3, 1)) == tuple(torch.broadcast_shapes(2, (3, 1))) == (3, 2)
    assert tg.broadcast_shapes() == ()


@pytest.mark.torch
@given(row=st.integers(0, 5), col=st.integers(0, 5), offset=st.integers(-6, 6))
def test_triangle_indices_as_pytorch(torch, row, col, offset):
    for name in ("tril_indices", "triu_indices"):
        ours, theirs = getattr(tg, name)(row, col, offset), getattr(torch, name)(row, col, offset)
        assert ours.dtype == np.int64
        assert ours.shape == tuple(theirs.shape) and ours.tolist() == theirs.tolist()
    assert tg.tril_indices(3, 3, dtype=tg.int32).dtype == np.int32


@pytest.mark.torch
@given(index=st.lists(st.integers(-30, 30), max_size=5), shape=st.sampled_from([(2, 3), (4,), (2, 1, 3), 5, ()]))
def test_unravel_index_as_pytorch(torch, index, shape):
    ours = tg.unravel_index(tg.tensor(index, dtype=tg.int64), shape)
    theirs = torch.unravel_index(torch.tensor(index, dtype=torch.int64), shape)
    assert isinstance(ours, tuple) and len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        assert o.dtype == np.int64 and o.tolist() == t.tolist()


@pytest.mark.parametrize("call, error, words", [
    (lambda: tg.meshgrid(tg.zeros(2, 2)), tg.errors.ShapeError, ["meshgrid", "0D or 1D", "(2, 2)"]),
    (lambda: tg.meshgrid(tg.zeros(2), indexing="yx"), tg.errors.ShapeError, ["meshgrid", "'yx'"]),
    (lambda: tg.meshgrid(tg.zeros(2), tg.tensor([1])), tg.errors.ShapeError, ["meshgrid", "dtype"]),
    (lambda: tg.cartesian_prod(tg.zeros(2, 2)), tg.errors.ShapeError, ["cartesian_prod", "(2, 2)"]),
    (lambda: tg.combinations(tg.zeros(2, 2)), tg.errors.ShapeError, ["combinations", "1D"]),
    (lambda: tg.combinations(tg.zeros(2), -1), tg.errors.ShapeError, ["combinations", "-1"]),
    (lambda: tg.broadcast_tensors(tg.zeros(2), tg.zeros(3)), tg.errors.ShapeError, ["broadcast_tensors", "(2,)"]),
    (lambda: tg.broadcast_shapes((2,), (3,)), ValueError, ["broadcast_shapes"]),
    (lambda: tg.tril_indices(-1, 3), tg.errors.ShapeError, ["tril_indices", "row"]),
    (lambda: tg.triu_indices(2, 3, dtype=tg.float32), tg.errors.ShapeError, ["triu_indices", "float32"]),
    (lambda: tg.unravel_index(tg.tensor([1.0]), (2, 3)), TypeError, ["unravel_index", "integer"]),
    (lambda: tg.unravel_index(tg.tensor(1), (2, 0)), tg.errors.ShapeError, ["unravel_index", "zero"]),
])
def test_errors_name_the_op(call, error, words):
    with pytest.raises(error) as info:
        call()
    for w in words:
        assert w in str(info.value)
