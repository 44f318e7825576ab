"""Elementwise ops: gradients against finite differences (with broadcasting) and against PyTorch."""
import warnings

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.inspect import gradcheck
from tests.helpers import assert_close, rand64, to_torch

UNARY = {
    # name: (ours, torch's, low, high) — the domain keeps each op differentiable and well-conditioned
    "neg": (lambda x: -x, lambda x: -x, -2, 2),
    "exp": (lambda x: x.exp(), lambda x: x.exp(), -2, 2),
    "log": (lambda x: x.log(), lambda x: x.log(), 0.2, 3),
    "sqrt": (lambda x: x.sqrt(), lambda x: x.sqrt(), 0.2, 3),
    "tanh": (lambda x: x.tanh(), lambda x: x.tanh(), -2, 2),
    "sigmoid": (lambda x: x.sigmoid(), lambda x: x.sigmoid(), -3, 3),
    "relu": (lambda x: x.relu(), lambda x: x.relu(), -2, 2),
    "abs": (lambda x: abs(x), lambda x: x.abs(), -2, 2),
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.1), lambda x: __import__("torch").nn.functional.leaky_relu(x, 0.1), -2, 2),
    "pow_const": (lambda x: x ** 3, lambda x: x ** 3, -2, 2),
    "pow_half": (lambda x: x ** 0.5, lambda x: x ** 0.5, 0.2, 3),
}
BINARY = {
    "add": (lambda a, b: a + b, (-2, 2)),
    "sub": (lambda a, b: a - b, (-2, 2)),
    "mul": (lambda a, b: a * b, (-2, 2)),
    "div": (lambda a, b: a / b, (0.5, 2)),
    "pow": (lambda a, b: a ** b, (0.5, 2)),
}

shapes = st.lists(st.integers(1, 4), min_size=0, max_size=3).map(tuple)


def _away_from_kinks(x: tg.Tensor) -> tg.Tensor:
    """relu/abs/leaky_relu have a kink at 0 where finite differences are meaningless: move entries off it."""
    x.data[np.abs(x.data) < 0.05] += 0.2
    return x


@pytest.mark.parametrize("name", sorted(UNARY))
@given(shape=shapes, seed=st.integers(0, 2**16))
def test_unary_gradient_matches_finite_differences(name, shape, seed):
    ours, _, low, high = UNARY[name]
    x = _away_from_kinks(rand64(np.random.default_rng(seed), shape, low, high))
    assert gradcheck(ours, [x])


@pytest.mark.parametrize("name", sorted(BINARY))
@given(shapes=mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3), seed=st.integers(0, 2**16))
def test_binary_gradient_with_broadcasting_matches_finite_differences(name, shapes, seed):
    op, (low, high) = BINARY[name]
    rng = np.random.default_rng(seed)
    a, b = (rand64(rng, s, low, high) for s in shapes.input_shapes)
    out = op(a, b)
    assert out.shape == shapes.result_shape
    assert gradcheck(op, [a, b])


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_matches_torch(torch, name):
    ours, theirs, low, high = UNARY[name]
    x = _away_from_kinks(rand64(np.random.default_rng(1), (3, 4), low, high))
    xt = to_torch(torch, x)
    y, yt = ours(x), theirs(xt)
    assert_close(y, yt)
    g = np.random.default_rng(2).standard_normal(y.shape)
    y.backward(tg.Tensor(g))
    yt.backward(torch.tensor(g))
    assert_close(x.grad, xt.grad)


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_with_broadcasting_matches_torch(torch, name):
    op, (low, high) = BINARY[name]
    rng = np.random.default_rng(3)
    a, b = rand64(rng, (2, 1, 4), low, high), rand64(rng, (3, 1), low, high)
    at, bt = to_torch(torch, a), to_torch(torch, b)
    op(a, b).sum().backward()
    op(at, bt).sum().backward()
    assert_close(a.grad, at.grad)
    assert_close(b.grad, bt.grad)


def test_second_derivative_of_tanh_matches_torch(torch):
    x = rand64(np.random.default_rng(4), (5,))
    (g,) = tg.grad(x.tanh().sum(), [x], create_graph=True)
    (gg,) = tg.grad(g.sum(), [x])
    xt = to_torch(torch, x)
    (gt,) = torch.autograd.grad(xt.tanh().sum(), [xt], create_graph=True)
    (ggt,) = torch.autograd.grad(gt.sum(), [xt])
    assert_close(g, gt)
    assert_close(gg, ggt)
    assert_close(gg, -2 * np.tanh(x.data) * (1 - np.tanh(x.data) ** 2))


def test_third_derivative_of_sigmoid_by_repeated_create_graph():
    x = tg.Tensor(np.array([0.3, -1.2]), requires_grad=True)
    (d1,) = tg.grad(x.sigmoid().sum(), [x], create_graph=True)
    (d2,) = tg.grad(d1.sum(), [x], create_graph=True)
    (d3,) = tg.grad(d2.sum(), [x])
    s = 1 / (1 + np.exp(-x.data))
    np.testing.assert_allclose(d3.data, s * (1 - s) * (1 - 6 * s + 6 * s * s), rtol=1e-12)


def test_float32_stays_float32_and_float64_stays_float64():
    x32 = tg.randn(3, requires_grad=True)
    x64 = tg.randn(3, requires_grad=True, dtype=tg.float64)
    assert (x32 * 2.5 + 1).dtype == np.float32
    assert (x64 * 2.5 + 1).dtype == np.float64
    assert (x32 + x64).dtype == np.float64  # NumPy's promotion, decided once
    (x32 + x64).sum().backward()
    assert x32.grad.dtype == np.float32 and x64.grad.dtype == np.float64


def test_bad_broadcast_names_the_op_and_shapes():
    with pytest.raises(ValueError, match=r"mul: shapes \(2, 3\) and \(4,\) do not broadcast"):
        tg.ones(2, 3) * tg.ones(4)


def test_relu_gradient_at_zero_is_zero_like_pytorch():
    x = tg.Tensor(np.array([-1.0, 0.0, 2.0]), requires_grad=True)
    x.relu().sum().backward()
    assert x.grad.data.tolist() == [0.0, 0.0, 1.0]


@pytest.mark.torch
def test_gradients_of_powers_at_zero_are_torch_s(torch):
    cases = [lambda m, x, y: x ** 0, lambda m, x, y: x ** y, lambda m, x, y: m.zeros(3, dtype=m.float64) ** y,
             lambda m, x, y: x ** 2]
    x0, y0 = np.array([0.0, 0.0, 2.0]), np.array([0.0, 2.0, 0.0])
    for k, case in enumerate(cases):
        grads = []
        for m in (tg, torch):
            x, y = m.tensor(x0, requires_grad=True), m.tensor(y0, requires_grad=True)
            out = case(m, x, y)
            out.sum().backward()
            grads.append([None if t.grad is None else t.grad.numpy().copy() for t in (x, y)])
        for ours, theirs in zip(*grads):
            if theirs is None:
                assert ours is None or not np.any(ours), k
            else:
                assert not np.isnan(ours).any(), (k, ours)
                np.testing.assert_allclose(ours, theirs, err_msg=str(k))


@pytest.mark.torch
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_is_accurate_in_both_tails(torch, dtype):
    """Issue 12: 0.5·(1 + tanh(x/2)) gave float32 σ(−20) = 0; PyTorch gives 2.06e-9, and so must we."""
    x = tg.Tensor(np.array([-700.0, -100.0, -40.0, -20.0, -5.0, 0.0, 5.0, 20.0, 40.0, 100.0, 700.0], dtype),
                  requires_grad=True)
    y = x.sigmoid()
    exact = 1 / (1 + np.exp(-x.data.astype(np.longdouble)))
    np.testing.assert_allclose(y.data, exact, rtol=4 * np.finfo(dtype).eps, atol=np.finfo(dtype).tiny)
    assert y.dtype == dtype
    if dtype == np.float32:
        assert abs(y.data[3] - 2.0611537e-09) < 1e-15
        assert_close(y, torch.sigmoid(to_torch(torch, x)), rtol=1e-6, atol=1e-38)
    y.sum().backward()
    # the slope is PyTorch's y(1 − y) from the rounded y (0 where y rounds to 1), the value BCE's δ/(p(1 − p)) cancels
    xt = torch.tensor(x.data, requires_grad=True)
    torch.sigmoid(xt).sum().backward()
    np.testing.assert_allclose(x.grad.data, xt.grad.numpy(), rtol=4 * np.finfo(dtype).eps, atol=np.finfo(dtype).tiny)
    assert (x.grad.data == 0).tolist() == (xt.grad.numpy() == 0).tolist()  # 0 exactly where y rounds to 1


def test_symbolic_sigmoid_stays_one_over_one_plus_exp():
    import sympy

    from tinygrad_edu.symbolic import symbols

    u = symbols("u", 1)
    assert u.sigmoid().data[0] == 1 / (1 + sympy.exp(-u.data[0]))
    u.sigmoid().sum().backward()
    s = 1 / (1 + sympy.exp(-u.data[0]))
    assert sympy.simplify(u.grad.data[0] - s * (1 - s)) == 0


def test_leaky_relu_refuses_integers_instead_of_truncating_the_slope():
    with pytest.raises(TypeError, match=r"leaky_relu: not defined for dtype int64 .* the slope 0.01 would truncate"):
        F.leaky_relu(tg.tensor([-3, 2]))


@pytest.mark.torch
def test_log_of_sigmoid_is_finite_where_torchs_is(torch):
    """A hand-written ln σ(u) (as in the lecture's binary cross-entropy) stays finite down to u = −80 in float32."""
    x = tg.Tensor(np.linspace(-80, 80, 33).astype(np.float32), requires_grad=True)
    y = x.sigmoid().log()
    xt = to_torch(torch, x)
    yt = xt.sigmoid().log()
    assert np.all(np.isfinite(y.data)) and np.all(np.isfinite(yt.detach().numpy()))
    assert_close(y, yt, rtol=1e-6, atol=1e-6)
    y.sum().backward()
    yt.sum().backward()
    assert np.all(np.isfinite(x.grad.data))
    assert_close(x.grad, xt.grad, rtol=1e-5, atol=1e-6)


@pytest.mark.torch
def test_relu_passes_no_gradient_below_zero_even_an_infinite_one(torch):
    x0, g0 = np.array([-1.0, 0.0, 2.0]), np.array([np.inf, -np.inf, 3.0])
    x, xt = tg.tensor(x0, requires_grad=True), torch.tensor(x0, requires_grad=True)
    x.relu().backward(tg.tensor(g0))
    xt.relu().backward(torch.tensor(g0))
    np.testing.assert_array_equal(x.grad.data, xt.grad.numpy())


# ---- type promotion against PyTorch (differential audit): result dtypes that differed silently ------------------
PROMOTIONS = [
    ("bool + int scalar", lambda m: m.tensor([True, False]) + 2),
    ("bool * bool scalar", lambda m: m.tensor([True, False]) * True),
    ("bool % int scalar", lambda m: m.tensor([True, False]) % 2),
    ("where(bool, bool, int scalar)", lambda m: m.where(m.tensor([True, False]), m.tensor([True, True]), 1)),
    ("int ** float scalar", lambda m: m.tensor([1, 4]) ** 0.5),
    ("float32 * 0-d float64", lambda m: m.ones(2) * m.tensor(0.5, dtype=m.float64)),
    ("float32 + 0-d float64 (where)",
     lambda m: m.where(m.tensor([True, False]), m.ones(2), m.tensor(0.5, dtype=m.float64))),
]


@pytest.mark.torch
@pytest.mark.parametrize("name, fn", PROMOTIONS, ids=[p[0] if len(p) == 2 else p.id for p in PROMOTIONS])
def test_result_dtype_matches_torch(torch, name, fn):
    ours, theirs = fn(tg), fn(torch)
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    np.testing.assert_allclose(ours.data.astype(np.float64), theirs.double().numpy(), rtol=1e-6)


_DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]
# an operand: ("dim", dtype) a (2,)-tensor, ("0d", dtype) a 0-d tensor, ("number", Python type) a Python number
_OPERANDS = st.one_of(st.tuples(st.sampled_from(["dim", "0d"]), st.sampled_from(_DTYPES)),
                      st.tuples(st.just("number"), st.sampled_from(["bool", "int", "float"])))
_BINARY_OPS = {"add": lambda a, b: a + b, "mul": lambda a, b: a * b, "truediv": lambda a, b: a / b}


def _operand(m, kind: str, what: str):
    if kind == "number":
        return {"bool": True, "int": 2, "float": 0.5}[what]
    values = [True, True] if what == "bool" else [1, 2]
    return m.tensor(values if kind == "dim" else values[1], dtype=getattr(m, what))


@pytest.mark.torch
@given(a=_OPERANDS, b=_OPERANDS, op=st.sampled_from(sorted(_BINARY_OPS)))
def test_binary_result_dtype_matches_torch_for_every_operand_kind(torch, a, b, op):
    """PyTorch's promotion over categories (bool < integer < floating) and priorities (dimensioned tensors, then
    0-d tensors, then Python numbers): the dtype and the values of a ∘ b, numbers on either side."""
    if a[0] == "number" and b[0] == "number":
        b = ("0d", "float64")
    fn = _BINARY_OPS[op]
    ours = fn(_operand(tg, *a), _operand(tg, *b))
    theirs = fn(_operand(torch, *a), _operand(torch, *b))
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", ""), (a, b, op)
    np.testing.assert_allclose(ours.data.astype(np.float64), theirs.double().numpy(), rtol=1e-3)


@pytest.mark.torch
@given(base=st.sampled_from(_DTYPES), exponent=st.sampled_from([2, 0.5, True]))
def test_power_by_a_number_has_torch_dtype(torch, base, exponent):
    """x ** p for a Python number p (PowConst): int ** 0.5 is the default float32, not NumPy's float64."""
    ours, theirs = (_operand(m, "dim", base) ** exponent for m in (tg, torch))
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    np.testing.assert_allclose(ours.data.astype(np.float64), theirs.double().numpy(), rtol=1e-3)


def test_promotion_leaves_equal_dtypes_and_sympy_alone():
    """The common case (equal dtypes) is not converted; SymPy operands mix with numbers exactly."""
    x = tg.ones(3)
    assert (x * 1.0).dtype == np.float32 and (x * x).dtype == np.float32
    s = tg.Tensor(np.array([__import__("sympy").Rational(1, 3)], dtype=object))
    assert (s * tg.tensor([3])).data[0] == 1 and (s * tg.tensor([3])).dtype == object


@pytest.mark.torch
def test_division_gradient_does_not_overflow_in_float32(torch):
    z = np.array([[46.0, 0.5, -24.0, -2.9], [1.0, 2.0, 3.0, 4.0]], dtype=np.float32)
    w = np.array([[0.3, -1.2, 0.7, 2.0], [1.0, -1.0, 0.5, 0.2]], dtype=np.float32)
    grads = []
    for m in (torch, tg):
        x = m.tensor(z, requires_grad=True)
        e = x.exp()
        ((e / e.sum(1, keepdim=True)) * m.tensor(w)).sum().backward()
        grads.append(x.grad.numpy() if m is torch else x.grad.data)
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-5, atol=1e-6)


@pytest.mark.torch
def test_sigmoid_then_bce_gradient_matches_torch_in_float32(torch):
    z = np.array([5.0, 15.0, 16.5, 17.0, 20.0, -20.0], dtype=np.float32)
    grads = []
    for m in (torch, tg):
        x = m.tensor(z, requires_grad=True)
        m.nn.functional.binary_cross_entropy(x.sigmoid(), m.tensor(np.full(6, 0.7, np.float32))).backward()
        grads.append(x.grad.numpy() if m is torch else x.grad.data)
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-4, atol=1e-6)


@pytest.mark.torch
@pytest.mark.parametrize("value, dtype", [(1e10, np.float16), (-1e10, np.float16), (1e300, np.float32),
                                          (float("nan"), np.float16)])
def test_a_cast_that_overflows_is_inf_silently_as_in_pytorch(torch, value, dtype):
    """x.to(float16) of 1e10 is inf in PyTorch, without a warning; so is the float16 gradient of a float32 product."""
    x = tg.tensor(np.array([value, 1.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = x.to(dtype).data
    theirs = torch.tensor([value, 1.0], dtype=torch.float64).to(getattr(torch, np.dtype(dtype).name)).numpy()
    np.testing.assert_array_equal(ours, theirs)


def test_a_float16_leaf_receives_an_overflowing_gradient_as_inf_silently():
    x = tg.tensor(np.array([1.0, -2.0], np.float16), requires_grad=True)
    y = (x.to(tg.float32) * 1e10).sum()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y.backward()
    assert x.grad.dtype == np.float16 and np.array_equal(x.grad.data, np.array([np.inf, np.inf], np.float16))
