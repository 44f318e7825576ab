"""autograd.py: Function and its recording (constants, user lines, PyTorch-style Functions), detach, retain_grad,
hooks. The backward pass itself: test_backward_pass.py; grad mode: test_grad_mode.py; scopes: test_scopes.py."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.autograd import Function


def test_integer_tensors_cannot_require_grad():
    with pytest.raises(TypeError, match="only floating-point"):
        tg.Tensor(np.arange(3), requires_grad=True)


def test_detach_cuts_the_graph():
    x = tg.randn(2, requires_grad=True)
    y = (x * 2).detach()
    assert y.is_leaf and not y.requires_grad
    z = x * y
    z.sum().backward()
    np.testing.assert_allclose(x.grad.data, y.data)


def test_retain_grad_keeps_an_intermediate_gradient():
    x = tg.Tensor([1.0, -2.0], requires_grad=True)
    h = x * 3
    h.retain_grad()
    (h * h).sum().backward()
    np.testing.assert_allclose(h.grad.data, 2 * h.data)
    assert (x * 3).grad is None


def test_hooks_see_and_can_replace_the_gradient():
    x = tg.Tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    seen = []
    h.register_hook(lambda g: seen.append(g.data.copy()))
    remove = h.register_hook(lambda g: g * 10)
    h.sum().backward()
    assert seen[0].tolist() == [1.0, 1.0]
    assert x.grad.data.tolist() == [20.0, 20.0]
    remove()
    x.grad = None
    (x * 2).sum().backward()
    assert x.grad.data.tolist() == [2.0, 2.0]


def test_hook_on_a_leaf_runs_before_accumulation():
    x = tg.Tensor([1.0], requires_grad=True)
    x.register_hook(lambda g: g * 0)
    (x * 5).sum().backward()
    assert x.grad.data.tolist() == [0.0]


def test_each_op_records_the_user_line_that_created_it():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    filename, line = y._ctx.site
    assert filename == __file__
    assert "y = (x * x).sum()" in open(filename).read().splitlines()[line - 1]


def test_numpy_arrays_enter_an_op_as_constants_and_other_types_are_refused():
    from tinygrad_edu import functional as F

    w = tg.tensor(np.ones((1, 1, 2, 2)), requires_grad=True)
    y = F.conv2d(np.arange(16.0).reshape(1, 1, 4, 4), w)
    y.sum().backward()
    np.testing.assert_array_equal(w.grad.data[0, 0], [[45.0, 54.0], [81.0, 90.0]])
    with pytest.raises(TypeError, match=r"Relu: input 0 is a list, not a Tensor or a NumPy array"):
        F.relu([1.0, -1.0])


class _Exp(Function):
    """A user-defined op written as in PyTorch's tutorial (static forward/backward on Tensors)."""

    @staticmethod
    def forward(ctx, x, scale):
        y = (x * scale).exp()
        ctx.save_for_backward(y)
        ctx.scale = scale
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        assert ctx.needs_input_grad == (True, False)
        return g * y * ctx.scale, None


class _ExpDetachedBackward(_Exp):
    """Right first derivative, but its backward leaves the graph (.data): second derivatives are wrong."""

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g * tg.Tensor(y.data * ctx.scale), None


def test_a_pytorch_style_function_with_save_for_backward():
    x = tg.tensor([0.5, 1.0], dtype=tg.float64, requires_grad=True)
    _Exp.apply(x, 2.0).sum().backward()
    np.testing.assert_allclose(x.grad.data, 2 * np.exp(2 * x.data))
    assert tg.autograd.gradcheck(lambda t: _Exp.apply(t, 2.0), (x,))
    assert tg.autograd.gradgradcheck(lambda t: _Exp.apply(t, 2.0), (x,))


def test_gradgradcheck_catches_a_backward_that_is_not_differentiable():
    x = tg.tensor([0.5, 1.0], dtype=tg.float64, requires_grad=True)
    assert tg.autograd.gradcheck(lambda t: _ExpDetachedBackward.apply(t, 2.0), (x,))
    assert not tg.autograd.gradgradcheck(lambda t: _ExpDetachedBackward.apply(t, 2.0), (x,), raise_exception=False)
