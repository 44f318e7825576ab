"""The exact path (linalg/symbolic.py): det, inv and solve of SymPy matrices, their gradients (the cofactor
matrix, −A⁻ᵀδA⁻ᵀ) checked by simplification, a singular symbolic matrix refused, other ops a clear TypeError."""
import numpy as np
import pytest
import sympy

import tinygrad_edu as tg

L = tg.linalg


def symbols(name, n):
    return np.array(sympy.symbols(f"{name}0:{n * n}"), dtype=object).reshape(n, n)


def zero(expr):
    return sympy.simplify(expr) == 0


def test_det_and_its_gradient_are_the_cofactors():
    a = symbols("a", 3)
    x = tg.Tensor(a, requires_grad=True)
    d = L.det(x)
    assert zero(d.item() - sympy.Matrix(a).det())
    d.backward()
    cof = sympy.Matrix(a).adjugate().T
    assert all(zero(x.grad.data[i, j] - cof[i, j]) for i in range(3) for j in range(3))


def test_inv_and_solve_exact():
    a = symbols("a", 2)
    inv = L.inv(a)
    assert all(zero(e) for e in (inv.data @ a - np.eye(2, dtype=object)).ravel())
    b = np.array([sympy.Symbol("b0"), sympy.Symbol("b1")], dtype=object)
    x = L.solve(a, b)
    assert all(zero(e) for e in (a @ x.data - b).ravel())
    batch = np.stack([a, np.array([[1, 2], [3, 4]], dtype=object)])
    assert L.det(batch).data[1] == -2


def test_inv_gradient_symbolic():
    a = np.array([[2, 1], [1, 1]], dtype=object) + np.array([[sympy.Symbol("t"), 0], [0, 0]], dtype=object)
    x = tg.Tensor(a, requires_grad=True)
    L.inv(x).sum().backward()
    y = sympy.Matrix(a).inv()
    expected = -(y.T * sympy.ones(2, 2) * y.T)
    assert all(zero(x.grad.data[i, j] - expected[i, j]) for i in range(2) for j in range(2))


def test_singular_symbolic_matrix():
    a = np.array([[sympy.Symbol("s"), 2 * sympy.Symbol("s")], [1, 2]], dtype=object)
    with pytest.raises(L.LinAlgError, match="linalg.inv: the matrix is singular"):
        L.inv(a)


def test_numeric_only_ops_refuse_symbols():
    for fn in (L.cholesky, L.qr, L.eigh, L.pinv, L.matrix_exp, L.slogdet, L.vector_norm):
        with pytest.raises(TypeError, match="symbolic"):
            fn(symbols("a", 2))


def test_matrix_power_symbolic():
    a = symbols("a", 2)
    sq = L.matrix_power(a, 2)
    assert all(zero(e) for e in (sq.data - a @ a).ravel())
    back = L.matrix_power(a, -1).data @ a
    assert all(zero(e) for e in (back - np.eye(2, dtype=object)).ravel())
