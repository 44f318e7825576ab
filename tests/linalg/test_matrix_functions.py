"""tg.linalg.pinv / lstsq / matrix_power / matrix_exp / matrix_rank against PyTorch: values, batched gradients
(finite differences, PyTorch, second order where PyTorch's is defined), tolerances and named tuples."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.errors import ShapeError
from tests.helpers import assert_close
from tests.linalg.cases import check_grad, spd, sym

L = tg.linalg


@pytest.mark.torch
@pytest.mark.parametrize("shape", [(2, 4, 3), (2, 3, 3), (2, 3, 5)])
def test_pinv_full_rank(torch, shape):
    check_grad(torch, L.pinv, torch.linalg.pinv, np.random.default_rng(0).normal(size=shape))


@pytest.mark.torch
def test_pinv_rank_deficient_and_hermitian(torch):
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(2, 4, 2)), rng.normal(size=(2, 2, 3))
    low = x @ y  # rank 2: the gradient holds where the rank does not change, so differences move x (rank kept)
    assert_close(L.pinv(low), torch.linalg.pinv(torch.tensor(low)), rtol=1e-7)
    check_grad(torch, lambda s: L.pinv(s @ tg.Tensor(y)), lambda s: torch.linalg.pinv(s @ torch.tensor(y)), x,
               second=False)
    a = spd(rng)
    check_grad(torch, lambda x: L.pinv(sym(x), hermitian=True),
               lambda x: torch.linalg.pinv((x + x.mT) / 2, hermitian=True), a)
    assert_close(tg.pinverse(low, rcond=0.5), torch.pinverse(torch.tensor(low), rcond=0.5), atol=1e-8)


@pytest.mark.torch
def test_pinv_tolerances(torch):
    a = np.diag([1.0, 1e-3, 1e-9])
    for kw in ({}, {"atol": 1e-2}, {"rtol": 1e-2}, {"atol": 1e-12, "rtol": 0.0}):
        assert_close(L.pinv(a, **kw), torch.linalg.pinv(torch.tensor(a), **kw))
        assert_close(L.matrix_rank(a, **kw), torch.linalg.matrix_rank(torch.tensor(a), **kw))
    assert L.matrix_rank(a).dtype == np.int64
    assert L.matrix_rank(a, 1e-2).item() == 1
    assert L.matrix_rank(np.eye(3), hermitian=True).item() == 3


@pytest.mark.torch
@pytest.mark.parametrize("b_shape", [(2, 5, 2), (2, 5), (1, 5, 2)])
@pytest.mark.parametrize("argnum", [0, 1])
def test_lstsq(torch, b_shape, argnum):
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(2, 5, 3)), rng.normal(size=b_shape)
    check_grad(torch, lambda x, y: L.lstsq(x, y).solution, lambda x, y: torch.linalg.lstsq(x, y).solution, a, b,
               argnum=argnum, second=False)


@pytest.mark.torch
def test_lstsq_fields(torch):
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    for driver in (None, "gelsy", "gels", "gelsd", "gelss"):
        ours, theirs = L.lstsq(a, b, driver=driver), torch.linalg.lstsq(torch.tensor(a), torch.tensor(b),
                                                                        driver=driver)
        assert type(ours).__name__ == "linalg_lstsq"
        assert ours._fields == ("solution", "residuals", "rank", "singular_values")
        for mine, ref in zip(ours, theirs):
            assert_close(mine, ref, rtol=1e-9)
    with pytest.raises(ShapeError, match="driver"):
        L.lstsq(a, b, driver="nope")
    with pytest.raises(ShapeError, match="should match"):
        L.lstsq(a, np.ones((4, 2)))


@pytest.mark.torch
@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, -1, -3])
def test_matrix_power(torch, n):
    a = np.eye(3) + 0.3 * np.random.default_rng(4).normal(size=(2, 3, 3))
    check_grad(torch, lambda x: L.matrix_power(x, n), lambda x: torch.linalg.matrix_power(x, n), a,
               second=n not in (0, 1))


@pytest.mark.torch
@pytest.mark.parametrize("scale", [0.1, 1.0, 10.0])
def test_matrix_exp(torch, scale):
    a = np.random.default_rng(5).normal(size=(3, 3, 3)) * scale
    a[0] = 0  # a zero matrix in the batch: e^0 = I, no scaling
    ours, theirs = L.matrix_exp(a), torch.linalg.matrix_exp(torch.tensor(a))
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-12 * max(1, scale) * 100, atol=1e-12)
    if scale <= 1:
        check_grad(torch, L.matrix_exp, torch.linalg.matrix_exp, a)


def test_matrix_exp_of_a_rotation_generator():
    theta = 0.7
    a = np.array([[0.0, -theta], [theta, 0.0]])
    expected = [[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]]
    np.testing.assert_allclose(L.matrix_exp(a).data, expected, atol=1e-15)
    assert L.matrix_exp(tg.zeros(2, 2)).dtype == tg.float32


def test_errors():
    with pytest.raises(ShapeError, match="square"):
        L.matrix_power(np.ones((2, 3)), 2)
    with pytest.raises(TypeError, match="'n' must be int"):
        L.matrix_power(np.eye(2), 1.5)
    with pytest.raises(L.LinAlgError, match="linalg.inv"):
        L.matrix_power(np.zeros((2, 2)), -1)


@pytest.mark.torch
def test_tolerances_per_matrix_and_non_finite_exp(torch):
    a = np.stack([np.diag([1.0, 1e-3])] * 2)
    atol = np.array([1e-2, 1e-4])
    assert_close(L.pinv(a, atol=tg.tensor(atol)), torch.linalg.pinv(torch.tensor(a), atol=torch.tensor(atol)))
    assert_close(L.matrix_rank(a, atol=atol), torch.linalg.matrix_rank(torch.tensor(a), atol=torch.tensor(atol)))
    assert np.isnan(L.matrix_exp(np.array([[np.nan, 0.0], [0.0, 1.0]])).data).all()
