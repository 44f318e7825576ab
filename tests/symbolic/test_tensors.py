"""Symbolic values through the same ops: the engine's backward produces the lecture's formulas exactly."""
import numpy as np
import pytest
import sympy

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.symbolic import expressions, image, in_layout, kernel, simplify, symbols


def sigma(e):
    return 1 / (1 + sympy.exp(-e))


def test_symbols_are_named_in_lecture_notation():
    W = symbols("W", (2, 3))
    assert str(W.data[0, 0]) == "W_11" and str(W.data[1, 2]) == "W_23"
    assert str(symbols("x", (4, 4), start=0).data[3, 3]) == "x_33"
    assert str(symbols("a", (12,)).data[10]) == "a_11"
    assert str(symbols("a", (2, 11)).data[0, 9]) == "a_1,10"
    assert sympy.latex(W.data[0, 1]) == "W_{12}"


def test_sigmoid_layer_weight_gradient_is_sigma_prime_times_x():
    """The issue's example: z = σ(Wx + b); W.grad[i, j] = σ(u_i)(1 − σ(u_i)) x_j with u = Wx + b."""
    W, x, b = symbols("W", (2, 3)), symbols("x", 3), symbols("b", 2)
    z = F.sigmoid(W @ x + b)
    z.sum().backward()
    u = W.data @ x.data + b.data
    for i in range(2):
        for j in range(3):
            assert sympy.simplify(W.grad.data[i, j] - sigma(u[i]) * (1 - sigma(u[i])) * x.data[j]) == 0
    for i in range(2):
        assert sympy.simplify(b.grad.data[i] - sigma(u[i]) * (1 - sigma(u[i]))) == 0


def test_wrong_formula_is_caught():
    W, x = symbols("W", (1, 2)), symbols("x", 2)
    F.sigmoid(W @ x).sum().backward()
    wrong = sigma((W.data @ x.data)[0]) * x.data[0]  # forgot the (1 − σ) factor
    assert sympy.simplify(W.grad.data[0, 0] - wrong) != 0


@pytest.mark.parametrize("op,derivative", [
    (lambda t: t.exp(), sympy.exp),
    (lambda t: t.log(), lambda e: 1 / e),
    (lambda t: t.tanh(), lambda e: 1 - sympy.tanh(e) ** 2),
    (lambda t: t.sigmoid(), lambda e: sigma(e) * (1 - sigma(e))),
    (lambda t: t.sqrt(), lambda e: 1 / (2 * sympy.sqrt(e))),
    (lambda t: t ** 3, lambda e: 3 * e ** 2),
])
def test_elementwise_derivatives_are_exact(op, derivative):
    x = symbols("x", 3, positive=True)
    op(x).sum().backward()
    for i in range(3):
        assert sympy.simplify(x.grad.data[i] - derivative(x.data[i])) == 0


def test_relu_derivative_is_heaviside_and_concrete_on_rationals():
    x = symbols("x", 2)
    x.relu().sum().backward()
    assert x.grad.data[0] == sympy.Heaviside(x.data[0], 0)
    r = tg.Tensor(np.array([sympy.Rational(-1, 2), sympy.Rational(3, 2)], dtype=object), requires_grad=True)
    d = symbols("delta", 2, requires_grad=False)
    r.relu().backward(d)
    assert list(r.grad.data) == [0, d.data[1]]


def test_softmax_cross_entropy_gradient_is_softmax_minus_one_hot():
    """Lecture F41: δ = softmax(u) − y for the output layer under cross-entropy."""
    u = symbols("u", (1, 3))
    F.cross_entropy(u, np.array([1])).backward()
    exps = [sympy.exp(e) for e in u.data[0]]
    for k in range(3):
        expected = exps[k] / sum(exps) - (1 if k == 1 else 0)
        assert sympy.simplify(u.grad.data[0, k] - expected) == 0


def test_max_routes_symbolic_delta_to_the_winner_of_rational_inputs():
    x = tg.Tensor(np.array([sympy.Rational(1, 3), sympy.Rational(2, 3), sympy.Rational(1, 5)], dtype=object),
                  requires_grad=True)
    delta = sympy.Symbol("delta")
    x.max().backward(tg.Tensor(delta))
    assert list(x.grad.data) == [0, delta, 0]


def test_max_of_free_symbols_is_refused_clearly():
    x = symbols("x", 2)
    with pytest.raises(TypeError, match="max: cannot decide which symbolic entry is largest"):
        x.max().backward()


def test_simplify_and_expressions_helpers():
    x = symbols("x", 2)
    y = (x * 2 - x).exp().log()
    assert list(simplify(y)) == list(x.data)
    assert expressions(symbols("W", (2, 2))).shape == (2, 2)


def test_lecture_layouts_map_hwc_and_pqkm_to_nchw():
    """Seed 003's Z_{ijk} (d×d×K, 1-based) is z[0, k-1, i-1, j-1]; W_{pqkm} is weight[m-1, k-1, p-1, q-1]."""
    Z = image("Z", 3, 2)
    assert Z.shape == (1, 2, 3, 3) and str(Z.data[0, 1, 2, 0]) == "Z_312" and Z.is_leaf and Z.requires_grad
    W = kernel("W", 2, 3, 4)
    assert W.shape == (4, 3, 2, 2) and str(W.data[3, 2, 0, 1]) == "W_1234"
    assert str(in_layout("a", (2, 3), (1, 0)).data[2, 1]) == "a_23"
