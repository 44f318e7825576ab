"""Rprop (Riedmiller & Braun): per-coordinate step sizes that grow while the gradient keeps its sign and shrink
when it flips; only the gradient's sign is used. PyTorch's rule (full-batch training)."""
from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, ParamsT, advance_step, check_implementation, descent_gradient


class Rprop(Optimizer):
    """Rprop, with (η⁻, η⁺) etas and step sizes clipped to [Δ_min, Δ_max]:
    s = sign(g·g_prev):  Δ ← clip(Δ·η⁺ if s > 0, Δ·η⁻ if s < 0, Δ if s = 0)   (Δ starts at lr)
    where s < 0 the gradient is taken as 0 (no step, and no sign to compare next time)
    w ← w − sign(g)·Δ,   g_prev ← g   (g = −∇E(w) when maximize)"""

    def __init__(self, params: ParamsT, lr: float = 1e-2, etas: tuple[float, float] = (0.5, 1.2),
                 step_sizes: tuple[float, float] = (1e-6, 50), *, maximize: bool = False,
                 **implementation: Any) -> None:
        check_implementation(type(self).__name__, implementation)
        super().__init__(params, {"lr": lr, "etas": etas, "step_sizes": step_sizes, "maximize": maximize})

    def _validate(self, group: dict[str, Any]) -> None:
        eta_minus, eta_plus = group["etas"]
        self._check(group["lr"] >= 0, f"Invalid learning rate: {group['lr']} (lr must be ≥ 0)")
        self._check(0 < eta_minus < 1 < eta_plus,
                    f"Invalid eta values: {eta_minus}, {eta_plus} (need 0 < η⁻ < 1 < η⁺)")

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        (eta_minus, eta_plus), (step_min, step_max) = group["etas"], group["step_sizes"]
        if not state:
            state["step"] = np.array(0.0)
            state["prev"] = np.zeros_like(param)
            state["step_size"] = np.full_like(param, group["lr"])
        advance_step(state)
        grad = descent_gradient(param, grad, group)
        product = grad * state["prev"]
        factor = np.where(product > 0, eta_plus, np.where(product < 0, eta_minus, 1.0)).astype(param.dtype)
        step_size = state["step_size"]
        step_size *= factor
        np.clip(step_size, step_min, step_max, out=step_size)
        grad = np.where(product < 0, 0, grad).astype(param.dtype)
        param -= np.sign(grad) * step_size
        state["prev"][...] = grad
