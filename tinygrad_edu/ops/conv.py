"""Convolution as three bilinear maps that close under differentiation (lecture F6, F8, F26–F32):

    Conv2d(x, W)          y[n,o,i,j] = Σ_{c,p,q} W[o,c,p,q] · x_pad[n, g·C_g + c, s·i + d·p, s·j + d·q]
    ConvTranspose2d(δ, W) its adjoint in x:  ⟨conv2d(x, W), δ⟩ = ⟨x, conv_transpose2d(δ, W)⟩
    Conv2dWeight(x, δ)    its adjoint in W:  ⟨conv2d(x, W), δ⟩ = ⟨W, conv2d_weight(x, δ)⟩

(o's group g = o // O_g; "convolution" is cross-correlation, as in PyTorch and the lecture.) Each backward is
written with the other two, so second derivatives and SymPy values go through unchanged: the lecture's
δ_r = ⟨δ_{r+1}, W_{r+1}⟩ is `conv_transpose2d(δ, W)` and ∂E/∂W = Σ δ·Z is `conv2d_weight(Z, δ)`.

On numbers each map runs over the batch in cache-sized chunks, im2col → GEMM → output per chunk
(ops/conv_kernels.py); on SymPy values it is one im2col or col2im and one GEMM over the whole batch. When
Conv2d's backward wants both gradients and one pass over δ and x gives both more cheaply (stride 1, depthwise or
CIFAR-style), ConvTranspose2d computes ∂E/∂W too and hands it to Conv2dWeight; the graph is the same. Padding is
stored per side, ((top, bottom), (left, right)), because padding='same' with an even kernel is asymmetric.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Optional

import numpy as np

from .. import backend
from ..autograd import Function, composite
from . import conv_kernels as kernels
from .conv_kernels import Geometry, col2im, im2col, output_columns, output_image
from ..errors import ShapeError
from .conv_shapes import (cached_conv2d_attrs, check_columns, check_dtypes, conv2d_attrs, conv2d_weight_attrs,
                          conv_transpose2d_attrs)
from .args import check_size
from .movement import reshape, squeeze, unsqueeze
from ..tensor import Tensor

Pair = tuple[int, int]
Padding = tuple[Pair, Pair]


def _zeros(shape: tuple, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return backend.zeros(shape, a if a.dtype == object else np.empty(0, np.result_type(a, b)))


def _finite(a: np.ndarray) -> bool:
    return a.dtype == object or bool(np.isfinite(a).all())


class Conv2d(Function):
    """y = W ⋆ x, cross-correlation over (C_g, kh, kw) for each of the `groups` channel groups."""

    rule_unicode = "y = W ⋆ x: δ_x = conv_transpose2d(δ, W)  (δ_r = ⟨δ_{r+1}, W⟩),  δ_W = conv2d_weight(x, δ)  (Σ δ·Z)"
    rule_latex = (r"\delta_x = \operatorname{conv\_transpose2d}(\delta, W),\quad "
                  r"\frac{\partial E}{\partial W_{o c p q}} = \sum_{n i j} \delta_{n o i j}\, x_{n,c,si+dp,sj+dq}")

    def forward(ctx, x, w, stride, padding, dilation, groups, out):
        o = w.shape[0]
        ctx.save_for_backward(None)  # the columns, for Conv2dWeight, when the kernel keeps them (cache-sized)
        if x.size == 0 or w.size == 0:  # an empty batch (or no channels) sums nothing: zeros, as PyTorch
            return _zeros((x.shape[0], o, *out), x, w)
        geo = Geometry.of(np.result_type(x, w), x.shape[2:], w.shape[2:], stride, padding, dilation, groups, out)
        if x.dtype != object and w.dtype != object:
            y, columns = kernels.conv_with_columns(x, w, geo)
            ctx.save_for_backward(columns)
            return y
        return output_image(np.matmul(w.reshape(groups, o // groups, -1), im2col(x, geo)), geo)

    def backward(ctx, g):
        x, w = ctx.inputs
        a = ctx.attrs
        geometry = dict(stride=a["stride"], padding=a["padding"], dilation=a["dilation"], groups=a["groups"])
        # both gradients wanted: δ_x's kernel may hand ∂E/∂W over through `shared` (kernels.conv_backward)
        shared = {"x": x.data} if ctx.needs_input_grad[0] and ctx.needs_input_grad[1] else None
        dx = (ConvTranspose2d.apply(g, w, size=x.shape[2:], shared=shared, **geometry)
              if ctx.needs_input_grad[0] else None)
        dw = (Conv2dWeight.apply(x, g, kernel=w.shape[2:], columns=ctx.saved[0], shared=shared, **geometry)
              if ctx.needs_input_grad[1] else None)
        return dx, dw


class ConvTranspose2d(Function):
    """x = Wᵀ ⋆ y: the adjoint of Conv2d in its input, scattering each y entry over a kh×kw window of x."""

    rule_unicode = "x = conv_transpose2d(y, W): δ_y = conv2d(δ, W),  δ_W = conv2d_weight(δ, y)"
    rule_latex = r"\delta_y = \operatorname{conv2d}(\delta, W),\quad \delta_W = \operatorname{conv2d\_weight}(\delta, y)"

    def forward(ctx, y, w, stride, padding, dilation, groups, size, shared=None):
        # `shared` ({"x": Conv2d's input}) asks for ∂E/∂W as well when one pass gives both (kernels.conv_backward);
        # it is put in shared["dw"] for Conv2dWeight. A hand-over, not a hyper-parameter: it leaves attrs.
        ctx.attrs.pop("shared", None)
        n, o = y.shape[:2]
        if y.size == 0 or w.size == 0:
            return _zeros((n, w.shape[1] * groups, *size), y, w)
        geo = Geometry.of(np.result_type(y, w), size, w.shape[2:], stride, padding, dilation, groups, y.shape[2:])
        if geo.wide and not _finite(w):  # the wide layout's extra columns are W·0, exactly 0 only for finite W
            geo = replace(geo, wide=False)
        if y.dtype != object and w.dtype != object:
            x = None if shared is None else shared["x"]
            if x is not None and x.dtype != object and x.size and kernels.fuses_backward(w, geo):
                dx, shared["dw"] = kernels.conv_backward(y, x, w, geo)
                return dx
            return kernels.conv_transpose(y, w, geo)
        w_t = w.reshape(groups, o // groups, -1).transpose(0, 2, 1)
        return col2im(np.matmul(w_t, output_columns(y, geo)), geo)

    def backward(ctx, g):
        y, w = ctx.inputs
        a = ctx.attrs
        geometry = dict(stride=a["stride"], padding=a["padding"], dilation=a["dilation"], groups=a["groups"])
        dy = Conv2d.apply(g, w, out=y.shape[2:], **geometry) if ctx.needs_input_grad[0] else None
        dw = Conv2dWeight.apply(g, y, kernel=w.shape[2:], **geometry) if ctx.needs_input_grad[1] else None
        return dy, dw


def _weight_gradient(x: np.ndarray, dy: np.ndarray, geo: Geometry, columns: Optional[np.ndarray]) -> np.ndarray:
    """Σ_{n,i,j} δ[n,o,i,j] · Z[n,(c,p,q),(i,j)]: chunked GEMMs on numbers (reusing Conv2d's Z when it kept it), one
    δ·Zᵀ summed over n on SymPy."""
    if x.dtype != object and dy.dtype != object:
        return kernels.conv_weight(x, dy, geo, columns)
    o = dy.shape[1]
    dw = np.matmul(output_columns(dy, geo), im2col(x, geo).swapaxes(-1, -2)).sum(0)
    return dw.reshape(o, x.shape[1] // geo.groups, *geo.kernel)


class Conv2dWeight(Function):
    """∂E/∂W = Σ_{n,i,j} δ[n,o,i,j] · x_window(n,i,j): the convolution of the layer input with δ."""

    rule_unicode = "δ_W = Σ δ·Z: δ_x = conv_transpose2d(δ, D),  δ_δ = conv2d(x, D)   (D: the gradient of δ_W)"
    rule_latex = r"\delta_x = \operatorname{conv\_transpose2d}(\delta, D),\quad \delta_\delta = \operatorname{conv2d}(x, D)"

    def forward(ctx, x, dy, kernel, stride, padding, dilation, groups, columns=None, shared=None):
        # `columns` is Conv2d's im2col of this same x when the kernel kept it (a cache-sized one), handed over
        # instead of recomputed; `shared` may hold ∂E/∂W itself, computed with δ_x (ConvTranspose2d). Caches, not
        # hyper-parameters, so they do not stay in attrs (which the stepper and the renderer show).
        ctx.attrs.pop("columns", None)
        ctx.attrs.pop("shared", None)
        if shared is not None and shared.get("dw") is not None:
            return shared.pop("dw")
        if x.size == 0 or dy.size == 0:  # no batch items: ∂E/∂W is an empty sum
            return _zeros((dy.shape[1], x.shape[1] // groups, *kernel), x, dy)
        geo = Geometry.of(np.result_type(x, dy), x.shape[2:], kernel, stride, padding, dilation, groups, dy.shape[2:])
        dw = _weight_gradient(x, dy, geo, columns)
        if geo.wide and not _finite(dw):  # a non-finite x in an extra column met δ = 0: redo it exactly
            dw = _weight_gradient(x, dy, replace(geo, wide=False), None)
        return dw

    def backward(ctx, d):
        x, dy = ctx.inputs
        a = ctx.attrs
        geometry = dict(stride=a["stride"], padding=a["padding"], dilation=a["dilation"], groups=a["groups"])
        dx = ConvTranspose2d.apply(dy, d, size=x.shape[2:], **geometry) if ctx.needs_input_grad[0] else None
        ddy = Conv2d.apply(x, d, out=dy.shape[2:], **geometry) if ctx.needs_input_grad[1] else None
        return dx, ddy


def conv2d_weight(input: Any, grad_output: Any, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                  dilation: Any = 1, groups: int = 1) -> Any:
    """∂E/∂W of conv2d for the layer input and δ at its output (torch.nn.grad.conv2d_weight), as a graph op.
    padding as conv2d's, or per side ((top, bottom), (left, right))."""
    check_dtypes("conv2d_weight", input=input, grad_output=grad_output)
    attrs = conv2d_weight_attrs("conv2d_weight", input.shape, grad_output.shape, kernel_size, stride, padding,
                                dilation, groups)
    check_columns("conv2d_weight", input.shape[0], input.shape[1], attrs["kernel"], grad_output.shape[2:],
                  input.dtype)
    return Conv2dWeight.apply(input, grad_output, **attrs)


def _with_bias(y: Any, bias: Optional[Any]) -> Any:
    return y if bias is None else y + reshape(bias, (1, -1, 1, 1))


@composite("conv2d", "u = W ⋆ z + b: δ_z = conv_transpose2d(δ, W) (δ_r = ⟨δ_{r+1}, W⟩), ∂E/∂W = Σ_{n,i,j} δ·Z, "
           "∂E/∂b = Σ_{n,i,j} δ", r"\delta_z = \operatorname{conv\_transpose2d}(\delta, W),\ "
           r"\partial E/\partial W = \textstyle\sum_{nij} \delta\, Z,\ \partial E/\partial b = \sum_{nij} \delta")
def conv2d(input: Any, weight: Any, bias: Optional[Any] = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1) -> Any:
    """torch.nn.functional.conv2d: (N, C, H, W) ⋆ (O, C/groups, kh, kw) → (N, O, oh, ow), plus bias (O,).
    padding: an int, a pair, 'valid' or 'same'; an unbatched (C, H, W) input gives (O, oh, ow)."""
    dtype = getattr(input, "dtype", None)
    if not (isinstance(input, Tensor) and isinstance(weight, Tensor) and weight.dtype == dtype
            and dtype.kind in "fc" and (bias is None or (isinstance(bias, Tensor) and bias.dtype == dtype))):
        check_dtypes("conv2d", input=input, weight=weight, bias=bias)  # the common valid case passes above
        dtype = np.result_type(input.dtype, weight.dtype)
    batched = input.ndim != 3
    x = input if batched else unsqueeze(input, 0)
    attrs = cached_conv2d_attrs("conv2d", x.shape, weight.shape, None if bias is None else bias.shape, stride,
                                padding, dilation, groups)
    check_columns("conv2d", x.shape[0], x.shape[1], weight.shape[2:], attrs["out"], dtype)
    check_size("conv2d", (x.shape[0], weight.shape[0]) + attrs["out"], x.dtype)
    y = _with_bias(Conv2d.apply(x, weight, **attrs), bias)
    return y if batched else squeeze(y, 0)


@composite("conv1d", "u = W ⋆ z + b along the length: δ_z = conv_transpose1d(δ, W), ∂E/∂W = Σ_{n,i} δ·Z, "
           "∂E/∂b = Σ_{n,i} δ", r"\delta_z = \operatorname{conv\_transpose1d}(\delta, W),\ "
           r"\partial E/\partial W = \textstyle\sum_{ni} \delta\, Z,\ \partial E/\partial b = \sum_{ni} \delta")
def conv1d(input: Any, weight: Any, bias: Optional[Any] = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1) -> Any:
    """torch.nn.functional.conv1d: (N, C, L) ⋆ (O, C/groups, k) → (N, O, L_out), as a conv2d of height 1."""
    check_dtypes("conv1d", input=input, weight=weight, bias=bias)
    if input.ndim not in (2, 3):
        raise ShapeError(f"conv1d: expected input (N, C, L) or unbatched (C, L), got shape {input.shape}")
    if weight.ndim != 3:
        raise ShapeError(f"conv1d: weight must be (out_channels, in_channels/groups, k), got shape {weight.shape}")
    batched = input.ndim == 3
    x = unsqueeze(input if batched else unsqueeze(input, 0), 2)
    w = unsqueeze(weight, 2)
    pad = padding if isinstance(padding, str) else (0, _single(padding, "conv1d"))
    attrs = conv2d_attrs("conv1d", x.shape, w.shape, None if bias is None else bias.shape,
                         (1, _single(stride, "conv1d")), pad, (1, _single(dilation, "conv1d")), groups,
                         axes=("height", "length"))
    check_columns("conv1d", x.shape[0], x.shape[1], w.shape[2:], attrs["out"], x.dtype)
    check_size("conv1d", (x.shape[0], w.shape[0]) + attrs["out"], x.dtype)
    y = squeeze(_with_bias(Conv2d.apply(x, w, **attrs), bias), 2)
    return y if batched else squeeze(y, 0)


def _single(value: Any, op: str) -> int:
    if isinstance(value, (tuple, list)):
        if len(value) != 1:
            raise ShapeError(f"{op}: expected an int or a 1-tuple, got {value!r}")
        value = value[0]
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
        raise TypeError(f"{op}: expected an int or a 1-tuple of ints, got {value!r}")
    return int(value)


@composite("conv_transpose2d", "x = Wᵀ ⋆ y + b: δ_y = conv2d(δ, W), ∂E/∂W = conv2d_weight(δ, y), ∂E/∂b = Σ_{n,h,w} δ",
           r"\delta_y = \operatorname{conv2d}(\delta, W),\ \partial E/\partial b = \sum_{nhw} \delta")
def conv_transpose2d(input: Any, weight: Any, bias: Optional[Any] = None, stride: Any = 1, padding: Any = 0,
                     output_padding: Any = 0, groups: int = 1, dilation: Any = 1) -> Any:
    """torch.nn.functional.conv_transpose2d: the adjoint of conv2d in its input, weight (C_in, C_out/groups,
    kh, kw); output size (n − 1)·s − 2p + d(k − 1) + output_padding + 1."""
    check_dtypes("conv_transpose2d", input=input, weight=weight, bias=bias)
    batched = input.ndim != 3
    y = input if batched else unsqueeze(input, 0)
    attrs = conv_transpose2d_attrs("conv_transpose2d", y.shape, weight.shape, None if bias is None else bias.shape,
                                   stride, padding, output_padding, dilation, groups)
    check_size("conv_transpose2d", (y.shape[0], weight.shape[1] * attrs["groups"]) + attrs["size"], y.dtype)
    check_columns("conv_transpose2d", y.shape[0], weight.shape[1] * attrs["groups"], weight.shape[2:], y.shape[2:],
                  y.dtype)
    x = _with_bias(ConvTranspose2d.apply(y, weight, **attrs), bias)
    return x if batched else squeeze(x, 0)
