"""SGD with momentum, dampening, Nesterov and weight decay: PyTorch's rule, applied in place (lecture F48)."""
from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, ParamsT, check_implementation, descent_gradient


class SGD(Optimizer):
    """Stochastic gradient descent (F48), with λ weight_decay, μ momentum, τ dampening:
    g ← ∇E(w) + λw   (−∇E(w) + λw when maximize)
    b ← μb + (1 − τ)g   (b ← g at the first step)
    g ← g + μb if nesterov else b   (when μ ≠ 0)
    w ← w − η·g"""

    def __init__(self, params: ParamsT, lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False,
                 **implementation: Any) -> None:
        check_implementation(type(self).__name__, implementation)
        super().__init__(params, {"lr": lr, "momentum": momentum, "dampening": dampening,
                                  "weight_decay": weight_decay, "nesterov": nesterov, "maximize": maximize})

    def _validate(self, group: dict[str, Any]) -> None:
        self._check(group["lr"] >= 0, f"Invalid learning rate: {group['lr']} (lr must be ≥ 0)")
        self._check(group["momentum"] >= 0, f"Invalid momentum value: {group['momentum']} (momentum must be ≥ 0)")
        self._check(group["weight_decay"] >= 0,
                    f"Invalid weight_decay value: {group['weight_decay']} (weight_decay must be ≥ 0)")
        self._check(not group["nesterov"] or (group["momentum"] > 0 and group["dampening"] == 0),
                    "Nesterov momentum requires a momentum and zero dampening "
                    f"(got momentum={group['momentum']}, dampening={group['dampening']})")

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        momentum = group["momentum"]
        grad = descent_gradient(param, grad, group)
        if momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = np.array(grad, copy=True)  # an array even when 0-d
            else:
                buf *= momentum
                dampening = group["dampening"]
                buf += grad if dampening == 0 else (1 - dampening) * grad  # 1·g is g: no product to make
            grad = grad + momentum * buf if group["nesterov"] else buf
        param -= group["lr"] * grad
