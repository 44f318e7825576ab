"""Readable, stable labels for the tensors of a graph: the tensor's own name, a parameter's qualified
name from a model, a written-in number's value, else "t<k>" numbered in forward (topological) order."""
from __future__ import annotations

from typing import Any, Mapping, Optional

import numpy as np

from ..tensor import Tensor


def parameter_names(source: Any) -> dict[int, str]:
    """Tensor id → qualified name, from a Module (parameters and buffers) or a mapping name → Tensor."""
    if source is None:
        return {}
    if hasattr(source, "named_parameters"):
        names = {id(p): n for n, p in source.named_parameters()}
        names.update({id(b): n for n, b in source.named_buffers()})
        return names
    if isinstance(source, Mapping):
        return {id(t): str(n) for n, t in source.items()}
    raise TypeError(f"inspect: names must be a Module or a mapping name → Tensor, got {type(source).__name__}")


def forward_order(root: Tensor) -> list[Tensor]:
    """Every tensor `root` depends on (including constants), inputs before the ops that use them (iterative)."""
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


def tensor_labels(root: Tensor, names: Any = None) -> dict[int, str]:
    """Tensor id → label for every tensor below `root`; the same graph always gets the same labels."""
    known = parameter_names(names)
    labels: dict[int, str] = {}
    counter = 0
    for t in forward_order(root):
        label = t.name or known.get(id(t)) or _constant_text(t)
        if label is None:
            label = f"t{counter}"
            counter += 1
        labels[id(t)] = label
    return labels


def _constant_text(t: Tensor) -> Optional[str]:
    """A one-entry leaf that needs no gradient is a number written in the code (`x * 2`): show the number."""
    if t._ctx is not None or t.requires_grad or t.size != 1:
        return None
    value = t.data.reshape(())[()]
    if t.dtype == object:
        return str(value)
    if t.dtype.kind == "f" and float(value).is_integer():
        return str(int(value))
    return np.format_float_positional(value, trim="-") if t.dtype.kind == "f" else str(value)
