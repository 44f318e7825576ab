"""Seed 003's last step: train with SGD on the backprop gradients. The optimiser's update, momentum and weight
decay included, applied to symbolic weights and autograd's symbolic gradients, is the textbook rule."""
import numpy as np

import tinygrad_edu.functional as F
from tinygrad_edu.optim import SGD, Adam
from tinygrad_edu.symbolic import Claim, Derivation


def sgd_steps(case, numbers):
    """Two steps on E = ½‖Wz − y‖²: g_t = ∇E(w_t) + λw_t, b_t = μb_{t−1} + g_t (b_1 = g_1), w_{t+1} = w_t − η b_t.
    η, μ, λ are powers of two, so the float arithmetic on symbolic weights is exact."""
    n, m = case["n"], case["m"]
    lr, momentum, decay = 0.5, case["momentum"], 0.25
    W = numbers.tensor("w", (m, n))
    z, y = numbers.tensor("z", n, requires_grad=False), numbers.tensor("y", m, requires_grad=False)
    optimiser = SGD([W], lr=lr, momentum=momentum, weight_decay=decay)
    w, buffer = W.data.copy(), None
    for _ in range(2):
        optimiser.zero_grad()
        (F.mse_loss(W @ z, y, reduction="sum") / 2).backward()
        optimiser.step()
        g = np.outer(w @ z.data - y.data, z.data) + decay * w
        buffer = g if buffer is None or not momentum else momentum * buffer + g
        w = w - lr * buffer
    return W.data, w


def adam_steps(case, numbers):
    """Three Adam steps on E = ½‖Wz − y‖² (F48): m_t = β₁m_{t−1} + (1 − β₁)g_t, v_t = β₂v_{t−1} + (1 − β₂)g_t²,
    m̂ = m_t/(1 − β₁ᵗ), v̂ = v_t/(1 − β₂ᵗ), w ← w − η m̂/(√v̂ + ε). Exact rational W, z, y (√ of a symbol would be
    |·|); η, β, ε are powers of two."""
    n, m = case["n"], case["m"]
    lr, b1, b2, eps = 0.5, 0.5, 0.75, 0.25
    W = numbers.exact((m, n))
    z, y = numbers.exact(n, requires_grad=False), numbers.exact(m, requires_grad=False)
    optimiser = Adam([W], lr=lr, betas=(b1, b2), eps=eps)
    w, mom, vel = W.data.copy(), 0, 0
    for t in range(1, case["steps"] + 1):
        optimiser.zero_grad()
        (F.mse_loss(W @ z, y, reduction="sum") / 2).backward()
        optimiser.step()
        g = np.outer(w @ z.data - y.data, z.data)
        mom = b1 * mom + (1 - b1) * g
        vel = b2 * vel + (1 - b2) * g * g
        m_hat, v_hat = mom / (1 - b1 ** t), vel / (1 - b2 ** t)
        w = w - lr * m_hat / (numbers.sqrt(v_hat) + eps)
    return W.data, w


TRAINING = Derivation(
    id="training",
    title="SGD on the backprop gradients",
    source="003 §training (003_c7546413631ace49.txt); 004 §basic CNN, SGD",
    latex=r"g_t = \nabla E(w_t) + \lambda w_t,\quad b_t = \mu b_{t-1} + g_t,\quad w_{t+1} = w_t - \eta\, b_t,\quad"
          r"w_{t+1} = w_t - \eta\,\hat m_t/(\sqrt{\hat v_t} + \epsilon)",
    mapping="W is F.linear's (out, in) weight; PyTorch's SGD rule (b_1 = g_1, no dampening) and Adam rule (ε added "
            "after the square root of the bias-corrected v).",
    claims=[
        Claim("F48", "SGD with momentum and weight decay: w ← w − η(μb + ∇E + λw), two steps",
              r"w_{t+1} = w_t - \eta\,(\mu b_{t-1} + \nabla E(w_t) + \lambda w_t)", sgd_steps,
              grid=[{"n": 2, "m": 1, "momentum": 0.0}, {"n": 2, "m": 2, "momentum": 0.5}],
              spot={"n": 30, "m": 20, "momentum": 0.5}, ops=("MatMul",)),
        Claim("F48", "Adam: w ← w − η m̂/(√v̂ + ε), bias-corrected moments, three steps",
              r"w_{t+1} = w_t - \eta\,\frac{m_t/(1-\beta_1^t)}{\sqrt{v_t/(1-\beta_2^t)} + \epsilon}", adam_steps,
              grid=[{"n": 2, "m": 1, "steps": 3}, {"n": 2, "m": 2, "steps": 2}], spot={"n": 30, "m": 20, "steps": 3},
              name="adam", ops=("MatMul",)),
    ],
)
