"""Which elements a slice of a tensor depends on, back through the graph (its receptive field), and the couplings
between them. Dependence is structural, read off each op itself: an input entry counts when its local derivative
is non-zero here (one backward of the op finds those) or when setting it to NaN, +∞ or −∞ changes one of the chosen
outputs (a ReLU that is off here, the losers of a max pool, a weight over the padding all count), the rest probed in
groups that are halved while they still change an output, never one forward per entry. Coupling values are
∂out/∂in at the recorded values (one backward per drawn output element), so an entry that is 0 here is still an
edge, drawn as a zero."""
from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from .. import backend
from ..autograd import Function, _call_backward, no_grad
from ..tensor import Tensor

PROBES = (np.nan, np.inf, -np.inf)


class FieldTooLarge(ValueError):
    """The receptive field passes a limit: `tensor` would need more than `limit` elements (`what` says which
    limit: "per tensor" or "in all")."""

    def __init__(self, tensor: Tensor, found: int, limit: int, what: str) -> None:
        super().__init__(f"the slice depends on at least {found} elements ({what}), more than {limit}")
        self.tensor, self.found, self.limit, self.what = tensor, found, limit, what


def fresh_node(fn: Function) -> Function:
    """An unrecorded copy of the node (same class and attrs) to re-run its forward or backward on other arrays."""
    fresh = type(fn).__new__(type(fn))
    fresh.attrs = dict(fn.attrs)
    return fresh


def rerun(fn: Function, arrays: list[np.ndarray], fresh: Optional[Function] = None) -> np.ndarray:
    """The node's forward on `arrays` (on `fresh` or a new copy of the node, so the recorded graph is never touched)."""
    with no_grad(), np.errstate(all="ignore"):
        return np.asarray((fresh or fresh_node(fn)).forward(*arrays, **fn.attrs))


class Probe:
    """One Function node re-run on its recorded inputs: its forward with chosen entries of one input replaced, and its
    backward fed a chosen δ (on a fresh copy of the node, so the recorded graph is never touched)."""

    def __init__(self, fn: Function) -> None:
        self.fn = fn
        self.arrays = [t.data for t in fn.inputs]
        self._base: Optional[np.ndarray] = None

    @property
    def base(self) -> np.ndarray:
        """The output at the recorded inputs, flattened (computed on first use)."""
        if self._base is None:
            self._base = self._forward(self.arrays).ravel()
        return self._base

    def _forward(self, arrays: list[np.ndarray], fresh: Optional[Function] = None) -> np.ndarray:
        return rerun(self.fn, arrays, fresh)

    def changed(self, k: int, sources: np.ndarray, targets: np.ndarray, stop_at_first: bool,
                known: Optional[np.ndarray] = None) -> np.ndarray:
        """For each target (flat output index): does some probe value at all `sources` of input k change it? Targets
        in `known` count as changed already."""
        hit = np.zeros(len(targets), dtype=bool) if known is None else known.copy()
        base = self.base[targets]
        for value in PROBES:
            arrays = list(self.arrays)
            probed = np.array(arrays[k], copy=True)
            probed.flat[sources] = value
            arrays[k] = probed
            try:
                out = self._forward(arrays).ravel()[targets]
            except (ArithmeticError, ValueError, TypeError, IndexError):
                return np.ones(len(targets), dtype=bool)  # the op refuses the probe: count it as a dependence
            hit |= ~((out == base) | (np.isnan(out) & np.isnan(base)))
            if hit.all() or (stop_at_first and hit.any()):
                break
        return hit

    def rows(self, inputs: list[int], seeds: list[np.ndarray],
             replace: Optional[dict[int, np.ndarray]] = None) -> dict[int, list[np.ndarray]]:
        """input k → for each seed (a flat set of output entries δ = 1 there), Σ ∂out/∂input_k over them, flattened,
        at the recorded values (or with the inputs in `replace`, k → array, standing in for the recorded ones): the
        op's own backward, as the engine calls it."""
        fresh = fresh_node(self.fn)
        found: dict[int, list[np.ndarray]] = {k: [] for k in inputs}
        replace = replace or {}
        arrays = [replace.get(k, a) for k, a in enumerate(self.arrays)]
        with no_grad(), np.errstate(all="ignore"):
            out = self._forward(arrays, fresh)
            out_tensor = Tensor._make(out, False)
            fresh.inputs = tuple(Tensor._make(replace[k], False) if k in replace else t
                                 for k, t in enumerate(self.fn.inputs))
            fresh.needs_input_grad = tuple(k in inputs for k in range(len(self.fn.inputs)))
            fresh._engine_needs = fresh.needs_input_grad
            fresh._output = weakref.ref(out_tensor)
            for entries in seeds:
                seed = backend.zeros(out.shape, out)
                seed.flat[entries] = 1
                grads = _call_backward(fresh, Tensor._make(seed, False))
                for k in inputs:
                    g = grads[k]
                    found[k].append(np.zeros(self.fn.inputs[k].numel()) if g is None else
                                    np.asarray(g.data, dtype=np.float64).ravel())
        return found


def dependencies(fn: Function, k: int, targets: np.ndarray, budget: int) -> tuple[Optional[np.ndarray], int]:
    """(the sorted flat indices of input `k` of `fn` that the output entries `targets` depend on, their count), or
    (None, how many are certain) once that passes `budget`. Entries with a non-zero derivative depend for sure (one
    backward finds them); the rest are probed in groups, halved while a group still changes an output (a ReLU that
    is off, a pool's losers); disjoint groups that each change one are a lower bound on the count."""
    probe = Probe(fn)
    n = fn.inputs[k].numel()
    try:
        (summed,) = probe.rows([k], [targets])[k]
        sure = np.flatnonzero(summed != 0)  # NaN ≠ 0: a NaN derivative is a dependence too
    except (ArithmeticError, ValueError, TypeError, IndexError, RuntimeError):
        sure = np.zeros(0, dtype=np.int64)
    if len(sure) > budget:
        return None, len(sure)
    outside = np.ones(n, dtype=bool)
    outside[sure] = False
    rest = np.flatnonzero(outside)
    level = [rest] if len(rest) else []
    found: list[np.ndarray] = [sure]
    singles = 0
    while level:
        positive = [group for group in level if probe.changed(k, group, targets, stop_at_first=True).any()]
        found.extend(group for group in positive if len(group) == 1)
        singles += sum(1 for group in positive if len(group) == 1)
        certain = len(sure) + singles + sum(1 for group in positive if len(group) > 1)
        if certain > budget:
            return None, certain
        level = [half for group in positive if len(group) > 1 for half in np.array_split(group, 2)]
    every = np.sort(np.concatenate(found)).astype(np.int64)
    return every, len(every)


@dataclass
class Field:
    """The drawn elements: tensor id → sorted flat indices, the tensors in forward order, and the target."""

    target: Tensor
    elements: dict[int, np.ndarray] = field(default_factory=dict)
    tensors: list[Tensor] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.elements.values())


def receptive_field(tensors: list[Tensor], target: Tensor, chosen: np.ndarray, drawable: Callable[[Tensor], bool],
                    per_tensor: int, total: int) -> Field:
    """Every drawable element that target's `chosen` flat entries depend on, through the graph of `tensors` (forward
    order). Raises FieldTooLarge as soon as one tensor needs more than `per_tensor` elements or all of them more
    than `total`."""
    need: dict[int, np.ndarray] = {id(target): np.unique(np.asarray(chosen, dtype=np.int64))}
    if len(need[id(target)]) > per_tensor:
        raise FieldTooLarge(target, len(need[id(target)]), per_tensor, "per tensor")
    for t in reversed(tensors):
        fn = t._ctx
        if fn is None or id(t) not in need:
            continue
        targets = need[id(t)]
        for k, source in enumerate(fn.inputs):
            if not drawable(source):
                continue
            deps, certain = dependencies(fn, k, targets, per_tensor)
            if deps is None:
                raise FieldTooLarge(source, certain, per_tensor, "per tensor")
            merged = np.union1d(need.get(id(source), deps), deps)
            if len(merged) > per_tensor:
                raise FieldTooLarge(source, len(merged), per_tensor, "per tensor")
            need[id(source)] = merged
            count = sum(len(v) for v in need.values())
            if count > total:
                raise FieldTooLarge(source, count, total, "in all")
    found = Field(target)
    for t in tensors:
        if id(t) in need and len(need[id(t)]):
            found.elements[id(t)] = need[id(t)]
            found.tensors.append(t)
    return found


@dataclass(frozen=True)
class Edge:
    """∂ target element / ∂ source element (flat indices) at the recorded values; 0.0 for a structural coupling
    that is off here (a ReLU at a negative input, a max pool's loser)."""

    source: int
    source_index: int
    target: int
    target_index: int
    value: float


def couplings(found: Field) -> list[Edge]:
    """The edges between drawn elements: for each drawn op output, each drawn input entry that one of its drawn
    output entries depends on — a non-zero derivative, else a probe of that one entry — with the local derivative
    read off the op's backward at the recorded values."""
    number = {id(t): n for n, t in enumerate(found.tensors)}
    edges: list[Edge] = []
    for n, t in enumerate(found.tensors):
        fn = t._ctx
        if fn is None:
            continue
        targets = found.elements[id(t)]
        inputs = [k for k, u in enumerate(fn.inputs) if id(u) in number]
        if not inputs:
            continue
        probe = Probe(fn)
        rows = probe.rows(inputs, [np.array([i]) for i in targets])
        summed: dict[tuple[int, int, int], float] = {}
        for k in inputs:
            source = fn.inputs[k]
            sources = found.elements[id(source)]
            local = np.stack([row[sources] for row in rows[k]])  # targets × sources
            for col, j in enumerate(sources):
                hit = local[:, col] != 0
                if not hit.all():
                    hit = probe.changed(k, np.array([j]), targets, stop_at_first=False, known=hit)
                for i in np.flatnonzero(hit):
                    key = (number[id(source)], int(j), int(targets[i]))
                    summed[key] = summed.get(key, 0.0) + float(local[i, col])
        edges.extend(Edge(s, j, n, i, v) for (s, j, i), v in summed.items())
    return edges
