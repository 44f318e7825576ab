"""Numbers and Floats: one interface for the exact check's symbols and the spot check's random floats."""
import numpy as np
import sympy

from tinygrad_edu.symbolic import Floats, Numbers


def test_exact_values_are_distinct_rationals_in_a_seeded_order():
    a, b = Numbers(3).exact((2, 3)), Numbers(3).exact((2, 3))
    values = list(a.data.ravel())
    assert all(isinstance(v, sympy.Rational) for v in values) and len(set(values)) == 6
    assert values == list(b.data.ravel()) and a.requires_grad


def test_symbolic_and_float_tensors_share_shapes_and_layouts():
    for numbers in (Numbers(), Floats()):
        assert numbers.image("Z", 3, 2).shape == (1, 2, 3, 3)
        assert numbers.kernel("W", 2, 3, 4).shape == (4, 3, 2, 2)
        assert numbers.delta("d", (2, 2)).requires_grad is False
    assert Floats().tensor("x", (2, 2)).dtype == np.float64
    assert str(Numbers().tensor("x", 2).data[1]) == "x_2"


def test_constants_are_exact_symbolically_and_floats_numerically():
    assert Numbers().constant(0.25) == sympy.Rational(1, 4)
    assert Floats().constant(0.25) == 0.25


def test_elementwise_helpers_agree_between_the_two():
    values = np.array([-1.5, 0.25, 2.0])
    exact = np.array([sympy.Rational(-3, 2), sympy.Rational(1, 4), sympy.Integer(2)], dtype=object)
    for name in ("exp", "tanh", "sigmoid", "step"):
        symbolic = getattr(Numbers, name)(exact).astype(float)
        assert np.allclose(symbolic, getattr(Floats, name)(values)), name
    assert np.allclose(Numbers.log(exact[1:]).astype(float), Floats.log(values[1:]))
