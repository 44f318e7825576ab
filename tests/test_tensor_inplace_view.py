"""tensor_inplace.py, in place on a view of a graph tensor (PyTorch's CopySlices): the change is written through to
the base's memory and the base is re-recorded, so values, gradients (against PyTorch and finite differences) and
the errors for a view of a leaf or an expanded view follow PyTorch; the paths that worked before still do."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tests.helpers import assert_close, numeric_grad

X0 = np.random.default_rng(7).uniform(-1.0, 1.0, (3, 4))
S0 = np.array([0.5, -1.5, 2.0])

# views that are views in PyTorch as well (basic slicing, transpose, view/reshape of a contiguous tensor, ...)
VIEWS = {
    "row": lambda y: y[0],
    "columns": lambda y: y[:, 1:3],
    "T": lambda y: y.T,
    "view": lambda y: y.view(-1),
    "reshape": lambda y: y.reshape(4, 3),
    "narrow": lambda y: y.narrow(1, 1, 2),
    "select": lambda y: y.select(1, 2),
    "unsqueeze": lambda y: y.unsqueeze(0)[0, 1],
    "movedim": lambda y: y.movedim(0, 1)[2],
    "step": lambda y: y[1:][:, ::2],
    "view of view": lambda y: y.transpose(0, 1)[1:3][:, 1],
}

# in-place ops on the view v; s (3,) requires grad, so values written from it carry a gradient
OPS = {
    "mul_": lambda v, s: v.mul_(2.5),
    "add_": lambda v, s: v.add_(s.sum()),
    "mul_ by s": lambda v, s: v.mul_(s[1] ** 2),
    "fill_": lambda v, s: v.fill_(3.0),
    "copy_": lambda v, s: v.copy_(s[0] * 4),
    "setitem": lambda v, s: v.__setitem__(..., s[2]),
    "clamp_": lambda v, s: v.clamp_(-0.5, 0.5),
    "exp_": lambda v, s: v.exp_(),
    "pow_": lambda v, s: v.pow_(2),
}


def _run(m, view, op, x0=X0, grad=True):
    x = m.tensor(x0, requires_grad=grad)
    s = m.tensor(S0, requires_grad=grad)
    y = x * 1.5
    v = view(y)
    op(v, s)
    return x, s, y, v


@pytest.mark.torch
@pytest.mark.parametrize("op", OPS, ids=list(OPS))
@pytest.mark.parametrize("view", VIEWS, ids=list(VIEWS))
def test_values_and_gradients_equal_torchs(torch, view, op):
    w = np.arange(12.0).reshape(3, 4) - 5
    results = []
    for m in (torch, tg):
        x, s, y, v = _run(m, VIEWS[view], OPS[op])
        ((y * m.tensor(w)).sum() + (v * v).sum()).backward()
        results.append((y, v, x.grad, s.grad))
    (yt, vt, gxt, gst), (yo, vo, gxo, gso) = results
    assert_close(yo, yt)
    assert_close(vo, vt)
    assert_close(gxo, gxt)
    if gst is None:
        assert gso is None or not gso.data.any()
    else:
        assert_close(gso, gst)


@pytest.mark.parametrize("view", ["row", "columns", "T", "step", "view of view"])
def test_gradient_equals_finite_differences(view):
    v_out = np.random.default_rng(1).uniform(-1, 1, (3, 4))

    def f(x):
        y = x * 1.5
        VIEWS[view](y).mul_(x[2, 3] * 2)
        return y

    x = tg.tensor(X0, requires_grad=True)
    (f(x) * tg.tensor(v_out)).sum().backward()
    np.testing.assert_allclose(x.grad.data, numeric_grad(f, x, v_out), rtol=1e-6, atol=1e-8)


@pytest.mark.torch
def test_an_older_view_sees_later_changes_of_its_base(torch):
    """Values as PyTorch; backward through the newest base as PyTorch. Backward through the older view (whose
    node recorded the base before the second change) raises here (the engine's version check is stricter than
    PyTorch's view replay): an error, never a wrong gradient."""
    results = []
    for m in (torch, tg):
        x = m.tensor(X0, requires_grad=True)
        y = x * 2
        first = y[0]
        first.mul_(3)
        flat = y.view(-1)
        flat[1] = 10.0
        (y * y).sum().backward()
        results.append((first, y, x.grad))
        if m is tg:
            with pytest.raises(RuntimeError, match="modified by an in-place operation"):
                first.sum().backward()
    for ours, theirs in zip(results[1], results[0]):
        assert_close(ours, theirs)


@pytest.mark.torch
def test_a_view_of_a_leaf_that_requires_grad_refuses_as_torch(torch):
    with pytest.raises(RuntimeError, match="view of a leaf"):
        torch.tensor(X0, requires_grad=True)[0].mul_(2)
    x = tg.tensor(X0, requires_grad=True)
    for change in (lambda: x[0].mul_(2), lambda: x.view(-1).__setitem__(0, 1.0), lambda: x.T.fill_(0)):
        with pytest.raises(RuntimeError, match=r"view \(shape .*\) of a leaf tensor that requires grad"):
            change()
    np.testing.assert_array_equal(x.data, X0)
    with tg.no_grad():
        x[0].mul_(2)
    np.testing.assert_array_equal(x.data[0], X0[0] * 2)


@pytest.mark.torch
def test_an_expanded_view_refuses_as_torch(torch):
    with pytest.raises(RuntimeError, match="single memory location"):
        (torch.tensor(S0, requires_grad=True) * 1).expand(2, 3).mul_(2)
    y = tg.tensor(S0, requires_grad=True) * 1
    with pytest.raises(RuntimeError, match="single memory location"):
        y.expand(2, 3).mul_(2)
    np.testing.assert_array_equal(y.data, S0)


@pytest.mark.torch
def test_a_saved_base_changed_through_a_view_makes_backward_raise_as_torch(torch):
    for m in (torch, tg):
        x = m.tensor(X0, requires_grad=True)
        y = x * 1
        z = y * y  # saves y
        y[0].mul_(2)
        with pytest.raises(RuntimeError, match="modified by an in-?place operation"):
            z.sum().backward()


def test_versions_of_view_and_base_are_bumped():
    y = tg.tensor(X0, requires_grad=True) * 1
    v = y[1]
    v.add_(1)
    assert v._version == 1 and y._version == 1


def test_without_grad_and_on_own_memory_nothing_changed():
    x = tg.tensor(X0, requires_grad=True)
    y = x * 1
    with tg.no_grad():
        y[0].mul_(2)
    np.testing.assert_array_equal(y.data[0], X0[0] * 2)
    plain = tg.tensor(X0)
    plain.view(-1)[3] = 9.0
    plain[1].fill_(0)
    assert plain.data[0, 3] == 9.0 and not plain.data[1].any()
    z = x * 1
    z.mul_(2)  # owns its memory: the node is replaced, as before
    z.sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.full((3, 4), 2.0))
    u = x * 1
    u.data[0] = 5.0  # .data writes bypass the graph
    assert (u.data[0] == 5.0).all()


@pytest.mark.torch
def test_an_operand_that_requires_grad_makes_the_target_join_the_graph_as_torch(torch):
    """z = zeros(2); z.add_(s) and y[0] = s: z and y become non-leaves that require grad (PyTorch)."""
    results = []
    for m in (torch, tg):
        s = m.tensor(S0[:2], requires_grad=True)
        w = m.tensor([5.0, 7.0], dtype=m.float64)
        z = m.ones(2, dtype=m.float64)
        z.mul_(s)
        z.add_(s * s)
        y = m.zeros(2, 2, dtype=m.float64)
        y[0] = s
        assert z.requires_grad and not z.is_leaf and y.requires_grad
        ((z * w).sum() + (y * m.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=m.float64)).sum()).backward()
        results.append((z, y, s.grad))
    for ours, theirs in zip(results[1], results[0]):
        assert_close(ours, theirs)


def test_a_view_outside_the_graph_refuses_to_join_it_rather_than_leave_its_base_behind():
    """v = y[0] of a plain y, then v[:] = s: v would join the graph and y's values change, but y has no record of
    it, so a loss through y would miss s's gradient. PyTorch tracks the view's base; here it is refused."""
    s = tg.tensor(S0[:2], requires_grad=True)
    y = tg.zeros(2, 2, dtype=tg.float64)
    v = y[0]
    with pytest.raises(RuntimeError, match="its memory belongs to another array"):
        v[:] = s
    with pytest.raises(RuntimeError, match="its memory belongs to another array"):
        v.add_(s)
    assert (y.data == 0).all() and not y.requires_grad and not v.requires_grad


@pytest.mark.torch
def test_in_place_on_a_graph_tensor_writes_its_memory_and_keeps_its_dtype_as_torch(torch):
    results = []
    for m in (torch, tg):
        x = m.tensor(X0.astype(np.float32), requires_grad=True)
        y = x * 1
        earlier = y[1:]
        y.mul_(m.tensor(np.full((3, 4), 2.0)))  # a float64 operand: y stays float32
        assert str(y.dtype).replace("torch.", "") == "float32"
        results.append(earlier.detach().numpy().copy())
        (y * y).sum().backward()
        results.append(x.grad)
    for ours, theirs in zip(results[2:], results[:2]):
        assert_close(ours, theirs, rtol=1e-6)


@pytest.mark.torch
def test_in_place_on_an_expanded_view_refuses_as_torch(torch):
    """x.expand(2, 3).add_(1): PyTorch refuses (one memory location, several elements); it changed a copy here."""
    with pytest.raises(RuntimeError, match="single memory location"):
        torch.arange(3.0).expand(2, 3).add_(1)
    x = tg.arange(3.0)
    with pytest.raises(RuntimeError, match="single memory location"):
        x.expand(2, 3).add_(1)
    assert x.tolist() == [0.0, 1.0, 2.0]
