"""Handing a model to PyTorch and back. `to_torch(model, example_input)` builds the same network from PyTorch's
own layers (same module tree, state-dict names and weights); `from_torch(source, model)` loads a PyTorch module
or state dict of the same structure into our model. PyTorch stays optional: it is imported only when these
run (`pip install 'tinygrad_edu[crosscheck]'`)."""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, Optional

import numpy as np

__all__ = ["to_torch", "from_torch"]


def _require_torch(owner: str) -> Any:
    try:
        import torch
    except ImportError:
        raise ImportError(f"{owner} needs PyTorch: pip install 'tinygrad_edu[crosscheck]' (or pip install "
                          "torch)") from None
    return torch


def _needs_trace(module: Any) -> bool:
    """Whether some module of the tree has its own forward (not a torch.nn twin, not a container)."""
    from ..nn import ModuleDict, ModuleList, Sequential
    from .torch_layers import FACTORIES

    return any(type(m) not in FACTORIES and type(m) not in (Sequential, ModuleList, ModuleDict)
               for m in module.modules())


def _build(module: Any, calls: dict[int, Any], batch: Optional[int], free: dict[int, bool]) -> Any:
    """The torch twin of `module`: a torch.nn layer, a torch container, or a replaying module."""
    import torch

    from ..nn import ModuleDict, ModuleList, Sequential
    from .torch_layers import torch_layer
    from .torch_replay import ReplayModule, compile_call

    layer = torch_layer(module)
    if layer is not None:
        return layer
    children = OrderedDict((k, None if c is None else _build(c, calls, batch, free))
                           for k, c in module._modules.items())
    if type(module) is Sequential:
        twin = torch.nn.Sequential(children)
    elif type(module) is ModuleList:
        twin = torch.nn.ModuleList(list(children.values()))
    elif type(module) is ModuleDict:
        twin = torch.nn.ModuleDict(children)
    else:
        call = calls.get(id(module))
        cls = type(type(module).__name__, (ReplayModule,), {"__module__": "tinygrad_edu.export.replayed",
                                                             "__doc__": type(module).__doc__})
        if call is None:
            twin = cls(None, 0, 0, batch, type(module).__name__)
        else:
            program, constants, slots = compile_call(call)
            twin = cls(program, len(call.inputs), slots, batch, call.name or type(module).__name__,
                       free.get(id(module), False))
            for name, value in constants.items():
                twin.register_buffer(name, torch.from_numpy(np.array(value)), persistent=False)
        for key, child in children.items():
            twin.add_module(key, child)
        for key, p in module._parameters.items():
            twin.register_parameter(key, None if p is None else torch.nn.Parameter(torch.from_numpy(p.data.copy()),
                                                                                   requires_grad=p.requires_grad))
        for key, b in module._buffers.items():
            twin.register_buffer(key, None if b is None else torch.from_numpy(b.data.copy()),
                                 persistent=key not in module._non_persistent_buffers_set)
    twin.train(module.training)
    return twin


def _first_calls(traced: Any) -> dict[int, Any]:
    calls: dict[int, Any] = {}
    for call in traced.calls():
        calls.setdefault(id(call.module), call)
    return calls


def _batch_free(model: Any, traced: Any, calls: dict[int, Any]) -> dict[int, bool]:
    """Module id → whether its replay holds for any batch size: traced again with one more sample, each
    module's first call must replay the same (see torch_replay.batch_free)."""
    from .torch_replay import batch_free
    from .trace import trace

    first = traced.inputs[0]
    bigger = tuple(np.concatenate([x.data, x.data[:1]]) for x in traced.inputs)
    other = _first_calls(trace(model, bigger, "to_torch"))
    return {key: key in other and batch_free(call, other[key], first.shape[0]) for key, call in calls.items()}


def to_torch(model: Any, example_input: Any = None) -> Any:
    """A torch.nn.Module with the same structure, names and weights, built from PyTorch's own layers, whose
    outputs and gradients equal ours. Modules with their own forward replay it as traced on `example_input`
    (needed then; a tree of torch.nn twins and Sequentials needs none); the replay takes any batch size unless
    the forward reads a value computed from it (then it insists on the traced one). The twin is in the
    model's mode (train/eval); its layers follow the mode, a replayed forward keeps the path it took when
    traced in eval mode (a functional F.dropout(x, training=self.training) stays off: use nn.Dropout)."""
    torch = _require_torch("to_torch")
    from .trace import check_static, trace

    calls: dict[int, Any] = {}
    batch, free = None, {}
    if _needs_trace(model):
        if example_input is None:
            raise ValueError(f"to_torch: {type(model).__name__} has its own forward, which is replayed as traced; "
                             "pass example_input (a Tensor or array of the input's shape)")
        traced = trace(model, example_input, "to_torch")
        from .torch_layers import FACTORIES

        check_static(model, traced, "to_torch", opaque=lambda call: type(call.module) in FACTORIES)
        calls = _first_calls(traced)
        if traced.inputs[0].ndim:
            batch = traced.inputs[0].shape[0]
            free = _batch_free(model, traced, calls)
    twin = _build(model, calls, batch, free)
    state = OrderedDict((k, torch.from_numpy(np.array(v.data, copy=True))) for k, v in model.state_dict().items())
    twin.load_state_dict(state, strict=True)
    return twin


def from_torch(source: Any, model: Any, strict: bool = True) -> Any:
    """Load a PyTorch module's state dict (or a state dict: torch tensors or arrays) into `model` of the same
    structure; every name, shape and value is checked before anything changes. Returns `model`."""
    state = source.state_dict() if hasattr(source, "state_dict") and not isinstance(source, Mapping) else source
    if not isinstance(state, Mapping):
        raise TypeError(f"from_torch: expected a torch.nn.Module or a state dict, got {type(source).__name__}")
    arrays = OrderedDict()
    for key, value in state.items():
        if hasattr(value, "detach"):
            value = value.detach().cpu()
            if str(value.dtype) == "torch.bfloat16":
                value = value.float()
            value = value.numpy()
        arrays[key] = np.asarray(value)
    model.load_state_dict(arrays, strict=strict)
    return model
