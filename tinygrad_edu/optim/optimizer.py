"""Optimizer: PyTorch's base class. Parameter groups with their own options, per-parameter state, a state_dict in
PyTorch's format, zero_grad and step(closure). The rules (sgd.py, adam.py, ...) update the parameter arrays in place
and bump each updated parameter's version counter, so a tensor saved for a pending backward cannot change unseen."""
from __future__ import annotations

import copy
import warnings
from collections import defaultdict
from itertools import chain
from typing import Any, Callable, Iterable, Optional, Union

import numpy as np

from ..autograd import enable_grad
from ..errors import ShapeError
from ..tensor import Tensor

ParamsT = Union[Iterable[Tensor], Iterable[dict[str, Any]], Iterable[tuple[str, Tensor]]]
StateDict = dict[str, Any]


class Optimizer:
    """`param_groups`: list of dicts, each with 'params' (a list of Tensors) and the options (the group's own, else
    `defaults`); a scheduler or the user may set `group['lr']`. `state`: parameter → dict of arrays."""

    def __init__(self, params: ParamsT, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        if isinstance(params, Tensor):
            raise TypeError(f"{self._name}: params should be an iterable of Tensors or dicts, but got a Tensor "
                            "(wrap it in a list)")
        groups = list(params)
        if not groups:
            raise ShapeError(f"{self._name}: got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    @property
    def _name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        lines = [f"{self._name} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {key}: {group[key]}" for key in sorted(group) if key != "params"]
        return "\n".join(lines) + "\n)"

    # ---- parameter groups -------------------------------------------------------------------------------------
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Append a group (e.g. layers unfrozen while fine-tuning); options it leaves out come from `defaults`."""
        if not isinstance(param_group, dict):
            raise TypeError(f"{self._name}.add_param_group: param_group must be a dict, "
                            f"got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            raise TypeError(f"{self._name}: parameters must be an ordered collection (a list), not a set, so that "
                            "their order (and the state_dict's indices) is the same in every run")
        else:
            params = list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        tensors = [p[1] if isinstance(p, tuple) else p for p in params]
        if names and len(names) != len(tensors):
            raise ValueError(f"{self._name}: all parameters of a group need names (name, tensor), or none does")
        for p in tensors:
            if not isinstance(p, Tensor):
                raise TypeError(f"{self._name} can only optimize Tensors, but one of the params is {type(p).__name__}")
            if not (p.is_leaf or getattr(p, "_retains_grad", False)):
                raise ValueError(f"{self._name}: can't optimize a non-leaf Tensor (shape {p.shape}); "
                                 "optimise the leaf it was computed from, or .detach().requires_grad_()")
        param_group["params"] = tensors
        if names:
            param_group["param_names"] = names
        for name, default in self.defaults.items():
            param_group.setdefault(name, default)
        self._validate(param_group)
        if len({id(p) for p in tensors}) != len(tensors):
            warnings.warn(f"{self._name}: a parameter group holds the same parameter twice; it is updated twice "
                          "per step", UserWarning, stacklevel=3)
        if any(("param_names" in g) != bool(names) for g in self.param_groups):
            raise ValueError(f"{self._name}: all param groups should be with names or all without names")
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in tensors):
            raise ValueError(f"{self._name}: some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def _validate(self, group: dict[str, Any]) -> None:
        """Check a group's hyper-parameters (each rule names its own); the base class accepts any."""

    def _check(self, ok: bool, message: str) -> None:
        """Raise PyTorch's message for an invalid hyper-parameter, prefixed with this optimiser's name."""
        if not ok:
            raise ShapeError(f"{self._name}: {message}")

    # ---- gradients and the step -------------------------------------------------------------------------------
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients: set `.grad` to None (default), or zero the arrays in place (`set_to_none=False`)."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    if not p.grad.is_leaf or p.grad.requires_grad:
                        p.grad = p.grad.detach()
                    p.grad.zero_()

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Any:
        """Update every parameter that has a gradient, in place; `closure` (re-evaluates the loss, calling backward)
        runs first, with gradients enabled, and its loss is returned."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with np.errstate(all="ignore"):  # an infinite or NaN gradient updates to ∞/NaN silently, as in PyTorch
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    state = self.state[p]
                    self._update(p.data, self._gradient(p), state, group)
                    if not state:
                        del self.state[p]
                    p._bump_version()
        return loss

    def _gradient(self, p: Tensor) -> np.ndarray:
        grad = p.grad.data
        if grad.shape != p.data.shape:
            raise ShapeError(f"{self._name}.step: gradient shape {grad.shape} ≠ parameter shape {p.data.shape}")
        return grad.astype(p.data.dtype, copy=False)

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        """The rule: change `param` in place from `grad`, the group's options and the parameter's `state`."""
        raise TypeError(f"{self._name}: an Optimizer subclass gives its rule by overriding "
                        "_update(param, grad, state, group) or step()")

    # ---- state_dict -------------------------------------------------------------------------------------------
    def state_dict(self) -> StateDict:
        """PyTorch's format: {'state': {index: {name: array}}, 'param_groups': [{options..., 'params': [index...]}]},
        parameters numbered in group order. Arrays are the live state (copy.deepcopy to keep a snapshot)."""
        mapping: dict[int, int] = {}
        start = 0
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for i, p in enumerate(group["params"], start):
                mapping.setdefault(id(p), i)
            packed["params"] = [mapping[id(p)] for p in group["params"]]
            start += len(packed["params"])
            groups.append(packed)
        state = {(mapping[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: StateDict) -> None:
        """Load a state_dict of ours or PyTorch's (its tensors as arrays, or as torch tensors): the saved options
        replace the groups' options, state arrays are copied (floating ones cast to the parameter's dtype)."""
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(saved_groups) != len(self.param_groups):
            raise ShapeError(f"{self._name}.load_state_dict: loaded state dict has a different number of parameter "
                             f"groups ({len(saved_groups)}) than the optimiser ({len(self.param_groups)})")
        sizes = [len(g["params"]) for g in self.param_groups]
        saved_sizes = [len(g["params"]) for g in saved_groups]
        if sizes != saved_sizes:
            raise ShapeError(f"{self._name}.load_state_dict: loaded state dict contains a parameter group that doesn't "
                             f"match the size of optimizer's group (parameters per group: saved {saved_sizes}, "
                             f"optimiser {sizes})")
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in self.param_groups)))
        state: defaultdict[Any, dict[str, Any]] = defaultdict(dict)
        for key, value in state_dict["state"].items():
            if key in id_map:
                state[id_map[key]] = _cast(id_map[key], value)
            else:
                state[key] = copy.deepcopy(value)
        for group, saved in zip(self.param_groups, saved_groups):
            saved["params"] = group["params"]
            if "param_names" in group and "param_names" not in saved:
                saved["param_names"] = group["param_names"]
        self.state = state
        self.param_groups = saved_groups


def _cast(param: Tensor, value: Any, key: Any = None) -> Any:
    """A copy of a saved state value as NumPy: torch tensors become arrays; floating arrays take the parameter's
    dtype, except the step counter (as PyTorch)."""
    if isinstance(value, Tensor):
        value = value.data
    elif hasattr(value, "detach") and hasattr(value, "numpy"):
        value = value.detach().cpu().numpy()
    if isinstance(value, np.ndarray):
        if key != "step" and value.dtype.kind == "f" and param.data.dtype.kind == "f":
            return value.astype(param.data.dtype)
        return value.copy()
    if isinstance(value, dict):
        return {k: _cast(param, v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast(param, v) for v in value)
    return copy.deepcopy(value)


#: PyTorch's choices of implementation (not of the update): taken, and computed the one NumPy way here
IMPLEMENTATION_FLAGS = ("foreach", "fused", "capturable", "differentiable")


def check_implementation(name: str, flags: dict[str, Any]) -> None:
    """foreach=, fused=, capturable= pick how PyTorch runs the same update (for-each kernels, one fused kernel,
    CUDA graphs): accepted, so a PyTorch line ports. differentiable=True asks for a graph through the step itself,
    which these NumPy updates do not record: refused. Any other keyword: PyTorch's TypeError."""
    for key, value in flags.items():
        if key not in IMPLEMENTATION_FLAGS:
            raise TypeError(f"{name}.__init__() got an unexpected keyword argument '{key}'")
        if value is not None and not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"{name}: {key} must be a bool or None, got {value!r}")
    if flags.get("differentiable"):
        raise ShapeError(f"{name}: differentiable=True (a graph through the optimiser step) is not supported here: "
                         "the update runs on NumPy arrays outside autograd")


def descent_gradient(param: np.ndarray, grad: np.ndarray, group: dict[str, Any], decoupled: bool = False) -> np.ndarray:
    """The gradient an update descends along, as every PyTorch optimiser makes it: −g with maximize, then weight
    decay λ either as L2 (g + λw) or decoupled (w shrunk in place by lr·λ, g unchanged)."""
    if group["maximize"]:
        grad = -grad
    decay = group.get("weight_decay", 0)
    if decay != 0:
        if decoupled:
            param *= 1 - group["lr"] * decay
        else:
            grad = grad + decay * param
    return grad


def advance_step(state: dict[str, Any]) -> float:
    """Count one more step in `state['step']` (a 0-d float array, as PyTorch's step tensor) and return it."""
    state["step"] = np.array(float(state["step"]) + 1.0)
    return float(state["step"])
