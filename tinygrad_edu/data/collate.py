"""default_collate and default_convert (torch.utils.data): PyTorch's rules for turning a list of samples into a
batch (numbers, NumPy arrays and Tensors stacked into Tensors, containers collated field by field) and for turning
one sample's NumPy arrays into Tensors, with PyTorch's dtypes (Python floats float64, ints int64, bools bool)."""
from __future__ import annotations

import collections.abc
import copy
import re
from typing import Any, Sequence

import numpy as np

from ..errors import ArgumentTypeError, ShapeError
from ..grad_mode import is_grad_enabled
from ..tensor import Tensor

_STRING_OR_OBJECT = re.compile(r"[SaUO]")
_COLLATE_ERROR = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"


def _numeric_array(value: Any) -> bool:
    return isinstance(value, np.ndarray) and _STRING_OR_OBJECT.search(value.dtype.str) is None


def default_convert(data: Any) -> Any:
    """One sample's NumPy arrays and scalars as Tensors (same dtype), inside tuples (which become lists, as PyTorch),
    lists, dicts and named tuples; everything else (Python numbers, strings, Tensors) unchanged."""
    if isinstance(data, Tensor):
        return data
    if isinstance(data, np.ndarray):
        return Tensor(data) if _numeric_array(data) else data
    if isinstance(data, (np.bool_, np.number)):
        return Tensor(np.asarray(data))
    if isinstance(data, collections.abc.Mapping):
        return _same_mapping(data, {key: default_convert(data[key]) for key in data})
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _same_sequence(data, [default_convert(d) for d in data])
    return data


def default_collate(batch: Sequence[Any]) -> Any:
    """A list of samples as one batch: Tensors and NumPy arrays stacked along a new first dimension, Python floats
    as a float64 Tensor, ints as int64 (bools as bool), strings kept as a list; dicts, named tuples, tuples (as a
    list) and lists collated field by field. Fields must agree in shape (ShapeError) and in length."""
    elem = batch[0]
    if isinstance(elem, Tensor):
        if is_grad_enabled() and any(isinstance(b, Tensor) and b.requires_grad for b in batch):
            from ..ops import stack

            return stack(list(batch), 0)
        return Tensor._make(_stacked([b.data if isinstance(b, Tensor) else np.asarray(b) for b in batch]), False)
    if isinstance(elem, np.ndarray):
        if not _numeric_array(elem):
            raise ArgumentTypeError(_COLLATE_ERROR.format(elem.dtype))
        return Tensor._make(_stacked([np.asarray(b) for b in batch]), False)
    if isinstance(elem, (np.bool_, np.number)):
        return Tensor(np.asarray(batch))
    if isinstance(elem, float):
        return Tensor(np.asarray(batch, dtype=np.float64))
    if isinstance(elem, int):
        from .. import tensor as make_tensor

        return make_tensor(list(batch))
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        return _same_mapping(elem, {key: default_collate([d[key] for d in batch]) for key in elem})
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):
        return type(elem)(*(default_collate(samples) for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        sizes = [len(sample) for sample in batch]
        if len(set(sizes)) != 1:
            raise ShapeError(f"default_collate: each element in list of batch should be of equal size, got sizes "
                             f"{sizes}")
        fields = [default_collate(samples) for samples in zip(*batch)]
        return fields if isinstance(elem, tuple) else _same_sequence(elem, fields)
    raise ArgumentTypeError(_COLLATE_ERROR.format(type(elem)))


def _stacked(arrays: list[np.ndarray]) -> np.ndarray:
    """The samples' arrays stacked along a new first dimension (one np.stack); unequal shapes raise as torch.stack."""
    shapes = [a.shape for a in arrays]
    if len(set(shapes)) != 1:
        first = next(k for k, shape in enumerate(shapes) if shape != shapes[0])
        raise ShapeError(f"default_collate: stack expects each tensor to be equal size, but got {shapes[0]} at entry "
                         f"0 and {shapes[first]} at entry {first}")
    return np.stack(arrays)


def _same_mapping(template: Any, values: dict[Any, Any]) -> Any:
    """`values` in the mapping type of `template` where that type allows it, else a dict (PyTorch's fallback)."""
    try:
        if isinstance(template, collections.abc.MutableMapping):
            clone = copy.copy(template)
            clone.update(values)
            return clone
        return type(template)(values)
    except TypeError:
        return values


def _same_sequence(template: Any, values: list[Any]) -> Any:
    """`values` in the sequence type of `template` where that type allows it, else a list (PyTorch's fallback)."""
    try:
        if isinstance(template, collections.abc.MutableSequence):
            clone = copy.copy(template)
            for i, value in enumerate(values):
                clone[i] = value
            return clone
        return type(template)(values)
    except TypeError:
        return values
