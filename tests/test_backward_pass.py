"""backward_pass.py: the walk (reverse topological order, deep graphs), accumulation, retain_graph, create_graph,
backward_steps and grad (torch.autograd.grad)."""
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


def _two_leaves_sharing_a_gradient():
    # Add's backward hands one δ to both inputs; (a + b)·c makes that δ a writeable array
    a, b = tg.ones(3, requires_grad=True), tg.ones(3, requires_grad=True)
    ((a + b) * tg.full((3,), 2.0)).sum().backward()
    return a, b


@pytest.mark.parametrize("change", [lambda g: g.add_(1), lambda g: g.mul_(0), lambda g: g.__setitem__(0, 5.0),
                                    lambda g: g.zero_(), lambda g: g.data.__setitem__(1, 7.0)])
def test_each_leaf_owns_its_grad(change):
    """An in-place change of a.grad leaves b.grad alone (PyTorch's AccumulateGrad never shares a gradient)."""
    a, b = _two_leaves_sharing_a_gradient()
    change(a.grad)
    np.testing.assert_array_equal(b.grad.data, [2.0, 2.0, 2.0])


def test_a_broadcast_gradient_lands_in_grad_as_a_writeable_array():
    x = tg.ones(3, requires_grad=True)
    x.sum().backward()  # δ = broadcast of one number: a read-only view until it is stored
    x.grad[0] = 5.0
    np.testing.assert_array_equal(x.grad.data, [5.0, 1.0, 1.0])


def test_a_retained_gradient_and_the_leaf_gradient_are_separate():
    x = tg.ones(2, requires_grad=True)
    y = x + 0
    y.retain_grad()
    (y * 3).sum().backward()
    y.grad.mul_(0)
    np.testing.assert_array_equal(x.grad.data, [3.0, 3.0])


@pytest.mark.torch
def test_clip_grad_norm_of_two_parameters_fed_by_one_gradient(torch):
    p1, p2 = tg.nn.Parameter(tg.ones(3)), tg.nn.Parameter(tg.ones(3))
    ((p1 + p2) * tg.full((3,), 2.0)).sum().backward()
    tg.nn.utils.clip_grad_norm_([p1, p2], 0.5)
    q1, q2 = torch.nn.Parameter(torch.ones(3)), torch.nn.Parameter(torch.ones(3))
    ((q1 + q2) * torch.full((3,), 2.0)).sum().backward()
    torch.nn.utils.clip_grad_norm_([q1, q2], 0.5)
    np.testing.assert_allclose(p1.grad.data, q1.grad.numpy(), rtol=1e-6)
    np.testing.assert_allclose(p2.grad.data, q2.grad.numpy(), rtol=1e-6)
