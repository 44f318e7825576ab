"""The pickle half of tg.save: the object's containers, numbers and strings as plain pickle, each tensor as torch
writes it (GLOBAL torch._utils._rebuild_tensor_v2 with a persistent reference to a storage record), naming torch's
globals by text so that torch is not needed. Tensors that view one NumPy buffer share one storage, as in torch."""
from __future__ import annotations

import pickle
from collections import Counter, OrderedDict
from typing import Any, Mapping

import numpy as np

from .tensor import Tensor


class Global:
    """A global of torch's named in the pickle (written as GLOBAL module name; never called here)."""

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name

    def __call__(self, *args: Any) -> Any:  # pickle's save_reduce asks for a callable
        raise TypeError(f"{self.module}.{self.name} is a name for torch.load, not a function of tinygrad_edu")


REBUILD_TENSOR = Global("torch._utils", "_rebuild_tensor_v2")
REBUILD_TENSOR_V3 = Global("torch._utils", "_rebuild_tensor_v3")  # dtypes without a typed storage class
REBUILD_PARAMETER = Global("torch._utils", "_rebuild_parameter")
UNTYPED_STORAGE = Global("torch.storage", "UntypedStorage")
STORAGES = {np.dtype(k): Global("torch", v) for k, v in (
    ("float64", "DoubleStorage"), ("float32", "FloatStorage"), ("float16", "HalfStorage"), ("int64", "LongStorage"),
    ("int32", "IntStorage"), ("int16", "ShortStorage"), ("int8", "CharStorage"), ("uint8", "ByteStorage"),
    ("bool", "BoolStorage"), ("complex64", "ComplexFloatStorage"), ("complex128", "ComplexDoubleStorage"))}
DTYPES = {np.dtype(k): Global("torch", k) for k in (
    "float64", "float32", "float16", "int64", "int32", "int16", "int8", "uint8", "uint16", "uint32", "uint64", "bool",
    "complex64", "complex128")}


class StorageRecord:
    """One storage record: a C-contiguous array whose bytes go to archive/data/<key>."""

    def __init__(self, key: str, array: np.ndarray) -> None:
        self.key, self.array = key, array
        untyped = array.dtype not in STORAGES
        self.type = UNTYPED_STORAGE if untyped else STORAGES[array.dtype]
        self.numel = array.nbytes if untyped else array.size


class TensorRecord:
    """A tensor as torch pickles it: storage, offset and stride in elements, size, requires_grad."""

    def __init__(self, storage: StorageRecord, offset: int, size: tuple, stride: tuple, requires_grad: bool,
                 parameter: bool) -> None:
        self.storage, self.offset, self.size, self.stride = storage, offset, size, stride
        self.requires_grad, self.parameter = requires_grad, parameter

    def reduce(self) -> tuple:
        if self.parameter:
            inner = TensorRecord(self.storage, self.offset, self.size, self.stride, False, False)
            return REBUILD_PARAMETER, (inner, self.requires_grad, OrderedDict())
        args = (self.storage, self.offset, self.size, self.stride, self.requires_grad, OrderedDict())
        if self.storage.type is UNTYPED_STORAGE:
            return REBUILD_TENSOR_V3, (*args, DTYPES[self.storage.array.dtype])
        return REBUILD_TENSOR, args


class Preparer:
    """The object with Tensors and arrays as TensorRecords, NumPy scalars as Python numbers, dict subclasses as dicts
    (OrderedDict and Counter kept), tuple subclasses as tuples; shared objects stay shared. Anything that
    torch.load(weights_only=True) would refuse raises a TypeError naming where it sits."""

    def __init__(self) -> None:
        from .nn.parameter import Parameter

        self.parameter_type = Parameter
        self.storages: dict[int, StorageRecord] = {}
        self.done: dict[int, Any] = {}
        self.keep: list[Any] = []  # the objects done and storages are keyed by id: alive until saving ends

    def __call__(self, obj: Any, path: str = "") -> Any:
        if obj is None or type(obj) in (bool, int, float, complex, str, bytes):
            return obj
        if id(obj) in self.done:
            return self.done[id(obj)]
        if isinstance(obj, np.generic):
            return self(obj.item(), path)
        if isinstance(obj, np.dtype) and obj in DTYPES:
            return DTYPES[obj]
        if isinstance(obj, (Tensor, np.ndarray)):
            result: Any = self._tensor(obj, path)
        elif isinstance(obj, Mapping):
            result = OrderedDict() if isinstance(obj, OrderedDict) else Counter() if isinstance(obj, Counter) else {}
            self.done[id(obj)] = result
            for k, v in obj.items():
                result[self(k, f"{path}[{k!r}]")] = self(v, f"{path}[{k!r}]")
        elif isinstance(obj, list):
            result = []
            self.done[id(obj)] = result
            result.extend(self(v, f"{path}[{i}]") for i, v in enumerate(obj))
        elif isinstance(obj, tuple):
            result = tuple(self(v, f"{path}[{i}]") for i, v in enumerate(obj))
        elif type(obj) is set:
            result = {self(v, f"{path}{{…}}") for v in obj}
        else:
            raise TypeError(f"save: {path or 'the object'} is a {type(obj).__name__}; tg.save writes tensors, NumPy "
                            "arrays, numbers, strings, bytes, None and dict/list/tuple/set containers (what "
                            "torch.load(weights_only=True) reads): save model.state_dict() rather than the model")
        self.done[id(obj)] = result
        self.keep.append(obj)
        return result

    def _tensor(self, obj: Any, path: str) -> TensorRecord:
        array = obj.data if isinstance(obj, Tensor) else obj
        if array.dtype.newbyteorder("=") not in DTYPES:
            sympy = " (a SymPy tensor cannot be saved)" if array.dtype.hasobject else ""
            raise TypeError(f"save: {path or 'the tensor'} holds {array.dtype} values; torch tensors hold bool, "
                            f"integer, float or complex numbers{sympy}")
        storage, offset, stride = self._storage(array)
        return TensorRecord(storage, offset, tuple(array.shape), stride,
                            bool(getattr(obj, "requires_grad", False)), isinstance(obj, self.parameter_type))

    def _storage(self, array: np.ndarray) -> tuple[StorageRecord, int, tuple]:
        """The storage the array views (its base buffer when that is a plain C-contiguous array of its dtype),
        else a C-contiguous copy of its own; the offset and strides in elements."""
        root, item = array, array.itemsize
        while isinstance(root.base, np.ndarray):
            root = root.base
        start = array.__array_interface__["data"][0] - root.__array_interface__["data"][0]
        extent = sum((n - 1) * s for n, s in zip(array.shape, array.strides)) + item if array.size else 0
        if not (array.size and root.flags.c_contiguous and root.dtype == array.dtype and array.dtype.isnative
                and start % item == 0 and 0 <= start and start + extent <= root.nbytes
                and all(s >= 0 and s % item == 0 for s in array.strides)):
            root = array = np.array(array, dtype=array.dtype.newbyteorder("="), order="C")
            start = 0
        if id(root) not in self.storages:
            self.storages[id(root)] = StorageRecord(str(len(self.storages)), root.reshape(-1))
            self.keep.append(root)
        return self.storages[id(root)], start // item, tuple(s // item for s in array.strides)


class TorchPickler(pickle._Pickler):  # type: ignore[misc,name-defined]
    """pickle's pure-Python Pickler (protocol 2, as torch.save) that writes Globals by name, storages as persistent
    ids and TensorRecords as torch's rebuild calls."""

    dispatch = dict(pickle._Pickler.dispatch)  # type: ignore[attr-defined]

    def save_torch_global(self, obj: Global) -> None:
        self.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode("utf-8"))
        self.memoize(obj)

    dispatch[Global] = save_torch_global

    def persistent_id(self, obj: Any) -> Any:
        if isinstance(obj, StorageRecord):
            return ("storage", obj.type, obj.key, "cpu", obj.numel)
        return None

    def reducer_override(self, obj: Any) -> Any:
        return obj.reduce() if isinstance(obj, TensorRecord) else NotImplemented
