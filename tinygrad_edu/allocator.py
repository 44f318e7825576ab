"""Keep freed large buffers for reuse (glibc's malloc). A training step frees and re-allocates the same tens
of megabytes of im2col columns every time; by default glibc hands such blocks back to the OS and then faults
them in again page by page (about 2,500 page faults, a fifth of a conv step). Raising malloc's mmap and trim
thresholds keeps them in the heap, as PyTorch's own CPU allocator avoids the same cost. It changes malloc for
the whole process, so it is opt-in: a training loop calls keep_freed_memory() (tinygrad-edu train does), or
TINYGRAD_EDU_KEEP_MEMORY=1 turns it on at import; TINYGRAD_EDU_KEEP_MEMORY=0 keeps it off even when called.
Other C libraries are left alone."""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import platform

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MiB = 1 << 20


def keep_freed_memory(mmap_threshold: int = 64 * MiB, trim_threshold: int = 256 * MiB) -> bool:
    """Serve blocks under `mmap_threshold` from the heap and keep up to `trim_threshold` of freed heap;
    True if glibc took both settings."""
    if os.environ.get("TINYGRAD_EDU_KEEP_MEMORY", "1") == "0" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(M_MMAP_THRESHOLD, mmap_threshold)) and bool(libc.mallopt(M_TRIM_THRESHOLD, trim_threshold))
    except (OSError, AttributeError):
        return False


def keep_freed_memory_if_asked() -> bool:
    """At import: only when the environment variable TINYGRAD_EDU_KEEP_MEMORY=1 asks for it."""
    return os.environ.get("TINYGRAD_EDU_KEEP_MEMORY") == "1" and keep_freed_memory()
