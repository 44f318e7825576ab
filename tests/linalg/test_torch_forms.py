"""The torch.* and Tensor-method forms: tg.det, logdet, slogdet, inverse, pinverse, matrix_power, matrix_exp,
cholesky, cholesky_solve, cholesky_inverse, qr (some), svd (the old convention: V, not Vh), against PyTorch;
and tg.linalg imported lazily."""
import subprocess
import sys

import numpy as np
import pytest

import tinygrad_edu as tg
from tests.helpers import assert_close
from tests.linalg.cases import check_grad, general, spd, sym


@pytest.mark.torch
@pytest.mark.parametrize("name", ["det", "logdet", "inverse", "pinverse", "matrix_exp"])
def test_functions_and_methods(torch, name):
    a = spd(np.random.default_rng(0))
    check_grad(torch, getattr(tg, name), getattr(torch, name), a)
    assert_close(getattr(tg.tensor(a), name)(), getattr(torch.tensor(a), name)())


@pytest.mark.torch
def test_slogdet_matrix_power_cholesky(torch):
    a = spd(np.random.default_rng(1))
    ours, theirs = tg.slogdet(a), torch.slogdet(torch.tensor(a))
    assert type(ours).__name__ == "slogdet"
    assert_close(ours.logabsdet, theirs.logabsdet)
    assert_close(tg.tensor(a).matrix_power(3), torch.tensor(a).matrix_power(3))
    assert_close(tg.tensor(a).cholesky(upper=True), torch.linalg.cholesky(torch.tensor(a), upper=True))
    check_grad(torch, lambda x: tg.cholesky(sym(x)), lambda x: torch.linalg.cholesky((x + x.mT) / 2), a)


@pytest.mark.torch
@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_solve_and_inverse(torch, upper):
    rng = np.random.default_rng(2)
    factor = np.linalg.cholesky(spd(rng))
    factor = np.swapaxes(factor, -1, -2) if upper else factor
    b = rng.normal(size=(2, 3, 2))
    check_grad(torch, lambda x, f: tg.cholesky_solve(x, f, upper), lambda x, f: torch.cholesky_solve(x, f, upper),
               b, factor)
    # the factor's gradient: PyTorch's convention (every entry, LLᵀ differentiated as a product of full matrices)
    for ours, theirs, args in ((tg.cholesky_solve, torch.cholesky_solve, (b,)), (tg.cholesky_inverse,
                                                                               torch.cholesky_inverse, ())):
        f, tf = tg.tensor(factor[0], requires_grad=True), torch.tensor(factor[0], requires_grad=True)
        (ours(*[x[0] for x in args], f, upper) ** 2).sum().backward()
        (theirs(*[torch.tensor(x[0]) for x in args], tf, upper) ** 2).sum().backward()
        assert_close(f.grad, tf.grad, rtol=1e-8)
        mask = np.triu(np.ones((3, 3))) if upper else np.tril(np.ones((3, 3)))
        moved = factor[0] + (1 - mask) * 5.0  # the other triangle is not read
        assert_close(ours(*[x[0] for x in args], moved, upper), theirs(*[torch.tensor(x[0]) for x in args],
                                                                        torch.tensor(moved), upper))
    assert_close(tg.tensor(factor).cholesky_inverse(upper), torch.tensor(factor).cholesky_inverse(upper))


@pytest.mark.torch
@pytest.mark.filterwarnings("ignore:torch.qr is deprecated")
@pytest.mark.parametrize("some", [True, False])
def test_old_qr_and_svd(torch, some):
    a = np.random.default_rng(3).normal(size=(2, 4, 3))
    q, r = tg.qr(a, some)
    tq, tr = torch.qr(torch.tensor(a), some)
    assert_close(q, tq, rtol=1e-9, atol=1e-12)
    assert_close(r, tr, rtol=1e-9, atol=1e-12)
    u, s, v = tg.tensor(a).svd(some)
    assert type(tg.svd(a)).__name__ == "svd" and tg.svd(a)._fields == ("U", "S", "V")
    tu, ts, tv = torch.svd(torch.tensor(a), some)
    assert u.shape == tuple(tu.shape) and v.shape == tuple(tv.shape)
    assert_close(s, ts)
    np.testing.assert_allclose((u.data[..., :3] * s.data[..., None, :]) @ np.swapaxes(v.data, -1, -2), a,
                               atol=1e-12)
    check_grad(torch, lambda x: tg.svd(x).V ** 2, lambda x: torch.svd(x).V ** 2, a, second=False)
    zu, zs, zv = tg.svd(a, compute_uv=False)
    tzu, _, tzv = torch.svd(torch.tensor(a), compute_uv=False)
    assert zu.shape == tuple(tzu.shape) and zv.shape == tuple(tzv.shape) and not zu.data.any()


def test_tg_linalg_is_imported_lazily():
    code = ("import sys, tinygrad_edu as tg; assert 'tinygrad_edu.linalg' not in sys.modules; "
            "x = tg.linalg.det(tg.eye(2)); assert 'tinygrad_edu.linalg' in sys.modules; "
            "import tinygrad_edu.linalg as L; from tinygrad_edu import svd; assert L.det is tg.linalg.det; "
            "assert tg.eye(2).inverse().shape == (2, 2)")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_tensor_methods_take_numpy_like_torch():
    x = tg.tensor([[2.0, 0.0], [0.0, 3.0]], requires_grad=True)
    x.det().backward()
    np.testing.assert_allclose(x.grad.data, [[3.0, 0.0], [0.0, 2.0]])
    assert tg.inverse(general(np.random.default_rng(4))).shape == (2, 3, 3)
