"""The IDX file format of MNIST: a 4-byte magic (0x00 0x00, dtype code, ndim), ndim big-endian uint32 sizes,
then the values big-endian in C order. Read and write it (gzip when the file is gzipped), and load MNIST."""
from __future__ import annotations

import gzip
import math
import os
import zlib
from pathlib import Path
from typing import BinaryIO, Optional, Union

import numpy as np

from ..memory import AllocationError, check_allocation

PathLike = Union[str, os.PathLike]

CODE_TO_DTYPE = {0x08: np.dtype(">u1"), 0x09: np.dtype(">i1"), 0x0B: np.dtype(">i2"), 0x0C: np.dtype(">i4"),
                 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}
DTYPE_TO_CODE = {dtype.newbyteorder("="): code for code, dtype in CODE_TO_DTYPE.items()}
GZIP_MAGIC = b"\x1f\x8b"
MNIST_FILES = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
               "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}


class IdxFormatError(ValueError):
    """A file that is not a well-formed IDX file; the message names the file, the field, expected and found."""


def read_idx(path: PathLike) -> np.ndarray:
    """The array stored in an IDX file (plain or gzipped), in native byte order with the file's dtype.

    The header is read first; the declared dims give the exact data size, which must fit in memory (the
    error names the bytes) and, for a plain file, match the file's size, before any data is read. A gzipped
    file is never inflated past header + data + 1 bytes, so a small file declaring a huge array costs nothing."""
    path = Path(path)
    with open(path, "rb") as raw:
        gzipped = raw.read(2) == GZIP_MAGIC
        raw.seek(0)
        stream: BinaryIO = gzip.GzipFile(fileobj=raw, mode="rb") if gzipped else raw  # type: ignore[assignment]
        try:
            return _read_idx(path, stream, None if gzipped else path.stat().st_size)
        except (EOFError, OSError, zlib.error) as err:
            if not gzipped or isinstance(err, FileNotFoundError):
                raise
            raise IdxFormatError(f"read_idx: {path}: gzip stream is damaged or truncated ({err})") from err


def _read_idx(path: Path, stream: BinaryIO, file_size: Optional[int]) -> np.ndarray:
    magic = stream.read(4)
    if len(magic) < 4:
        raise IdxFormatError(f"read_idx: {path}: truncated header: expected at least 4 bytes of magic, "
                             f"found {len(magic)}")
    if magic[0] != 0 or magic[1] != 0:
        raise IdxFormatError(f"read_idx: {path}: wrong magic: expected the first two bytes 0x0000, "
                             f"found 0x{magic[0]:02X}{magic[1]:02X} (not an IDX file)")
    code, ndim = magic[2], magic[3]
    if code not in CODE_TO_DTYPE:
        known = ", ".join(f"0x{c:02X} ({d.name})" for c, d in CODE_TO_DTYPE.items())
        raise IdxFormatError(f"read_idx: {path}: unknown dtype code 0x{code:02X}; expected one of {known}")
    header_size = 4 + 4 * ndim
    dims = stream.read(4 * ndim)
    if len(dims) < 4 * ndim:
        raise IdxFormatError(f"read_idx: {path}: truncated header: {ndim} dimensions need {header_size} header "
                             f"bytes, found {4 + len(dims)}")
    shape = tuple(int(n) for n in np.frombuffer(dims, dtype=">u4", count=ndim))
    dtype = CODE_TO_DTYPE[code]
    expected = math.prod(shape) * dtype.itemsize
    if file_size is not None:
        _check_size(path, shape, dtype, expected, file_size - header_size, exact=True)
    try:
        check_allocation("read_idx", shape, dtype)
    except AllocationError as err:
        raise IdxFormatError(f"read_idx: {path}: the header declares {expected:,} data bytes (shape {shape} of "
                             f"{dtype.name}), more than the {err.available:,} bytes of memory available; refused "
                             f"before reading the data") from None
    data = stream.read(expected + 1)
    _check_size(path, shape, dtype, expected, len(data), exact=file_size is not None)
    values = np.frombuffer(data, dtype=dtype, count=math.prod(shape))
    return values.astype(dtype.newbyteorder("="), copy=True).reshape(shape)


def _check_size(path: Path, shape: tuple, dtype: np.dtype, expected: int, found: int, exact: bool) -> None:
    if found < expected:
        raise IdxFormatError(f"read_idx: {path}: truncated data: shape {shape} of {dtype.name} needs {expected} "
                             f"bytes, found {found}")
    if found > expected:
        more = f"{found}" if exact else f"more than {expected} (the rest was not decompressed)"
        raise IdxFormatError(f"read_idx: {path}: trailing bytes: shape {shape} of {dtype.name} needs {expected} "
                             f"data bytes, found {more}")


def write_idx(path: PathLike, array: np.ndarray) -> Path:
    """Write `array` as an IDX file (gzipped when the name ends in .gz); returns the path written."""
    path = Path(path)
    array = np.asarray(array)
    native = array.dtype.newbyteorder("=")
    if native not in DTYPE_TO_CODE:
        allowed = ", ".join(d.name for d in DTYPE_TO_CODE)
        raise TypeError(f"write_idx: {path}: dtype {array.dtype} has no IDX code; use one of {allowed}")
    if array.ndim > 255:
        raise ValueError(f"write_idx: {path}: IDX stores at most 255 dimensions, got {array.ndim}")
    if any(n >= 2 ** 32 for n in array.shape):
        raise ValueError(f"write_idx: {path}: IDX sizes are uint32, got shape {array.shape}")
    code = DTYPE_TO_CODE[native]
    header = bytes([0, 0, code, array.ndim]) + np.asarray(array.shape, dtype=">u4").tobytes()
    payload = header + np.ascontiguousarray(array, dtype=CODE_TO_DTYPE[code]).tobytes()
    path.write_bytes(gzip.compress(payload, mtime=0) if path.name.endswith(".gz") else payload)
    return path


def _find(root: Path, stem: str) -> Path:
    dotted = stem.replace("-idx", ".idx")
    candidates = [root / name for base in (stem, dotted) for name in (base, base + ".gz")]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    looked = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(f"load_mnist: no file for {stem!r} in {root}; looked for {looked}")


def load_mnist(root: PathLike, split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """MNIST-format images (N, 1, H, W) float32 in [0, 1] (uint8 / 255) and labels (N,) int64 from the standard
    file names in `root` (train-* or t10k-*, plain or .gz, also the `train-images.idx3-ubyte` spelling)."""
    if split not in MNIST_FILES:
        raise ValueError(f"load_mnist: split must be one of {tuple(MNIST_FILES)}, got {split!r}")
    root = Path(root)
    image_path, label_path = (_find(root, stem) for stem in MNIST_FILES[split])
    images, labels = read_idx(image_path), read_idx(label_path)
    if images.ndim != 3 or images.dtype != np.uint8:
        raise IdxFormatError(f"load_mnist: {image_path}: images must be a 3-d uint8 array (N, H, W), "
                             f"found shape {images.shape} of {images.dtype}")
    if labels.ndim != 1 or labels.dtype.kind not in "iu":
        raise IdxFormatError(f"load_mnist: {label_path}: labels must be a 1-d integer array (N,), "
                             f"found shape {labels.shape} of {labels.dtype}")
    if len(images) != len(labels):
        raise IdxFormatError(f"load_mnist: {len(images)} images in {image_path} but {len(labels)} labels in "
                             f"{label_path}; the counts must match")
    return (images[:, None] / np.float32(255)).astype(np.float32, copy=False), labels.astype(np.int64)
