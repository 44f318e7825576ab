"""F.pad: every mode and pad (negative ones crop) against PyTorch, values and gradients (the adjoint), finite
differences, SymPy entries, and the errors."""
import numpy as np
import pytest
import sympy
from hypothesis import given, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.inspect import gradcheck
from tests.helpers import assert_close, rand64, to_torch


@st.composite
def padding_cases(draw):
    """A mode, an input of 3, 4 or 5 dimensions and a pad for its spatial ones, in PyTorch's supported range."""
    mode = draw(st.sampled_from(["constant", "reflect", "replicate", "circular"]))
    ndim = draw(st.integers(3, 5))
    shape = (2, 1) + tuple(draw(st.integers(5, 6)) for _ in range(ndim - 2))  # no empty output: PyTorch's
    # gradient is uninitialised memory there, and no circular pad wraps around twice
    pad = tuple(draw(st.integers(-2, 3)) for _ in range(2 * (ndim - 2)))
    return mode, shape, pad


@pytest.mark.torch
@given(case=padding_cases(), seed=st.integers(0, 2**16))
def test_pad_matches_torch_values_and_gradients(torch, case, seed):
    mode, shape, pad = case
    rng = np.random.default_rng(seed)
    x = rand64(rng, shape)
    xt = to_torch(torch, x)
    y, yt = F.pad(x, pad, mode), torch.nn.functional.pad(xt, pad, mode)
    assert_close(y, yt, rtol=0, atol=0)
    g = rng.standard_normal(y.shape)
    y.backward(tg.Tensor(g))
    yt.backward(torch.tensor(g))
    assert_close(x.grad, xt.grad, rtol=1e-14, atol=1e-14)


@given(case=padding_cases(), seed=st.integers(0, 2**16))
def test_pad_gradient_matches_finite_differences(case, seed):
    mode, shape, pad = case
    x = rand64(np.random.default_rng(seed), (1,) + shape[1:4])  # at most two padded dimensions: keeps it fast
    pad = pad[:2 * (x.ndim - 2)]
    assert gradcheck(lambda t: F.pad(t, pad, mode), [x])


@pytest.mark.torch
def test_constant_padding_of_any_dims_with_a_value_and_integer_dtypes(torch):
    x = np.arange(24).reshape(2, 3, 4)
    for pad, value in [((1, 2), 2.5), ((1, -1, 0, 2, 1, 1), -1), ((0, 0, 2, 1), None), ((-3, -1),  None)]:
        theirs = torch.nn.functional.pad(torch.tensor(x), pad, value=value)
        ours = F.pad(tg.Tensor(x), pad, value=value)
        assert ours.dtype == np.int64 and ours.data.tolist() == theirs.tolist()
    y = rand64(np.random.default_rng(1), (3, 4))
    yt = to_torch(torch, y)
    assert_close(F.pad(y, (2, 1, 1, 0), value=7.0), torch.nn.functional.pad(yt, (2, 1, 1, 0), value=7.0))
    assert_close(F.pad(y, [1, 1], "reflect"), torch.nn.functional.pad(to_torch(torch, y), [1, 1], "reflect"))


def test_reflect_and_replicate_beyond_the_edge_with_negative_pads():
    """Negative pads crop before reading: positions −left … n + right − 1 of the reflected (replicated) line."""
    x = tg.Tensor(np.arange(4.0).reshape(1, 1, 4))
    assert F.pad(x, (-3, 1), "reflect").data.ravel().tolist() == [3.0, 2.0]
    assert F.pad(x, (2, -3), "reflect").data.ravel().tolist() == [2.0, 1.0, 0.0]
    assert F.pad(x, (-5, 6), "replicate").data.ravel().tolist() == [3.0] * 5
    assert F.pad(x, (1, -1), "circular").data.ravel().tolist() == [2.0, 0.0, 1.0, 2.0]


def test_pad_on_symbols_moves_them_and_sums_the_adjoint():
    x = tg.Tensor(np.array([[sympy.Symbol("a"), sympy.Symbol("b"), sympy.Symbol("c")]], dtype=object),
                  requires_grad=True)
    y = F.pad(x, (2, 1), "reflect")
    assert [str(e) for e in y.data[0]] == ["c", "b", "a", "b", "c", "b"]
    d = [sympy.Symbol(f"d{k}") for k in range(6)]
    y.backward(tg.Tensor(np.array([d], dtype=object)))
    assert list(x.grad.data[0]) == [d[2], d[1] + d[3] + d[5], d[0] + d[4]]
    z = F.pad(x, (1, 0), value=0.5)
    assert z.data[0, 0] == sympy.Rational(1, 2) and z.data[0, 1] == sympy.Symbol("a")


def test_pad_errors_name_the_rule():
    x = tg.randn(1, 1, 3, 4)
    with pytest.raises(ValueError, match=r"pad: padding length must be divisible by 2, got 3"):
        F.pad(x, (1, 1, 1))
    with pytest.raises(ValueError, match="at most twice the input's 4 dimensions, got 10"):
        F.pad(x, (1,) * 10)
    with pytest.raises(TypeError, match="pad: pad must be a tuple of ints, got float at position 0"):
        F.pad(x, (1.0, 1))
    with pytest.raises(ValueError, match="reflect padding \\(4, 0\\) of dimension 3 must be less than its size 4"):
        F.pad(x, (4, 0), "reflect")
    with pytest.raises(ValueError, match="circular padding \\(5, 0\\) of dimension 3 wraps around more than once"):
        F.pad(x, (5, 0), "circular")
    with pytest.raises(ValueError, match="doesn't take a value argument"):
        F.pad(x, (1, 1), "reflect", value=2.0)
    with pytest.raises(ValueError, match="unrecognised padding mode 'foo'"):
        F.pad(x, (1, 1), "foo")
    with pytest.raises(ValueError, match="leaves a negative size -1 for dimension 3 of size 4"):
        F.pad(x, (-3, -2))
