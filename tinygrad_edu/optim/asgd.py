"""ASGD (Polyak & Juditsky averaging, Bottou's schedule): SGD with a decaying rate η_t and a running average of
the iterates in state['ax'], which averaging starts at step t0; PyTorch's rule."""
from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, ParamsT, advance_step, check_implementation, descent_gradient


class ASGD(Optimizer):
    """ASGD at step t, with λ lambd, α alpha, λ_w weight_decay:
    g ← ∇E(w) + λ_w·w   (−∇E(w) + λ_w·w when maximize)
    w ← w(1 − λη_t) − η_t·g
    ax ← w if μ_t = 1 else ax + μ_t(w − ax)
    η_{t+1} = η/(1 + ληt)^α,   μ_{t+1} = 1/max(1, t − t0)   (η_t, μ_t: float32 scalars, as PyTorch's)"""

    def __init__(self, params: ParamsT, lr: float = 1e-2, lambd: float = 1e-4, alpha: float = 0.75,
                 t0: float = 1e6, weight_decay: float = 0, *, maximize: bool = False, **implementation: Any) -> None:
        check_implementation(type(self).__name__, implementation)
        super().__init__(params, {"lr": lr, "lambd": lambd, "alpha": alpha, "t0": t0, "weight_decay": weight_decay,
                                  "maximize": maximize})

    def _validate(self, group: dict[str, Any]) -> None:
        self._check(group["lr"] >= 0, f"Invalid learning rate: {group['lr']} (lr must be ≥ 0)")
        self._check(group["weight_decay"] >= 0,
                    f"Invalid weight_decay value: {group['weight_decay']} (weight_decay must be ≥ 0)")

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        lr, lambd = group["lr"], group["lambd"]
        if not state:
            state["step"] = np.array(0.0)
            state["eta"] = np.array(lr, dtype=np.float32)
            state["mu"] = np.array(1.0, dtype=np.float32)
            state["ax"] = np.zeros_like(param)
        t = advance_step(state)
        grad = descent_gradient(param, grad, group)
        eta, mu = float(state["eta"]), float(state["mu"])
        param *= 1 - lambd * eta
        param -= eta * grad
        if mu != 1:
            state["ax"] += (param - state["ax"]) * mu
        else:
            state["ax"][...] = param
        state["eta"] = np.array(lr / ((1 + lambd * lr * t) ** group["alpha"]), dtype=np.float32)
        state["mu"] = np.array(1 / max(1, t - group["t0"]), dtype=np.float32)
