"""cdist (batch dimensions broadcast, every p) and pdist (also F.pdist) against PyTorch: values, gradients
(finite and PyTorch's where points coincide), finite differences in float64, and errors."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tests.helpers import assert_close, numeric_grad

PS = [0, 0.5, 1, 1.5, 2, 3, float("inf")]


def _both(torch, ours, theirs, *arrays, seed=0):
    xs = [tg.Tensor(a.copy(), requires_grad=True) for a in arrays]
    ts = [torch.tensor(a.copy(), requires_grad=True) for a in arrays]
    y, yt = ours(*xs), theirs(*ts)
    assert_close(y, yt, rtol=1e-9, atol=1e-12)
    v = np.random.default_rng(seed).standard_normal(y.shape)
    y.backward(tg.Tensor(v))
    yt.backward(torch.tensor(v))
    for x, t in zip(xs, ts):
        assert np.isfinite(x.grad.data).all()
        assert_close(x.grad, t.grad, rtol=1e-8, atol=1e-10)


@pytest.mark.torch
@given(shapes=st.sampled_from([((3, 2), (4, 2)), ((2, 3, 2), (2, 4, 2)), ((2, 1, 3, 2), (5, 1, 2)),
                               ((1, 3, 4), (2, 2, 4)), ((3, 1), (1, 1))]),
       p=st.sampled_from(PS), seed=st.integers(0, 50))
def test_cdist_as_pytorch(torch, shapes, p, seed):
    rng = np.random.default_rng(seed)
    a, b = rng.standard_normal(shapes[0]), rng.standard_normal(shapes[1])
    _both(torch, lambda x, y: tg.cdist(x, y, p), lambda x, y: torch.cdist(x, y, p), a, b, seed=seed)


@pytest.mark.torch
@pytest.mark.parametrize("p", [1, 2, 3, float("inf"), 0])
def test_cdist_gradient_at_coincident_points_is_finite_and_pytorchs(torch, p):
    rng = np.random.default_rng(1)
    a = rng.standard_normal((3, 4))
    b = np.concatenate([a[:2], rng.standard_normal((1, 4))])  # two pairs at distance 0
    _both(torch, lambda x, y: tg.cdist(x, y, p), lambda x, y: torch.cdist(x, y, p), a, b)
    x = tg.Tensor(a, requires_grad=True)
    tg.cdist(x, x, p).sum().backward()  # every diagonal entry is a zero distance
    xt = torch.tensor(a, requires_grad=True)
    torch.cdist(xt, xt, p).sum().backward()
    assert np.isfinite(x.grad.data).all()
    assert_close(x.grad, xt.grad, rtol=1e-8, atol=1e-10)


@pytest.mark.torch
@pytest.mark.parametrize("mode", ["use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist"])
@pytest.mark.parametrize("rows", [3, 30])
def test_cdist_matrix_product_form_as_pytorch(torch, mode, rows):
    # PyTorch computes p = 2 as ‖x₁‖² − 2x₁·x₂ + ‖x₂‖² for more than 25 points (or when asked); so does cdist here
    rng = np.random.default_rng(rows)
    a = rng.standard_normal((2, rows, 5))
    b = np.concatenate([a[:, :2], rng.standard_normal((2, 4, 5))], 1)  # coincident points: square ≈ 0
    xs = [tg.Tensor(a, requires_grad=True), tg.Tensor(b, requires_grad=True)]
    ts = [torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)]
    y, yt = tg.cdist(*xs, compute_mode=mode), torch.cdist(*ts, compute_mode=mode)
    assert_close(y, yt, rtol=1e-7, atol=1e-7)
    v = rng.standard_normal(y.shape)
    y.backward(tg.Tensor(v))
    yt.backward(torch.tensor(v))
    for x, t in zip(xs, ts):
        assert np.isfinite(x.grad.data).all()
        assert_close(x.grad, t.grad, rtol=1e-6, atol=1e-6)


def test_cdist_matrix_product_form_gradient_by_finite_differences():
    rng = np.random.default_rng(6)
    a, b = rng.standard_normal((27, 3)), rng.standard_normal((4, 3))
    x = tg.Tensor(a, requires_grad=True)
    v = rng.standard_normal((27, 4))
    (tg.cdist(x, tg.Tensor(b)) * tg.Tensor(v)).sum().backward()
    np.testing.assert_allclose(x.grad.data, numeric_grad(lambda t: tg.cdist(t, tg.Tensor(b)), x, v), atol=1e-7)


@pytest.mark.parametrize("p", [1, 2, 3])
def test_cdist_gradient_by_finite_differences(p):
    rng = np.random.default_rng(2)
    a, b = rng.standard_normal((2, 3, 2)), rng.standard_normal((1, 4, 2))
    x = tg.Tensor(a, requires_grad=True)
    v = rng.standard_normal((2, 3, 4))
    (tg.cdist(x, tg.Tensor(b), p) * tg.Tensor(v)).sum().backward()
    np.testing.assert_allclose(x.grad.data, numeric_grad(lambda t: tg.cdist(t, tg.Tensor(b), p), x, v), atol=1e-7)


@pytest.mark.torch
@given(n=st.integers(0, 5), m=st.integers(1, 3), p=st.sampled_from(PS), duplicate=st.booleans(),
       seed=st.integers(0, 50))
def test_pdist_as_pytorch(torch, n, m, p, duplicate, seed):
    a = np.random.default_rng(seed).standard_normal((n, m))
    if duplicate and n >= 2:
        a[1] = a[0]  # a zero distance: δ 0 there, as PyTorch
    if p == 0 and duplicate:
        return  # PyTorch's pdist backward is not defined for p = 0 and gives NaN
    if n < 2:  # no pairs: PyTorch's pdist backward crashes the process on an empty input, so ours is checked alone
        x = tg.Tensor(a, requires_grad=True)
        y = tg.pdist(x, p)
        assert_close(y, torch.pdist(torch.tensor(a), p))
        y.sum().backward()
        assert x.grad is None or not x.grad.data.any()
        return
    _both(torch, lambda x: tg.pdist(x, p), lambda x: torch.pdist(x, p), a, seed=seed)
    assert_close(F.pdist(tg.Tensor(a), p), torch.nn.functional.pdist(torch.tensor(a), p), rtol=1e-9, atol=1e-12)


def test_pdist_gradient_by_finite_differences():
    rng = np.random.default_rng(3)
    x = tg.Tensor(rng.standard_normal((4, 3)), requires_grad=True)
    v = rng.standard_normal(6)
    (tg.pdist(x) * tg.Tensor(v)).sum().backward()
    np.testing.assert_allclose(x.grad.data, numeric_grad(tg.pdist, x, v), atol=1e-8)


@pytest.mark.torch
def test_float32_and_compute_modes(torch):
    a = np.random.default_rng(4).standard_normal((3, 2)).astype(np.float32)
    ours = tg.cdist(tg.tensor(a), tg.tensor(a), compute_mode="donot_use_mm_for_euclid_dist")
    assert ours.dtype == np.float32
    assert_close(ours, torch.cdist(torch.tensor(a), torch.tensor(a)), rtol=1e-5, atol=1e-6)
    assert tg.pdist(tg.tensor(a)).dtype == np.float32


@pytest.mark.parametrize("call, error, words", [
    (lambda: tg.cdist(tg.zeros(3), tg.zeros(3)), tg.errors.ShapeError, ["cdist", "2D", "1D"]),
    (lambda: tg.cdist(tg.zeros(3, 2), tg.zeros(3, 4)), tg.errors.ShapeError, ["cdist", "columns", "2", "4"]),
    (lambda: tg.cdist(tg.zeros(2, 3, 2), tg.zeros(3, 3, 2)), tg.errors.ShapeError, ["cdist", "batch"]),
    (lambda: tg.cdist(tg.zeros(3, 2), tg.zeros(3, 2), -1), tg.errors.ShapeError, ["cdist", "non-negative"]),
    (lambda: tg.cdist(tg.tensor([[1, 2]]), tg.tensor([[1, 2]])), TypeError, ["cdist", "floating"]),
    (lambda: tg.cdist(tg.zeros(3, 2), tg.zeros(3, 2).double()), TypeError, ["cdist", "dtype"]),
    (lambda: tg.cdist(tg.zeros(3, 2), tg.zeros(3, 2), compute_mode="bogus"), ValueError, ["cdist", "bogus"]),
    (lambda: tg.pdist(tg.zeros(3)), tg.errors.ShapeError, ["pdist", "2D"]),
    (lambda: F.pdist(tg.tensor([[1, 2]])), TypeError, ["pdist", "floating"]),
])
def test_errors_name_the_op(call, error, words):
    with pytest.raises(error) as info:
        call()
    for w in words:
        assert w in str(info.value)


def test_symbolic_cdist_is_the_p_norm():
    import sympy

    from tinygrad_edu.symbolic import symbols

    a, b = symbols("a", (1, 2)), symbols("b", (1, 2))
    (a1, a2), (b1, b2) = a.data[0], b.data[0]
    assert sympy.simplify(tg.cdist(a, b, 1).data[0, 0] - (sympy.Abs(a1 - b1) + sympy.Abs(a2 - b2))) == 0
