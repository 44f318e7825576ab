"""linalg/checks.py: the batched LU that names a singular matrix's zero pivot (P·L·U = A, LAPACK's pivots), the
Cholesky info codes, the error classes and the dtype/shape refusals every tg.linalg op shares."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
from tinygrad_edu.errors import DtypeError, ShapeError
from tinygrad_edu.linalg.checks import batch_prefix, cholesky_info, lu_pivots, permutation


@given(st.integers(1, 6), st.integers(0, 3), st.integers(0, 10 ** 6))
def test_lu_reconstructs(n, batch, seed):
    a = np.random.default_rng(seed).normal(size=(batch, n, n))
    lu, piv, info = lu_pivots(a)
    lower = np.tril(lu, -1) + np.eye(n)
    upper = np.triu(lu)
    np.testing.assert_allclose(permutation(piv, n, a.dtype) @ lower @ upper, a, atol=1e-10)
    assert piv.dtype == np.int32 and (piv >= np.arange(1, n + 1)).all() and not info.any()


def test_lu_info_names_the_first_zero_pivot():
    a = np.stack([np.eye(3), np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [0.0, 0.0, 1.0]])])
    _, _, info = lu_pivots(a)
    np.testing.assert_array_equal(info, [0, 2])


def test_cholesky_info_and_prefix():
    a = np.stack([np.eye(3), np.diag([1.0, 2.0, -1.0]), np.diag([-1.0, 1.0, 1.0])])
    np.testing.assert_array_equal(cholesky_info(a), [0, 3, 1])
    assert batch_prefix((), 0) == "" and batch_prefix((3,), 1) == "(Batch element 1): "


def test_error_classes_and_refusals():
    assert issubclass(tg.linalg.LinAlgError, RuntimeError)
    with pytest.raises(DtypeError, match="complex tensors are not supported"):
        tg.linalg.det(np.eye(2, dtype=np.complex128))
    with pytest.raises(DtypeError, match="Expected a floating point"):
        tg.linalg.det(np.eye(2, dtype=bool))
    with pytest.raises(ShapeError, match=r"linalg.det: A must be batches of square matrices, but they are 2 by 3 "
                                         r"matrices \(shape \(4, 2, 3\)\)"):
        tg.linalg.det(np.ones((4, 2, 3)))
