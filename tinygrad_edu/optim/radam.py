"""RAdam (Liu et al.): Adam whose adaptive step is switched on, and rectified, once the variance of v̂ is
tractable (ρ_t > 5); PyTorch's rule, optionally with decoupled weight decay."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import backend
from .adam import Adam
from .optimizer import Optimizer, ParamsT, advance_step, check_implementation, descent_gradient


class RAdam(Optimizer):
    """RAdam at step t, with λ weight_decay:
    g ← ∇E(w) + λw   (decoupled: w ← w − ηλw instead; −∇E(w) when maximize)
    m ← β₁m + (1 − β₁)g,   v ← β₂v + (1 − β₂)g²,   m̂ = m/(1 − β₁ᵗ)
    ρ_∞ = 2/(1 − β₂) − 1,   ρ_t = ρ_∞ − 2tβ₂ᵗ/(1 − β₂ᵗ)
    ρ_t > 5: r_t = √((ρ_t − 4)(ρ_t − 2)ρ_∞/((ρ_∞ − 4)(ρ_∞ − 2)ρ_t)),  w ← w − η·m̂·√(1 − β₂ᵗ)/(√v + ε)·r_t
    else:    w ← w − η·m̂"""

    def __init__(self, params: ParamsT, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, decoupled_weight_decay: bool = False, *,
                 maximize: bool = False, **implementation: Any) -> None:
        check_implementation(type(self).__name__, implementation)
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                                  "decoupled_weight_decay": decoupled_weight_decay, "maximize": maximize})

    def _validate(self, group: dict[str, Any]) -> None:
        Adam._validate(self, group)  # type: ignore[arg-type]

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        lr, (beta1, beta2) = group["lr"], group["betas"]
        if not state:
            state["step"] = np.array(0.0)
            state["exp_avg"] = np.zeros_like(param)
            state["exp_avg_sq"] = np.zeros_like(param)
        t = advance_step(state)
        grad = descent_gradient(param, grad, group, group["decoupled_weight_decay"])
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m += (1 - beta1) * (grad - m)
        v *= beta2
        v += (1 - beta2) * grad * grad
        bias_correction2 = 1 - beta2 ** t
        corrected = m / (1 - beta1 ** t)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * t * (beta2 ** t) / bias_correction2
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            adaptive = bias_correction2 ** 0.5 / (backend.sqrt(v) + group["eps"])
            param -= corrected * lr * adaptive * rect
        else:
            param -= corrected * lr
