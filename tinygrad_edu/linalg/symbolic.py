"""The exact path of det, inv and solve for object (SymPy) arrays: one sympy.Matrix per matrix of the batch
(small matrices, as in the lecture's examples); a singular matrix raises LinAlgError as the numeric path."""
from __future__ import annotations

import numpy as np

from .checks import LinAlgError, batch_prefix


def _each(a: np.ndarray, fn, out_shape: tuple) -> np.ndarray:
    import sympy

    flat = a.reshape((int(np.prod(a.shape[:-2])),) + a.shape[-2:])
    out = np.empty((flat.shape[0],) + out_shape, dtype=object)
    for k in range(flat.shape[0]):  # symbolic matrices are few and small; SymPy has no batched kernels
        out[k] = fn(k, sympy.Matrix(flat[k]))
    return out.reshape(a.shape[:-2] + out_shape)


def det(a: np.ndarray) -> np.ndarray:
    return _each(a, lambda k, m: m.det(), ())


def inv(op: str, a: np.ndarray) -> np.ndarray:
    def one(k, m):
        d = m.det()
        if d == 0:
            raise LinAlgError(f"{op}: {batch_prefix(a.shape[:-2], k)}the matrix is singular (its determinant "
                              "simplifies to 0), the inversion could not be completed")
        return np.array(m.adjugate() / d, dtype=object)
    return _each(a, one, a.shape[-2:])


def solve(op: str, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.matmul(inv(op, a), b)
