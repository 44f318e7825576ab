"""Seed 003's output layer: under the matched loss, δ = ∂E/∂u = f(u) − y (softmax + cross-entropy,
sigmoid + binary cross-entropy, identity + half squared error), also at the end of a whole CNN (seed 004)."""
import numpy as np

import tinygrad_edu.functional as F
from tinygrad_edu.symbolic import Claim, Derivation
from tinygrad_edu.symbolic.sums import conv


def one_hot(targets, classes):
    return np.eye(classes, dtype=int)[targets]


def softmax(u, numbers):
    e = numbers.exp(u)
    return e / e.sum(axis=-1, keepdims=True)


def softmax_cross_entropy(case, numbers):
    """E = −Σ_n Σ_k y_nk log softmax(u_n)_k, summed or averaged over the N samples: δ = (softmax(u) − y), /N for
    reduction='mean' (PyTorch's default)."""
    batch, classes, reduction = case["B"], case["C"], case.get("reduction", "sum")
    u = numbers.tensor("u", (batch, classes))
    targets = (np.arange(batch) * 2 + 1) % classes
    F.cross_entropy(u, targets, reduction=reduction).backward()
    scale = numbers.constant(1) / (batch if reduction == "mean" else 1)
    return u.grad, (softmax(u.data, numbers) - one_hot(targets, classes)) * scale


def softmax_backward(case, numbers):
    """softmax's own backward, δ_u = y ⊙ (δ − Σ_j δ_j y_j) with y_k = e^{u_k}/Σ_j e^{u_j}: the Jacobian
    ∂y_k/∂u_j = y_k([k = j] − y_j) applied to an arbitrary symbolic δ."""
    u = numbers.tensor("u", (case["B"], case["C"]))
    y = F.softmax(u, dim=1)
    delta = numbers.delta("delta", y.shape)
    y.backward(delta)
    s = softmax(u.data, numbers)
    return np.concatenate([y.data.ravel(), u.grad.data.ravel()]), np.concatenate(
        [s.ravel(), (s * (delta.data - (delta.data * s).sum(axis=1, keepdims=True))).ravel()])


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


def relu_pool_by_sum(u, numbers):
    """z = max over each 2×2 window of max(0, u) (index form), for every channel of one sample (C, d, d)."""
    r = numbers.step(u) * u
    C, d, _ = u.shape
    z = numbers.zeros((C, d // 2, d // 2))
    for c, i, j in np.ndindex(*z.shape):
        z[c, i, j] = max((r[c, 2 * i + p, 2 * j + q] for p in range(2) for q in range(2)), key=lambda v: v)
    return z


def whole_cnn(case, numbers):
    """conv → ReLU → max pool → flatten → dense → softmax cross-entropy averaged over N samples (F49, F41), exact
    images and filters so the pool's winners are concrete; the last layer stays symbolic. Formula side by index
    sums: z from the conv sum, ReLU and the window max; δ_out = (softmax(u) − y)/N, ∂E/∂W = Σ_n δ_n z_nᵀ,
    ∂E/∂b = Σ_n δ_n."""
    d, classes, batch = case["d"], case["C"], case.get("N", 1)
    x = numbers.exact((batch, 1, d, d), requires_grad=False)
    filters = numbers.exact((2, 1, 2, 2), requires_grad=False)
    z = F.max_pool2d(F.relu(F.conv2d(x, filters, padding=1)), 2).flatten(1)
    W, b = numbers.tensor("w", (classes, z.shape[1])), numbers.tensor("b", classes)
    u = F.linear(z, W, b)
    u.retain_grad()
    targets = np.arange(batch) % classes
    F.cross_entropy(u, targets).backward()
    zs = np.stack([relu_pool_by_sum(conv(x.data[n], filters.data, padding=1), numbers).ravel() for n in range(batch)])
    logits = np.array([[sum(W.data[k, j] * zs[n, j] for j in range(zs.shape[1])) + b.data[k] for k in range(classes)]
                       for n in range(batch)], dtype=W.data.dtype)
    delta = (softmax(logits, numbers) - one_hot(targets, classes)) * (numbers.constant(1) / batch)
    weight_grad = sum(delta[n][:, None] * zs[n][None, :] for n in range(batch))
    return (np.concatenate([u.grad.data.ravel(), W.grad.data.ravel(), b.grad.data]),
            np.concatenate([delta.ravel(), weight_grad.ravel(), delta.sum(axis=0)]))


def deep_cnn(case, numbers):
    """Seed 004's basic CNN with its repetitions: two conv (3×3, same size) → ReLU → 2×2 max pool blocks, flatten,
    a hidden dense layer with ReLU, a dense output and softmax cross-entropy averaged over N. Exact images, filters
    and hidden weights (the winners and ReLU signs are concrete), symbolic output weights. Formula side by index
    sums: δ_out = (softmax(u) − y)/N, δ_hidden = W_outᵀ δ_out ⊙ [u_hidden > 0] (F39), ∂E/∂W = Σ_n δ_n z_nᵀ for
    both dense layers (F47's dense form)."""
    d, classes, batch, hidden = case["d"], case["C"], case.get("N", 1), case["H"]
    x = numbers.exact((batch, 1, d, d), requires_grad=False)
    filters = [numbers.exact((2, 1, 3, 3), requires_grad=False), numbers.exact((2, 2, 3, 3), requires_grad=False)]
    z = x
    for f in filters:
        z = F.max_pool2d(F.relu(F.conv2d(z, f, padding=1)), 2)
    z = z.flatten(1)
    V = numbers.exact((hidden, z.shape[1]))
    W, b = numbers.tensor("w", (classes, hidden)), numbers.tensor("b", classes)
    u = F.linear(F.relu(F.linear(z, V)), W, b)
    targets = np.arange(batch) % classes
    F.cross_entropy(u, targets).backward()
    zs = []
    for n in range(batch):
        a = x.data[n]
        for f in filters:
            a = relu_pool_by_sum(conv(a, f.data, padding=1), numbers)
        zs.append(a.ravel())
    zs = np.stack(zs)
    hidden_u = np.array([[sum(V.data[i, j] * zs[n, j] for j in range(zs.shape[1])) for i in range(hidden)]
                         for n in range(batch)], dtype=W.data.dtype)
    h = numbers.step(hidden_u) * hidden_u
    logits = np.array([[sum(W.data[k, i] * h[n, i] for i in range(hidden)) + b.data[k] for k in range(classes)]
                       for n in range(batch)], dtype=W.data.dtype)
    delta = (softmax(logits, numbers) - one_hot(targets, classes)) * (numbers.constant(1) / batch)
    delta_hidden = np.array([[sum(W.data[k, i] * delta[n, k] for k in range(classes)) for i in range(hidden)]
                             for n in range(batch)], dtype=W.data.dtype) * numbers.step(hidden_u)
    grad_W = sum(delta[n][:, None] * h[n][None, :] for n in range(batch))
    grad_V = sum(delta_hidden[n][:, None] * zs[n][None, :] for n in range(batch))
    return (np.concatenate([W.grad.data.ravel(), b.grad.data, V.grad.data.ravel()]),
            np.concatenate([grad_W.ravel(), delta.sum(axis=0), grad_V.ravel()]))


OUTPUT = Derivation(
    id="output-layer",
    title="The output layer's δ under the matched loss",
    source="003 §output layer δ (003_c7546413631ace49.txt); 004 §basic CNN (004_6302a0de90c7a1db.txt)",
    latex=r"\delta_{\text{out}} = \frac{\partial E}{\partial u} = f(u) - y,\quad "
          r"f = \operatorname{softmax}: E = -\sum_k y_k \log f_k(u)",
    mapping="u is the logits row of one sample (class index k-1 for the lecture's k); y is one-hot from the "
            "integer target, as F.cross_entropy takes it; losses summed over the batch (reduction='sum').",
    claims=[
        Claim("F41", "softmax + cross-entropy: δ = softmax(u) − y (summed), (softmax(u) − y)/N (mean over N)",
              r"\delta = \operatorname{softmax}(u) - y", softmax_cross_entropy,
              grid=[{"B": 1, "C": 2}, {"B": 1, "C": 3}, {"B": 2, "C": 3}, {"B": 1, "C": 4},
                    {"B": 2, "C": 3, "reduction": "mean"}, {"B": 3, "C": 2, "reduction": "mean"}],
              spot={"B": 16, "C": 10, "reduction": "mean"}, name="softmax-ce", ops=("LogSoftmax",)),
        Claim("F41", "softmax's own backward: δ_u = y ⊙ (δ − Σ_j δ_j y_j)",
              r"\frac{\partial y_k}{\partial u_j} = y_k([k=j] - y_j)", softmax_backward,
              grid=[{"B": 1, "C": 2}, {"B": 2, "C": 3}], spot={"B": 8, "C": 10}, name="softmax-backward",
              ops=("Softmax",)),
        Claim("F41", "sigmoid + binary cross-entropy: δ = σ(u) − y", r"\delta = \sigma(u) - y",
              sigmoid_binary_cross_entropy, grid=[{"n": 1}, {"n": 3}], spot={"n": 50},
              ops=("Sigmoid", "Log", "backend.sigmoid")),
        Claim("F41", "identity + ½ squared error: δ = u − y", r"\delta = u - y", identity_half_squared_error,
              grid=[{"n": 1}, {"n": 4}], spot={"n": 50}, ops=("Sub",)),
        Claim("F49,F41", "whole CNN (conv, ReLU, max pool, flatten, dense, mean CE over N): δ_out = (softmax(u) − y)/N, "
              "∂E/∂W = Σ δ zᵀ", r"\delta_{\text{out}} = \tfrac{1}{N}(\operatorname{softmax}(u) - y),\ "
              r"\partial E/\partial W = \sum_n \delta_n z_n^{\top}", whole_cnn,
              grid=[{"d": 3, "C": 2}, {"d": 4, "C": 3, "N": 2}], spot={"d": 9, "C": 10, "N": 4},
              ops=("LogSoftmax", "MatMul", "MaxPool2d", "Relu", "Conv2d")),
        Claim("F49,F39,F47", "deeper CNN ((conv, ReLU, max pool) ×2, flatten, hidden dense + ReLU, dense, mean CE): "
              "δ_hidden = W_outᵀ δ_out ⊙ [u > 0], ∂E/∂V = Σ δ_hidden zᵀ",
              r"\delta_{\text{hidden}} = W_{\text{out}}^{\top}\delta_{\text{out}} \odot [u > 0],\ "
              r"\partial E/\partial V = \sum_n \delta_{\text{hidden},n} z_n^{\top}", deep_cnn,
              grid=[{"d": 4, "C": 2, "H": 2}, {"d": 8, "C": 3, "H": 3, "N": 2}], spot={"d": 16, "C": 10, "H": 12, "N": 3},
              name="deep-cnn", ops=("LogSoftmax", "MatMul", "MaxPool2d", "Relu", "Conv2d")),
    ],
)
