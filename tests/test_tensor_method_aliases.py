"""tensor_method_aliases.py: absolute, greater/less/not_equal (and their in-place forms), hardshrink, prelu, addr,
diagflat, narrow_copy as methods and tg.* functions, against PyTorch (values, dtypes, gradients)."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tests.helpers import assert_close, numeric_grad

R = np.random.default_rng(3)
X = R.uniform(-1, 1, (3, 4))


def _same(ours, theirs):
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
    assert_close(ours, theirs)


@pytest.mark.torch
@pytest.mark.parametrize("name", ["greater", "greater_equal", "less", "less_equal", "not_equal"])
def test_comparison_aliases_and_in_place_forms_match_pytorch(torch, name):
    other = np.round(X[0], 1)
    rounded = np.round(X, 1)
    _same(getattr(tg, name)(tg.tensor(rounded), tg.tensor(other)),
          getattr(torch, name)(torch.tensor(rounded), torch.tensor(other)))
    x, tx = tg.tensor(rounded), torch.tensor(rounded)
    assert getattr(x, name + "_")(0.0) is x
    getattr(tx, name + "_")(0.0)
    _same(x, tx)


@pytest.mark.torch
@pytest.mark.parametrize("dtype", ["float64", "int64"])
def test_absolute_matches_pytorch(torch, dtype):
    data = (X * 5).astype(dtype)
    _same(tg.absolute(tg.tensor(data)), torch.absolute(torch.tensor(data)))
    x, tx = tg.tensor(data), torch.tensor(data)
    x.absolute_()
    tx.absolute_()
    _same(x, tx)


@pytest.mark.torch
def test_hardshrink_and_prelu_methods_match_pytorch_with_gradients(torch):
    x, tx = tg.tensor(X, requires_grad=True), torch.tensor(X, requires_grad=True)
    w0 = np.array([0.1, 0.2, 0.3])
    w, tw = tg.tensor(w0, requires_grad=True), torch.tensor(w0, requires_grad=True)
    out = x.hardshrink(0.3) + x.prelu(w.reshape(3, 1).squeeze(1)[:1]) + tg.prelu(x.unsqueeze(0), w).squeeze(0)
    tout = tx.hardshrink(0.3) + tx.prelu(tw[:1]) + torch.prelu(tx.unsqueeze(0), tw).squeeze(0)
    assert_close(out, tout)
    out.sum().backward()
    tout.sum().backward()
    assert_close(x.grad, tx.grad)
    assert_close(w.grad, tw.grad)
    _same(tg.hardshrink(tg.tensor(X)), torch.hardshrink(torch.tensor(X)))


ADDR = [((3, 4), 1, 1), ((1, 4), 0.5, 2.0), ((4,), 0, 1), ((3, 1), 2, -1)]


@pytest.mark.torch
@pytest.mark.parametrize("shape, beta, alpha", ADDR)
def test_addr_matches_pytorch_with_gradients(torch, shape, beta, alpha):
    s0, v10, v20 = R.uniform(-1, 1, shape), R.uniform(-1, 1, 3), R.uniform(-1, 1, 4)
    ours = [tg.tensor(a, requires_grad=True) for a in (s0, v10, v20)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (s0, v10, v20)]
    out = tg.addr(*ours, beta=beta, alpha=alpha)
    tout = torch.addr(*theirs, beta=beta, alpha=alpha)
    assert_close(out, tout)
    assert_close(ours[0].addr(ours[1], ours[2], beta=beta, alpha=alpha), tout)
    w = R.uniform(-1, 1, (3, 4))
    (out * tg.tensor(w)).sum().backward()
    (tout * torch.tensor(w)).sum().backward()
    for a, b in zip(ours, theirs):
        assert_close(a.grad, b.grad if b.grad is not None else torch.zeros(b.shape, dtype=torch.float64))
    fd = numeric_grad(lambda t: tg.addr(tg.tensor(s0), t, tg.tensor(v20), beta=beta, alpha=alpha), tg.tensor(v10), w)
    np.testing.assert_allclose(ours[1].grad.data, fd, rtol=1e-6)


@pytest.mark.torch
def test_addr_with_beta_zero_ignores_nan_and_promotes_as_pytorch(torch):
    s = np.array([[np.nan, 1.0]])
    _same(tg.addr(tg.tensor(s), tg.tensor([1.0, 2.0]), tg.tensor([3.0, 4.0]), beta=0),
          torch.addr(torch.tensor(s), torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0]), beta=0))
    _same(tg.addr(tg.tensor([[1, 2]]), tg.tensor([1, 2]), tg.tensor([3, 4])),
          torch.addr(torch.tensor([[1, 2]]), torch.tensor([1, 2]), torch.tensor([3, 4])))


def test_addr_refuses_an_input_that_does_not_broadcast():
    with pytest.raises(RuntimeError, match="addr: input of shape"):
        tg.addr(tg.zeros(2, 4), tg.ones(3), tg.ones(4))


@pytest.mark.torch
@pytest.mark.parametrize("shape, offset", [((3,), 0), ((2, 2), 1), ((2, 3), -2)])
def test_diagflat_matches_pytorch_with_gradients(torch, shape, offset):
    data = R.uniform(-1, 1, shape)
    x, tx = tg.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    out, tout = x.diagflat(offset), torch.diagflat(tx, offset)
    assert_close(out, tout)
    w = R.uniform(-1, 1, tout.shape)
    (out * tg.tensor(w)).sum().backward()
    (tout * torch.tensor(w)).sum().backward()
    assert_close(x.grad, tx.grad)


@pytest.mark.torch
def test_narrow_copy_matches_pytorch_and_copies(torch):
    x, tx = tg.tensor(X, requires_grad=True), torch.tensor(X, requires_grad=True)
    out, tout = tg.narrow_copy(x, 1, 1, 2), torch.narrow_copy(tx, 1, 1, 2)
    assert_close(out, tout)
    assert_close(x.narrow_copy(0, 2, 1), tx.narrow_copy(0, 2, 1))
    assert not np.shares_memory(out.data, x.data)
    (out * tg.tensor(X[:, 1:3])).sum().backward()
    (tout * torch.tensor(X[:, 1:3])).sum().backward()
    assert_close(x.grad, tx.grad)
