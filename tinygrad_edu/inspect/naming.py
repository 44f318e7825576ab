"""Readable, stable labels for the tensors of a graph: the tensor's own name, a parameter's qualified
name from a model, a written-in number's value, else "t<k>" numbered in forward (topological) order — or, in the
lecture's notation, u_r, z_r, W_r, b_r, E first; control characters and lone surrogates replaced, so every label
prints and encodes."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..graph import forward_order, module_output_names, parameter_names
from ..tensor import Tensor
from ..viz.labels import clean


def tensor_labels(root: Tensor, names: Any = None, variables: Optional[dict[int, str]] = None,
                  notation: str = "code") -> dict[int, str]:
    """Tensor id → label for every tensor below `root`; the same graph always gets the same labels. In order:
    the tensor's own name, its parameter name from `names`, the user's variable name (`variables`: id → name),
    the module call it is the output of (c1.out), a written-in number, else t<k>. With notation="lecture" the
    lecture's symbol comes first: `u₁ (c1.out)`, `W₁ (c1.weight)`, `z₁ (images)` (viz.notation)."""
    from ..viz.notation import check_notation, lecture_names

    check_notation(notation, "inspect")
    known = parameter_names(names, "inspect")
    variables = variables or {}
    tensors = forward_order(root)
    outputs = module_output_names(tensors)
    lecture = lecture_names(root, tensors) if notation == "lecture" else None
    labels: dict[int, str] = {}
    counter = 0
    for t in tensors:
        label = t.name or known.get(id(t)) or variables.get(id(t)) or outputs.get(id(t)) or _constant_text(t)
        symbol = lecture.label(t, label and clean(label)) if lecture is not None else None
        if symbol is not None:
            label = symbol
        elif label is None:
            label = f"t{counter}"
            counter += 1
        labels[id(t)] = clean(label)
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
