"""hstack, vstack, dstack, column_stack, row_stack, concat, concatenate, atleast_1d/2d/3d and block_diag against
PyTorch's top-level functions (values, shapes, dtypes, gradients), finite differences in float64, and errors."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
from tests.helpers import assert_close, numeric_grad


def _against(torch, name, arrays, *args, **kwargs):
    """tg.name and torch.name on the same float64 arrays (as one list): values, then δ for a random upstream."""
    xs = [tg.Tensor(a.copy(), requires_grad=True) for a in arrays]
    ts = [torch.tensor(a.copy(), requires_grad=True) for a in arrays]
    y, yt = getattr(tg, name)(xs, *args, **kwargs), getattr(torch, name)(ts, *args, **kwargs)
    assert_close(y, yt)
    v = np.random.default_rng(0).standard_normal(y.shape)
    y.backward(tg.Tensor(v))
    yt.backward(torch.tensor(v))
    for x, t in zip(xs, ts):
        assert_close(x.grad, t.grad)


SHAPE_SETS = [[(3,), (2,)], [(), ()], [(2, 3), (2, 1)], [(2, 3, 4), (2, 1, 4)], [(3,), ()]]


@pytest.mark.torch
@pytest.mark.parametrize("shapes", SHAPE_SETS)
def test_hstack_as_pytorch(torch, shapes):
    rng = np.random.default_rng(1)
    _against(torch, "hstack", [rng.standard_normal(s) for s in shapes])


STACKS = [("vstack", [(2, 3), (1, 3)]), ("row_stack", [(3,), (3,)]), ("vstack", [(), ()]),
          ("dstack", [(2, 3), (2, 3)]), ("dstack", [(2, 3, 4), (2, 3, 1)]), ("dstack", [(3,), (3,)]),
          ("column_stack", [(3,), (3, 2)]), ("column_stack", [(), ()]), ("vstack", [(2, 3, 4), (1, 3, 4)])]


@pytest.mark.torch
@pytest.mark.parametrize("name, shapes", STACKS)
def test_stacks_as_pytorch(torch, name, shapes):
    rng = np.random.default_rng(2)
    _against(torch, name, [rng.standard_normal(s) for s in shapes])


@pytest.mark.torch
@given(dim=st.integers(-3, 2), seed=st.integers(0, 50))
def test_concat_and_concatenate_as_pytorch(torch, dim, seed):
    rng = np.random.default_rng(seed)
    shape = [2, 3, 4]
    other = list(shape)
    other[dim] = 1
    arrays = [rng.standard_normal(shape), rng.standard_normal(other)]
    _against(torch, "concat", arrays, dim)
    _against(torch, "concatenate", arrays, axis=dim)


@pytest.mark.torch
@pytest.mark.parametrize("name", ["atleast_1d", "atleast_2d", "atleast_3d"])
@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (2, 3, 4)])
def test_atleast_as_pytorch(torch, name, shape):
    a = np.random.default_rng(3).standard_normal(shape)
    ours, theirs = getattr(tg, name)(tg.Tensor(a)), getattr(torch, name)(torch.tensor(a))
    assert isinstance(ours, tg.Tensor)
    assert_close(ours, theirs)
    pair = getattr(tg, name)(tg.Tensor(a), tg.Tensor(a))
    listed = getattr(tg, name)([tg.Tensor(a)])
    assert isinstance(pair, tuple) and isinstance(listed, tuple) and len(pair) == 2 and len(listed) == 1
    assert pair[1].shape == tuple(theirs.shape) == listed[0].shape


@pytest.mark.torch
@pytest.mark.parametrize("shapes", [[(), (2,), (2, 2)], [(2, 3), (1, 1)], [(2, 0), (1, 2)], [(3,)]])
def test_block_diag_as_pytorch(torch, shapes):
    rng = np.random.default_rng(4)
    arrays = [rng.standard_normal(s) for s in shapes]
    xs = [tg.Tensor(a, requires_grad=True) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    y, yt = tg.block_diag(*xs), torch.block_diag(*ts)
    assert_close(y, yt)
    v = rng.standard_normal(y.shape)
    y.backward(tg.Tensor(v))
    yt.backward(torch.tensor(v))
    for x, t in zip(xs, ts):
        assert_close(x.grad, t.grad)


@pytest.mark.torch
def test_dtypes_as_pytorch(torch):
    i, f = np.array([1, 2]), np.array([0.5, 1.5], np.float32)
    assert tg.hstack([tg.tensor(i), tg.tensor(f)]).dtype == np.float32
    assert str(torch.hstack([torch.tensor(i), torch.tensor(f)]).dtype) == "torch.float32"
    assert tg.block_diag(tg.tensor(i), tg.tensor(f)).dtype == np.float32
    assert tg.block_diag(tg.tensor(i)).dtype == np.int64
    assert tg.block_diag().shape == tuple(torch.block_diag().shape) == (1, 0)


def test_block_diag_gradient_by_finite_differences():
    rng = np.random.default_rng(5)
    a, b = rng.standard_normal((2, 3)), rng.standard_normal((2,))
    x = tg.Tensor(a, requires_grad=True)
    v = rng.standard_normal((3, 5))
    (tg.block_diag(x, tg.Tensor(b)) * tg.Tensor(v)).sum().backward()
    np.testing.assert_allclose(x.grad.data, numeric_grad(lambda t: tg.block_diag(t, tg.Tensor(b)), x, v), atol=1e-8)


def test_numpy_arrays_are_accepted():
    a = np.ones((2, 3))
    assert tg.vstack([a, a]).shape == (4, 3)
    assert tg.atleast_3d(a).shape == (2, 3, 1)


@pytest.mark.parametrize("call, error, words", [
    (lambda: tg.vstack([tg.zeros(2, 3), tg.zeros(2, 4)]), tg.errors.ShapeError, ["vstack", "(2, 3)", "(2, 4)"]),
    (lambda: tg.hstack([tg.zeros(2, 3), tg.zeros(3, 3)]), tg.errors.ShapeError, ["hstack", "dimension 0"]),
    (lambda: tg.dstack([tg.zeros(2, 3), tg.zeros(2)]), tg.errors.ShapeError, ["dstack"]),
    (lambda: tg.concat([tg.zeros(2)], 3), IndexError, ["concat"]),
    (lambda: tg.hstack(tg.zeros(2)), TypeError, ["hstack"]),
    (lambda: tg.hstack([]), tg.errors.ShapeError, ["hstack"]),
    (lambda: tg.block_diag(tg.zeros(1, 2, 3)), tg.errors.ShapeError, ["block_diag", "2 or fewer", "(1, 2, 3)"]),
])
def test_errors_name_the_op_and_shapes(call, error, words):
    with pytest.raises(error) as info:
        call()
    for w in words:
        assert w in str(info.value)


@pytest.mark.torch
def test_mismatches_raise_where_pytorch_raises(torch):
    with pytest.raises(RuntimeError):
        torch.vstack([torch.zeros(2, 3), torch.zeros(2, 4)])
    with pytest.raises(RuntimeError):
        tg.vstack([tg.zeros(2, 3), tg.zeros(2, 4)])
