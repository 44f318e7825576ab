"""torch.nn.utils: clipping gradients (by norm, by value) and flattening parameters to one vector and back.

The clipping functions change `.grad` in place without recording (as PyTorch's, under no_grad) and bump each
changed gradient's version counter, so a graph that saved a gradient (create_graph=True) notices the change."""
from __future__ import annotations

import math
import types
import warnings
from typing import Any, Iterable, Union

import numpy as np

from .. import backend
from ..autograd import no_grad
from ..errors import ShapeError
from ..ops import cat, norm, stack
from ..tensor import Tensor

__all__ = ["clip_grad_norm_", "clip_grad_norm", "clip_grad_value_", "clip_grads_with_norm_", "get_total_norm",
           "parameters_to_vector", "vector_to_parameters"]

TensorOrTensors = Union[Tensor, Iterable[Tensor]]


def _tensors(op: str, tensors: Any, what: str = "parameters") -> list[Tensor]:
    """A single Tensor or an iterable of Tensors as a list (a generator is read once)."""
    items = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    for k, t in enumerate(items):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: {what} must be Tensors, but entry {k} is a {type(t).__name__}")
    return items


def _grads(parameters: list[Tensor]) -> list[Tensor]:
    return [p.grad for p in parameters if p.grad is not None]


def get_total_norm(tensors: TensorOrTensors, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                   foreach: Any = None) -> Tensor:
    """‖(‖t₁‖_p, ‖t₂‖_p, …)‖_p: the p-norm of all tensors seen as one vector, a 0-d Tensor ('inf': the max
    norm)."""
    items = _tensors("get_total_norm", tensors, "tensors")
    p = float(norm_type)
    with no_grad(), np.errstate(divide="ignore", over="ignore", invalid="ignore"):  # ∞, NaN silently, as PyTorch
        if not items:
            return Tensor(np.array(0.0, dtype=backend.DEFAULT_FLOAT))
        norms = [norm(t, p) for t in items]
        kind = np.result_type(*[n.data.dtype for n in norms])
        total = norm(stack([n.to(kind) for n in norms]), p)
    if error_if_nonfinite and total.data.dtype.kind == "f" and not np.isfinite(total.data):
        raise RuntimeError(f"The total norm of order {p} for gradients from `parameters` is non-finite "
                           f"({total.item()}), so it cannot be clipped. To disable this error and scale the "
                           "gradients by the non-finite norm anyway, set `error_if_nonfinite=False`")
    return total


def clip_grads_with_norm_(parameters: TensorOrTensors, max_norm: float, total_norm: Tensor,
                          foreach: Any = None) -> None:
    """Scale every `.grad` in place by min(max_norm / (total_norm + 1e-6), 1), as PyTorch (gradients only shrink)."""
    grads = _grads(_tensors("clip_grads_with_norm_", parameters))
    if not grads:
        return
    total = total_norm if isinstance(total_norm, Tensor) else Tensor(np.asarray(total_norm))
    with no_grad(), np.errstate(over="ignore", invalid="ignore"):  # a non-finite norm gives NaN, as PyTorch
        coef = (float(max_norm) / (total.detach() + 1e-6)).clamp(max=1.0)
        for g in grads:
            g.mul_(coef)


def clip_grad_norm_(parameters: TensorOrTensors, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach: Any = None) -> Tensor:
    """Rescale the gradients so that their total p-norm is at most max_norm; returns the norm before clipping.
    Parameters without a gradient are skipped."""
    generator = isinstance(parameters, types.GeneratorType)
    parameters = _tensors("clip_grad_norm_", parameters)
    if generator and not parameters:
        warnings.warn("`parameters` is an empty generator, no gradient clipping will occur.", stacklevel=2)
    total = get_total_norm(_grads(parameters), norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total, foreach)
    return total


def clip_grad_norm(parameters: TensorOrTensors, max_norm: float, norm_type: float = 2.0,
                   error_if_nonfinite: bool = False, foreach: Any = None) -> Tensor:
    """The deprecated name of clip_grad_norm_ (PyTorch warns with a FutureWarning too)."""
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of `torch.nn.utils.clip_grad_norm_`.",
                  FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters: TensorOrTensors, clip_value: float, foreach: Any = None) -> None:
    """Clamp every `.grad` entry into [−clip_value, clip_value], in place."""
    value = float(clip_value)
    if math.isnan(value):
        raise ValueError("clip_grad_value_: clip_value is NaN")
    with no_grad():
        for g in _grads(_tensors("clip_grad_value_", parameters)):
            g.clamp_(min=-value, max=value)


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """All parameters flattened and concatenated into one 1-d Tensor (recorded: it is differentiable)."""
    items = _tensors("parameters_to_vector", parameters)
    if not items:
        raise ValueError("parameters_to_vector: expected a non-empty list of Tensors (torch.cat of nothing)")
    return cat([p.reshape(-1) for p in items])


def vector_to_parameters(vec: Any, parameters: Iterable[Tensor]) -> None:
    """Give each parameter, in order, the next numel() entries of vec as its `.data` (as PyTorch: the parameter
    takes vec's values and dtype); each parameter's version counter is bumped."""
    if isinstance(vec, np.ndarray):
        vec = Tensor(vec)
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__} (vector_to_parameters)")
    if vec.ndim == 0:
        raise IndexError("vector_to_parameters: vec is 0-d; slice() cannot be applied to a 0-dim tensor")
    pointer = 0
    for k, param in enumerate(_tensors("vector_to_parameters", parameters)):
        n = param.numel()
        piece = vec.data[pointer:pointer + n]
        if piece.size != n:
            raise ShapeError(f"vector_to_parameters: shape {list(param.shape)} is invalid for input of size "
                             f"{piece.size} (parameter {k} needs {n} entries from position {pointer} of a vector "
                             f"of length {vec.shape[0] if vec.ndim else 1})")
        param.data = piece.reshape(param.shape)
        param._bump_version()
        pointer += n
