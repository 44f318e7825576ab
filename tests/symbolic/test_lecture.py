"""The authoring API in the lecture's notation: 1-based accessors, per-layer indexing, the one-line size grid, and
check() with a result that prints, shows in a notebook, and tells a wrong formula from an error in the claim."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu.functional as F
from tinygrad_edu.symbolic import Check, check, layers, lecture, sizes
from tinygrad_edu.symbolic.numbers import Floats, Numbers


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=3))
def test_lecture_index_is_the_array_index_plus_one(shape):
    a = np.arange(int(np.prod(shape))).reshape(shape)
    L = lecture(a)
    for index in np.ndindex(*shape):
        assert L(*(i + 1 for i in index)) == a[index]


def test_lecture_refuses_index_zero_and_past_the_end_with_the_lecture_range():
    L = lecture(np.zeros((2, 3)), "w")
    with pytest.raises(IndexError, match=r"w: index 2 is 0, outside 1…3 .*1-based"):
        L(1, 0)
    with pytest.raises(IndexError, match="outside 1…2"):
        L(3, 1)
    with pytest.raises(IndexError, match="1 indices for a 2-index"):
        L(1)


def test_layers_are_numbered_from_one():
    W1, W2 = np.array([[1, 2]]), np.array([[3], [4]])
    W = layers(W1, W2, name="W")
    assert W[1](1, 2) == 2 and W[2](2, 1) == 4 and len(W) == 2
    with pytest.raises(IndexError, match="layer index r = 0"):
        W[0]


def test_sizes_is_the_product_of_the_given_sizes():
    assert sizes(n=[2, 3], m=1) == [{"n": 2, "m": 1}, {"n": 3, "m": 1}]
    assert len(sizes(a=range(3), b=(1, 2), c=[5])) == 6


@pytest.mark.parametrize("numbers", [Numbers(0), Floats(0)])
def test_build_fills_by_one_based_indices(numbers):
    out = numbers.build((2, 3), lambda i, j: 10 * i + j)
    assert np.array_equal(np.asarray(out, dtype=float), [[11, 12, 13], [21, 22, 23]])
    assert out.dtype == (object if numbers.symbolic else np.float64)


def _tanh_layer(drop_derivative):
    def tanh_gradient(case, numbers):
        """∂E/∂w_ij = (1 − tanh²(u_i)) z_j"""
        z, W = numbers.tensor("z", case["n"], requires_grad=False), numbers.tensor("w", (case["m"], case["n"]))
        F.tanh(F.linear(z, W)).sum().backward()
        w, x = lecture(W), lecture(z)
        t = lambda i: numbers.tanh(sum(w(i, j) * x(j) for j in range(1, case["n"] + 1)))  # noqa: E731
        return W.grad, numbers.build(W.shape, lambda i, j: (1 if drop_derivative else 1 - t(i) ** 2) * x(j))
    return tanh_gradient


def test_check_proves_a_right_formula_and_renders_for_notebooks():
    result = check(_tanh_layer(False), sizes(n=[1, 2], m=2), spot={"n": 6, "m": 5}, formulas="F39")
    assert isinstance(result, Check) and result and result.proof == "exact"
    assert "verdict: holds, proved exactly" in str(result)
    assert result.claim.statement == "∂E/∂w_ij = (1 − tanh²(u_i)) z_j"
    assert "| **verdict** | holds, proved exactly |" in result._repr_markdown_()
    assert "<table>" in result._repr_html_() and "holds, proved exactly" in result._repr_html_()


def test_check_fails_a_wrong_formula_fast_with_a_one_based_position():
    result = check(_tanh_layer(True), sizes(n=[1, 2], m=2), spot={"n": 6, "m": 5})
    assert not result and result.verdict() == "FAIL" and not result.authoring_error
    assert result.seconds < 5
    text = str(result)
    assert "element (1, 1) [index 0, 0]" in text and "counterexample" in text
    assert "FAIL" in result._repr_markdown_() and "FAIL" in result._repr_html_()


def test_an_index_slip_is_an_authoring_error_with_the_line():
    def slip(case, numbers):
        W = numbers.tensor("w", (2, 2))
        return W.data, numbers.build((2, 2), lambda i, j: lecture(W)(i, j + 1))
    result = check(slip, [{}])
    assert not result and result.authoring_error and result.verdict().startswith("ERROR")
    assert "outside 1…2" in str(result) and "test_lecture.py" in str(result)
