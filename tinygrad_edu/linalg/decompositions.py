"""Matrix factorizations, batched: cholesky, qr, eigh / eigvalsh, svd / svdvals, with PyTorch's adjoint formulas
written with differentiable ops (second derivatives come free). A factorization with several outputs is one
Function whose output packs them (QR: Q over Rᵀ; eigh: the eigenvalues over V; SVD: U, S, V stacked), so its
backward sees all their gradients at once; the outputs the user gets are slices of it.

Gauge: eigenvectors and singular vectors are defined up to sign (a column of U with the same column of V);
a loss that depends on that choice has no well-defined gradient, as in PyTorch. Repeated eigenvalues (singular
values) make the eigenvector (singular-vector) terms divide by zero (inf/NaN, as PyTorch); when only the
eigenvalues (singular values) are used — eigvalsh, svdvals, their gradient's vector part all zero — those terms
are skipped and the gradient is V·diag(δ_λ)·Vᵀ (U·diag(δ_σ)·Vᵀ), finite for repeated values too."""
from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from ..autograd import Function
from ..errors import ShapeError
from ..ops.args import flag
from ..ops.linalg_extra import diag_embed
from ..ops.movement import cat
from .checks import cholesky_error, cholesky_info, const, floating, matrices, no_nan, square
from .solve import solve_triangular

qr_result = namedtuple("linalg_qr", ["Q", "R"])
eigh_result = namedtuple("linalg_eigh", ["eigenvalues", "eigenvectors"])
svd_result = namedtuple("linalg_svd", ["U", "S", "Vh"])
cholesky_ex_result = namedtuple("linalg_cholesky_ex", ["L", "info"])


def _eye_like(x: Any, n: int) -> Any:
    return const(x, np.eye(n, dtype=x.dtype))


def _zero(g: Any) -> bool:
    return g.dtype != object and not g.data.any()


# ---- Cholesky ------------------------------------------------------------------------------------------------------

class Cholesky(Function):
    rule_unicode = "A = LLᵀ: δ_A = sym(L⁻ᵀ·Φ(Lᵀδ)·L⁻¹), Φ = lower triangle, diagonal halved"
    rule_latex = (r"\delta_A = \operatorname{sym}\!\big(L^{-\top}\,\Phi(L^\top\delta)\,L^{-1}\big),\ "
                  r"\Phi(X) = \operatorname{tril}(X) - \tfrac12\operatorname{diag}(X)")

    def forward(ctx, a, op="linalg.cholesky"):
        if np.isfinite(np.tril(a)).all():
            try:
                return np.linalg.cholesky(a)
            except np.linalg.LinAlgError:
                pass
        raise cholesky_error(op, a, _info(a)) from None

    def backward(ctx, g):
        L = ctx.output
        phi = (L.mT @ g).tril()
        phi = phi - 0.5 * diag_embed(phi.diagonal(0, -2, -1))
        s = solve_triangular(L.mT, phi, upper=True)
        s = solve_triangular(L, s, upper=False, left=False)
        return 0.5 * (s + s.mT)


def cholesky(A: Any, *, upper: bool = False) -> Any:
    """L (lower, A = LLᵀ) or U = Lᵀ (upper) of each symmetric positive-definite matrix; only the lower triangle
    of A is read, as LAPACK's (the gradient is symmetric, as PyTorch's); LinAlgError names the batch element and
    the failing leading minor."""
    a = floating("linalg.cholesky", A)
    square("linalg.cholesky", a)
    L = Cholesky.apply(a)
    return L.mT if flag("linalg.cholesky", "upper", upper) else L


def _info(a: np.ndarray) -> np.ndarray:
    """potrf's info per matrix: a NaN in row k of the lower triangle makes pivot k NaN (LAPACK stops there), and a
    matrix with ±inf fails at the latest at its full order (inf − inf on the way)."""
    info = cholesky_info(a)
    nan_rows = np.isnan(np.tril(a)).any(-1)
    nan_order = np.where(nan_rows.any(-1), nan_rows.argmax(-1) + 1, 0) if a.shape[-1] else np.zeros_like(info)
    info = np.where(nan_order > 0, np.where(info > 0, np.minimum(info, nan_order), nan_order), info)
    non_finite = ~np.isfinite(np.tril(a)).all(axis=(-2, -1))
    return np.where((info == 0) & non_finite, a.shape[-1], info).astype(np.int32)


def _lower_symmetric(a: np.ndarray) -> np.ndarray:
    """The symmetric matrix A's lower triangle defines (what LAPACK reads)."""
    return np.tril(a) + np.swapaxes(np.tril(a, -1), -1, -2)


def cholesky_ex(A: Any, *, upper: bool = False, check_errors: bool = False) -> Any:
    """(L, info): info 0, or the order of the first leading minor that is not positive-definite (then L is
    NaN for that matrix, no error unless check_errors)."""
    a = floating("linalg.cholesky_ex", A)
    square("linalg.cholesky_ex", a)
    sym = _lower_symmetric(a.data)
    info = _info(sym)
    if not info.any():
        L = Cholesky.apply(a, op="linalg.cholesky_ex")
    elif flag("linalg.cholesky_ex", "check_errors", check_errors):
        raise cholesky_error("linalg.cholesky_ex", sym, info)
    else:
        good = (info == 0)[..., None, None]
        L = const(a, np.where(good, np.linalg.cholesky(np.where(good, sym, np.eye(a.shape[-1], dtype=a.dtype))),
                              np.nan))
    return cholesky_ex_result(L.mT if upper else L, const(a, info))


# ---- QR ------------------------------------------------------------------------------------------------------------

def _qr_square_backward(Q, R, gQ, gR):
    """m ≥ n: δ_A = (δ_Q + Q·copyltu(M))·R⁻ᵀ with M = R·δ_Rᵀ − δ_Qᵀ·Q (Walter & Lehmann; PyTorch's)."""
    M = R @ gR.mT - gQ.mT @ Q
    sym = M.tril() + M.tril(-1).mT
    return solve_triangular(R.mT, gQ + Q @ sym, upper=False, left=False)


class QR(Function):
    rule_unicode = "A = QR: δ_A = (δ_Q + Q·copyltu(R·δ_Rᵀ − δ_Qᵀ·Q))·R⁻ᵀ"
    rule_latex = r"\delta_A = \big(\delta_Q + Q\,\mathrm{copyltu}(R\delta_R^\top - \delta_Q^\top Q)\big)R^{-\top}"

    def forward(ctx, a, mode):
        q, r = np.linalg.qr(a, mode="complete" if mode == "complete" else "reduced")
        return np.concatenate([q, np.swapaxes(r, -1, -2)], axis=-2)

    def backward(ctx, g):
        a = ctx.inputs[0]
        m, n = a.shape[-2:]
        mode = ctx.attrs["mode"]
        if mode == "r":
            raise RuntimeError("linalg.qr: The derivative of linalg.qr depends on Q, which is not computed when "
                               "mode='r'. Please use linalg.qr(A, mode='reduced') if you are going to "
                               "differentiate through linalg.qr.")
        if mode == "complete" and m > n:
            raise RuntimeError("linalg.qr: The QR decomposition is not differentiable when mode='complete' and "
                               f"nrows > ncols (here {m} > {n}).")
        out = ctx.output
        Q, R = out[..., :m, :], out[..., m:, :].mT
        gQ, gR = g[..., :m, :], g[..., m:, :].mT
        if m >= n:
            return _qr_square_backward(Q, R, gQ, gR)
        # m < n: A = [X | Y] with X = QU square, Y = QV; δ_Y = Qδ_V and X's square rule with δ_Q + Yδ_Vᵀ
        Y = a[..., :, m:]
        U, gU, gV = R[..., :, :m], gR[..., :, :m], gR[..., :, m:]
        gX = _qr_square_backward(Q, U, gQ + Y @ gV.mT, gU)
        return cat([gX, Q @ gV], -1)


def qr(A: Any, mode: str = "reduced") -> Any:
    """(Q, R) with A = QR, Q's columns orthonormal, R upper triangular; mode 'reduced', 'complete' or 'r'
    (then Q is empty)."""
    a = floating("linalg.qr", A)
    matrices("linalg.qr", a)
    if mode not in ("reduced", "complete", "r"):
        raise ShapeError(f"linalg.qr: qr received unrecognized mode '{mode}' but expected one of 'reduced' "
                         "(default), 'r', or 'complete'")
    m = a.shape[-2]
    out = QR.apply(a, mode=mode)
    Q, R = out[..., :m, :], out[..., m:, :].mT
    if mode == "r":
        Q = const(a, np.zeros((0,), dtype=a.dtype))
    return qr_result(Q, R)


# ---- symmetric eigendecomposition ----------------------------------------------------------------------------------

class Eigh(Function):
    rule_unicode = "A = VΛVᵀ: δ_A = V·(diag(δ_λ) + skew(Vᵀδ_V)/(λⱼ − λᵢ))·Vᵀ"
    rule_latex = (r"\delta_A = V\big(\operatorname{diag}(\delta_\lambda) + "
                  r"\tfrac{\operatorname{skew}(V^\top\delta_V)}{\lambda_j-\lambda_i}\big)V^\top")

    def forward(ctx, a, UPLO):
        no_nan("linalg.eigh", a, "the input matrix contains NaN")
        try:
            w, v = np.linalg.eigh(a, UPLO=UPLO)
        except np.linalg.LinAlgError:  # ±inf entries
            no_nan("linalg.eigh", a, _ILL % "eigenvalues", lambda x: ~np.isfinite(x))
            raise
        return np.concatenate([w[..., None, :], v], axis=-2)

    def backward(ctx, g):
        out = ctx.output
        lam, V = out[..., 0, :], out[..., 1:, :]
        g_lam, gV = g[..., 0, :], g[..., 1:, :]
        inner = diag_embed(g_lam)
        if not _zero(gV):
            n = V.shape[-1]
            vg = V.mT @ gV
            skew = 0.5 * (vg - vg.mT)
            E = lam.unsqueeze(-2) - lam.unsqueeze(-1) + _eye_like(V, n)
            inner = inner + skew / E
        return V @ inner @ V.mT


def _uplo(op: str, UPLO: str) -> str:
    if UPLO not in ("L", "U"):
        raise ShapeError(f"{op}: UPLO must be 'L' or 'U', got {UPLO!r}")
    return UPLO


def eigh(A: Any, UPLO: str = "L") -> Any:
    """(eigenvalues ascending, eigenvectors as columns) of each symmetric matrix, reading the triangle UPLO;
    the gradient is symmetric, as PyTorch's."""
    a = floating("linalg.eigh", A)
    square("linalg.eigh", a)
    out = Eigh.apply(a, UPLO=_uplo("linalg.eigh", UPLO))
    return eigh_result(out[..., 0, :], out[..., 1:, :])


def eigvalsh(A: Any, UPLO: str = "L") -> Any:
    """The eigenvalues (ascending) of each symmetric matrix."""
    a = floating("linalg.eigvalsh", A)
    square("linalg.eigvalsh", a)
    return Eigh.apply(a, UPLO=_uplo("linalg.eigvalsh", UPLO))[..., 0, :]


# ---- singular value decomposition ----------------------------------------------------------------------------------

class SVD(Function):
    rule_unicode = ("A = USVᵀ: δ_A = U·((skew(Uᵀδ_U)S + S·skew(Vᵀδ_V))/(σⱼ² − σᵢ²) + diag(δ_σ))·Vᵀ "
                    "+ (I − UUᵀ)δ_U S⁻¹Vᵀ + U S⁻¹δ_Vᵀ(I − VVᵀ)")
    rule_latex = (r"\delta_A = U\Big(\tfrac{\operatorname{skew}(U^\top\delta_U)S + "
                  r"S\operatorname{skew}(V^\top\delta_V)}{\sigma_j^2-\sigma_i^2} + \operatorname{diag}(\delta_\sigma)"
                  r"\Big)V^\top + (I-UU^\top)\delta_U S^{-1}V^\top + US^{-1}\delta_V^\top(I-VV^\top)")

    def forward(ctx, a):
        u, s, vh = nan_safe_svd(a)
        return np.concatenate([u, s[..., None, :], np.swapaxes(vh, -1, -2)], axis=-2)

    def backward(ctx, g):
        m = ctx.inputs[0].shape[-2]
        out = ctx.output
        U, S, V = out[..., :m, :], out[..., m, :], out[..., m + 1:, :]
        gU, gS, gV = g[..., :m, :], g[..., m, :], g[..., m + 1:, :]
        k = S.shape[-1]
        inner = diag_embed(gS)
        vectors = not (_zero(gU) and _zero(gV))
        if vectors:
            ug, vg = U.mT @ gU, V.mT @ gV
            S2 = S * S
            E = S2.unsqueeze(-2) - S2.unsqueeze(-1) + _eye_like(S, k)
            inner = inner + ((ug - ug.mT) * S.unsqueeze(-2) + S.unsqueeze(-1) * (vg - vg.mT)) / E
        ga = U @ inner @ V.mT
        if vectors and m > k:
            gus = gU / S.unsqueeze(-2)
            ga = ga + (gus - U @ (U.mT @ gus)) @ V.mT
        if vectors and V.shape[-2] > k:
            gvs = gV / S.unsqueeze(-2)
            ga = ga + U @ (gvs - V @ (V.mT @ gvs)).mT
        return ga


_ILL = "the input matrix is ill-conditioned or has too many repeated %s"


def nan_safe_svd(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The reduced SVD; NaN or ±inf entries raise PyTorch's LinAlgError naming the batch element (LAPACK does not
    converge, or converges to garbage; PyTorch raises for NaN always, for ±inf mostly), not NumPy's message."""
    no_nan("linalg.svd", a, "the input matrix contained non-finite values")
    no_nan("linalg.svd", a, _ILL % "singular values", lambda x: ~np.isfinite(x))
    return np.linalg.svd(a, full_matrices=False)


def _complement(u: np.ndarray) -> np.ndarray:
    """Orthonormal columns completing u's (…, m, k) to a basis of ℝᵐ (full_matrices' extra columns)."""
    q = np.linalg.qr(u, mode="complete")[0]
    return q[..., u.shape[-1]:]


def _driver(op: str, driver: Any) -> None:
    if driver is not None:
        raise ShapeError(f"{op}: keyword argument `driver` is only supported on CUDA inputs (got {driver!r})")


def svd(A: Any, full_matrices: bool = True, *, driver: Any = None) -> Any:
    """(U, S, Vh) with A = U·diag(S)·Vh, S descending; full_matrices adds orthonormal columns to U and rows to
    Vh that the gradient ignores (as PyTorch's)."""
    _driver("linalg.svd", driver)
    a = floating("linalg.svd", A)
    matrices("linalg.svd", a)
    full = flag("linalg.svd", "full_matrices", full_matrices)
    m = a.shape[-2]
    out = SVD.apply(a)
    U, S, V = out[..., :m, :], out[..., m, :], out[..., m + 1:, :]
    if full and U.shape[-1] < m:
        U = cat([U, const(a, _complement(U.data))], -1)
    if full and V.shape[-1] < V.shape[-2]:
        V = cat([V, const(a, _complement(V.data))], -1)
    return svd_result(U, S, V.mT)


def svdvals(A: Any, *, driver: Any = None) -> Any:
    """The singular values, descending (gradient U·diag(δ)·Vᵀ, finite for repeated values)."""
    _driver("linalg.svdvals", driver)
    a = floating("linalg.svdvals", A)
    matrices("linalg.svdvals", a)
    return SVD.apply(a)[..., a.shape[-2], :]


__all__ = ["cholesky", "cholesky_ex", "qr", "eigh", "eigvalsh", "svd", "svdvals"]
