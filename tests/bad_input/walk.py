"""The bad-input walk's engine (issue 12): an op is described once by a valid call (`Spec`); mutations of that
call are generated from the kind of each argument (sizes, strides, dtypes, NaN/Inf, N = 0, huge, wrong rank,
wrong type); every mutated call runs in tinygrad_edu and in PyTorch, and the pair of outcomes is judged:

    both compute  → the numbers (shape, dtype, values, gradients) must be PyTorch's; gradients are not compared
                    at entries computed from a NaN (PyTorch's own kernels disagree there)
    we raise      → the message must name the op, and the exception must not be an internal one
                    (ZeroDivisionError, AttributeError, ...) or a NumPy message that names no op; PyTorch's own
                    exception (same type, same message) also passes
    we compute where PyTorch raises → a finding, unless the table lists it as a documented extension

"Huge" calls (broadcast views of terabytes, sizes of 2⁴⁰) run our side in a forked child with a time and
address-space limit, and PyTorch's side on the meta device (shapes and errors, no memory)."""
from __future__ import annotations

import dataclasses
import os
import pickle
import re
import resource
import signal
import warnings
from typing import Any, Callable, Iterator, Optional

import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.functional as F
import tinygrad_edu.nn as nn

# ---- describing a call --------------------------------------------------------------------------------------

# differentiable, constant float, index, bool mask, list of x, tuple of index tensors, a NumPy array passed as one
TENSOR_KINDS = ("x", "c", "idx", "mask", "xs", "idxs", "np")


class _Drop:
    """An argument left out of the call (`extra` mutations that remove one)."""

    def __repr__(self) -> str:
        return "<left out>"


DROP = _Drop()


@dataclasses.dataclass(frozen=True)
class Dt:
    """A dtype named once, made NumPy's (ours) or torch's (reference) when the call runs."""
    name: str


@dataclasses.dataclass(frozen=True)
class Mod:
    """A layer with no arguments (nn.<name>() on each side), for containers."""
    name: str


@dataclasses.dataclass
class Arg:
    """One argument: its name (keyword for PyTorch too), value (ndarray for tensors), kind (what mutations
    apply) and whether it is passed positionally. `hi` bounds an index tensor's values (exclusive)."""
    name: str
    value: Any
    kind: str
    pos: bool = False
    hi: int = 0
    spatial: int = 2


def P(name: str, value: Any, kind: str, **kw: Any) -> Arg:
    return Arg(name, value, kind, True, **kw)


def K(name: str, value: Any, kind: str, **kw: Any) -> Arg:
    return Arg(name, value, kind, False, **kw)


@dataclasses.dataclass
class Spec:
    """A valid call of one public op or layer. `path` is "F.name", "tg.name" or "nn.Name" and resolves on both
    sides (torch.nn.functional, torch, torch.nn) unless `theirs` gives the reference. For layers, `args` are
    the constructor's and `inputs` the forward call's. `batch` names the tensors that share dim 0 (N = 0 and
    huge); `names` are further op names an error may give; `random` compares shape and dtype only."""
    path: str
    args: list
    inputs: list = dataclasses.field(default_factory=list)
    names: tuple = ()
    batch: tuple = ()
    theirs: Optional[Callable] = None
    random: bool = False
    grad: bool = True
    huge: bool = True
    skip: tuple = ()
    extra: list = dataclasses.field(default_factory=list)
    tag: str = ""
    rtol: float = 0.0

    @property
    def is_layer(self) -> bool:
        return self.path.startswith("nn.")

    @property
    def op(self) -> str:
        return self.path.split(".", 1)[1]

    @property
    def id(self) -> str:
        return self.path + (f"<{self.tag}>" if self.tag else "")

    def accepted_names(self) -> tuple:
        return (self.op,) + tuple(self.names)


@dataclasses.dataclass
class Case:
    spec: Spec
    label: str
    family: str
    args: list
    inputs: list

    @property
    def id(self) -> str:
        return f"{self.spec.id}[{self.label}]"

    def describe(self) -> str:
        def show(a: Arg) -> str:
            v = a.value
            if isinstance(v, np.ndarray):
                text = f"array{tuple(v.shape)}:{v.dtype}"
            elif isinstance(v, list) and v and all(isinstance(e, np.ndarray) for e in v):
                text = "[" + ", ".join(f"array{tuple(e.shape)}:{e.dtype}" for e in v) + "]"
            else:
                text = repr(v)
                text = text if len(text) < 60 else text[:57] + "..."
            return text if a.pos else f"{a.name}={text}"
        call = f"{self.spec.path}({', '.join(show(a) for a in self.args if a.value is not DROP)})"
        if self.spec.is_layer:
            call += f"({', '.join(show(a) for a in self.inputs if a.value is not DROP)})"
        return call


# ---- mutations ----------------------------------------------------------------------------------------------

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


# ---- running ----------------------------------------------------------------------------------------------

def _is_view_of_nothing(a: np.ndarray) -> bool:
    return a.size > 0 and 0 in a.strides


def resolve(path: str, torch: Any = None) -> Any:
    head, name = path.split(".", 1)
    if torch is None:
        return getattr({"F": F, "tg": tg, "nn": nn}[head], name)
    return getattr({"F": torch.nn.functional, "tg": torch, "nn": torch.nn}[head], name)


class Side:
    """How values become one library's: NumPy arrays → tg.Tensor or torch tensors (float ones requiring
    grad for differentiable kinds), Dt → dtype; keeps the leaves for gradients."""

    def __init__(self, torch: Any = None, meta: bool = False) -> None:
        self.torch, self.meta, self.leaves = torch, meta, {}

    def tensor(self, a: np.ndarray, grad: bool) -> Any:
        t = self.torch
        if t is None:
            data = a if _is_view_of_nothing(a) else a.copy()
            return tg.Tensor(data, requires_grad=grad and a.dtype.kind == "f")
        if self.meta:
            out = t.empty(a.shape, dtype=_torch_dtype(t, a.dtype), device="meta")
        else:
            out = t.from_numpy(a.copy())
        if grad and a.dtype.kind == "f":
            out.requires_grad_(True)
        return out

    def value(self, a: Arg, v: Any, grad: bool) -> Any:
        if isinstance(v, np.ndarray) and a.kind == "np":  # the array itself (from_numpy, tensor(ndarray))
            if self.meta:
                return self.tensor(v, False)
            return v if _is_view_of_nothing(v) else v.copy()
        if isinstance(v, np.ndarray):
            out = self.tensor(v, grad and a.kind == "x")
            if a.kind == "x" and grad:
                self.leaves[a.name] = out
            return out
        if isinstance(v, (list, tuple)) and a.kind in ("xs", "idxs"):
            return type(v)(self.tensor(e, False) if isinstance(e, np.ndarray) else e for e in v)
        if isinstance(v, Dt):
            return np.dtype(v.name) if self.torch is None else getattr(self.torch, v.name)
        if isinstance(v, Mod):
            return getattr(nn if self.torch is None else self.torch.nn, v.name)()
        if isinstance(v, (list, tuple, dict)) and a.kind == "modules":
            items = v.items() if isinstance(v, dict) else enumerate(v)
            made = {k: self.value(a, e, grad) for k, e in items}
            return made if isinstance(v, dict) else type(v)(made.values())
        return v

    def call(self, fn: Callable, args: list, grad: bool) -> Any:
        pos = [self.value(a, a.value, grad) for a in args if a.pos and a.value is not DROP]
        kw = {a.name: self.value(a, a.value, grad) for a in args if not a.pos and a.value is not DROP}
        return fn(*pos, **kw)


def _torch_dtype(torch: Any, dt: np.dtype) -> Any:
    return {"float32": torch.float32, "float64": torch.float64, "float16": torch.float16, "int64": torch.int64,
            "int32": torch.int32, "bool": torch.bool, "uint8": torch.uint8}[np.dtype(dt).name]


@dataclasses.dataclass
class Outcome:
    """What one side did: `error` (type name, message, base-class names) or `values` (a flat list of
    arrays; shapes/dtypes only when `shapes_only`) and `grads` (name → array or None)."""
    error: Optional[tuple] = None
    values: Optional[list] = None
    grads: Optional[dict] = None
    grad_error: Optional[tuple] = None
    shapes_only: bool = False
    killed: Optional[str] = None


def _error(e: BaseException) -> tuple:
    return (type(e).__name__, str(e), tuple(c.__name__ for c in type(e).__mro__))


def flat(result: Any, torch: Any = None) -> list:
    """A result as a flat list of NumPy arrays (tuples, named tuples, lists, scalars)."""
    if isinstance(result, tg.Tensor):
        return [np.asarray(result.data)]
    if torch is not None and isinstance(result, torch.Tensor):
        if result.device.type == "meta":
            return [("meta", tuple(result.shape), str(result.dtype).replace("torch.", ""))]
        return [result.detach().numpy()]
    if isinstance(result, (tuple, list)):
        return [v for r in result for v in flat(r, torch)]
    if isinstance(result, nn.Module) or (torch is not None and isinstance(result, torch.nn.Module)):
        return []
    return [np.asarray(result)]


def _first_float(result: Any, torch: Any = None) -> Any:
    if isinstance(result, (tuple, list)):
        for r in result:
            f = _first_float(r, torch)
            if f is not None:
                return f
        return None
    if isinstance(result, tg.Tensor) and result.requires_grad and result.dtype.kind == "f":
        return result
    if torch is not None and isinstance(result, torch.Tensor) and result.requires_grad and result.is_floating_point():
        return result
    return None


def _grads(side: Side, module: Any, torch: Any) -> dict:
    out = {}
    for name, leaf in side.leaves.items():
        g = leaf.grad
        out[name] = None if g is None else (g.data if torch is None else g.detach().numpy()).copy()
    if module is not None and hasattr(module, "named_parameters"):
        for name, p in module.named_parameters():
            g = p.grad
            out["param:" + name] = None if g is None else (g.data if torch is None else g.detach().numpy()).copy()
    return out


def run_ours(case: Case) -> tuple[Outcome, Any]:
    """Our side of a case; returns the outcome and the built layer's initial state (for PyTorch's weights)."""
    spec, side, module, initial = case.spec, Side(), None, None
    out = Outcome()
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            fn = resolve(spec.path)
            if spec.is_layer:
                module = side.call(fn, case.args, False)
                initial = _state(module)
                result = side.call(module, case.inputs, spec.grad) if spec.inputs else module
            else:
                result = side.call(fn, case.args, spec.grad)
            out.values = flat(result) + _buffers(module)
        except Exception as e:  # noqa: BLE001 - the walk judges every exception
            out.error = _error(e)
            return out, initial
        if spec.grad and not spec.random:
            root = _first_float(result)
            if root is not None:
                try:
                    root.backward(gradient=tg.Tensor(np.ones(root.shape, root.dtype)))
                    out.grads = _grads(side, module, None)
                except Exception as e:  # noqa: BLE001
                    out.grad_error = _error(e)
    return out, initial


def _state(module: Any) -> Optional[dict]:
    """A layer's parameters and buffers as built, before its forward changes running statistics."""
    if not isinstance(module, nn.Module):
        return None
    return {k: np.array(np.asarray(v.data if isinstance(v, tg.Tensor) else v)) for k, v in module.state_dict().items()}


def _buffers(module: Any, torch: Any = None) -> list:
    """A module's floating buffers after its forward (running statistics), as extra result values."""
    if module is None:
        return []
    bufs = dict(module.named_buffers()) if hasattr(module, "named_buffers") else {}
    out = []
    for name in sorted(bufs):
        b = bufs[name]
        if b is None:
            continue
        arr = b.data if torch is None else b.detach().numpy()
        if np.asarray(arr).dtype.kind == "f":
            out.append(np.asarray(arr).copy())
    return out


def run_torch(case: Case, torch: Any, ours_state: Optional[dict] = None, meta: bool = False) -> Outcome:
    spec, side, module = case.spec, Side(torch, meta), None
    out = Outcome(shapes_only=meta)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if spec.theirs is not None:
                fn = spec.theirs(torch)
            else:
                fn = resolve(spec.path, torch)
            if spec.is_layer:
                if meta:
                    with torch.device("meta"):
                        module = side.call(fn, case.args, False)
                else:
                    module = side.call(fn, case.args, False)
                    if ours_state is not None and isinstance(module, torch.nn.Module):
                        _load(torch, module, ours_state)
                result = side.call(module, case.inputs, spec.grad and not meta) if spec.inputs else module
            elif meta:
                with torch.device("meta"):
                    result = side.call(fn, case.args, False)
            else:
                result = side.call(fn, case.args, spec.grad)
            out.values = flat(result, torch) + ([] if meta else _buffers(module, torch))
        except Exception as e:  # noqa: BLE001
            out.error = _error(e)
            return out
        if spec.grad and not spec.random and not meta:
            root = _first_float(result, torch)
            if root is not None:
                try:
                    root.backward(torch.ones_like(root))
                    out.grads = _grads(side, module, torch)
                except Exception as e:  # noqa: BLE001
                    out.grad_error = _error(e)
    return out


def _load(torch: Any, module: Any, state: dict) -> None:
    """Give PyTorch's layer our initial parameters and buffers (the same state_dict names as PyTorch's)."""
    theirs = module.state_dict()
    load = {k: torch.from_numpy(state[k]).to(v.dtype) if k in state else v for k, v in theirs.items()}
    module.load_state_dict(load, strict=True)


# ---- huge calls: our side in a forked child --------------------------------------------------------------

def _summarize(out: Outcome) -> Outcome:
    if out.values is not None:
        out.values = [("meta", tuple(v.shape), v.dtype.name) for v in out.values]
        out.shapes_only, out.grads = True, None
    return out


def run_ours_isolated(case: Case, timeout: int = 4) -> Outcome:
    """run_ours in a forked child with an alarm and an address-space cap a little above what it holds now, so
    that an op that starts computing or allocating terabytes is killed or refused instead of hanging."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.close(r)
            signal.signal(signal.SIGALRM, signal.SIG_DFL)
            signal.alarm(timeout)
            vm = _vm_bytes()
            if vm:
                resource.setrlimit(resource.RLIMIT_AS, (vm + (6 << 30), resource.RLIM_INFINITY))
            case.spec.grad = False
            out = _summarize(run_ours(case)[0])
            os.write(w, pickle.dumps(out))
        except BaseException as e:  # noqa: BLE001
            try:
                os.write(w, pickle.dumps(Outcome(error=_error(e))))
            except BaseException:  # noqa: BLE001
                pass
        finally:
            os._exit(0)
    os.close(w)
    chunks = []
    while True:
        chunk = os.read(r, 1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(r)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return Outcome(killed=signal.Signals(os.WTERMSIG(status)).name)
    try:
        return pickle.loads(b"".join(chunks))
    except Exception:  # noqa: BLE001
        return Outcome(killed="no result")


def _vm_bytes() -> int:
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


# ---- judging ----------------------------------------------------------------------------------------------

INTERNAL = {"ZeroDivisionError", "AttributeError", "KeyError", "NameError", "UnboundLocalError", "AssertionError",
            "RecursionError", "UFuncTypeError", "AxisError", "_ArrayMemoryError", "SystemError", "StopIteration",
            "UnicodeError"}


def _norm(s: str) -> str:
    return s.lower().replace("_", "")


def names_op(spec: Spec, message: str) -> bool:
    text = _norm(message)
    for name in spec.accepted_names():
        n = re.escape(_norm(name))
        pattern = rf"\b{n}\s*(\(\))?\s*:" if len(name) <= 3 else rf"\b{n}\b"
        if re.search(pattern, text):
            return True
    return False


def clean_error(spec: Spec, error: tuple) -> Optional[str]:
    """None if our exception is a clean one, else why not."""
    name, message, mro = error
    if name in INTERNAL or (set(mro) & INTERNAL):
        return f"internal exception {name}: {message[:200]}"
    if not names_op(spec, message):
        return f"{name} without the op's name: {message[:200]}"
    return None


def _same_error(ours: tuple, theirs: tuple) -> bool:
    """Our exception is PyTorch's own for the call: the same type and the same message (its first line)."""
    first = _norm(theirs[1].strip().splitlines()[0]) if theirs[1].strip() else ""
    return ours[0] == theirs[0] and len(first) >= 10 and first in _norm(ours[1])


def _tolerance(dtype: np.dtype, spec: Spec, half: bool = False) -> tuple[float, float]:
    if dtype == np.float16 or half:  # float16 sums of ~100 terms carry noise of a few 1e-2
        base = (1e-2, 5e-2)
    elif dtype == np.float32:
        base = (2e-4, 1e-5)
    else:
        base = (1e-6, 1e-9)
    return (max(base[0], spec.rtol), base[1] if not spec.rtol else max(base[1], spec.rtol))


def compare_arrays(ours: Any, theirs: Any, spec: Spec, what: str, half: bool = False) -> Optional[str]:
    if isinstance(theirs, tuple) and theirs and theirs[0] == "meta":
        o = ours if isinstance(ours, tuple) else ("meta", tuple(np.shape(ours)), np.asarray(ours).dtype.name)
        if o[1] != theirs[1] or o[2] != theirs[2]:
            return f"{what}: shape/dtype {o[1]}:{o[2]} vs PyTorch's {theirs[1]}:{theirs[2]}"
        return None
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    if ours.shape != theirs.shape:
        return f"{what}: shape {ours.shape} vs PyTorch's {theirs.shape}"
    if ours.dtype != theirs.dtype:
        return f"{what}: dtype {ours.dtype} vs PyTorch's {theirs.dtype}"
    if spec.random or ours.size == 0:
        return None
    if ours.dtype.kind in "fc":
        return _compare_floats(ours, theirs, spec, what, half)
    if not np.array_equal(ours, theirs):
        k = np.flatnonzero((ours != theirs).ravel())[0]
        return f"{what}: values differ at flat index {k}: {ours.ravel()[k]!r} vs PyTorch's {theirs.ravel()[k]!r}"
    return None


def _compare_floats(ours: np.ndarray, theirs: np.ndarray, spec: Spec, what: str, half: bool) -> Optional[str]:
    """Equal within the dtype's tolerance (float16's when the call involved float16 anywhere); NaN where
    PyTorch has NaN, the same infinities."""
    with np.errstate(all="ignore"):
        rtol, atol = _tolerance(ours.dtype, spec, half)
        a, b = ours.astype(np.float64), theirs.astype(np.float64)
        same_nan = np.isnan(a) == np.isnan(b)
        finite = np.isfinite(a) & np.isfinite(b)
        same_inf = np.where(np.isinf(a) | np.isinf(b), a == b, True)
        scale = np.max(np.abs(b[np.isfinite(b)]), initial=0.0)
        close = np.where(finite, np.abs(a - b) <= atol + rtol * np.maximum(np.abs(b), 1e-3 * scale), True)
        bad = ~(same_nan & same_inf & close)
        if bad.any():
            k = np.flatnonzero(bad.ravel())[0]
            return (f"{what}: {int(bad.sum())} of {bad.size} values differ, first at flat index {k}: "
                    f"{a.ravel()[k]!r} vs PyTorch's {b.ravel()[k]!r}")
    return None


def _nan_positions(case: Case) -> dict:
    """For each float tensor argument, where its gradient is not compared: the entries that are NaN in it or in
    another argument of its shape (an entry computed from a NaN has no defined gradient; PyTorch's kernels
    disagree among themselves there: abs gives 0, smooth_l1 NaN, hardtanh 0 or 1 by vectorisation)."""
    arrays = {a.name: a.value for a in case.args + case.inputs
              if isinstance(a.value, np.ndarray) and a.value.dtype.kind == "f"}
    out = {}
    for name, v in arrays.items():
        mask = np.isnan(v)
        for other in arrays.values():
            if other is not v and other.shape == v.shape:
                mask = mask | np.isnan(other)
        out[name] = mask
    return out


def _involves_half(case: Case) -> bool:
    for a in case.args + case.inputs:
        v = a.value
        values = v if isinstance(v, (list, tuple)) else [v]
        if isinstance(v, Dt) and v.name == "float16":
            return True
        if any(isinstance(e, np.ndarray) and e.dtype == np.float16 for e in values):
            return True
    return False


def compare(ours: Outcome, theirs: Outcome, spec: Spec, half: bool = False, nan_inputs: Optional[dict] = None
            ) -> Optional[str]:
    nan_inputs = nan_inputs or {}
    if len(ours.values) != len(theirs.values):
        return f"{len(ours.values)} result arrays vs PyTorch's {len(theirs.values)}"
    for k, (o, t) in enumerate(zip(ours.values, theirs.values)):
        bad = compare_arrays(o, t, spec, f"result {k}", half)
        if bad:
            return bad
    if theirs.grads is not None:
        if ours.grad_error is not None:
            return f"backward raised {ours.grad_error[0]}: {ours.grad_error[1][:200]} (PyTorch's worked)"
        if ours.grads is None:
            return "no gradient recorded (PyTorch's result requires grad)"
        for name, g in theirs.grads.items():
            mine = ours.grads.get(name)
            if g is None and mine is None:
                continue
            ref = g if g is not None else np.zeros_like(mine)
            mine = mine if mine is not None else np.zeros_like(ref)
            nan = nan_inputs.get(name)
            if nan is not None and nan.shape == ref.shape and np.shape(mine) == ref.shape:
                # PyTorch's gradient at a NaN input is not defined: its vectorised and scalar kernels disagree
                # (hardtanh gives 0 in one, 1 in the other), so those entries are not compared
                ref, mine = np.where(nan, 0, ref), np.where(nan, 0, mine)
            bad = compare_arrays(mine, ref, spec, f"gradient of {name}", half)
            if bad:
                return bad
    return None


@dataclasses.dataclass
class Verdict:
    """The judgement of one case: `status` is one of equal, clean, clean-strict (we refuse what PyTorch
    computes), extension (documented), or a finding: different, confusing, accepted, killed."""
    status: str
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("equal", "clean", "clean-strict", "extension")


def judge(case: Case, ours: Outcome, theirs: Optional[Outcome], extensions: dict,
          non_finite_order: Optional[dict] = None) -> Verdict:
    spec = case.spec
    if ours.killed:
        return Verdict("killed", f"our call was killed ({ours.killed}): it ran out of time or address space")
    if ours.error is not None:
        why = clean_error(spec, ours.error)
        if why and not (theirs is not None and theirs.error is not None and _same_error(ours.error, theirs.error)):
            return Verdict("confusing", why)
        if theirs is not None and theirs.error is None:
            return Verdict("clean-strict", f"{ours.error[0]}: {ours.error[1][:200]}")
        return Verdict("clean", f"{ours.error[0]}: {ours.error[1][:200]}")
    if theirs is None or (theirs.error is not None and theirs.error[0] == "NotImplementedError" and theirs.shapes_only):
        return Verdict("equal", "computed; PyTorch has no meta kernel to compare shapes")
    if theirs.error is not None:
        reason = extensions.get(case.id) or extensions.get(f"{spec.id}[*{case.family}]")
        if reason:
            return Verdict("extension", reason)
        return Verdict("accepted", f"we compute where PyTorch raises {theirs.error[0]}: {theirs.error[1][:200]}")
    nan = {} if theirs.shapes_only else _nan_positions(case)
    bad = compare(ours, theirs, spec, _involves_half(case), nan)
    if bad:
        reason = extensions.get(case.id)
        if reason and bad.startswith("gradient"):
            return Verdict("extension", f"{reason} ({bad})")
        order = (non_finite_order or {}).get(case.id)
        if order and _only_non_finite_differ(ours, theirs):
            return Verdict("extension", f"{order} ({bad})")
        return Verdict("different", bad)
    return Verdict("equal")


def run_case(case: Case, torch: Any, extensions: dict, non_finite_order: Optional[dict] = None) -> Verdict:
    if case.family == "huge":
        ours = run_ours_isolated(case)
        theirs = run_torch(case, torch, meta=True)
        return judge(case, ours, theirs, extensions, non_finite_order)
    ours, state = run_ours(case)
    theirs = run_torch(case, torch, state)
    return judge(case, ours, theirs, extensions, non_finite_order)


def tally(verdicts: list) -> dict:
    """Counts for the issue note: cases tried, clean errors, equal to PyTorch, and the findings left."""
    counts = {"cases": len(verdicts), "equal to PyTorch": 0, "clean errors": 0,
              "of which PyTorch computes": 0, "documented extensions": 0, "left": 0}
    for v in verdicts:
        if v.status == "equal":
            counts["equal to PyTorch"] += 1
        elif v.status in ("clean", "clean-strict"):
            counts["clean errors"] += 1
            counts["of which PyTorch computes"] += v.status == "clean-strict"
        elif v.status == "extension":
            counts["documented extensions"] += 1
        else:
            counts["left"] += 1
    return counts


def _only_non_finite_differ(ours: Outcome, theirs: Outcome) -> bool:
    """Every entry where the two results differ is non-finite on both sides (±∞ against NaN or ∓∞)."""
    pairs = list(zip(ours.values or [], theirs.values or []))
    pairs += [(ours.grads[k], theirs.grads.get(k)) for k in (ours.grads or {}) if ours.grads[k] is not None
              and (theirs.grads or {}).get(k) is not None]
    for a, b in pairs:
        a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
        if a.shape != b.shape:
            return False
        differ = ~((a == b) | (np.isnan(a) & np.isnan(b)) | np.isclose(a, b, rtol=1e-4, atol=1e-5))
        if (np.isfinite(a[differ]).any()) or (np.isfinite(b[differ]).any()):
            return False
    return True
