"""The `tinygrad-edu demo` tour: one graph, two kinds of numbers. A sigmoid layer's weight gradient is shown
as an exact SymPy formula, the same engine trains a small MLP on NumPy numbers, the lecture's conv backprop
formula is checked against autograd, and a LeNet-style CNN learns the real 8×8 digits."""
from __future__ import annotations

from typing import Callable

import numpy as np
from .lazy_sympy import sympy

from . import functional as F
from .creation import manual_seed, randn
from .symbolic import symbols
from .tensor import Tensor


def symbolic_gradient(echo: Callable[[str], None] = print) -> sympy.Expr:
    """z = σ(Wx + b); the entry ∂(Σz)/∂W₁₁ as autograd computes it, simplified."""
    W, x, b = symbols("W", (2, 3)), symbols("x", 3, requires_grad=False), symbols("b", 2)
    F.sigmoid(W @ x + b).sum().backward()
    u = sympy.Symbol("u_1", real=True)
    entry = W.grad.data[0, 0].subs(b.data[0], u - sum(W.data[0, j] * x.data[j] for j in range(3)))
    echo("z = σ(W x + b) with symbols W (2×3), x (3), b (2); autograd gives")
    echo(f"  ∂(Σ z)/∂W₁₁ = {entry}    (u₁ = W₁₁x₁ + W₁₂x₂ + W₁₃x₃ + b₁)")
    sigma = 1 / (1 + sympy.exp(-u))
    same = sympy.simplify(entry - sigma * (1 - sigma) * x.data[0]) == 0
    echo(f"  = σ(u₁)(1 − σ(u₁))·x₁ : {'verified exactly' if same else 'DIFFERS'}")
    return entry


def two_moons(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles with a little noise: a small non-linear classification task."""
    angle = rng.uniform(0, np.pi, n)
    label = rng.integers(0, 2, n)
    x = np.where(label, 1 - np.cos(angle), np.cos(angle))
    y = np.where(label, 0.5 - np.sin(angle), np.sin(angle))
    points = np.stack([x, y], 1) + 0.1 * rng.standard_normal((n, 2))
    return points.astype(np.float32), label.astype(np.int64)


def train_mlp(steps: int = 300, echo: Callable[[str], None] = print) -> float:
    """Full-batch gradient descent on two moons with a 2→16→16→2 tanh MLP; returns the final accuracy."""
    manual_seed(0)
    points, labels = two_moons(200, np.random.default_rng(0))
    sizes = [2, 16, 16, 2]
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        params.append(randn(fan_out, fan_in, requires_grad=True))
        params[-1].data *= 1 / np.sqrt(fan_in)
        params.append(Tensor(np.zeros(fan_out, np.float32), requires_grad=True))
    x = Tensor(points)
    for step in range(steps + 1):
        h = x
        for i in range(0, len(params), 2):
            h = F.linear(h, params[i], params[i + 1])
            if i + 2 < len(params):
                h = F.tanh(h)
        loss = F.cross_entropy(h, labels)
        accuracy = float((h.data.argmax(1) == labels).mean())
        if step % (steps // 5) == 0:
            echo(f"  step {step:4d}  loss {loss.item():.4f}  accuracy {accuracy:.1%}")
        for p in params:
            p.grad = None
        loss.backward()
        for p in params:
            p.data -= 0.5 * p.grad.data
    return accuracy


def conv_backprop_formula(echo: Callable[[str], None] = print) -> bool:
    """The lecture's δ_r = ⟨δ_{r+1}, W_{r+1}⟩ (F46) and ∂E/∂w = Σ δ·Z, each checked element by element."""
    from .symbolic.derivation import load
    from .symbolic.verify import run as verify

    report = verify(load(), only="F46")
    for row in report.rows:
        claim, result = row.result.claim, row.result
        echo(f"  {claim.statement}: {'holds' if result.passed else 'FAILS'} on {len(result.cases)} sizes "
             f"({', '.join(claim.formulas)})")
    return report.passed


def train_cnn(epochs: int = 10, echo: Callable[[str], None] = print) -> float:
    """A few epochs of `tinygrad-edu train`: conv → ReLU → max pool twice, two dense layers, Adam."""
    from .train import train_digits

    _, history = train_digits(epochs=epochs, progress=False, echo=lambda line: echo(f"  {line}"))
    return history.test_accuracy[-1]


def run(echo: Callable[[str], None] = print) -> None:
    echo("1. Symbols: the lecture's formula, derived by autograd")
    symbolic_gradient(echo)
    echo("")
    echo("2. Numbers: the same engine trains an MLP on two moons (200 points)")
    train_mlp(echo=echo)
    echo("")
    echo("3. The lecture's conv backprop, checked exactly against autograd on symbols")
    conv_backprop_formula(echo)
    echo("")
    echo("4. A LeNet-style CNN on the real 8×8 handwritten digits (held-out split)")
    train_cnn(echo=echo)
    echo("")
    echo("Next: tinygrad-edu train        (40 epochs, ≈ 99% held-out)")
    echo("      tinygrad-edu verify       (every lecture formula, checked)")
    echo("      tinygrad-edu graph --model lenet5 -o lenet5.svg")
    echo("      tinygrad-edu step --model lenet5 --break-on Conv2d")
