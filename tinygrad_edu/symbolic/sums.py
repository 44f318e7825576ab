"""The lecture's convolution formulas written out as explicit index sums (seed 003 F44–F47, seed 004 F51,
F58–F59 for groups, F34 for dilation; 0-based, one image in CHW): the independent side a Claim compares autograd
against. Plain NumPy indexing on SymPy and float arrays alike; nothing here calls the library's ops."""
from __future__ import annotations

from typing import Union

import numpy as np
import sympy

Pair = Union[int, tuple[int, int]]


def zeros(shape: tuple[int, ...], like: np.ndarray) -> np.ndarray:
    """Zeros of `like`'s kind: exact 0 in an object array, else float zeros."""
    if like.dtype == object:
        return np.full(shape, sympy.Integer(0), dtype=object)
    return np.zeros(shape, dtype=np.result_type(like.dtype, np.float64))


def _pair(value: Pair) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else (int(value[0]), int(value[1]))


def pad(z: np.ndarray, padding: Pair) -> np.ndarray:
    """Z (C, h, w) with zeros on every side (`padding` per axis): seed 003's d = p + 2α."""
    ph, pw = _pair(padding)
    if ph == 0 and pw == 0:
        return z
    out = zeros((z.shape[0], z.shape[1] + 2 * ph, z.shape[2] + 2 * pw), z)
    out[:, ph:ph + z.shape[1], pw:pw + z.shape[2]] = z
    return out


def conv(x: np.ndarray, w: np.ndarray, stride: Pair = 1, padding: Pair = 0, dilation: Pair = 1,
         groups: int = 1) -> np.ndarray:
    """u[o, i, j] = Σ_{c<C/G} Σ_{p,q} w[o, c, p, q] · x_pad[g·C/G + c, s_h·i + d_h·p, s_w·j + d_w·q], g = o // (O/G):
    F45 with groups (F51, F59; G = C is depthwise, F58) and per-axis dilation (F34). x (C, h, w), w (O, C/G, kh, kw)."""
    (sh, sw), (dh, dw) = _pair(stride), _pair(dilation)
    xp = pad(x, padding)
    o_count, c_group, kh, kw = w.shape
    oh = (xp.shape[1] - dh * (kh - 1) - 1) // sh + 1
    ow = (xp.shape[2] - dw * (kw - 1) - 1) // sw + 1
    u = zeros((o_count, oh, ow), x)
    per_group = o_count // groups
    for o in range(o_count):
        g = o // per_group
        for p in range(kh):
            for q in range(kw):
                rows = slice(dh * p, dh * p + sh * (oh - 1) + 1, sh)
                cols = slice(dw * q, dw * q + sw * (ow - 1) + 1, sw)
                window = xp[g * c_group:(g + 1) * c_group, rows, cols]
                u[o] = u[o] + (w[o, :, p, q][:, None, None] * window).sum(axis=0)
    return u


def conv_input_grad(delta: np.ndarray, w: np.ndarray, size: tuple[int, int], stride: Pair = 1, padding: Pair = 0,
                    dilation: Pair = 1, groups: int = 1) -> np.ndarray:
    """F44/F46 with groups and dilation: δ_r[g·C/G + c, a, b] = Σ_{o in group g} Σ_{i,j} δ[o, i, j] w[o, c, p, q] over
    the (p, q) with s_h·i + d_h·p = a + pad_h and s_w·j + d_w·q = b + pad_w (0 when no tap reaches (a, b))."""
    (sh, sw), (dh, dw), (ph, pw) = _pair(stride), _pair(dilation), _pair(padding)
    o_count, c_group, kh, kw = w.shape
    per_group = o_count // groups
    out = zeros((c_group * groups, size[0], size[1]), delta)
    for a in range(size[0]):
        for b in range(size[1]):
            for i in range(delta.shape[1]):
                for j in range(delta.shape[2]):
                    p, rp = divmod(a + ph - sh * i, dh)
                    q, rq = divmod(b + pw - sw * j, dw)
                    if rp or rq or not (0 <= p < kh and 0 <= q < kw):
                        continue
                    for g in range(groups):
                        o = slice(g * per_group, (g + 1) * per_group)
                        c = slice(g * c_group, (g + 1) * c_group)
                        out[c, a, b] = out[c, a, b] + (delta[o, i, j][:, None] * w[o, :, p, q]).sum(axis=0)
    return out


def conv_weight_grad(delta: np.ndarray, x: np.ndarray, kernel: tuple[int, int], stride: Pair = 1, padding: Pair = 0,
                     dilation: Pair = 1, groups: int = 1) -> np.ndarray:
    """F47 with groups and dilation: ∂E/∂w[o, c, p, q] = Σ_{i,j} δ[o, i, j] · x_pad[g·C/G + c, s_h·i + d_h·p,
    s_w·j + d_w·q], g = o // (O/G), over the output positions (i, j)."""
    (sh, sw), (dh, dw) = _pair(stride), _pair(dilation)
    xp = pad(x, padding)
    o_count, oh, ow = delta.shape
    c_group = x.shape[0] // groups
    per_group = o_count // groups
    out = zeros((o_count, c_group, kernel[0], kernel[1]), delta)
    for o in range(o_count):
        g = o // per_group
        for p in range(kernel[0]):
            for q in range(kernel[1]):
                window = xp[g * c_group:(g + 1) * c_group, dh * p:dh * p + sh * (oh - 1) + 1:sh,
                            dw * q:dw * q + sw * (ow - 1) + 1:sw]
                out[o, :, p, q] = (delta[o][None] * window).sum(axis=(1, 2))
    return out


def out_size(n: int, k: int, stride: int, padding: int, dilation: int = 1) -> int:
    """⌊(n + 2p − d(k − 1) − 1)/s⌋ + 1 positions for a kernel of k taps (F25, F45 with dilation)."""
    return (n + 2 * padding - dilation * (k - 1) - 1) // stride + 1


def correlate(z: np.ndarray, w: np.ndarray, stride: int = 1, padding: int = 0, dilation: int = 1) -> np.ndarray:
    """F45: u[m, i, j] = Σ_{k,p,q} W[m, k, p, q] · Z_pad[k, s·i + d·p, s·j + d·q]  (z (K, n, n), w (M, K, H, H))."""
    zp = pad(z, padding)
    m, _, h, _ = w.shape
    oh, ow = (out_size(n, h, stride, padding, dilation) for n in z.shape[1:])
    u = zeros((m, oh, ow), z)
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
    out = zeros((k, size, size), delta)
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
    out = zeros((m, k, size, size), delta)
    d1, d2 = delta.shape[1:]
    for p in range(size):
        for q in range(size):
            window = zp[:, p:p + stride * (d1 - 1) + 1:stride, q:q + stride * (d2 - 1) + 1:stride]
            for o in range(m):
                out[o, :, p, q] = (delta[o][None] * window).sum(axis=(1, 2))
    return out
