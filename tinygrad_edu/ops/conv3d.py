"""3-D convolutions (PyTorch's conv3d / conv_transpose3d) as compositions of the 2-D Functions over the kernel's
depth offsets r = 0..kd−1:

    conv3d:           y[n,o,t] = Σ_r conv2d(x_pad[n, :, s_d·t + d_d·r], W[:, :, r])
    conv_transpose3d: x[n,:, s_d·t + d_d·r − p_d] += conv_transpose2d(y[n, :, t], W[:, :, r])

Every output depth t is folded into the batch, (N·od, C, H, W), and the kd depth slices are stacked along the
channels (group by group), so one Conv2d GEMM sums over (r, c, p, q) at once; the transpose is one
ConvTranspose2d whose kd·C_out/groups output channels are placed at their depths by slice-adds. δ_x, ∂E/∂W, ∂E/∂b,
second derivatives and SymPy values all come from the 2-D Functions and the movement ops. Measured (CPU time, one
thread pinned by benchmarks/_threads.py, best of 15, float32), (8, 4, 16, 16, 16) ⋆ (8, 4, 3, 3, 3), forward +
backward of δ_x and ∂E/∂W: padding 1, 6.8 ms against PyTorch's 8.1 ms (0.85×); padding 0, 5.3 ms against 4.8 ms
(1.1×). One GEMM over (r, c, p, q) instead of kd GEMMs and kd − 1 sums is what keeps it level.
"""
from __future__ import annotations

from typing import Any, Optional

from ..autograd import composite
from ..errors import ArgumentTypeError, ShapeError
from ..tensor import Tensor
from .args import check_size
from .conv import Conv2d, ConvTranspose2d
from .conv_shapes import (_groups, check_columns, check_dtypes, check_kernel, conv_out_size,
                          transposed_output_size)
from .movement import IndexAdd, getitem, permute, reshape, squeeze, stack, unsqueeze
from .pool_shapes import int_tuple

Triple = tuple[int, int, int]
AXES = ("depth", "height", "width")


def _positive(op: str, name: str, value: Any) -> Triple:
    values = int_tuple(op, name, value, 3)
    if min(values) < 1:
        raise ShapeError(f"{op}: {name} must be positive, got {values}")
    return values  # type: ignore[return-value]


def _padding(op: str, padding: Any, kernel: Triple, stride: Triple, dilation: Triple) -> tuple:
    """((front, back), (top, bottom), (left, right)) from an int, a triple, 'valid' or 'same' (PyTorch puts an odd
    extra 'same' pad at the back, bottom and right)."""
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0), (0, 0), (0, 0)
        if padding == "same":
            if stride != (1, 1, 1):
                raise ShapeError(f"{op}: padding='same' needs stride 1 (only then does the output keep the input's "
                                 f"size), got stride {stride}")
            totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
            return tuple((t // 2, t - t // 2) for t in totals)
        raise ShapeError(f"{op}: padding must be an int, a triple of ints, 'valid' or 'same', got {padding!r}")
    values = int_tuple(op, "padding", padding, 3)
    if min(values) < 0:
        raise ShapeError(f"{op}: padding must be non-negative, got {values}")
    return tuple((p, p) for p in values)


def _channels(op: str, x_shape: tuple, w_shape: tuple, groups: int) -> None:
    c, o, c_g = x_shape[1], w_shape[0], w_shape[1]
    if c % groups:
        raise ShapeError(f"{op}: input channels C = {c} are not divisible by groups = {groups} (input {x_shape})")
    if o % groups:
        raise ShapeError(f"{op}: output channels {o} (weight {w_shape}) are not divisible by groups = {groups}")
    if c_g * groups != c:
        raise ShapeError(f"{op}: weight {w_shape} expects C = in_channels/groups · groups = {c_g}·{groups} = "
                         f"{c_g * groups} input channels, but the input {x_shape} has C = {c}")


def conv3d_attrs(op: str, x_shape: tuple, w_shape: tuple, bias_shape: Optional[tuple], stride: Any, padding: Any,
                 dilation: Any, groups: Any) -> dict:
    """Check a conv3d call on (N, C, D, H, W) and (O, C/groups, kd, kh, kw) shapes; return its geometry."""
    if len(x_shape) != 5:
        raise ShapeError(f"{op}: expected input (N, C, D, H, W) or unbatched (C, D, H, W), got shape {x_shape}")
    if len(w_shape) != 5:
        raise ShapeError(f"{op}: weight must be (out_channels, in_channels/groups, kd, kh, kw), got shape {w_shape}")
    groups = _groups(groups, op)
    stride, dilation = _positive(op, "stride", stride), _positive(op, "dilation", dilation)
    check_kernel(op, w_shape, "out_channels, in_channels/groups, kd, kh, kw")
    _channels(op, x_shape, w_shape, groups)
    if bias_shape is not None and tuple(bias_shape) != (w_shape[0],):
        raise ShapeError(f"{op}: bias shape {tuple(bias_shape)} must be (out_channels,) = ({w_shape[0]},) for weight "
                         f"{w_shape}")
    pad = _padding(op, padding, tuple(w_shape[2:]), stride, dilation)
    out = tuple(conv_out_size(op, axis, n, k, s, p, d)
                for axis, n, k, s, p, d in zip(AXES, x_shape[2:], w_shape[2:], stride, pad, dilation))
    return dict(stride=stride, padding=pad, dilation=dilation, groups=groups, out=out)


def _pad_depth(x: Any, front: int, back: int) -> Any:
    """x with `front` and `back` zero planes along the depth: the adjoint of cropping (zeros of any dtype, SymPy's
    too), so its backward is the crop."""
    if not (front or back):
        return x
    n, c, d, h, w = x.shape
    key = (slice(None), slice(None), slice(front, front + d))
    return IndexAdd.apply(x, shape=(n, c, front + d + back, h, w), key=key)


def _with_bias(y: Any, bias: Optional[Any]) -> Any:
    return y if bias is None else y + reshape(bias, (1, -1, 1, 1, 1))


def _batched(op: str, input: Any) -> bool:
    if input.ndim not in (4, 5):
        raise ShapeError(f"{op}: expected input (N, C, D, H, W) or unbatched (C, D, H, W), got shape "
                         f"{tuple(input.shape)}")
    return input.ndim == 5


@composite("conv3d", "u = W ⋆ z + b over (d, h, w): Σ_r conv2d(z[s_d·t + d_d·r], W[:, :, r]); δ_z = "
           "conv_transpose3d(δ, W), ∂E/∂W = Σ δ·Z, ∂E/∂b = Σ_{n,t,i,j} δ",
           r"u_t = \textstyle\sum_r W_{::r} \star z_{s t + d r},\ \delta_z = \operatorname{conv\_transpose3d}"
           r"(\delta, W),\ \partial E/\partial b = \sum_{ntij} \delta")
def conv3d(input: Any, weight: Any, bias: Optional[Any] = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1) -> Any:
    """torch.nn.functional.conv3d: (N, C, D, H, W) ⋆ (O, C/groups, kd, kh, kw) → (N, O, od, oh, ow), plus bias (O,);
    padding an int, a triple, 'valid' or 'same'; an unbatched (C, D, H, W) input gives (O, od, oh, ow)."""
    op = "conv3d"
    check_dtypes(op, input=input, weight=weight, bias=bias)
    input, weight = (t if isinstance(t, Tensor) else Tensor(t) for t in (input, weight))
    bias = bias if bias is None or isinstance(bias, Tensor) else Tensor(bias)
    batched = _batched(op, input)
    x = input if batched else unsqueeze(input, 0)
    a = conv3d_attrs(op, x.shape, weight.shape, None if bias is None else bias.shape, stride, padding, dilation,
                     groups)
    (n, c), (o, c_g, kd, kh, kw), g = x.shape[:2], weight.shape, a["groups"]
    (od, oh, ow), (s_d, d_d) = a["out"], (a["stride"][0], a["dilation"][0])
    check_columns(op, n * od, c * kd, (kh, kw), (oh, ow), x.dtype)
    check_size(op, (n, o, od, oh, ow), x.dtype)
    xp = _pad_depth(x, *a["padding"][0])
    # the kd depth slices x_pad[:, :, s_d·t + d_d·r], t = 0..od−1, stacked: (N, kd, C, od, H, W)
    slices = [getitem(xp, (slice(None), slice(None), slice(d_d * r, d_d * r + s_d * (od - 1) + 1, s_d)))
              for r in range(kd)]
    h, w = x.shape[3:]
    z = reshape(stack(slices, 1), (n, kd, g, c // g, od, h, w))
    z = reshape(permute(z, (0, 4, 2, 1, 3, 5, 6)), (n * od, g * kd * c_g, h, w))  # channels (group, r, c)
    w2 = reshape(permute(weight, (0, 2, 1, 3, 4)), (o, kd * c_g, kh, kw))
    y = Conv2d.apply(z, w2, stride=a["stride"][1:], padding=a["padding"][1:], dilation=a["dilation"][1:], groups=g,
                     out=(oh, ow))
    y = _with_bias(permute(reshape(y, (n, od, o, oh, ow)), (0, 2, 1, 3, 4)), bias)
    return y if batched else squeeze(y, 0)


def conv_transpose3d_attrs(op: str, y_shape: tuple, w_shape: tuple, bias_shape: Optional[tuple], stride: Any,
                           padding: Any, output_padding: Any, dilation: Any, groups: Any) -> dict:
    """Check a conv_transpose3d call on (N, C_in, D, H, W) and (C_in, C_out/groups, kd, kh, kw) shapes; the output
    size per axis is (n − 1)·s − 2p + d·(k − 1) + output_padding + 1."""
    if len(y_shape) != 5:
        raise ShapeError(f"{op}: expected input (N, C, D, H, W) or unbatched (C, D, H, W), got shape {y_shape}")
    if len(w_shape) != 5:
        raise ShapeError(f"{op}: weight must be (in_channels, out_channels/groups, kd, kh, kw), got shape {w_shape}")
    groups = _groups(groups, op)
    stride, dilation = _positive(op, "stride", stride), _positive(op, "dilation", dilation)
    if isinstance(padding, str):
        raise ArgumentTypeError(f"{op}: padding must be an int or a triple of ints (no 'same'/'valid'), got "
                                f"{padding!r}")
    pad, extra = int_tuple(op, "padding", padding, 3), int_tuple(op, "output_padding", output_padding, 3)
    if min(pad) < 0 or min(extra) < 0:
        raise ShapeError(f"{op}: padding {pad} and output_padding {extra} must be non-negative")
    size = transposed_output_size(op, y_shape, w_shape, bias_shape, groups, stride, pad, dilation, extra, AXES,
                                  "kd, kh, kw")
    return dict(stride=stride, padding=pad, dilation=dilation, groups=groups, size=size)


@composite("conv_transpose3d", "x = Wᵀ ⋆ y + b over (d, h, w): x[s_d·t + d_d·r − p_d] += conv_transpose2d(y_t, "
           "W[:, :, r]); δ_y = conv3d(δ, W), ∂E/∂b = Σ_{n,d,h,w} δ",
           r"\delta_y = \operatorname{conv3d}(\delta, W),\ \partial E/\partial b = \sum_{ndhw} \delta")
def conv_transpose3d(input: Any, weight: Any, bias: Optional[Any] = None, stride: Any = 1, padding: Any = 0,
                     output_padding: Any = 0, groups: int = 1, dilation: Any = 1) -> Any:
    """torch.nn.functional.conv_transpose3d: the adjoint of conv3d in its input, weight (C_in, C_out/groups, kd,
    kh, kw); output size (n − 1)·s − 2p + d(k − 1) + output_padding + 1 per axis."""
    op = "conv_transpose3d"
    check_dtypes(op, input=input, weight=weight, bias=bias)
    input, weight = (t if isinstance(t, Tensor) else Tensor(t) for t in (input, weight))
    bias = bias if bias is None or isinstance(bias, Tensor) else Tensor(bias)
    batched = _batched(op, input)
    y = input if batched else unsqueeze(input, 0)
    a = conv_transpose3d_attrs(op, y.shape, weight.shape, None if bias is None else bias.shape, stride, padding,
                               output_padding, dilation, groups)
    (n, c_in, dy, hy, wy), (_, c_out_g, kd, kh, kw), g = y.shape, weight.shape, a["groups"]
    (dx, hx, wx), (s_d, p_d, d_d) = a["size"], (a["stride"][0], a["padding"][0], a["dilation"][0])
    c_out = c_out_g * g
    check_size(op, (n, c_out) + a["size"], y.dtype)
    check_columns(op, n * dy, c_out * kd, (kh, kw), (hy, wy), y.dtype)
    # every input depth t in the batch; the kd depth taps as extra output channels (group, r, c) of one 2-D map
    y2 = reshape(permute(y, (0, 2, 1, 3, 4)), (n * dy, c_in, hy, wy))
    w2 = reshape(permute(weight, (0, 2, 1, 3, 4)), (c_in, kd * c_out_g, kh, kw))
    z = ConvTranspose2d.apply(y2, w2, stride=a["stride"][1:], padding=tuple((p, p) for p in a["padding"][1:]),
                              dilation=a["dilation"][1:], groups=g, size=(hx, wx))
    z = permute(reshape(z, (n, dy, g, kd, c_out_g, hx, wx)), (3, 0, 2, 4, 1, 5, 6))
    z = reshape(z, (kd, n, c_out, dy, hx, wx))
    full = (n, c_out, p_d + dx + p_d, hx, wx)  # (dy − 1)·s_d + d_d·(kd − 1) + 1 + output_padding planes
    x = None
    for r in range(kd):
        key = (slice(None), slice(None), slice(d_d * r, d_d * r + s_d * (dy - 1) + 1, s_d))
        part = IndexAdd.apply(getitem(z, r), shape=full, key=key)
        x = part if x is None else x + part
    x = _with_bias(getitem(x, (slice(None), slice(None), slice(p_d, p_d + dx))), bias)
    return x if batched else squeeze(x, 0)
