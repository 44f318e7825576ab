"""Each recorded Function as ONNX nodes (opset 17), reading the attributes it ran with: the fallback for
any module without a one-node ONNX form, and the ops a model's own forward applies (relu, +, cat, ...)."""
from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

from ..export.trace import OpStep, describe, module_of
from .builder import Builder, UnsupportedOpError, onnx_dtype

Emit = Callable[[Builder, OpStep, list[str], str], Any]
INT64_MIN = -(2 ** 63)

UNARY = {"Neg": "Neg", "Exp": "Exp", "Log": "Log", "Sqrt": "Sqrt", "Abs": "Abs", "Sign": "Sign", "Tanh": "Tanh",
         "Sigmoid": "Sigmoid", "Relu": "Relu", "Erf": "Erf", "Clone": "Identity"}
BINARY = {"Add": "Add", "Sub": "Sub", "Mul": "Mul", "Div": "Div", "Pow": "Pow", "MatMul": "MatMul",
          "Maximum": "Max", "Minimum": "Min"}


def _conv_pads(padding: tuple) -> list[int]:
    """((top, bottom), (left, right)) → ONNX's [top, left, bottom, right]."""
    (t, b), (l, r) = padding
    return [t, l, b, r]


def _conv(b: Builder, step: OpStep, ins: list[str], scope: str) -> str:
    a = step.fn.attrs
    w = step.inputs[1]
    return b.node("Conv", ins, scope, step.output, kernel_shape=list(w.shape[2:]), strides=list(a["stride"]),
                  pads=_conv_pads(a["padding"]), dilations=list(a["dilation"]), group=a["groups"])


def conv_transpose_attrs(step: OpStep) -> dict[str, Any]:
    """ConvTranspose's attributes from a recorded ConvTranspose2d: the per-side padding, and output_padding
    making up the difference between its output size and the one the padding alone gives."""
    a = step.fn.attrs
    y, w = step.inputs[:2]
    pads = _conv_pads(a["padding"])
    extra = []
    for axis in range(2):
        natural = ((y.shape[2 + axis] - 1) * a["stride"][axis] + a["dilation"][axis] * (w.shape[2 + axis] - 1) + 1
                   - pads[axis] - pads[axis + 2])
        extra.append(a["size"][axis] - natural)
    if min(extra) < 0:
        raise UnsupportedOpError(f"onnx.export: ConvTranspose2d output size {a['size']} is smaller than its padding "
                                 "allows; no ConvTranspose attributes give it")
    return dict(kernel_shape=list(w.shape[2:]), strides=list(a["stride"]), pads=pads, dilations=list(a["dilation"]),
                group=a["groups"], output_padding=extra)


def _conv_transpose(b: Builder, step: OpStep, ins: list[str], scope: str) -> str:
    return b.node("ConvTranspose", ins, scope, step.output, **conv_transpose_attrs(step))


def pool_attrs(axes: tuple) -> dict[str, Any]:
    """Window attributes from the pooling axes: the right/bottom padding covers exactly the windows PyTorch
    takes (ceil_mode's overhang included), so ONNX's floor rule gives the same number of windows."""
    return dict(kernel_shape=[a.k for a in axes], strides=[a.s for a in axes],
                pads=[a.p for a in axes] + [a.pad_after for a in axes])


def _pool(b: Builder, op: str, x: str, axes: tuple, fill: float, scope: str, out: Any, **extra: Any) -> str:
    """A pooling node; padding as wide as the kernel (ceil_mode's overhang past a small kernel), which ONNX
    Runtime refuses as an attribute, becomes an explicit Pad with `fill` (−∞ for max, 0 for average)."""
    attrs = pool_attrs(axes)
    if all(p < a.k for p, a in zip(attrs["pads"], axes + axes)):
        return b.node(op, [x], scope, out, **attrs, **extra)
    n = len(axes)
    pads = b.ints([0, 0] + attrs["pads"][:n] + [0, 0] + attrs["pads"][n:], f"{scope}.pads")
    padded = b.node("Pad", [x, pads, b.constant(np.asarray(fill, dtype=np.float32), f"{scope}.fill")], scope,
                    mode="constant")
    attrs["pads"] = [0] * (2 * n)
    return b.node(op, [padded], scope, out, **attrs, **extra)


def _max_pool(b: Builder, step: OpStep, ins: list[str], scope: str) -> str:
    axes = step.fn.attrs["axes"]
    if "argmax" in step.fn.attrs:
        raise UnsupportedOpError(f"onnx.export: a max pooling that gathers at given winners (a second derivative) "
                                 f"has no ONNX form (in {scope or 'the model'})")
    return _pool(b, "MaxPool", ins[0], axes, -np.inf, scope, step.output, dilations=[a.d for a in axes])


def _avg_pool(b: Builder, step: OpStep, ins: list[str], scope: str) -> str:
    """AveragePool over the padded input divides by kh·kw everywhere; PyTorch's divisor (clipped windows,
    count_include_pad, divisor_override) is then applied as a per-position factor kh·kw / divisor."""
    axes, divisor = step.fn.attrs["axes"], np.asarray(step.fn.attrs["divisor"])
    area = axes[0].k * axes[1].k
    uniform = divisor.size and np.all(divisor == area)
    out = None if not uniform else step.output
    mean = _pool(b, "AveragePool", ins[0], axes, 0.0, scope, out, count_include_pad=1)
    if uniform:
        return mean
    factor = b.constant((area / divisor).astype(step.output.dtype), f"{scope}.divisor")
    return b.node("Mul", [mean, factor], scope, step.output)


def _reshape(b: Builder, step: OpStep, ins: list[str], scope: str) -> str:
    return b.node("Reshape", [ins[0], b.ints(step.output.shape, f"{scope}.shape")], scope, step.output)


def _axes_input(b: Builder, axes: Optional[tuple], ndim: int, scope: str) -> list[str]:
    return [] if axes is None else [b.ints([a % max(ndim, 1) for a in axes], f"{scope}.axes")]


def _sum(b: Builder, step: OpStep, ins: list[str], scope: str) -> str:
    a = step.fn.attrs
    axes = _axes_input(b, a["axes"], step.inputs[0].ndim, scope)
    return b.node("ReduceSum", [ins[0]] + axes, scope, step.output, keepdims=int(bool(a["keepdims"])))


def _reduce_extreme(op: str) -> Emit:
    def emit(b: Builder, step: OpStep, ins: list[str], scope: str) -> str:
        a = step.fn.attrs
        axes = None if a["axes"] is None else [x % max(step.inputs[0].ndim, 1) for x in a["axes"]]
        return b.node(op, ins, scope, step.output, axes=axes, keepdims=int(bool(a["keepdims"])))
    return emit


def _sum_to(b: Builder, step: OpStep, ins: list[str], scope: str) -> str:
    x, shape = step.inputs[0], step.fn.attrs["shape"]
    lead = x.ndim - len(shape)
    axes = list(range(lead)) + [lead + i for i, s in enumerate(shape) if s == 1 and x.shape[lead + i] != 1]
    summed = b.node("ReduceSum", [ins[0], b.ints(axes, f"{scope}.axes")], scope, keepdims=1) if axes else ins[0]
    return b.node("Reshape", [summed, b.ints(step.output.shape, f"{scope}.shape")], scope, step.output)


def _expand(b: Builder, step: OpStep, ins: list[str], scope: str) -> str:
    return b.node("Expand", [ins[0], b.ints(step.output.shape, f"{scope}.shape")], scope, step.output)


def _permute(b: Builder, step: OpStep, ins: list[str], scope: str) -> str:
    return b.node("Transpose", ins, scope, step.output, perm=list(step.fn.attrs["dims"]))


def _cat(b: Builder, step: OpStep, ins: list[str], scope: str) -> str:
    return b.node("Concat", ins, scope, step.output, axis=step.fn.attrs["dim"])


def _softmax(op: str) -> Emit:
    def emit(b: Builder, step: OpStep, ins: list[str], scope: str) -> str:
        return b.node(op, ins, scope, step.output, axis=step.fn.attrs["dim"])
    return emit


def _leaky_relu(b: Builder, step: OpStep, ins: list[str], scope: str) -> str:
    return b.node("LeakyRelu", ins, scope, step.output, alpha=float(step.fn.attrs["negative_slope"]))


def _pow_const(b: Builder, step: OpStep, ins: list[str], scope: str) -> str:
    exponent = b.constant(np.asarray(step.fn.attrs["exponent"], dtype=step.output.dtype), f"{scope}.exponent")
    return b.node("Pow", [ins[0], exponent], scope, step.output)


def _cast(b: Builder, step: OpStep, ins: list[str], scope: str) -> str:
    return b.node("Cast", ins, scope, step.output, to=onnx_dtype(step.output.dtype, scope))


def _where(b: Builder, step: OpStep, ins: list[str], scope: str) -> str:
    return b.node("Where", ins, scope, step.output)


def _clamp(b: Builder, step: OpStep, ins: list[str], scope: str) -> str:
    a, value, rest = step.fn.attrs, ins[0], list(ins[1:])
    bounds = [op for op, present in (("Max", a["has_min"]), ("Min", a["has_max"])) if present]
    for k, op in enumerate(bounds):
        value = b.node(op, [value, rest[k]], scope, step.output if k == len(bounds) - 1 else None)
    return value


def _log1p(b: Builder, step: OpStep, ins: list[str], scope: str) -> str:
    one = b.constant(np.ones((), step.output.dtype), f"{scope}.one")
    return b.node("Log", [b.node("Add", [ins[0], one], scope)], scope, step.output)


def _expm1(b: Builder, step: OpStep, ins: list[str], scope: str) -> str:
    one = b.constant(np.ones((), step.output.dtype), f"{scope}.one")
    return b.node("Sub", [b.node("Exp", ins, scope), one], scope, step.output)


def _basic(key: Any) -> bool:
    keys = key if isinstance(key, tuple) else (key,)
    return all(k is None or k is Ellipsis or isinstance(k, (int, np.integer, slice)) for k in keys)


def _expand_key(key: Any, ndim: int) -> list[Any]:
    """A basic key as one entry per input axis (Ellipsis filled with full slices), `None`s kept in place."""
    keys = list(key) if isinstance(key, tuple) else [key]
    used = sum(1 for k in keys if k is not None and k is not Ellipsis)
    out: list[Any] = []
    for k in keys:
        if k is Ellipsis:
            out.extend([slice(None)] * (ndim - used))
        else:
            out.append(k)
    axes = sum(1 for k in out if k is not None)
    return out + [slice(None)] * (ndim - axes)


def _slice_basic(b: Builder, x: str, shape: tuple, key: Any, scope: str) -> str:
    """x[key] for ints, slices, None and Ellipsis: one Slice over the sliced axes (the shape is fixed later)."""
    starts, ends, axes, steps = [], [], [], []
    axis = 0
    for k in _expand_key(key, len(shape)):
        if k is None:
            continue
        n = shape[axis]
        if isinstance(k, slice):
            start, stop, step = k.indices(n)
            if (start, stop, step) != (0, n, 1):
                starts.append(start)
                ends.append(INT64_MIN if step < 0 and stop < 0 else stop)
                axes.append(axis)
                steps.append(step)
        else:
            i = int(k) % n
            starts.append(i)
            ends.append(i + 1)
            axes.append(axis)
            steps.append(1)
        axis += 1
    if not axes:
        return x
    return b.node("Slice", [x, b.ints(starts, f"{scope}.starts"), b.ints(ends, f"{scope}.ends"),
                            b.ints(axes, f"{scope}.axes"), b.ints(steps, f"{scope}.steps")], scope)


def _gather_axis(key: Any, ndim: int) -> Optional[tuple[int, np.ndarray]]:
    """(axis, integer indices) when the key is full slices around one index array (a Gather)."""
    keys = list(key) if isinstance(key, tuple) else [key]
    arrays = [(k, v) for k, v in enumerate(keys) if isinstance(v, np.ndarray)]
    if len(arrays) != 1 or Ellipsis in [k for k in keys if not isinstance(k, np.ndarray)]:
        return None
    axis, index = arrays[0]
    if any(not (isinstance(k, slice) and k == slice(None)) for j, k in enumerate(keys) if j != axis):
        return None
    if index.dtype == np.bool_:
        if index.ndim != 1:
            return None
        index = np.flatnonzero(index)
    return (axis, index.astype(np.int64)) if index.dtype.kind in "iu" else None


def _getitem(b: Builder, step: OpStep, ins: list[str], scope: str) -> str:
    a, x = step.fn.attrs, step.inputs[0]
    value, shape = ins[0], x.shape
    pre, key = a.get("pre"), a["key"]
    if pre is not None:
        value = _slice_basic(b, value, shape, pre, scope)
        shape = np.empty(shape, dtype=np.bool_)[pre].shape
    if _basic(key):
        value = _slice_basic(b, value, shape, key, scope)
    else:
        gather = _gather_axis(key, len(shape))
        if gather is None:
            raise UnsupportedOpError(f"onnx.export: GetItem with the index {key!r} has no ONNX form here (one index "
                                     f"array between full slices is a Gather; in {scope or 'the model'})")
        axis, index = gather
        index = np.where(index < 0, index + shape[axis], index)
        value = b.node("Gather", [value, b.constant(index, f"{scope}.index")], scope, axis=axis)
    return b.node("Reshape", [value, b.ints(step.output.shape, f"{scope}.shape")], scope, step.output)


def _index_add(b: Builder, step: OpStep, ins: list[str], scope: str) -> str:
    """zeros(shape) with g at a block of unit-step slices and ints: a Pad of g."""
    a = step.fn.attrs
    shape, key = a["shape"], a["key"]
    if a.get("pre") is not None or not _basic(key):
        raise UnsupportedOpError(f"onnx.export: IndexAdd at {key!r} has no ONNX form here (in {scope or 'the model'})")
    before, after, region = [], [], []
    axis = 0
    for k in _expand_key(key, len(shape)):
        if k is None:
            continue
        n = shape[axis]
        start, stop, stride = k.indices(n) if isinstance(k, slice) else (int(k) % n, int(k) % n + 1, 1)
        if stride != 1:
            raise UnsupportedOpError(f"onnx.export: IndexAdd with step {stride} has no Pad form (in {scope})")
        before.append(start)
        after.append(n - max(stop, start))
        region.append(max(stop - start, 0))
        axis += 1
    value = b.node("Reshape", [ins[0], b.ints(region, f"{scope}.shape")], scope)
    return b.node("Pad", [value, b.ints(before + after, f"{scope}.pads")], scope, step.output, mode="constant")


def _dropout(b: Builder, step: OpStep, ins: list[str], scope: str) -> str:
    raise UnsupportedOpError(f"onnx.export: dropout in training mode (in {scope or 'the model'}) has no fixed graph; "
                             "export applies dropout as at eval (call F.dropout(x, p, self.training))")


EMITTERS: dict[str, Emit] = {
    "Conv2d": _conv, "ConvTranspose2d": _conv_transpose, "MaxPool2d": _max_pool, "AvgPool2d": _avg_pool,
    "Reshape": _reshape, "Permute": _permute, "BroadcastTo": _expand, "SumTo": _sum_to, "Cat": _cat,
    "GetItem": _getitem, "IndexAdd": _index_add, "Sum": _sum, "Max": _reduce_extreme("ReduceMax"),
    "Min": _reduce_extreme("ReduceMin"), "Softmax": _softmax("Softmax"), "LogSoftmax": _softmax("LogSoftmax"),
    "LeakyRelu": _leaky_relu, "PowConst": _pow_const, "Cast": _cast, "Where": _where, "Clamp": _clamp,
    "Log1p": _log1p, "Expm1": _expm1,
}


def _simple(op: str) -> Emit:
    def emit(b: Builder, step: OpStep, ins: list[str], scope: str) -> str:
        return b.node(op, ins, scope, step.output)
    return emit


def _promoted(op: str) -> Emit:
    """A binary op whose inputs NumPy promoted (a bool mask times a float): each input cast to the result's type."""
    def emit(b: Builder, step: OpStep, ins: list[str], scope: str) -> str:
        want = step.output.dtype
        cast = [name if t.dtype == want else b.node("Cast", [name], scope, to=onnx_dtype(want, scope))
                for t, name in zip(step.inputs, ins)]
        return b.node(op, cast, scope, step.output)
    return emit


for _name, _op in UNARY.items():
    EMITTERS[_name] = _simple(_op)
for _name, _op in BINARY.items():
    EMITTERS[_name] = _promoted(_op)


def scope_of(step: OpStep, module: str) -> str:
    """The op's place for its node name: the qualified name of the module call it ran in ("" at the root),
    then the functional compositions it ran inside ("features.2/local_response_norm")."""
    return "/".join(([module] if module else []) + module_of(step.fn)[2])


def emit_function(b: Builder, step: OpStep, module: str) -> None:
    """The ONNX nodes of one Function recorded in the call of `module` (its qualified name), or an
    UnsupportedOpError naming it, its module and its line."""
    name = step.fn.name
    scope = scope_of(step, module)
    emit = _dropout if name == "Dropout" else EMITTERS.get(name)
    if emit is None:
        raise UnsupportedOpError(f"onnx.export: the op {describe(step.fn)} has no ONNX form here; supported ops: "
                                 f"{', '.join(sorted(EMITTERS))}")
    ins = [b.value(t, scope) for t in step.inputs]
    emit(b, step, ins, scope)

