"""Patches of an image: unfold (im2col) and its adjoint fold (col2im), and the locally connected layer
built on them (lecture F19: a convolution whose weights differ at every output position, as in DeepFace).

The array helpers `pad2d`, `window_view` and `fold_windows` are shared with pooling: windows are a
sliding_window_view (no copy); the adjoint adds each of the kh·kw kernel offsets back with one strided
slice-add, never an element-wise scatter.
"""
from __future__ import annotations

from typing import Any, Optional, Union

import numpy as np
from ..lazy_sympy import sympy
from numpy.lib.stride_tricks import sliding_window_view

from .. import backend
from ..autograd import Function, composite
from ..errors import ArgumentTypeError, DtypeError, ShapeError
from .args import check_size, same_dtype
from .linalg import matmul
from .movement import permute, reshape

IntPair = Union[int, tuple[int, int]]


def pair(value: Any, op: str, name: str) -> tuple[int, int]:
    """An int or a 2-sequence of ints as (height, width), as PyTorch's _pair; a float, a bool or a sequence of
    another length is refused (truncating 1.5 to 1 would be a silent change of the layer)."""
    if _is_int(value):
        return int(value), int(value)
    if not isinstance(value, (tuple, list)) or not all(_is_int(v) for v in value):
        raise ArgumentTypeError(f"{op}: {name} must be an int or a pair of ints, got {value!r}")
    if len(value) == 1:
        return int(value[0]), int(value[0])
    if len(value) != 2:
        raise ShapeError(f"{op}: {name} must be an int or a pair of ints (height, width), got {len(value)} "
                         f"values {tuple(value)}")
    return int(value[0]), int(value[1])


def _is_int(v: Any) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def out_size(op: str, axis: str, n: int, k: int, s: int, p: int, d: int = 1) -> int:
    """⌊(n + 2p − d(k − 1) − 1)/s⌋ + 1 (lecture F25, F43), with an error that shows the formula."""
    span = d * (k - 1) + 1
    size = (n + 2 * p - span) // s + 1
    if size <= 0:
        kernel = f"{k}" if d == 1 else f"{span}"
        dil = "" if d == 1 else f", dilation {d}"
        shown = str(size).replace("-", "−")
        raise ShapeError(f"{op}: output {axis} ({n} + 2·{p} − {kernel})/{s} + 1 = {shown} is not positive "
                         f"(input {n}, kernel {k}, padding {p}, stride {s}{dil})")
    return size


def pad2d(x: np.ndarray, ph: int, pw: int, value: Any = 0) -> np.ndarray:
    """x with its last two axes padded by ph, pw entries of `value` (SymPy numbers on object arrays)."""
    if ph == 0 and pw == 0:
        return x
    shape = x.shape[:-2] + (x.shape[-2] + 2 * ph, x.shape[-1] + 2 * pw)
    fill = sympy.sympify(value) if x.dtype == object else value
    out = np.full(shape, fill, dtype=x.dtype)
    out[..., ph:ph + x.shape[-2], pw:pw + x.shape[-1]] = x
    return out


def crop2d(x: np.ndarray, ph: int, pw: int) -> np.ndarray:
    """The inverse of pad2d: drop ph, pw entries at both ends of the last two axes."""
    return x[..., ph:x.shape[-2] - ph, pw:x.shape[-1] - pw]


def window_view(xp: np.ndarray, kernel: tuple[int, int], stride: tuple[int, int], out: tuple[int, int],
                dilation: tuple[int, int] = (1, 1)) -> np.ndarray:
    """(…, oh, ow, kh, kw): the window each output position reads from a padded (…, H, W) array (a view)."""
    (kh, kw), (sh, sw), (oh, ow), (dh, dw) = kernel, stride, out, dilation
    span = (dh * (kh - 1) + 1, dw * (kw - 1) + 1)
    view = sliding_window_view(xp, span, axis=(-2, -1))
    return view[..., :sh * (oh - 1) + 1:sh, :sw * (ow - 1) + 1:sw, ::dh, ::dw]


def fold_windows(cols: np.ndarray, padded_hw: tuple[int, int], stride: tuple[int, int],
                 dilation: tuple[int, int] = (1, 1)) -> np.ndarray:
    """The adjoint of window_view: sum (…, oh, ow, kh, kw) windows back into a (…, H, W) array,
    one strided slice-add per kernel offset (kh·kw of them)."""
    *lead, oh, ow, kh, kw = cols.shape
    (sh, sw), (dh, dw) = stride, dilation
    out = backend.zeros(tuple(lead) + tuple(padded_hw), cols)
    for p in range(kh):
        for q in range(kw):
            out[..., p * dh:p * dh + sh * (oh - 1) + 1:sh, q * dw:q * dw + sw * (ow - 1) + 1:sw] += cols[..., p, q]
    return out


def _geometry(op: str, hw: tuple[int, int], kernel_size: IntPair, dilation: IntPair, padding: IntPair,
              stride: IntPair) -> dict:
    for name, value in (("kernel_size", kernel_size), ("dilation", dilation), ("padding", padding),
                        ("stride", stride)):
        if isinstance(value, (tuple, list)) and len(value) != 2:  # PyTorch's im2col takes exactly two
            raise ShapeError(f"{op}: {name} must be an int or a pair of ints (height, width), got {value!r}")
    k, d, p, s = (pair(kernel_size, op, "kernel_size"), pair(dilation, op, "dilation"),
                  pair(padding, op, "padding"), pair(stride, op, "stride"))
    if min(k) < 1 or min(d) < 1 or min(s) < 1 or min(p) < 0:
        raise ShapeError(f"{op}: kernel_size {k}, dilation {d} and stride {s} must be positive and padding {p} "
                         "non-negative")
    out = (out_size(op, "height", hw[0], k[0], s[0], p[0], d[0]), out_size(op, "width", hw[1], k[1], s[1], p[1], d[1]))
    return dict(kernel=k, dilation=d, padding=p, stride=s, out=out)


class Unfold(Function):
    """im2col: (N, C, H, W) → (N, C·kh·kw, L) columns, one per output position, as torch's unfold."""

    rule_unicode = "each entry is copied into every patch that reads it: δ_x = fold(δ) (col2im, Σ over patches)"
    rule_latex = r"\delta_x = \operatorname{fold}(\delta) \quad (\text{col2im: } \textstyle\sum \text{ over patches})"

    def forward(ctx, x, kernel, dilation, padding, stride, out):
        n, c = x.shape[:2]
        view = window_view(pad2d(x, *padding), kernel, stride, out, dilation)
        columns = np.ascontiguousarray(view.transpose(0, 1, 4, 5, 2, 3))
        return columns.reshape(n, c * kernel[0] * kernel[1], out[0] * out[1])

    def backward(ctx, g):
        return Fold.apply(g, size=ctx.inputs[0].shape[2:], **ctx.attrs)


class Fold(Function):
    """col2im: (N, C·kh·kw, L) columns summed back into (N, C, H, W), as torch's fold; the adjoint of Unfold."""

    rule_unicode = "a sum of shifted copies of the columns: δ_cols = unfold(δ) (im2col)"
    rule_latex = r"\delta_{\text{cols}} = \operatorname{unfold}(\delta)"

    def forward(ctx, cols, size, kernel, dilation, padding, stride, out):
        n = cols.shape[0]
        c = cols.shape[1] // (kernel[0] * kernel[1])
        windows = cols.reshape(n, c, kernel[0], kernel[1], out[0], out[1]).transpose(0, 1, 4, 5, 2, 3)
        padded = (size[0] + 2 * padding[0], size[1] + 2 * padding[1])
        return crop2d(fold_windows(windows, padded, stride, dilation), *padding)

    def backward(ctx, g):
        attrs = {k: v for k, v in ctx.attrs.items() if k != "size"}
        return Unfold.apply(g, **attrs)


def _checked(op: str, **arrays: Any) -> None:
    """Tensors (or arrays) of one floating dtype (or SymPy objects), as PyTorch's im2col and matmul need; only
    a bias may be None."""
    from ..tensor import Tensor

    for name, a in arrays.items():
        if a is None and name == "bias":
            continue
        if not isinstance(a, (Tensor, np.ndarray)):
            raise TypeError(f"{op}: {name} must be a Tensor (or a NumPy array), got {type(a).__name__}")
        if a.dtype != object and a.dtype.kind != "f":
            raise DtypeError(f"{op}: {name} has dtype {a.dtype}; patches are taken of floating-point tensors, cast "
                            "with .float()")
    same_dtype(op, **{k: a for k, a in arrays.items() if a is not None})


def _sizes(op: str, n: int, c: int, hw: tuple, geo: dict, dtype: Any) -> None:
    """The padded image and the columns must fit in memory (AllocationError naming the op otherwise)."""
    (ph, pw), (kh, kw), (oh, ow) = geo["padding"], geo["kernel"], geo["out"]
    check_size(op, (n, c, hw[0] + 2 * ph, hw[1] + 2 * pw), dtype)
    check_size(op, (n, c * kh * kw, oh * ow), dtype)


def unfold(input: Any, kernel_size: IntPair, dilation: IntPair = 1, padding: IntPair = 0, stride: IntPair = 1) -> Any:
    """Extract sliding patches (im2col) as torch.nn.functional.unfold: (N, C, H, W) → (N, C·kh·kw, L)."""
    _checked("unfold", input=input)
    if input.ndim != 4:
        raise ShapeError(f"unfold: expected a 4-D (N, C, H, W) input, got shape {input.shape}")
    geo = _geometry("unfold", input.shape[2:], kernel_size, dilation, padding, stride)
    _sizes("unfold", *input.shape[:2], input.shape[2:], geo, input.dtype)
    return Unfold.apply(input, **geo)


def fold(input: Any, output_size: IntPair, kernel_size: IntPair, dilation: IntPair = 1, padding: IntPair = 0,
         stride: IntPair = 1) -> Any:
    """Sum patches back into an image (col2im) as torch.nn.functional.fold: (N, C·kh·kw, L) → (N, C, H, W)."""
    _checked("fold", input=input)
    if isinstance(output_size, (tuple, list)) and len(output_size) != 2:
        raise ShapeError(f"fold: output_size must be an int or a pair of ints (height, width), got {output_size!r}")
    size = pair(output_size, "fold", "output_size")
    if min(size) < 1:
        raise ShapeError(f"fold: output_size must be positive, got {size}")
    geo = _geometry("fold", size, kernel_size, dilation, padding, stride)
    kk, blocks = geo["kernel"][0] * geo["kernel"][1], geo["out"][0] * geo["out"][1]
    if input.ndim != 3 or input.shape[1] % kk or input.shape[2] != blocks:
        raise ShapeError(f"fold: expected input (N, C·{kk}, {blocks}) for kernel {geo['kernel']} and output {size} "
                         f"({geo['out'][0]}×{geo['out'][1]} blocks), got shape {input.shape}")
    _sizes("fold", input.shape[0], input.shape[1] // kk, size, geo, input.dtype)
    return Fold.apply(input, size=size, **geo)


@composite("locally_connected2d", "u[n,o,i,j] = Σ_{c,p,q} W[i,j,o,c,p,q]·z[n,c,si+p,sj+q] + b[o,i,j] (F19): "
           "δ_z = Σ over the positions (i, j) whose window holds it of W[i,j]ᵀδ, ∂E/∂W[i,j] = Σₙ δ[n,:,i,j]·Z",
           r"\delta_z[n,c,h,w] = \sum_{o,i,j} W_{ijocpq}\,\delta_{noij},\ \partial E/\partial W_{ij} = \sum_n \delta_{n\cdot ij} Z")
def locally_connected2d(input: Any, weight: Any, bias: Optional[Any] = None, stride: IntPair = 1,
                        padding: IntPair = 0) -> Any:
    """Unshared-weight convolution (lecture F19):
    y[n, o, i, j] = Σ_{c,p,q} W[i, j, o, c, p, q] x_pad[n, c, s·i+p, s·j+q] + b[o, i, j].

    Layout: weight (out_h, out_w, C_out, C_in, kh, kw), one conv2d-style weight per output position;
    bias (C_out, out_h, out_w). Forward: unfold (im2col), then one matmul batched over the out_h·out_w positions.
    """
    op = "locally_connected2d"
    _checked(op, input=input, weight=weight, bias=bias)
    if input.ndim != 4:
        raise ShapeError(f"{op}: expected a 4-D (N, C, H, W) input, got shape {input.shape}")
    if weight.ndim != 6:
        raise ShapeError(f"{op}: weight must be 6-D (out_h, out_w, C_out, C_in, kh, kw), got shape {weight.shape}")
    n, c_in = input.shape[:2]
    c_out, kh, kw = weight.shape[2], weight.shape[4], weight.shape[5]
    geo = _geometry(op, input.shape[2:], (kh, kw), 1, padding, stride)
    oh, ow = geo["out"]
    expected = (oh, ow, c_out, c_in, kh, kw)
    if tuple(weight.shape) != expected:
        raise ShapeError(f"{op}: weight shape expected (out_h, out_w, C_out, C_in, kh, kw) = {expected} for input "
                         f"{input.shape}, stride {geo['stride']}, padding {geo['padding']}, got {weight.shape}")
    if bias is not None and tuple(bias.shape) != (c_out, oh, ow):
        raise ShapeError(f"{op}: bias shape expected (C_out, out_h, out_w) = {(c_out, oh, ow)}, got {bias.shape}")
    _sizes(op, n, c_in, input.shape[2:], geo, input.dtype)
    cols = permute(Unfold.apply(input, **geo), 2, 0, 1)
    w = permute(reshape(weight, oh * ow, c_out, c_in * kh * kw), 0, 2, 1)
    out = reshape(permute(matmul(cols, w), 1, 2, 0), n, c_out, oh, ow)
    return out if bias is None else out + bias
