"""activations: the lecture's f' of each named activation, checked against autograd."""
import pytest

from tinygrad_edu.symbolic import Floats, Numbers
from tinygrad_edu.symbolic.activations import ACTIVATIONS, derivative
from tinygrad_edu.symbolic.claim import compare_exact


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivative_matches_autograd(name):
    for numbers in (Numbers(), Floats()):
        u = numbers.tensor("u", 3)
        ACTIVATIONS[name](u).sum().backward()
        if numbers.symbolic:
            assert compare_exact(name, u.grad, derivative(name, u.data, numbers)) is None
        else:
            assert abs(u.grad.data - derivative(name, u.data, numbers)).max() < 1e-12


def test_unknown_activation_is_named():
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        derivative("swish", None, Numbers())
