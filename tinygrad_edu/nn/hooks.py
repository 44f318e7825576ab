"""Module hooks: the handle that removes one, and the plumbing of a full backward hook (PyTorch's
BackwardHook). The module's tensor inputs, and its tensor outputs, each pass through one packing node
(flatten and concatenate, then slice back), so the gradients of all inputs (or all outputs) are complete at
one moment of the backward pass: there the hook sees them together and may replace the input gradients."""
from __future__ import annotations

import itertools
import math
import weakref
from collections import OrderedDict
from typing import Any, Callable, Optional, Sequence

from .. import backend
from ..errors import ShapeError
from ..ops.movement import cat
from ..tensor import Tensor


class RemovableHandle:
    """What register_*_hook returns: `.remove()` unregisters the hook; also a context manager."""

    _ids = itertools.count()

    def __init__(self, *registries: "OrderedDict[int, Any]") -> None:
        self.id = next(RemovableHandle._ids)
        self._registries = [weakref.ref(r) for r in registries]

    def remove(self) -> None:
        for ref in self._registries:
            registry = ref()
            if registry is not None:
                registry.pop(self.id, None)

    def __enter__(self) -> "RemovableHandle":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.remove()


def _pack(op: str, tensors: Sequence[Tensor]) -> tuple[Tensor, list[Tensor]]:
    """One flat tensor holding all `tensors`, and views of it shaped like them (each a new graph node)."""
    dtypes = {t.dtype for t in tensors}
    if len(dtypes) > 1:
        raise ShapeError(f"{op}: a full backward hook needs the module's tensor inputs (or outputs) to share one "
                         f"dtype, got {sorted(str(d) for d in dtypes)}")
    flat = _cat(tensors)
    return flat, _split(flat, [t.shape for t in tensors])


def _cat(tensors: Sequence[Tensor]) -> Tensor:
    return cat([t.reshape(-1) for t in tensors])


def _split(flat: Tensor, shapes: Sequence[tuple[int, ...]]) -> list[Tensor]:
    parts, start = [], 0
    for shape in shapes:
        n = math.prod(shape)
        parts.append(flat[start:start + n].reshape(shape))
        start += n
    return parts


class BackwardHook:
    """One module call's full backward hooks: hook(module, grad_input, grad_output) → None or new grad_input.

    grad_input has one entry per positional argument (None for non-tensors), grad_output one per output
    (None for non-tensors and outputs that received no gradient), as in PyTorch."""

    def __init__(self, module: Any, hooks: Sequence[Callable]) -> None:
        self.module, self.hooks = module, list(hooks)
        self.op = f"{type(module).__name__} full backward hook"
        self.n_args, self.tensor_slots, self.input_slots, self.input_shapes = 0, [], [], []
        self.constant_inputs: dict[int, Tensor] = {}
        self.inputs_need_grad = False
        self.n_outputs, self.grad_outputs = 0, {}

    def setup_input(self, args: tuple) -> tuple:
        """Route the tensor arguments that require grad through one packing node; the others report a zero
        gradient (as PyTorch's do when some input requires grad)."""
        self.n_args = len(args)
        self.tensor_slots = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        self.input_slots = [i for i in self.tensor_slots if args[i].requires_grad]
        self.inputs_need_grad = bool(self.input_slots)
        if not self.inputs_need_grad:
            return args
        self.input_shapes = [args[i].shape for i in self.input_slots]
        self.constant_inputs = {i: args[i] for i in self.tensor_slots if i not in self.input_slots}
        flat, views = _pack(self.op, [args[i] for i in self.input_slots])
        flat.register_hook(self._on_input_grad)
        new_args = list(args)
        for i, v in zip(self.input_slots, views):
            new_args[i] = v
        return tuple(new_args)

    def setup_output(self, result: Any) -> Any:
        single = isinstance(result, Tensor)
        outputs = (result,) if single else result
        if not isinstance(outputs, (tuple, list)):
            return result
        self.n_outputs = len(outputs)
        slots = [i for i, o in enumerate(outputs) if isinstance(o, Tensor) and o.requires_grad]
        if not slots:
            return result
        flat, views = _pack(self.op, [outputs[i] for i in slots])
        flat.register_hook(self._on_output_grad)
        new = list(outputs)
        for i, v in zip(slots, views):
            new[i] = v
            v.register_hook(self._recorder(i))
        return new[0] if single else type(result)(new)

    def _recorder(self, slot: int) -> Callable[[Tensor], None]:
        def record(grad: Tensor) -> None:
            self.grad_outputs[slot] = grad

        return record

    def _grad_output(self) -> tuple[Optional[Tensor], ...]:
        return tuple(self.grad_outputs.get(i) for i in range(self.n_outputs))

    def _on_output_grad(self, grad: Tensor) -> None:
        if self.inputs_need_grad:
            return None
        grad_input = (None,) * self.n_args
        for hook in self.hooks:
            if hook(self.module, grad_input, self._grad_output()) is not None:
                raise RuntimeError(f"{self.op}: no input of the module requires grad, so the hook must return None")
        self.grad_outputs = {}
        return None

    def _on_input_grad(self, grad: Tensor) -> Tensor:
        grad_input: list[Optional[Tensor]] = [None] * self.n_args
        for i, part in zip(self.input_slots, _split(grad, self.input_shapes)):
            grad_input[i] = part
        for i, t in self.constant_inputs.items():
            grad_input[i] = Tensor._make(backend.zeros(t.shape, t.data), False)
        grad_output = self._grad_output()
        for hook in self.hooks:
            new = hook(self.module, tuple(grad_input), grad_output)
            if new is None:
                continue
            new = new if isinstance(new, (tuple, list)) else (new,)
            if len(new) != self.n_args:
                raise RuntimeError(f"{self.op}: the hook returned {len(new)} gradients, expected {self.n_args} "
                                   f"(one per positional input)")
            for i, want in zip(self.input_slots, self.input_shapes):
                if new[i] is not None and tuple(new[i].shape) != tuple(want):
                    raise RuntimeError(f"{self.op}: the hook returned a gradient of shape {tuple(new[i].shape)} "
                                       f"for input {i} of shape {tuple(want)}")
            grad_input = list(new)
        self.grad_outputs = {}
        parts = []
        for i, shape in zip(self.input_slots, self.input_shapes):
            g = grad_input[i]
            parts.append(g if isinstance(g, Tensor) else Tensor._make(backend.zeros(shape, grad.data), False))
        return _cat(parts)
