"""Write your own check, in 9 lines of code: E = Σ_i σ(u_i) with u = Wz, and the lecture's
∂E/∂w_ij = σ(u_i)(1 − σ(u_i)) z_j. compute(case, numbers) returns (autograd's value, your formula).
Indices are the lecture's, 1-based: lecture(W)(i, j) is W[i−1, j−1], numbers.build(shape, f) fills f(i, j),
layers(W1, W2)[r](i, j) is layer r's entry. Formulas use numbers.exp/log/sqrt/tanh/sigmoid/step (symbols and
floats alike). check(...) prints a verdict, or shows a table in a notebook. Run: python examples/own_claim.py"""
import tinygrad_edu.functional as F
from tinygrad_edu.symbolic import check, lecture, sizes


def dense_sigmoid_gradient(case, numbers):
    """∂E/∂w_ij = σ(u_i)(1 − σ(u_i)) z_j"""
    z, W = numbers.tensor("z", case["n"], requires_grad=False), numbers.tensor("w", (case["m"], case["n"]))
    F.sigmoid(F.linear(z, W)).sum().backward()
    w, x, s = lecture(W), lecture(z), lambda i: numbers.sigmoid(sum(w(i, j) * x(j) for j in range(1, case["n"] + 1)))
    return W.grad, numbers.build(W.shape, lambda i, j: s(i) * (1 - s(i)) * x(j))


print(check(dense_sigmoid_gradient, sizes(n=[2, 3], m=[1, 2]), spot={"n": 12, "m": 8}, formulas="F39"))
