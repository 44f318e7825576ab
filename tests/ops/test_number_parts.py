"""ops/number_parts.py: rsqrt, frexp, ldexp, gcd, lcm, nextafter, isposinf, isneginf, isreal against PyTorch (values,
dtypes, gradients) and finite differences."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
from tests.helpers import assert_close, numeric_grad


def _same(ours, theirs):
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
    assert_close(ours, theirs)


@pytest.mark.torch
@pytest.mark.parametrize("data", [np.array([0.25, 4.0, 9.0]), np.array([1, 4, 16]), np.array([[0.5, 2.0]], "f4")])
def test_rsqrt_values_and_dtype_match_pytorch(torch, data):
    _same(tg.rsqrt(tg.tensor(data)), torch.rsqrt(torch.tensor(data)))
    _same(tg.tensor(data).rsqrt(), torch.tensor(data).rsqrt())


@pytest.mark.torch
def test_rsqrt_gradient_matches_pytorch_and_finite_differences(torch):
    data = np.array([0.3, 1.5, 4.0])
    x, tx = tg.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    x.rsqrt().sum().backward()
    tx.rsqrt().sum().backward()
    assert_close(x.grad, tx.grad)
    np.testing.assert_allclose(x.grad.data, numeric_grad(tg.rsqrt, tg.tensor(data), np.ones(3)), rtol=1e-6)


@pytest.mark.torch
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=6))
def test_frexp_mantissa_and_exponent_match_pytorch(torch, values):
    data = np.array(values)
    m, e = tg.frexp(tg.tensor(data))
    tm, te = torch.frexp(torch.tensor(data))
    _same(m, tm)
    _same(e, te)
    assert tg.tensor(data).frexp().mantissa is not None


@pytest.mark.torch
def test_frexp_gradient_matches_pytorch(torch):
    data = np.array([0.3, -5.0, 17.0])
    x, tx = tg.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    (tg.frexp(x).mantissa * tg.tensor([1.0, 2.0, 3.0])).sum().backward()
    (torch.frexp(tx).mantissa * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert_close(x.grad, tx.grad)


def test_frexp_refuses_integers():
    with pytest.raises(TypeError, match="frexp"):
        tg.frexp(tg.tensor([1, 2]))


@pytest.mark.torch
@pytest.mark.parametrize("x, e", [([1.0, -2.5, 3.0], [3, 0, 2]), ([1, 2, 3], [1, 2, 3]),
                                  (np.array([1.0, 2.0], "f4"), [1.0, 4.0])])
def test_ldexp_values_and_dtype_match_pytorch(torch, x, e):
    _same(tg.ldexp(tg.tensor(np.asarray(x)), tg.tensor(np.asarray(e))),
          torch.ldexp(torch.tensor(np.asarray(x)), torch.tensor(np.asarray(e))))


@pytest.mark.torch
def test_ldexp_gradient_matches_pytorch_and_finite_differences_in_both_inputs(torch):
    x0, e0 = np.array([0.5, -1.5, 2.0]), np.array([1.0, -0.5, 2.0])
    x, e = tg.tensor(x0, requires_grad=True), tg.tensor(e0, requires_grad=True)
    tx, te = torch.tensor(x0, requires_grad=True), torch.tensor(e0, requires_grad=True)
    tg.ldexp(x, e).sum().backward()
    torch.ldexp(tx, te).sum().backward()
    assert_close(x.grad, tx.grad)
    assert_close(e.grad, te.grad)
    np.testing.assert_allclose(e.grad.data, numeric_grad(lambda t: tg.ldexp(tg.tensor(x0), t), tg.tensor(e0),
                                                         np.ones(3)), rtol=1e-6)


@pytest.mark.torch
@given(st.lists(st.tuples(st.integers(-60, 60), st.integers(-60, 60)), min_size=1, max_size=6))
def test_gcd_and_lcm_match_pytorch(torch, pairs):
    a, b = (np.array(v) for v in zip(*pairs))
    for name in ("gcd", "lcm"):
        _same(getattr(tg, name)(tg.tensor(a), tg.tensor(b)), getattr(torch, name)(torch.tensor(a), torch.tensor(b)))
    _same(tg.tensor(a).gcd(tg.tensor(b[:1])), torch.tensor(a).gcd(torch.tensor(b[:1])))


def test_gcd_and_lcm_refuse_floats():
    with pytest.raises(TypeError, match="gcd: only integer"):
        tg.gcd(tg.tensor([1.0]), tg.tensor([2.0]))
    with pytest.raises(TypeError, match="lcm"):
        tg.lcm(tg.tensor([1]), tg.tensor([2.0]))


@pytest.mark.torch
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_nextafter_matches_pytorch(torch, dtype):
    a, b = np.array([1.0, 0.0, -2.0, 3.0], dtype), np.array([2.0, -1.0, -2.0, 0.0], dtype)
    _same(tg.nextafter(tg.tensor(a), tg.tensor(b)), torch.nextafter(torch.tensor(a), torch.tensor(b)))
    _same(tg.tensor(a).nextafter(tg.tensor(b)), torch.tensor(a).nextafter(torch.tensor(b)))


@pytest.mark.torch
@pytest.mark.parametrize("data", [np.array([np.inf, -np.inf, np.nan, 1.0]), np.array([1, -3]),
                                  np.array([True, False]), np.array([1 + 0j, 2 + 1j])])
def test_isposinf_isneginf_isreal_match_pytorch(torch, data):
    for name in ("isposinf", "isneginf", "isreal"):
        if data.dtype.kind == "c" and name != "isreal":
            continue
        _same(getattr(tg, name)(tg.tensor(data)), getattr(torch, name)(torch.tensor(data)))
        _same(getattr(tg.tensor(data), name)(), getattr(torch.tensor(data), name)())
