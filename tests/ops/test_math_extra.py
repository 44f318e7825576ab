"""torch.* elementwise math (add … nan_to_num) and rounding: values, dtypes (integer and bool inputs as PyTorch
promotes them), NaN/±∞ and gradients against PyTorch, finite differences in float64, SymPy values for the new
Functions (remainder, fmod, rounding, copysign) and PyTorch's exception classes on bad inputs."""
import numpy as np
import pytest
import sympy
from hypothesis import given, settings, strategies as st

import tinygrad_edu as tg
from tests.helpers import assert_close, numeric_grad, rand64, to_torch

SPECIAL = [-2.5, -1.5, -0.5, -0.0, 0.0, 0.5, 1.5, 2.5, 3.7, -3.7, np.nan, np.inf, -np.inf]


def _dtype_name(t) -> str:
    return str(t.dtype).replace("torch.", "")


def _same(ours, theirs, rtol=1e-6, atol=1e-7):
    assert str(ours.dtype) == _dtype_name(theirs), (ours.dtype, theirs.dtype)
    np.testing.assert_allclose(np.asarray(ours.data, dtype=np.float64), theirs.double().numpy(), rtol=rtol,
                               atol=atol, equal_nan=True)


UNARY = ["floor", "ceil", "trunc", "fix", "round", "frac", "sign", "sgn", "signbit", "square", "reciprocal", "exp2",
         "log2", "log10", "neg", "negative", "positive", "nan_to_num", "logit"]


@pytest.mark.torch
@pytest.mark.parametrize("name", UNARY)
def test_unary_values_at_special_points_as_pytorch(torch, name):
    x = np.array(SPECIAL, dtype=np.float32)
    _same(getattr(tg, name)(tg.tensor(x)), getattr(torch, name)(torch.tensor(x)))
    _same(getattr(tg.tensor(x), name)(), getattr(torch.tensor(x), name)())


@pytest.mark.torch
@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("data", [[-3, 0, 2, 7], [True, False]], ids=["int64", "bool"])
def test_unary_integer_and_bool_inputs_as_pytorch(torch, name, data):
    try:
        theirs = getattr(torch, name)(torch.tensor(data))
    except (RuntimeError, TypeError) as err:  # NotImplementedError is a RuntimeError
        with pytest.raises(type(err) if not isinstance(err, NotImplementedError) else RuntimeError):
            getattr(tg, name)(tg.tensor(data))
        return
    _same(getattr(tg, name)(tg.tensor(data)), theirs)


@pytest.mark.torch
@pytest.mark.parametrize("decimals", [-2, -1, 0, 1, 3, 50])
def test_round_with_decimals_as_pytorch(torch, decimals):
    x = np.array([1234.5678, -0.125, 0.5, 1.5, 2.675, -987.654, np.nan], dtype=np.float32)
    _same(tg.round(tg.tensor(x), decimals=decimals), torch.round(torch.tensor(x), decimals=decimals))


@pytest.mark.torch
@pytest.mark.parametrize("decimals", [-1, 1, 2, 6])
def test_round_of_half_precision_computes_in_float32_as_pytorch(torch, decimals):
    """float16 -1.949 to 1 place: x·10 rounded to half first gave -2.0 where PyTorch (float32 inside) gives -1.9;
    decimals=6 overflowed 10⁶ in half."""
    x = np.arange(-3, 3, 0.001).astype(np.float16)
    ours = tg.round(tg.tensor(x), decimals=decimals)
    theirs = torch.round(torch.tensor(x), decimals=decimals)
    assert ours.dtype == np.float16
    np.testing.assert_array_equal(ours.data, theirs.numpy())


@pytest.mark.torch
def test_nan_to_num_arguments_and_gradient_as_pytorch(torch):
    x = tg.tensor([np.nan, np.inf, -np.inf, 1.5], dtype=tg.float64, requires_grad=True)
    xt = to_torch(torch, x)
    y, yt = x.nan_to_num(nan=2.0, posinf=9.0, neginf=-9.0), xt.nan_to_num(nan=2.0, posinf=9.0, neginf=-9.0)
    assert_close(y, yt)
    y.sum().backward()
    yt.sum().backward()
    assert_close(x.grad, xt.grad)


# binary: name → (torch's function, low and high of the operands, takes a Python number as other)
BINARY = {"add": (-3, 3, True), "sub": (-3, 3, True), "subtract": (-3, 3, True), "mul": (-3, 3, True),
          "multiply": (-3, 3, True), "div": (0.5, 3, True), "divide": (0.5, 3, True), "true_divide": (0.5, 3, True),
          "floor_divide": (-5, 5, True), "remainder": (-5, 5, True), "fmod": (-5, 5, True),
          "logaddexp": (-3, 3, False), "logaddexp2": (-3, 3, False), "xlogy": (0.5, 3, True),
          "hypot": (-3, 3, False), "fmax": (-3, 3, False), "fmin": (-3, 3, False), "copysign": (-3, 3, True),
          "pow": (0.5, 2, True), "float_power": (0.5, 2, True), "atan2": (-3, 3, False)}
BIN_SPECIAL = [-2.0, -0.0, 0.0, 1.0, 3.0, np.nan, np.inf, -np.inf]


@pytest.mark.torch
@pytest.mark.parametrize("name", list(BINARY))
def test_binary_values_on_nan_infinities_and_zeros_as_pytorch(torch, name):
    a, b = (m.astype(np.float32) for m in np.meshgrid(BIN_SPECIAL, BIN_SPECIAL))
    ours = getattr(tg, name)(tg.tensor(a), tg.tensor(b))
    _same(ours, getattr(torch, name)(torch.tensor(a), torch.tensor(b)), rtol=2e-6)


@pytest.mark.torch
@pytest.mark.parametrize("name", list(BINARY))
@pytest.mark.parametrize("kinds", [("int64", "int64"), ("int64", "float32"), ("bool", "float64"),
                                   ("float32", "float64")])
def test_binary_dtype_promotion_as_pytorch(torch, name, kinds):
    rng = np.random.default_rng(5)
    arrays = [rng.integers(1, 4, (2, 3)).astype(k) if k != "bool" else rng.integers(0, 2, (2, 3)).astype(bool)
              for k in kinds]
    try:
        theirs = getattr(torch, name)(*(torch.tensor(a) for a in arrays))
    except RuntimeError:
        with pytest.raises(RuntimeError):
            getattr(tg, name)(*(tg.tensor(a) for a in arrays))
        return
    _same(getattr(tg, name)(*(tg.tensor(a) for a in arrays)), theirs, rtol=2e-6)


@pytest.mark.torch
@pytest.mark.parametrize("name", [n for n, (_, _, num) in BINARY.items() if num])
@pytest.mark.parametrize("other", [2, 0.5, -3])
def test_a_python_number_as_other_as_pytorch(torch, name, other):
    for data in ([1.5, -2.0, 3.0], [1, -2, 3]):
        try:
            theirs = getattr(torch, name)(torch.tensor(data), other)
        except RuntimeError:
            continue
        _same(getattr(tg, name)(tg.tensor(data), other), theirs, rtol=2e-6)


@pytest.mark.torch
@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(list(BINARY)), seed=st.integers(0, 2**16),
       shapes=st.sampled_from([((3,), (3,)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2,))]))
def test_float64_values_and_gradients_as_pytorch(torch, name, seed, shapes):
    low, high, _ = BINARY[name]
    rng = np.random.default_rng(seed)
    a, b = rand64(rng, shapes[0], low, high), rand64(rng, shapes[1], low, high)
    at, bt = to_torch(torch, a), to_torch(torch, b)
    y, yt = getattr(tg, name)(a, b), getattr(torch, name)(at, bt)
    assert_close(y, yt, rtol=1e-12, atol=1e-14)
    (y * y).sum().backward()
    if name == "floor_divide":  # PyTorch has no derivative for it; ours is 0 (as div(rounding_mode='floor'))
        assert not a.grad.data.any() and not b.grad.data.any()
        return
    (yt * yt).sum().backward()
    for ours, theirs in ((a, at), (b, bt)):
        if theirs.grad is None:
            assert ours.grad is None or not ours.grad.data.any()
        else:
            assert_close(ours.grad, theirs.grad, rtol=1e-9, atol=1e-12)


DIFFERENTIABLE = {
    "add_alpha": lambda a, b: tg.add(a, b, alpha=2.5), "sub_alpha": lambda a, b: a.sub(b, alpha=-0.5),
    "remainder": tg.remainder, "fmod": tg.fmod, "logaddexp": tg.logaddexp, "logaddexp2": tg.logaddexp2,
    "xlogy": tg.xlogy, "hypot": tg.hypot, "copysign": tg.copysign,
    "float_power": lambda a, b: tg.float_power(a.abs(), b),
    "lerp": lambda a, b: tg.lerp(a, b, 0.3), "lerp_tensor_weight": lambda a, b: tg.lerp(a, b.detach() * 0 + 1, b),
    "addcmul": lambda a, b: tg.addcmul(a, b, b, value=0.5), "addcdiv": lambda a, b: tg.addcdiv(a, a, b, value=-2),
    "fmax": tg.fmax, "fmin": tg.fmin,
}


@pytest.mark.parametrize("name", list(DIFFERENTIABLE))
def test_finite_differences(name):
    fn = DIFFERENTIABLE[name]
    rng = np.random.default_rng(11)
    a = tg.Tensor(rng.uniform(0.6, 2.9, 5) * rng.choice([-1, 1], 5), requires_grad=True)
    b = tg.Tensor(rng.uniform(0.7, 1.9, 5), requires_grad=True)  # away from the kinks of remainder and fmod
    v = rng.standard_normal(5)
    (fn(a, b) * tg.Tensor(v)).sum().backward()
    np.testing.assert_allclose(a.grad.data, numeric_grad(lambda t: fn(t, b.detach()), a, v), rtol=1e-6, atol=1e-8)
    if b.grad is not None:
        np.testing.assert_allclose(b.grad.data, numeric_grad(lambda t: fn(a.detach(), t), b, v), rtol=1e-6,
                                   atol=1e-8)


@pytest.mark.parametrize("name", ["logit", "log2", "log10", "exp2", "reciprocal", "square", "frac"])
def test_unary_finite_differences(name):
    rng = np.random.default_rng(2)
    x = rand64(rng, (5,), 0.1, 0.9)
    v = rng.standard_normal(5)
    fn = getattr(tg, name)
    (fn(x) * tg.Tensor(v)).sum().backward()
    np.testing.assert_allclose(x.grad.data, numeric_grad(fn, x, v), rtol=1e-6, atol=1e-8)


@pytest.mark.torch
@pytest.mark.parametrize("name", ["floor", "ceil", "trunc", "round", "sign", "frac"])
def test_rounding_gradients_as_pytorch(torch, name):
    x = tg.tensor([-1.5, -0.3, 0.0, 0.7, 2.5], dtype=tg.float64, requires_grad=True)
    xt = to_torch(torch, x)
    getattr(x, name)().sum().backward()
    getattr(xt, name)().sum().backward()
    assert_close(x.grad, xt.grad)


@pytest.mark.torch
@settings(max_examples=60, deadline=None)
@given(a=st.lists(st.integers(-20, 20), min_size=4, max_size=4), b=st.lists(st.integers(1, 7), min_size=4, max_size=4),
       signs=st.lists(st.sampled_from([-1, 1]), min_size=4, max_size=4), floating=st.booleans(),
       mode=st.sampled_from([None, "trunc", "floor"]))
def test_division_rounding_and_remainders_as_pytorch(torch, a, b, signs, floating, mode):
    dtype = np.float32 if floating else np.int64
    x, y = np.array(a, dtype), (np.array(b) * np.array(signs)).astype(dtype)
    if floating:
        x = x / np.float32(3)
    _same(tg.div(tg.tensor(x), tg.tensor(y), rounding_mode=mode),
          torch.div(torch.tensor(x), torch.tensor(y), rounding_mode=mode), rtol=1e-6)
    for name in ("remainder", "fmod", "floor_divide"):
        _same(getattr(tg, name)(tg.tensor(x), tg.tensor(y)), getattr(torch, name)(torch.tensor(x), torch.tensor(y)),
              rtol=1e-5, atol=1e-6)
    _same(tg.tensor(x) % tg.tensor(y), torch.tensor(x) % torch.tensor(y), rtol=1e-5, atol=1e-6)
    _same(tg.tensor(x) // tg.tensor(y), torch.tensor(x) // torch.tensor(y))


@pytest.mark.torch
def test_logaddexp_is_exact_in_the_tails_and_at_equal_infinities(torch):
    a = np.array([1000.0, -1000.0, np.inf, -np.inf, -np.inf, 0.0], dtype=np.float32)
    b = np.array([1000.0, -1000.0, np.inf, -np.inf, np.inf, -1e-30], dtype=np.float32)
    for name in ("logaddexp", "logaddexp2"):
        _same(getattr(tg, name)(tg.tensor(a), tg.tensor(b)), getattr(torch, name)(torch.tensor(a), torch.tensor(b)))


@pytest.mark.torch
def test_heaviside_lerp_addcmul_addcdiv_as_pytorch(torch):
    x = np.array([-1.0, 0.0, 2.0, np.nan], dtype=np.float32)
    v = np.array([0.5, 0.25, 0.5, 0.5], dtype=np.float32)
    _same(tg.heaviside(tg.tensor(x), tg.tensor(v)), torch.heaviside(torch.tensor(x), torch.tensor(v)))
    _same(tg.heaviside(tg.tensor([-2, 0, 3]), tg.tensor([7])), torch.heaviside(torch.tensor([-2, 0, 3]),
                                                                              torch.tensor([7])))
    rng = np.random.default_rng(4)
    s, e, w = (rng.standard_normal((2, 3)) for _ in range(3))
    _same(tg.lerp(tg.tensor(s), tg.tensor(e), tg.tensor(w)), torch.lerp(torch.tensor(s), torch.tensor(e),
                                                                        torch.tensor(w)), rtol=1e-12)
    _same(tg.tensor(s).lerp(tg.tensor(e), 0.25), torch.tensor(s).lerp(torch.tensor(e), 0.25), rtol=1e-12)
    _same(tg.addcmul(tg.tensor(s), tg.tensor(e), tg.tensor(w), value=3),
          torch.addcmul(torch.tensor(s), torch.tensor(e), torch.tensor(w), value=3), rtol=1e-12)
    _same(tg.tensor(s).addcdiv(tg.tensor(e), tg.tensor(w), value=-0.5),
          torch.tensor(s).addcdiv(torch.tensor(e), torch.tensor(w), value=-0.5), rtol=1e-12)
    _same(tg.add(tg.tensor([1, 2]), tg.tensor([3, 4]), alpha=3), torch.add(torch.tensor([1, 2]), torch.tensor([3, 4]),
                                                                           alpha=3))


def test_symbolic_values_of_the_new_functions():
    a, b = sympy.symbols("a b", positive=True)
    x = tg.Tensor(np.array([sympy.Rational(7, 2), -sympy.Rational(7, 2)], dtype=object))
    y = tg.Tensor(np.array([sympy.Integer(2), sympy.Integer(2)], dtype=object))
    assert list(tg.remainder(x, y).data) == [sympy.Rational(3, 2), sympy.Rational(1, 2)]
    assert list(tg.fmod(x, y).data) == [sympy.Rational(3, 2), -sympy.Rational(3, 2)]
    assert list(tg.floor(x).data) == [3, -4]
    assert list(tg.ceil(x).data) == [4, -3]
    assert list(tg.trunc(x).data) == [3, -3]
    assert list(tg.round(x).data) == [4, -4]  # halves to even
    assert list(tg.div(x, y, rounding_mode="trunc").data) == [1, -1]
    assert list(tg.div(x, y, rounding_mode="floor").data) == [1, -2]
    assert list(tg.copysign(y, x).data) == [2, -2]
    s = tg.Tensor(np.array([a], dtype=object), requires_grad=True)
    t = tg.Tensor(np.array([b], dtype=object), requires_grad=True)
    out = tg.remainder(s, t)
    assert out.data[0] == sympy.Mod(a, b)
    out.sum().backward()
    assert s.grad.data[0] == 1 and t.grad.data[0] == -sympy.floor(a / b)
    s.grad = None
    tg.logaddexp(s, t).sum().backward()
    expected = sympy.exp(a) / (sympy.exp(a) + sympy.exp(b))
    for p, q in ((1, 2), (3, sympy.Rational(1, 2))):
        assert abs((s.grad.data[0] - expected).subs({a: p, b: q}).evalf()) < 1e-12
    s.grad = None
    tg.log2(s).sum().backward()
    assert sympy.simplify(s.grad.data[0] - 1 / (a * sympy.log(2))) == 0


@pytest.mark.torch
def test_bad_inputs_raise_pytorchs_classes(torch):
    x = tg.randn(3, 4)
    cases = [
        (lambda m, t: m.div(t, t, rounding_mode="bogus"), RuntimeError),
        (lambda m, t: m.add(t, m.randn(3, 5)), RuntimeError),
        (lambda m, t: m.sub(m.tensor([True]), m.tensor([False])), RuntimeError),
        (lambda m, t: m.round(m.tensor([1, 2]), decimals=1), RuntimeError),
        (lambda m, t: m.div(m.tensor([1, 2]), m.tensor([0, 1]), rounding_mode="floor"), RuntimeError),
        (lambda m, t: m.remainder(m.tensor([1, 2]), m.tensor([0, 1])), RuntimeError),
        (lambda m, t: m.hypot(t, 2.0), TypeError),
        (lambda m, t: m.heaviside(t, m.tensor([1])), RuntimeError),
        (lambda m, t: m.addcdiv(t, m.tensor([1]), m.tensor([2])), RuntimeError),
        (lambda m, t: m.add(t, t, alpha=True), RuntimeError),
        (lambda m, t: m.lerp(t, t.double(), 0.5), RuntimeError),
    ]
    for call, cls in cases:
        with pytest.raises(cls):
            call(torch, torch.tensor(x.data))
        with pytest.raises(cls):
            call(tg, x)


@pytest.mark.torch
@pytest.mark.parametrize("name", ["addcmul", "addcdiv"])
def test_addcmul_and_addcdiv_compute_in_the_common_dtype_as_torch(torch, name):
    """float64 input with float32 factors: PyTorch multiplies (divides) in float64; the float32 product differed
    in the 8th digit."""
    rng = np.random.default_rng(7)
    x = rng.standard_normal((50,))
    t1, t2 = (rng.standard_normal((50,)).astype(np.float32) for _ in range(2))
    ours = getattr(tg, name)(tg.tensor(x), tg.tensor(t1), tg.tensor(t2), value=0.5)
    theirs = getattr(torch, name)(torch.tensor(x), torch.tensor(t1), torch.tensor(t2), value=0.5)
    assert ours.dtype == np.float64
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-15, atol=0)
