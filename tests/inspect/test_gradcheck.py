"""gradcheck passes right gradients and, for a wrong one, names the input, the element and both values."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.autograd import Function
from tinygrad_edu.inspect import GradcheckError, gradcheck


class WrongSquare(Function):
    """x² with a wrong derivative (x instead of 2x): what gradcheck exists to catch."""

    def forward(ctx, x):
        return x * x

    def backward(ctx, g):
        return g * ctx.inputs[0]


def test_passes_on_a_correct_gradient():
    x = tg.Tensor(np.random.default_rng(0).standard_normal((2, 3)), requires_grad=True)
    assert gradcheck(lambda t: (t * t).sum(1), [x])


def test_names_input_element_and_values_on_failure():
    x = tg.Tensor(np.array([[1.0, 2.0]]), requires_grad=True, name="W")
    with pytest.raises(GradcheckError, match=r"input 0 'W' \(shape \(1, 2\)\) at element \[0, 0\]: autograd .*"
                                             r"finite difference"):
        gradcheck(lambda t: WrongSquare.apply(t), [x])
    assert gradcheck(lambda t: WrongSquare.apply(t), [x], raise_exception=False) is False


def test_runs_in_float64_and_leaves_user_tensors_alone():
    x = tg.randn(3, requires_grad=True)
    assert gradcheck(lambda t: t.tanh(), [x])
    assert x.dtype == np.float32 and x.grad is None


def test_non_tensor_and_constant_inputs_pass_through():
    x = tg.Tensor(np.array([0.5, 1.5]), requires_grad=True)
    c = tg.Tensor(np.array([2.0, 3.0]))
    assert gradcheck(lambda a, b, k: a * b * k, [x, c, 4.0])


def test_needs_an_input_that_requires_grad():
    with pytest.raises(ValueError, match="no input requires grad"):
        gradcheck(lambda a: a * 2, [tg.randn(2)])
