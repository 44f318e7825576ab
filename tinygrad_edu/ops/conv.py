"""Convolution as three bilinear maps that close under differentiation (lecture F6, F8, F26–F32):

    Conv2d(x, W)          y[n,o,i,j] = Σ_{c,p,q} W[o,c,p,q] · x_pad[n, g·C_g + c, s·i + d·p, s·j + d·q]
    ConvTranspose2d(δ, W) its adjoint in x:  ⟨conv2d(x, W), δ⟩ = ⟨x, conv_transpose2d(δ, W)⟩
    Conv2dWeight(x, δ)    its adjoint in W:  ⟨conv2d(x, W), δ⟩ = ⟨W, conv2d_weight(x, δ)⟩

(o's group g = o // O_g; "convolution" is cross-correlation, as in PyTorch and the lecture.) Each backward is
written with the other two, so second derivatives and SymPy values go through unchanged: the lecture's
δ_r = ⟨δ_{r+1}, W_{r+1}⟩ is `conv_transpose2d(δ, W)` and ∂E/∂W = Σ δ·Z is `conv2d_weight(Z, δ)`.

Numerically each map is one im2col (a sliding_window_view copied once into (groups, C_g·kh·kw, N·L)) and one
GEMM batched over the groups; the adjoint col2im adds the kh·kw kernel offsets back with strided slices.
Padding is stored per side, ((top, bottom), (left, right)), because padding='same' with an even kernel is
asymmetric.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .. import backend
from ..autograd import Function
from .conv_shapes import conv2d_attrs, conv_transpose2d_attrs
from .movement import reshape, squeeze, unsqueeze

Pair = tuple[int, int]
Padding = tuple[Pair, Pair]


def _pad(x: np.ndarray, padding: Padding) -> np.ndarray:
    """x (…, H, W) with zeros around its last two axes, ((top, bottom), (left, right)) of them."""
    (top, bottom), (left, right) = padding
    if top == bottom == left == right == 0:
        return x
    out = backend.zeros(x.shape[:-2] + (x.shape[-2] + top + bottom, x.shape[-1] + left + right), x)
    out[..., top:top + x.shape[-2], left:left + x.shape[-1]] = x
    return out


def im2col(x: np.ndarray, kernel: Pair, stride: Pair, padding: Padding, dilation: Pair, groups: int,
           out: Pair) -> np.ndarray:
    """(N, C, H, W) → (groups, C_g·kh·kw, N·oh·ow): column (n, i, j) holds the window output (i, j) reads."""
    n, c = x.shape[:2]
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = kernel, stride, dilation, out
    xp = _pad(x, padding)
    xp = xp.reshape(n, groups, c // groups, *xp.shape[2:])
    span = (dh * (kh - 1) + 1, dw * (kw - 1) + 1)
    windows = sliding_window_view(xp, span, axis=(3, 4))[..., :sh * (oh - 1) + 1:sh, :sw * (ow - 1) + 1:sw, ::dh, ::dw]
    return windows.transpose(1, 2, 5, 6, 0, 3, 4).reshape(groups, (c // groups) * kh * kw, n * oh * ow)


def col2im(cols: np.ndarray, n: int, size: Pair, kernel: Pair, stride: Pair, padding: Padding, dilation: Pair,
           out: Pair) -> np.ndarray:
    """The adjoint of im2col: (groups, C_g·kh·kw, N·oh·ow) summed back into (N, C, H, W), one strided
    slice-add per kernel offset, or one copy when the windows tile the image without overlap."""
    groups = cols.shape[0]
    (kh, kw), (oh, ow) = kernel, out
    c_g = cols.shape[1] // (kh * kw)
    (top, bottom), (left, right) = padding
    canvas = backend.zeros((groups, c_g, n, size[0] + top + bottom, size[1] + left + right), cols)
    windows = cols.reshape(groups, c_g, kh, kw, n, oh, ow)
    if all(d == 1 and (s == k or o == 1) for k, s, d, o in zip(kernel, stride, dilation, out)):
        tiles = windows.transpose(0, 1, 4, 5, 2, 6, 3).reshape(groups, c_g, n, oh * kh, ow * kw)
        canvas[..., :oh * kh, :ow * kw] = tiles
    else:
        _add_windows(canvas, windows, stride, dilation)
    image = canvas[..., top:top + size[0], left:left + size[1]]
    return image.transpose(2, 0, 1, 3, 4).reshape(n, groups * c_g, *size)


def _add_windows(canvas: np.ndarray, windows: np.ndarray, stride: Pair, dilation: Pair) -> None:
    """canvas[…, s·i + d·p, s·j + d·q] += windows[:, :, p, q, …, i, j], one strided slice-add per (p, q)."""
    kh, kw, oh, ow = windows.shape[2], windows.shape[3], windows.shape[5], windows.shape[6]
    (sh, sw), (dh, dw) = stride, dilation
    for p in range(kh):
        for q in range(kw):
            canvas[..., p * dh:p * dh + sh * (oh - 1) + 1:sh, q * dw:q * dw + sw * (ow - 1) + 1:sw] += windows[:, :, p, q]


def _group_major(y: np.ndarray, groups: int) -> np.ndarray:
    """(N, O, oh, ow) → (groups, O_g, N·oh·ow), the layout of the GEMM's right-hand side."""
    n, o = y.shape[:2]
    return y.reshape(n, groups, o // groups, -1).transpose(1, 2, 0, 3).reshape(groups, o // groups, -1)


def _batch_major(y: np.ndarray, n: int, out: Pair) -> np.ndarray:
    """(groups, O_g, N·oh·ow) → (N, O, oh, ow), the inverse of _group_major, copied to NCHW order (a
    transposed view would make every later op stride across the batch)."""
    return np.ascontiguousarray(y.reshape(-1, n, *out).transpose(1, 0, 2, 3))


class Conv2d(Function):
    """y = W ⋆ x, cross-correlation over (C_g, kh, kw) for each of the `groups` channel groups."""

    rule_unicode = "y = W ⋆ x: δ_x = conv_transpose2d(δ, W)  (δ_r = ⟨δ_{r+1}, W⟩),  δ_W = conv2d_weight(x, δ)  (Σ δ·Z)"
    rule_latex = (r"\delta_x = \operatorname{conv\_transpose2d}(\delta, W),\quad "
                  r"\frac{\partial E}{\partial W_{o c p q}} = \sum_{n i j} \delta_{n o i j}\, x_{n,c,si+dp,sj+dq}")

    def forward(ctx, x, w, stride, padding, dilation, groups, out):
        o = w.shape[0]
        cols = im2col(x, w.shape[2:], stride, padding, dilation, groups, out)
        ctx.save_for_backward(cols if x.dtype != object else None)
        return _batch_major(np.matmul(w.reshape(groups, o // groups, -1), cols), x.shape[0], out)

    def backward(ctx, g):
        x, w = ctx.inputs
        a = ctx.attrs
        geometry = dict(stride=a["stride"], padding=a["padding"], dilation=a["dilation"], groups=a["groups"])
        dx = ConvTranspose2d.apply(g, w, size=x.shape[2:], **geometry) if ctx.needs_input_grad[0] else None
        dw = (Conv2dWeight.apply(x, g, kernel=w.shape[2:], columns=ctx.saved[0], **geometry)
              if ctx.needs_input_grad[1] else None)
        return dx, dw


class ConvTranspose2d(Function):
    """x = Wᵀ ⋆ y: the adjoint of Conv2d in its input, scattering each y entry over a kh×kw window of x."""

    rule_unicode = "x = conv_transpose2d(y, W): δ_y = conv2d(δ, W),  δ_W = conv2d_weight(δ, y)"
    rule_latex = r"\delta_y = \operatorname{conv2d}(\delta, W),\quad \delta_W = \operatorname{conv2d\_weight}(\delta, y)"

    def forward(ctx, y, w, stride, padding, dilation, groups, size):
        n, o = y.shape[:2]
        kernel, out = w.shape[2:], y.shape[2:]
        w_t = w.reshape(groups, o // groups, -1).transpose(0, 2, 1)
        cols = np.matmul(w_t, _group_major(y, groups))
        return col2im(cols, n, size, kernel, stride, padding, dilation, out)

    def backward(ctx, g):
        y, w = ctx.inputs
        a = ctx.attrs
        geometry = dict(stride=a["stride"], padding=a["padding"], dilation=a["dilation"], groups=a["groups"])
        dy = Conv2d.apply(g, w, out=y.shape[2:], **geometry) if ctx.needs_input_grad[0] else None
        dw = Conv2dWeight.apply(g, y, kernel=w.shape[2:], **geometry) if ctx.needs_input_grad[1] else None
        return dy, dw


class Conv2dWeight(Function):
    """∂E/∂W = Σ_{n,i,j} δ[n,o,i,j] · x_window(n,i,j): the convolution of the layer input with δ."""

    rule_unicode = "δ_W = Σ δ·Z: δ_x = conv_transpose2d(δ, D),  δ_δ = conv2d(x, D)   (D: the gradient of δ_W)"
    rule_latex = r"\delta_x = \operatorname{conv\_transpose2d}(\delta, D),\quad \delta_\delta = \operatorname{conv2d}(x, D)"

    def forward(ctx, x, dy, kernel, stride, padding, dilation, groups, columns=None):
        # `columns` is Conv2d's im2col of this same x, handed over instead of recomputed; it is a cache, not
        # a hyper-parameter, so it does not stay in attrs (which the stepper and the renderer show).
        ctx.attrs.pop("columns", None)
        cols = im2col(x, kernel, stride, padding, dilation, groups, dy.shape[2:]) if columns is None else columns
        dw_t = np.matmul(cols, _group_major(dy, groups).transpose(0, 2, 1))
        return dw_t.transpose(0, 2, 1).reshape(dy.shape[1], x.shape[1] // groups, *kernel)

    def backward(ctx, d):
        x, dy = ctx.inputs
        a = ctx.attrs
        geometry = dict(stride=a["stride"], padding=a["padding"], dilation=a["dilation"], groups=a["groups"])
        dx = ConvTranspose2d.apply(dy, d, size=x.shape[2:], **geometry) if ctx.needs_input_grad[0] else None
        ddy = Conv2d.apply(x, d, out=dy.shape[2:], **geometry) if ctx.needs_input_grad[1] else None
        return dx, ddy


def conv2d_weight(input: Any, grad_output: Any, kernel_size: Pair, stride: Pair = (1, 1),
                  padding: Padding = ((0, 0), (0, 0)), dilation: Pair = (1, 1), groups: int = 1) -> Any:
    """∂E/∂W of conv2d for the layer input and δ at its output (torch.nn.grad.conv2d_weight), as a graph op."""
    return Conv2dWeight.apply(input, grad_output, kernel=tuple(kernel_size), stride=tuple(stride),
                              padding=tuple(map(tuple, padding)), dilation=tuple(dilation), groups=groups)


def _with_bias(y: Any, bias: Optional[Any]) -> Any:
    return y if bias is None else y + reshape(bias, (1, -1, 1, 1))


def conv2d(input: Any, weight: Any, bias: Optional[Any] = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1) -> Any:
    """torch.nn.functional.conv2d: (N, C, H, W) ⋆ (O, C/groups, kh, kw) → (N, O, oh, ow), plus bias (O,).
    padding: an int, a pair, 'valid' or 'same'; an unbatched (C, H, W) input gives (O, oh, ow)."""
    batched = input.ndim != 3
    x = input if batched else unsqueeze(input, 0)
    attrs = conv2d_attrs("conv2d", x.shape, weight.shape, None if bias is None else bias.shape, stride, padding,
                         dilation, groups)
    y = _with_bias(Conv2d.apply(x, weight, **attrs), bias)
    return y if batched else squeeze(y, 0)


def conv1d(input: Any, weight: Any, bias: Optional[Any] = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1) -> Any:
    """torch.nn.functional.conv1d: (N, C, L) ⋆ (O, C/groups, k) → (N, O, L_out), as a conv2d of height 1."""
    if input.ndim not in (2, 3):
        raise ValueError(f"conv1d: expected input (N, C, L) or unbatched (C, L), got shape {input.shape}")
    if weight.ndim != 3:
        raise ValueError(f"conv1d: weight must be (out_channels, in_channels/groups, k), got shape {weight.shape}")
    batched = input.ndim == 3
    x = unsqueeze(input if batched else unsqueeze(input, 0), 2)
    w = unsqueeze(weight, 2)
    pad = padding if isinstance(padding, str) else (0, _single(padding, "conv1d"))
    attrs = conv2d_attrs("conv1d", x.shape, w.shape, None if bias is None else bias.shape,
                         (1, _single(stride, "conv1d")), pad, (1, _single(dilation, "conv1d")), groups,
                         axes=("height", "length"))
    y = squeeze(_with_bias(Conv2d.apply(x, w, **attrs), bias), 2)
    return y if batched else squeeze(y, 0)


def _single(value: Any, op: str) -> int:
    if isinstance(value, (tuple, list)):
        if len(value) != 1:
            raise ValueError(f"{op}: expected an int or a 1-tuple, got {value!r}")
        value = value[0]
    return int(value)


def conv_transpose2d(input: Any, weight: Any, bias: Optional[Any] = None, stride: Any = 1, padding: Any = 0,
                     output_padding: Any = 0, groups: int = 1, dilation: Any = 1) -> Any:
    """torch.nn.functional.conv_transpose2d: the adjoint of conv2d in its input, weight (C_in, C_out/groups,
    kh, kw); output size (n − 1)·s − 2p + d(k − 1) + output_padding + 1."""
    batched = input.ndim != 3
    y = input if batched else unsqueeze(input, 0)
    attrs = conv_transpose2d_attrs("conv_transpose2d", y.shape, weight.shape, None if bias is None else bias.shape,
                                   stride, padding, output_padding, dilation, groups)
    x = _with_bias(ConvTranspose2d.apply(y, weight, **attrs), bias)
    return x if batched else squeeze(x, 0)
