"""The IDX file format of MNIST: a 4-byte magic (0x00 0x00, dtype code, ndim), ndim big-endian uint32 sizes,
then the values big-endian in C order. Read and write it (gzip when the file is gzipped), and load MNIST."""
from __future__ import annotations

import gzip
import os
import zlib
from pathlib import Path
from typing import Union

import numpy as np

PathLike = Union[str, os.PathLike]

CODE_TO_DTYPE = {0x08: np.dtype(">u1"), 0x09: np.dtype(">i1"), 0x0B: np.dtype(">i2"), 0x0C: np.dtype(">i4"),
                 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}
DTYPE_TO_CODE = {dtype.newbyteorder("="): code for code, dtype in CODE_TO_DTYPE.items()}
GZIP_MAGIC = b"\x1f\x8b"
MNIST_FILES = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
               "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}


class IdxFormatError(ValueError):
    """A file that is not a well-formed IDX file; the message names the file, the field, expected and found."""


def _read_bytes(path: Path) -> bytes:
    raw = path.read_bytes()
    if not raw.startswith(GZIP_MAGIC):
        return raw
    try:
        return gzip.decompress(raw)
    except (EOFError, OSError, zlib.error) as err:
        raise IdxFormatError(f"read_idx: {path}: gzip stream is damaged or truncated ({err})") from err


def read_idx(path: PathLike) -> np.ndarray:
    """The array stored in an IDX file (plain or gzipped), in native byte order with the file's dtype."""
    path = Path(path)
    raw = _read_bytes(path)
    if len(raw) < 4:
        raise IdxFormatError(f"read_idx: {path}: truncated header: expected at least 4 bytes of magic, "
                             f"found {len(raw)}")
    if raw[0] != 0 or raw[1] != 0:
        raise IdxFormatError(f"read_idx: {path}: wrong magic: expected the first two bytes 0x0000, "
                             f"found 0x{raw[0]:02X}{raw[1]:02X} (not an IDX file)")
    code, ndim = raw[2], raw[3]
    if code not in CODE_TO_DTYPE:
        known = ", ".join(f"0x{c:02X} ({d.name})" for c, d in CODE_TO_DTYPE.items())
        raise IdxFormatError(f"read_idx: {path}: unknown dtype code 0x{code:02X}; expected one of {known}")
    header_size = 4 + 4 * ndim
    if len(raw) < header_size:
        raise IdxFormatError(f"read_idx: {path}: truncated header: {ndim} dimensions need {header_size} header "
                             f"bytes, found {len(raw)}")
    shape = tuple(int(n) for n in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    dtype = CODE_TO_DTYPE[code]
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    found = len(raw) - header_size
    if found < expected:
        raise IdxFormatError(f"read_idx: {path}: truncated data: shape {shape} of {dtype.name} needs {expected} "
                             f"bytes, found {found}")
    if found > expected:
        raise IdxFormatError(f"read_idx: {path}: trailing bytes: shape {shape} of {dtype.name} needs {expected} "
                             f"data bytes, found {found}")
    values = np.frombuffer(raw, dtype=dtype, offset=header_size)
    return values.astype(dtype.newbyteorder("="), copy=True).reshape(shape)


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
