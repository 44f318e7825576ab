"""Matrix products: vectors, matrices and broadcast batches, against finite differences and PyTorch."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
from tinygrad_edu.inspect import gradcheck
from tests.helpers import assert_close, rand64, to_torch

PAIRS = [((3,), (3,)), ((3,), (3, 4)), ((2, 3), (3,)), ((2, 3), (3, 4)), ((5, 2, 3), (3, 4)),
         ((2, 3), (5, 3, 4)), ((5, 1, 2, 3), (4, 3, 2))]


@pytest.mark.parametrize("sa,sb", PAIRS)
def test_matmul_matches_torch(torch, sa, sb):
    rng = np.random.default_rng(10)
    a, b = rand64(rng, sa), rand64(rng, sb)
    at, bt = to_torch(torch, a), to_torch(torch, b)
    y, yt = a @ b, at @ bt
    assert_close(y, yt)
    g = rng.standard_normal(y.shape)
    y.backward(tg.Tensor(g))
    yt.backward(torch.tensor(g))
    assert_close(a.grad, at.grad)
    assert_close(b.grad, bt.grad)


@given(m=st.integers(1, 4), k=st.integers(1, 4), n=st.integers(1, 4), batch=st.sampled_from([(), (2,), (3, 1)]),
       seed=st.integers(0, 2**16))
def test_matmul_gradient_matches_finite_differences(m, k, n, batch, seed):
    rng = np.random.default_rng(seed)
    a, b = rand64(rng, batch + (m, k)), rand64(rng, (k, n))
    assert gradcheck(lambda a, b: a @ b, [a, b])


def test_mismatched_matmul_names_shapes_and_rule():
    with pytest.raises(ValueError, match=r"matmul: inner dimensions differ: \(2, 3\) @ \(4, 5\).*3 ≠ 4"):
        tg.ones(2, 3) @ tg.ones(4, 5)
    with pytest.raises(ValueError, match="batch dimensions"):
        tg.ones(2, 2, 3) @ tg.ones(3, 3, 4)


@pytest.mark.parametrize("op", ["matmul", "linear"])
def test_operands_of_different_dtypes_are_refused_and_symbolic_ones_mix(op):
    import sympy

    from tinygrad_edu.ops.compare import DtypeError
    import tinygrad_edu.functional as F

    call = (lambda a, b: a @ b) if op == "matmul" else (lambda a, b: F.linear(a, b))
    with pytest.raises(DtypeError, match=f"{op}: expected all operands to have the same dtype"):
        call(tg.ones(2, 3), tg.ones(3, 3, dtype=tg.float64))
    with pytest.raises(DtypeError, match="linear: expected all operands"):
        F.linear(tg.ones(2, 3), tg.ones(4, 3), tg.ones(4, dtype=tg.float64))
    symbolic = tg.Tensor(np.array([[sympy.Symbol("a")] * 3] * 3, dtype=object))
    assert call(tg.ones(2, 3), symbolic).shape == (2, 3)


@pytest.mark.torch
@pytest.mark.parametrize("lead", [(3,), (2, 3), (1,), (0,), ()])
@pytest.mark.parametrize("with_bias", [True, False])
def test_bilinear_matches_torch(torch, lead, with_bias):
    """F.bilinear: y_k = x₁ᵀA_k x₂ + b_k for any leading shape; values and every gradient as PyTorch."""
    from tinygrad_edu.ops.linalg import bilinear

    rng = np.random.default_rng(len(lead))
    arrays = [rng.standard_normal(s) for s in (lead + (4,), lead + (2,), (5, 4, 2), (5,))]
    ours = [tg.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    y = bilinear(*ours[:3], ours[3] if with_bias else None)
    yt = torch.nn.functional.bilinear(*theirs[:3], theirs[3] if with_bias else None)
    np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=1e-12, atol=1e-12)
    w = rng.standard_normal(yt.shape)
    (y * tg.tensor(w)).sum().backward()
    (yt * torch.tensor(w)).sum().backward()
    for a, b in zip(ours[:4 if with_bias else 3], theirs):
        np.testing.assert_allclose(a.grad.data, b.grad.numpy(), rtol=1e-12, atol=1e-12)
    assert gradcheck(lambda a, b, c: bilinear(a, b, c), [rand64(rng, lead + (4,)), rand64(rng, lead + (2,)),
                                                        rand64(rng, (5, 4, 2))])
