"""Seed 002's architectures as formulas: the residual block h(x) = f(x) + x, whose identity path adds δ itself
to the gradient (∂(F(x) + x)/∂x = F'(x) + I), and the Inception block, whose concatenation splits δ by branch."""
import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.symbolic import Claim, Derivation
from tinygrad_edu.symbolic.activations import ACTIVATIONS, derivative
from tinygrad_edu.symbolic.sums import conv, conv_input_grad, input_delta


def residual(case, numbers):
    """h(x) = conv(f(conv(x, W₁)), W₂) + x with same-size convs: δ_x = W₁ᵀ(W₂ᵀδ ⊙ f'(u₁)) + δ, the lecture's
    conv δ rule twice plus the identity path's δ (F31)."""
    C, n, k, f = case["C"], case["n"], case["k"], case["f"]
    x = numbers.image("x", n, C)
    W1, W2 = numbers.kernel("V", k, C, C), numbers.kernel("W", k, C, C)
    u1 = F.conv2d(x, W1, padding=k // 2)
    h = F.conv2d(ACTIVATIONS[f](u1), W2, padding=k // 2) + x
    delta = numbers.delta("delta", h.shape)
    h.backward(delta)
    u1_by_sum = conv(x.data[0], W1.data, padding=k // 2)
    through = input_delta(delta.data[0], W2.data, n, 1, k // 2) * derivative(f, u1_by_sum, numbers)
    return x.grad, (input_delta(through, W1.data, n, 1, k // 2) + delta.data[0])[None]


def max_pool_same(x, numbers):
    """3×3 max pool, stride 1, padding 1 by its definition: y[c, i, j] = max of x[c] over the window around (i, j)
    (padding never wins), with the winner's position for routing δ."""
    C, n, _ = x.shape
    y, winner = numbers.zeros((C, n, n)), {}
    for c, i, j in np.ndindex(C, n, n):
        cells = [(a, b) for a in range(i - 1, i + 2) for b in range(j - 1, j + 2) if 0 <= a < n and 0 <= b < n]
        winner[c, i, j] = max(cells, key=lambda ab: x[c, ab[0], ab[1]])
        y[c, i, j] = x[c][winner[c, i, j]]
    return y, winner


def inception(case, numbers):
    """Branches 1×1; 1×1→3×3; 1×1→5×5; 3×3 max pool→1×1, concatenated along depth (F30): the output is the four
    branches' index sums stacked, and δ_x = Σ_branches (their transposed convs of δ's slices), the pool routing its
    δ to each window's winner. Exact x for the max pool."""
    C, n, widths = case["C"], case["n"], case["widths"]
    x = numbers.exact((1, C, n, n))
    w = {name: numbers.tensor(name, shape) for name, shape in [
        ("a", (widths[0], C, 1, 1)), ("r", (1, C, 1, 1)), ("b", (widths[1], 1, 3, 3)), ("s", (1, C, 1, 1)),
        ("c", (widths[2], 1, 5, 5)), ("e", (widths[3], C, 1, 1))]}
    y = tg.cat([F.conv2d(x, w["a"]), F.conv2d(F.conv2d(x, w["r"]), w["b"], padding=1),
                F.conv2d(F.conv2d(x, w["s"]), w["c"], padding=2), F.conv2d(F.max_pool2d(x, 3, 1, 1), w["e"])], dim=1)
    delta = numbers.delta("delta", y.shape)
    y.backward(delta)
    X, W = x.data[0], {name: t.data for name, t in w.items()}
    pooled, winner = max_pool_same(X, numbers)
    r, s_ = conv(X, W["r"]), conv(X, W["s"])
    outputs = [conv(X, W["a"]), conv(r, W["b"], padding=1), conv(s_, W["c"], padding=2), conv(pooled, W["e"])]
    d = np.split(delta.data[0], np.cumsum(widths)[:-1], axis=0)
    size = (n, n)
    grad = (conv_input_grad(d[0], W["a"], size)
            + conv_input_grad(conv_input_grad(d[1], W["b"], size, padding=1), W["r"], size)
            + conv_input_grad(conv_input_grad(d[2], W["c"], size, padding=2), W["s"], size))
    through_pool = conv_input_grad(d[3], W["e"], size)
    for (c, i, j), (a, b) in winner.items():
        grad[c, a, b] = grad[c, a, b] + through_pool[c, i, j]
    return (np.concatenate([[y.shape[1], y.shape[2]], y.data.ravel(), x.grad.data.ravel()]),
            np.concatenate([[sum(widths), n], np.concatenate(outputs).ravel(), grad.ravel()]))


ARCHITECTURES = Derivation(
    id="architectures",
    title="Residual and Inception blocks",
    source="002 §ResNet, Inception (002_c9af1d17aa284651.txt)",
    latex=r"h(x) = f(x) + x,\quad \frac{\partial h}{\partial x} = f'(x) + I,\quad "
          r"\delta_x = W_1^{\top}\big(W_2^{\top}\delta \odot f'(u_1)\big) + \delta",
    mapping="x_{ijk} of the d×d×K block input is x[0, k-1, i-1, j-1]; the convs keep the size (padding k//2, "
            "stride 1); W_1 = V, W_2 = W in (C, C, k, k).",
    claims=[
        Claim("F31", "residual block: δ_x = W₁ᵀ(W₂ᵀδ ⊙ f'(u₁)) + δ, i.e. ∂(F(x) + x)/∂x = F'(x) + I",
              r"\frac{\partial (F(x) + x)}{\partial x} = F'(x) + I", residual,
              grid=[{"C": 1, "n": 2, "k": 3, "f": "tanh"}, {"C": 2, "n": 2, "k": 1, "f": "sigmoid"},
                    {"C": 1, "n": 3, "k": 3, "f": "relu"}], spot={"C": 4, "n": 8, "k": 3, "f": "tanh"},
              ops=("Conv2d", "ConvTranspose2d", "Add", "backend.tanh", "backend.sigmoid", "backend.step")),
        Claim("F30", "Inception: four branches stacked along depth; δ_x = Σ_branches J_bᵀ δ_b (index sums)",
              r"y = [\,b_1(x);\ b_2(x);\ b_3(x);\ b_4(x)\,],\ \delta_x = \sum_b J_b^{\top}\delta_b", inception,
              grid=[{"C": 1, "n": 3, "widths": (1, 1, 1, 1)}, {"C": 2, "n": 4, "widths": (2, 1, 1, 1)}],
              spot={"C": 3, "n": 8, "widths": (4, 3, 2, 2)}, ops=("Conv2d", "ConvTranspose2d", "Cat", "MaxPool2d")),
    ],
)
