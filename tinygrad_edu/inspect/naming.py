"""Readable, stable labels for the tensors of a graph: the tensor's own name, a parameter's qualified
name from a model, a written-in number's value, else "t<k>" numbered in forward (topological) order."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..graph import forward_order, parameter_names
from ..tensor import Tensor


def tensor_labels(root: Tensor, names: Any = None) -> dict[int, str]:
    """Tensor id → label for every tensor below `root`; the same graph always gets the same labels."""
    known = parameter_names(names, "inspect")
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
    if t._ctx is not None or t.requires_grad or t.numel() != 1:
        return None
    value = t.data.reshape(())[()]
    if t.dtype == object:
        return str(value)
    if t.dtype.kind == "f" and float(value).is_integer():
        return str(int(value))
    return np.format_float_positional(value, trim="-") if t.dtype.kind == "f" else str(value)
