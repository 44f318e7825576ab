"""Seed 003 on convolutional layers: the forward sum with padding and stride, δ_r = ⟨δ_{r+1}, W_{r+1,ijk}⟩ ⊙ f'(u_r)
for conv→conv and conv/pool stacks, and the parameter gradients ∂E/∂w = Σ δ·Z, ∂E/∂b = Σ δ."""
import numpy as np

import tinygrad_edu.functional as F
from tinygrad_edu.symbolic import Claim, Derivation
from tinygrad_edu.symbolic.activations import ACTIVATIONS, derivative
from tinygrad_edu.symbolic.sums import conv, correlate, input_delta, weight_grad

GRID = [{"d": 3, "H": 2, "beta": 1, "alpha": 0, "K": 1, "M": 1}, {"d": 4, "H": 2, "beta": 2, "alpha": 0, "K": 2, "M": 1},
        {"d": 3, "H": 3, "beta": 1, "alpha": 1, "K": 1, "M": 2}, {"d": 5, "H": 3, "beta": 2, "alpha": 1, "K": 1, "M": 1},
        {"d": 4, "H": 3, "beta": 2, "alpha": 0, "K": 2, "M": 2}]
SPOT = {"d": 11, "H": 3, "beta": 2, "alpha": 1, "K": 3, "M": 4}
WIDE_SPOT = {"d": 16, "H": 3, "beta": 1, "alpha": 1, "K": 3, "M": 4}
"""Stride 1 with padding on floats: the library's fast "wide" im2col layout (padded width ≤ 5/4 × output width,
ops/conv_kernels.WIDE_MAX_RATIO; here 18 ≤ 5/4 · 16)."""


def conv_forward(case, numbers):
    """u_ijm = Σ_k Σ_{p,q=1..H} W_pqkm Z_{β(i−1)+p, β(j−1)+q, k} + b_m on the padded Z (F35, F45, F26, F50)."""
    Z = numbers.image("Z", case["d"], case["K"])
    W, b = numbers.kernel("W", case["H"], case["K"], case["M"]), numbers.tensor("b", case["M"])
    u = F.conv2d(Z, W, b, stride=case["beta"], padding=case["alpha"])
    expected = correlate(Z.data[0], W.data, case["beta"], case["alpha"]) + b.data[:, None, None]
    return u, expected[None]


def conv_after_conv(case, numbers):
    """Layer r: u_r → z = f(u_r); layer r+1: u_{r+1} = conv(z, W_{r+1}, β′, α′); δ_{r+1} symbolic.
    δ_r = ⟨δ_{r+1}, W_{r+1,ijk}⟩ ⊙ f'(u_r), the kernel index i − β′(s−1) falling outside 1..H giving 0 (F44, F46)."""
    d, K, f = case["d"], case["K"], case["f"]
    u = numbers.image("u", d, K)
    W = numbers.kernel("W", case["H"], K, case["M"])
    nxt = F.conv2d(ACTIVATIONS[f](u), W, stride=case["beta"], padding=case["alpha"])
    delta = numbers.delta("delta", nxt.shape)
    nxt.backward(delta)
    through = input_delta(delta.data[0], W.data, d, case["beta"], case["alpha"])
    return u.grad, (through * derivative(f, u.data[0], numbers))[None]


def pool_after_conv(case, numbers):
    """conv layer r (ReLU) followed by a max pool: δ_r = W_poolᵀ δ_{r+1} ⊙ f'(u_r) with the 0/1 argmax mask;
    exact image and filters make u_r concrete so the winners are decided, δ_{r+1} stays symbolic."""
    d, K = case["d"], case["K"]
    Z = numbers.exact((1, K, d, d), requires_grad=False)
    W = numbers.exact((case["M"], K, case["H"], case["H"]))
    u = F.conv2d(Z, W, stride=case["beta"], padding=case["alpha"])
    u.retain_grad()
    pooled = F.max_pool2d(F.relu(u), 2)
    delta = numbers.delta("delta", pooled.shape)
    pooled.backward(delta)
    u_by_sum = conv(Z.data[0], W.data, stride=case["beta"], padding=case["alpha"])[None]
    z = numbers.step(u_by_sum) * u_by_sum
    routed = numbers.zeros(u.shape)
    for m in range(u.shape[1]):
        for i in range(pooled.shape[2]):
            for j in range(pooled.shape[3]):
                cells = [(2 * i + p, 2 * j + q) for p in range(2) for q in range(2)]
                a, b = max(cells, key=lambda ab: z[0, m, ab[0], ab[1]])
                routed[0, m, a, b] += delta.data[0, m, i, j]
    return u.grad, routed * numbers.step(u_by_sum)


def conv_after_pool(case, numbers):
    """A pooling layer r (identity activation) followed by a conv: its δ is ⟨δ_{r+1}, W_{r+1,ijk}⟩ with no f'
    factor, and the pool routes it on by its mask (F44's last sentence, F13)."""
    d, K = case["d"], case["K"]
    Z = numbers.tensor("Z", (1, K, 2 * d, 2 * d))
    pooled = F.avg_pool2d(Z, 2)
    pooled.retain_grad()
    W = numbers.kernel("W", case["H"], K, case["M"])
    nxt = F.conv2d(pooled, W, stride=case["beta"], padding=case["alpha"])
    delta = numbers.delta("delta", nxt.shape)
    nxt.backward(delta)
    through = input_delta(delta.data[0], W.data, d, case["beta"], case["alpha"])[None]
    spread = np.repeat(np.repeat(through / numbers.constant(4), 2, axis=2), 2, axis=3)
    return np.concatenate([pooled.grad.data.ravel(), Z.grad.data.ravel()]), np.concatenate([through.ravel(),
                                                                                          spread.ravel()])


def parameter_gradients(case, numbers):
    """∂E/∂w_pqkm = Σ_{s,t} δ_stm Z_{β(s−1)+p, β(t−1)+q, k} and ∂E/∂b_m = Σ_{s,t} δ_stm, s, t over the
    output positions 1..d′ (F47)."""
    Z = numbers.image("Z", case["d"], case["K"], requires_grad=False)
    W, b = numbers.kernel("W", case["H"], case["K"], case["M"]), numbers.tensor("b", case["M"])
    u = F.conv2d(Z, W, b, stride=case["beta"], padding=case["alpha"])
    delta = numbers.delta("delta", u.shape)
    u.backward(delta)
    dW = weight_grad(delta.data[0], Z.data[0], case["H"], case["beta"], case["alpha"])
    return (np.concatenate([W.grad.data.ravel(), b.grad.data]),
            np.concatenate([dW.ravel(), delta.data[0].sum(axis=(1, 2))]))


def with_activation(grid, names):
    return [dict(case, f=names[n % len(names)]) for n, case in enumerate(grid)]


CONV = Derivation(
    id="conv-backprop",
    title="Backpropagation through convolutional layers",
    source="003 §conv layer forward, δ and ∂E/∂w (003_c7546413631ace49.txt); 001 §backprop idea",
    latex=r"u_{r,ijm} = \sum_{k=1}^{K}\sum_{p,q=1}^{H} W_{r,pqkm} Z_{r,\beta(i-1)+p,\beta(j-1)+q,k} + b_{r,m},\quad"
          r"\delta_{r,ijk} = \sum_{s,t,l}\delta_{r+1,stl}\,w_{r+1,i-\beta'(s-1),j-\beta'(t-1),k,l}\;f'(u_{r,ijk}),\quad"
          r"\frac{\partial E}{\partial w_{r,pqkm}} = \sum_{s,t}\delta_{r,stm} Z_{r,\beta(s-1)+p,\beta(t-1)+q,k}",
    mapping="Z_{ijk} (1-based, d×d×K) is z[0, k-1, i-1, j-1]; W_{pqkm} is weight[m-1, k-1, p-1, q-1] "
            "(PyTorch's (M, K, H, H)); padding α adds α zeros per side (d = p + 2α); β is the stride; in 0-based "
            "form the kernel index of δ_r[k, i, j] under δ_{r+1}[l, s, t] is i + α − β·s.",
    claims=[
        Claim("F35,F45,F26,F50,F8", "conv forward u_ijm = Σ_k Σ_pq W_pqkm Z_{β(i−1)+p, β(j−1)+q, k} + b_m",
              r"u_{ijm} = \sum_{k,p,q} W_{pqkm} Z_{\beta(i-1)+p,\beta(j-1)+q,k} + b_m", conv_forward,
              grid=GRID, spot=SPOT, name="conv-forward", ops=("Conv2d",)),
        Claim("F46,F40,F44,F13", "conv→conv: δ_r = ⟨δ_{r+1}, W_{r+1,ijk}⟩ ⊙ f'(u_r)",
              r"\delta_{r,ijk} = \langle \delta_{r+1}, W_{r+1,ijk}\rangle f'(u_{r,ijk})", conv_after_conv,
              grid=with_activation(GRID, ("tanh", "sigmoid", "relu")), spot=dict(WIDE_SPOT, f="tanh"), name="conv-conv",
              ops=("Conv2d", "ConvTranspose2d", "backend.tanh", "backend.sigmoid", "backend.step")),
        Claim("F44,F40,F36", "conv→ReLU→max pool: δ_r = W_poolᵀ δ_{r+1} ⊙ f'(u_r)",
              r"\delta_{r} = W_{\text{pool}}^{\top}\delta_{r+1} \odot f'(u_r)", pool_after_conv,
              grid=[{"d": 5, "H": 2, "beta": 1, "alpha": 0, "K": 1, "M": 1},
                    {"d": 4, "H": 3, "beta": 1, "alpha": 1, "K": 2, "M": 2},
                    {"d": 7, "H": 3, "beta": 2, "alpha": 1, "K": 1, "M": 1}],
              spot={"d": 12, "H": 3, "beta": 1, "alpha": 1, "K": 2, "M": 3}, name="conv-pool",
              ops=("MaxPool2d", "Relu", "backend.step")),
        Claim("F44,F46", "pool→conv: the pooling layer's δ = ⟨δ_{r+1}, W_{r+1,ijk}⟩ (identity activation)",
              r"\delta_{r,ijk} = \langle \delta_{r+1}, W_{r+1,ijk}\rangle", conv_after_pool,
              grid=[dict(case, d=case["d"] // 2 + 2) for case in GRID[:4]], spot=dict(SPOT, d=6), name="pool-conv",
              ops=("AvgPool2d", "ConvTranspose2d")),
        Claim("F47", "∂E/∂w_pqkm = Σ_st δ_stm Z_{β(s−1)+p, β(t−1)+q, k}, ∂E/∂b_m = Σ_st δ_stm",
              r"\frac{\partial E}{\partial w_{pqkm}} = \sum_{s,t}\delta_{stm}Z_{\beta(s-1)+p,\beta(t-1)+q,k},\ "
              r"\frac{\partial E}{\partial b_m} = \sum_{s,t}\delta_{stm}", parameter_gradients,
              grid=GRID, spot=WIDE_SPOT, name="conv-params", ops=("Conv2dWeight",)),
    ],
)
