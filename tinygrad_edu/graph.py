"""Reading a recorded graph, shared by its readers (viz, inspect, symbolic): the tensors a result depends
on in forward order, the names a model gives its parameters, the user's variable names and module outputs.
Ops never import this."""
from __future__ import annotations

import sys
from typing import Any, Iterable, Mapping, Optional

from .autograd import COMPOSITE, is_engine_file
from .tensor import Tensor


def forward_order(root: Tensor) -> list[Tensor]:
    """Every tensor `root` depends on (constants included), each before the tensors it feeds, an op's
    inputs in argument order (iterative DFS: chains deeper than the recursion limit are fine)."""
    order: list[Tensor] = []
    visited: set[int] = set()
    stack: list[tuple[Tensor, bool]] = [(root, False)]
    while stack:
        t, done = stack.pop()
        if done:
            order.append(t)
            continue
        if id(t) in visited:
            continue
        visited.add(id(t))
        stack.append((t, True))
        if t._ctx is not None:
            stack.extend((parent, False) for parent in reversed(t._ctx.inputs) if id(parent) not in visited)
    return order


def parameter_names(source: Any, reader: str = "graph") -> dict[int, str]:
    """Tensor id → qualified name, from a Module (its parameters and buffers) or a mapping name → Tensor;
    `reader` names the caller in the error for anything else."""
    if source is None:
        return {}
    if hasattr(source, "named_parameters"):
        names = {id(p): n for n, p in source.named_parameters()}
        names.update({id(b): n for n, b in source.named_buffers()})
        return names
    if isinstance(source, Mapping):
        return {id(t): str(n) for n, t in source.items()}
    raise TypeError(f"{reader}: names must be a Module or a mapping name → Tensor, got {type(source).__name__}")


def variable_names(namespace: Optional[Mapping[str, Any]]) -> dict[int, str]:
    """Tensor id → the name of a variable holding it in `namespace` (a frame's locals, a script's globals);
    private names (`_x`) are skipped and the first name bound to a tensor wins."""
    found: dict[int, str] = {}
    for key, value in (namespace or {}).items():
        if isinstance(value, Tensor) and isinstance(key, str) and not key.startswith("_") and id(value) not in found:
            found[id(value)] = key
    return found


def caller_variables() -> dict[int, str]:
    """Tensor id → variable name in the innermost frame outside the library (the code that asked for the view):
    its locals, then its module's globals. Read when a view is built, so `loss = ...` shows as "loss"."""
    frame = sys._getframe(1)
    while frame is not None and is_engine_file(frame.f_code.co_filename):
        frame = frame.f_back
    if frame is None:
        return {}
    names = variable_names(frame.f_globals)
    names.update(variable_names(frame.f_locals))
    return names


CallScope = tuple[tuple[str, str, int], ...]
"""A Function's module path with each call numbered: (qualified name, class or "composite:name", k) where k is 1, 2,
… among the calls of that module at that place in one graph, in call order (two calls of c1: c1 and c1#2)."""


def _call_numbers(fn: Any) -> tuple[int, ...]:
    calls = tuple(getattr(fn, "scope_calls", ()) or ())
    return calls if len(calls) == len(fn.scope) else (0,) * len(fn.scope)


def call_scopes(functions: Iterable[Any]) -> dict[int, CallScope]:
    """id(Function) → its CallScope: `fn.scope` with every module (or composite) call numbered by `fn.scope_calls`
    among the calls of the same module path, so one graph's two calls of a module are told apart."""
    functions = list(functions)
    seen: dict[tuple[tuple[str, str], ...], set[int]] = {}
    for fn in functions:
        for depth, number in enumerate(_call_numbers(fn)):
            seen.setdefault(fn.scope[:depth + 1], set()).add(number)
    rank = {(path, number): k + 1 for path, numbers in seen.items() for k, number in enumerate(sorted(numbers))}
    out: dict[int, CallScope] = {}
    for fn in functions:
        numbers = _call_numbers(fn)
        out[id(fn)] = tuple((name, kind, rank[(fn.scope[:depth + 1], numbers[depth])])
                            for depth, (name, kind) in enumerate(fn.scope))
    return out


def call_name(entry: tuple[str, str, int]) -> str:
    """`c1`, `c1#2` for the second call of c1 (a root model without a name: its class)."""
    name, kind, k = entry
    stem = name or kind
    return stem if k <= 1 else f"{stem}#{k}"


def is_composite(entry: tuple) -> bool:
    """True for a functional composition's scope entry (autograd.composite), False for an nn.Module call."""
    return entry[1].startswith(COMPOSITE)


def module_output_names(tensors: Iterable[Tensor]) -> dict[int, str]:
    """Tensor id → "c1.out" for a tensor computed inside a module call and used outside it (or the root): the
    output of the innermost module call it leaves; the second call of c1 gives c1.out#2, a call's second output
    c1.out[1]. Compositions (cross_entropy, linear) name an output only when it leaves no module call."""
    tensors = list(tensors)
    functions = [t._ctx for t in tensors if t._ctx is not None]
    scopes = call_scopes(functions)
    users: dict[int, list[CallScope]] = {}
    for fn in functions:
        for parent in fn.inputs:
            users.setdefault(id(parent), []).append(scopes[id(fn)])
    names: dict[int, str] = {}
    outputs: dict[CallScope, int] = {}
    for t in tensors:
        scope = scopes[id(t._ctx)] if t._ctx is not None else ()
        consumers = users.get(id(t), [])
        left = [depth for depth in range(len(scope), 0, -1)
                if not consumers or any(c[:depth] != scope[:depth] for c in consumers)]
        modules = [depth for depth in left if not is_composite(scope[depth - 1])]
        if not left:
            continue
        depth = modules[0] if modules else left[0]
        call = scope[:depth]
        k = outputs[call] = outputs.get(call, 0) + 1
        name, kind, number = call[-1]
        stem = f"{name or kind.removeprefix(COMPOSITE)}.out"
        names[id(t)] = (stem if number <= 1 else f"{stem}#{number}") + (f"[{k - 1}]" if k > 1 else "")
    return names
