"""tensordot (int, pair-of-lists and tensor dims), chain_matmul and vander against PyTorch (values, dtypes,
gradients), finite differences in float64, and errors."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
from tests.helpers import assert_close, numeric_grad


def _both(torch, ours, theirs, *arrays, seed=0):
    xs = [tg.Tensor(a.copy(), requires_grad=True) for a in arrays]
    ts = [torch.tensor(a.copy(), requires_grad=True) for a in arrays]
    y, yt = ours(*xs), theirs(*ts)
    assert_close(y, yt, rtol=1e-10, atol=1e-10)
    v = np.random.default_rng(seed).standard_normal(y.shape)
    y.backward(tg.Tensor(v))
    yt.backward(torch.tensor(v))
    for x, t in zip(xs, ts):
        assert_close(x.grad, t.grad, rtol=1e-10, atol=1e-10)


@pytest.mark.torch
@given(n=st.integers(0, 3), seed=st.integers(0, 50))
def test_tensordot_int_dims_as_pytorch(torch, n, seed):
    rng = np.random.default_rng(seed)
    a, b = rng.standard_normal((2, 3, 4)), rng.standard_normal((3, 4, 2)[3 - n:] + (2,) * 0 if n else (2, 2))
    if n:
        b = rng.standard_normal((2, 3, 4)[3 - n:] + (2,))
    _both(torch, lambda x, y: tg.tensordot(x, y, n), lambda x, y: torch.tensordot(x, y, n), a, b)


@pytest.mark.torch
@pytest.mark.parametrize("dims", [([1, 2], [1, 0]), ([0], [2]), ([], []), ([-1, 0], [0, 2])])
def test_tensordot_list_and_tensor_dims_as_pytorch(torch, dims):
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((2, 3, 4)), rng.standard_normal((4, 3, 2))
    _both(torch, lambda x, y: tg.tensordot(x, y, dims), lambda x, y: torch.tensordot(x, y, dims), a, b)
    if dims[0]:
        _both(torch, lambda x, y: tg.tensordot(x, y, dims=tg.tensor(list(dims))),
              lambda x, y: torch.tensordot(x, y, dims=torch.tensor(list(dims))), a, b)


@pytest.mark.torch
def test_tensordot_default_and_zero_d_tensor_dims(torch):
    rng = np.random.default_rng(2)
    a, b = rng.standard_normal((2, 3, 4)), rng.standard_normal((3, 4, 5))
    _both(torch, tg.tensordot, torch.tensordot, a, b)
    _both(torch, lambda x, y: tg.tensordot(x, y, tg.tensor(1)), lambda x, y: torch.tensordot(x, y, torch.tensor(1)),
          rng.standard_normal((2, 3)), rng.standard_normal((3, 2)))


def test_tensordot_gradient_by_finite_differences():
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((2, 3)), rng.standard_normal((3, 2, 2))
    x = tg.Tensor(a, requires_grad=True)
    v = rng.standard_normal((2, 2, 2))
    (tg.tensordot(x, tg.Tensor(b), 1) * tg.Tensor(v)).sum().backward()
    np.testing.assert_allclose(x.grad.data, numeric_grad(lambda t: tg.tensordot(t, tg.Tensor(b), 1), x, v), atol=1e-8)


@pytest.mark.torch
@pytest.mark.filterwarnings("ignore:torch.chain_matmul is deprecated")
@pytest.mark.parametrize("shapes", [[(2, 3)], [(2, 3), (3, 4)], [(2, 3), (3, 1), (1, 4), (4, 2)]])
def test_chain_matmul_as_pytorch(torch, shapes):
    rng = np.random.default_rng(4)
    _both(torch, tg.chain_matmul, torch.chain_matmul, *[rng.standard_normal(s) for s in shapes])


@pytest.mark.torch
@given(n=st.integers(0, 4), N=st.sampled_from([None, 0, 1, 3, 5]), increasing=st.booleans(),
       zero=st.booleans(), seed=st.integers(0, 50))
def test_vander_as_pytorch(torch, n, N, increasing, zero, seed):
    a = np.random.default_rng(seed).standard_normal(n)
    if zero and n:
        a[0] = 0.0  # the gradient of the powers at 0 (x⁰ = 1 has slope 0, x¹ slope 1)
    y = tg.vander(tg.Tensor(a), N, increasing)
    yt = torch.vander(torch.tensor(a), N, increasing)
    assert_close(y, yt, rtol=1e-10, atol=1e-12)
    x, t = tg.Tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    if not torch.vander(t, N, increasing).requires_grad:  # N ≤ 1 or no entries: constant ones, off the graph
        assert not tg.vander(x, N, increasing).requires_grad
        return
    v = np.random.default_rng(seed).standard_normal(y.shape)
    (tg.vander(x, N, increasing) * tg.Tensor(v)).sum().backward()
    np.testing.assert_allclose(x.grad.data, numeric_grad(lambda s: tg.vander(s, N, increasing), x, v), atol=1e-7)
    try:
        (torch.vander(t, N, increasing) * torch.tensor(v)).sum().backward()
    except RuntimeError as err:  # PyTorch's own backward of vander fails for some N (an in-place op in it)
        assert "inplace operation" in str(err)
    else:
        assert_close(x.grad, t.grad, rtol=1e-10, atol=1e-10)


@pytest.mark.torch
def test_vander_integer_inputs_give_int64(torch):
    for data in ([1, 2, 3], [True, False]):
        ours, theirs = tg.vander(tg.tensor(data), 4), torch.vander(torch.tensor(data), 4)
        assert ours.dtype == np.int64 and ours.tolist() == theirs.tolist()


def test_vander_gradient_by_finite_differences():
    a = np.array([0.0, 1.5, -0.7])
    x = tg.Tensor(a, requires_grad=True)
    v = np.random.default_rng(5).standard_normal((3, 4))
    (tg.vander(x, 4) * tg.Tensor(v)).sum().backward()
    np.testing.assert_allclose(x.grad.data, numeric_grad(lambda t: tg.vander(t, 4), x, v), atol=1e-7)


@pytest.mark.parametrize("call, error, words", [
    (lambda: tg.tensordot(tg.zeros(2, 3), tg.zeros(4, 2), 1), tg.errors.ShapeError, ["tensordot", "3", "4"]),
    (lambda: tg.tensordot(tg.zeros(2), tg.zeros(2), 2), tg.errors.ShapeError, ["tensordot", "dims=2"]),
    (lambda: tg.tensordot(tg.zeros(2), tg.zeros(2), -1), tg.errors.ShapeError, ["tensordot", ">= 0"]),
    (lambda: tg.tensordot(tg.zeros(2, 2), tg.zeros(2, 2), ([0], [0, 1])), tg.errors.ShapeError, ["same length"]),
    (lambda: tg.tensordot(tg.zeros(2, 2), tg.zeros(2, 2), ([5], [0])), IndexError, ["tensordot", "5"]),
    (lambda: tg.tensordot(tg.zeros(2), tg.zeros(2).double(), 1), TypeError, ["tensordot", "dtype"]),
    (lambda: tg.chain_matmul(tg.zeros(2, 3), tg.zeros(2, 3)), tg.errors.ShapeError, ["chain_matmul", "3 ≠ 2"]),
    (lambda: tg.chain_matmul(tg.zeros(2)), tg.errors.ShapeError, ["chain_matmul", "2-D"]),
    (lambda: tg.vander(tg.zeros(2, 2)), tg.errors.ShapeError, ["vander", "one-dimensional"]),
    (lambda: tg.vander(tg.zeros(2), -1), tg.errors.ShapeError, ["vander", "-1"]),
])
def test_errors_name_the_op(call, error, words):
    with pytest.raises(error) as info:
        call()
    for w in words:
        assert w in str(info.value)


def test_symbolic_vander_and_tensordot():
    import sympy

    from tinygrad_edu.symbolic import symbols

    x = symbols("x", (2,))
    x1, x2 = x.data.tolist()
    assert [[sympy.expand(e) for e in row] for row in tg.vander(x, 3).data.tolist()] == [[x1 ** 2, x1, 1],
                                                                                        [x2 ** 2, x2, 1]]
    assert sympy.expand(tg.tensordot(x, x, 1).item() - (x1 ** 2 + x2 ** 2)) == 0
