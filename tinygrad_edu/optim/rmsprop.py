"""RMSprop (Hinton's lecture 6e, PyTorch's variant with ε outside the root, centring and momentum), in place."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import backend
from .optimizer import Optimizer, ParamsT, advance_step, check_implementation, descent_gradient


class RMSprop(Optimizer):
    """RMSprop, with α smoothing, λ weight_decay, μ momentum:
    g ← ∇E(w) + λw   (−∇E(w) + λw when maximize)
    v ← αv + (1 − α)g²;   centered: ḡ ← αḡ + (1 − α)g, ṽ = v − ḡ², else ṽ = v
    b ← μb + g/(√ṽ + ε),  w ← w − η·b   (μ = 0: w ← w − η·g/(√ṽ + ε))"""

    def __init__(self, params: ParamsT, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False, *,
                 maximize: bool = False, **implementation: Any) -> None:
        check_implementation(type(self).__name__, implementation)
        super().__init__(params, {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps, "centered": centered,
                                  "weight_decay": weight_decay, "maximize": maximize})

    def _validate(self, group: dict[str, Any]) -> None:
        self._check(group["lr"] >= 0, f"Invalid learning rate: {group['lr']} (lr must be ≥ 0)")
        self._check(group["eps"] >= 0, f"Invalid epsilon value: {group['eps']} (eps must be ≥ 0)")
        self._check(group["momentum"] >= 0, f"Invalid momentum value: {group['momentum']} (momentum must be ≥ 0)")
        self._check(group["weight_decay"] >= 0,
                    f"Invalid weight_decay value: {group['weight_decay']} (weight_decay must be ≥ 0)")
        self._check(group["alpha"] >= 0, f"Invalid alpha value: {group['alpha']} (alpha must be ≥ 0)")

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        alpha, momentum = group["alpha"], group["momentum"]
        if not state:
            state["step"] = np.array(0.0)
            state["square_avg"] = np.zeros_like(param)
            if momentum > 0:
                state["momentum_buffer"] = np.zeros_like(param)
            if group["centered"]:
                state["grad_avg"] = np.zeros_like(param)
        advance_step(state)
        grad = descent_gradient(param, grad, group)
        square_avg = state["square_avg"]
        square_avg *= alpha
        square_avg += (1 - alpha) * grad * grad
        if group["centered"]:
            grad_avg = state["grad_avg"]
            grad_avg += (1 - alpha) * (grad - grad_avg)
            avg = backend.sqrt(square_avg - grad_avg * grad_avg)
        else:
            avg = backend.sqrt(square_avg)
        avg = avg + group["eps"]
        if momentum > 0:
            buf = state["momentum_buffer"]
            buf *= momentum
            buf += grad / avg
            param -= group["lr"] * buf
        else:
            param -= group["lr"] * (grad / avg)
