"""tg.linalg.cholesky / qr / eigh / eigvalsh / svd / svdvals: reconstruction, PyTorch's values and named tuples,
gradients (finite differences in float64 and PyTorch, batched, second order) with gauge-invariant losses, the
repeated-eigenvalue behaviour, and errors (not positive-definite, modes)."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
from tinygrad_edu.errors import ShapeError
from tests.helpers import assert_close
from tests.linalg.cases import check_grad, spd, sym, symmetric

L = tg.linalg


@pytest.mark.torch
@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_gradient(torch, upper):
    a = spd(np.random.default_rng(0))
    check_grad(torch, lambda x: L.cholesky(sym(x), upper=upper),
               lambda x: torch.linalg.cholesky((x + x.mT) / 2, upper=upper), a)
    x, t = tg.Tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)  # one triangle read, the
    (L.cholesky(x, upper=upper) ** 2).sum().backward()  # gradient symmetric: PyTorch's convention
    (torch.linalg.cholesky(t, upper=upper) ** 2).sum().backward()
    assert_close(x.grad, t.grad, rtol=1e-9)


@pytest.mark.torch
def test_cholesky_not_positive_definite(torch):
    a = np.stack([np.eye(2), np.diag([1.0, -1.0])])
    with pytest.raises(L.LinAlgError) as ours:
        L.cholesky(a)
    with pytest.raises(RuntimeError) as theirs:
        torch.linalg.cholesky(torch.tensor(a))
    assert str(ours.value) == str(theirs.value)
    ex = L.cholesky_ex(a)
    assert type(ex).__name__ == "linalg_cholesky_ex"
    np.testing.assert_array_equal(ex.info.data, torch.linalg.cholesky_ex(torch.tensor(a)).info.numpy())
    np.testing.assert_array_equal(ex.L.data[0], np.eye(2))
    assert L.cholesky_ex(np.eye(2) * 4).info.item() == 0


@given(st.integers(1, 5), st.integers(1, 5), st.integers(0, 10 ** 6), st.sampled_from(["reduced", "complete"]))
def test_qr_reconstructs(m, n, seed, mode):
    a = np.random.default_rng(seed).normal(size=(2, m, n))
    q, r = L.qr(a, mode)
    np.testing.assert_allclose(q.data @ r.data, a, atol=1e-10)
    np.testing.assert_allclose(np.swapaxes(q.data, -1, -2) @ q.data, np.broadcast_to(np.eye(q.shape[-1]),
                                                                                      (2,) + (q.shape[-1],) * 2),
                               atol=1e-10)
    assert np.allclose(np.tril(r.data, -1), 0)


@pytest.mark.torch
@pytest.mark.parametrize("shape", [(2, 4, 3), (2, 3, 3), (2, 3, 4)])
@pytest.mark.parametrize("part", ["Q", "R"])
def test_qr_gradient(torch, shape, part):
    a = np.random.default_rng(1).normal(size=shape)
    check_grad(torch, lambda x: getattr(L.qr(x), part), lambda x: getattr(torch.linalg.qr(x), part), a)


@pytest.mark.torch
def test_qr_modes_and_their_gradients(torch):
    a = tg.Tensor(np.random.default_rng(2).normal(size=(4, 3)), requires_grad=True)
    q, r = L.qr(a, "r")
    assert q.shape == (0,) and r.shape == (3, 3)
    with pytest.raises(RuntimeError, match="mode='r'"):
        r.sum().backward()
    q, r = L.qr(a, "complete")
    assert q.shape == (4, 4) and r.shape == (4, 3)
    with pytest.raises(RuntimeError, match="not differentiable when mode='complete' and nrows > ncols"):
        q.sum().backward()
    with pytest.raises(ShapeError, match="unrecognized mode 'full'"):
        L.qr(a, "full")
    assert type(L.qr(a)).__name__ == "linalg_qr"


@pytest.mark.torch
@pytest.mark.parametrize("UPLO", ["L", "U"])
def test_eigh_values_and_gradients(torch, UPLO):
    a = symmetric(np.random.default_rng(3), (2, 4, 4))
    ours, theirs = L.eigh(a, UPLO), torch.linalg.eigh(torch.tensor(a), UPLO)
    assert type(ours).__name__ == "linalg_eigh" and ours._fields == ("eigenvalues", "eigenvectors")
    assert_close(ours.eigenvalues, theirs.eigenvalues)
    # eigenvectors are defined up to sign: V² (and the gradient of a loss of V²) is gauge-invariant
    check_grad(torch, lambda x: L.eigh(sym(x), UPLO).eigenvectors ** 2,
               lambda x: torch.linalg.eigh((x + x.mT) / 2, UPLO).eigenvectors ** 2, a)
    check_grad(torch, lambda x: L.eigvalsh(sym(x), UPLO), lambda x: torch.linalg.eigvalsh((x + x.mT) / 2, UPLO), a)


@pytest.mark.torch
def test_eigvalsh_gradient_is_finite_for_repeated_eigenvalues(torch):
    a = tg.Tensor(np.eye(3), requires_grad=True)
    L.eigvalsh(a).sum().backward()
    t = torch.eye(3, dtype=torch.float64, requires_grad=True)
    torch.linalg.eigvalsh(t).sum().backward()
    assert_close(a.grad, t.grad, atol=1e-12)
    b = tg.Tensor(np.eye(3), requires_grad=True)
    (L.eigh(b).eigenvectors ** 2).sum().backward()  # the eigenvector terms divide by λⱼ − λᵢ = 0, as PyTorch
    assert not np.isfinite(b.grad.data).all()


@given(st.integers(1, 5), st.integers(1, 5), st.booleans(), st.integers(0, 10 ** 6))
def test_svd_reconstructs(m, n, full, seed):
    a = np.random.default_rng(seed).normal(size=(3, m, n))
    u, s, vh = L.svd(a, full_matrices=full)
    k = min(m, n)
    assert u.shape == (3, m, m if full else k) and vh.shape == (3, n if full else k, n)
    np.testing.assert_allclose((u.data[..., :k] * s.data[..., None, :]) @ vh.data[..., :k, :], a, atol=1e-10)
    np.testing.assert_allclose(np.swapaxes(u.data, -1, -2) @ u.data, np.broadcast_to(np.eye(u.shape[-1]),
                               (3,) + (u.shape[-1],) * 2), atol=1e-10)
    np.testing.assert_allclose(vh.data @ np.swapaxes(vh.data, -1, -2), np.broadcast_to(np.eye(vh.shape[-2]),
                               (3,) + (vh.shape[-2],) * 2), atol=1e-10)
    np.testing.assert_allclose(s.data, np.linalg.svd(a, compute_uv=False), atol=1e-12)


@pytest.mark.torch
@pytest.mark.parametrize("shape", [(2, 4, 3), (2, 3, 3), (2, 3, 4)])
def test_svd_gradients(torch, shape):
    a = np.random.default_rng(4).normal(size=shape)
    check_grad(torch, L.svdvals, torch.linalg.svdvals, a)
    # a column of U flips sign with the row of Vh: U², Vh² and U·diag(S)·Vh are gauge-invariant
    check_grad(torch, lambda x: L.svd(x, full_matrices=False).U ** 2,
               lambda x: torch.linalg.svd(x, full_matrices=False).U ** 2, a)
    check_grad(torch, lambda x: L.svd(x, full_matrices=False).Vh ** 2,
               lambda x: torch.linalg.svd(x, full_matrices=False).Vh ** 2, a, second=False)
    check_grad(torch, lambda x: L.svd(x).S, lambda x: torch.linalg.svd(x).S, a, second=False)


@pytest.mark.torch
def test_svdvals_gradient_is_finite_for_repeated_singular_values(torch):
    a = tg.Tensor(np.eye(3) * 2, requires_grad=True)
    L.svdvals(a).sum().backward()
    t = torch.tensor(np.eye(3) * 2, requires_grad=True)
    torch.linalg.svdvals(t).sum().backward()
    assert_close(a.grad, t.grad, atol=1e-12)


def test_not_matrices_refused():
    for fn in (L.cholesky, L.eigh, L.eigvalsh):
        with pytest.raises(ShapeError, match="square"):
            fn(np.ones((2, 3)))
    for fn in (L.qr, L.svd, L.svdvals):
        with pytest.raises(ShapeError, match="at least 2 dimensions"):
            fn(np.ones(3))
    with pytest.raises(ShapeError, match="UPLO"):
        L.eigh(np.eye(2), "X")


def test_symbolic_tensors_refused_clearly():
    import sympy

    m = np.array(sympy.symbols("a b c d"), dtype=object).reshape(2, 2)
    with pytest.raises(TypeError, match="symbolic"):
        L.svd(m)


@pytest.mark.torch
def test_cholesky_ex_is_differentiable(torch):
    a = spd(np.random.default_rng(6))
    check_grad(torch, lambda x: L.cholesky_ex(sym(x)).L, lambda x: torch.linalg.cholesky_ex((x + x.mT) / 2).L, a,
               second=False)


@pytest.mark.torch
def test_non_finite_inputs_raise_as_torch(torch):
    a = np.random.default_rng(7).normal(size=(2, 3, 3))
    a[1, 0, 0] = np.nan
    for ours, theirs in ((L.svdvals, torch.linalg.svdvals), (L.pinv, torch.linalg.pinv),
                         (lambda x: L.eigh(x).eigenvalues, lambda x: torch.linalg.eigh(x).eigenvalues)):
        with pytest.raises(L.LinAlgError) as mine:
            ours(a)
        with pytest.raises(RuntimeError) as ref:
            theirs(torch.tensor(a))
        assert str(mine.value).split(":")[:2] == str(ref.value).split(":")[:2]  # op and batch element
    with pytest.raises(L.LinAlgError, match=r"linalg.cholesky: \(Batch element 1\)"):
        L.cholesky(np.where(np.isnan(a), np.nan, np.eye(3)))


def test_float16_refused_where_lapack_has_no_half():
    from tinygrad_edu.errors import DtypeError

    with pytest.raises(DtypeError, match="linalg.svd: Low precision dtypes not supported"):
        L.svd(np.eye(2, dtype=np.float16))
    assert L.vector_norm(np.ones(4, dtype=np.float16)).dtype == np.float16
