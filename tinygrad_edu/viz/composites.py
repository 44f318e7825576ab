"""Functional compositions (cross_entropy, linear, batch_norm, … marked by `autograd.composite`) as one node:
which recorded primitives make up each call, what the call reads and returns, and its own rule — so the
graph and the stepper show `cross_entropy` with δ = softmax(u) − y instead of LogSoftmax, GetItem, Neg, Sum, Div."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Optional, Sequence, Union

from ..autograd import COMPOSITE, Function, composite_rules
from ..graph import CallScope, call_name, call_scopes
from ..tensor import Tensor

ExpandSpec = Union[bool, str, Sequence[str], None]


@dataclass(eq=False)
class CompositeCall:
    """One call of a composition: its primitives in forward order, the tensors it reads from outside (`reads`, in
    argument order; `inputs`: all but the one-entry constants written in its code, such as a mean's 1/N)
    and the one it returns (`output`). Duck-types the parts of a Function the readers use
    (`name`, `rule_unicode`, `rule_latex`, `inputs`, `scope`, `site`, `attrs`)."""

    name: str
    scope: tuple[tuple[str, str], ...]
    call_scope: CallScope
    members: list[Function] = field(default_factory=list)
    inputs: tuple[Tensor, ...] = ()
    reads: tuple[Tensor, ...] = ()
    output: Optional[Tensor] = None

    @property
    def rule_unicode(self) -> str:
        return composite_rules.get(self.name, ("", ""))[0]

    @property
    def rule_latex(self) -> str:
        return composite_rules.get(self.name, ("", ""))[1]

    @property
    def label(self) -> str:
        """`cross_entropy`, or `cross_entropy#2` for the second call at the same place."""
        return call_name(self.call_scope[-1])

    @property
    def site(self) -> Optional[tuple[str, int]]:
        return self.members[-1].site if self.members else None

    @property
    def attrs(self) -> dict[str, Any]:
        return {}

    @property
    def needs_input_grad(self) -> tuple[bool, ...]:
        return tuple(t.requires_grad for t in self.inputs)

    def __repr__(self) -> str:
        return f"CompositeCall({self.label}, {len(self.members)} primitives)"


def is_expanded(expand: ExpandSpec, name: str) -> bool:
    """Whether the composition `name` is expanded into its primitives (`expand`: True for all, names for some)."""
    if expand is None or expand is False:
        return False
    if expand is True:
        return True
    return name in ({expand} if isinstance(expand, str) else set(expand))


def composite_depth(scope: tuple) -> Optional[int]:
    """Index of the outermost composition entry in a scope, or None."""
    for depth, entry in enumerate(scope):
        if entry[1].startswith(COMPOSITE):
            return depth
    return None


def composite_calls(functions: Iterable[Function], root: Tensor, expand: ExpandSpec = False,
                    scopes: Optional[dict[int, CallScope]] = None) -> dict[int, CompositeCall]:
    """id(Function) → the CompositeCall it belongs to, for the outermost composition calls among `functions`
    (forward order) that are not expanded and return exactly one tensor (a call with two outputs stays expanded)."""
    functions = list(functions)
    if expand is not None and not isinstance(expand, (bool, str)):
        expand = list(expand)
    scopes = call_scopes(functions) if scopes is None else scopes
    groups: dict[tuple, CompositeCall] = {}
    for fn in functions:
        depth = composite_depth(fn.scope)
        if depth is None:
            continue
        name = fn.scope[depth][0]
        if is_expanded(expand, name):
            continue
        key = scopes[id(fn)][:depth + 1]
        call = groups.get(key)
        if call is None:
            call = groups[key] = CompositeCall(name, fn.scope[:depth + 1], key)
        call.members.append(fn)
    owner: dict[int, CompositeCall] = {}
    for call in groups.values():
        if _close(call, functions, root):
            owner.update({id(fn): call for fn in call.members})
    return owner


def _close(call: CompositeCall, functions: list[Function], root: Tensor) -> bool:
    """Fill in the call's inputs and output; False when it returns more than one tensor (or none)."""
    inside = {id(fn) for fn in call.members}
    made = {}
    for fn in call.members:
        out = fn._output()
        if out is not None:
            made[id(out)] = out
    used_outside = {id(t) for fn in functions if id(fn) not in inside for t in fn.inputs}
    outputs = [t for key, t in made.items() if key in used_outside or t is root]
    if len(outputs) != 1:
        return False
    call.output = outputs[0]
    call.reads = _reads(call.output, inside)
    call.inputs = tuple(t for t in call.reads if t.requires_grad or t.name or t._ctx is not None or t.numel() > 1)
    return True


def _reads(output: Tensor, inside: set[int]) -> tuple[Tensor, ...]:
    """The tensors from outside that the call's primitives read, in the order the call's arguments would be
    written (a depth-first walk from its result, each op's inputs in argument order: x, W, b for linear)."""
    found: dict[int, Tensor] = {}
    visited: set[int] = set()
    stack = [output]
    while stack:
        t = stack.pop()
        if id(t) in visited:
            continue
        visited.add(id(t))
        if t._ctx is None or id(t._ctx) not in inside:
            found[id(t)] = t
            continue
        stack.extend(reversed(t._ctx.inputs))
    return tuple(found.values())
