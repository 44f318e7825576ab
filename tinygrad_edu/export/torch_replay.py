"""A module with its own forward (a zoo model, a user's network) as a torch.nn.Module: its children are the
torch twins, its forward replays what our forward did in the trace, in order: the child calls, and each
recorded Function as the torch op of the same definition. Shapes follow the input's batch size; branches
on the data are not replayed (the trace holds the path the example took)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional, Union

import numpy as np
import torch
import torch.nn.functional as F

from ..errors import ShapeError
from ..tensor import Tensor
from .trace import CallStep, describe, same

Ref = tuple[str, Any]  # ("slot", k) | ("param", "conv1.weight") | ("const", "_const0")


@dataclass
class Instruction:
    """One step of a replayed forward: a child call (`target` its relative name) or an op (`target` the
    Function's name, `attrs` its recorded attributes, `traced` the traced input and output shapes)."""

    kind: str
    target: str
    args: list[Ref]
    outs: list[int]
    attrs: Optional[dict] = None
    traced: Optional[tuple] = None
    where: str = ""


def _shape(ins: Instruction, lead: Optional[int], batch: Optional[int]) -> list[int]:
    """The op's traced output shape, its leading size following the batch: when the traced batch size led both
    the op's first input and its output, the first input's leading size now (`lead`) leads the output."""
    shape = list(ins.traced[-1])
    first = ins.traced[0] if len(ins.traced) > 1 else ()
    if batch is not None and lead is not None and shape and first and shape[0] == batch and first[0] == batch:
        shape[0] = lead
    return shape


def _pad_pairs(padding: tuple) -> tuple[Optional[tuple[int, int]], tuple[int, ...]]:
    """((t, b), (l, r)) → symmetric (ph, pw) for conv, or None and F.pad's (l, r, t, b)."""
    (t, b), (l, r) = padding
    if t == b and l == r:
        return (t, l), ()
    return None, (l, r, t, b)


def _conv2d(x: Any, w: Any, a: dict, **_: Any) -> Any:
    symmetric, pads = _pad_pairs(a["padding"])
    if symmetric is None:
        x, symmetric = F.pad(x, pads), (0, 0)
    return F.conv2d(x, w, None, a["stride"], symmetric, a["dilation"], a["groups"])


def _conv_transpose2d(y: Any, w: Any, a: dict, traced: tuple, **_: Any) -> Any:
    (t, b), (l, r) = a["padding"]
    if t != b or l != r:
        raise ShapeError("to_torch: a transposed convolution with unequal padding on two sides has no torch form")
    extra = []
    for axis, p in enumerate((t, l)):
        natural = ((traced[0][2 + axis] - 1) * a["stride"][axis] - 2 * p
                   + a["dilation"][axis] * (traced[1][2 + axis] - 1) + 1)
        extra.append(a["size"][axis] - natural)
    return F.conv_transpose2d(y, w, None, a["stride"], (t, l), tuple(extra), a["groups"], a["dilation"])


def _max_pool2d(x: Any, a: dict, **_: Any) -> Any:
    axes = a["axes"]
    ceil = any(ax.out != (ax.n + 2 * ax.p - ax.span) // ax.s + 1 for ax in axes)
    return F.max_pool2d(x, [ax.k for ax in axes], [ax.s for ax in axes], [ax.p for ax in axes],
                        [ax.d for ax in axes], ceil_mode=ceil)


def _avg_pool2d(x: Any, a: dict, **_: Any) -> Any:
    """Window sums over the divisor PyTorch's rules gave (recorded per output position)."""
    axes = a["axes"]
    ceil = any(ax.out != (ax.n + 2 * ax.p - ax.span) // ax.s + 1 for ax in axes)
    sums = F.avg_pool2d(x, [ax.k for ax in axes], [ax.s for ax in axes], [ax.p for ax in axes], ceil_mode=ceil,
                        count_include_pad=True, divisor_override=1)
    return sums / torch.as_tensor(np.asarray(a["divisor"]), dtype=sums.dtype, device=sums.device)


def _key(key: Any, device: Any) -> Any:
    """An index key with NumPy index arrays as torch tensors."""
    if isinstance(key, tuple):
        return tuple(_key(k, device) for k in key)
    if isinstance(key, np.ndarray):
        return torch.as_tensor(key, device=device)
    return key


def _index(x: Any, key: Any) -> Any:
    """x[key] as NumPy would index it; slices with a negative step (which torch refuses) become a flip
    and a positive-step slice."""
    keys = key if isinstance(key, tuple) else (key,)
    if not any(isinstance(k, slice) and k.step is not None and k.step < 0 for k in keys):
        return x[_key(key, x.device)]
    if any(isinstance(k, np.ndarray) for k in keys) or sum(k is Ellipsis for k in keys) > 1:
        raise ShapeError(f"to_torch: the index {key!r} mixes a reversed slice with index arrays; no torch form here")
    if Ellipsis in keys:
        at = keys.index(Ellipsis)
        used = sum(1 for k in keys if k is not None and k is not Ellipsis)
        keys = keys[:at] + (slice(None),) * (x.dim() - used) + keys[at + 1:]
    fixed, axis = [], 0
    for k in keys:
        if isinstance(k, slice) and k.step is not None and k.step < 0:
            n = x.shape[axis]
            start, stop, step = k.indices(n)
            x = x.flip(axis)
            k = slice(n - 1 - start, n - 1 - stop, -step)
        fixed.append(k)
        axis += k is not None
    return x[tuple(fixed)]


def _getitem(x: Any, a: dict, **_: Any) -> Any:
    if a.get("pre") is not None:
        x = _index(x, a["pre"])
    return _index(x, a["key"])


def _index_add(g: Any, a: dict, shape: list, **_: Any) -> Any:
    out = torch.zeros(shape, dtype=g.dtype, device=g.device)
    view = out if a.get("pre") is None else out[_key(a["pre"], g.device)]
    key = a["key"]
    if all(not isinstance(k, np.ndarray) for k in (key if isinstance(key, tuple) else (key,))):
        view[_key(key, g.device)] = g
        return out
    positions = torch.arange(view.numel(), device=g.device).reshape(view.shape)[_key(key, g.device)]
    flat = torch.zeros(view.numel(), dtype=g.dtype, device=g.device)
    flat = flat.index_add(0, positions.reshape(-1), g.expand(positions.shape).reshape(-1))
    view.copy_(flat.reshape(view.shape))
    return out


def _sum(x: Any, a: dict, **_: Any) -> Any:
    axes, keep = a["axes"], bool(a["keepdims"])
    if axes is None:
        total = x.sum()
        return total.reshape([1] * x.dim()) if keep else total
    return x.sum(dim=tuple(axes), keepdim=keep)


def _extreme(fn: Callable) -> Callable:
    def run(x: Any, a: dict, **_: Any) -> Any:
        axes = () if a["axes"] is None else tuple(a["axes"])
        return fn(x, dim=axes, keepdim=bool(a["keepdims"]))
    return run


def _sum_to(x: Any, a: dict, shape: list, **_: Any) -> Any:
    lead = x.dim() - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape) if s == 1 and x.shape[lead + i] != 1)
    return (x.sum(dim=axes, keepdim=True) if axes else x).reshape(shape)


def _clamp(x: Any, *bounds: Any, a: dict, **_: Any) -> Any:
    rest = list(bounds)
    low = rest.pop(0) if a["has_min"] else None
    high = rest.pop(0) if a["has_max"] else None
    return torch.clamp(x, low, high)


def _numpy_dtype_to_torch(dtype: Any) -> Any:
    return torch.from_numpy(np.zeros(0, dtype=dtype)).dtype


def _axes(axes: Any) -> Any:
    """A recorded axis or axes as torch's dim argument: an int or a tuple (None: every axis)."""
    return tuple(axes) if isinstance(axes, (tuple, list)) else axes


def _reduced(fn: Callable, x: Any, axes: Any, keep: bool, **kwargs: Any) -> Any:
    """fn over `axes` (None: all of them, kept as size-1 axes if asked), as NumPy's reductions recorded it."""
    if axes is None:
        total = fn(x, **kwargs)
        return total.reshape([1] * x.dim()) if keep else total
    return fn(x, _axes(axes), keepdim=bool(keep), **kwargs)


def _variance(x: Any, a: dict, **_: Any) -> Any:
    axes = tuple(range(x.dim())) if a["axes"] is None else _axes(a["axes"])
    return torch.var(x, dim=axes, correction=a["correction"], keepdim=bool(a["keepdims"]))


# Functions whose torch form is the function of the same name with the same inputs
_SAME_NAME = ("sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "floor",
              "ceil", "trunc", "erfc", "erfinv", "atan2", "hypot", "copysign", "fmod", "remainder")


OPS: dict[str, Callable[..., Any]] = {
    "Add": lambda a_, b_, **_: a_ + b_, "Sub": lambda a_, b_, **_: a_ - b_, "Mul": lambda a_, b_, **_: a_ * b_,
    "Div": lambda a_, b_, **_: a_ / b_, "Pow": lambda a_, b_, **_: a_ ** b_,
    "MatMul": lambda a_, b_, **_: a_ @ b_, "Maximum": lambda a_, b_, **_: torch.maximum(a_, b_),
    "Minimum": lambda a_, b_, **_: torch.minimum(a_, b_),
    "Neg": lambda x, **_: -x, "Exp": lambda x, **_: x.exp(), "Log": lambda x, **_: x.log(),
    "Sqrt": lambda x, **_: x.sqrt(), "Abs": lambda x, **_: x.abs(), "Sign": lambda x, **_: x.sign(),
    "Tanh": lambda x, **_: x.tanh(), "Sigmoid": lambda x, **_: x.sigmoid(), "Relu": lambda x, **_: x.relu(),
    "Erf": lambda x, **_: torch.erf(x), "Clone": lambda x, **_: x.clone(), "Log1p": lambda x, **_: x.log1p(),
    "Expm1": lambda x, **_: x.expm1(),
    "LeakyRelu": lambda x, a, **_: F.leaky_relu(x, a["negative_slope"]),
    "PowConst": lambda x, a, **_: x ** a["exponent"],
    "Softmax": lambda x, a, **_: torch.softmax(x, a["dim"]),
    "LogSoftmax": lambda x, a, **_: torch.log_softmax(x, a["dim"]),
    "Reshape": lambda x, shape, **_: x.reshape(shape),
    "Permute": lambda x, a, **_: x.permute(*a["dims"]),
    "BroadcastTo": lambda x, shape, **_: x.expand(shape),
    "SumTo": _sum_to, "Cat": lambda *xs, a, **_: torch.cat(xs, a["dim"]),
    "GetItem": _getitem, "IndexAdd": _index_add, "Sum": _sum,
    "Max": _extreme(torch.amax), "Min": _extreme(torch.amin),
    "Conv2d": _conv2d, "ConvTranspose2d": _conv_transpose2d, "MaxPool2d": _max_pool2d, "AvgPool2d": _avg_pool2d,
    "Where": lambda c, x, y, **_: torch.where(c, x, y), "Clamp": _clamp,
    "Cast": lambda x, a, **_: x.to(_numpy_dtype_to_torch(a["dtype"])),
    **{name.capitalize(): (lambda fn: lambda *xs, **_: fn(*xs))(getattr(torch, name)) for name in _SAME_NAME},
    "Round": lambda x, a, **_: torch.round(x, decimals=a["decimals"]),
    "DivRounded": lambda a_, b_, a, **_: torch.div(a_, b_, rounding_mode=a["mode"]),
    "Softplus": lambda x, a, **_: F.softplus(x, a["beta"], a["threshold"]),
    "BinaryCrossEntropy": lambda x, y, **_: F.binary_cross_entropy(x, y, reduction="none"),
    "LogitsCrossEntropy": lambda x, y, *pw, **_: F.binary_cross_entropy_with_logits(
        x, y, reduction="none", pos_weight=pw[0] if pw else None),
    "Prod": lambda x, a, **_: _reduced(torch.prod, x, a["axis"], a["keepdims"]),
    "CumSum": lambda x, a, **_: torch.cumsum(x, a["axis"]),
    "Variance": _variance,
    "Einsum": lambda *xs, a, **_: torch.einsum(a["equation"], *xs),
    "Unfold": lambda x, a, **_: F.unfold(x, a["kernel"], a["dilation"], a["padding"], a["stride"]),
    "Fold": lambda c, a, **_: F.fold(c, a["size"], a["kernel"], a["dilation"], a["padding"], a["stride"]),
}


class ReplayModule(torch.nn.Module):
    """The torch twin of a module with its own forward: `program` replays its traced call."""

    def __init__(self, program: Optional[list[Instruction]], inputs: int, outputs: Union[int, list[int]],
                 batch: Optional[int], name: str, batch_free: bool = True) -> None:
        super().__init__()
        self._program, self._inputs, self._outputs, self._batch, self._name = program, inputs, outputs, batch, name
        self._batch_free = batch_free

    def _value(self, ref: Ref, slots: dict[int, Any]) -> Any:
        kind, key = ref
        if kind == "slot":
            return slots[key]
        if kind == "param":
            path, _, leaf = key.rpartition(".")
            return getattr(self.get_submodule(path) if path else self, leaf)
        return getattr(self, key)

    def forward(self, *args: Any) -> Any:
        if self._program is None:
            raise RuntimeError(f"to_torch: {self._name or type(self).__name__} did not run when the model was traced, "
                               "so there is no forward to replay; trace with an input that reaches it")
        if len(args) != self._inputs:
            raise TypeError(f"{type(self).__name__}.forward takes {self._inputs} tensor argument(s) as traced, "
                            f"got {len(args)}")
        if not self._batch_free and args and args[0].dim() and args[0].shape[0] != self._batch:
            raise RuntimeError(f"to_torch: {self._name} was traced with batch size {self._batch} and its forward reads "
                               f"a value that depends on it (e.g. a mean over the batch as a constant); call it with "
                               f"batch size {self._batch}, not {args[0].shape[0]}")
        slots: dict[int, Any] = dict(enumerate(args))
        for ins in self._program:
            values = [self._value(r, slots) for r in ins.args]
            if ins.kind == "call":
                result = self.get_submodule(ins.target)(*values)
                results = list(result) if isinstance(result, (tuple, list)) else [result]
            else:
                shape = _shape(ins, values[0].shape[0] if values and values[0].dim() else None, self._batch)
                try:
                    results = [OPS[ins.target](*values, a=ins.attrs, shape=shape, traced=ins.traced)]
                except RuntimeError as err:
                    raise RuntimeError(f"to_torch: replaying {ins.where}: {err}") from err
            slots.update(zip(ins.outs, results))
        if isinstance(self._outputs, list):
            return tuple(slots[k] for k in self._outputs)
        return slots[self._outputs]


def compile_call(call: CallStep) -> tuple[list[Instruction], dict[str, np.ndarray], Union[int, list[int]]]:
    """The instructions replaying `call` in the torch twin of call.module, the constants they read (to register
    as non-persistent buffers named _const0, _const1, ...) and the slot(s) of the call's output."""
    module = call.module
    own = {id(p): n for n, p in module.named_parameters()}
    own.update({id(b): n for n, b in module.named_buffers()})
    slots: dict[int, int] = {id(t): k for k, t in enumerate(call.inputs)}
    keys_made = [len(call.inputs)]
    constants: dict[str, np.ndarray] = {}
    seen_constants: dict[int, str] = {}
    program: list[Instruction] = []

    def ref(t: Tensor) -> Ref:
        if id(t) in slots:
            return ("slot", slots[id(t)])
        if id(t) in own:
            return ("param", own[id(t)])
        if id(t) not in seen_constants:
            name = f"_const{len(constants)}"
            constants[name] = t.data
            seen_constants[id(t)] = name
        return ("const", seen_constants[id(t)])

    def produce(t: Any) -> list[int]:
        keys = []
        for o in (list(t) if isinstance(t, (tuple, list)) else [t]):
            slots[id(o)] = keys_made[0]
            keys.append(keys_made[0])
            keys_made[0] += 1
        return keys

    for step in call.steps:
        if isinstance(step, CallStep):
            prefix = call.name + "." if call.name else ""
            if not step.name.startswith(prefix):
                raise ShapeError(f"to_torch: {call.name or type(module).__name__} calls module {step.name!r}, which "
                                 "is not one of its own children; a torch twin cannot reach it")
            args = [ref(t) for t in step.inputs]
            program.append(Instruction("call", step.name[len(prefix):], args, produce(step.output)))
            continue
        if step.fn.name not in OPS:
            raise ShapeError(f"to_torch: the op {describe(step.fn)} has no torch form here; supported ops: "
                             f"{', '.join(sorted(OPS))}")
        args = [ref(t) for t in step.inputs]
        traced = tuple(tuple(t.shape) for t in step.inputs) + (tuple(step.output.shape),)
        program.append(Instruction("op", step.fn.name, args, produce(step.output), dict(step.fn.attrs), traced,
                                   describe(step.fn)))
    outs = list(call.output) if isinstance(call.output, (tuple, list)) else [call.output]
    missing = [k for k, o in enumerate(outs) if not isinstance(o, Tensor) or id(o) not in slots]
    if missing:
        raise ShapeError(f"to_torch: output {missing[0]} of {call.name or type(module).__name__} is not computed from "
                         "its inputs by recorded steps (a constant output cannot be replayed)")
    keys = [slots[id(o)] for o in outs]
    return program, constants, (keys if isinstance(call.output, (tuple, list)) else keys[0])


def batch_free(one: CallStep, two: CallStep, batch: int) -> bool:
    """Whether `one` (traced with batch size `batch`) replays `two` (the same call traced with another batch
    size): the same instructions, attributes and constants, and every op's shape as the batch rule predicts."""
    try:
        p1, c1, o1 = compile_call(one)
        p2, c2, o2 = compile_call(two)
    except ShapeError:
        return False
    if len(p1) != len(p2) or o1 != o2 or c1.keys() != c2.keys():
        return False
    if not all(np.array_equal(c1[k], c2[k]) for k in c1):
        return False
    for a, b in zip(p1, p2):
        if (a.kind, a.target, a.args, a.outs) != (b.kind, b.target, b.args, b.outs):
            return False
        if a.kind == "op":
            lead = b.traced[0][0] if len(b.traced) > 1 and b.traced[0] else None
            if _shape(a, lead, batch) != list(b.traced[-1]):
                return False
            rest = [(k, v) for k, v in a.attrs.items() if k != "shape"]
            if not same(rest, [(k, v) for k, v in b.attrs.items() if k != "shape"]):
                return False
    return True
