"""Module calls as nested clusters: which module call owns each node (from `fn.scope` and `fn.scope_calls`: one
cluster per call), which calls are collapsed to one node, and the automatic collapse (deepest modules first) of
graphs too big to read."""
from __future__ import annotations

from typing import Callable, Iterable, Optional, Sequence, Union

from ..graph import call_name, is_composite

Scope = tuple[tuple, ...]
"""A module path: (name, kind) pairs, or (name, kind, k) triples when each call is numbered (graph.CallScope)."""
CollapseSpec = Union[None, bool, str, Sequence[str]]


def cluster_label(scope: Scope) -> str:
    """`features.0: Conv2d` as in named_modules, `c1#2: Conv2d` for a module's second call, the root model ("" name)
    by its class alone, a composition by its function name (`cross_entropy`)."""
    entry = scope[-1]
    name, kind = entry[0], entry[1]
    shown = call_name(entry) if len(entry) > 2 else (name or kind)
    if is_composite(entry):
        return shown
    return f"{shown}: {kind}" if name else shown


def outermost_composites(scopes: Iterable[Scope]) -> set[Scope]:
    """The composition calls not inside another composition (each one node unless expanded)."""
    return {s for s in scopes if is_composite(s[-1]) and not any(is_composite(e) for e in s[:-1])}


def common_scope(scopes: Iterable[Scope]) -> Scope:
    """The longest scope prefix shared by all (the innermost module call enclosing every user)."""
    scopes = list(scopes)
    if not scopes:
        return ()
    first = scopes[0]
    n = len(first)
    for s in scopes[1:]:
        n = min(n, len(s))
        for i in range(n):
            if s[i] != first[i]:
                n = i
                break
    return first[:n]


def all_scopes(owners: Iterable[Scope]) -> set[Scope]:
    """Every module call that owns a node or encloses one that does."""
    found: set[Scope] = set()
    for scope in owners:
        for depth in range(1, len(scope) + 1):
            found.add(scope[:depth])
    return found


def chosen(spec: CollapseSpec, scopes: set[Scope]) -> set[Scope]:
    """The module calls `collapse=` names: True = every call but the root model's, a list = calls whose
    qualified name or class name is listed."""
    if spec is None or spec is False:
        return set()
    if spec is True:
        return {s for s in scopes if s[-1][0] != "" or len(s) > 1}
    wanted = {spec} if isinstance(spec, str) else set(spec)
    picked = {s for s in scopes if s[-1][0] in wanted or s[-1][1] in wanted}
    unknown = wanted - {s[-1][0] for s in picked} - {s[-1][1] for s in picked}
    if unknown:
        names = sorted({s[-1][0] or s[-1][1] for s in scopes})
        raise ValueError(f"viz.draw: collapse={sorted(unknown)} names no module call in this graph; "
                         f"the module calls are {names}")
    return picked


def owner_after_collapse(scope: Scope, collapsed: set[Scope]) -> Optional[Scope]:
    """The outermost collapsed module call enclosing `scope`, or None if it stays expanded."""
    for depth in range(1, len(scope) + 1):
        if scope[:depth] in collapsed:
            return scope[:depth]
    return None


def auto_collapse(scopes: set[Scope], count: Callable[[set[Scope]], int], max_nodes: int) -> set[Scope]:
    """Collapse whole levels of module calls, deepest first, until at most `max_nodes` nodes remain
    (or only the root model is left expanded)."""
    collapsed: set[Scope] = set()
    if count(collapsed) <= max_nodes:
        return collapsed
    candidates = chosen(True, scopes)
    for depth in sorted({len(s) for s in candidates}, reverse=True):
        collapsed |= {s for s in candidates if len(s) == depth}
        if count(collapsed) <= max_nodes:
            break
    return collapsed
