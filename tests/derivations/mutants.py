"""Wrong versions of the library, applied by monkeypatching and undone on exit: a generic wrong version of one op
(forward and backward off by a factor 3/2), the backend's primitives replaced by wrong ones, and a list of
realistic bugs (a kernel not flipped, a stride ignored, /N forgotten, ...). The derivation tests and
benchmarks/mutation_verify.py use them to show that a claim fails when what it checks is wrong."""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import numpy as np
import sympy

from tinygrad_edu import backend
from tinygrad_edu.autograd import Function
from tinygrad_edu.tensor import Tensor

PRIMITIVES = ("exp", "log", "tanh", "sigmoid", "step", "relu")


def all_functions() -> dict[str, type]:
    """Every Function subclass of the library, by class name."""
    found: dict[str, type] = {}
    todo = list(Function.__subclasses__())
    while todo:
        cls = todo.pop()
        if cls.__module__.startswith("tinygrad_edu"):
            found.setdefault(cls.__name__, cls)
        todo.extend(cls.__subclasses__())
    return found


@contextlib.contextmanager
def patched(owner: Any, name: str, value: Any) -> Iterator[None]:
    """owner.name = value for the duration of the block."""
    had = name in vars(owner) if isinstance(owner, type) else True
    old = getattr(owner, name)
    setattr(owner, name, value)
    try:
        yield
    finally:
        if had:
            setattr(owner, name, old)
        else:
            delattr(owner, name)


def _scale_array(a: np.ndarray) -> np.ndarray:
    return a * 1.5 if a.dtype.kind in "fcO" else a


def _scale_grads(grads: Any) -> Any:
    scale = (lambda g: None if g is None else g * 1.5)
    return tuple(scale(g) for g in grads) if isinstance(grads, tuple) else scale(grads)


@contextlib.contextmanager
def wrong_forward(cls: type) -> Iterator[None]:
    """cls.forward's output times 3/2."""
    original = cls.forward
    with patched(cls, "forward", lambda ctx, *a, **k: _scale_array(np.asarray(original(ctx, *a, **k)))):
        yield


@contextlib.contextmanager
def wrong_backward(cls: type) -> Iterator[None]:
    """cls.backward's gradients times 3/2."""
    original = cls.backward
    with patched(cls, "backward", lambda ctx, g: _scale_grads(original(ctx, g))):
        yield


def _wrong_primitive(name: str) -> Callable:
    original = getattr(backend, name)
    return lambda a, *rest: _scale_array(np.asarray(original(a, *rest))) + (0.25 if name in ("step", "relu") else 0)


@contextlib.contextmanager
def wrong_op(name: str) -> Iterator[None]:
    """A claim's `ops` entry made wrong: "backend.tanh" returns 3/2·tanh (+¼ for step and relu); a Function
    class name has its forward and its backward off by 3/2."""
    with contextlib.ExitStack() as stack:
        if name.startswith("backend."):
            primitive = name.split(".", 1)[1]
            stack.enter_context(patched(backend, primitive, _wrong_primitive(primitive)))
        else:
            cls = all_functions()[name]
            stack.enter_context(wrong_forward(cls))
            stack.enter_context(wrong_backward(cls))
        yield


@contextlib.contextmanager
def library_wrong() -> Iterator[None]:
    """Every Function's forward and backward off by 3/2 and every backend primitive wrong: a formula side that
    does not move under this never touched the library."""
    with contextlib.ExitStack() as stack:
        for cls in all_functions().values():
            if "forward" in vars(cls):
                stack.enter_context(wrong_forward(cls))
            if "backward" in vars(cls):
                stack.enter_context(wrong_backward(cls))
        for primitive in PRIMITIVES:
            stack.enter_context(patched(backend, primitive, _wrong_primitive(primitive)))
        yield


@dataclass
class Mutant:
    """A realistic bug: `apply()` is a context manager that plants it; `gradient` says whether it changes a
    gradient the lecture states (verify must catch those)."""

    name: str
    description: str
    apply: Callable[[], Any]
    gradient: bool = True


def _conv_backward_with(transform_weight: Callable[[Tensor, dict], Tensor]) -> Callable:
    """Conv2d.backward whose input gradient uses a transformed weight (the bug), its weight gradient unchanged."""
    from tinygrad_edu.ops.conv import Conv2d, Conv2dWeight, ConvTranspose2d

    def backward(ctx, g):
        x, w = ctx.inputs
        a = ctx.attrs
        geometry = dict(stride=a["stride"], padding=a["padding"], dilation=a["dilation"], groups=a["groups"])
        dx = (ConvTranspose2d.apply(g, transform_weight(w, a), size=x.shape[2:], **geometry)
              if ctx.needs_input_grad[0] else None)
        dw = (Conv2dWeight.apply(x, g, kernel=w.shape[2:], columns=ctx.saved[0], **geometry)
              if ctx.needs_input_grad[1] else None)
        return dx, dw
    return lambda: patched(Conv2d, "backward", backward)


def _flip(w: Tensor, attrs: dict) -> Tensor:
    return Tensor(np.ascontiguousarray(w.data[..., ::-1, ::-1]))


def _mix_groups(w: Tensor, attrs: dict) -> Tensor:
    out = w.shape[0]
    return Tensor(np.ascontiguousarray(np.roll(w.data, out // attrs["groups"], axis=0))) if attrs["groups"] > 1 else w


def _backward(cls_name: str, backward: Callable) -> Callable[[], Any]:
    return lambda: patched(all_functions()[cls_name], "backward", backward)


def _forward(cls_name: str, wrap: Callable) -> Callable[[], Any]:
    def apply():
        cls = all_functions()[cls_name]
        return patched(cls, "forward", wrap(cls.forward))
    return apply


def _mean_without_n() -> Any:
    from tinygrad_edu.ops import loss

    original = loss._reduce
    return patched(loss, "_reduce", lambda l, reduction, total=None: original(l, "sum" if reduction == "mean" else
                                                                             reduction, total))


def _adam_without_bias_correction() -> Any:
    from tinygrad_edu.optim import adam

    def update(self, param, grad, state, group):
        lr, (beta1, beta2) = group["lr"], group["betas"]
        if not state:
            state["exp_avg"], state["exp_avg_sq"] = np.zeros_like(param), np.zeros_like(param)
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m += (1 - beta1) * (grad - m)
        v *= beta2
        v += (1 - beta2) * grad * grad
        param -= lr * (m / (backend.sqrt(v) + group["eps"]))
    return patched(adam.Adam, "_update", update)


def _pyramid_bins_floor() -> Any:
    from tinygrad_edu.ops import pool_shapes

    return patched(pool_shapes, "bins", lambda n, out: ((np.arange(out) * n) // out, ((np.arange(out) + 1) * n) // out))


REALISTIC = [
    Mutant("M01", "conv δ_x without the kernel flip", _conv_backward_with(_flip)),
    Mutant("M02", "grouped conv δ_x mixing groups (group g's δ through group g+1's weights)",
           _conv_backward_with(_mix_groups)),
    Mutant("M03", "cross-entropy mean without /N", _mean_without_n),
    Mutant("M04", "relu'(0) = 1", _forward("Step", lambda f: lambda ctx, x: np.asarray(
        (x >= 0).astype(x.dtype) if x.dtype != object else np.vectorize(lambda e: sympy.Heaviside(e, 1),
                                                                otypes=[object])(x)))),
    Mutant("M05", "softmax backward without the y-weighting: δ_u = y ⊙ (δ − Σ δ)",
           _backward("Softmax", lambda ctx, g: ctx.output * (g - g.sum(ctx.attrs["dim"], keepdim=True)))),
    Mutant("M06", "sigmoid' = σ (the (1 − σ) dropped)", _backward("Sigmoid", lambda ctx, g: g * ctx.output)),
    Mutant("M07", "tanh' = 1 − tanh (not squared)", _backward("Tanh", lambda ctx, g: g * (1 - ctx.output))),
    Mutant("M08", "dropout backward without 1/(1−p)",
           _backward("Dropout", lambda ctx, g: g * Tensor((ctx.attrs["scale"] != 0).astype(g.data.dtype)))),
    Mutant("M09", "average pooling backward without dividing by the window",
           _forward("AvgPool2dBackward", lambda f: lambda ctx, g, axes, divisor: f(ctx, g, axes, 1))),
    Mutant("M10", "Adam without bias correction", _adam_without_bias_correction),
    Mutant("M11", "SPP bins end at ⌊(i+1)·n/l⌋ (overlap lost)", _pyramid_bins_floor),
    Mutant("M12", "conv ∂E/∂W scaled by the stride (a stride slip)",
           _forward("Conv2dWeight", lambda f: lambda ctx, x, dy, kernel, stride, *a, **k: np.asarray(
               f(ctx, x, dy, kernel, stride, *a, **k)) * stride[0])),
    Mutant("M13", "max pooling δ to every entry of the window",
           _backward("MaxPool2d", lambda ctx, g: Tensor(np.repeat(np.repeat(g.data, 2, axis=2), 2, axis=3)[
               ..., :ctx.inputs[0].shape[2], :ctx.inputs[0].shape[3]]))),
    Mutant("M14", "matmul δ_B = δ·A (A not transposed, square case)",
           _backward("MatMul", lambda ctx, g: (g @ ctx.inputs[1].T, ctx.inputs[0] @ g if ctx.inputs[0].ndim == 2
                                                and ctx.inputs[0].shape[0] == ctx.inputs[0].shape[1] else
                                                ctx.inputs[0].T @ g))),
]
"""Realistic bugs, one at a time (the issue's list, as far as a monkeypatch can plant them)."""
