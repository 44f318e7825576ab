"""NAdam (Dozat): Adam with Nesterov momentum and a momentum schedule μ_t; PyTorch's rule, optionally with decoupled
weight decay (NAdamW)."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import backend
from .adam import Adam
from .optimizer import Optimizer, ParamsT, advance_step, check_implementation, descent_gradient


class NAdam(Optimizer):
    """NAdam at step t, with λ weight_decay and ψ momentum_decay:
    g ← ∇E(w) + λw   (decoupled: w ← w − ηλw instead; −∇E(w) when maximize)
    μ_t = β₁(1 − ½·0.96^(tψ)),   Π_t = μ₁⋯μ_t
    m ← β₁m + (1 − β₁)g,   v ← β₂v + (1 − β₂)g²,   v̂ = v/(1 − β₂ᵗ)
    w ← w − η(1 − μ_t)/(1 − Π_t) · g/(√v̂ + ε) − η·μ_{t+1}/(1 − Π_t·μ_{t+1}) · m/(√v̂ + ε)"""

    def __init__(self, params: ParamsT, lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, maximize: bool = False, **implementation: Any) -> None:
        check_implementation(type(self).__name__, implementation)
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                                  "momentum_decay": momentum_decay, "decoupled_weight_decay": decoupled_weight_decay,
                                  "maximize": maximize})

    def _validate(self, group: dict[str, Any]) -> None:
        Adam._validate(self, group)  # type: ignore[arg-type]
        self._check(group["momentum_decay"] >= 0, f"Invalid momentum_decay value: {group['momentum_decay']} "
                                                   "(momentum_decay must be ≥ 0)")

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        lr, (beta1, beta2), psi = group["lr"], group["betas"], group["momentum_decay"]
        if not state:
            state["step"] = np.array(0.0)
            state["mu_product"] = np.array(1.0, dtype=np.float32)
            state["exp_avg"] = np.zeros_like(param)
            state["exp_avg_sq"] = np.zeros_like(param)
        t = advance_step(state)
        grad = descent_gradient(param, grad, group, group["decoupled_weight_decay"])
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (t * psi))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * psi))
        # Π_t is a float32 scalar in PyTorch (its default scalar dtype), whatever the parameter's dtype
        mu_product = np.float32(state["mu_product"]) * np.float32(mu)
        state["mu_product"] = np.array(mu_product, dtype=np.float32)
        mu_product_next = float(mu_product) * mu_next
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m += (1 - beta1) * (grad - m)
        v *= beta2
        v += (1 - beta2) * grad * grad
        denom = backend.sqrt(v / (1 - beta2 ** t)) + group["eps"]
        param += (-lr * (1.0 - mu) / (1.0 - float(mu_product))) * (grad / denom)
        param += (-lr * mu_next / (1.0 - mu_product_next)) * (m / denom)
