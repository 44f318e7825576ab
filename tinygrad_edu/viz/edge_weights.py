"""Which weight element a coupling of a sliced scalar view is: through conv2d, linear or a matmul, ∂out[i]/∂in[j]
is one entry of the kernel (c1.weight[0,0,2,3]). Its index is read off the op's own backward, run once per drawn
output element with each weight replaced by codes (T + its entry's number, T the number of weight entries the op
reads through any Wᵀ or reshape): a coupling whose derivative is one of those codes is that entry. No index formula
per op (stride, padding, dilation, groups, Wᵀ all come for free) and no SymPy; a derivative that is no code (a bias
add's 1, a sum or product of entries) or whose entry does not hold the coupling's value stays a plain number."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from ..tensor import Tensor
from .receptive_field import Edge, Field, Probe, rerun

EXACT_FLOAT32 = 2 ** 24
"""Codes below this are exact integers in float32; past it they are made float64."""


@dataclass(frozen=True)
class WeightEntry:
    """The weight (a Parameter or another leaf weight) and the flat index of the entry a coupling equals."""

    weight: Tensor
    index: int


def _leaves(t: Tensor, weights: set[int]) -> list[Tensor]:
    """The leaf weights a weight tensor is computed from (itself when it is one), in first-seen order."""
    found: dict[int, Tensor] = {}
    stack = [t]
    while stack:
        u = stack.pop()
        if u._ctx is None:
            found.setdefault(id(u), u)
        else:
            stack.extend(v for v in reversed(u._ctx.inputs) if id(v) in weights)
    return list(found.values())


def _coded(t: Tensor, weights: set[int], codes: dict[int, np.ndarray]) -> Optional[np.ndarray]:
    """The codes of a weight tensor: a leaf's from `codes`, a computed one's (Wᵀ, a reshaped kernel) by re-running the
    ops that made it on its inputs' codes (inputs that are no weight keep their values); None if an op refuses."""
    if id(t) in codes:
        return codes[id(t)]
    fn = t._ctx
    if fn is None:
        return None
    arrays = []
    for u in fn.inputs:
        arrays.append(_coded(u, weights, codes) if id(u) in weights else u.data)
        if arrays[-1] is None:
            return None
    try:
        out = rerun(fn, arrays)
    except (ArithmeticError, ValueError, TypeError, IndexError, AttributeError):
        return None
    if out.shape != t.shape:
        return None
    codes[id(t)] = out
    return out


def weight_entries(found: Field, edges: list[Edge], weights: set[int]) -> dict[tuple[int, int, int, int], WeightEntry]:
    """(source, source_index, target, target_index) of an edge → the weight entry its value is, for the edges into
    ops that read a weight (`weights`: ids of weight tensors, leaves and the ones computed from them alone)."""
    number = {id(t): n for n, t in enumerate(found.tensors)}
    by_target: dict[int, list[Edge]] = {}
    for e in edges:
        by_target.setdefault(e.target, []).append(e)
    named: dict[tuple[int, int, int, int], WeightEntry] = {}
    for n, t in enumerate(found.tensors):
        fn = t._ctx
        if fn is None or n not in by_target:
            continue
        read = [k for k, u in enumerate(fn.inputs) if id(u) in weights]
        drawn = [k for k, u in enumerate(fn.inputs) if id(u) in number]
        sources = [number[id(fn.inputs[k])] for k in drawn]
        if not read or not drawn or len(set(sources)) != len(sources):
            continue  # no weight, or one tensor read twice (x·x): a derivative is no single entry
        leaves: dict[int, Tensor] = {}
        for k in read:
            leaves.update((id(w), w) for w in _leaves(fn.inputs[k], weights))
        order = list(leaves.values())
        total = sum(w.numel() for w in order)
        starts = np.cumsum([0] + [w.numel() for w in order])
        exact = all(w.dtype == np.float32 for w in order) and 2 * total < EXACT_FLOAT32
        dtype = np.float32 if exact else np.float64
        codes = {id(w): (total + starts[m] + np.arange(w.numel(), dtype=np.float64)).astype(dtype).reshape(w.shape)
                 for m, w in enumerate(order)}
        replace = {}
        for k in read:
            coded = _coded(fn.inputs[k], weights, codes)
            if coded is None:
                break
            replace[k] = coded
        else:
            targets = found.elements[id(t)]
            try:
                rows = Probe(fn).rows(drawn, [np.array([i]) for i in targets], replace)
            except (ArithmeticError, ValueError, TypeError, IndexError, RuntimeError, AttributeError):
                continue  # the op's backward refuses the codes: its couplings stay numbers
            row_of = {int(i): r for r, i in enumerate(targets)}
            input_of = dict(zip(sources, drawn))
            for e in by_target[n]:
                code = rows[input_of[e.source]][row_of[e.target_index]][e.source_index]
                entry = _decode(code, total, starts, order)
                if entry is not None and _holds(entry, e.value):
                    named[(e.source, e.source_index, e.target, e.target_index)] = entry
    return named


def _decode(code: float, total: int, starts: np.ndarray, order: list[Tensor]) -> Optional[WeightEntry]:
    """The entry with this code, or None when the code is not one (not an integer in [T, 2T))."""
    if not np.isfinite(code) or code != np.floor(code) or not total <= code < 2 * total:
        return None
    flat = int(code) - total
    m = int(np.searchsorted(starts, flat, side="right")) - 1
    return WeightEntry(order[m], flat - int(starts[m]))


def _holds(entry: WeightEntry, value: float) -> bool:
    """The entry's recorded value is the coupling's (so the code was the derivative itself, not a multiple of it)."""
    held = float(entry.weight.data.flat[entry.index])
    return held == value or bool(np.isclose(held, value, rtol=1e-5, atol=1e-12))
