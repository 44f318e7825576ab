"""Seed 003's output layer: under the matched loss, δ = ∂E/∂u = f(u) − y (softmax + cross-entropy,
sigmoid + binary cross-entropy, identity + half squared error), also at the end of a whole CNN (seed 004)."""
import numpy as np

import tinygrad_edu.functional as F
from tinygrad_edu.symbolic import Claim, Derivation


def one_hot(targets, classes):
    return np.eye(classes, dtype=int)[targets]


def softmax(u, numbers):
    e = numbers.exp(u)
    return e / e.sum(axis=-1, keepdims=True)


def softmax_cross_entropy(case, numbers):
    batch, classes = case["B"], case["C"]
    u = numbers.tensor("u", (batch, classes))
    targets = np.arange(batch) % classes
    F.cross_entropy(u, targets, reduction="sum").backward()
    return u.grad, softmax(u.data, numbers) - one_hot(targets, classes)


def sigmoid_binary_cross_entropy(case, numbers):
    """E = −Σ [y log σ(u) + (1 − y) log(1 − σ(u))] built from the library's ops; y stays a free label."""
    n = case["n"]
    u, y = numbers.tensor("u", n), numbers.tensor("y", n, requires_grad=False)
    p = F.sigmoid(u)
    (-(y * p.log() + (1 - y) * (1 - p).log())).sum().backward()
    return u.grad, numbers.sigmoid(u.data) - y.data


def identity_half_squared_error(case, numbers):
    n = case["n"]
    u, y = numbers.tensor("u", n), numbers.tensor("y", n, requires_grad=False)
    (F.mse_loss(u, y, reduction="sum") / 2).backward()
    return u.grad, u.data - y.data


def whole_cnn(case, numbers):
    """conv → ReLU → max pool → flatten → dense → softmax cross-entropy (F49), exact image and filters so the
    pool's winners are concrete; the last layer stays symbolic: δ_out = softmax(u) − y and ∂E/∂W = δ zᵀ."""
    d, classes = case["d"], case["C"]
    x = numbers.exact((1, 1, d, d), requires_grad=False)
    filters = numbers.exact((2, 1, 2, 2), requires_grad=False)
    z = F.max_pool2d(F.relu(F.conv2d(x, filters, padding=1)), 2).flatten(1)
    W, b = numbers.tensor("w", (classes, z.shape[1])), numbers.tensor("b", classes)
    u = F.linear(z, W, b)
    u.retain_grad()
    F.cross_entropy(u, np.array([1])).backward()
    delta = softmax(u.data, numbers) - one_hot(np.array([1]), classes)
    weight_grad = delta[0][:, None] * z.data[0][None, :]
    return (np.concatenate([u.grad.data.ravel(), W.grad.data.ravel()]),
            np.concatenate([delta.ravel(), weight_grad.ravel()]))


OUTPUT = Derivation(
    id="output-layer",
    title="The output layer's δ under the matched loss",
    source="003 §output layer δ (003_c7546413631ace49.txt); 004 §basic CNN (004_6302a0de90c7a1db.txt)",
    latex=r"\delta_{\text{out}} = \frac{\partial E}{\partial u} = f(u) - y,\quad "
          r"f = \operatorname{softmax}: E = -\sum_k y_k \log f_k(u)",
    mapping="u is the logits row of one sample (class index k-1 for the lecture's k); y is one-hot from the "
            "integer target, as F.cross_entropy takes it; losses summed over the batch (reduction='sum').",
    claims=[
        Claim("F41", "softmax + cross-entropy: δ = softmax(u) − y", r"\delta = \operatorname{softmax}(u) - y",
              softmax_cross_entropy, grid=[{"B": 1, "C": 2}, {"B": 1, "C": 3}, {"B": 2, "C": 3}, {"B": 1, "C": 4}],
              spot={"B": 16, "C": 10}, name="softmax-ce"),
        Claim("F41", "sigmoid + binary cross-entropy: δ = σ(u) − y", r"\delta = \sigma(u) - y",
              sigmoid_binary_cross_entropy, grid=[{"n": 1}, {"n": 3}], spot={"n": 50}),
        Claim("F41", "identity + ½ squared error: δ = u − y", r"\delta = u - y", identity_half_squared_error,
              grid=[{"n": 1}, {"n": 4}], spot={"n": 50}),
        Claim("F49", "whole CNN (conv, ReLU, max pool, flatten, dense, CE): δ_out = softmax(u) − y, ∂E/∂W = δ zᵀ",
              r"\delta_{\text{out}} = \operatorname{softmax}(u) - y,\ \partial E/\partial W = \delta z^{\top}",
              whole_cnn, grid=[{"d": 3, "C": 2}, {"d": 4, "C": 3}], spot={"d": 9, "C": 10}),
    ],
)
