"""Running one case of the bad-input walk (issue 12) in tinygrad_edu and in PyTorch; "huge" cases run our side
in a forked child with a time and address-space limit, and PyTorch's side on the meta device."""
from __future__ import annotations

import dataclasses
import os
import pickle
import resource
import signal
import warnings
from typing import Any, Callable, Optional

import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.functional as F
import tinygrad_edu.nn as nn

from .spec import Arg, Case, DROP, Dt, Mod

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
