"""Seed 000: a CNN from statistical mechanics. Couplings J_{IJ,ij} between outputs d_IJ and pixels x_ij: dense
(every pixel), local (a stride-s window), shared (J_αβ, the convolution); the Boltzmann weight of
H = −Σ d_IJ u_IJ makes each output fire with probability σ(u_IJ)."""
import itertools

import numpy as np
import sympy

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.symbolic import Claim, Derivation


def dense_hamiltonian(case, numbers):
    """H = −Σ_IJ (Σ_ij d_IJ J_{IJ,ij} x_ij + d_IJ J_IJ) as a dense layer: ∂H/∂x_ij = −Σ_IJ d_IJ J_{IJ,ij} ≠ 0 for
    every pixel (F1)."""
    n, m = case["n"], case["m"]
    x = numbers.tensor("x", (n, n), start=0)
    J = numbers.tensor("J", (m * m, n * n))
    bias = numbers.tensor("c", m * m)
    d = numbers.tensor("d", m * m, start=0, requires_grad=False)
    H = -(d * F.linear(x.flatten(), J, bias)).sum()
    H.backward()
    Jd = J.data.reshape(m * m, n, n)
    energy = -sum(d.data[a] * ((Jd[a] * x.data).sum() + bias.data[a]) for a in range(m * m))
    return np.concatenate([[H.data[()]], x.grad.data.ravel()]), np.concatenate(
        [[energy], -sum(d.data[a] * Jd[a] for a in range(m * m)).ravel()])


def local_coupling(case, numbers):
    """The coupling matrix of a strided conv, read off autograd one output at a time, is
    J_{IJ,ij} = Σ_αβ J_αβ δ_{i,sI+α} δ_{j,sJ+β}: local, and the same J_αβ at every (I, J) (F2, F4, F6)."""
    n, w, s = case["n"], case["W"], case["s"]
    x = numbers.tensor("x", (1, 1, n, n), start=0)
    kernel = numbers.tensor("J", (1, 1, w, w), start=0)
    u = F.conv2d(x, kernel, stride=s)
    m = u.shape[2]
    rows, expected = [], []
    for I in range(m):
        for J in range(m):
            x.grad = None
            pick = np.zeros((1, 1, m, m), dtype=int)
            pick[0, 0, I, J] = 1
            u.backward(tg.Tensor(pick.astype(x.data.dtype)), retain_graph=True)
            rows.append(x.grad.data[0, 0].ravel())
            coupling = numbers.zeros((n, n))
            for a in range(w):
                for b in range(w):
                    coupling[s * I + a, s * J + b] += kernel.data[0, 0, a, b]
            expected.append(coupling.ravel())
    return np.stack(rows), np.stack(expected)


def worked_expansion(case, numbers):
    """4×4 pixels, 2×2 window, stride 2: Σ_IJ d_IJ u_IJ is the seed's 16-term expansion (F3)."""
    x = numbers.tensor("x", (1, 1, 4, 4), start=0, requires_grad=False)
    kernel = numbers.tensor("J", (1, 1, 2, 2), start=0, requires_grad=False)
    d = numbers.tensor("d", (1, 1, 2, 2), start=0, requires_grad=False)
    energy = (d * F.conv2d(x, kernel, stride=2)).sum()
    J, X, D = kernel.data[0, 0], x.data[0, 0], d.data[0, 0]
    blocks = {(0, 0): [(0, 0), (0, 1), (1, 0), (1, 1)], (0, 1): [(0, 2), (0, 3), (1, 2), (1, 3)],
              (1, 0): [(2, 0), (2, 1), (3, 0), (3, 1)], (1, 1): [(2, 2), (2, 3), (3, 2), (3, 3)]}
    terms = [D[I, J_] * J[a % 2, b % 2] * X[a, b] for (I, J_), cells in blocks.items() for a, b in cells]
    count = len(sympy.Add.make_args(sympy.expand(energy.data[()]))) if numbers.symbolic else 16
    return np.array([energy.data[()], count], dtype=object), np.array([sum(terms), 16], dtype=object)


def boltzmann_marginal(case, numbers):
    """Z = Σ_{d ∈ {0,1}^n} exp(Σ_IJ d_IJ u_IJ) built with the library's ops; P(d_IJ = 1) = σ(u_IJ), and the same
    number is ∂ log Z/∂u_IJ by autograd (F5)."""
    h, w = case["h"], case["w"]
    u = numbers.tensor("u", (h * w,))
    configurations = np.array(list(itertools.product((0, 1), repeat=h * w)))
    D = tg.Tensor(configurations.astype(u.data.dtype))
    weights = (D @ u).exp()
    Z = weights.sum()
    marginal = (D * weights.reshape(-1, 1)).sum(0) / Z
    Z.log().backward()
    return np.concatenate([marginal.data, u.grad.data]), np.concatenate([numbers.sigmoid(u.data)] * 2)


def one_hot_marginal(case, numbers):
    """(4.1.7) as printed lists only the one-hot configurations (one cat somewhere): Z₁ = Σ_{one-hot d}
    exp(Σ_IJ d_IJ u_IJ) = Σ_IJ e^{u_IJ}, so P(d_IJ = 1) = ∂ log Z₁/∂u_IJ = e^{u_IJ}/Σ_{I'J'} e^{u_I'J'}: a softmax
    over positions, not σ. The seed's σ(u_IJ) needs the sum over all 2^{hw} configurations (the claim above)."""
    h, w = case["h"], case["w"]
    u = numbers.tensor("u", (h * w,))
    D = tg.Tensor(np.eye(h * w, dtype=u.data.dtype))
    weights = (D @ u).exp()
    Z = weights.sum()
    marginal = (D * weights.reshape(-1, 1)).sum(0) / Z
    Z.log().backward()
    e = numbers.exp(u.data)
    return np.concatenate([marginal.data, u.grad.data]), np.concatenate([e / e.sum()] * 2)


def conv_field(case, numbers):
    """u_IJ = Σ_αβ J_αβ x_{s₁I+α, s₂J+β} + J: the local field of (4.1.8) is conv2d plus a bias (F6, F5)."""
    n, w, s = case["n"], case["W"], case["s"]
    x = numbers.tensor("x", (1, 1, n, n), start=0)
    kernel, bias = numbers.tensor("J", (1, 1, w, w), start=0), numbers.tensor("J", 1, start=0)
    u = F.conv2d(x, kernel, bias, stride=s)
    m = u.shape[2]
    field = numbers.zeros((1, 1, m, m))
    for I in range(m):
        for J in range(m):
            field[0, 0, I, J] = sum(kernel.data[0, 0, a, b] * x.data[0, 0, s * I + a, s * J + b]
                                    for a in range(w) for b in range(w)) + bias.data[0]
    return u, field


STATMECH = Derivation(
    id="statmech",
    title="A CNN from statistical mechanics: couplings, sharing and the Boltzmann weight",
    source="000 §4.1.1, (4.1.2)–(4.1.8) (000_4a1750bf668161cb.txt)",
    latex=r"H^{\mathrm{conv}}(\{d\}) = -\sum_{IJ} d_{IJ} u_{IJ},\quad u_{IJ} = \sum_{\alpha\beta} J_{\alpha\beta}"
          r" x_{s_1 I+\alpha, s_2 J+\beta} + J,\quad P(d_{IJ}=1) = \frac{e^{u_{IJ}}}{1+e^{u_{IJ}}} = \sigma(u_{IJ})",
    mapping="seed 000 is 0-based: x_ij is x[0, 0, i, j], J_αβ is weight[0, 0, α, β] with α, β = 0..W−1 (the seed's "
            "centred window −W/2..W/2 is the same sum shifted by W/2); the intended H is −Σ d_IJ u_IJ (the printed "
            "(4.1.6) shows the partition function's form).",
    claims=[
        Claim("F1", "dense Hamiltonian: ∂H/∂x_ij = −Σ_IJ d_IJ J_{IJ,ij}, every pixel coupled",
              r"H = -\sum_{IJ}\Big(\sum_{ij} d_{IJ}J_{IJ,ij}x_{ij} + d_{IJ}J_{IJ}\Big)", dense_hamiltonian,
              grid=[{"n": 2, "m": 1}, {"n": 3, "m": 2}], spot={"n": 8, "m": 4}, ops=("MatMul",)),
        Claim("F2,F4,F52", "a strided conv's couplings: J_{IJ,ij} = Σ_αβ J_αβ δ_{i,sI+α} δ_{j,sJ+β}",
              r"J_{IJ,ij} = \sum_{\alpha\beta} J_{\alpha\beta}\,\delta_{i,s_1I+\alpha}\,\delta_{j,s_2J+\beta}",
              local_coupling, grid=[{"n": 4, "W": 2, "s": 2}, {"n": 5, "W": 3, "s": 2}, {"n": 4, "W": 2, "s": 1},
                                    {"n": 3, "W": 3, "s": 1}], spot={"n": 9, "W": 3, "s": 2}, name="coupling",
              ops=("Conv2d", "ConvTranspose2d")),
        Claim("F3", "4×4 input, 2×2 window, stride 2: the 16-term expansion of Σ d_IJ u_IJ",
              r"d_{00}(J_{00}x_{00}+J_{01}x_{01}+J_{10}x_{10}+J_{11}x_{11}) + \dots + d_{11}(\dots x_{33})",
              worked_expansion, grid=[{"n": 4, "W": 2, "s": 2}], spot={"n": 4, "W": 2, "s": 2}, ops=("Conv2d",)),
        Claim("F6,F5", "the local field u_IJ = Σ_αβ J_αβ x_{sI+α, sJ+β} + J is conv2d with a bias",
              r"u_{IJ} = \sum_{\alpha\beta} J_{\alpha\beta}\,x_{s_1I+\alpha, s_2J+\beta} + J", conv_field,
              grid=[{"n": 4, "W": 2, "s": 2}, {"n": 5, "W": 3, "s": 1}, {"n": 5, "W": 2, "s": 2}],
              spot={"n": 12, "W": 3, "s": 2}, ops=("Conv2d",)),
        Claim("F5", "Boltzmann weight: P(d_IJ = 1) = ∂ log Z/∂u_IJ = σ(u_IJ)",
              r"P(d_{IJ}=1) = \frac{\partial \log Z}{\partial u_{IJ}} = \frac{e^{u_{IJ}}}{1+e^{u_{IJ}}}",
              boltzmann_marginal, grid=[{"h": 1, "w": 2}, {"h": 2, "w": 2}], spot={"h": 3, "w": 3},
              name="boltzmann", ops=("Exp", "Log")),
        Claim("F5", "the printed one-hot configuration sum gives a softmax over positions: P(d_IJ = 1) = "
              "e^{u_IJ}/Σ e^{u_I'J'} (the seed's σ needs all 2⁴ configurations)",
              r"\sum_{d\ \text{one-hot}}: P(d_{IJ}=1) = \frac{e^{u_{IJ}}}{\sum_{I'J'} e^{u_{I'J'}}}", one_hot_marginal,
              grid=[{"h": 1, "w": 2}, {"h": 2, "w": 2}], spot={"h": 3, "w": 3}, name="one-hot",
              ops=("Exp", "Log")),
    ],
)
