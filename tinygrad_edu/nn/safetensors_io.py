"""State dicts as .safetensors (the `safetensors` package: a JSON header of names, dtypes, shapes and offsets,
then raw little-endian bytes; no pickle), the format PyTorch and Hugging Face tools read and write. Module.save
and Module.load use it for paths ending in ".safetensors". Reading checks every name, shape and dtype in the
header against the model before any tensor's bytes are read."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Collection, Mapping, Union

import numpy as np

from ..tensor import Tensor
from .serialization import key_problems

SUFFIX = ".safetensors"
DTYPES = {"BOOL": np.bool_, "U8": np.uint8, "I8": np.int8, "U16": np.uint16, "I16": np.int16, "U32": np.uint32,
          "I32": np.int32, "U64": np.uint64, "I64": np.int64, "F16": np.float16, "F32": np.float32,
          "F64": np.float64}


def _package(owner: str, verb: str) -> Any:
    try:
        import safetensors.numpy
    except ImportError:
        raise ImportError(f"{owner}.{verb}: .safetensors files need the safetensors package: pip install "
                          "'tinygrad_edu[export]' (or pip install safetensors); .npz needs nothing") from None
    return safetensors


def is_safetensors(path: Union[str, Path]) -> bool:
    """Whether save/load should use safetensors for `path` (chosen by its suffix)."""
    return Path(path).suffix == SUFFIX


def save_safetensors(state: Mapping[str, Any], path: Union[str, Path], owner: str) -> Path:
    """Write name → array as a .safetensors file (written to a temporary file first, so a failure keeps an old
    file); the header's metadata names the producer and the model class."""
    package = _package(owner, "save")
    path = Path(path)
    arrays = {}
    for key, t in state.items():
        array = t.data if isinstance(t, Tensor) else np.asarray(t)
        if array.dtype.hasobject or array.dtype.newbyteorder("=").type not in DTYPES.values():
            raise TypeError(f"{owner}.save: {key} holds {array.dtype} values; safetensors stores bool, integer and "
                            "float arrays")
        arrays[key] = np.require(array, requirements="C")  # (ascontiguousarray would make 0-d arrays 1-d)
    partial = path.with_name(path.name + ".partial")
    try:
        package.numpy.save_file(arrays, str(partial), metadata={"format": "pt", "producer": "tinygrad_edu",
                                                                "model": owner})
        os.replace(partial, path)
    finally:
        if partial.exists():
            partial.unlink()
    return path


def read_safetensors(path: Union[str, Path], model: Mapping[str, Tensor], strict: bool, owner: str,
                     optional: Collection[str] = ()) -> dict[str, np.ndarray]:
    """The arrays of a .safetensors state dict whose keys the model has (`optional` keys may be absent even
    when strict). The header is read and compared with the model (keys when strict, shapes, numeric dtypes)
    first; only then are the tensors read."""
    package = _package(owner, "load")
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{owner}.load: no file {path}")
    try:
        with package.safe_open(str(path), framework="numpy") as f:
            header = {key: (f.get_slice(key).get_dtype(), tuple(f.get_slice(key).get_shape())) for key in f.keys()}
            _check(header, model, strict, optional, owner, path)
            return {key: f.get_tensor(key) for key in header if key in model}
    except package.SafetensorError as err:
        raise ValueError(f"{owner}.load: {path} is not a readable .safetensors file ({err})") from None


def _check(header: dict[str, tuple[str, tuple]], model: Mapping[str, Tensor], strict: bool,
           optional: Collection[str], owner: str, path: Path) -> None:
    problems = key_problems([k for k in model if k not in header and k not in optional],
                            [k for k in header if k not in model]) if strict else []
    for key, (dtype, shape) in header.items():
        if key not in model:
            continue
        if dtype not in DTYPES:
            problems.append(f"{key}: dtype {dtype} has no NumPy equivalent (stored as {dtype}; save it as F32)")
        elif shape != tuple(model[key].shape):
            problems.append(f"{key}: shape {shape} in the file, {tuple(model[key].shape)} in the model")
    if problems:
        raise ValueError(f"{owner}.load: {path}: nothing was loaded: " + "; ".join(problems))
