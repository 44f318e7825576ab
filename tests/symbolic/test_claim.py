"""Claim: exact comparison over a grid, the numeric spot check, and failures that say where and how."""
import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_edu.functional as F
from tinygrad_edu.symbolic import Claim, simplified_difference
from tinygrad_edu.symbolic.claim import compare_exact, compare_numeric, describe

u, v = sympy.symbols("u v", real=True)


def sigmoid_gradient(case, numbers):
    x = numbers.tensor("x", case["n"])
    F.sigmoid(x).sum().backward()
    s = numbers.sigmoid(x.data)
    return x.grad, s * (1 - s)


def test_equal_forms_simplify_to_zero_and_different_ones_do_not():
    sigma = 1 / (1 + sympy.exp(-u))
    assert simplified_difference(sigma * (1 - sigma), sympy.exp(-u) / (1 + sympy.exp(-u)) ** 2) == 0
    assert simplified_difference((u + v) ** 2, u ** 2 + 2 * u * v + v ** 2) == 0
    assert simplified_difference(u * v, u * v + u) == -u


def test_first_differing_element_is_reported_with_both_sides():
    actual = np.array([[u, v], [u + v, u * v]], dtype=object)
    expected = np.array([[u, v], [u - v, v * u + 1]], dtype=object)
    failure = compare_exact("n=2", actual, expected)
    assert failure.index == (1, 0) and failure.actual == u + v and failure.expected == u - v
    assert failure.difference == 2 * v
    assert "element [1, 0]" in str(failure) and "autograd − formula = 2*v" in str(failure)


def test_shape_mismatch_is_a_failure_naming_both_shapes():
    failure = compare_exact("n=1", np.zeros((2, 3), dtype=object), np.zeros((3, 2), dtype=object))
    assert "shapes differ: autograd (2, 3) vs formula (3, 2)" in str(failure)


def test_numeric_spot_check_finds_the_worst_element():
    spot = compare_numeric("n=3", np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.5, 3.0]))
    assert not spot.passed and spot.failure.index == (1,)
    assert compare_numeric("n=3", np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-14])).passed


def test_a_true_claim_holds_on_every_size_and_at_the_spot():
    claim = Claim("F10", "σ' = σ(1 − σ)", r"\sigma' = \sigma(1-\sigma)", sigmoid_gradient,
                  grid=[{"n": 1}, {"n": 3}], spot={"n": 200})
    result = claim.check()
    assert result.passed and result.cases == ["n=1", "n=3"] and result.spot.case == "n=200"
    assert result.spot.max_error < 1e-12


def test_perturbed_claim_fails_exactly_and_numerically():
    claim = Claim("F10", "σ'", "", sigmoid_gradient, grid=[{"n": 2}], spot={"n": 50})

    def double_first(expected, symbolic):
        out = np.array(expected, dtype=object if symbolic else float)
        out.flat[0] = out.flat[0] * 2
        return out

    exact = claim.check(perturb=double_first)
    assert not exact.passed and exact.failure.index == (0,) and exact.spot is None
    numeric = claim.check(perturb=double_first, exact=False)
    assert not numeric.passed and numeric.spot.failure.index == (0,)


def test_a_claim_whose_piece_cannot_be_built_fails_with_the_error():
    def broken(case, numbers):
        return F.conv2d(numbers.tensor("x", (1, 1, 2, 2)), numbers.tensor("w", (1, 1, 3, 3))), None

    result = Claim("F25", "too large a kernel", "", broken, grid=[{"n": 2}]).check()
    assert not result.passed and "conv2d" in result.failure.reason


def test_empty_grid_is_refused_because_it_could_never_fail():
    with pytest.raises(ValueError, match="grid of sizes is empty"):
        Claim("F1", "nothing", "", sigmoid_gradient, grid=[])


def test_formulas_given_as_text_become_a_tuple_and_cases_print_compactly():
    claim = Claim("F39, F40", "s", "", sigmoid_gradient, grid=[{"n": 1}])
    assert claim.formulas == ("F39", "F40")
    assert describe({"d": 4, "s": 2}) == "d=4, s=2" and describe({}) == "–"


@given(st.lists(st.integers(-3, 3), min_size=1, max_size=6), st.data())
def test_any_single_changed_entry_is_found(coefficients, data):
    symbols_ = sympy.symbols(f"a0:{len(coefficients)}")
    actual = np.array([c * s for c, s in zip(coefficients, symbols_)], dtype=object)
    index = data.draw(st.integers(0, len(coefficients) - 1))
    expected = actual.copy()
    expected[index] = expected[index] + symbols_[index] ** 2
    assert compare_exact("x", actual, actual) is None
    assert compare_exact("x", actual, expected).index == (index,)
