"""tg.linalg.vector_norm / matrix_norm / norm / cond against PyTorch: every ord, dims, keepdim, values and
gradients (finite differences and PyTorch), norm's dispatch rules and its errors."""
import math

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.errors import DtypeError, ShapeError
from tests.helpers import assert_close
from tests.linalg.cases import check_grad, general

L = tg.linalg


@pytest.mark.torch
@pytest.mark.parametrize("ord", [2, 1, 3, 0.5, math.inf, -math.inf, -1, 0])
@pytest.mark.parametrize("dim,keepdim", [(None, False), (-1, False), ((0, 2), True), (1, True)])
def test_vector_norm(torch, ord, dim, keepdim):
    x = np.random.default_rng(0).normal(size=(2, 3, 4))
    check_grad(torch, lambda t: L.vector_norm(t, ord, dim, keepdim),
               lambda t: torch.linalg.vector_norm(t, ord, dim, keepdim), x, second=ord not in (0, 0.5, -1))


@pytest.mark.torch
@pytest.mark.parametrize("ord", ["fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf])
@pytest.mark.parametrize("dim,keepdim", [((-2, -1), False), ((0, 2), True), ((2, 1), False)])
def test_matrix_norm(torch, ord, dim, keepdim):
    x = np.random.default_rng(1).normal(size=(2, 3, 4))
    check_grad(torch, lambda t: L.matrix_norm(t, ord, dim, keepdim),
               lambda t: torch.linalg.matrix_norm(t, ord, dim, keepdim), x, second=ord in ("fro", 2))


@pytest.mark.torch
@pytest.mark.parametrize("shape,ord,dim", [((5,), None, None), ((2, 3, 4), None, None), ((5,), 1, None),
                                           ((3, 4), "nuc", None), ((3, 4), 2, None), ((3, 4), None, None),
                                           ((2, 3, 4), 3, 1), ((2, 3, 4), None, (1, 2)), ((2, 3, 4), -1, (0, 1))])
def test_norm_dispatch(torch, shape, ord, dim):
    x = np.random.default_rng(2).normal(size=shape)
    assert_close(L.norm(x, ord, dim), torch.linalg.norm(torch.tensor(x), ord, dim))


def test_norm_errors():
    with pytest.raises(ShapeError, match="the input must be 1D or 2D. Got 3D"):
        L.norm(np.ones((2, 2, 2)), 2)
    with pytest.raises(ShapeError, match="Order 3 not supported"):
        L.matrix_norm(np.ones((2, 2)), 3)
    with pytest.raises(ShapeError, match="at least 2 dimensions"):
        L.matrix_norm(np.ones(2))
    with pytest.raises(DtypeError, match="linalg.vector_norm: Expected a floating point"):
        L.vector_norm(np.ones(2, dtype=np.int64))
    with pytest.raises(TypeError, match="ord"):
        L.vector_norm(np.ones(2), "fro")


def test_vector_norm_dtype_argument():
    assert L.vector_norm(tg.ones(3), dtype=tg.float64).dtype == tg.float64
    assert L.vector_norm(tg.ones(3)).dtype == tg.float32


@pytest.mark.torch
@pytest.mark.parametrize("p", [None, 2, -2, "fro", "nuc", 1, math.inf])
def test_cond(torch, p):
    a = general(np.random.default_rng(3))
    assert_close(L.cond(a, p), torch.linalg.cond(torch.tensor(a), p))
    singular_values = p in (None, 2, -2)  # PyTorch's backward through inv_ex fails for the others (its own bug)
    check_grad(torch, lambda t: L.cond(t, p), (lambda t: torch.linalg.cond(t, p)) if singular_values else None, a,
               second=False)


@pytest.mark.torch
def test_cond_of_a_rectangular_matrix(torch):
    a = np.random.default_rng(4).normal(size=(4, 2))
    assert_close(L.cond(a), torch.linalg.cond(torch.tensor(a)))
