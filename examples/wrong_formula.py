"""Teaching a wrong formula: three plausible but wrong backprop rules, stated as Claims, and verify's report of
exactly where and how autograd disagrees with them: a counterexample at random rational values first (found in
milliseconds), then the difference simplified (at most a couple of seconds).

Run: python examples/wrong_formula.py          (prints both failures)
 or: tinygrad-edu verify examples/wrong_formula.py   (same report; exit code 1 because the claims fail)
"""
import numpy as np

import tinygrad_edu.functional as F
from tinygrad_edu.symbolic import Claim, Derivation, load
from tinygrad_edu.symbolic.sums import correlate
from tinygrad_edu.symbolic.verify import format_table, run


def dense_delta_without_derivative(case, numbers):
    """Wrong: δ_r = W_{r+1}ᵀ δ_{r+1}, forgetting the factor f'(u_r) of the layer's own activation."""
    u = numbers.tensor("u", case["n"])
    W = numbers.tensor("w", (case["m"], case["n"]))
    out = F.linear(F.sigmoid(u), W)
    delta = numbers.delta("delta", case["m"])
    out.backward(delta)
    return u.grad, W.data.T @ delta.data


def conv_delta_without_flip(case, numbers):
    """Wrong: δ_r = δ_{r+1} ⋆ W correlated with the kernel as it is (full padding), instead of rotated by 180°."""
    n, k = case["n"], case["k"]
    z = numbers.tensor("z", (1, 1, n, n))
    W = numbers.tensor("w", (1, 1, k, k))
    out = F.conv2d(z, W)
    delta = numbers.delta("delta", out.shape)
    out.backward(delta)
    return z.grad, correlate(delta.data[0], W.data, padding=k - 1)[None]


def tanh_mlp_without_derivative(case, numbers):
    """Wrong, the classic slip: a two-layer tanh MLP with E = ½‖y − t‖², y = tanh(W tanh(V x)), and
    ∂E/∂V = (Wᵀδ₂) xᵀ with the hidden layer's factor (1 − tanh²(u₁)) dropped."""
    x, t = numbers.tensor("x", case["n0"], requires_grad=False), numbers.tensor("t", case["n2"], requires_grad=False)
    V, W = numbers.tensor("v", (case["n1"], case["n0"])), numbers.tensor("w", (case["n2"], case["n1"]))
    y = F.tanh(F.linear(F.tanh(F.linear(x, V)), W))
    (((y - t) ** 2).sum() / 2).backward()
    u1 = V.data @ x.data
    u2 = W.data @ numbers.tanh(u1)
    delta2 = (numbers.tanh(u2) - t.data) * (1 - numbers.tanh(u2) ** 2)
    return V.grad, np.outer(W.data.T @ delta2, x.data)


WRONG = Derivation(
    id="wrong-formulas",
    title="Three plausible, wrong backprop rules",
    source="examples/wrong_formula.py (the correct rules: 003 §δ recursion, see derivations/)",
    latex=r"\delta_r \overset{?}{=} W_{r+1}^{\top}\delta_{r+1},\qquad "
          r"\delta_r \overset{?}{=} \operatorname{pad}_{k-1}(\delta_{r+1}) \star W",
    mapping="as in derivations/dense_backprop.py and derivations/conv_backprop.py",
    claims=[
        Claim("F39", "WRONG: dense δ_r = W_{r+1}ᵀ δ_{r+1} (no f'(u_r))", r"\delta_r = W_{r+1}^{\top}\delta_{r+1}",
              dense_delta_without_derivative, grid=[{"n": 2, "m": 2}], spot={"n": 20, "m": 10}),
        Claim("F46", "WRONG: conv δ_r = full correlation of δ_{r+1} with W, no kernel flip",
              r"\delta_r = \operatorname{pad}_{k-1}(\delta_{r+1}) \star W", conv_delta_without_flip,
              grid=[{"n": 3, "k": 2}], spot={"n": 10, "k": 3}),
        Claim("F39", "WRONG: two-layer tanh MLP, ∂E/∂V = (Wᵀδ₂) xᵀ (no 1 − tanh²(u₁))",
              r"\frac{\partial E}{\partial V} = (W^{\top}\delta_2)\,x^{\top}", tanh_mlp_without_derivative,
              grid=[{"n0": 2, "n1": 3, "n2": 2}], spot={"n0": 20, "n1": 30, "n2": 10}),
    ],
)

if __name__ == "__main__":
    report = run(load(__file__))
    print(format_table(report))
