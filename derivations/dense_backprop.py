"""Seed 003 on dense layers: forward u = Wz + b, the backprop rule δ_r = W_{r+1}ᵀ δ_{r+1} ⊙ f'(u_r), the
dense layer on a d×d×K input (flatten), the inner product, and the activations' derivatives."""
import numpy as np

import tinygrad_edu.functional as F
from tinygrad_edu.symbolic import Claim, Derivation
from tinygrad_edu.symbolic.activations import ACTIVATIONS, derivative


def dense_forward(case, numbers):
    n, m = case["n"], case["m"]
    W, z, b = numbers.tensor("w", (m, n)), numbers.tensor("z", n), numbers.tensor("b", m)
    u = F.linear(z, W, b)
    return u, np.array(
        [sum(W.data[i, j] * z.data[j] for j in range(n)) + b.data[i] for i in range(m)], dtype=W.data.dtype)


def dense_delta(case, numbers):
    """Two dense layers; δ_{r+1} stays symbolic (E = ⟨δ_{r+1}, u_{r+1}⟩) and δ_r is read off u_r.grad."""
    n0, n1, n2, f = case["n0"], case["n1"], case["n2"], case["f"]
    z = numbers.tensor("z", n0, requires_grad=False)
    W1, b1 = numbers.tensor("v", (n1, n0)), numbers.tensor("c", n1)
    W2, b2 = numbers.tensor("w", (n2, n1)), numbers.tensor("b", n2)
    u1 = F.linear(z, W1, b1)
    u1.retain_grad()
    u2 = F.linear(ACTIVATIONS[f](u1), W2, b2)
    delta2 = numbers.delta("delta", n2)
    u2.backward(delta2)
    u1_by_sum = np.array([sum(W1.data[i, j] * z.data[j] for j in range(n0)) + b1.data[i] for i in range(n1)],
                         dtype=z.data.dtype)
    expected = np.array([sum(W2.data[k, j] * delta2.data[k] for k in range(n2)) for j in range(n1)],
                        dtype=z.data.dtype) * derivative(f, u1_by_sum, numbers)
    return u1.grad, expected


def flatten_dense(case, numbers):
    """A dense layer on Z ∈ ℝ^{d×d×K}: u_i = ⟨W_i, Z⟩ + b_i over every position and channel (F42, F12)."""
    d, K, m = case["d"], case["K"], case["m"]
    Z = numbers.image("Z", d, K)
    W, b = numbers.tensor("w", (m, K * d * d)), numbers.tensor("b", m)
    u = F.linear(Z.flatten(1), W, b)
    Wi = W.data.reshape(m, K, d, d)
    expected = np.array([[(Wi[i] * Z.data[0]).sum() + b.data[i] for i in range(m)]], dtype=W.data.dtype)
    return u, expected


def flatten_gradient(case, numbers):
    """Backward through flatten: ∂E/∂Z_{ijk} = Σ_i δ_i w_{i,ijk}, reshaped back to the d×d×K layout."""
    d, K, m = case["d"], case["K"], case["m"]
    Z = numbers.image("Z", d, K)
    W = numbers.tensor("w", (m, K * d * d))
    delta = numbers.delta("delta", (1, m))
    F.linear(Z.flatten(1), W).backward(delta)
    Wi = W.data.reshape(m, K, d, d)
    return Z.grad, sum(delta.data[0, i] * Wi[i] for i in range(m))[None]


def dense_weight_gradient(case, numbers):
    """A dense layer on a minibatch z_1 … z_N (rows): E = Σ_n ⟨δ_n, u_n⟩ gives ∂E/∂w_ij = Σ_n δ_{n,i} z_{n,j} and
    ∂E/∂b_i = Σ_n δ_{n,i} (F47's vector form for a dense layer, summed over the batch)."""
    N, n, m = case["N"], case["n"], case["m"]
    Z, W, b = numbers.tensor("z", (N, n)), numbers.tensor("w", (m, n)), numbers.tensor("b", m)
    delta = numbers.delta("delta", (N, m))
    F.linear(Z, W, b).backward(delta)
    dW = np.array([[sum(delta.data[k, i] * Z.data[k, j] for k in range(N)) for j in range(n)] for i in range(m)],
                  dtype=Z.data.dtype)
    db = np.array([sum(delta.data[k, i] for k in range(N)) for i in range(m)], dtype=Z.data.dtype)
    dZ = np.array([[sum(delta.data[k, i] * W.data[i, j] for i in range(m)) for j in range(n)] for k in range(N)],
                  dtype=Z.data.dtype)
    return (np.concatenate([W.grad.data.ravel(), b.grad.data.ravel(), Z.grad.data.ravel()]),
            np.concatenate([dW.ravel(), db, dZ.ravel()]))


def inner_product(case, numbers):
    """⟨A, B⟩ = Σ a_ij b_ij = tr(AᵀB) (F38): the engine's sum of a product and its trace of AᵀB, both against the
    index sum."""
    r, c = case["r"], case["c"]
    A, B = numbers.tensor("a", (r, c)), numbers.tensor("b", (r, c))
    product = A.T @ B
    trace = product[np.arange(c), np.arange(c)].sum()
    by_sum = sum(A.data[i, j] * B.data[i, j] for i in range(r) for j in range(c))
    return np.array([(A * B).sum().data[()], trace.data[()]], dtype=A.data.dtype), np.array([by_sum, by_sum],
                                                                                          dtype=A.data.dtype)


def activation_derivative(case, numbers):
    f, n = case["f"], case["n"]
    u = numbers.tensor("u", n)
    ACTIVATIONS[f](u).sum().backward()
    return u.grad, derivative(f, u.data, numbers)


def relu_values(case, numbers):
    """ReLU y = max(0, x) (F53) on exact inputs: the positive part, and a 0/1 derivative routing δ."""
    x = numbers.exact(case["n"])
    delta = numbers.delta("delta", case["n"])
    y = F.relu(x)
    y.backward(delta)
    positive = numbers.step(x.data)
    return np.concatenate([y.data, x.grad.data]), np.concatenate([positive * x.data, positive * delta.data])


DENSE = Derivation(
    id="dense-backprop",
    title="Backpropagation through dense layers",
    source="003 §dense layers and δ (003_c7546413631ace49.txt); 004 §dense y = Wx + b",
    latex=r"u_r = W_r z_r + b_r,\quad \delta_r = \left(W_{r+1}^{\top}\delta_{r+1}\right)\odot f'(u_r),"
          r"\quad \delta_{r,j} = \langle \tilde w_{r+1,j}, \delta_{r+1}\rangle\, f'(u_{r,j})",
    mapping="w_{ij} (1-based) is weight[i-1, j-1] of F.linear (PyTorch's (out, in)); Z_{ijk} of a d×d×K layer is "
            "z[0, k-1, i-1, j-1] (NCHW), flattened in C, H, W order.",
    claims=[
        Claim("F37,F55", "dense forward u_i = Σ_j w_ij z_j + b_i", r"u_i = \sum_j w_{ij} z_j + b_i", dense_forward,
              grid=[{"n": 1, "m": 1}, {"n": 2, "m": 3}, {"n": 3, "m": 2}], spot={"n": 40, "m": 30}, ops=("MatMul",)),
        Claim("F39,F40", "δ_r = W_{r+1}ᵀ δ_{r+1} ⊙ f'(u_r)", r"\delta_r = (W_{r+1}^{\top}\delta_{r+1}) \odot f'(u_r)",
              dense_delta, grid=[{"n0": 2, "n1": 3, "n2": 2, "f": f} for f in ("sigmoid", "tanh", "relu")]
              + [{"n0": 1, "n1": 1, "n2": 1, "f": "sigmoid"}, {"n0": 3, "n1": 2, "n2": 3, "f": "tanh"}],
              spot={"n0": 30, "n1": 40, "n2": 20, "f": "tanh"}, name="dense-delta",
              ops=("MatMul", "backend.tanh", "backend.sigmoid", "backend.step")),
        Claim("F47,F39", "dense parameter gradients on a minibatch: ∂E/∂w_ij = Σ_n δ_ni z_nj, ∂E/∂b_i = Σ_n δ_ni",
              r"\frac{\partial E}{\partial w_{ij}} = \sum_n \delta_{ni} z_{nj},\ "
              r"\frac{\partial E}{\partial b_i} = \sum_n \delta_{ni}", dense_weight_gradient,
              grid=[{"N": 2, "n": 2, "m": 1}, {"N": 3, "n": 3, "m": 2}, {"N": 2, "n": 3, "m": 2}],
              spot={"N": 16, "n": 16, "m": 10}, name="dense-weights", ops=("MatMul",)),
        Claim("F42,F12", "dense on Z ∈ ℝ^{d×d×K}: u_i = ⟨W_i, Z⟩ + b_i", r"u_i = \langle W_i, Z\rangle + b_i",
              flatten_dense, grid=[{"d": 2, "K": 1, "m": 2}, {"d": 2, "K": 2, "m": 1}, {"d": 3, "K": 2, "m": 2}],
              spot={"d": 7, "K": 5, "m": 9}, ops=("MatMul", "Reshape")),
        Claim("F12", "flatten's backward: ∂E/∂Z = Σ_i δ_i W_i in the d×d×K layout",
              r"\frac{\partial E}{\partial Z} = \sum_i \delta_i W_i", flatten_gradient,
              grid=[{"d": 2, "K": 2, "m": 2}, {"d": 3, "K": 1, "m": 3}], spot={"d": 6, "K": 4, "m": 5},
              ops=("MatMul", "Reshape")),
        Claim("F38", "⟨A, B⟩ = Σ a_ij b_ij = tr(AᵀB)", r"\langle A, B\rangle = \operatorname{tr}(A^{\top}B)",
              inner_product, grid=[{"r": 1, "c": 1}, {"r": 2, "c": 3}, {"r": 3, "c": 2}], spot={"r": 20, "c": 30},
              ops=("Mul", "MatMul")),
        Claim("F10", "f' of sigmoid, tanh, ReLU: σ(1 − σ), 1 − tanh², step",
              r"\sigma' = \sigma(1-\sigma),\ \tanh' = 1 - \tanh^2,\ \mathrm{relu}' = [u > 0]",
              activation_derivative, grid=[{"f": f, "n": 2} for f in ACTIVATIONS], spot={"f": "sigmoid", "n": 100},
              ops=("Sigmoid", "Tanh", "Relu", "backend.sigmoid", "backend.tanh", "backend.step")),
        Claim("F53,F10", "ReLU y = max(0, x), δ routed where x > 0 (exact inputs)",
              r"y = \max(0, x),\quad \delta_x = [x > 0]\,\delta_y", relu_values,
              grid=[{"n": 4}, {"n": 7}], spot={"n": 200}, ops=("Relu", "backend.relu", "backend.step")),
    ],
)
