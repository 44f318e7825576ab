"""The bad-input walk's mutations (issue 12): from the kind of each argument of a valid call, the bad calls
(sizes, strides, dtypes, NaN/Inf, N = 0, huge, wrong rank, wrong type) as `Case`s."""
from __future__ import annotations

import dataclasses
from typing import Any, Iterator

import numpy as np

from .spec import Arg, Case, Dt, K, Spec, TENSOR_KINDS

NAN, INF = float("nan"), float("inf")
HUGE = 1 << 40


def _tuples(v: Any, n: int) -> list:
    return [(v,) * (n + 1)] + ([(v,) * (n - 1)] if n > 1 else [()])


def hyper_values(a: Arg) -> list:
    """(label, family, value) mutations of a hyper-parameter by kind."""
    n = a.spatial
    table = {
        "size": [(0, "size"), (-1, "size"), (1.5, "type"), (2.0, "type"), ("2", "type"), (None, "type"),
                 (True, "type")] + [(t, "size") for t in _tuples(2, n)] + [(HUGE, "huge")],
        "stride": [(0, "stride"), (-1, "stride"), (1.5, "type"), ("1", "type"), (True, "type")]
                  + [(t, "stride") for t in _tuples(1, n)] + [(HUGE, "stride")],
        "padding": [(-1, "padding"), (1.5, "type"), ("bogus", "type"), (None, "type")]
                   + [(t, "padding") for t in _tuples(1, n)] + [(1 << 20, "huge")],
        "dilation": [(0, "dilation"), (-1, "dilation"), (1.5, "type"), ("1", "type"), (None, "type")]
                    + [(t, "dilation") for t in _tuples(1, n)] + [(1 << 20, "dilation")],
        "groups": [(0, "groups"), (-1, "groups"), (5, "groups"), (1.5, "type"), ("1", "type"), (None, "type")],
        "dim": [(7, "dim"), (-7, "dim"), (1.5, "type"), ("0", "type"), (None, "type")],
        "count": [(0, "size"), (-1, "size"), (1.5, "type"), ("2", "type"), (None, "type"), (HUGE, "huge")],
        "int": [(-1, "size"), (1.5, "type"), ("2", "type"), (None, "type"), (HUGE, "size")],
        "prob": [(-0.1, "size"), (1.5, "size"), (NAN, "nan"), ("0.5", "type"), (None, "type")],
        "eps": [(-1.0, "size"), (0.0, "size"), (NAN, "nan"), (INF, "nan"), ("x", "type"), (None, "type")],
        "real": [(NAN, "nan"), (INF, "nan"), (-INF, "nan"), ("x", "type"), (None, "type")],
        "flag": [("yes", "type"), (None, "type"), (2, "type")],
        "mode": [("bogus", "type"), (None, "type"), (1, "type"), ("", "type")],
        "scalar": [(NAN, "nan"), (INF, "nan"), ("x", "type"), (None, "type"), (True, "type")],
        "dtype": [(Dt("int64"), "dtype"), (Dt("bool"), "dtype"), (Dt("float16"), "dtype"), ("float", "type"),
                  (3, "type")],
        "shape": [((-2, 3), "size"), ((1.5, 2), "type"), ("x", "type"), (None, "type"), ((HUGE, HUGE), "huge")],
        "osize": [((0,) * n if n > 1 else 0, "size"), ((-1,) * n if n > 1 else -1, "size"),
                  ((1.5,) * n if n > 1 else 1.5, "type"), ("x", "type"), (None, "type")]
                 + [(t, "size") for t in _tuples(3, n)] + [((HUGE,) * n if n > 1 else HUGE, "huge")],
        "levels": [((), "size"), ((0,), "size"), ((-1,), "size"), ((1.5,), "type"), ("124", "type"),
                   (None, "type"), ((1, 1 << 22), "huge")],
        "padlist": [((1,), "padding"), ((1, 2, 3), "padding"), ((1.5, 1), "type"), ("x", "type"), (None, "type"),
                    ((-10, 0), "padding"), ((1 << 22, 1 << 22), "huge"), ((1,) * 10, "padding")],
        "padarg": [(-10, "padding"), (1.5, "type"), ("x", "type"), (None, "type"), ((1, 1, 1), "padding"),
                   ((1,) * (2 * n + 2), "padding"), (1 << 22, "huge")],
        "nshape": [((5,), "size"), ((3, 5), "size"), ((), "size"), ((-1,), "size"), ((1.5,), "type"),
                   ("x", "type"), (None, "type")],
        "reshape": [((5, 5), "size"), ((-1, -1), "size"), ((-2, 12), "size"), ((1.5, 16), "type"), ("x", "type"),
                    (None, "type"), ((HUGE, 0), "size")],
        "perm": [((0, 0, 1), "dim"), ((0, 1), "dim"), ((0, 1, 5), "dim"), ((0, 1, 2.5), "type"), ("x", "type"),
                 (None, "type")],
        "dims": [((7,), "dim"), ((0, 0), "dim"), (1.5, "type"), ("x", "type"), (None, "type"), ((), "dim")],
        "equation": [("ij,jk", "size"), ("ij,jk->il", "size"), ("ij,jk->ikk", "size"), ("", "size"),
                     (None, "type"), (1, "type"), ("ij->ij", "size")],
        "scale": [(0.0, "size"), (-1.0, "size"), (NAN, "nan"), (INF, "nan"), ("x", "type"), (None, "type")]
                 + [(t, "size") for t in _tuples(2.0, n)] + [(1e12, "huge")],
        "modules": [(None, "type"), ("x", "type"), (1, "type")],
    }
    values = table.get(a.kind)
    if values is None:
        raise KeyError(f"no mutations for kind {a.kind!r} (argument {a.name})")
    out, seen = [], set()
    for v, fam in values:
        key = repr(v)
        if key in seen or (type(v) is type(a.value) and v == a.value):
            continue
        seen.add(key)
        out.append((f"{a.name}={key}", fam, v))
    return out


def _poke(a: np.ndarray, k: int, v: float) -> np.ndarray:
    out = a.copy()
    if out.size:
        out.flat[k % out.size] = v
    return out


def tensor_values(a: Arg) -> list:
    """(label, family, value) mutations of one tensor argument by kind (N = 0 and huge are per group)."""
    v, name, out = a.value, a.name, []
    if a.kind in ("x", "c", "np"):
        out += [(f"{name}:int64", "dtype", np.round(v * 3).astype(np.int64)),
                (f"{name}:bool", "dtype", v > 0),
                (f"{name}:float16", "dtype", v.astype(np.float16)),
                (f"{name}:float64", "dtype", v.astype(np.float64)),
                (f"{name}:nan", "nan", _poke(v, 0, NAN)),
                (f"{name}:+inf", "nan", _poke(v, 1, INF)),
                (f"{name}:-inf", "nan", _poke(v, 2, -INF))]
    elif a.kind == "idx":
        out += [(f"{name}:float32", "dtype", v.astype(np.float32)),
                (f"{name}:int32", "dtype", v.astype(np.int32)),
                (f"{name}:bool", "dtype", v > 0),
                (f"{name}:out-of-range", "size", _poke(v, 0, a.hi)),
                (f"{name}:negative", "size", _poke(v, 0, -1)),
                (f"{name}:very-negative", "size", _poke(v, 0, -a.hi - 1))]
    elif a.kind == "mask":
        out += [(f"{name}:float32", "dtype", v.astype(np.float32)),
                (f"{name}:int64", "dtype", v.astype(np.int64)),
                (f"{name}:unbroadcastable", "size", np.ones((7,), bool))]
    elif a.kind == "idxs":
        return out
    elif a.kind == "xs":
        first = v[0]
        out += [(f"{name}:empty-list", "size", []),
                (f"{name}:mixed-float64", "dtype", [first, v[1].astype(np.float64)] + v[2:]),
                (f"{name}:mixed-int64", "dtype", [first, np.round(v[1] * 3).astype(np.int64)] + v[2:]),
                (f"{name}:mismatch", "size", [first, np.concatenate([v[1], v[1]], -1)] + v[2:]),
                (f"{name}:rank-mismatch", "rank", [first, v[1][0]] + v[2:]),
                (f"{name}:None-inside", "type", [first, None]),
                (f"{name}:not-a-list", "type", first)]
        return out
    if v.ndim:
        out += [(f"{name}:rank-1", "rank", np.asarray(v[0])), (f"{name}:0-d", "rank", np.asarray(v.flat[0]))]
    out += [(f"{name}:rank+1", "rank", v[None]),
            (f"{name}:None", "type", None), (f"{name}:str", "type", "abc"),
            (f"{name}:float", "type", 1.5), (f"{name}:list", "type", v.tolist())]
    return out


def _group(spec: Spec, args: list) -> list:
    """Indices (in args) of the tensors that share the batch dimension."""
    if spec.batch:
        return [k for k, a in enumerate(args) if a.name in spec.batch]
    for k, a in enumerate(args):
        if a.kind in ("x", "c", "idx", "mask") and isinstance(a.value, np.ndarray) and a.value.ndim:
            return [k]
    return []


def _resize0(a: np.ndarray, n: int) -> np.ndarray:
    if n == 0:
        return np.zeros((0,) + a.shape[1:], a.dtype)
    return np.broadcast_to(a[:1], (n,) + a.shape[1:])


def cases(spec: Spec) -> Iterator[Case]:
    """The valid call, then every mutation of it."""
    args, inputs = list(spec.args), list(spec.inputs)
    yield Case(spec, "valid", "valid", args, inputs)
    for where, seq in (("args", args), ("inputs", inputs)):
        for k, a in enumerate(seq):
            gen = tensor_values(a) if a.kind in TENSOR_KINDS else hyper_values(a)
            for label, family, value in gen:
                if label in spec.skip or family in spec.skip:
                    continue
                new = list(seq)
                new[k] = dataclasses.replace(a, value=value)
                yield Case(spec, label, family, new if where == "args" else args, new if where == "inputs" else inputs)
    for label, family, changes in spec.extra:
        new_args = [dataclasses.replace(a, value=changes[a.name]) if a.name in changes else a for a in args]
        new_inputs = [dataclasses.replace(a, value=changes[a.name]) if a.name in changes else a for a in inputs]
        known = {a.name for a in args} | {a.name for a in inputs}
        added = [K(name, v, "extra") for name, v in changes.items() if name not in known]
        if spec.is_layer:
            new_inputs += added
        else:
            new_args += added
        yield Case(spec, label, family, new_args, new_inputs)
    where, seq = ("inputs", inputs) if spec.is_layer else ("args", args)
    group = _group(spec, seq)
    if group:
        for label, family, n in (("N=0", "empty", 0), ("huge", "huge", None)):
            if label in spec.skip or family in spec.skip or (family == "huge" and not spec.huge):
                continue
            if n is None:  # rows so that the group's largest tensor needs ≥ 2⁴² bytes
                row = max(int(np.prod(seq[k].value.shape[1:])) * seq[k].value.dtype.itemsize for k in group)
                n = max(2, (1 << 42) // max(row, 1))
            new = list(seq)
            for k in group:
                new[k] = dataclasses.replace(seq[k], value=_resize0(seq[k].value, n))
            yield Case(spec, label, family, new if where == "args" else args, new if where == "inputs" else inputs)
