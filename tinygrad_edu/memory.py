"""Refuse an array the machine cannot hold before NumPy allocates it: a clear error naming the op, the shape
and the byte count, instead of a MemoryError deep inside NumPy or the kernel's out-of-memory killer."""
from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any, Optional, Sequence

import numpy as np

from .errors import ShapeError


class AllocationError(ShapeError, MemoryError):
    """An array needs more bytes than the machine has available (RuntimeError as PyTorch's allocator,
    MemoryError as NumPy's, ValueError as the library's other size errors); `.needed`, `.available` in bytes."""

    def __init__(self, message: str, needed: int = 0, available: int = 0) -> None:
        super().__init__(message)
        self.needed, self.available = needed, available


def _meminfo_bytes() -> Optional[int]:
    """MemAvailable + SwapFree from /proc/meminfo (Linux), in bytes."""
    try:
        fields = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines() if ":" in line)
        return sum(int(fields[k].split()[0]) * 1024 for k in ("MemAvailable", "SwapFree") if k in fields) or None
    except (OSError, ValueError):
        return None


def _cgroup_bytes() -> Optional[int]:
    """What the container's memory limit still allows (cgroup v2, then v1), or None without a limit."""
    for limit, usage in (("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
                         ("/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes")):
        try:
            cap = Path(limit).read_text().strip()
            if cap == "max" or int(cap) >= 1 << 60:
                return None
            return int(cap) - int(Path(usage).read_text().strip())
        except (OSError, ValueError):
            continue
    return None


def available_bytes() -> Optional[int]:
    """Bytes a new array can take now: /proc/meminfo (and the cgroup limit), else os.sysconf; None if unknown."""
    candidates = [b for b in (_meminfo_bytes(), _cgroup_bytes()) if b is not None]
    if not candidates:
        try:
            candidates = [os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")]
        except (ValueError, OSError, AttributeError):
            return None
    return max(0, min(candidates))


def _human(n: int) -> str:
    for unit, size in (("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} B"


def nbytes(shape: Sequence[int], dtype: Any) -> int:
    """Bytes of a C-contiguous array of this shape and dtype, in exact Python integers (no int64 overflow)."""
    return math.prod(int(s) for s in shape) * np.dtype(dtype).itemsize


def check_allocation(op: str, shape: Sequence[int], dtype: Any, available: Optional[int] = None) -> int:
    """The bytes an array of `shape` and `dtype` needs; raises AllocationError when that exceeds the memory
    available (`available`, default: what the machine reports now). Call before np.empty/np.zeros."""
    need = nbytes(shape, dtype)
    have = available_bytes() if available is None else available
    if have is not None and need > have:
        raise AllocationError(f"{op}: an array of shape {tuple(int(s) for s in shape)} and dtype {np.dtype(dtype)} "
                              f"needs {need:,} bytes ({_human(need)}), more than the {have:,} bytes ({_human(have)}) "
                              f"of memory available", need, have)
    return need
