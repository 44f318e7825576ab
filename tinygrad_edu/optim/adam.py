"""Adam and AdamW: PyTorch's rules (bias-corrected moments, optional AMSGrad), applied in place (lecture F48)."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import backend
from .optimizer import Optimizer, ParamsT, advance_step, check_implementation, descent_gradient


class Adam(Optimizer):
    """Adam (F48) at step t, with λ weight_decay:
    g ← ∇E(w) + λw   (AdamW, decoupled: w ← w − ηλw instead; −∇E(w) when maximize)
    m ← β₁m + (1 − β₁)g,   v ← β₂v + (1 − β₂)g²
    m̂ = m/(1 − β₁ᵗ),   v̂ = v/(1 − β₂ᵗ)   (amsgrad: v̂ from max over steps of v)
    w ← w − η·m̂/(√v̂ + ε)"""

    def __init__(self, params: ParamsT, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, amsgrad: bool = False, *, maximize: bool = False,
                 decoupled_weight_decay: bool = False, **implementation: Any) -> None:
        check_implementation(type(self).__name__, implementation)
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                                  "amsgrad": amsgrad, "maximize": maximize,
                                  "decoupled_weight_decay": decoupled_weight_decay})

    def _validate(self, group: dict[str, Any]) -> None:
        beta1, beta2 = group["betas"]
        self._check(group["lr"] >= 0, f"Invalid learning rate: {group['lr']} (lr must be ≥ 0)")
        self._check(group["eps"] >= 0, f"Invalid epsilon value: {group['eps']} (eps must be ≥ 0)")
        self._check(0 <= beta1 < 1, f"Invalid beta parameter at index 0: {beta1} (β₁ must lie in [0, 1))")
        self._check(0 <= beta2 < 1, f"Invalid beta parameter at index 1: {beta2} (β₂ must lie in [0, 1))")
        self._check(group["weight_decay"] >= 0,
                    f"Invalid weight_decay value: {group['weight_decay']} (weight_decay must be ≥ 0)")

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        lr, (beta1, beta2) = group["lr"], group["betas"]
        if not state:
            state["step"] = np.array(0.0)
            state["exp_avg"] = np.zeros_like(param)
            state["exp_avg_sq"] = np.zeros_like(param)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = np.zeros_like(param)
        t = advance_step(state)
        grad = descent_gradient(param, grad, group, group.get("decoupled_weight_decay", False))
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m *= beta1
        m += (1 - beta1) * grad
        v *= beta2
        v += (1 - beta2) * grad * grad
        if group["amsgrad"]:
            np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
            v = state["max_exp_avg_sq"]
        step_size = lr / (1 - beta1 ** t)
        denom = backend.sqrt(v) / (1 - beta2 ** t) ** 0.5 + group["eps"]
        param -= step_size * (m / denom)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter): w ← w − ηλw, then Adam's step on ∇E(w) alone."""

    def __init__(self, params: ParamsT, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False, **implementation: Any) -> None:
        check_implementation(type(self).__name__, implementation)
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         decoupled_weight_decay=True)

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """As Adam's; the weight decay stays decoupled whatever the saved groups say (as PyTorch)."""
        super().load_state_dict(state_dict)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
