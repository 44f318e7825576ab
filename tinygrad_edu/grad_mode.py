"""Grad mode and anomaly mode: the thread-local switches every op reads (`no_grad`, `enable_grad`,
`set_grad_enabled` as in PyTorch; anomaly mode remembers where in-place changes happened)."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator


class _GradMode(threading.local):
    enabled = True


class _AnomalyMode(threading.local):
    depth = 0


_grad_mode = _GradMode()
_anomaly_mode = _AnomalyMode()


def anomaly_mode_enabled() -> bool:
    """True inside inspect.detect_anomaly(): in-place changes then remember the user line that made them."""
    return _anomaly_mode.depth > 0


@contextmanager
def anomaly_mode() -> Iterator[None]:
    _anomaly_mode.depth += 1
    try:
        yield
    finally:
        _anomaly_mode.depth -= 1


def is_grad_enabled() -> bool:
    return _grad_mode.enabled


@contextmanager
def _set_grad_enabled(enabled: bool) -> Iterator[None]:
    previous = _grad_mode.enabled
    _grad_mode.enabled = enabled
    try:
        yield
    finally:
        _grad_mode.enabled = previous


class _GradModeContext:
    """Usable as `with tg.no_grad():` and as a decorator, like PyTorch's."""

    enabled: bool

    def __enter__(self) -> None:
        self._previous = _grad_mode.enabled
        _grad_mode.enabled = self.enabled

    def __exit__(self, *exc: Any) -> None:
        _grad_mode.enabled = self._previous

    def __call__(self, fn: Callable) -> Callable:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            with type(self)():
                return fn(*args, **kwargs)

        wrapped.__name__ = getattr(fn, "__name__", "wrapped")
        wrapped.__doc__ = fn.__doc__
        return wrapped


class no_grad(_GradModeContext):
    """Ops run inside record no graph (thread-local)."""

    enabled = False


class enable_grad(_GradModeContext):
    """Ops run inside record the graph again, e.g. inside a `no_grad` block (thread-local)."""

    enabled = True


class set_grad_enabled(_GradModeContext):
    """`set_grad_enabled(mode)`: a context (or a decorator) with recording on or off, as PyTorch's."""

    def __init__(self, mode: bool) -> None:
        self.enabled = bool(mode)

    def __call__(self, fn: Callable) -> Callable:
        mode = self.enabled

        def wrapped(*args: Any, **kwargs: Any) -> Any:
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)

        wrapped.__name__ = getattr(fn, "__name__", "wrapped")
        return wrapped
