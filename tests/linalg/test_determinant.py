"""tg.linalg.det / slogdet and torch.logdet: values, batched gradients (finite differences, PyTorch, second
order), the gradient at a singular matrix (the cofactors), and the named tuple."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tests.helpers import assert_close, numeric_grad
from tests.linalg.cases import check_grad, general


@pytest.mark.torch
def test_det_gradient(torch):
    check_grad(torch, tg.linalg.det, torch.linalg.det, general(np.random.default_rng(0), (2, 3, 3)))


@pytest.mark.torch
def test_logabsdet_gradient_and_sign(torch):
    a = general(np.random.default_rng(1), (3, 3, 3))
    a[1] = -a[1]  # a negative determinant somewhere in the batch
    check_grad(torch, lambda x: tg.linalg.slogdet(x).logabsdet, lambda x: torch.linalg.slogdet(x).logabsdet, a)
    ours, theirs = tg.linalg.slogdet(a), torch.linalg.slogdet(torch.tensor(a))
    assert type(ours).__name__ == "linalg_slogdet" and ours._fields == ("sign", "logabsdet")
    assert_close(ours.sign, theirs.sign)


@pytest.mark.torch
def test_logdet_nan_for_negative_determinant(torch):
    a = np.stack([np.eye(2) * 2, np.diag([1.0, -1.0]), np.zeros((2, 2))])
    assert_close(tg.logdet(a), torch.logdet(torch.tensor(a)))
    check_grad(torch, tg.logdet, torch.logdet, general(np.random.default_rng(2)))


def test_det_gradient_at_a_singular_matrix_is_the_cofactor_matrix():
    a = tg.Tensor(np.array([[1.0, 2.0], [2.0, 4.0]]), requires_grad=True)
    tg.linalg.det(a).backward()
    np.testing.assert_allclose(a.grad.data, [[4.0, -2.0], [-2.0, 1.0]], atol=1e-12)
    b = np.array([[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]])  # rank 2
    t = tg.Tensor(b, requires_grad=True)
    tg.linalg.det(t).sum().backward()
    np.testing.assert_allclose(t.grad.data, numeric_grad(tg.linalg.det, t, np.ones(1)), atol=1e-6)


def test_det_of_large_diagonal_and_empty():
    assert tg.linalg.det(np.eye(3) * 2).item() == pytest.approx(8)
    assert tg.linalg.det(np.zeros((0, 0))).item() == 1.0
