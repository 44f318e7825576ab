"""The restricted unpickler behind tg.load: the pickle in a torch.save file may name only the globals torch's own
weights-only unpickler allows for tensors and containers (torch._utils._rebuild_tensor_v2, _rebuild_parameter,
collections.OrderedDict, torch.FloatStorage, torch.float32, builtins.set, ...), each mapped to a function of ours;
any other global is refused before it is imported, so nothing in the file runs. Built on pickle's pure-Python
Unpickler so that REDUCE, NEWOBJ and BUILD can be restricted too, as torch does (the pickle of a checkpoint is
small: its tensor data live in separate records)."""
from __future__ import annotations

import _compat_pickle
import codecs
import math
import pickle
import reprlib
import types
from collections import Counter, OrderedDict
from typing import Any, BinaryIO, Callable, Optional, Union

import numpy as np

from .tensor import Tensor

LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
LEGACY_PROTOCOL = 1001


class TorchFormatError(RuntimeError, ValueError):
    """A file that is not a readable torch.save file, or a tensor in it that cannot be built (says what and why)."""


class UnsafeGlobalError(pickle.UnpicklingError):
    """The pickle names a global a weights-only load refuses (as torch.load(weights_only=True) raises)."""


class TorchDtype:
    """A torch dtype named in a pickle (`torch.float32`): its size and the NumPy dtype, None when NumPy has none."""

    def __init__(self, name: str, itemsize: int, numpy: Optional[str]) -> None:
        self.name, self.itemsize = name, itemsize
        self.numpy = np.dtype(numpy) if numpy else None

    def __repr__(self) -> str:
        return f"torch.{self.name}"


_NUMPY_DTYPES = {"float64": 8, "float32": 4, "float16": 2, "int64": 8, "int32": 4, "int16": 2, "int8": 1,
                 "uint8": 1, "uint16": 2, "uint32": 4, "uint64": 8, "bool": 1, "complex64": 8, "complex128": 16}
_OTHER_DTYPES = {"bfloat16": 2, "complex32": 4, "qint8": 1, "quint8": 1, "qint32": 4, "quint4x2": 1, "quint2x4": 1,
                 "float8_e4m3fn": 1, "float8_e5m2": 1, "float8_e4m3fnuz": 1, "float8_e5m2fnuz": 1,
                 "float8_e8m0fnu": 1, "float4_e2m1fn_x2": 1, "bits1x8": 1, "bits2x4": 1, "bits4x2": 1, "bits8": 1,
                 "bits16": 2, **{f"{kind}{n}": 1 for kind in ("uint", "int") for n in range(1, 8)}}
DTYPES = {**{name: TorchDtype(name, size, name) for name, size in _NUMPY_DTYPES.items()},
          **{name: TorchDtype(name, size, None) for name, size in _OTHER_DTYPES.items()}}
#: torch's typed storage classes (torch.FloatStorage, ...) and their element types
STORAGE_DTYPES = {"DoubleStorage": "float64", "FloatStorage": "float32", "HalfStorage": "float16",
                  "BFloat16Storage": "bfloat16", "LongStorage": "int64", "IntStorage": "int32", "ShortStorage": "int16",
                  "CharStorage": "int8", "ByteStorage": "uint8", "BoolStorage": "bool",
                  "ComplexFloatStorage": "complex64", "ComplexDoubleStorage": "complex128", "QInt8Storage": "qint8",
                  "QUInt8Storage": "quint8", "QInt32Storage": "qint32", "QUInt4x2Storage": "quint4x2",
                  "QUInt2x4Storage": "quint2x4"}
#: globals torch allows that build what NumPy cannot hold
_UNSUPPORTED = {"_rebuild_qtensor": "a quantized tensor", "_rebuild_sparse_tensor": "a sparse tensor",
                "_rebuild_nested_tensor": "a nested tensor", "_rebuild_wrapper_subclass": "a tensor subclass",
                "_rebuild_meta_tensor_no_storage": "a meta tensor (no data)", "_get_layout": "a sparse tensor",
                "_rebuild_device_tensor_from_numpy": "a device tensor",
                "_rebuild_device_tensor_from_cpu_tensor": "a device tensor"}


class StorageType:
    """torch.FloatStorage (typed: sizes count elements) or torch.UntypedStorage (sizes count bytes) in a pickle."""

    def __init__(self, name: str, dtype: TorchDtype) -> None:
        self.name, self.dtype = name, dtype
        self.itemsize = dtype.itemsize

    def __repr__(self) -> str:
        return f"torch.{self.name}"


UNTYPED = StorageType("UntypedStorage", DTYPES["uint8"])


class Storage:
    """The bytes of one storage record and its typed NumPy views (one per dtype, cached, so every tensor viewing the
    storage shares memory with the others, as in torch); bfloat16 becomes float32, big-endian data native."""

    def __init__(self, name: str, storage_type: StorageType, buffer: Union[bytearray, memoryview], order: str) -> None:
        self.name, self.type, self.buffer, self.order = name, storage_type, buffer, order
        self._typed: dict[str, Union[np.ndarray, str]] = {}

    def view(self, offset: int, size: int) -> "Storage":
        """The legacy format's storage view: elements offset … offset + size of this storage."""
        itemsize, numel = self.type.itemsize, len(self.buffer) // self.type.itemsize
        if offset < 0 or size < 0 or offset + size > numel:
            raise TorchFormatError(f"load: a view of elements {offset}…{offset + size} of storage {self.name}, which "
                                   f"holds {numel}")
        window = memoryview(self.buffer)[offset * itemsize:(offset + size) * itemsize]
        return Storage(f"{self.name}[{offset}:{offset + size}]", self.type, window, self.order)

    def typed(self, dtype: TorchDtype) -> Union[np.ndarray, str]:
        """The storage as a 1-d native array of `dtype`, or why it cannot be one."""
        if dtype.name not in self._typed:
            self._typed[dtype.name] = self._make_typed(dtype)
        return self._typed[dtype.name]

    def _make_typed(self, dtype: TorchDtype) -> Union[np.ndarray, str]:
        if dtype.numpy is None and dtype.name != "bfloat16":
            return f"dtype torch.{dtype.name} has no NumPy equivalent (convert it with .float() before torch.save)"
        if len(self.buffer) % dtype.itemsize:
            return f"storage {self.name} holds {len(self.buffer)} bytes, not a whole number of {dtype.name} elements"
        mark = "<" if self.order == "little" else ">"
        if dtype.name == "bfloat16":  # the upper half of a float32: widening is exact
            return (np.frombuffer(self.buffer, mark + "u2").astype(np.uint32) << 16).view(np.float32)
        array = np.frombuffer(self.buffer, dtype.numpy.newbyteorder(mark))
        return array if array.dtype.isnative else array.astype(dtype.numpy)


class Refused:
    """A tensor the file holds but that cannot be built; the load names where it sits and fails as a whole."""

    def __init__(self, message: str) -> None:
        self.message = message


def _non_overlapping(size: tuple[int, ...], stride: tuple[int, ...]) -> bool:
    """Whether no two elements of the strided view share memory (then it may stay a writable view): each stride
    past the extent of the smaller ones, else (interleaved strides such as x[:, ::2]) every element's offset
    distinct, counted for views of up to 2^22 elements (larger ones count as overlapping)."""
    extent, dims = 1, sorted((s, n) for n, s in zip(size, stride) if n > 1)
    for s, n in dims:
        if s < extent:
            break
        extent = s * n
    else:
        return True
    if any(s == 0 for s, _ in dims) or math.prod(size) > 1 << 22:
        return False
    offsets = np.zeros((), np.int64)
    for s, n in dims:
        offsets = np.add.outer(offsets, np.arange(n, dtype=np.int64) * s)
    return np.unique(offsets).size == offsets.size


class RestrictedUnpickler(pickle._Unpickler):  # type: ignore[misc,name-defined]
    """pickle's Unpickler with find_class limited to the allowlist, and REDUCE, NEWOBJ and BUILD limited to what
    those globals need. `storage(pid)` resolves a persistent id to a Storage; `dry` builds no tensors (the first pass
    over a legacy file, before the storage bytes are read)."""

    dispatch = dict(pickle._Unpickler.dispatch)  # type: ignore[attr-defined]

    def __init__(self, stream: BinaryIO, storage: Callable[[Any], Storage], where: str, dry: bool = False) -> None:
        super().__init__(stream, encoding="utf-8")
        self.storage, self.where, self.dry = storage, where, dry
        self.converted: list[np.ndarray] = []  # the arrays made from bfloat16 (kept alive, compared by id)
        methods = (self._rebuild_tensor, self._rebuild_tensor_v2, self._rebuild_tensor_v3, self._rebuild_parameter,
                   self._rebuild_parameter_with_state)
        self.allowed: dict[str, Any] = {
            "collections.OrderedDict": OrderedDict, "collections.Counter": Counter, "builtins.set": set,
            "builtins.frozenset": frozenset, "builtins.bytearray": bytearray, "builtins.complex": complex,
            "_codecs.encode": self._encode, "torch.Size": tuple, "torch.device": self._device,
            "torch.Tensor": self._torch_tensor, "torch.nn.parameter.Parameter": self._parameter,
            "torch._tensor._rebuild_from_type_v2": self._rebuild_from_type_v2,
            "torch.storage.UntypedStorage": UNTYPED, "torch.UntypedStorage": UNTYPED,
            **{f"torch._utils.{m.__name__}": m for m in methods},
            **{f"torch.{name}": dtype.numpy or dtype for name, dtype in DTYPES.items()},  # tg dtypes are NumPy's
            **{f"{module}.{name}": StorageType(name, DTYPES[dtype]) for name, dtype in STORAGE_DTYPES.items()
               for module in ("torch", "torch.cuda")}}
        self.tensor_builders = {m.__func__ for m in methods}
        self.callables = {id(c) for c in (OrderedDict, Counter, set, frozenset, bytearray, complex, tuple)}
        self.methods = {m.__func__ for m in (*methods, self._encode, self._device, self._torch_tensor,
                                             self._parameter, self._rebuild_from_type_v2)}

    # ---- the allowlist ----
    def find_class(self, module: str, name: str) -> Any:
        if self.proto < 3:  # protocol 2 (torch's) writes Python 2 names: __builtin__.set, ...
            module, name = _compat_pickle.NAME_MAPPING.get((module, name), (module, name))
            module = _compat_pickle.IMPORT_MAPPING.get(module, module)
        full = f"{module}.{name}"
        if full in self.allowed:
            return self.allowed[full]
        if module.startswith("torch") and name in _UNSUPPORTED:
            raise TorchFormatError(f"load: {self.where}: the file holds {_UNSUPPORTED[name]} ({full}), which "
                                   "tinygrad_edu cannot represent; save a dense CPU tensor instead")
        hint = (" (NumPy arrays and scalars are refused by torch's weights-only load too: save torch tensors or "
                "Python numbers)" if module.split(".")[0] == "numpy" else "")
        raise UnsafeGlobalError(
            f"load: {self.where}: the file refers to the global {full}, which a weights-only load refuses (unpickling "
            f"it could run code; nothing from the file was run){hint}. tg.load reads tensors, numbers, strings, None "
            "and dict/list/tuple/set containers, as torch.load(weights_only=True). If this is a whole pickled model "
            "(torch.save(model)), save its state_dict() instead: torch.save(model.state_dict(), path)")

    def _is_allowed_callable(self, func: Any) -> bool:
        if isinstance(func, types.MethodType):
            return func.__self__ is self and func.__func__ in self.methods
        return id(func) in self.callables

    def _refuse(self, what: str, obj: Any) -> None:
        raise UnsafeGlobalError(f"load: {self.where}: the pickle tries to {what} {type(obj).__name__} "
                                f"{reprlib.repr(obj)}, which a weights-only load refuses")

    def load_reduce(self) -> None:
        args = self.stack.pop()
        func = self.stack[-1]
        if not self._is_allowed_callable(func) or not isinstance(args, tuple):
            self._refuse("call", func)
        self.stack[-1] = func(*args)

    def load_newobj(self) -> None:
        args = self.stack.pop()
        cls = self.stack.pop()
        if isinstance(cls, types.MethodType) and cls.__self__ is self and cls.__func__ is self._parameter.__func__:
            self.append(self._parameter(*args))
        elif isinstance(cls, type) and id(cls) in self.callables and isinstance(args, tuple):
            self.append(cls.__new__(cls, *args))
        else:
            self._refuse("create an object of", cls)

    def load_newobj_ex(self) -> None:
        self._refuse("create (NEWOBJ_EX) an object of", self.stack[-3])

    def load_build(self) -> None:
        state = self.stack.pop()
        inst = self.stack[-1]
        if isinstance(state, tuple) and len(state) == 2 and not state[1]:
            state = state[0]
        if type(inst) not in (OrderedDict, Counter) or not isinstance(state, dict) or not all(
                isinstance(k, str) and not hasattr(type(inst), k) for k in state):  # (no shadowed methods)
            self._refuse("set the state of", inst)
        inst.__dict__.update(state)  # an OrderedDict's attributes, e.g. a state dict's _metadata

    def persistent_load(self, pid: Any) -> Storage:
        return self.storage(pid)

    dispatch[pickle.REDUCE[0]] = load_reduce
    dispatch[pickle.NEWOBJ[0]] = load_newobj
    dispatch[pickle.NEWOBJ_EX[0]] = load_newobj_ex
    dispatch[pickle.BUILD[0]] = load_build

    # ---- the globals' stand-ins ----
    def _encode(self, obj: Any, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        """_codecs.encode, which protocol 2 uses for bytes (text codecs only)."""
        if not isinstance(obj, str) or codecs.lookup(encoding).name not in ("iso8859-1", "utf-8", "ascii"):
            self._refuse("encode with codec " + repr(encoding), obj)
        return codecs.encode(obj, encoding, errors)

    def _device(self, kind: Any, index: Any = None) -> str:
        """torch.device as its string ('cpu', 'cuda:0'): everything here lives on the CPU."""
        return f"{kind}:{index}" if index is not None else str(kind)

    def _torch_tensor(self, *args: Any) -> Any:
        self._refuse("construct torch.Tensor from", args)

    def _parameter(self, data: Any = None, requires_grad: bool = True) -> Any:
        from .nn.parameter import Parameter

        if data is None or isinstance(data, Refused):
            return data
        if not isinstance(data, Tensor):
            raise TorchFormatError(f"load: {self.where}: a Parameter of {type(data).__name__}, not of a tensor")
        return Parameter(data, requires_grad=bool(requires_grad) and data.dtype.kind in "fc")

    def _rebuild_parameter(self, data: Any, requires_grad: bool, backward_hooks: Any = None) -> Any:
        return self._parameter(data, requires_grad)

    def _rebuild_parameter_with_state(self, data: Any, requires_grad: bool, backward_hooks: Any, state: Any) -> Any:
        return self._parameter(data, requires_grad)  # the state is Python attributes set on the Parameter

    def _rebuild_from_type_v2(self, func: Any, new_type: Any, args: Any, state: Any) -> Any:
        """A tensor with Python attributes (torch.Tensor or Parameter as its type): the tensor, attributes dropped."""
        allowed = isinstance(func, types.MethodType) and func.__self__ is self and func.__func__ in self.tensor_builders
        if not allowed or not isinstance(args, tuple) or not (
                isinstance(new_type, types.MethodType) and new_type.__self__ is self
                and new_type.__func__ in (self._torch_tensor.__func__, self._parameter.__func__)):
            self._refuse("rebuild a tensor subclass with", new_type)
        result = func(*args)
        return self._parameter(result) if new_type.__func__ is self._parameter.__func__ else result

    def _rebuild_tensor(self, storage: Any, storage_offset: Any, size: Any, stride: Any) -> Any:
        return self._tensor(storage, None, storage_offset, size, stride, False)

    def _rebuild_tensor_v2(self, storage: Any, storage_offset: Any, size: Any, stride: Any, requires_grad: Any = False,
                           backward_hooks: Any = None, metadata: Any = None) -> Any:
        return self._tensor(storage, None, storage_offset, size, stride, requires_grad)

    def _rebuild_tensor_v3(self, storage: Any, storage_offset: Any, size: Any, stride: Any, requires_grad: Any,
                           backward_hooks: Any, dtype: Any, metadata: Any = None) -> Any:
        if isinstance(dtype, np.dtype) and dtype.name in DTYPES:
            dtype = DTYPES[dtype.name]
        if not isinstance(dtype, TorchDtype):
            raise TorchFormatError(f"load: {self.where}: a tensor's dtype is {dtype!r:.60}, not a torch dtype")
        return self._tensor(storage, dtype, storage_offset, size, stride, requires_grad)

    def _tensor(self, storage: Any, dtype: Optional[TorchDtype], offset: Any, size: Any, stride: Any,
                requires_grad: Any) -> Any:
        """A Tensor viewing `storage` (a copy when the view overlaps itself), after checking its extent."""
        if not isinstance(storage, Storage):
            raise TorchFormatError(f"load: {self.where}: a tensor's storage is a {type(storage).__name__}, not a "
                                   "storage record")
        size, stride = tuple(size) if isinstance(size, (tuple, list)) else size, tuple(stride) if isinstance(
            stride, (tuple, list)) else stride
        if not (isinstance(size, tuple) and isinstance(stride, tuple) and len(size) == len(stride)
                and all(type(v) is int and v >= 0 for v in (*size, *stride)) and type(offset) is int and offset >= 0):
            raise TorchFormatError(f"load: {self.where}: a tensor in storage {storage.name} has size {size!r:.80}, "
                                   f"stride {stride!r:.80} and offset {offset!r:.20}: not non-negative integers "
                                   "of one length")
        if self.dry:
            return None
        dtype = dtype or storage.type.dtype
        typed = storage.typed(dtype)
        if isinstance(typed, str):
            return Refused(typed)
        if math.prod(size) == 0:
            array = np.empty(size, typed.dtype)
        else:
            last = offset + sum((n - 1) * s for n, s in zip(size, stride))
            if last >= typed.size:
                return Refused(f"storage {storage.name} holds {typed.size:,} {dtype.name} elements, but the tensor of "
                               f"size {size}, stride {stride} and offset {offset} reaches element {last:,}")
            array = np.lib.stride_tricks.as_strided(typed[offset:], size, [s * typed.itemsize for s in stride])
            if not _non_overlapping(size, stride):  # (expand-like): a copy, or a read-only view when that is huge
                count = math.prod(size)
                array = array.copy() if count <= max(1 << 24, 4 * typed.size) else np.lib.stride_tricks.as_strided(
                    typed[offset:], size, array.strides, writeable=False)
        if dtype.name == "bfloat16":
            self.converted.append(array)
        return Tensor(array, requires_grad=bool(requires_grad) and array.dtype.kind in "fc")
