"""conv3d and conv_transpose3d (compositions of the 2-D Functions over the kernel's depth offsets) against PyTorch:
values in float32 and float64, gradients of input, weight and bias, stride/padding/'same'/'valid'/dilation/groups,
output_padding, second derivatives, central differences, SymPy values, and the refusals."""
import numpy as np
import pytest
import sympy
from hypothesis import given, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.errors import ShapeError
from tinygrad_edu.symbolic import symbols
from tests.helpers import numeric_grad, rand64


@st.composite
def conv_case(draw):
    """A valid conv3d: per axis kernel, stride, dilation, padding (int, 'same' with stride 1, or 'valid') and an input
    size the dilated kernel fits in."""
    groups = draw(st.sampled_from([1, 2]))
    c, o = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    k = tuple(draw(st.integers(1, 3)) for _ in range(3))
    d = tuple(draw(st.integers(1, 2)) for _ in range(3))
    mode = draw(st.sampled_from(["int", "same", "valid"]))
    s = (1, 1, 1) if mode == "same" else tuple(draw(st.integers(1, 2)) for _ in range(3))
    p = tuple(draw(st.integers(0, 2)) for _ in range(3)) if mode == "int" else mode
    pads = p if mode == "int" else (0, 0, 0)
    size = tuple(max(1, di * (ki - 1) + 1 - 2 * pi) + draw(st.integers(0, 2)) for ki, di, pi in zip(k, d, pads))
    return (draw(st.integers(1, 2)), c) + size, (o, c // groups) + k, s, p, d, groups


def _both(torch, x, w, b, fn, tfn, **kw):
    """Our op and PyTorch's on the same numbers: outputs, then the gradients of x, w, b for the same δ."""
    tx, tw, tb = (torch.tensor(t.data, requires_grad=True) for t in (x, w, b))
    y, ty = fn(x, w, b, **kw), tfn(tx, tw, tb, **kw)
    delta = np.random.default_rng(1).standard_normal(y.shape).astype(x.dtype)
    (y * tg.Tensor(delta)).sum().backward()
    (ty * torch.tensor(delta)).sum().backward()
    return [(y.data, ty.detach().numpy())] + [(a.grad.data, t.grad.numpy()) for a, t in ((x, tx), (w, tw), (b, tb))]


@pytest.mark.torch
@pytest.mark.filterwarnings("ignore:Using padding='same'")
@given(case=conv_case(), seed=st.integers(0, 2**16))
def test_conv3d_matches_torch_values_and_gradients(torch, case, seed):
    x_shape, w_shape, s, p, d, groups = case
    rng = np.random.default_rng(seed)
    x, w, b = rand64(rng, x_shape), rand64(rng, w_shape), rand64(rng, (w_shape[0],))
    for ours, theirs in _both(torch, x, w, b, F.conv3d, torch.nn.functional.conv3d, stride=s, padding=p,
                              dilation=d, groups=groups):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-10)


@st.composite
def transpose_case(draw):
    """A valid conv_transpose3d: output_padding below stride or dilation, padding leaving a positive output."""
    groups = draw(st.sampled_from([1, 2]))
    c_in, c_out_g = groups * draw(st.integers(1, 2)), draw(st.integers(1, 2))
    k = tuple(draw(st.integers(1, 3)) for _ in range(3))
    s = tuple(draw(st.integers(1, 3)) for _ in range(3))
    d = tuple(draw(st.integers(1, 2)) for _ in range(3))
    e = tuple(draw(st.integers(0, max(si, di) - 1)) for si, di in zip(s, d))
    n = tuple(draw(st.integers(1, 3)) for _ in range(3))
    p = tuple(draw(st.integers(0, ((ni - 1) * si + di * (ki - 1) + ei) // 2))
              for ni, si, di, ki, ei in zip(n, s, d, k, e))
    return (draw(st.integers(1, 2)), c_in) + n, (c_in, c_out_g) + k, s, p, e, d, groups


@pytest.mark.torch
@given(case=transpose_case(), seed=st.integers(0, 2**16))
def test_conv_transpose3d_matches_torch_values_and_gradients(torch, case, seed):
    y_shape, w_shape, s, p, e, d, groups = case
    rng = np.random.default_rng(seed)
    y, w, b = rand64(rng, y_shape), rand64(rng, w_shape), rand64(rng, (w_shape[1] * groups,))
    for ours, theirs in _both(torch, y, w, b, F.conv_transpose3d, torch.nn.functional.conv_transpose3d, stride=s,
                              padding=p, output_padding=e, groups=groups, dilation=d):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-10)


@pytest.mark.torch
@pytest.mark.parametrize("transposed", [False, True])
def test_float32_and_unbatched_match_torch(torch, transposed):
    rng = np.random.default_rng(3)
    x = tg.Tensor(rng.standard_normal((4, 5, 6, 7)).astype(np.float32), requires_grad=True)
    w_shape = (4, 3, 3, 2, 3) if transposed else (6, 2, 3, 2, 3)
    w = tg.Tensor(rng.standard_normal(w_shape).astype(np.float32), requires_grad=True)
    b = tg.Tensor(rng.standard_normal(6).astype(np.float32), requires_grad=True)
    kw = dict(stride=2, padding=1, output_padding=1, groups=2) if transposed else dict(stride=(1, 2, 1), padding=1,
                                                                                     dilation=(2, 1, 1), groups=2)
    fn, tfn = ((F.conv_transpose3d, torch.nn.functional.conv_transpose3d) if transposed
               else (F.conv3d, torch.nn.functional.conv3d))
    results = _both(torch, x, w, b, fn, tfn, **kw)
    assert results[0][0].dtype == np.float32 and results[0][0].ndim == 4
    for ours, theirs in results:
        np.testing.assert_allclose(ours, theirs, rtol=2e-5, atol=2e-5)


def test_gradients_match_central_differences():
    rng = np.random.default_rng(4)
    x, w = rand64(rng, (1, 2, 4, 3, 3)), rand64(rng, (2, 2, 2, 2, 1))
    v = rng.standard_normal(F.conv3d(x, w, stride=(2, 1, 1), padding=1).shape)
    F.conv3d(x, w, stride=(2, 1, 1), padding=1).mul(tg.Tensor(v)).sum().backward()
    np.testing.assert_allclose(x.grad.data, numeric_grad(lambda t: F.conv3d(t, w.detach(), stride=(2, 1, 1),
                                                                            padding=1), x, v), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(w.grad.data, numeric_grad(lambda t: F.conv3d(x.detach(), t, stride=(2, 1, 1),
                                                                            padding=1), w, v), rtol=1e-6, atol=1e-8)
    y, wt = rand64(rng, (1, 2, 2, 2, 2)), rand64(rng, (2, 1, 2, 2, 2))
    u = rng.standard_normal(F.conv_transpose3d(y, wt, stride=2, padding=1, output_padding=1).shape)
    F.conv_transpose3d(y, wt, stride=2, padding=1, output_padding=1).mul(tg.Tensor(u)).sum().backward()
    np.testing.assert_allclose(y.grad.data, numeric_grad(
        lambda t: F.conv_transpose3d(t, wt.detach(), stride=2, padding=1, output_padding=1), y, u),
        rtol=1e-6, atol=1e-8)


@pytest.mark.torch
def test_second_derivatives_match_torch(torch):
    """∂/∂W of ⟨∂E/∂x, v⟩ (double backward through the 2-D Functions), as PyTorch's."""
    rng = np.random.default_rng(5)
    x, w = rand64(rng, (2, 2, 4, 4, 3)), rand64(rng, (3, 2, 2, 3, 2))
    v = rng.standard_normal(x.shape)
    (gx,) = tg.autograd.grad((F.conv3d(x, w, padding=1) ** 2).sum(), [x], create_graph=True)
    (gx * tg.Tensor(v)).sum().backward()
    tx, tw = torch.tensor(x.data, requires_grad=True), torch.tensor(w.data, requires_grad=True)
    (tgx,) = torch.autograd.grad((torch.nn.functional.conv3d(tx, tw, padding=1) ** 2).sum(), [tx], create_graph=True)
    (tgx * torch.tensor(v)).sum().backward()
    np.testing.assert_allclose(gx.data, tgx.detach().numpy(), rtol=1e-10)
    np.testing.assert_allclose(w.grad.data, tw.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-10, atol=1e-10)


def test_sympy_values_give_the_sum_over_depth_offsets():
    """u[t, i, j] = Σ_{r,p,q} W[r,p,q]·x[2t + r, i + p, j + q] (stride 2 in depth) and ∂E/∂W[r,p,q] =
    Σ_{t,i,j} δ[t,i,j]·x[2t + r, i + p, j + q], exactly."""
    x = symbols("x", (1, 1, 4, 2, 2), start=0, requires_grad=True)
    w = symbols("W", (1, 1, 2, 1, 2), start=0, requires_grad=True)
    delta = symbols("delta", (1, 1, 2, 2, 1), start=0)
    u = F.conv3d(x, w, stride=(2, 1, 1))
    assert u.shape == (1, 1, 2, 2, 1)
    xs, ws, ds = x.data[0, 0], w.data[0, 0], delta.data[0, 0]
    for t in range(2):
        for i in range(2):
            expected = sum(ws[r, 0, q] * xs[2 * t + r, i, q] for r in range(2) for q in range(2))
            assert sympy.expand(u.data[0, 0, t, i, 0] - expected) == 0
    (u * delta).sum().backward()
    for r in range(2):
        for q in range(2):
            expected = sum(ds[t, i, 0] * xs[2 * t + r, i, q] for t in range(2) for i in range(2))
            assert sympy.expand(w.grad.data[0, 0, r, 0, q] - expected) == 0
    assert sympy.expand(x.grad.data[0, 0, 3, 1, 1] - ds[1, 1, 0] * ws[1, 0, 1]) == 0


@pytest.mark.parametrize("call, error, message", [
    (lambda: F.conv3d(tg.randn(1, 5, 5), tg.randn(1, 1, 3, 3, 3)), ShapeError,
     r"conv3d: expected input \(N, C, D, H, W\) or unbatched \(C, D, H, W\), got shape \(1, 5, 5\)"),
    (lambda: F.conv3d(tg.randn(1, 1, 2, 5, 5), tg.randn(1, 1, 3, 3, 3)), ShapeError,
     r"conv3d: output depth \(2 \+ 2·0 − 3\)/1 \+ 1 = 0 is not positive \(input 2, kernel 3"),
    (lambda: F.conv3d(tg.randn(1, 3, 4, 4, 4), tg.randn(4, 1, 3, 3, 3), groups=2), ShapeError,
     r"conv3d: input channels C = 3 are not divisible by groups = 2"),
    (lambda: F.conv3d(tg.randn(1, 2, 4, 4, 4), tg.randn(4, 2, 3, 3, 3), padding="same", stride=2), ShapeError,
     r"conv3d: padding='same' needs stride 1"),
    (lambda: F.conv3d(tg.randn(1, 2, 4, 4, 4), tg.randn(4, 2, 3, 3, 3), stride=1.5), TypeError, r"conv3d: stride"),
    (lambda: F.conv_transpose3d(tg.randn(1, 2, 4, 4, 4), tg.randn(2, 2, 3, 3, 3), stride=2, output_padding=2),
     ShapeError, r"conv_transpose3d: output_padding \(2, 2, 2\) must be smaller than stride"),
    (lambda: F.conv3d(tg.randn(1, 2, 4, 4, 4), tg.randn(4, 2, 3, 3, 3).double()), TypeError,
     r"conv3d: expected all operands to have the same dtype"),
])
def test_refusals_name_the_op_and_the_rule(call, error, message):
    with pytest.raises(error, match=message):
        call()
