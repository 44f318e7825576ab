"""Seed 003's last step: train with SGD on the backprop gradients. The optimiser's update, momentum and weight
decay included, applied to symbolic weights and autograd's symbolic gradients, is the textbook rule."""
import numpy as np

import tinygrad_edu.functional as F
from tinygrad_edu.optim import SGD
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


TRAINING = Derivation(
    id="training",
    title="SGD on the backprop gradients",
    source="003 §training (003_c7546413631ace49.txt); 004 §basic CNN, SGD",
    latex=r"g_t = \nabla E(w_t) + \lambda w_t,\quad b_t = \mu b_{t-1} + g_t,\quad w_{t+1} = w_t - \eta\, b_t",
    mapping="W is F.linear's (out, in) weight; PyTorch's SGD rule (b_1 = g_1, no dampening).",
    claims=[
        Claim("F48", "SGD with momentum and weight decay: w ← w − η(μb + ∇E + λw), two steps",
              r"w_{t+1} = w_t - \eta\,(\mu b_{t-1} + \nabla E(w_t) + \lambda w_t)", sgd_steps,
              grid=[{"n": 2, "m": 1, "momentum": 0.0}, {"n": 2, "m": 2, "momentum": 0.5}],
              spot={"n": 30, "m": 20, "momentum": 0.5}),
    ],
)
