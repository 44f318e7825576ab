"""Scratch arrays reused from one kernel call to the next: a convolution's column matrices, frames and padded
copies are megabytes each and have the same sizes at every training step. Allocated fresh, each one is mapped
anew by malloc and faulted in page by page (a LeNet-5 step at batch 64: ~1,700 page faults, ≈ 6 ms of a 15 ms
step); borrowed from here they are written in place. Per thread and bounded in bytes.

Only for arrays that never leave the kernel that borrows them: a `Workspace` takes its buffers back when its
`with` block ends, so a kernel's results are always fresh arrays. A kernel decorated with `borrowing` runs inside
a workspace of its own, and `empty`/`zeros` below borrow from the innermost one (plain NumPy outside any).
"""
from __future__ import annotations

import functools
import math
import threading
from typing import Any, Callable

import numpy as np

#: smaller arrays come from NumPy's own small-block cache or malloc's heap without faults: not worth keeping
MIN_BYTES = 256 * 1024
#: what one thread keeps between calls at most (the largest buffers of a LeNet-5 or CIFAR-style step fit)
MAX_BYTES = 128 * 1024 * 1024


class _Pool(threading.local):
    """Free byte buffers, least recently returned first, their total size, and the workspaces of the `borrowing`
    kernels now running (innermost last)."""

    def __init__(self) -> None:
        self.free: list[np.ndarray] = []
        self.bytes = 0
        self.active: list[Workspace] = []


_pool = _Pool()


class Workspace:
    """`with Workspace() as ws:` hands out `ws.empty(shape, dtype)` and `ws.zeros(shape, dtype)`; every buffer
    goes back to this thread's pool when the block ends (so nothing borrowed may be kept after it)."""

    def __init__(self) -> None:
        self._lent: list[np.ndarray] = []

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *exc: Any) -> None:
        pool = _pool
        pool.free.extend(self._lent)
        pool.bytes += sum(buffer.nbytes for buffer in self._lent)
        self._lent.clear()
        while pool.bytes > MAX_BYTES:
            pool.bytes -= pool.free.pop(0).nbytes

    def empty(self, shape: Any, dtype: Any) -> np.ndarray:
        """An array of `shape` and `dtype` with whatever an earlier call left in it (as np.empty): the front of
        the most recently returned buffer that holds it without wasting more than its size, as malloc would hand
        out the block freed last (still in the cache: a pool by exact size lent each buffer cold, once a step,
        LeNet-5's weight gradients 0.3 ms slower), else a new one."""
        shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
        dtype = np.dtype(dtype)
        nbytes = math.prod(shape) * dtype.itemsize
        if nbytes < MIN_BYTES or dtype.hasobject:
            return np.empty(shape, dtype)
        pool = _pool
        free = pool.free
        for k in range(len(free) - 1, -1, -1):
            if nbytes <= free[k].nbytes <= 2 * nbytes:
                buffer = free.pop(k)
                pool.bytes -= buffer.nbytes
                break
        else:
            buffer = _new_buffer(nbytes)
        self._lent.append(buffer)
        return buffer[:nbytes].view(dtype).reshape(shape)

    def zeros(self, shape: Any, dtype: Any) -> np.ndarray:
        """An array of `shape` and `dtype` filled with zeros (as np.zeros)."""
        out = self.empty(shape, dtype)
        out.fill(0)
        return out


def _new_buffer(nbytes: int) -> np.ndarray:
    """A buffer for the pool. An array of the same size is made and freed first: glibc's malloc serves a large
    block by mmap until it has freed one that large, and then raises its threshold to that size (mallopt(3),
    "dynamic mmap threshold"). Without the pool the kernels' buffers are freed every call and do that; kept in the
    pool they never would, and every array above 128 KiB (a conv's output, ReLU's) would be mapped anew and
    faulted in page by page (a LeNet-5 step: 1,700 faults, 12.7 ms against 8.6). The probe is never touched, so it
    costs a map and an unmap, no page."""
    probe = np.empty(nbytes, np.uint8)
    del probe
    return np.empty(nbytes, np.uint8)


def borrowing(kernel: Callable) -> Callable:
    """Run `kernel` inside a workspace of its own: `empty` and `zeros` in it (and in what it calls) borrow."""
    @functools.wraps(kernel)
    def run(*args: Any, **kwargs: Any) -> Any:
        with Workspace() as ws:
            active = _pool.active
            active.append(ws)
            try:
                return kernel(*args, **kwargs)
            finally:
                active.pop()

    return run


def empty(shape: Any, dtype: Any) -> np.ndarray:
    """np.empty, borrowed from the running kernel's workspace (never part of what the kernel returns)."""
    active = _pool.active
    return active[-1].empty(shape, dtype) if active else np.empty(shape, dtype)


def zeros(shape: Any, dtype: Any) -> np.ndarray:
    """np.zeros, borrowed from the running kernel's workspace (never part of what the kernel returns)."""
    active = _pool.active
    return active[-1].zeros(shape, dtype) if active else np.zeros(shape, dtype)


def cached_bytes() -> int:
    """The bytes this thread's pool keeps for the next call."""
    return _pool.bytes


def release() -> None:
    """Give this thread's cached buffers back to the allocator (e.g. after training, before other work)."""
    _pool.free.clear()
    _pool.bytes = 0
