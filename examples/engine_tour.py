"""A first look at the engine: the same backward on SymPy symbols and on NumPy numbers.

Run: python examples/engine_tour.py
"""
import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.inspect import gradcheck
from tinygrad_edu.symbolic import symbols

# 1. Symbols: one sigmoid layer, z = σ(W x + b). Autograd's W.grad is the lecture's δ·xᵀ exactly.
W, x, b = symbols("W", (2, 3)), symbols("x", 3, requires_grad=False), symbols("b", 2)
z = F.sigmoid(W @ x + b)
z.sum().backward()
print("∂(Σz)/∂W₁₁ =", W.grad.data[0, 0])
print("rule used at the sigmoid node:", z.grad_fn.rule_unicode)

# 2. Numbers: the same ops on float64 arrays; gradcheck compares autograd with finite differences.
tg.manual_seed(0)
W = tg.randn(2, 3, requires_grad=True, dtype=tg.float64)
xv = tg.randn(3, dtype=tg.float64)
print("gradcheck σ(Wx):", gradcheck(lambda w: F.sigmoid(w @ xv), [W]))

# 3. Second derivatives: backward(create_graph=True) records the backward pass itself.
t = tg.Tensor(np.array([0.5, -1.0]), requires_grad=True)
(first,) = tg.grad(t.tanh().sum(), [t], create_graph=True)
(second,) = tg.grad(first.sum(), [t])
print("d²tanh/dx² =", second.data, "= −2·tanh·(1 − tanh²) =", -2 * np.tanh(t.data) * (1 - np.tanh(t.data) ** 2))
