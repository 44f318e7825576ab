"""Seed 003 on pooling layers as linear maps u_ijk = ⟨W_ijk, Z_k⟩: W is the 0/1 argmax mask for max pooling
and 1/s² on the window for average pooling, so backprop routes δ through Wᵀ (seeds 001, 002, 004 likewise)."""
import numpy as np

import tinygrad_edu.functional as F
from tinygrad_edu.symbolic import Claim, Derivation

GRID = [{"d": 4, "s": 2, "beta": 2, "pad": 0, "K": 1}, {"d": 5, "s": 2, "beta": 2, "pad": 0, "K": 2},
        {"d": 5, "s": 3, "beta": 2, "pad": 1, "K": 1}, {"d": 4, "s": 3, "beta": 1, "pad": 1, "K": 1},
        {"d": 3, "s": 2, "beta": 1, "pad": 0, "K": 2}]
SPOT = {"d": 12, "s": 3, "beta": 2, "pad": 1, "K": 3}


def window(case, i, j):
    """P_ij = {(β(i−1)+p, β(j−1)+q) : p, q = 1..s} in 0-based form, shifted by the padding, clipped to the map."""
    s, beta, pad, d = case["s"], case["beta"], case["pad"], case["d"]
    rows = [beta * i + p - pad for p in range(s) if 0 <= beta * i + p - pad < d]
    cols = [beta * j + q - pad for q in range(s) if 0 <= beta * j + q - pad < d]
    return [(a, b) for a in rows for b in cols]


def pooled_size(case):
    """d' = (d + 2·pad − s)/β + 1 (F43 with PyTorch's padding)."""
    return (case["d"] + 2 * case["pad"] - case["s"]) // case["beta"] + 1


def pool(case, numbers, kind):
    x = numbers.exact((1, case["K"], case["d"], case["d"]))
    fn = F.max_pool2d if kind == "max" else F.avg_pool2d
    y = fn(x, case["s"], case["beta"], case["pad"])
    delta = numbers.delta("delta", y.shape)
    y.backward(delta)
    return x, y, delta


def max_forward_and_mask(case, numbers):
    """y_ijk = max_{P_ij} Z_k and δ_r = Σ_ij W_ijk δ_ijk with W_ijk = 1 at the window's argmax, else 0."""
    x, y, delta = pool(case, numbers, "max")
    n = pooled_size(case)
    values = numbers.zeros((1, case["K"], n, n))
    routed = numbers.zeros(x.shape)
    for k in range(case["K"]):
        for i in range(n):
            for j in range(n):
                cells = window(case, i, j)
                winner = max(cells, key=lambda ab: x.data[0, k, ab[0], ab[1]])
                values[0, k, i, j] = x.data[0, k, winner[0], winner[1]]
                routed[0, k, winner[0], winner[1]] += delta.data[0, k, i, j]
    return np.concatenate([y.data.ravel(), x.grad.data.ravel()]), np.concatenate([values.ravel(), routed.ravel()])


def average_forward_and_spread(case, numbers):
    """y_ijk = (1/s²) Σ_{P_ij} Z_k (zero padding counted) and δ_r = Σ_ij δ_ijk / s² over the window."""
    x, y, delta = pool(case, numbers, "avg")
    n, area = pooled_size(case), numbers.constant(case["s"] ** 2)
    values = numbers.zeros((1, case["K"], n, n))
    spread = numbers.zeros(x.shape)
    for k in range(case["K"]):
        for i in range(n):
            for j in range(n):
                for a, b in window(case, i, j):
                    values[0, k, i, j] += x.data[0, k, a, b] / area
                    spread[0, k, a, b] += delta.data[0, k, i, j] / area
    return np.concatenate([y.data.ravel(), x.grad.data.ravel()]), np.concatenate([values.ravel(), spread.ravel()])


def global_average(case, numbers):
    """Global average pooling: the window is the whole map; δ spreads as δ_k / (H·W)."""
    K, h, w = case["K"], case["h"], case["w"]
    x = numbers.tensor("z", (1, K, h, w))
    y = F.adaptive_avg_pool2d(x, 1)
    delta = numbers.delta("delta", y.shape)
    y.backward(delta)
    area = numbers.constant(h * w)
    means = np.array([x.data[0, k].sum() / area for k in range(K)], dtype=x.data.dtype)
    spread = np.broadcast_to(delta.data[0, :, 0, 0][:, None, None] / area, (K, h, w))
    return np.concatenate([y.data.ravel(), x.grad.data.ravel()]), np.concatenate([means, spread.ravel()])


def pyramid_bins(n, level):
    """Bin i of `level` along a side of n: rows ⌊i·n/level⌋ … ⌈(i+1)·n/level⌉ − 1 (they overlap when level ∤ n)."""
    return [range(i * n // level, -(-(i + 1) * n // level)) for i in range(level)]


def pyramid(case, numbers):
    """Spatial pyramid pooling at 1×1, 2×2, 4×4 (F62): each level's bin (i, j) of channel k is the max of its
    rows × columns, the levels flattened (channel-major) and concatenated: K·21 numbers for any input size;
    δ of every level routed to its bin's winner and summed over levels. Exact x, so every bin has one winner."""
    K, h, w = case["K"], case["h"], case["w"]
    x = numbers.exact((1, K, h, w))
    y = F.spatial_pyramid_pool2d(x, levels=(1, 2, 4))
    delta = numbers.delta("delta", y.shape)
    y.backward(delta)
    X, D = x.data[0], delta.data[0]
    values, routed, at = [], numbers.zeros((K, h, w)), 0
    for level in (1, 2, 4):
        for k in range(K):
            for rows in pyramid_bins(h, level):
                for cols in pyramid_bins(w, level):
                    a, b = max(((a, b) for a in rows for b in cols), key=lambda ab: X[k, ab[0], ab[1]])
                    values.append(X[k, a, b])
                    routed[k, a, b] += D[at]
                    at += 1
    return (np.concatenate([[y.shape[1]], y.data.ravel(), x.grad.data.ravel()]),
            np.concatenate([[K * (1 + 4 + 16)], np.array(values, dtype=X.dtype), routed.ravel()]))


def pool_then_dense(case, numbers):
    """Seed 003's footnote: a pooling layer r followed by a dense layer, u_{r+1,m} = ⟨W_{r+1,m}, U_r⟩ + b; the pooling
    layer's δ_r = Σ_m δ_{r+1,m} W_{r+1,m} (identity activation), then routed by the max mask into Z."""
    K, d, m = case["K"], case["d"], case["m"]
    Z = numbers.exact((1, K, 2 * d, 2 * d))
    U = F.max_pool2d(Z, 2)
    U.retain_grad()
    W, b = numbers.tensor("w", (m, K * d * d)), numbers.tensor("b", m)
    u = F.linear(U.flatten(1), W, b)
    delta = numbers.delta("delta", u.shape)
    u.backward(delta)
    Wm = W.data.reshape(m, K, d, d)
    pooled = numbers.zeros((K, d, d))
    winners = {}
    for k, i, j in np.ndindex(K, d, d):
        winners[k, i, j] = max(((2 * i + p, 2 * j + q) for p in range(2) for q in range(2)),
                               key=lambda ab: Z.data[0, k, ab[0], ab[1]])
        pooled[k, i, j] = Z.data[0, k][winners[k, i, j]]
    forward = np.array([(Wm[r] * pooled).sum() + b.data[r] for r in range(m)], dtype=W.data.dtype)
    delta_r = sum(delta.data[0, r] * Wm[r] for r in range(m))
    routed = numbers.zeros((K, 2 * d, 2 * d))
    for (k, i, j), (a, c) in winners.items():
        routed[k, a, c] += delta_r[k, i, j]
    return (np.concatenate([u.data.ravel(), U.grad.data.ravel(), Z.grad.data.ravel()]),
            np.concatenate([forward, delta_r.ravel(), routed.ravel()]))


def translation_within_window(case, numbers):
    """Pooling gives some translation invariance (F18): moving the maximum inside its own 2×2 window leaves the
    max-pooled output unchanged (the winner moves, the value does not)."""
    K, d = case["K"], case["d"]
    x = numbers.exact((1, K, 2 * d, 2 * d), requires_grad=False).data.copy()
    shifted = x.copy()
    for k, i, j in np.ndindex(K, d, d):
        window = x[0, k, 2 * i:2 * i + 2, 2 * j:2 * j + 2]
        shifted[0, k, 2 * i:2 * i + 2, 2 * j:2 * j + 2] = np.roll(window.ravel(), 1).reshape(2, 2)
    window_max = numbers.zeros((1, K, d, d))
    for k, i, j in np.ndindex(K, d, d):
        window_max[0, k, i, j] = max(x[0, k, 2 * i:2 * i + 2, 2 * j:2 * j + 2].ravel(), key=lambda v: v)
    return np.stack([F.max_pool2d(shifted, 2).data, F.max_pool2d(x, 2).data]), np.stack([window_max, window_max])


POOLING = Derivation(
    id="pooling",
    title="Pooling as a linear map, and its backprop",
    source="003 §pooling layer (003_c7546413631ace49.txt); 001 §pooling; 002 §pooling; 004 §pooling",
    latex=r"u_{ijk} = \langle W_{ijk}, Z_k\rangle,\quad W_{ijk} = \begin{cases}[\,(p,q) = \arg\max_{P_{ij}} Z_k]"
          r" & \text{max}\\ 1/s^2 \text{ on } P_{ij} & \text{average}\end{cases},\quad "
          r"\delta_r = \sum_{ij} W_{ijk}\,\delta_{r+1,ijk}",
    mapping="Z_{ijk} of the d×d×K layer is z[0, k-1, i-1, j-1]; window P_ij = {(β(i−1)+p, β(j−1)+q)} with "
            "p, q = 1..s becomes rows β·i + p − pad (0-based); inputs are distinct exact rationals so each "
            "window has one winner, δ stays symbolic.",
    claims=[
        Claim("F36,F54,F27,F43,F44,F13,F11", "max pool: y = max over P_ij, δ routed by the 0/1 argmax mask",
              r"y_{ijk} = \max_{(p,q)\in P_{ij}} z_{pqk},\ \delta_{r} = \sum_{ij} W_{ijk}\delta_{r+1,ijk}",
              max_forward_and_mask, grid=GRID, spot=SPOT, name="max-pool", ops=("MaxPool2d",)),
        Claim("F36,F62,F27,F11,F44", "average pool: y = (1/s²) Σ P_ij, δ spread as δ/s²",
              r"y_{ijk} = \frac{1}{s^2}\sum_{(p,q)\in P_{ij}} z_{pqk},\ \delta_{r,pqk} = \sum_{ij: (p,q)\in P_{ij}}"
              r" \frac{\delta_{r+1,ijk}}{s^2}", average_forward_and_spread, grid=GRID, spot=SPOT, name="avg-pool",
              ops=("AvgPool2d",)),
        Claim("F62", "global average pooling: mean of the whole map, δ/(H·W)",
              r"y_k = \frac{1}{HW}\sum_{ij} z_{ijk}", global_average,
              grid=[{"K": 1, "h": 2, "w": 3}, {"K": 2, "h": 3, "w": 3}], spot={"K": 4, "h": 9, "w": 7},
              ops=("AvgPool2d",)),
        Claim("F44,F36,F12", "pool → dense: u_m = ⟨W_m, U⟩ + b, the pool's δ = Σ_m δ_m W_m, routed by the max mask",
              r"u_{r+1,m} = \langle W_{r+1,m}, U_r\rangle + b,\ \delta_r = \sum_m \delta_{r+1,m} W_{r+1,m}",
              pool_then_dense, grid=[{"K": 1, "d": 2, "m": 2}, {"K": 2, "d": 2, "m": 1}], spot={"K": 3, "d": 4, "m": 5},
              name="pool-dense", ops=("MaxPool2d", "MatMul")),
        Claim("F62", "spatial pyramid pooling (1, 2, 4): K·21 outputs, each bin's max; δ routed to the winners",
              r"y^{(l)}_{kij} = \max_{a \in B^l_i,\, b \in B^l_j} z_{kab},\ \dim = K(1 + 4 + 16)", pyramid,
              grid=[{"K": 1, "h": 4, "w": 4}, {"K": 2, "h": 5, "w": 6}, {"K": 1, "h": 7, "w": 5}],
              spot={"K": 3, "h": 13, "w": 11}, name="pyramid", ops=("Cat",)),
        Claim("F18,F11", "max pooling: moving the maximum within its own window leaves the output unchanged",
              r"\max_{P_{ij}} \tau z = \max_{P_{ij}} z", translation_within_window,
              grid=[{"K": 1, "d": 2}, {"K": 2, "d": 3}], spot={"K": 3, "d": 8}, ops=("MaxPool2d",)),
    ],
)
