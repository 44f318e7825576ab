"""Which nn.Module call or functional composite is recording now: ops recorded inside carry it as
`fn.scope` (qualified name, kind) and `fn.scope_calls` (one number per call), which viz and the stepper group by."""
from __future__ import annotations

import functools
import itertools
import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from .grad_mode import _grad_mode


class _ModuleScope(threading.local):
    """The nn.Module calls (and composite functional calls) now running, outermost first, as (qualified name,
    class name) pairs, and a process-wide number for each call (two calls of one module differ there)."""

    current: tuple[tuple[str, str], ...] = ()
    calls: tuple[int, ...] = ()


_module_scope = _ModuleScope()
_call_numbers = itertools.count(1)
COMPOSITE = "composite:"
#: rule texts of the functional compositions (name → (unicode, latex)), for readers that draw one as one node
composite_rules: dict[str, tuple[str, str]] = {}


@contextmanager
def module_scope(name: str, kind: str) -> Iterator[None]:
    """Ops recorded inside carry this module in `fn.scope` and this call's number in `fn.scope_calls`
    (viz draws one cluster per module call)."""
    previous = enter_scope((name, kind))
    try:
        yield
    finally:
        exit_scope(previous)


def enter_scope(entry: tuple[str, str]) -> tuple:
    """module_scope's entry without a context manager (Module.__call__ and @composite run it for every call):
    push (name, kind) with a new call number; returns what exit_scope(previous) restores."""
    scope = _module_scope
    previous = (scope.current, scope.calls)
    scope.current = previous[0] + (entry,)
    scope.calls = previous[1] + (next(_call_numbers),)
    return previous


def exit_scope(previous: tuple) -> None:
    _module_scope.current, _module_scope.calls = previous


def composite(name: str, rule_unicode: str, rule_latex: str) -> Callable[[Callable], Callable]:
    """Mark a functional composition (cross_entropy, linear, batch_norm, ...): the primitives one call records
    carry the scope (name, "composite:" + name), so readers can draw and step the call as one node with the
    composite's own rule (e.g. δ = softmax(u) − y) and expand it into its primitives on demand."""
    composite_rules[name] = (rule_unicode, rule_latex)

    entry = (name, COMPOSITE + name)

    def decorate(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def recorded(*args: Any, **kwargs: Any) -> Any:
            if not _grad_mode.enabled:
                return fn(*args, **kwargs)
            previous = enter_scope(entry)
            try:
                return fn(*args, **kwargs)
            finally:
                exit_scope(previous)

        return recorded

    return decorate


def current_scope() -> tuple[tuple[str, str], ...]:
    return _module_scope.current
