"""Reading a recorded graph, shared by its readers (viz, inspect, symbolic): the tensors a result depends
on in forward order, the names a model gives its parameters, the user's variable names and module outputs.
Ops never import this."""
from __future__ import annotations

import sys
from typing import Any, Iterable, Mapping, Optional

from .autograd import is_engine_file
from .tensor import Tensor


def forward_order(root: Tensor) -> list[Tensor]:
    """Every tensor `root` depends on (constants included), each before the tensors it feeds, an op's
    inputs in argument order (iterative DFS: chains deeper than the recursion limit are fine)."""
    order: list[Tensor] = []
    visited: set[int] = set()
    stack: list[tuple[Tensor, bool]] = [(root, False)]
    while stack:
        t, done = stack.pop()
        if done:
            order.append(t)
            continue
        if id(t) in visited:
            continue
        visited.add(id(t))
        stack.append((t, True))
        if t._ctx is not None:
            stack.extend((parent, False) for parent in reversed(t._ctx.inputs) if id(parent) not in visited)
    return order


def parameter_names(source: Any, reader: str = "graph") -> dict[int, str]:
    """Tensor id → qualified name, from a Module (its parameters and buffers) or a mapping name → Tensor;
    `reader` names the caller in the error for anything else."""
    if source is None:
        return {}
    if hasattr(source, "named_parameters"):
        names = {id(p): n for n, p in source.named_parameters()}
        names.update({id(b): n for n, b in source.named_buffers()})
        return names
    if isinstance(source, Mapping):
        return {id(t): str(n) for n, t in source.items()}
    raise TypeError(f"{reader}: names must be a Module or a mapping name → Tensor, got {type(source).__name__}")


def variable_names(namespace: Optional[Mapping[str, Any]]) -> dict[int, str]:
    """Tensor id → the name of a variable holding it in `namespace` (a frame's locals, a script's globals);
    private names (`_x`) are skipped and the first name bound to a tensor wins."""
    found: dict[int, str] = {}
    for key, value in (namespace or {}).items():
        if isinstance(value, Tensor) and isinstance(key, str) and not key.startswith("_") and id(value) not in found:
            found[id(value)] = key
    return found


def caller_variables() -> dict[int, str]:
    """Tensor id → variable name in the innermost frame outside the library (the code that asked for the view):
    its locals, then its module's globals. Read when a view is built, so `loss = ...` shows as "loss"."""
    frame = sys._getframe(1)
    while frame is not None and is_engine_file(frame.f_code.co_filename):
        frame = frame.f_back
    if frame is None:
        return {}
    names = variable_names(frame.f_globals)
    names.update(variable_names(frame.f_locals))
    return names


def module_output_names(tensors: Iterable[Tensor]) -> dict[int, str]:
    """Tensor id → "c1.out" for a tensor computed inside a module call and used outside it (or the last one
    computed): the output of the innermost module call it leaves (a second call of the same module: c1.out#2)."""
    tensors = list(tensors)
    users: dict[int, list[tuple[tuple[str, str], ...]]] = {}
    for t in tensors:
        if t._ctx is not None:
            for parent in t._ctx.inputs:
                users.setdefault(id(parent), []).append(t._ctx.scope)
    names: dict[int, str] = {}
    taken: dict[str, int] = {}
    for t in tensors:
        scope = t._ctx.scope if t._ctx is not None else ()
        if not scope:
            continue
        consumers = users.get(id(t), [])
        for depth in range(len(scope), 0, -1):
            if not consumers or any(c[:depth] != scope[:depth] for c in consumers):
                name, kind = scope[depth - 1]
                stem = f"{name or kind}.out"
                taken[stem] = taken.get(stem, 0) + 1
                names[id(t)] = stem if taken[stem] == 1 else f"{stem}#{taken[stem]}"
                break
    return names
