"""F.scaled_dot_product_attention against PyTorch in float64: values and gradients of query, key, value and a
float mask, for bool/float/causal masks, explicit scales, broadcast batch dimensions and grouped-query heads;
rows with every key masked (zeros, as PyTorch's safe softmax); finite differences, second derivatives, dropout
and bad inputs."""
import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F
from tests.helpers import assert_close, numeric_grad
from tinygrad_edu.errors import ShapeError


def run_both(torch, q, k, v, mask=None, mask_grad=False, **kw):
    """Our and torch's attention on the same arrays, backward of Σ r ⊙ out; the four gradient pairs."""
    ours = [tg.Tensor(a, requires_grad=True) for a in (q, k, v)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (q, k, v)]
    m_ours = m_theirs = None
    if mask is not None:
        m_ours = tg.Tensor(mask, requires_grad=mask_grad)
        m_theirs = torch.tensor(mask, requires_grad=mask_grad)
    out = F.scaled_dot_product_attention(*ours, attn_mask=m_ours, **kw)
    out_t = torch.nn.functional.scaled_dot_product_attention(*theirs, attn_mask=m_theirs, **kw)
    assert_close(out, out_t, rtol=1e-10, atol=1e-12)
    r = np.random.default_rng(99).standard_normal(out.shape)
    out.backward(tg.Tensor(r))
    out_t.backward(torch.tensor(r))
    for a, b in zip(ours, theirs):
        assert_close(a.grad, b.grad, rtol=1e-9, atol=1e-11)
    if mask_grad:
        assert_close(m_ours.grad, m_theirs.grad, rtol=1e-9, atol=1e-11)
    return out


def qkv(rng, batch, L, S, E, Ev):
    return (rng.standard_normal(batch + (L, E)), rng.standard_normal(batch + (S, E)),
            rng.standard_normal(batch + (S, Ev)))


@pytest.mark.torch
@pytest.mark.parametrize("batch", [(), (3,), (2, 3)])
@pytest.mark.parametrize("case", ["plain", "causal", "causal_wide", "scale", "bool", "float", "float_grad"])
def test_as_pytorch(torch, batch, case):
    rng = np.random.default_rng(0)
    L, S = (4, 6) if case == "causal_wide" else (5, 4) if case == "causal" else (4, 6)
    q, k, v = qkv(rng, batch, L, S, 5, 3)
    kw, mask = {}, None
    if case.startswith("causal"):
        kw["is_causal"] = True
    if case == "scale":
        kw["scale"] = 0.37
    if case == "bool":
        mask = rng.random((L, S)) > 0.3
        mask[:, 0] = True
    if case.startswith("float"):
        mask = rng.standard_normal(batch[-1:] + (1, S) if batch else (L, S))
    run_both(torch, q, k, v, mask, mask_grad=case == "float_grad", **kw)


@pytest.mark.torch
def test_rows_with_every_key_masked_are_zero_as_pytorch(torch):
    rng = np.random.default_rng(1)
    q, k, v = qkv(rng, (2, 2), 3, 4, 5, 3)
    mask = np.ones((3, 4), bool)
    mask[1] = False
    out = run_both(torch, q, k, v, mask)
    assert np.all(out.data[..., 1, :] == 0) and np.isfinite(out.data).all()
    fmask = np.zeros((2, 1, 3, 4))
    fmask[0, 0, 2] = -np.inf
    run_both(torch, q, k, v, fmask)


@pytest.mark.torch
@pytest.mark.parametrize("hq, hk, hv", [(4, 2, 2), (6, 3, 1), (2, 2, 2)])
def test_grouped_query_heads_as_pytorch(torch, hq, hk, hv):
    rng = np.random.default_rng(2)
    q, k, v = rng.standard_normal((2, hq, 3, 4)), rng.standard_normal((2, hk, 5, 4)), rng.standard_normal((2, hv, 5, 6))
    run_both(torch, q, k, v, enable_gqa=True)


@pytest.mark.torch
@given(L=st.integers(1, 5), S=st.integers(1, 5), E=st.integers(1, 4), Ev=st.integers(1, 4),
       batch=st.lists(st.integers(1, 3), max_size=2).map(tuple), masked=st.sampled_from(["none", "bool", "float",
                                                                                       "causal"]),
       seed=st.integers(0, 2 ** 16))
def test_any_shape_as_pytorch(torch, L, S, E, Ev, batch, masked, seed):
    rng = np.random.default_rng(seed)
    q, k, v = qkv(rng, batch, L, S, E, Ev)
    mask = {"bool": lambda: rng.random((L, S)) > 0.5, "float": lambda: rng.standard_normal((L, S))}.get(masked)
    run_both(torch, q, k, v, None if mask is None else mask(), is_causal=masked == "causal")


def test_finite_differences():
    rng = np.random.default_rng(3)
    q, k, v = (tg.Tensor(a, requires_grad=True) for a in qkv(rng, (2,), 3, 4, 2, 3))
    mask = rng.random((3, 4)) > 0.3
    mask[:, 1] = True
    r = rng.standard_normal((2, 3, 3))
    F.scaled_dot_product_attention(q, k, v, mask).backward(tg.Tensor(r))
    fns = [lambda t: F.scaled_dot_product_attention(t, k, v, mask),
           lambda t: F.scaled_dot_product_attention(q, t, v, mask),
           lambda t: F.scaled_dot_product_attention(q, k, t, mask)]
    for fn, x in zip(fns, (q, k, v)):
        np.testing.assert_allclose(x.grad.data, numeric_grad(fn, x, r), rtol=1e-6, atol=1e-8)


@pytest.mark.torch
def test_second_derivatives_as_pytorch(torch):
    rng = np.random.default_rng(4)
    arrays = qkv(rng, (2,), 3, 4, 2, 3)
    ours = [tg.Tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    (g,) = tg.autograd.grad((F.scaled_dot_product_attention(*ours, is_causal=True) ** 2).sum(), ours[0],
                            create_graph=True)
    (gt,) = torch.autograd.grad((torch.nn.functional.scaled_dot_product_attention(*theirs, is_causal=True) ** 2).sum(),
                                theirs[0], create_graph=True)
    assert_close(g, gt, rtol=1e-9, atol=1e-11)
    (g * g).sum().backward()
    (gt * gt).sum().backward()
    for a, b in zip(ours, theirs):
        assert_close(a.grad, b.grad, rtol=1e-8, atol=1e-10)


def test_dropout_zeroes_weights_and_scales_the_rest():
    rng = np.random.default_rng(5)
    q, k = rng.standard_normal((50, 3, 4)), rng.standard_normal((50, 4, 4))
    v = np.broadcast_to(np.eye(4), (50, 4, 4)).copy()  # out = the (dropped) attention weights
    full = F.scaled_dot_product_attention(q, k, v).data
    tg.manual_seed(0)
    dropped = F.scaled_dot_product_attention(q, k, v, dropout_p=0.25).data
    kept = dropped != 0
    np.testing.assert_allclose(dropped[kept], full[kept] / 0.75, rtol=1e-12)
    assert 0.65 < kept.mean() < 0.85
    assert np.all(F.scaled_dot_product_attention(q, k, v, dropout_p=1.0).data == 0)


def test_numpy_inputs_and_float32():
    rng = np.random.default_rng(6)
    q, k, v = (a.astype(np.float32) for a in qkv(rng, (2,), 3, 4, 2, 3))
    out = F.scaled_dot_product_attention(q, k, v)
    assert out.dtype == np.float32 and out.shape == (2, 3, 3)


@pytest.mark.torch
@pytest.mark.parametrize("make, error", [
    (lambda t: ((t.zeros(2, 3, 4), t.zeros(2, 5, 4), t.zeros(2, 5, 3)), dict(attn_mask=t.ones(3, 5, dtype=t.bool),
                                                                             is_causal=True)), RuntimeError),
    (lambda t: ((t.zeros(2, 3, 4), t.zeros(2, 5, 3), t.zeros(2, 5, 3)), {}), RuntimeError),
    (lambda t: ((t.zeros(2, 3, 4), t.zeros(2, 5, 4), t.zeros(2, 6, 3)), {}), RuntimeError),
    (lambda t: ((t.zeros(1, 4, 3, 4), t.zeros(1, 3, 5, 4), t.zeros(1, 3, 5, 4)), dict(enable_gqa=True)), RuntimeError),
    (lambda t: ((t.zeros(2, 3, 4), t.zeros(2, 5, 4), t.zeros(2, 5, 3)), dict(attn_mask=t.zeros(4, 5))), RuntimeError),
    (lambda t: ((t.zeros(2, 3, 4), t.zeros(2, 5, 4), t.zeros(2, 5, 3)), dict(attn_mask=t.ones(3, 5, dtype=t.int64))),
     RuntimeError),
])
def test_bad_inputs_as_pytorch(torch, make, error):
    args, kw = make(torch)
    with pytest.raises(error):
        torch.nn.functional.scaled_dot_product_attention(*args, **kw)
    args, kw = make(tg)
    with pytest.raises(error, match="scaled_dot_product_attention"):
        F.scaled_dot_product_attention(*args, **kw)


def test_shape_errors_name_the_rule():
    with pytest.raises(ShapeError, match=r"same last dimension"):
        F.scaled_dot_product_attention(tg.zeros(3, 4), tg.zeros(5, 3), tg.zeros(5, 2))
    with pytest.raises(ShapeError, match=r"must divide the number of heads in query \(4\)"):
        F.scaled_dot_product_attention(tg.zeros(1, 4, 3, 4), tg.zeros(1, 3, 5, 4), tg.zeros(1, 3, 5, 4),
                                       enable_gqa=True)


@pytest.mark.torch
@pytest.mark.parametrize("L, S", [(0, 0), (3, 0), (0, 5)])
def test_empty_query_or_key_sequences_as_pytorch(torch, L, S):
    rng = np.random.default_rng(7)
    q, k, v = qkv(rng, (2,), L, S, 4, 3)
    out = F.scaled_dot_product_attention(q, k, v)
    out_t = torch.nn.functional.scaled_dot_product_attention(torch.tensor(q), torch.tensor(k), torch.tensor(v))
    assert_close(out, out_t, rtol=0, atol=0)


@pytest.mark.torch
@pytest.mark.parametrize("scale", [0.3, -2.0, math.inf, -math.inf])
def test_scale_is_applied_as_torchs_kernel_does(torch, scale):
    """scale = ±∞: PyTorch's NaNs (it scales Q and K by √|scale|, so ∞·q·k meets ∞ − ∞); ours multiplied the
    scores, found rows of −∞ and gave them zero weights."""
    rng = np.random.default_rng(5)
    q, k, v = (rng.standard_normal(s).astype(np.float32) for s in ((2, 3, 8), (2, 5, 8), (2, 5, 4)))
    ours = tg.nn.functional.scaled_dot_product_attention(tg.tensor(q), tg.tensor(k), tg.tensor(v), scale=scale)
    theirs = torch.nn.functional.scaled_dot_product_attention(torch.tensor(q), torch.tensor(k), torch.tensor(v),
                                                              scale=scale)
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-5, atol=1e-6, equal_nan=True)
