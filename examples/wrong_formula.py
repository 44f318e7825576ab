"""Teaching a wrong formula: two plausible but wrong backprop rules, stated as Claims, and verify's report of
exactly where and how autograd disagrees with them.

Run: python examples/wrong_formula.py          (prints both failures)
 or: tinygrad-edu verify examples/wrong_formula.py   (same report; exit code 1 because the claims fail)
"""
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


WRONG = Derivation(
    id="wrong-formulas",
    title="Two plausible, wrong backprop rules",
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
    ],
)

if __name__ == "__main__":
    report = run(load(__file__))
    print(format_table(report))
