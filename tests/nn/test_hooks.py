"""Module hooks as PyTorch's: forward pre-hooks and forward hooks (a returned value replaces the input or the
output), full backward hooks hook(module, grad_input, grad_output) compared with PyTorch's, and handles."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn
from tests.helpers import assert_close


def test_pre_hook_replaces_the_input_and_forward_hook_the_output():
    lin = nn.Linear(2, 2)
    seen = []
    pre = lin.register_forward_pre_hook(lambda m, args: (args[0] * 0,))
    post = lin.register_forward_hook(lambda m, args, out: seen.append((m, args[0].data.copy(), out.data.copy())))
    y = lin(tg.ones(1, 2))
    np.testing.assert_allclose(y.data[0], lin.bias.data)
    assert seen[0][0] is lin and not seen[0][1].any()
    pre.remove()
    post.remove()
    lin.register_forward_hook(lambda m, args, out: out * 0 + 5)
    np.testing.assert_array_equal(lin(tg.ones(1, 2)).data, [[5, 5]])
    assert len(seen) == 1


def test_a_non_tuple_from_a_pre_hook_becomes_the_single_argument():
    ident = nn.Identity()
    ident.register_forward_pre_hook(lambda m, args: args[0] + 1)
    assert ident(tg.tensor(1.0)).item() == 2.0


def test_hooks_with_kwargs_prepend_and_context_manager():
    class Scale(nn.Module):
        def forward(self, x, factor=1.0):
            return x * factor

    m, order = Scale(), []
    m.register_forward_pre_hook(lambda mod, args, kwargs: (args, {"factor": 3.0}), with_kwargs=True)
    m.register_forward_hook(lambda mod, args, kwargs, out: order.append(("kw", kwargs["factor"])), with_kwargs=True)
    m.register_forward_hook(lambda mod, args, out: order.append("first"), prepend=True)
    assert m(tg.tensor(2.0), factor=10.0).item() == 6.0
    assert order == ["first", ("kw", 3.0)]
    with m.register_forward_hook(lambda mod, args, out: out + 1):
        assert m(tg.tensor(2.0)).item() == 7.0
    assert m(tg.tensor(2.0)).item() == 6.0
    bad = m.register_forward_pre_hook(lambda mod, args, kwargs: "oops", with_kwargs=True)
    with pytest.raises(RuntimeError, match="forward pre-hook must return None or a tuple of"):
        m(tg.tensor(2.0))
    bad.remove()


def _record(log):
    def hook(module, grad_input, grad_output):
        log.append(([None if g is None else g.numpy().copy() for g in grad_input],
                    [None if g is None else g.numpy().copy() for g in grad_output]))
    return hook


def _same(ours, theirs):
    assert len(ours) == len(theirs)
    for (gi, go), (gi_t, go_t) in zip(ours, theirs):
        for a, b in zip(gi + go, gi_t + go_t):
            assert (a is None) == (b is None)
            if a is not None:
                np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-12)


@pytest.mark.torch
@pytest.mark.filterwarnings("ignore:Full backward hook is firing")
def test_full_backward_hook_sees_pytorchs_gradients_for_a_linear_layer(torch):
    rng = np.random.default_rng(0)
    x, v = rng.standard_normal((3, 2)), rng.standard_normal((3, 4))
    ours, theirs = nn.Linear(2, 4).double(), torch.nn.Linear(2, 4).double()
    ours.load_state_dict(theirs.state_dict())
    log, log_t = [], []
    ours.register_full_backward_hook(_record(log))
    theirs.register_full_backward_hook(_record(log_t))
    for requires_grad in (True, False):
        xo, xt = tg.Tensor(x, requires_grad=requires_grad), torch.tensor(x, requires_grad=requires_grad)
        (ours(xo) * tg.Tensor(v)).sum().backward()
        (theirs(xt) * torch.tensor(v)).sum().backward()
    _same(log, log_t)
    assert log[1][0] == [None]


@pytest.mark.torch
def test_full_backward_hook_with_several_inputs_outputs_and_a_non_tensor_argument(torch):
    def make(base):
        class Two(base):
            def forward(self, a, b, k, scale=1.0):
                return a * b * scale * k, a + b
        return Two()

    rng = np.random.default_rng(1)
    a, b = rng.standard_normal(3), rng.standard_normal(3)
    results = []
    for lib, module in ((tg, make(nn.Module)), (torch, make(torch.nn.Module))):
        log = []
        module.register_full_backward_hook(_record(log))
        ta = lib.tensor(a, requires_grad=True) if lib is torch else tg.Tensor(a, requires_grad=True)
        tb = lib.tensor(b) if lib is torch else tg.Tensor(b)
        first, _ = module(ta, tb, 2.0, scale=3.0)
        first.sum().backward()
        results.append(log)
    _same(*results)
    assert results[0][0][0][2] is None and results[0][0][1][1] is None


@pytest.mark.torch
def test_a_returned_grad_input_replaces_the_gradient_as_in_pytorch(torch):
    x = np.arange(6.0).reshape(3, 2)
    grads = []
    for lib, layer in ((tg, nn.Linear(2, 2).double()), (torch, torch.nn.Linear(2, 2).double())):
        layer.register_full_backward_hook(lambda m, gi, go: (gi[0] * 0 + 7,))
        t = lib.tensor(x, requires_grad=True) if lib is torch else tg.Tensor(x, requires_grad=True)
        (layer(t) ** 2).sum().backward()
        grads.append(t.grad)
    assert_close(grads[0], grads[1])
    np.testing.assert_array_equal(grads[0].data, 7)


def test_backward_hook_replacement_flows_on_and_removal_stops_it():
    inner = nn.Linear(2, 2).double()
    net = nn.Sequential(nn.Linear(2, 2).double(), inner)
    handle = inner.register_full_backward_hook(lambda m, gi, go: (gi[0] * 0,))
    net(tg.Tensor(np.ones((1, 2)))).sum().backward()
    assert not net[0].weight.grad.data.any() and inner.weight.grad.data.any()
    handle.remove()
    net.zero_grad()
    net(tg.Tensor(np.ones((1, 2)))).sum().backward()
    assert net[0].weight.grad.data.any()


def test_backward_hook_errors_are_clear():
    lin = nn.Linear(2, 2).double()
    lin.register_full_backward_hook(lambda m, gi, go: (gi[0], gi[0]))
    with pytest.raises(RuntimeError, match="the hook returned 2 gradients, expected 1"):
        lin(tg.Tensor(np.ones((1, 2)), requires_grad=True)).sum().backward()

    class Mixed(nn.Module):
        def forward(self, a, b):
            return a + b

    mixed = Mixed()
    mixed.register_full_backward_hook(lambda m, gi, go: None)
    with pytest.raises(RuntimeError, match="share one dtype"):
        mixed(tg.Tensor(np.ones(2), requires_grad=True), tg.ones(2, requires_grad=True))
    assert mixed(tg.Tensor(np.ones(2), requires_grad=True), tg.ones(2)).shape == (2,)


def test_no_backward_hook_plumbing_under_no_grad_and_gradients_unchanged_by_the_hooks():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((4, 3))
    net = nn.Sequential(nn.Linear(3, 3), nn.Tanh(), nn.Linear(3, 1)).double()
    x0 = tg.Tensor(x, requires_grad=True)
    net(x0).sum().backward()
    plain = [p.grad.numpy().copy() for p in net.parameters()] + [x0.grad.numpy().copy()]
    net.zero_grad()
    for m in net.modules():
        m.register_full_backward_hook(lambda *args: None)
    x1 = tg.Tensor(x, requires_grad=True)
    net(x1).sum().backward()
    hooked = [p.grad.numpy() for p in net.parameters()] + [x1.grad.numpy()]
    for a, b in zip(plain, hooked):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    with tg.no_grad():
        assert net(tg.Tensor(x)).grad_fn is None
