"""The lecture's convolution formulas written out as explicit index sums (seed 003 F44–F47, 0-based, one
image in CHW): the independent side a Claim compares autograd against. Work on SymPy and float arrays alike."""
from __future__ import annotations

import numpy as np

from .. import backend


def pad(z: np.ndarray, padding: int) -> np.ndarray:
    """Z (C, d, d) with `padding` zeros on every side: seed 003's d = p + 2α."""
    if padding == 0:
        return z
    out = backend.zeros((z.shape[0], z.shape[1] + 2 * padding, z.shape[2] + 2 * padding), z)
    out[:, padding:padding + z.shape[1], padding:padding + z.shape[2]] = z
    return out


def out_size(n: int, k: int, stride: int, padding: int, dilation: int = 1) -> int:
    """⌊(n + 2p − d(k − 1) − 1)/s⌋ + 1 positions for a kernel of k taps (F25, F45 with dilation)."""
    return (n + 2 * padding - dilation * (k - 1) - 1) // stride + 1


def correlate(z: np.ndarray, w: np.ndarray, stride: int = 1, padding: int = 0, dilation: int = 1) -> np.ndarray:
    """F45: u[m, i, j] = Σ_{k,p,q} W[m, k, p, q] · Z_pad[k, s·i + d·p, s·j + d·q]  (z (K, n, n), w (M, K, H, H))."""
    zp = pad(z, padding)
    m, _, h, _ = w.shape
    oh, ow = (out_size(n, h, stride, padding, dilation) for n in z.shape[1:])
    u = backend.zeros((m, oh, ow), z)
    span = dilation * (h - 1) + 1
    for i in range(oh):
        for j in range(ow):
            window = zp[:, stride * i:stride * i + span:dilation, stride * j:stride * j + span:dilation]
            for o in range(m):
                u[o, i, j] = (w[o] * window).sum()
    return u


def input_delta(delta: np.ndarray, w: np.ndarray, size: int, stride: int = 1, padding: int = 0) -> np.ndarray:
    """F44/F46: δ_r[k, i, j] = Σ_{l,s,t} δ_{r+1}[l, s, t] · W[l, k, i + P − β·s, j + P − β·t], a term being 0
    when its kernel index falls outside 0..H−1 (δ (M, d', d'), w (M, K, H, H), result (K, size, size))."""
    m, k, h, _ = w.shape
    out = backend.zeros((k, size, size), delta)
    for i in range(size):
        for j in range(size):
            for s in range(delta.shape[1]):
                for t in range(delta.shape[2]):
                    p, q = i + padding - stride * s, j + padding - stride * t
                    if 0 <= p < h and 0 <= q < h:
                        out[:, i, j] = out[:, i, j] + (delta[:, s, t][:, None] * w[:, :, p, q]).sum(axis=0)
    return out


def weight_grad(delta: np.ndarray, z: np.ndarray, size: int, stride: int = 1, padding: int = 0) -> np.ndarray:
    """F47: ∂E/∂W[m, k, p, q] = Σ_{s,t} δ[m, s, t] · Z_pad[k, β·s + p, β·t + q], over the output positions s, t."""
    zp = pad(z, padding)
    m, k = delta.shape[0], z.shape[0]
    out = backend.zeros((m, k, size, size), delta)
    d1, d2 = delta.shape[1:]
    for p in range(size):
        for q in range(size):
            window = zp[:, p:p + stride * (d1 - 1) + 1:stride, q:q + stride * (d2 - 1) + 1:stride]
            for o in range(m):
                out[o, :, p, q] = (delta[o][None] * window).sum(axis=(1, 2))
    return out
