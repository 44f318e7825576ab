"""Reading a recorded graph, shared by its readers (viz, inspect, symbolic): the tensors a result depends
on in forward order, and the names a model gives its parameters. Ops never import this."""
from __future__ import annotations

from typing import Any, Mapping

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
