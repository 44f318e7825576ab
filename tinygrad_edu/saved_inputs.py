"""What a node read when it was recorded, checked before backward reads it again: the inputs' arrays, their
version counters and fingerprints of writeable leaves, so that an in-place change raises instead of a wrong gradient."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

import numpy as np

if TYPE_CHECKING:
    from .autograd import Function


def _leaf_checksum(k: int, a: np.ndarray) -> tuple:
    """((k, fingerprint),) for a writeable leaf's array `a` (input k); () for an object array (none needed)."""
    return () if a.dtype.hasobject else ((k, _fingerprint(a)),)


def _leaf_checksums(inputs: tuple) -> Optional[tuple]:
    """(input index, fingerprint) of the writeable leaves among `inputs`, or None when there is none."""
    checksums = None
    for k, t in enumerate(inputs):
        if t._ctx is None and t.data.flags.writeable:
            checksums = (checksums or ()) + _leaf_checksum(k, t.data)
    return checksums or None


_SMALL = 64
_WORD = np.dtype(np.uint64)
_add_reduce = np.add.reduce  # a uint64 sum stays uint64 (wrapping), so every entry counts


def _checksum(a: np.ndarray) -> Any:
    """A fingerprint of a leaf's values when an op records it, so that a write straight into `leaf.data`
    (which no version counter sees) is caught at backward. Small arrays are copied, larger ones summed as
    unsigned words (one pass; any change of one entry changes the sum). Read-only arrays (the constants an
    operator makes of Python numbers, broadcast views) cannot be written through and need none."""
    if a.dtype == object or not a.flags.writeable:
        return None
    return _fingerprint(a)


def _fingerprint(a: np.ndarray) -> Any:
    """_checksum of an array known to be writeable and numeric."""
    n = a.nbytes
    if n <= _SMALL:
        return a.tobytes()
    if not n & 7 and a.flags.c_contiguous:  # a parameter's array: its words summed in place, no copy, no tail
        return int(_add_reduce(a.reshape(-1).view(_WORD)))
    flat = np.ascontiguousarray(a).reshape(-1).view(np.uint8)
    words = flat[: flat.size - flat.size % 8].view(np.uint64)
    return int(words.sum(dtype=np.uint64)) ^ hash(flat[flat.size - flat.size % 8:].tobytes())


def _recorded_version(fn: Function, k: int) -> int:
    return 0 if fn.input_versions is None else fn.input_versions[k]


def _check_unchanged(fn: Function) -> None:
    """Backward of `fn` would read its inputs' current values: they must be the ones it recorded."""
    inputs, versions = fn.inputs, fn.input_versions
    unchanged = True
    if versions is None:  # the common case, a plain loop: this runs once per node
        for t, a in zip(inputs, fn.input_arrays):
            if t.data is not a or t._version:
                unchanged = False
                break
    else:
        for t, a, v in zip(inputs, fn.input_arrays, versions):
            if t.data is not a or t._version != v:
                unchanged = False
                break
    if unchanged and fn.input_checksums:
        for k, c in fn.input_checksums:
            if _checksum(inputs[k].data) != c:
                unchanged = False
                break
    if unchanged:
        return
    written = {k for k, c in (fn.input_checksums or ()) if _checksum(inputs[k].data) != c}
    for k, (t, array) in enumerate(zip(inputs, fn.input_arrays)):
        before = _recorded_version(fn, k)
        if t._version != before:
            how = f"it was modified by an in-place operation (version {before} → {t._version})"
        elif t.data is not array:
            how = "its .data was replaced by another array"
        elif k in written:
            how = "its values were written directly through .data"
        else:
            continue
        where = f" at {fn.site[0]}:{fn.site[1]}" if fn.site else ""
        modified = f"; modified at {t._modified_at[0]}:{t._modified_at[1]}" if t._modified_at else (
            "; run under tg.inspect.detect_anomaly() to see the line that modified it" if t._version != before else "")
        raise RuntimeError(
            f"backward: input {k} of {fn.name} (shape {t.shape}), recorded{where}, is needed for the gradient but "
            f"{how} after {fn.name} recorded it{modified}. Change it only after backward(), or on a copy "
            "(x = x + 1 instead of x += 1)")
