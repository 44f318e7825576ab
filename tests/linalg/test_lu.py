"""tg.linalg.lu_factor / lu / lu_solve, torch.lu / lu_solve / lu_unpack: PyTorch's factors and pivots, gradients
(finite differences, PyTorch, second order), the singular case, and lu_solve in all four forms."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.errors import ShapeError
from tests.helpers import assert_close
from tests.linalg.cases import check_grad, general

L = tg.linalg


@pytest.mark.torch
def test_factors_and_pivots_match_torch(torch):
    a = np.random.default_rng(0).normal(size=(3, 4, 4))
    ours, theirs = L.lu_factor(a), torch.linalg.lu_factor(torch.tensor(a))
    assert type(ours).__name__ == "linalg_lu_factor" and ours.pivots.dtype == np.int32
    assert_close(ours.LU, theirs.LU, rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(ours.pivots.data, theirs.pivots.numpy())
    p, lower, upper = L.lu(a)
    np.testing.assert_allclose(p.data @ lower.data @ upper.data, a, atol=1e-13)
    for mine, ref in zip(tg.lu_unpack(*ours), torch.lu_unpack(*theirs)):
        assert_close(mine, ref, rtol=1e-12, atol=1e-14)


@pytest.mark.torch
def test_lu_gradients(torch):
    a = np.random.default_rng(1).normal(size=(2, 3, 3))
    check_grad(torch, lambda x: L.lu_factor(x).LU, lambda x: torch.linalg.lu_factor(x).LU, a)
    check_grad(torch, lambda x: L.lu(x).U, lambda x: torch.linalg.lu(x).U, a, second=False)
    check_grad(torch, lambda x: L.lu(x).L, lambda x: torch.linalg.lu(x).L, a, second=False)


@pytest.mark.torch
@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("adjoint", [True, False])
@pytest.mark.parametrize("argnum", [0, 1])
def test_lu_solve(torch, left, adjoint, argnum):
    rng = np.random.default_rng(2)
    a = general(rng)
    packed, piv = L.lu_factor(a)
    b = rng.normal(size=(2, 3, 2) if left else (2, 2, 3))
    check_grad(torch, lambda f, y: L.lu_solve(f, piv, y, left=left, adjoint=adjoint),
               lambda f, y: torch.linalg.lu_solve(f, torch.tensor(piv.data), y, left=left, adjoint=adjoint),
               packed.data, b, argnum=argnum, second=False)


def test_solutions_and_old_forms():
    rng = np.random.default_rng(3)
    a, b = general(rng), rng.normal(size=(2, 3, 1))
    packed, piv = tg.lu(a)
    np.testing.assert_allclose(tg.lu_solve(b, packed, piv).data, np.linalg.solve(a, b), atol=1e-12)
    np.testing.assert_allclose(tg.tensor(b).lu_solve(packed, piv).data, np.linalg.solve(a, b), atol=1e-12)
    assert len(tg.tensor(a).lu(get_infos=True)) == 3


@pytest.mark.torch
def test_singular(torch):
    s = np.array([[1.0, 2.0], [2.0, 4.0]])
    with pytest.raises(L.LinAlgError) as ours:
        L.lu_factor(s)
    with pytest.raises(RuntimeError) as theirs:
        torch.linalg.lu_factor(torch.tensor(s))
    assert str(ours.value) == str(theirs.value)
    assert L.lu_factor_ex(s).info.item() == 2
    assert_close(L.lu(s).U, torch.linalg.lu(torch.tensor(s)).U)


def test_shape_errors():
    with pytest.raises(ShapeError, match="square"):
        L.lu_factor(np.ones((2, 3)))
    with pytest.raises(ShapeError, match="without pivoting"):
        L.lu(np.eye(2), pivot=False)
