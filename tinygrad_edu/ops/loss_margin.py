"""Margin and embedding losses with PyTorch's signatures and numbers, each a composition of differentiable ops:
hinges max(0, m − s) on a score s (triplet, margin ranking, hinge embedding, cosine embedding, the multi-class
hinges of Weston–Watkins (multi_margin) and of multi-label ranking (multilabel_margin)) and the logistic
losses ln(1 + e^(−y·x)) (soft_margin as PyTorch's log1p(exp(−yx)); multilabel_soft_margin as softplus(∓x),
which is PyTorch's −ln σ(±x) up to 3·10⁻⁹ past |x| = 20, where softplus turns linear). A hinge passes δ where
its argument is positive (clamp_min passes it at 0 too, as PyTorch's clamp_min; the multi-class kernels stop it
at 0 and, as PyTorch's, skip NaN terms)."""
from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

from ..autograd import composite
from ..errors import ArgumentTypeError, IndexRangeError, ShapeError
from .activation import softplus
from .args import flag, number, tensor_arg
from .compare import DtypeError, minimum, where
from .distance import pairwise_distance
from .loss import _reduce, reduction_mode
from .softmax import _floating

EPSILON = 1e-12  # PyTorch's guard of the squared norms in cosine_embedding_loss (aten/src/ATen/native/Loss.cpp)


def _reduction(op: str, reduction: Any, size_average: Optional[bool] = None, reduce: Optional[bool] = None) -> str:
    """reduction_mode, with a non-str reduction a TypeError (as PyTorch's Python checks meet it)."""
    if not isinstance(reduction, str):
        raise ArgumentTypeError(f"{op}: reduction must be 'none', 'mean' or 'sum', got {reduction!r}")
    return reduction_mode(op, reduction, size_average, reduce)


def _margin(op: str, margin: Any, positive: bool = False) -> float:
    number(op, "margin", margin)
    if positive and not margin > 0:
        raise ShapeError(f"{op}: margin must be greater than 0, got {margin}")
    return margin


def _no_bool(op: str, **tensors: Any) -> None:
    for name, t in tensors.items():
        if t.dtype == bool:
            raise DtypeError(f"{op}: {name} is a bool tensor; the loss subtracts, and bool tensors do not (cast with "
                             ".float() first)")


def _triplet(op: str, anchor: Any, positive: Any, negative: Any) -> tuple:
    a, p, n = (tensor_arg(t, op) for t in (anchor, positive, negative))
    _no_bool(op, anchor=a, positive=p, negative=n)
    if not a.ndim == p.ndim == n.ndim:
        raise ShapeError(f"{op}: The anchor, positive, and negative tensors are expected to have the same number of "
                         f"dimensions, but got: anchor {a.ndim}D, positive {p.ndim}D, and negative {n.ndim}D inputs")
    return a, p, n


def _hinged(d_pos: Any, d_neg: Any, margin: float, reduction: str) -> Any:
    return _reduce((d_pos - d_neg + margin).clamp_min(0), reduction)


@composite("triplet_margin_loss", "ℓ = max(0, d(a, p) − d(a, n) + m), d = ‖· − · + ε‖_p: δ flows where ℓ ≥ 0",
           r"\ell = \max(0, d(a,p) - d(a,n) + m)")
def triplet_margin_loss(anchor: Any, positive: Any, negative: Any, margin: float = 1.0, p: float = 2,
                        eps: float = 1e-6, swap: bool = False, size_average: Optional[bool] = None,
                        reduce: Optional[bool] = None, reduction: str = "mean") -> Any:
    """max(0, ‖a − p‖ − ‖a − n‖ + margin) per triplet (pairwise_distance along the last dim); swap uses
    min(d(a, n), d(p, n)) as the negative distance (Balntas et al. 2016)."""
    op = "triplet_margin_loss"
    reduction = _reduction(op, reduction, size_average, reduce)
    margin = _margin(op, margin, positive=True)
    number(op, "p", p)
    number(op, "eps", eps)
    swap = flag(op, "swap", swap)
    a, pos, neg = _triplet(op, anchor, positive, negative)
    d_neg = pairwise_distance(a, neg, p, eps)
    if swap:
        d_neg = minimum(d_neg, pairwise_distance(pos, neg, p, eps))
    return _hinged(pairwise_distance(a, pos, p, eps), d_neg, margin, reduction)


@composite("triplet_margin_with_distance_loss", "ℓ = max(0, d(a, p) − d(a, n) + m) for a given distance d",
           r"\ell = \max(0, d(a,p) - d(a,n) + m)")
def triplet_margin_with_distance_loss(anchor: Any, positive: Any, negative: Any, *,
                                      distance_function: Optional[Callable] = None, margin: float = 1.0,
                                      swap: bool = False, reduction: str = "mean") -> Any:
    """triplet_margin_loss with any distance_function(x1, x2) → distances (pairwise_distance by default)."""
    op = "triplet_margin_with_distance_loss"
    reduction = _reduction(op, reduction)
    margin = _margin(op, margin, positive=True)
    a, pos, neg = _triplet(op, anchor, positive, negative)
    if distance_function is not None and not callable(distance_function):
        raise TypeError(f"{op}: distance_function must be callable, got {type(distance_function).__name__}")
    distance = pairwise_distance if distance_function is None else distance_function
    d_neg = distance(a, neg)
    if swap:
        d_neg = minimum(d_neg, distance(pos, neg))
    return _hinged(distance(a, pos), d_neg, margin, reduction)


@composite("margin_ranking_loss", "ℓ = max(0, −y(x₁ − x₂) + m): δ_x₁ = −y·δ, δ_x₂ = y·δ where ℓ ≥ 0",
           r"\ell = \max(0, -y(x_1 - x_2) + m)")
def margin_ranking_loss(input1: Any, input2: Any, target: Any, margin: float = 0, size_average: Optional[bool] = None,
                        reduce: Optional[bool] = None, reduction: str = "mean") -> Any:
    """max(0, −y·(x₁ − x₂) + margin): y = 1 asks x₁ to rank above x₂ by the margin, y = −1 the reverse."""
    op = "margin_ranking_loss"
    reduction = _reduction(op, reduction, size_average, reduce)
    margin = _margin(op, margin)
    x1, x2, y = (tensor_arg(t, op) for t in (input1, input2, target))
    if not x1.ndim == x2.ndim == y.ndim:
        raise ShapeError(f"{op} : All input tensors should have same dimension but got sizes: input1: {x1.shape}, "
                         f"input2: {x2.shape}, target: {y.shape} ")
    _no_bool(op, input1=x1, input2=x2, target=y)
    return _reduce((-y * (x1 - x2) + margin).clamp_min(0), reduction)


@composite("hinge_embedding_loss", "ℓ = x for y = 1, max(0, m − x) for y = −1",
           r"\ell = x\ (y = 1),\quad \max(0, m - x)\ (y = -1)")
def hinge_embedding_loss(input: Any, target: Any, margin: float = 1.0, size_average: Optional[bool] = None,
                         reduce: Optional[bool] = None, reduction: str = "mean") -> Any:
    """x where y = 1 plus max(0, margin − x) where y = −1 (as PyTorch: the first term wherever y ≠ −1, the second
    wherever y ≠ 1); x is typically a distance between two embeddings."""
    op = "hinge_embedding_loss"
    reduction = _reduction(op, reduction, size_average, reduce)
    margin = _margin(op, margin)
    x, y = tensor_arg(input, op), tensor_arg(target, op)
    _floating(op, x)
    not_one, not_minus_one = (type(y)._make(np.asarray(y.data != v), False) for v in (1, -1))
    return _reduce(where(not_one, (margin - x).clamp_min(0), 0.0) + where(not_minus_one, x, 0.0), reduction)


@composite("soft_margin_loss", "ℓ = ln(1 + e^(−yx)): δ_x = −y·e^(−yx)/(1 + e^(−yx))·δ",
           r"\delta_x = -y\,\frac{e^{-yx}}{1 + e^{-yx}}\,\delta")
def soft_margin_loss(input: Any, target: Any, size_average: Optional[bool] = None, reduce: Optional[bool] = None,
                     reduction: str = "mean") -> Any:
    """ln(1 + e^(−y·x)) for labels y = ±1 (the logistic loss), computed as PyTorch computes it: log1p(exp(−yx)) in
    the input's dtype, so it overflows to ∞ (δ NaN) where PyTorch's does, past −yx ≈ 88 in float32."""
    op = "soft_margin_loss"
    reduction = _reduction(op, reduction, size_average, reduce)
    x, y = tensor_arg(input, op), tensor_arg(target, op)
    _floating(op, x)
    if y.requires_grad:
        raise ShapeError(f"{op}: The function 'soft_margin_loss' is not differentiable with respect to argument "
                         "'target'. This input cannot have requires_grad True.")
    try:
        fits = np.broadcast_shapes(x.shape, y.shape) == x.shape
    except ValueError:
        fits = False
    if not fits:
        raise ShapeError(f"{op}: target {y.shape} must broadcast to the input's shape {x.shape} (PyTorch writes the "
                         "loss into a tensor of the input's shape)")
    _no_bool(op, target=y)
    if y.dtype != x.dtype and object not in (x.dtype, y.dtype):
        y = y.to(x.dtype)  # the loss has the input's dtype, as PyTorch's
    with np.errstate(over="ignore"):
        return _reduce((-x * y).exp().log1p(), reduction)


@composite("multilabel_soft_margin_loss", "ℓ = −(1/C) Σ_c w_c [y_c ln σ(x_c) + (1 − y_c) ln σ(−x_c)]: "
           "δ_x = w(σ(x) − y)·δ/C", r"\delta_x = \frac{w\,(\sigma(x) - y)}{C}\,\delta")
def multilabel_soft_margin_loss(input: Any, target: Any, weight: Any = None, size_average: Optional[bool] = None,
                                reduce: Optional[bool] = None, reduction: str = "mean") -> Any:
    """The binary cross-entropy of logits x against 0/1 labels y, averaged over the classes (the last dim): one
    loss per sample, then reduced."""
    op = "multilabel_soft_margin_loss"
    reduction = _reduction(op, reduction, size_average, reduce)
    x, y = tensor_arg(input, op), tensor_arg(target, op)
    _floating(op, x)
    _no_bool(op, target=y)
    if x.ndim == 0:
        raise ShapeError(f"{op}: input must have a class dimension, (C,) or (N, C), got a 0-d tensor")
    # −ln σ(±x) as softplus(∓x): δ = σ(x) − y in one piece, so an infinite weight or target gives ±∞, not ∞ − ∞
    loss = y * softplus(-x) + (1 - y) * softplus(x)
    if weight is not None:
        loss = loss * tensor_arg(weight, op)
    return _reduce(loss.sum(x.ndim - 1) / x.shape[-1], reduction)


@composite("cosine_embedding_loss", "ℓ = 1 − cos(x₁, x₂) for y = 1, max(0, cos(x₁, x₂) − m) for y = −1; "
           "cos = ⟨x₁, x₂⟩/√((‖x₁‖² + ε)(‖x₂‖² + ε))", r"\ell = 1 - \cos(x_1, x_2)\ (y = 1),\quad "
           r"\max(0, \cos(x_1, x_2) - m)\ (y = -1)")
def cosine_embedding_loss(input1: Any, input2: Any, target: Any, margin: float = 0,
                          size_average: Optional[bool] = None, reduce: Optional[bool] = None,
                          reduction: str = "mean") -> Any:
    """1 − cos where y = 1, max(0, cos − margin) where y = −1 (0 for any other y), with PyTorch's cosine
    ⟨x₁, x₂⟩/√((‖x₁‖² + 10⁻¹²)(‖x₂‖² + 10⁻¹²)): rows of (N, D) inputs with (N,) targets, or (D,) with a 0-d one."""
    op = "cosine_embedding_loss"
    reduction = _reduction(op, reduction, size_average, reduce)
    margin = _margin(op, margin)
    x1, x2, y = (tensor_arg(t, op) for t in (input1, input2, target))
    _floating(op, x1, "input1")
    _floating(op, x2, "input2")
    if y.ndim not in (0, 1):
        raise ShapeError(f"{op}: 0D or 1D target tensor expected, multi-target not supported (target {y.shape})")
    if (x1.ndim, x2.ndim) != ((2, 2) if y.ndim == 1 else (1, 1)):
        raise ShapeError(f"{op}: {y.ndim}D target tensor expects {y.ndim + 1}D input tensors, but found inputs with "
                         f"sizes {list(x1.shape)} and {list(x2.shape)}.")
    d = y.ndim
    cos = (x1 * x2).sum(d) / (((x1 * x1).sum(d) + EPSILON) * ((x2 * x2).sum(d) + EPSILON)).sqrt()
    positive, negative = (type(y)._make(np.asarray(y.data == v), False) for v in (1, -1))
    return _reduce(where(positive, 1 - cos, 0.0) + where(negative, (cos - margin).clamp_min(0), 0.0), reduction)


def _class_rows(op: str, input: Any, target: Any, same_shape: bool) -> tuple:
    """input as (N, C) rows and the int64 target as an array, for (C,) / (N, C) inputs (and 0-d, read as C = 1)."""
    x = tensor_arg(input, op)
    _floating(op, x)
    t = tensor_arg(target, op)
    if t.dtype != np.int64:
        raise DtypeError(f"{op}: expected scalar type Long (int64) for the target, but found {t.dtype}")
    if x.ndim > 2 or (x.ndim and x.shape[-1] == 0):
        raise ShapeError(f"{op}: Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
                         f"{list(x.shape)}")
    rows = x.reshape(-1, x.shape[-1] if x.ndim else 1)
    classes = rows.shape[1]
    if same_shape:
        if t.shape != x.shape and not (x.ndim <= 1 and t.numel() == classes and t.ndim <= 1):
            raise ShapeError(f"{op}: inconsistent target size: {list(t.shape)} for input of size: {list(x.shape)}")
        labels = t.data.reshape(rows.shape)
        lo = -1
    else:
        if t.ndim > 1 or t.numel() != rows.shape[0]:
            raise ShapeError(f"{op}: inconsistent target size, expected {rows.shape[0]} but got {list(t.shape)}")
        labels = t.data.reshape(-1)
        lo = 0
    if labels.size and (labels.min() < lo or labels.max() >= classes):
        raise IndexRangeError(f"{op}: target out of range: values must lie in [{lo}, {classes}) for input "
                              f"{list(x.shape)}, got {int(labels.min() if labels.min() < lo else labels.max())}")
    return x, rows, labels


@composite("multi_margin_loss", "ℓ = (1/C) Σ_{i≠y} w_y·max(0, m − x_y + x_i)^p: δ_x_i = p·w_y·h^(p−1)/C·δ, "
           "δ_x_y = −Σ_i of those (where the hinge h > 0)", r"\ell = \frac{1}{C}\sum_{i \ne y} w_y "
           r"\max(0, m - x_y + x_i)^p")
def multi_margin_loss(input: Any, target: Any, p: int = 1, margin: float = 1.0, weight: Any = None,
                      size_average: Optional[bool] = None, reduce: Optional[bool] = None,
                      reduction: str = "mean") -> Any:
    """The multi-class hinge (Weston–Watkins): each wrong class i within `margin` of the true class y adds
    max(0, margin − x_y + x_i)^p, weighted by w_y, averaged over the C classes."""
    op = "multi_margin_loss"
    reduction = _reduction(op, reduction, size_average, reduce)
    if isinstance(p, bool) or p not in (1, 2):
        raise ShapeError(f"{op}: only p == 1 and p == 2 supported, got p={p!r}")
    margin = _margin(op, margin)
    x, rows, labels = _class_rows(op, input, target, same_shape=False)
    n, classes = rows.shape
    w = None
    if weight is not None:
        w = tensor_arg(weight, op)
        if w.ndim != 1:
            raise ShapeError(f"{op}: weight must be one-dimensional, got shape {w.shape}")
        if w.numel() != classes:
            raise ShapeError(f"{op}: inconsistent weight size, expected {classes} but got {list(w.shape)}")
        if w.dtype != x.dtype and x.dtype != object and w.dtype != object:
            raise DtypeError(f"{op}: weight has dtype {w.dtype} but the input has {x.dtype}; they must be the same")
    picked = rows[np.arange(n), labels].reshape(n, 1)
    z = rows - picked + margin
    if p == 2:
        z = z * z
    with np.errstate(invalid="ignore"):  # PyTorch's kernel adds z where z > 0: NaN entries add nothing
        counted = (np.arange(classes) != labels.reshape(n, 1)) & ((rows - picked + margin).data > 0)
    mask = type(x)._make(counted, False)
    hinge = where(mask, z, 0.0)
    if w is not None:  # w_y only on counted terms (PyTorch's kernel): an infinite weight never meets a 0
        hinge = hinge * where(mask, w[labels].reshape(n, 1), 0.0)
    loss = hinge.sum(1) / classes
    if reduction == "none":
        return loss if x.ndim == 2 or tensor_arg(target, op).ndim else loss.reshape(())
    return _reduce(loss, reduction)


@composite("multilabel_margin_loss", "ℓ = (1/C) Σ_{j ∈ targets} Σ_{i ∉ targets} max(0, 1 − (x_j − x_i))",
           r"\ell = \frac{1}{C}\sum_{j \in Y}\sum_{i \notin Y} \max(0, 1 - (x_j - x_i))")
def multilabel_margin_loss(input: Any, target: Any, size_average: Optional[bool] = None,
                           reduce: Optional[bool] = None, reduction: str = "mean") -> Any:
    """The multi-label ranking hinge: each target class j (the row's leading class indices, up to the first −1)
    should score 1 above every non-target class i; Σ max(0, 1 − x_j + x_i) / C per sample."""
    op = "multilabel_margin_loss"
    reduction = _reduction(op, reduction, size_average, reduce)
    x, rows, labels = _class_rows(op, input, target, same_shape=True)
    if x.dtype == np.float16:
        raise DtypeError(f"{op}: float16 input is not supported (as PyTorch's CPU kernel); use .float()")
    n, classes = rows.shape
    listed = np.cumprod(labels != -1, axis=1).astype(bool)  # the entries before each row's first −1
    safe = np.where(listed, labels, 0)
    is_target = np.zeros((n, classes + 1), bool)  # column C collects the unlisted entries
    np.put_along_axis(is_target, np.where(listed, labels, classes), True, axis=1)
    is_target = is_target[:, :classes]
    picked = rows[np.arange(n).reshape(n, 1), safe]  # x_{y_j}: (N, C) over target positions j
    z = 1 - picked.reshape(n, classes, 1) + rows.reshape(n, 1, classes)
    with np.errstate(invalid="ignore"):  # PyTorch's kernel adds z where z > 0: NaN entries add nothing
        keep = listed.reshape(n, classes, 1) & ~is_target.reshape(n, 1, classes) & (z.data > 0)
    loss = where(type(x)._make(keep, False), z, 0.0).sum((1, 2)) / classes
    if reduction == "none":
        return loss if x.ndim == 2 else loss.reshape(())
    return _reduce(loss, reduction)


__all__ = ["triplet_margin_loss", "triplet_margin_with_distance_loss", "margin_ranking_loss", "hinge_embedding_loss",
           "soft_margin_loss", "multilabel_soft_margin_loss", "cosine_embedding_loss", "multi_margin_loss",
           "multilabel_margin_loss"]
