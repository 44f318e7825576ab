"""The math methods of Tensor (tensor.py's "math methods" block): each is torch.Tensor's method of the same name
with PyTorch's arguments and results, the operators // and % included, and the in-place clamps."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tests.helpers import assert_close, to_torch

UNARY_METHODS = ["floor", "ceil", "round", "trunc", "fix", "frac", "sin", "cos", "tan", "asin", "arcsin", "acos",
                 "arccos", "atan", "arctan", "sinh", "cosh", "asinh", "arcsinh", "atanh", "arctanh", "sinc", "deg2rad",
                 "rad2deg", "neg", "negative", "positive", "square", "reciprocal", "log2", "log10", "exp2", "logit",
                 "sign", "sgn", "signbit", "nan_to_num"]
BINARY_METHODS = ["add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "floor_divide",
                  "remainder", "fmod", "pow", "float_power", "logaddexp", "logaddexp2", "xlogy", "hypot", "fmax", "fmin",
                  "copysign", "atan2", "arctan2"]


@pytest.mark.torch
@pytest.mark.parametrize("name", UNARY_METHODS)
def test_unary_methods_as_pytorchs(torch, name):
    x = tg.tensor(np.random.default_rng(0).uniform(0.05, 0.95, (2, 3)), requires_grad=True)
    xt = to_torch(torch, x)
    y, yt = getattr(x, name)(), getattr(xt, name)()
    assert_close(y, yt, rtol=1e-12, atol=1e-15)
    if yt.requires_grad:
        y.sum().backward()
        yt.sum().backward()
        assert_close(x.grad, xt.grad.numpy(force=True), rtol=1e-10, atol=1e-14)  # (sgn: a ZeroTensor)


@pytest.mark.torch
@pytest.mark.parametrize("name", BINARY_METHODS)
def test_binary_methods_as_pytorchs(torch, name):
    rng = np.random.default_rng(1)
    a = tg.tensor(rng.uniform(0.5, 3, (2, 3)), requires_grad=True)
    b = tg.tensor(rng.uniform(0.5, 3, (3,)), requires_grad=True)
    at, bt = to_torch(torch, a), to_torch(torch, b)
    y, yt = getattr(a, name)(b), getattr(at, name)(bt)
    assert_close(y, yt, rtol=1e-12, atol=1e-15)
    if name != "floor_divide":  # PyTorch has no derivative for floor_divide
        y.sum().backward()
        yt.sum().backward()
        assert_close(a.grad, at.grad, rtol=1e-10, atol=1e-14)
        assert_close(b.grad, bt.grad, rtol=1e-10, atol=1e-14)


@pytest.mark.torch
def test_keyword_arguments_and_ternary_methods_as_pytorchs(torch):
    rng = np.random.default_rng(2)
    a, b, c = (rng.uniform(0.5, 2, (2, 3)) for _ in range(3))
    A, B, C = (tg.tensor(v) for v in (a, b, c))
    At, Bt, Ct = (torch.tensor(v) for v in (a, b, c))
    assert_close(A.add(B, alpha=2), At.add(Bt, alpha=2))
    assert_close(A.sub(B, alpha=0.5), At.sub(Bt, alpha=0.5))
    assert_close(A.div(B, rounding_mode="trunc"), At.div(Bt, rounding_mode="trunc"))
    assert_close(A.div(B, rounding_mode="floor"), At.div(Bt, rounding_mode="floor"))
    assert_close(A.lerp(B, C), At.lerp(Bt, Ct))
    assert_close(A.addcmul(B, C, value=3), At.addcmul(Bt, Ct, value=3))
    assert_close(A.addcdiv(B, C, value=-1), At.addcdiv(Bt, Ct, value=-1))
    assert_close(A.round(decimals=1), At.round(decimals=1))
    assert_close(A.logit(eps=0.6), At.logit(eps=0.6))
    assert_close(A.heaviside(B), At.heaviside(Bt))
    assert_close(A.pow(2), At.pow(2))


@pytest.mark.torch
def test_floor_division_and_modulo_operators_as_pythons_and_pytorchs(torch):
    a, b = np.array([7, -7, 7, -7]), np.array([2, 2, -2, -2])
    A, B, At, Bt = tg.tensor(a), tg.tensor(b), torch.tensor(a), torch.tensor(b)
    assert_close(A // B, At // Bt)
    assert_close(A % B, At % Bt)
    assert (A // B).tolist() == [x // y for x, y in zip(a.tolist(), b.tolist())]
    assert (A % B).tolist() == [x % y for x, y in zip(a.tolist(), b.tolist())]
    assert_close(7 // B, 7 // Bt)
    assert_close(7 % B, 7 % Bt)
    f = tg.tensor([5.5, -5.5])
    assert_close(f % 2, torch.tensor([5.5, -5.5]) % 2)
    assert_close(f // 2, torch.tensor([5.5, -5.5]) // 2)


@pytest.mark.torch
@pytest.mark.parametrize("call", [lambda t: t.clamp_min_(0.0), lambda t: t.clamp_max_(0.0),
                                  lambda t: t.clip_(-0.5, 0.5)], ids=["clamp_min_", "clamp_max_", "clip_"])
def test_in_place_clamps_as_pytorchs(torch, call):
    x = np.array([-1.0, -0.25, 0.25, 1.0])
    ours, theirs = tg.tensor(x), torch.tensor(x)
    out = call(ours)
    call(theirs)
    assert out is ours and ours._version == 1
    assert_close(ours, theirs)
    leaf = tg.tensor(x, requires_grad=True)
    with pytest.raises(RuntimeError):
        call(leaf)
    y = leaf * 2  # a non-leaf in place: δ passes where the clamp kept the value
    yt = torch.tensor(x, requires_grad=True)
    zt = yt * 2
    call(y).sum().backward()
    call(zt).sum().backward()
    assert_close(leaf.grad, yt.grad)
