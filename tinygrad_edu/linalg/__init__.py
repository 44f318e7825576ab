"""tg.linalg, torch.linalg's counterpart: norms, determinants, inverses and solves, factorizations (Cholesky, QR,
symmetric eigen, SVD, LU for square matrices) and functions of matrices, batched over leading dimensions, under
torch.linalg's names, signatures and named-tuple results. Gradients: each factorization's adjoint is written with
differentiable ops (so second derivatives come free); the rest are compositions. Imported on first use."""
from __future__ import annotations

from ..ops.linalg import matmul
from .checks import LinAlgError
from .decompositions import cholesky, cholesky_ex, eigh, eigvalsh, qr, svd, svdvals
from .determinant import det, slogdet
from .lu import lu, lu_factor, lu_factor_ex, lu_solve
from .matrix_functions import lstsq, matrix_exp, matrix_power, matrix_rank, pinv
from .norms import cond, matrix_norm, norm, vector_norm
from .products import cross, diagonal, multi_dot, vecdot
from .solve import inv, inv_ex, solve, solve_ex, solve_triangular, tensorinv, tensorsolve

__all__ = ["LinAlgError", "vector_norm", "matrix_norm", "norm", "cond", "det", "slogdet", "inv", "inv_ex", "solve",
           "solve_ex", "solve_triangular", "tensorinv", "tensorsolve", "cholesky", "cholesky_ex", "qr", "eigh",
           "eigvalsh", "svd", "svdvals", "lu", "lu_factor", "lu_factor_ex", "lu_solve", "pinv", "matrix_power",
           "matrix_exp", "matrix_rank", "lstsq", "multi_dot", "cross", "vecdot", "diagonal", "matmul"]
