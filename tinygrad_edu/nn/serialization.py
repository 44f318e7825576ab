"""State dicts on disk as .npz (a zip of .npy members) without pickle, read defensively: every member's .npy
header (shape, dtype) and its zip sizes are checked against the model before any array data is decompressed,
so a small file that declares a huge array is refused instead of inflated. Also the cast rules of loading."""
from __future__ import annotations

import math
from collections import OrderedDict
import os
import zipfile
from pathlib import Path
from typing import Any, Collection, Mapping, Union

import numpy as np

from ..tensor import Tensor

NPY_MAGIC = b"\x93NUMPY"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
MAX_HEADER_BYTES = 1 << 16


def format_keys(keys: list[str], limit: int = 20) -> str:
    """A list of keys for a message: all of them, or the first `limit` and how many there are."""
    if len(keys) <= limit:
        return str(keys)
    return f"{keys[:limit]} … ({len(keys)} in all)"


def key_problems(missing: list[str], unexpected: list[str]) -> list[str]:
    """The messages of a strict load for keys the file lacks and keys the model lacks (none when both are empty)."""
    return ([f"missing keys {format_keys(missing)}"] if missing else []) + (
        [f"unexpected keys {format_keys(unexpected)}"] if unexpected else [])


def cast_for_load(key: str, value: np.ndarray, dtype: np.dtype) -> Union[np.ndarray, str]:
    """`value` as `dtype` the way PyTorch's copy_ casts (ints/bools/float16 into floats, ...), or a message
    when that would silently change it: not numeric, finite floats that overflow to ±inf, non-integral or
    out-of-range values for an integer buffer."""
    if value.dtype.kind not in "biuf" or value.dtype.hasobject:
        if dtype == object:
            return value.astype(object)
        return f"{key}: dtype {value.dtype} is not numeric"
    if dtype == object or value.dtype == dtype:
        return value.astype(dtype) if dtype == object else value
    if dtype.kind == "f":
        with np.errstate(over="ignore", invalid="ignore"):
            cast = value.astype(dtype)
        overflow = ~np.isfinite(cast) & (np.isfinite(value) if value.dtype.kind == "f" else True)
        if overflow.any():
            worst = value[overflow].flat[0].item()
            return (f"{key}: value {worst!r} overflows {dtype} (largest finite {np.finfo(dtype).max:.4g}); "
                    f"{int(overflow.sum())} such value(s)")
        return cast
    if dtype.kind in "iu" and value.dtype.kind == "f":
        if not np.isfinite(value).all() or (value != np.trunc(value)).any():
            return f"{key}: the {dtype} buffer needs whole numbers, the state dict holds non-integral {value.dtype}"
    if dtype.kind in "iu" and value.dtype.kind in "iuf" and value.size:
        info = np.iinfo(dtype)
        if value.min() < info.min or value.max() > info.max:
            return f"{key}: values from {value.min()} to {value.max()} do not fit {dtype} ({info.min}…{info.max})"
    return value.astype(dtype)


def save_state(state: Mapping[str, Tensor], path: Union[str, Path], owner: str) -> Path:
    """Write name → array as an uncompressed .npz ("name.npy" members, no pickle); ".npz" is appended to a
    name without it (as numpy.savez). Written to a temporary file first, so a failure keeps an old file."""
    if Path(path).suffix == ".safetensors":  # issue 15: safetensors by suffix (nn/safetensors_io.py)
        from .safetensors_io import save_safetensors

        return save_safetensors(state, path, owner)
    if Path(path).suffix in (".pt", ".pth"):  # PyTorch's own checkpoint format, as torch.save (torch_format.py)
        from ..torch_format import save

        save(OrderedDict(state), path)
        return Path(path)
    path = Path(path)
    if path.suffix != ".npz":
        path = path.with_name(path.name + ".npz")
    arrays = {}
    for key, t in state.items():
        array = t.data if isinstance(t, Tensor) else np.asarray(t)
        if array.dtype.hasobject:
            raise TypeError(f"{owner}.save: {key} holds {array.dtype} values (SymPy?); only numeric arrays can be "
                            f"saved without pickle")
        arrays[key] = array
    partial = path.with_name(path.name + ".partial")
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
            for key, array in arrays.items():
                with archive.open(key + ".npy", "w", force_zip64=True) as member:
                    np.lib.format.write_array(member, np.asanyarray(array), allow_pickle=False)
        os.replace(partial, path)
    finally:
        if partial.exists():
            partial.unlink()
    return path


def resolve(path: Union[str, Path], owner: str) -> Path:
    """The file save(path) wrote: `path` itself, or `path` + ".npz"."""
    path = Path(path)
    if path.is_file():
        return path
    with_suffix = path.with_name(path.name + ".npz")
    if path.suffix != ".npz" and with_suffix.is_file():
        return with_suffix
    looked = f"{path}" + (f" or {with_suffix}" if path.suffix != ".npz" else "")
    raise FileNotFoundError(f"{owner}.load: no file {looked}")


def _not_state(owner: str, path: Path, why: str) -> ValueError:
    return ValueError(f"{owner}.load: {path} is not a state-dict .npz file ({why})")


def _read_header(stream: Any) -> tuple[tuple[int, ...], bool, np.dtype]:
    version = np.lib.format.read_magic(stream)
    if version == (1, 0):
        return np.lib.format.read_array_header_1_0(stream, max_header_size=MAX_HEADER_BYTES)
    if version == (2, 0):
        return np.lib.format.read_array_header_2_0(stream, max_header_size=MAX_HEADER_BYTES)
    raise ValueError(f".npy format version {version} is not supported (1.0 and 2.0 are)")


def _read_into(stream: Any, out: np.ndarray) -> None:
    """Fill `out` (C-contiguous) with the stream's next out.nbytes bytes, a chunk at a time (no second copy)."""
    target, done = out.reshape(-1).view(np.uint8), 0
    while done < target.size:
        got = stream.readinto(target[done:done + (1 << 24)])
        if not got:
            raise ValueError(f"the member ends {target.size - done} bytes early")
        done += got


def read_state(path: Union[str, Path], model: Mapping[str, Tensor], strict: bool, owner: str,
               optional: Collection[str] = ()) -> dict[str, np.ndarray]:
    """The arrays of a .npz state dict whose keys the model has (`optional` keys may be absent even when
    strict, as BatchNorm's num_batches_tracked). Pass 1 reads only each member's .npy header
    and compares shape, dtype and the zip's declared sizes with the model; pass 2 decompresses exactly the
    declared bytes of each member (zipfile never inflates past a member's declared size)."""
    if Path(path).suffix == ".safetensors":  # issue 15: safetensors by suffix (nn/safetensors_io.py)
        from .safetensors_io import read_safetensors

        return read_safetensors(path, model, strict, owner, optional)
    path = resolve(path, owner)
    with open(path, "rb") as f:
        magic = f.read(6)
    if magic == NPY_MAGIC:
        raise _not_state(owner, path, "it holds a single array (a .npy file), not a state dict; write one with "
                                      "Module.save")
    if not magic.startswith(ZIP_MAGICS):
        raise _not_state(owner, path, f"not a zip archive: it starts with {magic!r}")
    file_size = path.stat().st_size
    try:
        with zipfile.ZipFile(path) as archive:
            members = _check_members(archive, model, strict, optional, file_size, owner, path)
            return {key: _read_member(archive, info, shape, order, dtype, header)
                    for key, (info, shape, order, dtype, header) in members.items()}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, RuntimeError, NotImplementedError,
            ValueError) as err:
        if isinstance(err, ValueError) and str(err).startswith(f"{owner}.load"):
            raise
        raise _not_state(owner, path, str(err)) from None


def _check_members(archive: zipfile.ZipFile, model: Mapping[str, Tensor], strict: bool, optional: Collection[str],
                   file_size: int, owner: str, path: Path) -> dict[str, tuple]:
    infos = archive.infolist()
    names = [info.filename for info in infos]
    odd = [n for n in names if not n.endswith(".npy")]
    if odd:
        raise _not_state(owner, path, f"members {odd[:5]} are not .npy arrays")
    if len(set(names)) != len(names):
        raise _not_state(owner, path, "it holds the same member name twice")
    keys = [n[:-4] for n in names]
    problems = []
    if strict:
        stored = set(keys)
        problems = key_problems([k for k in model if k not in stored and k not in optional],
                                [k for k in keys if k not in model])
    members = {}
    for key, info in zip(keys, infos):
        if key not in model:
            continue
        if info.compress_size > file_size:
            problems.append(f"{key}: the archive declares {info.compress_size:,} compressed bytes but the file has "
                            f"{file_size:,}")
            continue
        with archive.open(info) as stream:
            shape, fortran, dtype = _read_header(stream)
            header = stream.tell()
        want = model[key]
        if dtype.hasobject or dtype.kind not in "biuf":
            problems.append(f"{key}: dtype {dtype} is not numeric (object arrays would need pickle)")
            continue
        if tuple(shape) != tuple(want.shape):
            problems.append(f"{key}: shape {tuple(shape)} in the file, {tuple(want.shape)} in the model")
            continue
        expected = header + math.prod(shape) * dtype.itemsize
        if info.file_size != expected:
            problems.append(f"{key}: the archive declares {info.file_size:,} bytes for a {dtype} array of shape "
                            f"{tuple(shape)}, which takes {expected:,} bytes with its {header}-byte header")
            continue
        members[key] = (info, tuple(shape), "F" if fortran else "C", dtype, header)
    if problems:
        raise ValueError(f"{owner}.load: {path}: nothing was loaded: " + "; ".join(problems))
    return members


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, shape: tuple[int, ...], order: str,
                 dtype: np.dtype, header: int) -> np.ndarray:
    out = np.empty(math.prod(shape), dtype=dtype)
    with archive.open(info) as stream:
        _read_into(stream, np.empty(header, np.uint8))
        _read_into(stream, out)
        if stream.read(1):
            raise ValueError(f"{info.filename} holds more bytes than its header declares")
    return out.reshape(shape, order=order)
