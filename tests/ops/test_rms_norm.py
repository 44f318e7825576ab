"""rms_norm against PyTorch: values and gradients (input and weight) in float32 and float64 over shapes,
normalized_shape of one or more dims, eps=None (the dtype's machine epsilon) or given, finite differences in
float64, zero rows (where ε decides), SymPy values, errors."""
import numpy as np
import pytest
import sympy
from hypothesis import given, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tests.helpers import assert_close, numeric_grad, rand64


@pytest.mark.torch
@given(shape=st.sampled_from([(2, 3, 4), (5, 4), (4,), (2, 2, 3, 2)]), k=st.integers(1, 2),
       eps=st.sampled_from([None, 1e-5, 0.0, 0.5]), weighted=st.booleans(), zero=st.booleans(),
       dtype=st.sampled_from([np.float32, np.float64]), seed=st.integers(0, 999))
def test_as_pytorch(torch, shape, k, eps, weighted, zero, dtype, seed):
    k = min(k, len(shape))
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape).astype(dtype)
    if zero and eps != 0.0:
        x.reshape((-1,) + shape[len(shape) - k:])[0] = 0  # a zero sample: the value 0, δ = γδ/√ε
    ns = list(shape[len(shape) - k:])
    w = rng.standard_normal(ns).astype(dtype) if weighted else None
    xs, xt = tg.Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ws, wt = (tg.Tensor(w, requires_grad=True), torch.tensor(w, requires_grad=True)) if weighted else (None, None)
    y, yt = F.rms_norm(xs, ns, ws, eps), torch.nn.functional.rms_norm(xt, ns, wt, eps)
    tight = dtype == np.float64
    assert y.dtype == np.dtype(dtype)
    assert_close(y, yt, rtol=1e-10 if tight else 1e-5, atol=1e-12 if tight else 1e-6)
    v = rng.standard_normal(shape).astype(dtype)
    y.backward(tg.Tensor(v))
    yt.backward(torch.tensor(v))
    for ours, theirs in ((xs, xt), (ws, wt)):
        if theirs is not None:
            scale = max(1.0, float(np.abs(theirs.grad.numpy()).max()))
            assert_close(ours.grad, theirs.grad, rtol=1e-8 if tight else 1e-4, atol=(1e-10 if tight else 1e-5) * scale)


def test_default_eps_is_the_machine_epsilon():
    zero = np.zeros((1, 4))
    v = np.ones((1, 4))
    for dtype in (np.float32, np.float64):
        x = tg.Tensor(zero.astype(dtype), requires_grad=True)
        F.rms_norm(x, (4,)).backward(tg.Tensor(v.astype(dtype)))
        np.testing.assert_allclose(x.grad.data, 1 / np.sqrt(np.finfo(dtype).eps), rtol=1e-6)


def test_finite_differences():
    rng = np.random.default_rng(0)
    x, w = rand64(rng, (3, 2, 4)), rand64(rng, (2, 4))
    v = rng.standard_normal((3, 2, 4))
    F.rms_norm(x, (2, 4), w, 1e-3).backward(tg.Tensor(v))
    assert_close(x.grad, numeric_grad(lambda t: F.rms_norm(t, (2, 4), w.detach(), 1e-3), x, v), rtol=1e-6, atol=1e-8)
    assert_close(w.grad, numeric_grad(lambda t: F.rms_norm(x.detach(), (2, 4), t, 1e-3), w, v), rtol=1e-6, atol=1e-8)


def test_symbolic_value():
    a, b = sympy.symbols("a b", positive=True)
    y = F.rms_norm(tg.Tensor(np.array([a, b], object)), [2])
    assert sympy.simplify(y.data[0] - a / sympy.sqrt((a**2 + b**2) / 2)) == 0


@pytest.mark.torch
@pytest.mark.parametrize("args", [((2, 3), [4], None), ((2, 3), [3], (4,)), ((2, 3), [0], None)])
def test_errors_as_pytorch(torch, args):
    shape, ns, wshape, *eps = args
    x = np.ones(shape)
    w = None if wshape is None else np.ones(wshape)
    with pytest.raises(RuntimeError) as theirs:
        torch.nn.functional.rms_norm(torch.tensor(x), ns, None if w is None else torch.tensor(w), *eps)
    assert theirs.value is not None
    with pytest.raises(type(theirs.value), match="rms_norm"):
        F.rms_norm(tg.Tensor(x), ns, None if w is None else tg.Tensor(w), *eps)


@pytest.mark.torch
def test_a_negative_eps_as_pytorch(torch):
    x = np.array([[0.1, 0.2, -0.1], [3.0, 1.0, 2.0]])
    assert_close(F.rms_norm(tg.Tensor(x), [3], eps=-0.5), torch.nn.functional.rms_norm(torch.tensor(x), [3], eps=-0.5))


def test_integer_input_is_refused():
    with pytest.raises(TypeError, match="rms_norm"):
        F.rms_norm(tg.Tensor(np.ones((2, 3), np.int64)), [3])


def test_the_torch_namespace_form():
    assert tg.rms_norm is F.rms_norm  # torch.rms_norm(input, normalized_shape, weight=None, eps=None)
