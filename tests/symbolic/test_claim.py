"""Claim: exact comparison over a grid, the numeric spot check, and failures that say where and how."""
import threading
import time

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_edu.functional as F
from tinygrad_edu.symbolic import Claim, simplified_difference
from tinygrad_edu.symbolic import claim as claim_module
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
    assert "element (2, 1) [index 1, 0]" in str(failure) and "counterexample at u = " in str(failure) and "autograd − formula = 2*v" in str(failure)


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


def tanh_mlp(case, numbers, drop_derivative):
    """A lecturer's two-layer tanh MLP, E = ½‖y − t‖²; ∂E/∂V with or without the hidden factor (1 − tanh²(u₁))."""
    x, t = numbers.tensor("x", 2, requires_grad=False), numbers.tensor("t", 2, requires_grad=False)
    V, W = numbers.tensor("v", (3, 2)), numbers.tensor("w", (2, 3))
    y = F.tanh(F.linear(F.tanh(F.linear(x, V)), W))
    (((y - t) ** 2).sum() / 2).backward()
    u1 = V.data @ x.data
    u2 = W.data @ numbers.tanh(u1)
    delta2 = (numbers.tanh(u2) - t.data) * (1 - numbers.tanh(u2) ** 2)
    delta1 = W.data.T @ delta2 * (1 if drop_derivative else 1 - numbers.tanh(u1) ** 2)
    return V.grad, np.outer(delta1, x.data)


def test_a_dropped_tanh_derivative_fails_within_seconds_with_a_counterexample():
    claim = Claim("F39", "wrong", "", lambda c, n: tanh_mlp(c, n, True), grid=[{"n": 2}], spot={"n": 2})
    start = time.perf_counter()
    result = claim.check()
    assert time.perf_counter() - start < 5
    assert not result.passed and result.failure.counterexample is not None
    assert "counterexample at t_1 = " in str(result.failure)
    right = Claim("F39", "right", "", lambda c, n: tanh_mlp(c, n, False), grid=[{"n": 2}], spot={"n": 2}).check()
    assert right.passed and right.proof == "exact"


def test_simplification_past_the_budget_counts_as_numeric_only_even_off_the_main_thread(monkeypatch):
    monkeypatch.setattr(claim_module, "_prove", lambda checked, seed: time.sleep(60))
    claim = Claim("F10", "σ'", "", sigmoid_gradient, grid=[{"n": 2}], spot={"n": 5})
    outcome = {}
    worker = threading.Thread(target=lambda: outcome.update(result=claim.check(budget=0.5)))
    start = time.perf_counter()
    worker.start()
    worker.join(20)
    assert time.perf_counter() - start < 5
    result = outcome["result"]
    assert result.passed and result.proof == "numeric" and "over 0.5 s" in result.note


def test_numpy_functions_on_symbols_are_an_authoring_error_with_the_line():
    def with_np_tanh(case, numbers):
        u = numbers.tensor("u", 2)
        F.tanh(u).sum().backward()
        return u.grad, 1 - np.tanh(u.data) ** 2

    result = Claim("F10", "tanh'", "", with_np_tanh, grid=[{"n": 2}]).check()
    assert not result.passed and result.authoring_error
    reason = result.failure.reason
    assert reason.startswith("authoring error: TypeError") and "numbers.exp/log/tanh" in reason
    assert f"{__file__}:" in reason and "np.tanh(u.data)" in reason


def test_an_index_slip_names_the_line_and_the_convention():
    def off_by_one(case, numbers):
        w = numbers.tensor("w", (2, 2))
        return w, np.array([[w.data[i, j] for j in range(1, 3)] for i in range(1, 3)], dtype=object)

    result = Claim("F1", "w", "", off_by_one, grid=[{"n": 2}]).check()
    assert result.authoring_error and "IndexError" in result.failure.reason
    assert "0-based" in result.failure.reason and "w.data[i, j]" in result.failure.reason
