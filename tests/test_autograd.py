"""The engine: graph walk, accumulation, retain_graph, create_graph, grad mode, hooks, deep graphs."""
import threading

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.autograd import Function, backward_steps


def test_gradients_accumulate_until_reset():
    x = tg.Tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    (x * 3).sum().backward()
    assert x.grad.data.tolist() == [6.0, 6.0]
    x.grad = None
    (x * x).sum().backward()
    assert x.grad.data.tolist() == [2.0, 4.0]


def test_a_tensor_used_twice_gets_both_paths():
    x = tg.Tensor(3.0, requires_grad=True)
    y = x * x + x.exp() * x
    y.backward()
    np.testing.assert_allclose(x.grad.item(), 2 * 3 + np.exp(3) * 4, rtol=1e-6)


def test_second_backward_through_freed_graph_is_a_clear_error():
    x = tg.Tensor([1.0, 2.0], requires_grad=True)
    y = (x.tanh() * 2).sum()
    y.backward()
    with pytest.raises(RuntimeError, match=r"already freed.*retain_graph=True"):
        y.backward()


def test_retain_graph_allows_a_second_backward():
    x = tg.Tensor([1.0, 2.0], requires_grad=True)
    y = (x.tanh() * 2).sum()
    y.backward(retain_graph=True)
    first = x.grad.data.copy()
    y.backward()
    np.testing.assert_allclose(x.grad.data, 2 * first)


def test_backward_on_non_scalar_without_gradient_names_the_shape():
    y = tg.randn(3, 4, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match=r"scalar output, got shape \(3, 4\)"):
        y.backward()
    with pytest.raises(RuntimeError, match=r"gradient has shape \(4,\) but the tensor has shape \(3, 4\)"):
        y.backward(tg.ones(4))


def test_backward_on_a_tensor_without_grad_is_an_error():
    with pytest.raises(RuntimeError, match="does not require grad"):
        tg.ones(2).sum().backward()


def test_integer_tensors_cannot_require_grad():
    with pytest.raises(TypeError, match="only floating-point"):
        tg.Tensor(np.arange(3), requires_grad=True)


def test_no_grad_records_nothing_and_enable_grad_reenables():
    x = tg.randn(2, requires_grad=True)
    with tg.no_grad():
        y = x * 2
        with tg.enable_grad():
            z = x * 2
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad and z.grad_fn is not None


def test_no_grad_works_as_a_decorator():
    @tg.no_grad()
    def f(x):
        return x * 2

    assert not f(tg.randn(2, requires_grad=True)).requires_grad


def test_grad_mode_is_thread_local():
    seen = {}

    def other_thread():
        seen["enabled"] = tg.is_grad_enabled()

    with tg.no_grad():
        t = threading.Thread(target=other_thread)
        t.start()
        t.join()
        assert not tg.is_grad_enabled()
    assert seen["enabled"] is True


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


def test_a_100000_node_chain_backprops_without_recursion_error():
    x = tg.Tensor(1.0, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.backward()
    assert x.grad.item() == 1.0


def test_create_graph_false_leaves_no_graph_on_grad():
    x = tg.randn(3, requires_grad=True)
    (x * x).sum().backward()
    assert x.grad.grad_fn is None and not x.grad.requires_grad


def test_create_graph_true_records_the_backward_pass():
    x = tg.Tensor([1.0, 2.0], requires_grad=True)
    (x ** 3).sum().backward(create_graph=True)
    assert x.grad.requires_grad
    (g,) = tg.grad(x.grad.sum(), [x])
    assert g.data.tolist() == [6.0, 12.0]


def test_autograd_grad_does_not_touch_other_leaves():
    x, w = tg.Tensor([1.0], requires_grad=True), tg.Tensor([2.0], requires_grad=True)
    (gx,) = tg.grad((x * w).sum(), [x])
    assert gx.data.tolist() == [2.0]
    assert x.grad is None and w.grad is None


def test_backward_steps_run_in_reverse_topological_order():
    x = tg.Tensor([1.0], requires_grad=True)
    y = (x.exp() * 2).sum()
    names = [s.fn.name if s.fn else "leaf" for s in backward_steps(y, tg.ones_like(y))]
    assert names == ["Sum", "Mul", "Exp", "leaf"]


def test_a_function_returning_the_wrong_number_of_gradients_is_named():
    class Broken(Function):
        def forward(ctx, a, b):
            return a + b

        def backward(ctx, g):
            return g

    a, b = tg.randn(2, requires_grad=True), tg.randn(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="Broken.backward returned 1 gradients for 2 inputs"):
        Broken.apply(a, b).sum().backward()


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


def test_create_graph_keeps_the_graph_for_a_backward_through_the_gradient():
    x = tg.Tensor([2.0], requires_grad=True)
    (x * x * x).backward(create_graph=True)  # retain_graph defaults to create_graph, as PyTorch
    g = x.grad
    x.grad = None
    g.backward()
    assert x.grad.data.tolist() == [12.0]


def test_grad_of_several_outputs_and_unused_inputs():
    x = tg.Tensor([1.0, 2.0], requires_grad=True)
    y = tg.Tensor([3.0], requires_grad=True)
    gx, gy = tg.autograd.grad([(x * x).sum(), (x * 3).sum()], [x, y], allow_unused=True)
    assert gx.data.tolist() == [5.0, 7.0] and gy is None
    with pytest.raises(RuntimeError, match="not used by the output"):
        tg.autograd.grad((x * x).sum(), [x, y])


def test_backward_with_inputs_accumulates_only_into_them():
    x = tg.Tensor([1.0], requires_grad=True)
    y = tg.Tensor([2.0], requires_grad=True)
    (x * y).sum().backward(inputs=[x])
    assert x.grad.data.tolist() == [2.0] and y.grad is None


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


def test_scopes_number_each_call_and_composites_carry_their_name():
    from tinygrad_edu.autograd import COMPOSITE, composite, composite_rules

    @composite("double_tanh", "δ_u = 2δ(1 − tanh² u)", r"\delta_u = 2\delta(1-\tanh^2 u)")
    def double_tanh(u):
        return u.tanh() * 2

    x = tg.Tensor([0.5], requires_grad=True)
    first, second = double_tanh(x), double_tanh(x)
    assert first._ctx.scope == (("double_tanh", COMPOSITE + "double_tanh"),)
    assert first._ctx.scope_calls != second._ctx.scope_calls
    assert first._ctx.scope_calls == first._ctx.inputs[0]._ctx.scope_calls  # Mul and Tanh: one call
    assert composite_rules["double_tanh"][0].startswith("δ_u")
    with tg.no_grad():
        assert double_tanh(x)._ctx is None


def test_accumulating_a_gradient_never_writes_into_an_array_another_input_shares():
    # Add's backward hands one δ object to both inputs; a's second use must add into a new array, or b's δ changes
    a, b = tg.Tensor(np.ones(3), requires_grad=True), tg.Tensor(np.ones(3), requires_grad=True)
    ((a + b) + a * 3).sum().backward()
    np.testing.assert_array_equal(a.grad.data, [4.0, 4.0, 4.0])
    np.testing.assert_array_equal(b.grad.data, [1.0, 1.0, 1.0])


def test_accumulated_infinities_of_both_signs_give_nan_silently():
    import warnings

    x = tg.Tensor(np.array([1.0]), requires_grad=True)
    y = x * np.inf + x * -np.inf
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y.sum().backward()
    assert np.isnan(x.grad.data).all()
