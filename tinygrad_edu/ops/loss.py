"""The losses, with PyTorch's signatures, reductions and numbers (softmax, log-softmax and softmin live in
ops/softmax.py and are re-exported here). Cross-entropy is nll_loss(log_softmax(u)); with one-hot y its gradient
w.r.t. the logits is softmax(u) − y (lecture F41), and with probability targets or label smoothing it is
softmax(u) − y for the smoothed y. The binary losses stay finite where PyTorch's do (logs clamped at −100,
logsigmoid)."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from .. import backend
from ..autograd import Function, composite
from ..errors import IndexRangeError, ShapeError
from .activation import logsigmoid, number_like
from .elementwise import Sigmoid
from .args import check_size, flag, integer, number, tensor_arg
from .compare import DtypeError, Where, relation
from .movement import GetItem
from .softmax import LogSoftmax, Softmax, _floating, log_softmax, softmax, softmin, warn_user  # noqa: F401


def _constant(array: Any, like):
    return type(like)._make(np.asarray(array), False)


def _one_dtype(op: str, x: Any, **others: Any) -> None:
    """Tensors PyTorch's loss kernels read together must share the input's dtype (no silent promotion)."""
    for name, t in others.items():
        if t is not None and x.dtype != object and t.dtype != object and t.dtype != x.dtype:
            raise DtypeError(f"{op}: {name} has dtype {t.dtype} but the input has {x.dtype}; they must be the same")


# ---- reductions ------------------------------------------------------------------------------------------------
def reduction_mode(op: str, reduction: str, size_average: Optional[bool] = None, reduce: Optional[bool] = None,
                   allowed: tuple[str, ...] = ("none", "mean", "sum")) -> str:
    """The reduction, from PyTorch's deprecated size_average/reduce pair when either is given (with its warning)."""
    if size_average is not None or reduce is not None:
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        reduction = ("mean" if size_average else "sum") if reduce else "none"
        warn_user(f"size_average and reduce args will be deprecated, please use reduction='{reduction}' instead.")
    if reduction not in allowed:
        raise ShapeError(f"{op}: reduction must be one of {', '.join(repr(r) for r in allowed)}, got {reduction!r}")
    return reduction


def _reduce(loss: Any, reduction: str, total: Any = None):
    """'none' → loss, 'sum' → Σ loss, 'mean' → Σ loss / total (the number of entries when total is None)."""
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    if total is None:
        return loss.mean() if loss.numel() else loss.sum() / 0.0
    with np.errstate(invalid="ignore", divide="ignore"):
        return loss.sum() / total


def _regression(op: str, input: Any, target: Any, floating: bool = False) -> tuple:
    """input and target as Tensors of one shape; bool is refused (PyTorch: subtraction of bool tensors is not
    supported), and with `floating` integers too, along with a target of another dtype (PyTorch's huber and
    smooth-L1 kernels do not promote)."""
    x, y = tensor_arg(input, op), tensor_arg(target, op)
    for name, t in (("input", x), ("target", y)):
        if t.dtype == bool or (floating and t.dtype != object and t.dtype.kind != "f"):
            raise DtypeError(f"{op}: {name} must be {'floating point' if floating else 'numeric'}, got dtype "
                             f"{t.dtype}; convert with .float() first")
    if floating:
        _one_dtype(op, x, target=y)
    _same_shape(op, x, y)
    return x, y


def _same_shape(op: str, input: Any, target: Any) -> None:
    if tuple(input.shape) != tuple(target.shape):
        raise ShapeError(f"{op}: input shape {tuple(input.shape)} and target shape {tuple(target.shape)} differ; "
                         "they must match (reshape one; broadcasting here is usually a bug)")


def _elementwise_weight(op: str, weight: Any, input: Any):
    if weight is None:
        return None
    w = tensor_arg(weight, op)
    if w.shape != input.shape:
        raise ShapeError(f"{op}: weight shape {w.shape} must equal the input shape {input.shape}")
    return w


# ---- classification ------------------------------------------------------------------------------------------
def _class_targets(op: str, target: Any, input: Any) -> np.ndarray:
    from ..tensor import Tensor

    if not isinstance(target, (Tensor, np.ndarray)):
        raise TypeError(f"{op}: target must be a Tensor (or a NumPy array), got {type(target).__name__}")
    array = target.data if isinstance(target, Tensor) else target
    if array.dtype.kind in "iu" and array.dtype not in (np.int64, np.uint8):
        raise DtypeError(f"{op}: expected target dtype to be int64 (or uint8), as PyTorch, got {array.dtype}")
    if array.dtype.kind not in "iu":
        raise DtypeError(f"{op}: target must hold integer class indices, got dtype {array.dtype} of shape "
                        f"{array.shape} (input {input.shape}); use labels, not one-hot floats (cross_entropy also "
                        f"takes class probabilities of the input's shape {input.shape})")
    if array.dtype == np.uint8:  # Byte targets are class indices, as in PyTorch (never a boolean mask here)
        if input.ndim > 2:
            raise DtypeError(f"{op}: expected target dtype int64 for an input with spatial dimensions {input.shape}, "
                             "got uint8 (PyTorch takes uint8 targets only for (N, C) and (C,) inputs)")
        array = array.astype(np.int64)
    if input.ndim == 1 and array.shape == (1,):
        array = array.reshape(())
    expected = () if input.ndim == 1 else (input.shape[0],) + input.shape[2:]
    if array.shape != expected:
        raise ShapeError(f"{op}: target shape {array.shape} does not match input {input.shape}; expected {expected} "
                         "(input (N, C, d1, ...) → target (N, d1, ...); input (C,) → a 0-d target)")
    return array


def _class_weight(op: str, weight: Any, classes: int, like) -> Optional[np.ndarray]:
    from ..tensor import Tensor

    if weight is None:
        return None
    if not isinstance(weight, (Tensor, np.ndarray)):
        raise TypeError(f"{op}: weight must be a Tensor (or a NumPy array), got {type(weight).__name__}")
    w = weight.data if isinstance(weight, Tensor) else weight
    if w.shape == (classes,) and w.dtype != object and like.dtype != object and w.dtype != like.dtype:
        raise DtypeError(f"{op}: weight has dtype {w.dtype} but the input has {like.dtype}; they must be the same")
    if w.shape != (classes,):
        raise ShapeError(f"{op}: weight tensor should be defined either for all {classes} classes or no classes, "
                         f"got weight of shape {w.shape}")
    return w.astype(like.dtype) if like.dtype.kind == "f" and w.dtype.kind in "iuf" else w


@composite("nll_loss", "δ goes to the target entry only: δ_x[n, tₙ] = −w[tₙ]·δ (0 where ignored)",
           r"\delta_{x_{n,t_n}} = -w_{t_n}\,\delta")
def nll_loss(input: Any, target: Any, weight: Any = None, size_average: Optional[bool] = None,
             ignore_index: int = -100, reduce: Optional[bool] = None, reduction: str = "mean"):
    """−w[t]·input[t] for (C,), (N, C) or (N, C, d₁, …) log-probabilities and integer targets (), (N) or
    (N, d₁, …); the weighted mean divides by Σ w[t] over the targets not ignored, as PyTorch."""
    return _nll_loss(input, target, weight, ignore_index, reduction_mode("nll_loss", reduction, size_average, reduce))


def _nll_loss(input: Any, target: Any, weight: Any, ignore_index: int, reduction: str, op: str = "nll_loss",
              target_checked: bool = False):
    """nll_loss's work; `target_checked`: target is already the array _class_targets returned for this input's
    shape (cross_entropy checks it before its log-softmax)."""
    x = tensor_arg(input, op)
    _floating(op, x)
    ignore_index = integer(op, "ignore_index", ignore_index)
    if x.ndim < 1:
        raise ShapeError(f"{op}: input must be (C,), (N, C) or (N, C, d1, ...), got {x.shape}")
    t = target if target_checked else _class_targets(op, target, x)
    classes = x.shape[0] if x.ndim == 1 else x.shape[1]
    w = _class_weight(op, weight, classes, x.data)
    valid = t != ignore_index
    bad = valid & ((t < 0) | (t >= classes))
    if bad.any():
        raise IndexError(f"{op}: target {t[bad].ravel()[0]} is out of range for {classes} classes "
                         f"(input {x.shape}; ignore_index={ignore_index})")
    safe = np.where(valid, t, 0)
    if x.ndim == 1:
        picked = x[int(safe)]
    else:
        grid = np.indices(t.shape, sparse=True)
        key = (grid[0], safe) + tuple(grid[1:])
        # int64 indices in range by construction: x[key] would check them again and build this same node
        picked = GetItem.apply(x, key=key, pre=None) if safe.dtype == np.int64 else x[key]
    if not valid.all():
        picked = Where.apply(_constant(valid, x), picked, _constant(backend.zeros((), x.data), x))
    coefficient = None if w is None else np.where(valid, w[safe], 0).astype(w.dtype)
    loss = -picked if coefficient is None else -picked * _constant(coefficient, x)
    if reduction != "mean":
        return _reduce(loss, reduction)
    if coefficient is None:
        return _reduce(loss, reduction) if valid.all() else _reduce(loss, reduction, int(valid.sum()))
    with np.errstate(all="ignore"):  # weights +∞ and −∞ sum to NaN silently, as in PyTorch
        total = np.sum(coefficient)
    return _reduce(loss, reduction, _constant(total, x))


@composite("cross_entropy", "δ_u = softmax(u) − y (y one-hot, the given or the smoothed probabilities; "
           "weighted and divided as reduced)", r"\delta_u = \operatorname{softmax}(u) - y")
def cross_entropy(input: Any, target: Any, weight: Any = None, size_average: Optional[bool] = None,
                  ignore_index: int = -100, reduce: Optional[bool] = None, reduction: str = "mean",
                  label_smoothing: float = 0.0):
    """Softmax cross-entropy from raw logits (C,), (N, C) or (N, C, d₁, …), as PyTorch: integer class targets,
    or class probabilities of the logits' shape; label smoothing mixes y with the uniform ε/C. δ_u = softmax(u) − y."""
    reduction = reduction_mode("cross_entropy", reduction, size_average, reduce)
    x = tensor_arg(input, "cross_entropy")
    _floating("cross_entropy", x)
    integer("cross_entropy", "ignore_index", ignore_index)
    number("cross_entropy", "label_smoothing", label_smoothing)
    if x.ndim == 0:
        raise ShapeError("cross_entropy: logits must be (C,), (N, C) or (N, C, d1, ...), got a 0-d tensor")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ShapeError(f"cross_entropy: label_smoothing must be between 0.0 and 1.0, got {label_smoothing}")
    dim = 1 if x.ndim > 1 else 0
    classes = x.shape[dim]
    log_p = log_softmax(x, dim)
    target_shape = tuple(getattr(target, "shape", np.shape(target)))
    if target_shape == x.shape:
        return _soft_cross_entropy(log_p, target, weight, ignore_index, reduction, label_smoothing, dim)
    t = _class_targets("cross_entropy", target, x)
    nll = _nll_loss(log_p, t, weight, ignore_index, reduction, "cross_entropy → nll_loss", target_checked=True)
    if label_smoothing == 0:
        return nll
    w = _class_weight("cross_entropy", weight, classes, x.data)
    per_class = log_p if w is None else log_p * _constant(w.reshape((classes,) + (1,) * (x.ndim - dim - 1)), x)
    valid = t != ignore_index
    smooth = Where.apply(_constant(valid, x), -per_class.sum(dim), _constant(backend.zeros((), x.data), x))
    if reduction == "mean":
        total = valid.sum() if w is None else backend.quietly(w[t[valid]].sum)  # +∞ and −∞ weights: NaN
        smooth = _reduce(smooth, "mean", total.item() if isinstance(total, np.generic) else total)
    else:
        smooth = _reduce(smooth, reduction)
    return nll * (1 - label_smoothing) + smooth * (label_smoothing / classes)


def _soft_cross_entropy(log_p: Any, target: Any, weight: Any, ignore_index: int, reduction: str,
                        label_smoothing: float, dim: int):
    """−Σ_c w_c y_c log p_c for probability targets y of the logits' shape; 'mean' divides by the number of
    rows (entries / C), as PyTorch, whatever the weights."""
    y = tensor_arg(target, "cross_entropy")
    if y.dtype.kind not in "fO":
        raise TypeError(f"cross_entropy: a target of the logits' shape {y.shape} is read as class probabilities "
                        f"and must be floating, got dtype {y.dtype}; class indices have shape "
                        f"{log_p.shape[:1] + log_p.shape[2:] if log_p.ndim > 1 else ()}")
    if ignore_index >= 0:
        raise ShapeError(f"cross_entropy: ignore_index={ignore_index} is not supported for probability targets")
    classes = log_p.shape[dim]
    if label_smoothing > 0:
        y = y * (1 - label_smoothing) + label_smoothing / classes
    terms = log_p * y
    w = _class_weight("cross_entropy", weight, classes, log_p.data)
    if w is not None:
        terms = terms * _constant(w.reshape((classes,) + (1,) * (log_p.ndim - dim - 1)), log_p)
    if reduction == "none":
        return -terms.sum(dim)
    total = -terms.sum()
    return total if reduction == "sum" else total / (log_p.numel() // classes)


def one_hot(tensor: Any, num_classes: int = -1):
    """(…,) int64 class indices → (…, num_classes) int64 one-hot rows; num_classes=-1 takes max + 1."""
    t = tensor_arg(tensor, "one_hot")
    if t.dtype != np.int64:
        raise DtypeError(f"one_hot: only applicable to int64 index tensors (PyTorch's LongTensor), got dtype {t.dtype}")
    num_classes = integer("one_hot", "num_classes", num_classes)
    if num_classes != -1:
        check_size("one_hot", t.shape + (max(num_classes, 0),), np.int64)
    if num_classes == -1:
        if t.numel() == 0:
            raise ShapeError("one_hot: cannot infer the number of classes from an empty tensor; pass num_classes")
        num_classes = int(t.data.max()) + 1
    if t.numel() and t.data.min() < 0:
        raise IndexRangeError(f"one_hot: class values must be non-negative, got {int(t.data.min())}")
    if t.numel() and t.data.max() >= num_classes:
        raise IndexRangeError(f"one_hot: class values must be smaller than num_classes={num_classes}, got "
                         f"{int(t.data.max())}")
    return type(t)(np.eye(max(num_classes, 0), dtype=np.int64)[t.data])


# ---- binary ----------------------------------------------------------------------------------------------------
class BinaryCrossEntropy(Function):
    """PyTorch's forward (logs clamped at −100, so E stays finite at x ∈ {0, 1}) and its backward."""

    rule_unicode = ("E = −[y ln x + (1 − y) ln(1 − x)]: δ_x = δ·(x − y)/max(x(1 − x), 10⁻¹²), "
                    "δ_y = δ·(ln(1 − x) − ln x)")
    rule_latex = (r"\delta_x = \delta\,\frac{x - y}{\max(x(1 - x), 10^{-12})},\quad "
                  r"\delta_y = \delta\,(\ln(1 - x) - \ln x)")

    def forward(ctx, x, y):
        if x.dtype == object or y.dtype == object:
            return -(y * backend.log(x) + (1 - y) * backend.log(1 - x))
        with np.errstate(divide="ignore"):
            log_x = np.maximum(np.log(x), -100)
            log_rest = np.maximum(np.log1p(-x), -100)
        return (y - 1) * log_rest - y * log_x

    def backward(ctx, g):
        x, y = ctx.inputs
        if x.is_symbolic or y.is_symbolic:
            return (g * (x - y) / (x * (1 - x)) if ctx.needs_input_grad[0] else None,
                    g * ((1 - x).log() - x.log()) if ctx.needs_input_grad[1] else None)
        grad_x = grad_y = None
        if ctx.needs_input_grad[0]:
            spread = (1 - x) * x
            floor = _constant(np.asarray(np.float32(1e-12), dtype=spread.dtype), x)  # PyTorch's float EPSILON
            grad_x = g * (x - y) / Where.apply(_constant(relation("lt", spread.data, floor.data), x), floor, spread)
        if ctx.needs_input_grad[1]:
            grad_y = g * (_clamped_log(1 - x) - _clamped_log(x))
        return grad_x, grad_y


def _clamped_log(p: Any):
    """max(ln p, −100), never evaluating ln 0 on the branch that is kept."""
    low = _constant(relation("lt", p.data, np.asarray(np.exp(-100.0), dtype=p.dtype)), p)
    safe = Where.apply(low, _constant(np.ones((), p.dtype), p), p)
    return Where.apply(low, _constant(np.asarray(-100, dtype=p.dtype), p), safe.log())


def _binary_targets(op: str, input: Any, target: Any):
    _floating(op, input)
    y = tensor_arg(target, op)
    if y.dtype.kind not in "fO":
        raise DtypeError(f"{op}: target must be floating (probabilities of class 1), got dtype {y.dtype}; "
                        "cast with .float()")
    if y.shape != input.shape:
        raise ShapeError(f"{op}: target shape {y.shape} must be the same as the input shape {input.shape}")
    _one_dtype(op, input, target=y)
    return y


def _binary_weight(op: str, weight: Any, input: Any, name: str = "weight"):
    """A weight (or pos_weight) of the input's dtype that broadcasts to the input's shape without growing it."""
    w = tensor_arg(weight, op)
    _one_dtype(op, input, **{name: w})
    try:
        fits = np.broadcast_shapes(w.shape, input.shape) == tuple(input.shape)
    except ValueError:
        fits = False
    if not fits:
        raise ShapeError(f"{op}: {name} of shape {w.shape} must broadcast to the input's shape {input.shape}")
    return w


@composite("binary_cross_entropy", "δ_x = (x − y)/(x(1 − x))·w·δ (÷ n for the mean); with x = σ(u) it gives "
           "δ_u = σ(u) − y (F41)", r"\delta_x = \frac{x - y}{x(1 - x)}\,w\,\delta")
def binary_cross_entropy(input: Any, target: Any, weight: Any = None, size_average: Optional[bool] = None,
                         reduce: Optional[bool] = None, reduction: str = "mean"):
    """−w·[y ln x + (1 − y) ln(1 − x)] for probabilities x ∈ [0, 1] (logs clamped at −100, as PyTorch)."""
    reduction = reduction_mode("binary_cross_entropy", reduction, size_average, reduce)
    x = tensor_arg(input, "binary_cross_entropy")
    y = _binary_targets("binary_cross_entropy", x, target)
    if not x.is_symbolic:
        outside = ~((x.data >= 0) & (x.data <= 1))
        if outside.any():
            raise ShapeError(f"binary_cross_entropy: all elements of input should be between 0 and 1, got "
                             f"{x.data[outside].ravel()[0]} (shape {x.shape}); for logits use "
                             "binary_cross_entropy_with_logits")
        outside = ~((y.data >= 0) & (y.data <= 1))
        if outside.any():
            raise ShapeError(f"binary_cross_entropy: all elements of target should be between 0 and 1, got "
                             f"{y.data[outside].ravel()[0]} (shape {y.shape})")
    loss = BinaryCrossEntropy.apply(x, y)
    if weight is not None:
        loss = loss * _binary_weight("binary_cross_entropy", weight, x)
    return _reduce(loss, reduction)


class LogitsCrossEntropy(Function):
    """ℓ = (1 − y)·u − L·ln σ(u), L = 1 + (p − 1)·y (p the pos_weight, 1 without), on numbers, with PyTorch's
    backward δ·(L·σ(u) − p·y) as one expression: a weight of ±∞ then scales a finite slope (±∞), where the
    composition's two infinite terms would meet as ∞ − ∞ = NaN."""

    rule_unicode = "ℓ = (1 − y)u − L ln σ(u): δ_u = δ·(L·σ(u) − p·y), L = 1 + (p − 1)y (= σ(u) − y for p = 1)"
    rule_latex = r"\delta_u = \delta\,(L\,\sigma(u) - p\,y),\quad L = 1 + (p - 1)\,y"

    def forward(ctx, x, y, pw=None):
        with np.errstate(over="ignore", invalid="ignore"):
            log_sigma = np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))
            factor = 1 if pw is None else (pw - 1) * y + 1
            return ((1 - y) * x - factor * log_sigma).astype(np.result_type(x, y))

    def backward(ctx, g):
        x, y, *rest = ctx.inputs
        pw = rest[0] if rest else None
        sigma = Sigmoid.apply(x)
        weighted = None if pw is None else pw * y  # PyTorch's order: (p·y + 1 − y)·σ(u) − p·y
        grad_x = None
        if ctx.needs_input_grad[0]:
            grad_x = g * (sigma - y) if pw is None else g * ((weighted + 1 - y) * sigma - weighted)
        log_sigma = logsigmoid.__wrapped__(x) if pw is not None else None
        grad_y = None
        if ctx.needs_input_grad[1]:
            grad_y = g * -x if pw is None else g * (-x - (pw - 1) * log_sigma)
        grad_pw = g * (-(y * log_sigma)) if pw is not None and ctx.needs_input_grad[2] else None
        return (grad_x, grad_y, grad_pw) if pw is not None else (grad_x, grad_y)


@composite("binary_cross_entropy_with_logits", "δ_u = (1 − y) − L·σ(−u), = σ(u) − y without pos_weight",
           r"\delta_u = (1 - y) - L\,\sigma(-u) = \sigma(u) - y")
def binary_cross_entropy_with_logits(input: Any, target: Any, weight: Any = None, size_average: Optional[bool] = None,
                                     reduce: Optional[bool] = None, reduction: str = "mean", pos_weight: Any = None):
    """(1 − y)·u − L·ln σ(u), L = 1 + (pos_weight − 1)·y: stable for any finite logit (100 at ±100), δ_u = σ(u) − y
    without weights."""
    reduction = reduction_mode("binary_cross_entropy_with_logits", reduction, size_average, reduce)
    x = tensor_arg(input, "binary_cross_entropy_with_logits")
    y = _binary_targets("binary_cross_entropy_with_logits", x, target)
    pw = None if pos_weight is None else _binary_weight("binary_cross_entropy_with_logits", pos_weight, x,
                                                        "pos_weight")
    if not (x.is_symbolic or y.is_symbolic or (pw is not None and pw.is_symbolic)):
        loss = LogitsCrossEntropy.apply(x, y, *(() if pw is None else (pw,)))
    else:
        log_sigma = logsigmoid.__wrapped__(x)  # undecorated: its primitives belong to this call's node
        if pw is not None:
            log_sigma = ((pw - 1) * y + 1) * log_sigma
        loss = (1 - y) * x - log_sigma
    if weight is not None:
        loss = loss * _binary_weight("binary_cross_entropy_with_logits", weight, x)
    return _reduce(loss, reduction)


@composite("kl_div", "δ_x = −y·δ (log_target: −eʸ·δ)", r"\delta_x = -y\,\delta")
def kl_div(input: Any, target: Any, size_average: Optional[bool] = None, reduce: Optional[bool] = None,
           reduction: str = "mean", log_target: bool = False):
    """Σ y (ln y − x) for log-probabilities x (y ln y = 0 at y = 0); with log_target, y is given as ln y.
    'batchmean' divides by the batch size (the KL divergence per sample); 'mean' by every entry, with
    PyTorch's warning."""
    legacy = size_average is not None or reduce is not None
    reduction = reduction_mode("kl_div", reduction, size_average, reduce, ("none", "mean", "sum", "batchmean"))
    if reduction == "mean" and not legacy:
        warn_user("reduction: 'mean' divides the total loss by both the batch size and the support size."
                  "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                  "'mean' will be changed to behave the same as 'batchmean' in the next major release.")
    x = tensor_arg(input, "kl_div")
    y = tensor_arg(target, "kl_div")
    _floating("kl_div", x)
    _floating("kl_div", y, "target")
    if flag("kl_div", "log_target", log_target):
        loss = y.exp() * (y - x)
    elif y.is_symbolic:
        loss = y * y.log() - y * x
    else:
        zero = _constant(relation("eq", y.data, np.zeros((), y.dtype)), y)
        loss = y * Where.apply(zero, _constant(np.ones((), y.dtype), y), y).log() - y * x
    if reduction == "batchmean":
        return loss.sum() / x.shape[0] if x.ndim else loss.sum()
    return _reduce(loss, reduction)


# ---- regression ------------------------------------------------------------------------------------------------
@composite("mse_loss", "δ_x = 2(x − y)·δ, δ_y = −δ_x (÷ n for the mean)", r"\delta_x = 2(x - y)\,\delta")
def mse_loss(input: Any, target: Any, size_average: Optional[bool] = None, reduce: Optional[bool] = None,
             reduction: str = "mean", weight: Any = None):
    """(x − y)², shapes equal (PyTorch only warns; silent broadcasting here is a classic bug, so we refuse);
    with weight, 'mean' is Σ w(x − y)² / Σ w, as PyTorch."""
    reduction = reduction_mode("mse_loss", reduction, size_average, reduce)
    x, y = _regression("mse_loss", input, target)
    diff = x - y
    return _weighted(diff * diff, _elementwise_weight("mse_loss", weight, x), reduction)


@composite("l1_loss", "δ_x = sign(x − y)·δ (0 at a tie)", r"\delta_x = \operatorname{sign}(x - y)\,\delta")
def l1_loss(input: Any, target: Any, size_average: Optional[bool] = None, reduce: Optional[bool] = None,
            reduction: str = "mean", weight: Any = None):
    """|x − y| (δ = sign(x − y), 0 at a tie, as PyTorch); shapes must match; weighted mean as mse_loss."""
    reduction = reduction_mode("l1_loss", reduction, size_average, reduce)
    x, y = _regression("l1_loss", input, target)
    return _weighted(abs(x - y), _elementwise_weight("l1_loss", weight, x), reduction)


def _weighted(loss: Any, weight: Any, reduction: str):
    if weight is None:
        return _reduce(loss, reduction)
    loss = loss * weight
    return _reduce(loss, reduction, weight.sum()) if reduction == "mean" else _reduce(loss, reduction)


def _piecewise_quadratic(x: Any, y: Any, width: float):
    """½d²/width where |d| < width, |d| − width/2 elsewhere (d = x − y): smooth_l1's shape."""
    d = x - y
    magnitude = abs(d)
    if width == 0:
        return magnitude
    inside = _constant(relation("lt", magnitude.data, number_like(width, x).data), x)
    near = Where.apply(inside, d, number_like(0, x))  # the quadratic branch never sees an infinite d (0·∞ in δ)
    return Where.apply(inside, near * near / 2 / number_like(width, x), magnitude - number_like(width / 2, x))


@composite("smooth_l1_loss", "δ_x = (x − y)/β·δ where |x − y| < β, sign(x − y)·δ elsewhere",
           r"\delta_x = \begin{cases}(x - y)/\beta & |x - y| < \beta \\ \operatorname{sign}(x - y)\end{cases}\,\delta")
def smooth_l1_loss(input: Any, target: Any, size_average: Optional[bool] = None, reduce: Optional[bool] = None,
                   reduction: str = "mean", beta: float = 1.0):
    """½(x − y)²/β where |x − y| < β, else |x − y| − β/2 (β = 0 is l1_loss)."""
    reduction = reduction_mode("smooth_l1_loss", reduction, size_average, reduce)
    if not number("smooth_l1_loss", "beta", beta) >= 0:
        raise ShapeError(f"smooth_l1_loss: beta must not be negative, got {beta}")
    x, y = _regression("smooth_l1_loss", input, target, floating=True)
    return _reduce(_piecewise_quadratic(x, y, beta), reduction)


@composite("huber_loss", "δ_x = (x − y)·δ where |x − y| < δ₀, δ₀·sign(x − y)·δ elsewhere",
           r"\delta_x = \begin{cases}x - y & |x - y| < \delta_0 \\ \delta_0 \operatorname{sign}(x - y)"
           r"\end{cases}\,\delta")
def huber_loss(input: Any, target: Any, reduction: str = "mean", delta: float = 1.0, weight: Any = None):
    """½(x − y)² where |x − y| < δ, else δ(|x − y| − δ/2) = δ·smooth_l1(β = δ); with weight, 'mean' is the
    plain mean of w·loss, as PyTorch."""
    reduction = reduction_mode("huber_loss", reduction)
    if not number("huber_loss", "delta", delta) > 0:
        raise ShapeError(f"huber_loss: delta must be positive, got {delta}")
    x, y = _regression("huber_loss", input, target, floating=True)
    d = x - y
    magnitude = abs(d)
    inside = _constant(relation("lt", magnitude.data, number_like(delta, x).data), x)
    near = Where.apply(inside, d, number_like(0, x))  # the quadratic branch never sees an infinite d (0·∞ in δ)
    if np.isfinite(delta):
        loss = Where.apply(inside, near * near / 2, (magnitude - number_like(delta / 2, x)) * number_like(delta, x))
    else:  # no linear part (and no 0·∞ from its unused branch)
        loss = d * d / 2
    w = _elementwise_weight("huber_loss", weight, x)
    return _reduce(loss if w is None else loss * w, reduction)
