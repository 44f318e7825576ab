"""Dropout (lecture F15), local response normalisation (F17), and batch, layer and group normalisation, with
PyTorch's definitions. The normalisations are compositions of differentiable ops, so their gradients (and
second derivatives) come from the engine; dropout is one Function with a constant mask.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np
from ..lazy_sympy import sympy

from .. import backend
from ..autograd import Function, composite
from ..errors import ArgumentTypeError, ShapeError
from .args import check_size, check_view, flag, integer, number
from .compare import DtypeError
from .movement import IndexAdd, getitem, reshape


def _operands(op: str, input: Any, **params: Any) -> tuple:
    """The input and the optional tensors (weights, running statistics) as Tensors, checked as PyTorch checks
    them: anything but a Tensor or a NumPy array is a TypeError naming the op; the input is floating point
    (or symbolic); every other tensor has the input's dtype, except float32 ones with a float16 input
    (PyTorch's mixed-precision CPU kernels), whose result is float16 again. Running statistics given as NumPy
    arrays are buffers, updated in place in their own dtype, and stay arrays."""
    from ..tensor import Tensor

    def tensor(name: str, t: Any) -> Any:
        if isinstance(t, Tensor):
            return t
        if isinstance(t, np.ndarray):
            return Tensor(t)
        raise TypeError(f"{op}: {name} must be a Tensor (or a NumPy array), got {type(t).__name__}")

    x = tensor("input", input)
    if x.dtype != object and x.dtype.kind != "f":
        raise DtypeError(f"{op}: input must be floating point, got dtype {x.dtype} (shape {tuple(x.shape)}); "
                         "convert with .float() first")
    check_size(op, x.shape, x.dtype)
    out = []
    for name, t in params.items():
        if isinstance(t, np.ndarray) and name.startswith("running_"):
            out.append(t)
            continue
        if t is not None:
            t = tensor(name, t)
            mixed = x.dtype == np.float16 and t.dtype == np.float32
            if x.dtype != object and t.dtype != object and t.dtype != x.dtype and not mixed:
                raise DtypeError(f"{op}: {name} has dtype {t.dtype} but the input has {x.dtype}; they must be the "
                                 "same (as PyTorch)")
        out.append(t)
    return (x, *out)


def _as_input_dtype(out: Any, x: Any) -> Any:
    """A float16 input's result in float16 (its float32 weights promoted the arithmetic)."""
    return out if out.dtype == x.dtype or x.dtype == object else out.to(x.dtype)


def _constant(value: float, like: np.ndarray) -> Any:
    """A hyper-parameter as an exact SymPy number on symbolic tensors (1e-4 → 1/10000), else the float."""
    return sympy.nsimplify(value, rational=True) if like.dtype == object else float(value)


class Dropout(Function):
    """Inverted dropout: y = x ⊙ m/(1−p) with a fixed 0/1 keep-mask m, so E[y] = x (F15)."""

    rule_unicode = "y = x ⊙ m/(1−p), m ∈ {0,1} fixed: δ_x = δ ⊙ m/(1−p)"
    rule_latex = r"\delta_x = \delta \odot \frac{m}{1-p}"

    def forward(ctx, x, scale):
        with np.errstate(all="ignore"):  # ∞·0 at a dropped entry is NaN silently, as in PyTorch
            return x * scale

    def backward(ctx, g):
        return g * type(g)._make(ctx.attrs["scale"], False)


def dropout(input: Any, p: float = 0.5, training: bool = True, inplace: bool = False) -> Any:
    """Zero each entry with probability p and scale the kept ones by 1/(1−p) in training; identity at eval (F15).
    `inplace` is accepted for PyTorch's signature (as relu's); the result is a new tensor."""
    from ..tensor import Tensor

    if not isinstance(input, (Tensor, np.ndarray)):
        raise TypeError(f"dropout: input must be a Tensor (or a NumPy array), got {type(input).__name__}")
    input = check_view("dropout", input if isinstance(input, Tensor) else Tensor(input))
    number("dropout", "p", p)
    training = flag("dropout", "training", training)
    flag("dropout", "inplace", inplace)
    if training and p > 0 and input.dtype.kind in "biu":
        raise DtypeError(f"dropout: training dropout scales by 1/(1 − p) and needs a floating input, got dtype "
                         f"{input.dtype}; cast first, e.g. x.float()")
    if not 0.0 <= p <= 1.0:
        raise ShapeError(f"dropout: probability has to be between 0 and 1, but got p = {p} (input {input.shape})")
    if not training or p == 0.0:
        return input
    from ..creation import generator  # late: creation imports tensor, which imports ops

    keep = generator().random(input.shape) >= p
    if p == 1.0:
        scale = backend.zeros(input.shape, input.data)
    elif input.dtype == object:
        scale = np.where(keep, 1 / (1 - sympy.nsimplify(p, rational=True)), sympy.Integer(0)).astype(object)
    else:
        scale = (keep / (1.0 - p)).astype(input.dtype)
    return Dropout.apply(input, scale=scale)


@composite("local_response_norm", "b_c = a_c / D_c^β, D_c = k + (α/n) Σ_{c′ near c} a_{c′}² (F17): "
           "δ_{a_j} = δ_j / D_j^β − (2αβ/n)·a_j·Σ_{c near j} δ_c b_c / D_c",
           r"\delta_{a_j} = \frac{\delta_j}{D_j^\beta} - \frac{2\alpha\beta}{n} a_j \sum_{c} \frac{\delta_c b_c}{D_c}")
def local_response_norm(input: Any, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> Any:
    """b_c = a_c / (k + (α/n) Σ_{c'} a_{c'}²)^β over channels c' = c − ⌊n/2⌋ … c + ⌊(n−1)/2⌋ (F17),
    exactly PyTorch's local_response_norm (α divided by n, channel axis 1, zero channels outside the range).

    Vectorised over channels: the squares are zero-padded along the channel axis and summed over `size`
    shifted slices (one per window offset, not one per channel).
    """
    op = "local_response_norm"
    (input,) = _operands(op, input)
    if input.dtype == np.float16:
        raise DtypeError(f"{op}: float16 input is not supported (as PyTorch's CPU kernel); convert with .float()")
    if input.ndim < 3:
        raise ShapeError(f"{op}: expected a 3-D (N, C, L) or 4-D (N, C, H, W) input or more, got shape {input.shape}")
    if integer(op, "size", size) < 1:
        raise ShapeError(f"{op}: size must be a positive integer (the channel window n), got {size}")
    for name, value in (("alpha", alpha), ("beta", beta), ("k", k)):
        number(op, name, value)
    size = int(size)
    channels = input.shape[1]
    before, after = size // 2, (size - 1) // 2
    padded_shape = (input.shape[0], channels + before + after) + input.shape[2:]
    check_size(op, padded_shape, input.dtype)
    squares = input * input
    padded = IndexAdd.apply(squares, shape=padded_shape, key=(slice(None), slice(before, before + channels)))
    window = getitem(padded, (slice(None), slice(0, channels)))
    for offset in range(1, size):
        window = window + getitem(padded, (slice(None), slice(offset, offset + channels)))
    scale = _constant(alpha, input.data) / size
    return input / (window * scale + _constant(k, input.data)) ** _constant(beta, input.data)


def _channel_shape(x: Any) -> tuple[int, ...]:
    return (1, x.shape[1]) + (1,) * (x.ndim - 2)


def _check_channels(op: str, name: str, t: Optional[Any], channels: int, input_shape: tuple[int, ...]) -> None:
    if t is not None and tuple(t.shape) != (channels,):
        raise ShapeError(f"{op}: {name} has shape {tuple(t.shape)} but input {input_shape} has {channels} channels "
                         f"(dim 1); expected ({channels},)")


def _check_eps(op: str, eps: Any, positive: bool) -> float:
    """ε ≥ 0 (ε > 0 where a batch variance may be 0); a negative ε would take √ of a negative number: NaN."""
    if isinstance(eps, bool) or not isinstance(eps, (int, float, np.integer, np.floating)):
        raise TypeError(f"{op}: eps must be a number, got {eps!r} ({type(eps).__name__})")
    if not (eps > 0 if positive else eps >= 0):
        rule = "positive during training" if positive else "non-negative"
        raise ShapeError(f"{op}: eps must be {rule} (it is added to the variance under √), got {eps}")
    return float(eps)


def _check_momentum(op: str, momentum: Any) -> float:
    if isinstance(momentum, bool) or not isinstance(momentum, (int, float, np.integer, np.floating)):
        raise TypeError(f"{op}: momentum must be a number in [0, 1], got {momentum!r}; the modules' momentum=None "
                        "(cumulative average) passes 1/num_batches_tracked here")
    if not 0 <= momentum <= 1:
        raise ShapeError(f"{op}: momentum must lie in [0, 1] (r ← (1 − m)·r + m·batch statistic), got {momentum}")
    return float(momentum)


def _scaled(input: Any, centred: Any, var: Any, eps: float, weight: Optional[Any], bias: Optional[Any],
            shape: Optional[tuple[int, ...]] = None) -> Any:
    """γ·(x − μ)/√(σ² + ε) + β in the input's dtype, γ and β reshaped to `shape` (per channel) when given: the last
    step of every normalisation here (batch, instance, layer)."""
    out = centred / (var + _constant(eps, input.data)).sqrt()
    if weight is not None:
        out = out * (weight if shape is None else reshape(weight, shape))
    if bias is not None:
        out = out + (bias if shape is None else reshape(bias, shape))
    return _as_input_dtype(out, input)


@composite("batch_norm", "x̂ = (x − μ)/√(σ² + ε), y = γx̂ + β over (N, H, W) per channel: "
           "δ_x = γ/√(σ² + ε)·(δ − mean δ − x̂·mean(δ·x̂)) (eval: γδ/√(σ² + ε)), ∂E/∂γ = Σ δ·x̂, ∂E/∂β = Σ δ",
           r"\delta_x = \frac{\gamma}{\sqrt{\sigma^2+\epsilon}}\left(\delta - \overline{\delta} - "
           r"\hat{x}\,\overline{\delta\hat{x}}\right)")
def batch_norm(input: Any, running_mean: Optional[Any], running_var: Optional[Any], weight: Optional[Any] = None,
               bias: Optional[Any] = None, training: bool = False, momentum: float = 0.1, eps: float = 1e-5) -> Any:
    """y = (x − μ)/√(σ² + ε)·γ + β per channel, as PyTorch: in training μ, σ² are the batch's (biased σ²)
    over (N, H, W), or (N,) for 2-D input, and the running stats are updated in place (unbiased σ²);
    in eval the running stats are used. ε must be positive in training, non-negative in eval."""
    op = "batch_norm"
    input, running_mean, running_var, weight, bias = _operands(op, input, running_mean=running_mean,
                                                               running_var=running_var, weight=weight, bias=bias)
    training = flag(op, "training", training)
    if (running_mean is None) != (running_var is None):
        raise ValueError(f"{op}: running_mean and running_var must either both be None or neither be None")
    if input.ndim < 2:
        raise ShapeError(f"{op}: expected a 2-D (N, C) or 3-D/4-D (N, C, …) input, got shape {input.shape}")
    _check_eps(op, eps, positive=training)
    momentum = _check_momentum(op, momentum)
    channels = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight), ("bias", bias)):
        _check_channels(op, name, t, channels, input.shape)
    axes = (0,) + tuple(range(2, input.ndim))
    shape = _channel_shape(input)
    if training:
        count = input.numel() // channels if channels else 0
        if count <= 1:
            raise ShapeError(f"{op}: expected more than 1 value per channel when training, got input {input.shape}")
        mean = input.mean(axes, keepdim=True)
        centred = input - mean
        var = (centred * centred).mean(axes, keepdim=True)
        _update_running(running_mean, running_var, mean, var, momentum, count)
    else:
        if running_mean is None or running_var is None:
            raise ShapeError(f"{op}: running_mean and running_var are required when training=False")
        centred = input - reshape(running_mean, shape)
        var = reshape(running_var, shape)
    return _scaled(input, centred, var, eps, weight, bias, shape)


def _normalized_shape(op: str, normalized_shape: Any) -> tuple[int, ...]:
    shape = (normalized_shape,) if isinstance(normalized_shape, (int, np.integer)) else normalized_shape
    try:
        shape = tuple(shape)
    except TypeError:
        raise TypeError(f"{op}: normalized_shape must be an int or a sequence of ints, got {normalized_shape!r}") from None
    if any(isinstance(s, bool) or not isinstance(s, (int, np.integer)) for s in shape):
        raise ArgumentTypeError(f"{op}: normalized_shape must be a tuple of ints, got {normalized_shape!r}")
    if not shape or any(s < 1 for s in shape):
        raise ShapeError(f"{op}: normalized_shape must be one or more positive sizes, got {normalized_shape!r}")
    return tuple(int(s) for s in shape)


@composite("layer_norm", "x̂ = (x − μ)/√(σ² + ε), y = γx̂ + β over the normalized dims per sample: "
           "δ_x = γ/√(σ² + ε)·(δ − mean δ − x̂·mean(δ·x̂)), ∂E/∂γ = Σ δ·x̂, ∂E/∂β = Σ δ",
           r"\delta_x = \frac{\gamma}{\sqrt{\sigma^2+\epsilon}}\left(\delta - \overline{\delta} - "
           r"\hat{x}\,\overline{\delta\hat{x}}\right)")
def layer_norm(input: Any, normalized_shape: Any, weight: Optional[Any] = None, bias: Optional[Any] = None,
               eps: float = 1e-5) -> Any:
    """y = (x − μ)/√(σ² + ε)·γ + β with μ, σ² (biased) over the last len(normalized_shape) dimensions of each
    sample, and γ, β of shape normalized_shape, as torch.nn.functional.layer_norm."""
    op = "layer_norm"
    input, weight, bias = _operands(op, input, weight=weight, bias=bias)
    shape = _normalized_shape(op, normalized_shape)
    _check_eps(op, eps, positive=False)
    k = len(shape)
    if input.ndim < k or tuple(input.shape[input.ndim - k:]) != shape:
        raise ShapeError(f"{op}: normalized_shape {list(shape)} must equal the last dimensions of the input, got "
                         f"input of shape {tuple(input.shape)} (rule: input (*, {', '.join(map(str, shape))}))")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != shape:
            raise ShapeError(f"{op}: {name} has shape {tuple(t.shape)}, expected normalized_shape {shape}")
    axes = tuple(range(input.ndim - k, input.ndim))
    centred = input - input.mean(axes, keepdim=True)
    var = (centred * centred).mean(axes, keepdim=True)
    return _scaled(input, centred, var, eps, weight, bias)


@composite("group_norm", "x̂ = (x − μ)/√(σ² + ε), y = γx̂ + β over each group of channels per sample: "
           "δ_x = γ/√(σ² + ε)·(δ − mean δ − x̂·mean(δ·x̂)), ∂E/∂γ = Σ δ·x̂, ∂E/∂β = Σ δ",
           r"\delta_x = \frac{\gamma}{\sqrt{\sigma^2+\epsilon}}\left(\delta - \overline{\delta} - "
           r"\hat{x}\,\overline{\delta\hat{x}}\right)")
def group_norm(input: Any, num_groups: int, weight: Optional[Any] = None, bias: Optional[Any] = None,
               eps: float = 1e-5) -> Any:
    """Channels split into num_groups groups; each sample's group normalised with its own μ, σ² (biased) over
    the group's channels and positions; then per-channel γ, β, as torch.nn.functional.group_norm."""
    op = "group_norm"
    input, weight, bias = _operands(op, input, weight=weight, bias=bias)
    if input.ndim < 2:
        raise ShapeError(f"{op}: expected at least 2 dimensions (N, C, …) for input, got shape {tuple(input.shape)}")
    if isinstance(num_groups, bool) or not isinstance(num_groups, (int, np.integer)):
        raise ArgumentTypeError(f"{op}: num_groups must be a positive integer, got {num_groups!r} "
                                f"({type(num_groups).__name__})")
    if num_groups < 1:
        raise ShapeError(f"{op}: num_groups must be a positive integer, got {num_groups!r}")
    _check_eps(op, eps, positive=False)
    n, channels = input.shape[0], input.shape[1]
    if channels % num_groups:
        raise ShapeError(f"{op}: the number of channels in the input must be divisible by num_groups, got input of "
                         f"shape {tuple(input.shape)} ({channels} channels) and num_groups={num_groups}")
    for name, t in (("weight", weight), ("bias", bias)):
        _check_channels(op, name, t, channels, input.shape)
    per_group = (channels // num_groups) * int(np.prod(input.shape[2:], dtype=np.int64))
    if n * per_group == 1:
        raise ShapeError(f"{op}: expected more than 1 value per group, got input of shape {tuple(input.shape)} with "
                         f"num_groups={num_groups} (a single value normalises to 0)")
    grouped = reshape(input, (n, num_groups, per_group))
    centred = grouped - grouped.mean(2, keepdim=True)
    var = (centred * centred).mean(2, keepdim=True)
    out = reshape(centred / (var + _constant(eps, input.data)).sqrt(), input.shape)
    shape = _channel_shape(input)
    if weight is not None:
        out = out * reshape(weight, shape)
    if bias is not None:
        out = out + reshape(bias, shape)
    return _as_input_dtype(out, input)


def _update_running(running_mean: Optional[Any], running_var: Optional[Any], mean: Any, var: Any, momentum: float,
                    count: int) -> None:
    """r ← (1 − m)·r + m·batch statistic, in place, outside the graph; the variance made unbiased (n/(n−1)).
    Running stats may be Tensors (their version is bumped, as PyTorch's in-place update) or NumPy arrays."""
    unbiased = var.data.reshape(-1) * (count / (count - 1))
    for running, batch in ((running_mean, mean.data.reshape(-1)), (running_var, unbiased)):
        if running is None:
            continue
        array = running if isinstance(running, np.ndarray) else running.data
        array[...] = (1 - momentum) * array + momentum * batch
        if not isinstance(running, np.ndarray):
            running._bump_version()
