"""tg.linalg.inv / solve / solve_triangular and their *_ex forms: values, batching and broadcasting, gradients
(finite differences and PyTorch, first and second order), singular inputs and shape errors."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
from tinygrad_edu.errors import DtypeError, ShapeError
from tests.helpers import assert_close
from tests.linalg.cases import check_grad, general

SINGULAR = np.array([[1.0, 2.0], [2.0, 4.0]])


@given(st.integers(1, 5), st.integers(0, 3), st.integers(0, 10 ** 6))
def test_inv_times_a_is_the_identity(n, batch, seed):
    a = general(np.random.default_rng(seed), (batch, n, n) if batch else (n, n))
    x = tg.linalg.inv(a)
    np.testing.assert_allclose(x.data @ a, np.broadcast_to(np.eye(n), a.shape), atol=1e-9)


@pytest.mark.torch
def test_inv_gradient(torch):
    check_grad(torch, tg.linalg.inv, torch.linalg.inv, general(np.random.default_rng(0)))


@pytest.mark.torch
@pytest.mark.parametrize("b_shape", [(2, 3, 2), (3, 4), (3,), (2, 3), (1, 3, 1)])
@pytest.mark.parametrize("argnum", [0, 1])
def test_solve_batched_broadcast_vectors(torch, b_shape, argnum):
    rng = np.random.default_rng(1)
    check_grad(torch, tg.linalg.solve, torch.linalg.solve, general(rng), rng.normal(size=b_shape), argnum=argnum)


@pytest.mark.torch
@pytest.mark.parametrize("b_shape", [(2, 4, 3), (4, 3)])
def test_solve_right(torch, b_shape):
    rng = np.random.default_rng(2)
    check_grad(torch, lambda a, b: tg.linalg.solve(a, b, left=False),
               lambda a, b: torch.linalg.solve(a, b, left=False), general(rng), rng.normal(size=b_shape))


@pytest.mark.torch
@pytest.mark.parametrize("upper", [True, False])
@pytest.mark.parametrize("unitriangular", [True, False])
@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("argnum", [0, 1])
def test_solve_triangular(torch, upper, unitriangular, left, argnum):
    rng = np.random.default_rng(3)
    b = rng.normal(size=(2, 3, 2) if left else (2, 2, 3))
    check_grad(torch, lambda a, b: tg.linalg.solve_triangular(a, b, upper=upper, left=left,
                                                              unitriangular=unitriangular),
               lambda a, b: torch.linalg.solve_triangular(a, b, upper=upper, left=left, unitriangular=unitriangular),
               general(rng), b, argnum=argnum)


@pytest.mark.torch
def test_solve_triangular_zero_diagonal_gives_inf_as_torch(torch):
    a, b = np.zeros((2, 2)), np.ones((2, 1))
    assert_close(tg.linalg.solve_triangular(a, b, upper=True), torch.linalg.solve_triangular(
        torch.tensor(a), torch.tensor(b), upper=True))


@pytest.mark.torch
def test_singular_inv_message_matches_torch(torch):
    for a in (SINGULAR, np.stack([np.eye(2), SINGULAR])):
        with pytest.raises(tg.linalg.LinAlgError) as ours:
            tg.linalg.inv(a)
        with pytest.raises(RuntimeError) as theirs:
            torch.linalg.inv(torch.tensor(a))
        assert str(ours.value) == str(theirs.value)
        assert isinstance(ours.value, RuntimeError)


def test_singular_solve_raises():
    with pytest.raises(tg.linalg.LinAlgError, match="linalg.solve: The solver failed because the input matrix "
                                                    "is singular"):
        tg.linalg.solve(SINGULAR, np.ones(2))


@pytest.mark.torch
def test_inv_ex_and_solve_ex_info(torch):
    a = np.stack([np.eye(2), SINGULAR])
    ours, theirs = tg.linalg.inv_ex(a), torch.linalg.inv_ex(torch.tensor(a))
    assert type(ours).__name__ == "linalg_inv_ex" and ours._fields == ("inverse", "info")
    assert ours.info.dtype == np.int32
    np.testing.assert_array_equal(ours.info.data, theirs.info.numpy())
    np.testing.assert_array_equal(ours.inverse.data[0], np.eye(2))
    assert not np.isfinite(ours.inverse.data[1]).all()
    x = tg.linalg.solve_ex(a, np.ones((2, 2)))
    np.testing.assert_array_equal(x.info.data, [0, 2])
    ok = tg.linalg.solve_ex(np.eye(2) * 2, np.ones(2))
    assert ok.info.data == 0 and np.allclose(ok.result.data, 0.5)
    with pytest.raises(tg.linalg.LinAlgError, match=r"\(Batch element 1\): The diagonal element 2"):
        tg.linalg.inv_ex(a, check_errors=True)


def test_shape_and_dtype_errors():
    with pytest.raises(ShapeError, match="linalg.inv: A must be batches of square matrices, but they are 2 by 3"):
        tg.linalg.inv(np.ones((2, 3)))
    with pytest.raises(ShapeError, match="linalg.inv: A must have at least 2 dimensions"):
        tg.linalg.inv(np.ones(3))
    with pytest.raises(ShapeError, match=r"linalg.solve: Incompatible shapes of A and B for the equation AX = B "
                                         r"\(2x2 and 3x1\)"):
        tg.linalg.solve(np.eye(2), np.ones(3))
    with pytest.raises(DtypeError, match="linalg.inv: Expected a floating point"):
        tg.linalg.inv(np.eye(2, dtype=np.int64))
    with pytest.raises(TypeError, match="linalg.inv: expected a Tensor"):
        tg.linalg.inv([[1.0]])


def test_float32_stays_float32():
    assert tg.linalg.inv(tg.eye(3)).dtype == tg.float32
    assert tg.linalg.solve(tg.eye(3), tg.ones(3)).dtype == tg.float32


@pytest.mark.torch
def test_solve_right_with_a_vector_is_refused_as_torch(torch):
    with pytest.raises(ShapeError, match=r"equation XA = B \(3x3 and 3x1\)"):
        tg.linalg.solve(np.eye(3), np.ones(3), left=False)
    with pytest.raises(RuntimeError, match=r"equation XA = B \(3x3 and 3x1\)"):
        torch.linalg.solve(torch.eye(3), torch.ones(3), left=False)


@pytest.mark.torch
def test_ex_forms_are_differentiable(torch):
    rng = np.random.default_rng(5)
    a, b = general(rng), rng.normal(size=(2, 3, 2))
    check_grad(torch, lambda x: tg.linalg.inv_ex(x).inverse, lambda x: torch.linalg.inv_ex(x).inverse, a,
               second=False)
    check_grad(torch, lambda x: tg.linalg.solve_ex(x, tg.Tensor(b)).result,
               lambda x: torch.linalg.solve_ex(x, torch.tensor(b)).result, a, second=False)


def test_mixed_dtypes_as_torch():
    with pytest.raises(DtypeError, match="linalg.solve: expected all operands to have the same dtype"):
        tg.linalg.solve(tg.eye(2), np.ones(2))
    with pytest.raises(DtypeError, match="linalg.lstsq"):
        tg.linalg.lstsq(tg.eye(2), np.ones((2, 1)))
    assert tg.linalg.solve_triangular(tg.eye(2), np.ones((2, 1)), upper=True).dtype == tg.float32  # A's dtype


@pytest.mark.torch
def test_tensorinv_and_tensorsolve(torch):
    rng = np.random.default_rng(6)
    a = rng.normal(size=(4, 6, 8, 3)) + 0.0
    check_grad(torch, lambda x: tg.linalg.tensorinv(x, ind=2), lambda x: torch.linalg.tensorinv(x, ind=2), a,
               second=False)
    big, b = rng.normal(size=(2, 3, 6)), rng.normal(size=(2, 3))
    for argnum in (0, 1):
        check_grad(torch, tg.linalg.tensorsolve, torch.linalg.tensorsolve, big, b, argnum=argnum, second=False)
    moved = np.moveaxis(big, -1, 0)  # (6, 2, 3): dims=(0,) moves A's dim 0 back to the end
    assert_close(tg.linalg.tensorsolve(moved, b, dims=(0,)),
                 torch.linalg.tensorsolve(torch.tensor(moved), torch.tensor(b), dims=(0,)))
    with pytest.raises(ShapeError, match="prod"):
        tg.linalg.tensorinv(np.ones((2, 3, 4)), ind=1)
