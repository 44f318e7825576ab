"""Adadelta (Zeiler): steps scaled by the ratio of running RMS of past updates to running RMS of gradients;
PyTorch's rule (with its lr factor, default 1)."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import backend
from .optimizer import Optimizer, ParamsT, advance_step, check_implementation, descent_gradient


class Adadelta(Optimizer):
    """Adadelta, with ρ rho and λ weight_decay:
    g ← ∇E(w) + λw   (−∇E(w) + λw when maximize)
    v ← ρv + (1 − ρ)g²,   Δ = √(u + ε)/√(v + ε) · g,   u ← ρu + (1 − ρ)Δ²
    w ← w − η·Δ"""

    def __init__(self, params: ParamsT, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, *, maximize: bool = False, **implementation: Any) -> None:
        check_implementation(type(self).__name__, implementation)
        super().__init__(params, {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay,
                                  "maximize": maximize})

    def _validate(self, group: dict[str, Any]) -> None:
        self._check(group["lr"] >= 0, f"Invalid learning rate: {group['lr']} (lr must be ≥ 0)")
        self._check(0 <= group["rho"] <= 1, f"Invalid rho value: {group['rho']} (ρ must lie in [0, 1])")
        self._check(group["eps"] >= 0, f"Invalid epsilon value: {group['eps']} (eps must be ≥ 0)")
        self._check(group["weight_decay"] >= 0,
                    f"Invalid weight_decay value: {group['weight_decay']} (weight_decay must be ≥ 0)")

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        rho, eps = group["rho"], group["eps"]
        if not state:
            state["step"] = np.array(0.0)
            state["square_avg"] = np.zeros_like(param)
            state["acc_delta"] = np.zeros_like(param)
        advance_step(state)
        grad = descent_gradient(param, grad, group)
        square_avg, acc_delta = state["square_avg"], state["acc_delta"]
        square_avg *= rho
        square_avg += (1 - rho) * grad * grad
        delta = backend.sqrt(acc_delta + eps) / backend.sqrt(square_avg + eps) * grad
        acc_delta *= rho
        acc_delta += (1 - rho) * delta * delta
        param -= group["lr"] * delta
