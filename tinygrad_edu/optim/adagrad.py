"""Adagrad (Duchi, Hazan & Singer): a per-coordinate rate from the sum of squared gradients; PyTorch's rule."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import backend
from .optimizer import Optimizer, ParamsT, advance_step, check_implementation, descent_gradient


class Adagrad(Optimizer):
    """Adagrad at step t, with λ weight_decay and lr_decay δ:
    g ← ∇E(w) + λw   (−∇E(w) + λw when maximize)
    η̃ = η/(1 + (t − 1)δ),   s ← s + g²   (s starts at initial_accumulator_value)
    w ← w − η̃·g/(√s + ε)"""

    def __init__(self, params: ParamsT, lr: float = 1e-2, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10, *, maximize: bool = False,
                 **implementation: Any) -> None:
        check_implementation(type(self).__name__, implementation)
        super().__init__(params, {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                                  "initial_accumulator_value": initial_accumulator_value, "maximize": maximize})
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p.data, self.state[p], group)

    def _validate(self, group: dict[str, Any]) -> None:
        self._check(group["lr"] >= 0, f"Invalid learning rate: {group['lr']} (lr must be ≥ 0)")
        self._check(group["lr_decay"] >= 0, f"Invalid lr_decay value: {group['lr_decay']} (lr_decay must be ≥ 0)")
        self._check(group["weight_decay"] >= 0,
                    f"Invalid weight_decay value: {group['weight_decay']} (weight_decay must be ≥ 0)")
        self._check(group["initial_accumulator_value"] >= 0,
                    f"Invalid initial_accumulator_value value: {group['initial_accumulator_value']} "
                    "(initial_accumulator_value must be ≥ 0)")
        self._check(group["eps"] >= 0, f"Invalid epsilon value: {group['eps']} (eps must be ≥ 0)")

    @staticmethod
    def _init_state(param: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        """Adagrad's state exists from construction (as PyTorch): step 0, s = initial_accumulator_value."""
        state["step"] = np.array(0.0)
        state["sum"] = np.full_like(param, group["initial_accumulator_value"])

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        if not state:
            self._init_state(param, state, group)
        t = advance_step(state)
        grad = descent_gradient(param, grad, group)
        clr = group["lr"] / (1 + (t - 1) * group["lr_decay"])
        state["sum"] += grad * grad
        std = backend.sqrt(state["sum"]) + group["eps"]
        param -= clr * (grad / std)
