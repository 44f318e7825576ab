"""Adamax (Kingma & Ba, §7.1): Adam with the infinity norm in place of the second moment; PyTorch's rule."""
from __future__ import annotations

from typing import Any

import numpy as np

from .adam import Adam
from .optimizer import Optimizer, ParamsT, advance_step, check_implementation, descent_gradient


class Adamax(Optimizer):
    """Adamax at step t, with λ weight_decay:
    g ← ∇E(w) + λw   (−∇E(w) + λw when maximize)
    m ← β₁m + (1 − β₁)g,   u ← max(β₂u, |g| + ε)
    w ← w − η/(1 − β₁ᵗ) · m/u"""

    def __init__(self, params: ParamsT, lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, *, maximize: bool = False, **implementation: Any) -> None:
        check_implementation(type(self).__name__, implementation)
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                                  "maximize": maximize})

    def _validate(self, group: dict[str, Any]) -> None:
        Adam._validate(self, group)  # type: ignore[arg-type]

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        beta1, beta2 = group["betas"]
        if not state:
            state["step"] = np.array(0.0)
            state["exp_avg"] = np.zeros_like(param)
            state["exp_inf"] = np.zeros_like(param)
        t = advance_step(state)
        grad = descent_gradient(param, grad, group)
        m, u = state["exp_avg"], state["exp_inf"]
        m += (1 - beta1) * (grad - m)
        u *= beta2
        np.maximum(u, np.abs(grad) + group["eps"], out=u)
        param -= group["lr"] / (1 - beta1 ** t) * (m / u)
