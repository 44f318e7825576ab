"""Seed 001's regularisers: inverted dropout (its expectation is the inference output), mean normalisation
per channel or per pixel, and local response normalisation across channels with its gradient."""
import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.symbolic import Claim, Derivation

REPEATS = 64


def dropout_expectation(case, numbers):
    """With drop probability p each entry is 0 or x/(1−p), so E[y] = (1−p)·x/(1−p) = x = the eval output; the
    backward uses the same mask, δ_x = δ·m/(1−p). Each x is repeated 64 times to observe a kept value."""
    n, p = case["n"], case["p"]
    tg.manual_seed(case.get("seed", 0))
    x = numbers.tensor("x", n)
    y = F.dropout(x.reshape(1, n) * tg.Tensor(np.ones((REPEATS, 1), dtype=x.data.dtype)), p=p, training=True)
    y.sum().backward()
    keep = numbers.constant(1) - numbers.constant(p)
    kept = np.array([[v != 0 for v in row] for row in y.data.T])
    first_kept = np.array([y.data[int(np.argmax(kept[i])), i] for i in range(n)], dtype=x.data.dtype)
    expectation = keep * first_kept  # the dropped case, probability p, contributes p·0
    mask_grad = kept.sum(axis=1) / keep
    evaluated = F.dropout(x, p=p, training=False)
    return (np.concatenate([expectation, evaluated.data, x.grad.data]),
            np.concatenate([x.data, x.data, mask_grad.astype(x.data.dtype)]))


def mean_normalisation(case, numbers):
    """x − mean: per channel (over batch and pixels, RGB means) or per pixel position (over the batch); the result
    has zero mean and its backward is δ − mean(δ) over the same axes (F16)."""
    N, C, n, axes = case["N"], case["C"], case["n"], case["over"]
    dims = (0, 2, 3) if axes == "channel" else (0,)
    x = numbers.tensor("x", (N, C, n, n))
    centred = x - x.mean(dim=dims, keepdim=True)
    delta = numbers.delta("delta", centred.shape)
    centred.backward(delta)
    count = int(np.prod([x.shape[d] for d in dims]))
    means = centred.data.sum(axis=dims) / count
    expected_grad = delta.data - delta.data.sum(axis=dims, keepdims=True) / count
    return np.concatenate([means.ravel(), x.grad.data.ravel()]), np.concatenate(
        [np.zeros(means.size, dtype=int), expected_grad.ravel()])


def lrn_window(c, channels, size):
    """PyTorch's channels c − ⌊n/2⌋ … c + ⌊(n−1)/2⌋, clipped: the lecture's max(0, i−n/2) … min(N−1, i+n/2) for odd n."""
    return range(max(0, c - size // 2), min(channels, c + (size - 1) // 2 + 1))


def lrn(case, numbers):
    """b_c = a_c / D_c^β with D_c = k + α′ Σ_{j∈window(c)} a_j² at every position (x, y), and its gradient
    ∂E/∂a_j = Σ_c δ_c ([c = j] D_c^{−β} − 2α′β a_c a_j D_c^{−β−1} [j ∈ window(c)]) (F17). α′ = α/n in PyTorch's form;
    in the seed's form α′ = α (the library is called with α·n, since it divides by n)."""
    C, size, h, w = case["C"], case["size"], case.get("h", 1), case.get("w", 1)
    seed_form = case.get("form") == "seed"
    alpha, beta, k = (numbers.constant(case[key]) for key in ("alpha", "beta", "k"))
    a = numbers.tensor("a", (1, C, h, w))
    b = F.local_response_norm(a, size, alpha=case["alpha"] * (size if seed_form else 1), beta=case["beta"], k=case["k"])
    delta = numbers.delta("delta", b.shape)
    b.backward(delta)
    scale = alpha if seed_form else alpha / size
    forward, grad = numbers.zeros((C, h, w)), numbers.zeros((C, h, w))
    for x, y in np.ndindex(h, w):
        av, dv = a.data[0, :, x, y], delta.data[0, :, x, y]
        D = [k + scale * sum(av[j] ** 2 for j in lrn_window(c, C, size)) for c in range(C)]
        for c in range(C):
            forward[c, x, y] = av[c] / D[c] ** beta
        for j in range(C):
            grad[j, x, y] = sum(dv[c] * ((1 if c == j else 0) / D[c] ** beta
                                         - 2 * scale * beta * av[c] * av[j] / D[c] ** (beta + 1))
                                if j in lrn_window(c, C, size) else 0 for c in range(C))
    return np.concatenate([b.data.ravel(), a.grad.data.ravel()]), np.concatenate([forward.ravel(), grad.ravel()])


def batch_norm_gradient(case, numbers):
    """Batch normalisation in training, per channel over (N, H, W) with m entries: x̂ = (x − μ)/√(σ² + ε), y = γx̂ + β,
    and ∂E/∂x = γ/√(σ² + ε) · (δ − mean(δ) − x̂·mean(δ x̂)), ∂E/∂γ = Σ δ x̂, ∂E/∂β = Σ δ (σ² biased, as PyTorch)."""
    N, C, n, eps = case["N"], case["C"], case["n"], case["eps"]
    x = numbers.tensor("x", (N, C, n, n))
    gamma, shift = numbers.tensor("g", C), numbers.tensor("beta", C)
    y = F.batch_norm(x, None, None, gamma, shift, training=True, eps=eps)
    delta = numbers.delta("delta", y.shape)
    y.backward(delta)
    count, e = numbers.constant(N * n * n), numbers.constant(eps)
    dx, dg, db, ys = numbers.zeros(x.shape), numbers.zeros(C), numbers.zeros(C), numbers.zeros(x.shape)
    for c in range(C):
        X, D = x.data[:, c], delta.data[:, c]
        mean = X.sum() / count
        var = ((X - mean) ** 2).sum() / count
        root = numbers.sqrt(var + e)
        xhat = (X - mean) / root
        ys[:, c] = gamma.data[c] * xhat + shift.data[c]
        dx[:, c] = gamma.data[c] / root * (D - D.sum() / count - xhat * (D * xhat).sum() / count)
        dg[c], db[c] = (D * xhat).sum(), D.sum()
    return (np.concatenate([y.data.ravel(), x.grad.data.ravel(), gamma.grad.data, shift.grad.data]),
            np.concatenate([ys.ravel(), dx.ravel(), dg, db]))


REGULARISATION = Derivation(
    id="regularisation",
    title="Dropout, mean normalisation and local response normalisation",
    source="001 §dropout, normalisation, LRN (001_95be40d65f0ff07a.txt)",
    latex=r"\mathbb{E}[y] = (1-p)\frac{x}{1-p} = x,\quad b^i_{x,y} = a^i_{x,y}\Big/\Big(k + \frac{\alpha}{n}"
          r"\sum_{j=\max(0,i-n/2)}^{\min(N-1,i+n/2)} (a^j_{x,y})^2\Big)^{\beta}",
    mapping="p is the drop probability (PyTorch's inverted dropout scales kept entries by 1/(1−p) in training, so "
            "inference multiplies by nothing; the slide's 'multiply by p' means the keep probability); LRN uses "
            "PyTorch's α/n and channel axis 1, a^i_{x,y} = a[0, i, x, y].",
    claims=[
        Claim("F15", "dropout: E[y] = (1−p)·x/(1−p) = x = inference output; δ_x = δ·m/(1−p)",
              r"\mathbb{E}[y] = x,\ \delta_x = \delta\odot\frac{m}{1-p}", dropout_expectation,
              grid=[{"n": 2, "p": 0.5}, {"n": 3, "p": 0.25}], spot={"n": 500, "p": 0.3}, ops=("Dropout",)),
        Claim("F16", "mean normalisation: zero mean per channel / per pixel; backward δ − mean(δ)",
              r"\tilde x = x - \bar x,\ \delta_x = \delta - \bar\delta", mean_normalisation,
              grid=[{"N": 2, "C": 2, "n": 2, "over": "channel"}, {"N": 3, "C": 1, "n": 2, "over": "pixel"}],
              spot={"N": 8, "C": 3, "n": 6, "over": "channel"}, ops=("Sub", "Sum")),
        Claim("F17", "LRN b_c = a_c/(k + α/n Σ a_j²)^β (PyTorch) and a_c/(k + α Σ a_j²)^β (seed), with gradients",
              r"\frac{\partial b_c}{\partial a_j} = \frac{[c=j]}{D_c^{\beta}} - \frac{2\alpha\beta}{n}"
              r"\frac{a_c a_j}{D_c^{\beta+1}}", lrn,
              grid=[{"C": 3, "size": 3, "alpha": 1e-4, "beta": 0.75, "k": 2}, {"C": 4, "size": 3, "alpha": 0.5,
                                                                                "beta": 1, "k": 1},
                    {"C": 4, "size": 2, "alpha": 0.5, "beta": 1, "k": 1, "h": 2, "w": 1},
                    {"C": 3, "size": 2, "alpha": 0.25, "beta": 1, "k": 1, "h": 1, "w": 2, "form": "seed"}],
              spot={"C": 12, "size": 4, "alpha": 1e-4, "beta": 0.75, "k": 2, "h": 3, "w": 4, "form": "seed"},
              name="lrn", ops=("PowConst", "IndexAdd")),
        Claim("F16", "batch norm: ∂E/∂x = γ/√(σ²+ε)·(δ − mean δ − x̂·mean(δx̂)), ∂E/∂γ = Σ δx̂, ∂E/∂β = Σ δ",
              r"\frac{\partial E}{\partial x} = \frac{\gamma}{\sqrt{\sigma^2+\epsilon}}\big(\delta - "
              r"\overline{\delta} - \hat x\,\overline{\delta \hat x}\big)", batch_norm_gradient,
              grid=[{"N": 2, "C": 1, "n": 1, "eps": 0.25}, {"N": 3, "C": 2, "n": 1, "eps": 0.5}],
              spot={"N": 8, "C": 3, "n": 4, "eps": 1e-5}, name="batch-norm", ops=("Sqrt", "Div")),
    ],
)
