"""Hyper-parameters of convolutions, checked, and the output sizes they give (lecture F25, F26, F32):

    conv2d:            out = ⌊(n + p_begin + p_end − d·(k − 1) − 1)/s⌋ + 1
    conv_transpose2d:  n_out = (n − 1)·s − 2p + d·(k − 1) + output_padding + 1

Each check raises a ShapeError (a RuntimeError, as PyTorch, and a ValueError) that names the op, the shapes and
the rule that failed; a float or bool hyper-parameter is a TypeError (ArgumentTypeError, also a ShapeError); an
integer or bool input a DtypeError (a TypeError, and a RuntimeError as PyTorch's "Input type ... should be the same").
"""
from __future__ import annotations

import functools
from typing import Any, Optional

import numpy as np

from ..errors import ArgumentTypeError, DtypeError, ShapeError
from ..memory import check_allocation
from .args import same_dtype
from .local import pair

Pair = tuple[int, int]
Padding = tuple[Pair, Pair]


def _positive_pair(value: Any, op: str, name: str) -> Pair:
    values = pair(value, op, name)
    if min(values) < 1:
        raise ShapeError(f"{op}: {name} must be positive, got {values}")
    return values


def _groups(groups: Any, op: str) -> int:
    if not isinstance(groups, (int, np.integer)) or isinstance(groups, bool):
        raise TypeError(f"{op}: groups must be a positive int, got {groups!r}")
    if groups < 1:
        raise ShapeError(f"{op}: groups must be a positive int, got {groups!r}")
    return int(groups)


def check_dtypes(op: str, **arrays: Any) -> None:
    """Convolutions compute in floating point (or on SymPy objects), in one dtype: an integer or bool tensor is
    refused, as PyTorch does ("not implemented for 'Long'"), instead of integer or boolean arithmetic, and so
    are mixed float dtypes ("Input type (double) and bias type (float) should be the same"). Only a bias may be
    None; anything but a Tensor or a NumPy array is a TypeError naming the op."""
    from ..tensor import Tensor

    for name, a in arrays.items():
        if a is None and name == "bias":
            continue
        if not isinstance(a, (Tensor, np.ndarray)):
            raise TypeError(f"{op}: {name} must be a Tensor (or a NumPy array), got {type(a).__name__}")
        if a.dtype != object and a.dtype.kind not in "fc":
            raise DtypeError(f"{op}: {name} has dtype {a.dtype} (shape {tuple(a.shape)}); convolution needs "
                            f"floating-point tensors, cast with .float()")
    same_dtype(op, **{name: a for name, a in arrays.items() if a is not None})


def check_kernel(op: str, w_shape: tuple, layout: str) -> None:
    """A kernel of zero height or width fits anywhere and sums nothing: PyTorch refuses it, so do we."""
    if min(w_shape[2:]) < 1:
        raise ShapeError(f"{op}: weight {w_shape} ({layout}) has a kernel of size {tuple(w_shape[2:])}; every "
                         "kernel side must be at least 1")


_LARGE = 1 << 28


def check_columns(op: str, n: int, channels: int, kernel: Pair, out: tuple, dtype: Any) -> None:
    """The column matrix Z (C·kh·kw rows, N·oh·ow columns) is the largest array a conv builds: refuse one the
    machine cannot hold before allocating it (only large ones are checked: reading the free memory costs)."""
    columns = n
    for size in out:
        columns *= int(size)
    shape = (channels * kernel[0] * kernel[1], columns)
    if shape[0] * columns * np.dtype(dtype).itemsize > _LARGE:
        check_allocation(f"{op} (its im2col column matrix)", shape, dtype)


def conv_padding(padding: Any, op: str, kernel: Pair, stride: Pair, dilation: Pair) -> Padding:
    """((top, bottom), (left, right)) from an int, a pair, 'valid' or 'same' (PyTorch puts an odd extra
    'same' pad at the bottom and right)."""
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0), (0, 0)
        if padding == "same":
            if stride != (1, 1):
                raise ShapeError(f"{op}: padding='same' needs stride 1 (only then does the output keep the input's "
                                 f"size), got stride {stride}")
            totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
            return tuple((t // 2, t - t // 2) for t in totals)  # type: ignore[return-value]
        raise ShapeError(f"{op}: padding must be an int, a pair of ints, 'valid' or 'same', got {padding!r}")
    ph, pw = pair(padding, op, "padding")
    if ph < 0 or pw < 0:
        raise ShapeError(f"{op}: padding must be non-negative, got {(ph, pw)}")
    return (ph, ph), (pw, pw)


def conv_out_size(op: str, axis: str, n: int, k: int, s: int, pad: Pair, d: int) -> int:
    """⌊(n + p_begin + p_end − d(k − 1) − 1)/s⌋ + 1, or an error that shows the formula with the numbers."""
    span = d * (k - 1) + 1
    size = (n + pad[0] + pad[1] - span) // s + 1
    if size > 0:
        return size
    padded = f"2·{pad[0]}" if pad[0] == pad[1] else f"{pad[0]} + {pad[1]}"
    kernel = f"{k}" if d == 1 else f"({d}·({k} − 1) + 1)"
    shown = str(size).replace("-", "−")
    formula = f"({n} + {padded} − {kernel})/{s} + 1" if s == 1 else f"⌊({n} + {padded} − {kernel})/{s}⌋ + 1"
    extra = "" if d == 1 else f", dilation {d}"
    raise ShapeError(f"{op}: output {axis} {formula} = {shown} is not positive (input {n}, kernel {k}, "
                     f"padding {pad[0] if pad[0] == pad[1] else pad}, stride {s}{extra}): the kernel does not fit "
                     f"in the padded input")


def conv2d_attrs(op: str, x_shape: tuple, w_shape: tuple, bias_shape: Optional[tuple], stride: Any, padding: Any,
                 dilation: Any, groups: Any, axes: tuple[str, str] = ("height", "width")) -> dict:
    """Check a conv2d call on (N, C, H, W) and (O, C/groups, kh, kw) shapes; return the Conv2d attrs."""
    if len(x_shape) != 4:
        raise ShapeError(f"{op}: expected input (N, C, H, W) or unbatched (C, H, W), got shape {x_shape}")
    if len(w_shape) != 4:
        raise ShapeError(f"{op}: weight must be (out_channels, in_channels/groups, kh, kw), got shape {w_shape}")
    groups = _groups(groups, op)
    stride, dilation = _positive_pair(stride, op, "stride"), _positive_pair(dilation, op, "dilation")
    check_kernel(op, w_shape, "out_channels, in_channels/groups, kh, kw")
    c, (o, c_g, kh, kw) = x_shape[1], w_shape
    if c % groups:
        raise ShapeError(f"{op}: input channels C = {c} are not divisible by groups = {groups} (input {x_shape})")
    if o % groups:
        raise ShapeError(f"{op}: output channels {o} (weight {w_shape}) are not divisible by groups = {groups}")
    if c_g * groups != c:
        raise ShapeError(f"{op}: weight {w_shape} expects C = in_channels/groups · groups = {c_g}·{groups} = "
                         f"{c_g * groups} input channels, but the input {x_shape} has C = {c}")
    if bias_shape is not None and tuple(bias_shape) != (o,):
        raise ShapeError(f"{op}: bias shape {tuple(bias_shape)} must be (out_channels,) = ({o},) for weight {w_shape}")
    pad = conv_padding(padding, op, (kh, kw), stride, dilation)
    out = tuple(conv_out_size(op, axis, n, k, s, p, d)
                for axis, n, k, s, p, d in zip(axes, x_shape[2:], (kh, kw), stride, pad, dilation))
    return dict(stride=stride, padding=pad, dilation=dilation, groups=groups, out=out)


def _plain(value: Any) -> bool:
    """An int, a str or a tuple of ints, as plain Python values: a safe cache key (True == 1 and 1.0 == 1 would
    share a cache entry with 1 and skip their TypeError)."""
    kind = type(value)
    return kind is int or kind is str or (kind is tuple and all(type(v) is int for v in value))


@functools.lru_cache(maxsize=512)
def _cached_conv2d_attrs(op: str, x_shape: tuple, w_shape: tuple, bias_shape: Optional[tuple], stride: Any,
                         padding: Any, dilation: Any, groups: int) -> tuple:
    return tuple(conv2d_attrs(op, x_shape, w_shape, bias_shape, stride, padding, dilation, groups).items())


def cached_conv2d_attrs(op: str, x_shape: tuple, w_shape: tuple, bias_shape: Optional[tuple], stride: Any,
                        padding: Any, dilation: Any, groups: Any) -> dict:
    """conv2d_attrs, cached per (shapes, hyper-parameters) when those are plain ints, strs and tuples of ints
    (the same check on every training step; errors are raised, never cached)."""
    if type(groups) is int and _plain(stride) and _plain(padding) and _plain(dilation):
        return dict(_cached_conv2d_attrs(op, tuple(x_shape), tuple(w_shape),
                                         None if bias_shape is None else tuple(bias_shape), stride, padding,
                                         dilation, groups))
    return conv2d_attrs(op, x_shape, w_shape, bias_shape, stride, padding, dilation, groups)


def conv_transpose2d_attrs(op: str, y_shape: tuple, w_shape: tuple, bias_shape: Optional[tuple], stride: Any,
                           padding: Any, output_padding: Any, dilation: Any, groups: Any) -> dict:
    """Check a conv_transpose2d call on (N, C_in, H, W) and (C_in, C_out/groups, kh, kw) shapes; return the
    ConvTranspose2d attrs (its output size n_out = (n − 1)·s − 2p + d(k − 1) + output_padding + 1)."""
    if len(y_shape) != 4:
        raise ShapeError(f"{op}: expected input (N, C, H, W) or unbatched (C, H, W), got shape {y_shape}")
    if len(w_shape) != 4:
        raise ShapeError(f"{op}: weight must be (in_channels, out_channels/groups, kh, kw), got shape {w_shape}")
    groups = _groups(groups, op)
    stride, dilation = _positive_pair(stride, op, "stride"), _positive_pair(dilation, op, "dilation")
    if isinstance(padding, str):
        raise ArgumentTypeError(f"{op}: padding must be an int or a pair of ints (no 'same'/'valid'), got "
                                f"{padding!r}")
    pad = pair(padding, op, "padding")
    extra = pair(output_padding, op, "output_padding")
    if min(pad) < 0 or min(extra) < 0:
        raise ShapeError(f"{op}: padding {pad} and output_padding {extra} must be non-negative")
    size = transposed_output_size(op, y_shape, w_shape, bias_shape, groups, stride, pad, dilation, extra,
                                  ("height", "width"), "kh, kw")
    return dict(stride=stride, padding=((pad[0], pad[0]), (pad[1], pad[1])), dilation=dilation, groups=groups,
                size=size)


def transposed_output_size(op: str, y_shape: tuple, w_shape: tuple, bias_shape: Optional[tuple], groups: int,
                           stride: tuple, pad: tuple, dilation: tuple, extra: tuple, axes: tuple,
                           kernel_names: str) -> tuple:
    """The checks a transposed convolution of any dimension shares (weight, channels, groups, bias,
    output_padding < stride or dilation) and its output size per axis, n_out = (n − 1)·s − 2p + d(k − 1) + e + 1."""
    check_kernel(op, w_shape, f"in_channels, out_channels/groups, {kernel_names}")
    c_in, c_out_g = w_shape[:2]
    if y_shape[1] != c_in:
        raise ShapeError(f"{op}: weight {w_shape} expects in_channels = {c_in}, but the input {y_shape} has "
                         f"C = {y_shape[1]}")
    if c_in % groups:
        raise ShapeError(f"{op}: input channels C = {c_in} are not divisible by groups = {groups} (input {y_shape})")
    if bias_shape is not None and tuple(bias_shape) != (c_out_g * groups,):
        raise ShapeError(f"{op}: bias shape {tuple(bias_shape)} must be (out_channels,) = ({c_out_g * groups},) "
                         f"for weight {w_shape} and groups {groups}")
    size = []
    for axis, n, k, s, p, d, e in zip(axes, y_shape[2:], w_shape[2:], stride, pad, dilation, extra):
        if e >= s and e >= d:
            raise ShapeError(f"{op}: output_padding {extra} must be smaller than stride {stride} or dilation "
                             f"{dilation} (it only chooses among the input sizes a stride-{s} convolution maps to "
                             f"{n}; {axis}: output_padding {e}, stride {s}, dilation {d})")
        n_out = (n - 1) * s - 2 * p + d * (k - 1) + e + 1
        if n_out <= 0:
            shown = str(n_out).replace("-", "−")
            raise ShapeError(f"{op}: output {axis} ({n} − 1)·{s} − 2·{p} + {d}·({k} − 1) + {e} + 1 = {shown} is not "
                             f"positive (input {n}, kernel {k}, padding {p}, stride {s}, dilation {d}, "
                             f"output_padding {e})")
        size.append(n_out)
    return tuple(size)


def conv2d_weight_attrs(op: str, x_shape: tuple, dy_shape: tuple, kernel_size: Any, stride: Any, padding: Any,
                        dilation: Any, groups: Any) -> dict:
    """Check a conv2d_weight call (input x, δ at conv2d's output): δ must have the size conv2d gives."""
    if len(x_shape) != 4 or len(dy_shape) != 4:
        raise ShapeError(f"{op}: input and grad_output must be (N, C, H, W), got {x_shape} and {dy_shape}")
    groups = _groups(groups, op)
    stride, dilation = _positive_pair(stride, op, "stride"), _positive_pair(dilation, op, "dilation")
    kernel = _positive_pair(kernel_size, op, "kernel_size")
    if isinstance(padding, (tuple, list)) and len(padding) == 2 and all(isinstance(p, (tuple, list)) for p in padding):
        pad = tuple(pair(tuple(p), op, "padding") for p in padding)
        if min(min(p) for p in pad) < 0:
            raise ShapeError(f"{op}: padding must be non-negative, got {padding}")
    else:
        pad = conv_padding(padding, op, kernel, stride, dilation)
    if x_shape[0] != dy_shape[0]:
        raise ShapeError(f"{op}: input {x_shape} and grad_output {dy_shape} have different batch sizes")
    if x_shape[1] % groups or dy_shape[1] % groups:
        raise ShapeError(f"{op}: channels of input {x_shape} and grad_output {dy_shape} must be divisible by "
                         f"groups = {groups}")
    out = tuple(conv_out_size(op, axis, n, k, s, p, d) for axis, n, k, s, p, d in
                zip(("height", "width"), x_shape[2:], kernel, stride, pad, dilation))
    if tuple(dy_shape[2:]) != out:
        raise ShapeError(f"{op}: grad_output {dy_shape} must have conv2d's output size {out} for input {x_shape}, "
                         f"kernel {kernel}, stride {stride}, padding {pad}, dilation {dilation}")
    return dict(kernel=kernel, stride=stride, padding=pad, dilation=dilation, groups=groups)
