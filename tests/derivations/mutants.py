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


def _functional(name: str, make: Callable[[Callable], Callable]) -> Callable[[], Any]:
    """tinygrad_edu.functional.<name> replaced by make(original) (the claims call the ops through F.<name>)."""
    def apply():
        from tinygrad_edu import functional

        return patched(functional, name, make(getattr(functional, name)))
    return apply


def _weight_gradient_stride_one(f: Callable) -> Callable:
    return lambda ctx, x, dy, kernel, stride, *a, **k: f(ctx, x, dy, kernel, (1, 1), *a, **k)


def _dilation_swapped(f: Callable) -> Callable:
    """conv2d whose dilation pair is read as (d_w, d_h): the output size and the taps follow the swapped pair."""
    def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
        d = (dilation, dilation) if isinstance(dilation, int) else tuple(dilation)
        return f(input, weight, bias, stride, padding, d[::-1], groups)
    return conv2d


def _lrn_window_mirrored(f: Callable) -> Callable:
    """LRN whose channel window is [i − (n−1)/2, i + n/2] instead of [i − n/2, i + (n−1)/2] (off by one for even n):
    the right answer on the channel-reversed input, reversed back."""
    return lambda input, size, *a, **k: f(input.flip(1), size, *a, **k).flip(1)


def _fold_padding_one_side(f: Callable) -> Callable:
    """fold that crops the whole 2p of padding from the bottom/right (the top/left p rows kept instead)."""
    def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
        p = (padding, padding) if isinstance(padding, int) else tuple(padding)
        size = (output_size, output_size) if isinstance(output_size, int) else tuple(output_size)
        if p == (0, 0):
            return f(input, size, kernel_size, dilation, 0, stride)
        whole = f(input, (size[0] + 2 * p[0], size[1] + 2 * p[1]), kernel_size, dilation, 0, stride)
        return whole[:, :, :size[0], :size[1]]
    return fold


def _output_padding_in_front(f: Callable) -> Callable:
    """conv_transpose2d that adds its output_padding rows/columns at the top/left instead of the bottom/right."""
    def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
        e = (output_padding, output_padding) if isinstance(output_padding, int) else tuple(output_padding)
        y = f(input, weight, bias, stride, padding, 0, groups, dilation)
        if e == (0, 0):
            return y
        from tinygrad_edu.ops.padding import pad
        return pad(y, (e[1], 0, e[0], 0))
    return conv_transpose2d


def _batch_norm_mean_detached(f: Callable) -> Callable:
    """batch norm whose backward treats the batch mean as a constant (the −mean(δ̂) term of ∂E/∂x lost)."""
    def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1,
                   eps=1e-5):
        if not training:
            return f(input, running_mean, running_var, weight, bias, training, momentum, eps)
        axes = (0,) + tuple(range(2, input.ndim))
        shape = (1, input.shape[1]) + (1,) * (input.ndim - 2)
        centred = input - input.mean(axes, keepdim=True).detach()
        var = (centred * centred).mean(axes, keepdim=True)
        out = centred / (var + Tensor(np.asarray(eps, dtype=input.data.dtype))).sqrt()
        out = out if weight is None else out * weight.reshape(shape)
        return out if bias is None else out + bias.reshape(shape)
    return batch_norm


def _leaky_default_slope() -> Any:
    def backward(ctx, g):
        (x,) = ctx.inputs
        return g * type(g)._make(backend.where_positive(x.data, 0.01), False)
    return patched(all_functions()["LeakyRelu"], "backward", backward)


def _transpose_backward_flipped() -> Any:
    """conv_transpose2d's δ_y through the flipped kernel (the flip belongs to one direction only)."""
    from tinygrad_edu.ops.conv import Conv2d, Conv2dWeight, ConvTranspose2d

    def backward(ctx, g):
        y, w = ctx.inputs
        a = ctx.attrs
        geometry = dict(stride=a["stride"], padding=a["padding"], dilation=a["dilation"], groups=a["groups"])
        flipped = Tensor(np.ascontiguousarray(w.data[..., ::-1, ::-1]))
        dy = Conv2d.apply(g, flipped, out=y.shape[2:], **geometry) if ctx.needs_input_grad[0] else None
        dw = Conv2dWeight.apply(g, y, kernel=w.shape[2:], **geometry) if ctx.needs_input_grad[1] else None
        return dy, dw
    return patched(ConvTranspose2d, "backward", backward)


def _padding_top_left(f: Callable) -> Callable:
    """conv2d that puts all 2p zero rows/columns at the top/left (the output size stays right)."""
    def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
        p = (padding, padding) if isinstance(padding, int) else tuple(padding)
        if p == (0, 0) or isinstance(padding, str):
            return f(input, weight, bias, stride, padding, dilation, groups)
        from tinygrad_edu.ops.padding import pad
        return f(pad(input, (2 * p[1], 0, 2 * p[0], 0)), weight, bias, stride, 0, dilation, groups)
    return conv2d


def _locally_connected_shared(f: Callable) -> Callable:
    """locally connected layer that uses the weights of position (1, 1) everywhere (a convolution after all)."""
    def locally_connected2d(input, weight, bias=None, stride=1, padding=0):
        shared = weight[:1, :1] * Tensor(np.ones(weight.shape[:2] + (1,) * 4, dtype=weight.data.dtype))
        return f(input, shared, bias, stride, padding)
    return locally_connected2d


def _sgd_with(weight_decay_sign: int = 1, keep_momentum: bool = True) -> Callable[[], Any]:
    """SGD whose weight decay enters with `weight_decay_sign` and whose momentum buffer is kept or not."""
    def update(self, param, grad, state, group):
        grad = grad + weight_decay_sign * group["weight_decay"] * param
        if group["momentum"] != 0:
            buf = state.get("momentum_buffer") if keep_momentum else None
            if buf is None:
                buf = state["momentum_buffer"] = np.array(grad, copy=True)
            else:
                buf *= group["momentum"]
                buf += grad
            grad = buf
        param -= group["lr"] * grad

    def apply():
        from tinygrad_edu.optim import sgd

        return patched(sgd.SGD, "_update", update)
    return apply


def _square_root_divisor(f: Callable) -> Callable:
    """average pooling forward divided by k instead of k² (a 2×2 window summed and halved)."""
    def root(divisor):
        d = np.asarray(divisor)
        return np.vectorize(sympy.sqrt, otypes=[object])(d) if d.dtype == object else np.sqrt(d).astype(d.dtype)
    return lambda ctx, x, axes, divisor: f(ctx, x, axes, root(divisor))

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
    Mutant("M15", "conv ∂E/∂W with the stride ignored (windows at i, j instead of s·i, s·j)",
           _forward("Conv2dWeight", _weight_gradient_stride_one)),
    Mutant("M16", "dilation on the wrong axis ((d_h, d_w) read as (d_w, d_h))", _functional("conv2d", _dilation_swapped)),
    Mutant("M17", "LRN window off by one for even n (mirrored)", _functional("local_response_norm", _lrn_window_mirrored)),
    Mutant("M18", "fold crops its padding from one side only", _functional("fold", _fold_padding_one_side),
           gradient=False),
    Mutant("M19", "conv_transpose2d output_padding added at the top/left", _functional("conv_transpose2d",
                                                                                      _output_padding_in_front)),
    Mutant("M20", "leaky ReLU backward with the default slope 0.01 instead of a", _leaky_default_slope, gradient=False),
    Mutant("M21", "batch-norm gradient without the mean term (batch mean treated as a constant)",
           _functional("batch_norm", _batch_norm_mean_detached)),
    Mutant("M22", "ReLU backward passes δ everywhere (relu' = 1)", _backward("Relu", lambda ctx, g: g)),
    Mutant("M23", "log-softmax backward without the softmax weighting: δ − Σ δ",
           _backward("LogSoftmax", lambda ctx, g: g - g.sum(ctx.attrs["dim"], keepdim=True))),
    Mutant("M24", "conv_transpose2d δ_y through the flipped kernel", _transpose_backward_flipped),
    Mutant("M25", "conv2d zero padding all at the top/left", _functional("conv2d", _padding_top_left)),
    Mutant("M26", "locally connected layer sharing one position's weights", _functional("locally_connected2d",
                                                                                         _locally_connected_shared)),
    Mutant("M27", "dropout backward without the mask (δ·1/(1−p) everywhere)",
           _backward("Dropout", lambda ctx, g: g * float(np.max(ctx.attrs["scale"])))),
    Mutant("M28", "max pooling δ to the window's first entry, not the arg max",
           _backward("MaxPool2d", lambda ctx, g: Tensor(np.pad(
               np.kron(g.data, np.array([[1, 0], [0, 0]], dtype=g.data.dtype)),
               ((0, 0), (0, 0), (0, ctx.inputs[0].shape[2] - 2 * g.shape[2]),
                (0, ctx.inputs[0].shape[3] - 2 * g.shape[3])))))),
    Mutant("M29", "SGD weight decay with the wrong sign (∇E − λw)", _sgd_with(weight_decay_sign=-1)),
    Mutant("M30", "SGD momentum buffer restarted at every step", _sgd_with(keep_momentum=False)),
    Mutant("M31", "sigmoid forward 1/(1 + e^u) (sign slip; the backward follows the wrong output)",
           _forward("Sigmoid", lambda f: lambda ctx, x: f(ctx, -x))),
    Mutant("M32", "average pooling forward divided by k instead of k²", _forward("AvgPool2d", _square_root_divisor)),
]
"""Realistic bugs, one at a time (the issue's list, as far as a monkeypatch can plant them)."""
