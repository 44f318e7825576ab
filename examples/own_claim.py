"""Write your own check: a lecture formula as a Claim, in a plain Python file.

`compute(case, numbers)` builds the piece with the library and returns (autograd's value, your formula). Write the
formula with `numbers.exp/log/sqrt/tanh/sigmoid/step/zeros/constant` (they work on symbols and floats alike; NumPy's
np.tanh does not work on symbols). Symbols are named 1-based as in the lecture: numbers.tensor("w", (2, 3)) holds
w_11 … w_23, and w_ij is the array entry [i-1, j-1]. Run: python examples/own_claim.py
"""
import numpy as np

import tinygrad_edu.functional as F
from tinygrad_edu.symbolic import Claim


def dense_sigmoid_gradient(case, numbers):
    z, W = numbers.tensor("z", case["n"], requires_grad=False), numbers.tensor("w", (case["m"], case["n"]))
    F.sigmoid(F.linear(z, W)).sum().backward()                          # E = Σ_i σ(u_i), u = Wz
    s = numbers.sigmoid(W.data @ z.data)                                # the lecture: σ(u) from exp
    return W.grad, np.outer(s * (1 - s), z.data)                        # ∂E/∂w_ij = σ'(u_i) z_j


claim = Claim("F39", "∂E/∂w_ij = σ(u_i)(1 − σ(u_i)) z_j", r"\partial E/\partial w_{ij} = \sigma'(u_i) z_j",
              dense_sigmoid_gradient, grid=[{"n": 2, "m": 1}, {"n": 3, "m": 2}], spot={"n": 40, "m": 30})

if __name__ == "__main__":
    result = claim.check()
    print("holds, proved exactly" if result.proof == "exact" else result.failure or result.note)
