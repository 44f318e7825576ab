"""Seed 002's architectures as formulas: the residual block h(x) = f(x) + x, whose identity path adds δ itself
to the gradient (∂(F(x) + x)/∂x = F'(x) + I), and the Inception block, whose concatenation splits δ by branch."""
import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.symbolic import Claim, Derivation
from tinygrad_edu.symbolic.activations import ACTIVATIONS, derivative
from tinygrad_edu.symbolic.sums import input_delta


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
    through = input_delta(delta.data[0], W2.data, n, 1, k // 2) * derivative(f, u1.data[0], numbers)
    return x.grad, (input_delta(through, W1.data, n, 1, k // 2) + delta.data[0])[None]


def inception(case, numbers):
    """Branches 1×1; 1×1→3×3; 1×1→5×5; 3×3 max pool→1×1, concatenated along depth: channels add up, and
    δ_x is the sum over branches of each branch's δ_x for its slice of δ (F30). Exact x for the max pool."""
    C, n, widths = case["C"], case["n"], case["widths"]
    x = numbers.exact((1, C, n, n))
    weights = {name: numbers.tensor(name, shape) for name, shape in [
        ("a", (widths[0], C, 1, 1)), ("r", (1, C, 1, 1)), ("b", (widths[1], 1, 3, 3)), ("s", (1, C, 1, 1)),
        ("c", (widths[2], 1, 5, 5)), ("e", (widths[3], C, 1, 1))]}
    w = weights
    branches = [lambda t: F.conv2d(t, w["a"]), lambda t: F.conv2d(F.conv2d(t, w["r"]), w["b"], padding=1),
                lambda t: F.conv2d(F.conv2d(t, w["s"]), w["c"], padding=2),
                lambda t: F.conv2d(F.max_pool2d(t, 3, 1, 1), w["e"])]
    y = tg.cat([branch(x) for branch in branches], dim=1)
    delta = numbers.delta("delta", y.shape)
    y.backward(delta)
    total = x.grad.data.copy()
    expected = numbers.zeros(x.shape)
    start = 0
    for branch, width in zip(branches, widths):
        x.grad = None
        branch(x).backward(tg.Tensor(delta.data[:, start:start + width]))
        expected = expected + x.grad.data
        start += width
    return np.concatenate([[y.shape[1], y.shape[2]], total.ravel()]), np.concatenate([[sum(widths), n],
                                                                                      expected.ravel()])


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
              grid=[{"C": 1, "n": 2, "k": 3, "f": "tanh"}, {"C": 2, "n": 3, "k": 1, "f": "sigmoid"},
                    {"C": 1, "n": 3, "k": 3, "f": "relu"}], spot={"C": 4, "n": 8, "k": 3, "f": "tanh"}),
        Claim("F30", "Inception: depth concatenation of four branches; δ_x = Σ_branches δ_x(branch)",
              r"y = [\,b_1(x);\ b_2(x);\ b_3(x);\ b_4(x)\,],\ \delta_x = \sum_b J_b^{\top}\delta_b", inception,
              grid=[{"C": 1, "n": 3, "widths": (1, 1, 1, 1)}, {"C": 2, "n": 4, "widths": (2, 1, 1, 1)}],
              spot={"C": 3, "n": 8, "widths": (4, 3, 2, 2)}),
    ],
)
