"""PyTorch's checkpoint files without torch: `tg.load` reads what `torch.save` writes (the zip format of PyTorch ≥ 1.6
and the older "legacy" pickle stream) and `tg.save` writes the zip format that `torch.load(f, weights_only=True)`
reads. Loading never runs code from the file: the pickle goes through a restricted unpickler (torch_unpickler.py)
that knows only tensors, numbers, strings and containers, like torch's weights-only load; tensor data are checked
against their storages before a NumPy view is made."""
from __future__ import annotations

import io
import os
import pickle
import sys
import warnings
import zipfile
from collections import OrderedDict
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterator, Mapping, Optional, Union

import numpy as np

from .tensor import Tensor
from .torch_unpickler import (LEGACY_MAGIC, LEGACY_PROTOCOL, Refused, RestrictedUnpickler, Storage, StorageType,
                              TorchFormatError, UnsafeGlobalError)

FileLike = Union[str, os.PathLike, BinaryIO]
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
NPY_MAGIC = b"\x93NUMPY"
#: the legacy format's first pickle: protocol 2, then LONG1 of the magic number 0x1950a86a20f9469cfc6c
LEGACY_PREFIX = b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19."
MAX_PICKLE_BYTES = 1 << 30
MAX_INFLATION = 100  # torch stores records uncompressed; a compressed one may not grow more than this
ALIGNMENT = 64  # torch aligns each storage record's data to 64 bytes (for mmap); its reader does not need it

__all__ = ["load", "save", "is_torch_file", "state_dict_from_file", "TorchFormatError", "UnsafeGlobalError"]


# ---- reading ----------------------------------------------------------------------------------------------------
def load(f: FileLike, map_location: Any = None, pickle_module: Any = None, *, weights_only: Optional[bool] = True,
         mmap: Optional[bool] = None, **pickle_load_args: Any) -> Any:
    """What torch.save(obj, f) wrote, with tinygrad_edu Tensors (Parameters stay Parameters) in the same dicts,
    OrderedDicts, lists, tuples, sets, numbers and strings. Always a weights-only load: anything else in the pickle
    (a pickled module, an unknown global) raises UnsafeGlobalError without running it, whatever `weights_only` says.
    Everything lands on the CPU (the only device), so map_location may be None, 'cpu', a dict or a function; mmap
    is accepted and the data are read into memory. bfloat16 tensors become float32 (exact; NumPy has no bfloat16),
    with a warning naming them; dtypes NumPy lacks (float8, quantized, ...) fail naming the tensor."""
    _check_map_location(map_location)
    if pickle_module is not None:
        raise TypeError("load: pickle_module is not supported (the file is always read by the restricted unpickler)")
    if pickle_load_args:
        raise TypeError(f"load: pickle arguments {sorted(pickle_load_args)} are not supported (strings are read as "
                        "UTF-8, as torch.load does by default)")
    del weights_only, mmap  # always weights-only; storages are read into memory (mmap or not)
    with _opened(f) as (stream, where):
        start = stream.tell()
        head = stream.read(512)
        stream.seek(start)
        if head.startswith(ZIP_MAGICS):
            result = _load_zip(stream, where)
        elif head.startswith(LEGACY_PREFIX):
            result = _load_legacy(stream, where)
        elif not head and start:
            raise TorchFormatError(f"load: {where} has nothing left to read at position {start:,} (seek(0) after "
                                   "writing it?)")
        else:
            raise TorchFormatError(f"load: {where} is not a file written by torch.save: {_describe(head, stream)}")
    return _finish(*result, where)


def is_torch_file(path: FileLike) -> bool:
    """Whether `path` looks like a torch.save file (a zip with <name>/data.pkl, or the legacy pickle stream)."""
    try:
        with _opened(path) as (stream, _):
            head = stream.read(len(LEGACY_PREFIX))
            stream.seek(0)
            if head.startswith(LEGACY_PREFIX):
                return True
            if not head.startswith(ZIP_MAGICS):
                return False
            with zipfile.ZipFile(stream) as archive:
                names = archive.namelist()
                return _pickle_record(names) is not None and not _is_torchscript(names)
    except (OSError, zipfile.BadZipFile, TorchFormatError):
        return False


def state_dict_from_file(path: FileLike, owner: str) -> "OrderedDict[str, Tensor]":
    """The state dict (name → Tensor) in a torch.save file, for Module.load; a checkpoint dict that holds one
    (`{'epoch': 3, 'model': sd, ...}`) is refused with the key to pick."""
    obj = load(path)
    where = _name_of(path)
    if isinstance(obj, Mapping):
        nested = [k for k, v in obj.items() if isinstance(v, Mapping)]
        if nested or not all(isinstance(k, str) and isinstance(v, Tensor) for k, v in obj.items()):
            hint = (f"; the state dict is probably under {nested[0]!r}: model.load_state_dict(tg.load(path)"
                    f"[{nested[0]!r}])" if nested else "")
            raise ValueError(f"{owner}.load: {where} holds a dict with keys {list(obj)[:10]}, not a state dict of "
                             f"name → tensor{hint}")
        return OrderedDict(obj)
    raise ValueError(f"{owner}.load: {where} holds a {type(obj).__name__}, not a state dict (torch.save("
                     "model.state_dict(), path) writes one)")


class _opened:
    """A binary, seekable stream for a path or an open file, and a name for messages."""

    def __init__(self, f: FileLike) -> None:
        self.f, self.own = f, isinstance(f, (str, os.PathLike))

    def __enter__(self) -> tuple[BinaryIO, str]:
        if self.own:
            path = Path(self.f)
            if not path.is_file():
                raise FileNotFoundError(f"load: no file {path}")
            self.stream = open(path, "rb")
            return self.stream, str(path)
        if not (hasattr(self.f, "read") and hasattr(self.f, "seek")):
            raise TypeError(f"load: f must be a path or a binary file object with read and seek, got "
                            f"{type(self.f).__name__}")
        self.stream = self.f
        return self.f, _name_of(self.f)

    def __exit__(self, *exc: Any) -> None:
        if self.own:
            self.stream.close()


def _name_of(f: Any) -> str:
    return str(f) if isinstance(f, (str, os.PathLike)) else f"the file object {getattr(f, 'name', type(f).__name__)}"


def _check_map_location(map_location: Any) -> None:
    from .device import check_device

    if map_location is None or callable(map_location):
        return
    targets = map_location.values() if isinstance(map_location, Mapping) else [map_location]
    for target in targets:
        check_device("load: map_location", target)


def _size_of(stream: BinaryIO) -> int:
    position = stream.tell()
    size = stream.seek(0, io.SEEK_END)
    stream.seek(position)
    return size


def _describe(head: bytes, stream: BinaryIO) -> str:
    """What a file that is not a torch.save file seems to be, and what reads it."""
    if not head:
        return "it is empty (0 bytes)"
    if head.startswith(NPY_MAGIC):
        return "it is a single NumPy array (.npy); read it with numpy.load"
    if len(head) >= 9 and head[8:9] == b"{" and 2 <= int.from_bytes(head[:8], "little") <= _size_of(stream) - 8:
        return ("it is a .safetensors file; read it with Module.load(path) (the path ending in .safetensors) or "
                "safetensors.numpy.load_file")
    if head[257:262] == b"ustar":
        return ("it is a tar archive (torch's format before 0.4, or not torch at all); re-save it with a recent "
                "torch.save")
    if head.startswith(b"\x80"):
        return ("it is a pickle without torch's magic number (pickle.dump, not torch.save); tg.load only reads "
                "torch.save files, and plain pickles can run code when loaded")
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return f"it starts with the bytes {head[:16]!r}"
    return f"it is text starting with {text[:40]!r}"


def _pickle_record(names: list[str], where: str = "") -> Optional[str]:
    """The one `<archive>/data.pkl` record of a torch zip (None when there is none)."""
    found = [n for n in names if n.endswith("/data.pkl") and n.count("/") == 1]
    if len(found) > 1:
        raise TorchFormatError(f"load: {where}: the zip holds several torch archives {found[:5]}; torch.save "
                               "writes one")
    return found[0] if found else None


def _load_zip(stream: BinaryIO, where: str) -> Any:
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as err:
        raise TorchFormatError(f"load: {where} is a truncated or damaged zip archive ({err}); a complete torch.save "
                               "file is needed") from None
    with archive:
        names = archive.namelist()
        record = _pickle_record(names, where)
        if record is None or _is_torchscript(names):
            raise TorchFormatError(f"load: {where} is a zip archive but not a torch.save file: {_zip_kind(names)}")
        prefix = record[: -len("data.pkl")]
        order = _byteorder(archive, prefix, where)
        info = archive.getinfo(record)
        if info.file_size > MAX_PICKLE_BYTES:
            raise TorchFormatError(f"load: {where}: {record} declares {info.file_size:,} bytes of pickle, more than "
                                   f"the {MAX_PICKLE_BYTES:,} a checkpoint's index needs")
        try:
            data = archive.read(info)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as err:
            raise TorchFormatError(f"load: {where}: {record} cannot be read ({err}); the file is damaged") from None
        storages: dict[str, Storage] = {}

        def storage(pid: tuple) -> Storage:
            storage_type, key, numel = _storage_pid(pid, 5, where)
            if key not in storages:
                storages[key] = _zip_storage(archive, f"{prefix}data/{key}", storage_type, numel, order, where)
            return storages[key]

        return _unpickle(io.BytesIO(data), storage, where)


def _is_torchscript(names: list[str]) -> bool:
    return any(n.endswith("/constants.pkl") or "/code/" in n for n in names)


def _zip_kind(names: list[str]) -> str:
    if names and all(n.endswith(".npy") for n in names):
        return ("it is a .npz archive of arrays (Module.save or numpy.savez); read it with Module.load(path) or "
                "numpy.load")
    if _is_torchscript(names):
        return "it is a TorchScript archive (torch.jit.save); save model.state_dict() with torch.save instead"
    return f"it has no <archive>/data.pkl record (members {names[:5]})"


def _byteorder(archive: zipfile.ZipFile, prefix: str, where: str) -> str:
    try:
        info = archive.getinfo(prefix + "byteorder")
    except KeyError:
        return "little"  # files from before torch recorded it were written on little-endian machines
    value = archive.read(info).decode("ascii", "replace") if info.file_size <= 16 else "?"
    if value not in ("little", "big"):
        raise TorchFormatError(f"load: {where}: the byteorder record says {value!r}, not 'little' or 'big'")
    return value


def _storage_pid(pid: Any, length: int, where: str) -> tuple[StorageType, str, int]:
    if (not isinstance(pid, tuple) or len(pid) != length or pid[0] not in ("storage", b"storage")
            or not isinstance(pid[1], StorageType) or not isinstance(pid[2], (str, bytes))
            or type(pid[4]) is not int or pid[4] < 0):
        raise TorchFormatError(f"load: {where}: a storage reference {pid!r:.200} is not ('storage', <type>, key, "
                               "location, size)")
    key = pid[2].decode("ascii") if isinstance(pid[2], bytes) else pid[2]
    return pid[1], key, pid[4]


def _zip_storage(archive: zipfile.ZipFile, name: str, storage_type: StorageType, numel: int, order: str,
                 where: str) -> Storage:
    """One storage record, read after its declared size is checked against the pickle's element count."""
    nbytes = numel * storage_type.itemsize
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise TorchFormatError(f"load: {where}: the pickle refers to the storage {name}, which the archive does not "
                               "hold; the file is incomplete") from None
    if info.file_size != nbytes:
        raise TorchFormatError(f"load: {where}: the storage {name} holds {info.file_size:,} bytes, but the pickle "
                               f"declares {numel:,} {storage_type.dtype.name} elements = {nbytes:,} bytes")
    if info.compress_type != zipfile.ZIP_STORED and info.file_size > MAX_INFLATION * info.compress_size + (1 << 16):
        raise TorchFormatError(f"load: {where}: the storage {name} would inflate {info.compress_size:,} compressed "
                               f"bytes to {info.file_size:,} (torch.save stores records uncompressed)")
    buffer = bytearray(nbytes)
    try:
        with archive.open(info) as member:
            _read_exactly(member, buffer, name)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as err:
        raise TorchFormatError(f"load: {where}: the storage {name} cannot be read ({err}); the file is "
                               "damaged") from None
    return Storage(name, storage_type, buffer, order)


def _read_exactly(stream: Any, buffer: bytearray, name: str) -> None:
    view, done = memoryview(buffer), 0
    while done < len(buffer):
        got = stream.readinto(view[done:done + (1 << 24)])
        if not got:
            raise EOFError(f"{name} ends {len(buffer) - done:,} bytes early")
        done += got


def _unpickle(stream: BinaryIO, storage: Callable[[Any], Storage], where: str,
              dry: bool = False) -> tuple[Any, list[np.ndarray]]:
    """Run the restricted unpickler: (the object, the arrays converted from bfloat16). Damage to the pickle becomes
    a TorchFormatError, a refused global stays an UnsafeGlobalError."""
    unpickler = RestrictedUnpickler(stream, storage, where, dry)
    try:
        return unpickler.load(), unpickler.converted
    except (UnsafeGlobalError, TorchFormatError):
        raise
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, IndexError, KeyError, AttributeError,
            UnicodeDecodeError, OverflowError, RecursionError) as err:
        raise TorchFormatError(f"load: {where}: the pickle in the file is damaged or not torch's "
                               f"({type(err).__name__}: {err})") from None


def _load_legacy(stream: BinaryIO, where: str) -> Any:
    """torch.save(..., _use_new_zipfile_serialization=False): pickles of the magic number, the protocol, the system
    info, the object (storages by reference), the list of storage keys, then each storage as int64 count + bytes.
    The object pickle is read twice: first to learn the storages, then, once their bytes are in, for real."""
    def small(what: str) -> Any:
        return _unpickle(stream, _no_storage, f"{where} ({what})")[0]

    if small("magic number") != LEGACY_MAGIC or small("protocol") != LEGACY_PROTOCOL:
        raise TorchFormatError(f"load: {where}: not torch's legacy format (wrong magic number or protocol)")
    info = small("system info")
    little = info.get("little_endian", True) if isinstance(info, dict) else True
    order = "little" if little else "big"
    start, size = stream.tell(), _size_of(stream)
    declared: dict[str, tuple[StorageType, int]] = {}

    def record(pid: Any) -> Storage:
        storage_type, key, numel = _storage_pid(pid, 6, where)
        declared.setdefault(key, (storage_type, numel))
        return Storage(key, storage_type, bytearray(0), order)

    _unpickle(stream, record, where, dry=True)
    keys = _unpickle(stream, _no_storage, f"{where} (storage keys)")[0]
    if not isinstance(keys, list) or set(map(str, keys)) != set(declared):
        raise TorchFormatError(f"load: {where}: the list of storages does not match the storages the object uses")
    storages = {}
    for key in map(str, keys):
        storage_type, numel = declared[key]
        storages[key] = _legacy_storage(stream, key, storage_type, numel, order, size, where)
    views: dict[str, Storage] = {}

    def storage(pid: Any) -> Storage:
        _, key, _ = _storage_pid(pid, 6, where)
        root, view = storages[key], pid[5]
        if view is None:
            return root
        if not (isinstance(view, tuple) and len(view) == 3 and all(type(v) is int for v in view[1:])):
            raise TorchFormatError(f"load: {where}: a storage view {view!r:.100} is not (key, offset, size)")
        views.setdefault(str(view[0]), root.view(view[1], view[2]))
        return views[str(view[0])]

    stream.seek(start)
    return _unpickle(stream, storage, where)


def _no_storage(pid: Any) -> Storage:
    raise TorchFormatError(f"load: a storage reference {pid!r:.100} where none belongs")


def _legacy_storage(stream: BinaryIO, key: str, storage_type: StorageType, numel: int, order: str, size: int,
                    where: str) -> Storage:
    count = stream.read(8)
    if len(count) < 8:
        raise TorchFormatError(f"load: {where}: the file ends before storage {key}; it is truncated")
    stored = int.from_bytes(count, order, signed=True)
    nbytes = numel * storage_type.itemsize
    if stored != numel or nbytes > size - stream.tell():
        raise TorchFormatError(f"load: {where}: storage {key} declares {numel:,} elements in the pickle and {stored:,}"
                               f" in the data, with {size - stream.tell():,} bytes left in the file")
    buffer = bytearray(nbytes)
    _read_exactly(stream, buffer, f"storage {key}")
    return Storage(key, storage_type, buffer, order)


def _finish(result: Any, bfloat16: list[np.ndarray], where: str) -> Any:
    """Refuse the whole load if any tensor was refused (naming where it sits); warn about converted ones."""
    refused, converted, from_bfloat16 = [], [], {id(a) for a in bfloat16}
    for trail, item in _walk(result):
        if isinstance(item, Refused):
            refused.append(f"{_path(trail)}: {item.message}")
        elif isinstance(item, Tensor) and id(item.data) in from_bfloat16:
            converted.append(_path(trail))
    if refused:
        raise TorchFormatError(f"load: {where}: nothing was loaded: " + "; ".join(refused[:20]))
    if converted:
        warnings.warn(f"load: {where}: bfloat16 tensors {converted[:20]} were converted to float32 (exactly: NumPy "
                      "has no bfloat16); tg.save writes them back as float32", stacklevel=3)
    return result


def _walk(obj: Any) -> Iterator[tuple[Any, Any]]:
    """(trail, item) for every item in the nested containers (each container once, however often it is shared);
    a trail is (parent trail, key), turned into text only for the items a message names (_path)."""
    seen: set[int] = set()
    stack: list[tuple[Any, Any]] = [(None, obj)]
    while stack:
        trail, item = stack.pop()
        yield trail, item
        if isinstance(item, (dict, list, tuple, set, frozenset)) and id(item) not in seen:
            seen.add(id(item))
            pairs = item.items() if isinstance(item, dict) else enumerate(item) if isinstance(
                item, (list, tuple)) else ((_SET_MEMBER, v) for v in item)
            stack.extend(((trail, k), v) for k, v in pairs)


_SET_MEMBER = object()


def _path(trail: Any) -> str:
    """The text of a trail: ['model']['fc.weight'], [0], {…} for a set member (keys shortened)."""
    parts = []
    while trail is not None:
        trail, key = trail
        parts.append("{…}" if key is _SET_MEMBER else f"[{repr(key)[:60]}]")
    return "".join(reversed(parts)) or "the object"


# ---- writing ----------------------------------------------------------------------------------------------------
def save(obj: Any, f: FileLike, pickle_module: Any = None, pickle_protocol: int = 2,
         _use_new_zipfile_serialization: bool = True) -> None:
    """Write `obj` (tensors, NumPy arrays, numbers, strings, None in dicts, OrderedDicts, lists, tuples and sets) in
    torch.save's zip format, which torch.load(f, weights_only=True) reads back as torch tensors; tensors viewing one
    buffer share one storage. A path is written through a temporary file, so a failure keeps an old file."""
    from .torch_pickler import Preparer, TorchPickler

    if pickle_module is not None:
        raise TypeError("save: pickle_module is not supported (the pickle is written as torch.save writes it)")
    if pickle_protocol != 2:
        raise ValueError(f"save: pickle_protocol must be 2 (torch.save's default), got {pickle_protocol!r}")
    if not _use_new_zipfile_serialization:
        raise ValueError("save: only the zip format is written (tg.load also reads the legacy format)")
    prepare = Preparer()
    prepared = prepare(obj)
    data = io.BytesIO()
    TorchPickler(data, protocol=2).dump(prepared)
    storages = list(prepare.storages.values())
    if not isinstance(f, (str, os.PathLike)):
        if not hasattr(f, "write"):
            raise TypeError(f"save: f must be a path or a binary file object, got {type(f).__name__}")
        _write_zip(f, data.getvalue(), storages)
        return
    path = Path(f)
    partial = path.with_name(path.name + ".partial")
    try:
        with open(partial, "wb") as stream:
            _write_zip(stream, data.getvalue(), storages)
        os.replace(partial, path)
    finally:
        if partial.exists():
            partial.unlink()


def _write_zip(stream: BinaryIO, pickled: bytes, storages: list) -> None:
    """torch's records under archive/: data.pkl, the format notes, byteorder, data/<key> (each aligned to 64 bytes
    as torch aligns them), version."""
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        _record(archive, "archive/data.pkl", pickled)
        _record(archive, "archive/.format_version", b"1")
        _record(archive, "archive/.storage_alignment", str(ALIGNMENT).encode())
        _record(archive, "archive/byteorder", sys.byteorder.encode())
        for storage in storages:
            _record(archive, f"archive/data/{storage.key}", memoryview(storage.array.view(np.uint8)), align=True)
        _record(archive, "archive/version", b"3\n")


def _record(archive: zipfile.ZipFile, name: str, data: Any, align: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    if align:  # pad the local header's extra field (id "FB", as torch) so the data start on a 64-byte boundary
        start = archive.fp.tell() + 30 + len(name.encode("utf-8")) + 4
        pad = -start % ALIGNMENT
        info.extra = b"FB" + pad.to_bytes(2, "little") + b"Z" * pad
    archive.writestr(info, data)
