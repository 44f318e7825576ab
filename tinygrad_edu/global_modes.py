"""Global switches under torch's names: inference_mode (no_grad that also marks the tensors made inside it, so
Tensor.is_inference() answers as torch's), use_deterministic_algorithms (every op here is deterministic; the flag is
stored and reported honestly), and the BLAS thread count behind NumPy's matrix products (get/set_num_threads, through
threadpoolctl when it is installed)."""
from __future__ import annotations

import functools
import os
import threading
import weakref
from typing import Any, Callable, Optional

from . import grad_mode
from .errors import ArgumentTypeError, ShapeError
from .tensor import Tensor


class _InferenceMode(threading.local):
    enabled = False


_inference = _InferenceMode()
#: tensors made inside inference mode, id → weak reference (Tensor has a __weakref__ slot but no room for a flag;
#: not a WeakSet, whose lookups compare tensors with ==). Marking costs nothing outside inference mode: the marking
#: constructors below are installed only while a block is open
_made_in_inference: dict[int, weakref.ref] = {}
_open_blocks = 0
_lock = threading.Lock()
_plain_make = Tensor.__dict__["_make"]
_plain_init = Tensor.__init__


def _mark(t: Tensor) -> None:
    key = id(t)
    _made_in_inference[key] = weakref.ref(t, lambda _, key=key: _made_in_inference.pop(key, None))


def _marking_make(cls: type, data: Any, requires_grad: bool) -> Tensor:
    t = _plain_make.__func__(cls, data, requires_grad)
    if _inference.enabled:
        _mark(t)
    return t


def _marking_init(self: Tensor, *args: Any, **kwargs: Any) -> None:
    _plain_init(self, *args, **kwargs)
    if _inference.enabled:
        _mark(self)


def _open() -> None:
    global _open_blocks
    with _lock:
        if _open_blocks == 0:
            Tensor._make, Tensor.__init__ = classmethod(_marking_make), _marking_init
        _open_blocks += 1


def _close() -> None:
    global _open_blocks
    with _lock:
        _open_blocks -= 1
        if _open_blocks == 0:
            Tensor._make, Tensor.__init__ = _plain_make, _plain_init


class inference_mode:
    """`with tg.inference_mode():` (or `@tg.inference_mode()`): no graph is recorded and the tensors made inside
    are inference tensors (Tensor.is_inference()); inference_mode(False) switches both back (grad enabled), as
    torch's. Thread-local."""

    def __new__(cls, mode: Any = True) -> Any:
        if callable(mode):  # used bare, @tg.inference_mode, as torch allows
            return cls()(mode)
        return super().__new__(cls)

    def __init__(self, mode: bool = True) -> None:
        if not isinstance(mode, bool):
            raise TypeError(f"inference_mode: argument 'mode' must be bool, not {type(mode).__name__} ({mode!r})")
        self.mode = mode

    def __enter__(self) -> None:
        self._previous = (_inference.enabled, grad_mode._grad_mode.enabled)
        _open()
        _inference.enabled, grad_mode._grad_mode.enabled = self.mode, not self.mode

    def __exit__(self, *exc: Any) -> None:
        _inference.enabled, grad_mode._grad_mode.enabled = self._previous
        _close()

    def __call__(self, fn: Callable) -> Callable:
        mode = self.mode

        @functools.wraps(fn)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            with inference_mode(mode):
                return fn(*args, **kwargs)

        return wrapped


def is_inference_mode_enabled() -> bool:
    """True inside an inference_mode() block (of this thread)."""
    return _inference.enabled


def is_inference(self: Tensor) -> bool:
    """Tensor.is_inference(): whether the tensor was made inside inference_mode()."""
    ref = _made_in_inference.get(id(self))
    return ref is not None and ref() is self


class _Deterministic:
    mode = False
    warn_only = False


_deterministic = _Deterministic()


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Ask for deterministic algorithms only, as torch's; every op of this library already is (NumPy on the CPU, no
    atomics), so nothing changes but the flag are_deterministic_algorithms_enabled() reports."""
    for name, value in (("mode", mode), ("warn_only", warn_only)):
        if not isinstance(value, bool):
            raise TypeError(f"use_deterministic_algorithms: argument '{name}' must be bool, not "
                            f"{type(value).__name__} ({value!r})")
    _deterministic.mode, _deterministic.warn_only = mode, warn_only


def are_deterministic_algorithms_enabled() -> bool:
    return _deterministic.mode


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    return _deterministic.warn_only


def _blas_pools() -> Optional[list]:
    """threadpoolctl's description of the BLAS pools NumPy loaded, or None without threadpoolctl."""
    try:
        import threadpoolctl
    except ImportError:
        return None
    return [p for p in threadpoolctl.threadpool_info() if p.get("user_api") == "blas"]


def get_num_threads() -> int:
    """The threads NumPy's BLAS uses for matrix products (threadpoolctl's report; os.cpu_count() without it)."""
    pools = _blas_pools()
    if pools:
        return max(int(p["num_threads"]) for p in pools)
    return os.cpu_count() or 1


_limits: list = []


def set_num_threads(n: int) -> None:
    """Limit NumPy's BLAS to n threads (through threadpoolctl, which must be installed: without it the BLAS thread
    count cannot be changed after NumPy has loaded, so this refuses rather than pretend)."""
    if isinstance(n, bool) or not isinstance(n, int):
        # both TypeError and RuntimeError (torch's "set_num_threads expects an int")
        raise ArgumentTypeError(f"set_num_threads: argument 'n' must be int, not {type(n).__name__} ({n!r})")
    if n <= 0:  # ValueError as before, RuntimeError as torch's
        raise ShapeError(f"set_num_threads: expects a positive integer, got {n}")
    try:
        import threadpoolctl
    except ImportError:
        raise RuntimeError("set_num_threads: needs threadpoolctl (pip install threadpoolctl) to change the BLAS "
                           "thread count of a running NumPy; or set OMP_NUM_THREADS before starting Python") from None
    _limits[:] = [threadpoolctl.threadpool_limits(limits=n, user_api="blas")]
