"""unfold/fold (im2col/col2im) against torch.nn.functional.unfold/fold, their adjointness, and the
locally connected layer (lecture F19) against a PyTorch reference, finite differences and symbols."""
import re

import numpy as np
import pytest
import sympy
from hypothesis import assume, given, strategies as st

import tinygrad_edu as tg
from tinygrad_edu.ops.local import fold, locally_connected2d, unfold
from tests.helpers import assert_close, numeric_grad, rand64


@st.composite
def patch_case(draw):
    k = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    d = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    p = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    s = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    hw = (draw(st.integers(1, 7)), draw(st.integers(1, 7)))
    assume(all(hw[i] + 2 * p[i] >= d[i] * (k[i] - 1) + 1 for i in range(2)))
    return (draw(st.integers(1, 2)), draw(st.integers(1, 3))) + hw, k, d, p, s


@given(case=patch_case(), seed=st.integers(0, 2**16))
def test_unfold_and_fold_match_torch(case, seed):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    shape, k, d, p, s = case
    rng = np.random.default_rng(seed)
    x = rand64(rng, shape)
    xt = torch.tensor(x.data, requires_grad=True)
    cols, cols_t = unfold(x, k, d, p, s), F.unfold(xt, k, d, p, s)
    assert_close(cols, cols_t)
    g = rng.standard_normal(cols.shape)
    cols.backward(tg.Tensor(g))
    cols_t.backward(torch.tensor(g))
    assert_close(x.grad, xt.grad)
    c = rand64(rng, cols.shape)
    ct = torch.tensor(c.data, requires_grad=True)
    img, img_t = fold(c, shape[2:], k, d, p, s), F.fold(ct, shape[2:], k, d, p, s)
    assert_close(img, img_t)
    h = rng.standard_normal(img.shape)
    img.backward(tg.Tensor(h))
    img_t.backward(torch.tensor(h))
    assert_close(c.grad, ct.grad)


def test_fold_is_the_adjoint_of_unfold():
    """⟨unfold x, c⟩ = ⟨x, fold c⟩: col2im is im2col transposed (lecture F32)."""
    rng = np.random.default_rng(1)
    x = rand64(rng, (2, 3, 6, 5), requires_grad=False)
    cols = unfold(x, (3, 2), 1, 1, 2)
    c = rng.standard_normal(cols.shape)
    np.testing.assert_allclose((cols.data * c).sum(), (x.data * fold(tg.Tensor(c), (6, 5), (3, 2), 1, 1, 2).data).sum())


def test_unfold_second_derivative_through_fold():
    rng = np.random.default_rng(2)
    x = rand64(rng, (1, 2, 4, 4))
    cols = unfold(x, 2, 1, 1, 1)
    u = rand64(rng, cols.shape)
    (gx,) = tg.grad(cols, [x], u, create_graph=True)
    w = rng.standard_normal(x.shape)
    (gu,) = tg.grad((gx * tg.Tensor(w)).sum(), [u])
    assert_close(gu, unfold(tg.Tensor(w), 2, 1, 1, 1).data)


def test_unfold_on_symbols_lists_each_patch():
    z = np.array(sympy.symbols("z0:9"), dtype=object).reshape(1, 1, 3, 3)
    cols = unfold(tg.Tensor(z), 2).data
    assert cols.shape == (1, 4, 4)
    assert list(cols[0, :, 3]) == [z[0, 0, 1, 1], z[0, 0, 1, 2], z[0, 0, 2, 1], z[0, 0, 2, 2]]


def torch_locally_connected(torch, x, w, b, stride, padding):
    """The reference: y[n, o, i, j] = Σ W[i, j, o, c, p, q] patch[n, c, p, q] + b[o, i, j], by einsum."""
    oh, ow, c_out, c_in, kh, kw = w.shape
    cols = torch.nn.functional.unfold(x, (kh, kw), padding=padding, stride=stride)
    y = torch.einsum("nkl,lok->nol", cols, w.reshape(oh * ow, c_out, c_in * kh * kw)).reshape(-1, c_out, oh, ow)
    return y if b is None else y + b


@given(n=st.integers(1, 2), c_in=st.integers(1, 3), c_out=st.integers(1, 3),
       hw=st.tuples(st.integers(2, 6), st.integers(2, 6)), k=st.integers(1, 3), stride=st.integers(1, 2),
       padding=st.integers(0, 1), bias=st.booleans(), seed=st.integers(0, 2**16))
def test_locally_connected2d_matches_torch_reference(n, c_in, c_out, hw, k, stride, padding, bias, seed):
    torch = pytest.importorskip("torch")
    assume(min(hw) + 2 * padding >= k)
    oh, ow = ((hw[0] + 2 * padding - k) // stride + 1, (hw[1] + 2 * padding - k) // stride + 1)
    rng = np.random.default_rng(seed)
    x, w = rand64(rng, (n, c_in) + hw), rand64(rng, (oh, ow, c_out, c_in, k, k))
    b = rand64(rng, (c_out, oh, ow)) if bias else None
    mirror = [torch.tensor(t.data, requires_grad=True) if t is not None else None for t in (x, w, b)]
    y = locally_connected2d(x, w, b, stride, padding)
    yt = torch_locally_connected(torch, *mirror, stride, padding)
    assert_close(y, yt)
    g = rng.standard_normal(y.shape)
    y.backward(tg.Tensor(g))
    yt.backward(torch.tensor(g))
    for ours, theirs in zip((x, w, b), mirror):
        if ours is not None:
            assert_close(ours.grad, theirs.grad)


def test_locally_connected2d_with_shared_weights_is_conv2d(torch):
    """F52 vs F19: copying one conv kernel to every position gives back the convolution."""
    rng = np.random.default_rng(3)
    x, kernel = rng.standard_normal((2, 3, 5, 6)), rng.standard_normal((4, 3, 3, 3))
    w = np.broadcast_to(kernel, (3, 3, 4, 3, 3, 3)).copy()
    y = locally_connected2d(tg.Tensor(x), tg.Tensor(w), stride=2, padding=1)
    assert_close(y, torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(kernel), stride=2, padding=1))


def test_locally_connected2d_gradients_match_finite_differences():
    rng = np.random.default_rng(4)
    x, w, b = rand64(rng, (1, 2, 4, 3)), rand64(rng, (2, 2, 2, 2, 2, 2)), rand64(rng, (2, 2, 2))
    y = locally_connected2d(x, w, b, stride=(2, 1))
    v = rng.standard_normal(y.shape)
    y.backward(tg.Tensor(v))
    by_x = numeric_grad(lambda t: locally_connected2d(t, w, b, (2, 1)), x, v)
    by_w = numeric_grad(lambda t: locally_connected2d(x, t, b, (2, 1)), w, v)
    np.testing.assert_allclose(x.grad.data, by_x, rtol=1e-6)
    np.testing.assert_allclose(w.grad.data, by_w, rtol=1e-6)
    np.testing.assert_allclose(b.grad.data, v[0])


def test_locally_connected2d_on_symbols_uses_each_positions_own_weights():
    z = np.array(sympy.symbols("z0:9"), dtype=object).reshape(1, 1, 3, 3)
    w = np.array(sympy.symbols("w0:16"), dtype=object).reshape(2, 2, 1, 1, 2, 2)
    x = tg.Tensor(z, requires_grad=True)
    y = locally_connected2d(x, tg.Tensor(w))
    for i, j in np.ndindex(2, 2):
        expected = sum(w[i, j, 0, 0, p, q] * z[0, 0, i + p, j + q] for p in range(2) for q in range(2))
        assert sympy.expand(y.data[0, 0, i, j] - expected) == 0
    y.sum().backward()
    assert sympy.expand(x.grad.data[0, 0, 1, 1] - (w[0, 0, 0, 0, 1, 1] + w[0, 1, 0, 0, 1, 0] + w[1, 0, 0, 0, 0, 1]
                                                 + w[1, 1, 0, 0, 0, 0])) == 0


@pytest.mark.parametrize("call,message", [
    (lambda x: locally_connected2d(x, tg.ones(3, 3, 4, 2, 2, 2)),
     "locally_connected2d: weight shape expected (out_h, out_w, C_out, C_in, kh, kw) = (4, 4, 4, 2, 2, 2)"),
    (lambda x: locally_connected2d(x, tg.ones(4, 4, 4, 3, 2, 2)), "= (4, 4, 4, 2, 2, 2) for input (1, 2, 5, 5)"),
    (lambda x: locally_connected2d(x, tg.ones(4, 2, 2, 2)), "locally_connected2d: weight must be 6-D"),
    (lambda x: locally_connected2d(x, tg.ones(4, 4, 4, 2, 2, 2), tg.ones(4)),
     "locally_connected2d: bias shape expected (C_out, out_h, out_w) = (4, 4, 4), got (4,)"),
    (lambda x: locally_connected2d(x, tg.ones(1, 1, 1, 2, 7, 7)),
     "locally_connected2d: output height (5 + 2·0 − 7)/1 + 1 = −1 is not positive "
     "(input 5, kernel 7, padding 0, stride 1)"),
    (lambda x: unfold(x[0], 2), "unfold: expected a 4-D (N, C, H, W) input, got shape (2, 5, 5)"),
    (lambda x: fold(tg.ones(1, 8, 3), 5, 2), "fold: expected input (N, C·4, 16) for kernel (2, 2) and output (5, 5)"),
    (lambda x: unfold(x, 2, stride=0),
     "unfold: kernel_size (2, 2), dilation (1, 1) and stride (0, 0) must be positive"),
])
def test_errors_name_the_op_and_the_shapes(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call(tg.ones(1, 2, 5, 5))
