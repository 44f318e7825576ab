"""The torch.* forms of functional ops (torch.conv2d, torch.batch_norm, torch.dropout, ...). Where torch.X has the
signature of F.X, the F.X function itself is re-exported here; where it differs (ATen's argument order, required
flags such as `train`, reductions as the enum 0 = 'none', 1 = 'mean', 2 = 'sum', embedding's (weight, indices)
order), a thin adapter with torch's signature calls the F.X of this library. (tg.hardshrink and tg.prelu, the same
as F's, come from tensor_method_aliases.py.)"""
from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np

from . import functional as F
from .errors import ShapeError
from .ops.activation import expm1 as _expm1, log1p as _log1p
from .ops.args import flag, integer, integers, number
from .ops.conv import conv1d, conv2d, conv_transpose2d  # noqa: F401 (the same signatures as F.*)
from .ops.conv3d import conv3d, conv_transpose3d  # noqa: F401
from .ops.conv_transpose1d import conv_transpose1d  # noqa: F401
from .ops.distance import cosine_similarity, pairwise_distance  # noqa: F401
from .ops.linalg import bilinear  # noqa: F401
from .ops.pixel_shuffle import pixel_shuffle, pixel_unshuffle  # noqa: F401
from .ops.pool1d import avg_pool1d  # noqa: F401
from .ops.pool_adaptive import adaptive_avg_pool1d  # noqa: F401
from .tensor_utility import split_with_sizes as _split_with_sizes, tensor_arg

_REDUCTIONS = {0: "none", 1: "mean", 2: "sum"}


def _reduction(op: str, reduction: Any) -> str:
    """ATen's reduction enum as F's string: 0 'none', 1 'mean', 2 'sum' (a string is refused, as torch.X does)."""
    value = integer(op, "reduction", reduction)
    if value not in _REDUCTIONS:
        raise ShapeError(f"{op}: reduction must be 0 ('none'), 1 ('mean') or 2 ('sum'), got {value}")
    return _REDUCTIONS[value]


def _stride(stride: Any) -> Any:
    """ATen's default stride [] (the kernel size) as F's None."""
    return None if stride is None or (isinstance(stride, (list, tuple)) and len(stride) == 0) else stride


# ---- pooling: no return_indices (torch.max_pool*), always indices (torch.adaptive_max_pool1d) -------------------
def max_pool1d(input: Any, kernel_size: Any, stride: Any = (), padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False) -> Any:
    """F.max_pool1d without return_indices (stride () means the kernel size)."""
    return F.max_pool1d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)


def max_pool2d(input: Any, kernel_size: Any, stride: Any = (), padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False) -> Any:
    """F.max_pool2d without return_indices (stride () means the kernel size)."""
    return F.max_pool2d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)


def max_pool3d(input: Any, kernel_size: Any, stride: Any = (), padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False) -> Any:
    """F.max_pool3d without return_indices (stride () means the kernel size)."""
    return F.max_pool3d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)


def adaptive_max_pool1d(input: Any, output_size: Any) -> tuple:
    """F.adaptive_max_pool1d with its indices: always (values, indices)."""
    return F.adaptive_max_pool1d(input, output_size, return_indices=True)


# ---- normalisation: ATen's argument order, every flag required --------------------------------------------------
def batch_norm(input: Any, weight: Optional[Any], bias: Optional[Any], running_mean: Optional[Any],
               running_var: Optional[Any], training: bool, momentum: float, eps: float, cudnn_enabled: bool) -> Any:
    """F.batch_norm with ATen's order (weight, bias before the running statistics)."""
    flag("batch_norm", "cudnn_enabled", cudnn_enabled)
    if not training and (running_mean is None or running_var is None):
        missing = "running_mean" if running_mean is None else "running_var"
        raise ShapeError(f"batch_norm: {missing} must be defined in evaluation mode (training=False uses the running "
                         "statistics)")
    return F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def instance_norm(input: Any, weight: Optional[Any], bias: Optional[Any], running_mean: Optional[Any],
                  running_var: Optional[Any], use_input_stats: bool, momentum: float, eps: float,
                  cudnn_enabled: bool) -> Any:
    """F.instance_norm with ATen's order (weight, bias before the running statistics)."""
    flag("instance_norm", "cudnn_enabled", cudnn_enabled)
    return F.instance_norm(input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps)


def layer_norm(input: Any, normalized_shape: Any, weight: Optional[Any] = None, bias: Optional[Any] = None,
               eps: float = 1e-05, cudnn_enable: bool = True) -> Any:
    """F.layer_norm; cudnn_enable is accepted (there is one CPU kernel)."""
    flag("layer_norm", "cudnn_enable", cudnn_enable)
    return F.layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(input: Any, num_groups: int, weight: Optional[Any] = None, bias: Optional[Any] = None,
               eps: float = 1e-05, cudnn_enabled: bool = True) -> Any:
    """F.group_norm; cudnn_enabled is accepted (there is one CPU kernel)."""
    flag("group_norm", "cudnn_enabled", cudnn_enabled)
    return F.group_norm(input, num_groups, weight, bias, eps)


# ---- dropout: (input, p, train), all required ----------------------------------------------------------------
def dropout(input: Any, p: float, train: bool) -> Any:
    """F.dropout(input, p, training=train)."""
    return F.dropout(input, p, train)


def alpha_dropout(input: Any, p: float, train: bool) -> Any:
    """F.alpha_dropout(input, p, training=train)."""
    return F.alpha_dropout(input, p, train)


def feature_alpha_dropout(input: Any, p: float, train: bool) -> Any:
    """F.feature_alpha_dropout(input, p, training=train)."""
    return F.feature_alpha_dropout(input, p, train)


# ---- embedding: (weight, indices); a negative padding_idx means none -------------------------------------------
def embedding(weight: Any, indices: Any, padding_idx: int = -1, scale_grad_by_freq: bool = False,
              sparse: bool = False) -> Any:
    """F.embedding(indices, weight): the rows of weight at indices; padding_idx < 0 means no padding row."""
    padding_idx = integer("embedding", "padding_idx", padding_idx)
    return F.embedding(indices, weight, padding_idx if padding_idx >= 0 else None,
                       scale_grad_by_freq=scale_grad_by_freq, sparse=sparse)


# ---- activations without inplace ------------------------------------------------------------------------------
def celu(input: Any, alpha: float = 1.0) -> Any:
    """F.celu without inplace."""
    return F.celu(input, alpha)


def selu(input: Any) -> Any:
    """F.selu without inplace."""
    return F.selu(input)


def threshold(input: Any, threshold: float, value: float) -> Any:
    """F.threshold without inplace: value where input ≤ threshold."""
    return F.threshold(input, threshold, value)


# ---- losses: reduction as the enum, no size_average/reduce ---------------------------------------------------
def kl_div(input: Any, target: Any, reduction: int = 1, *, log_target: bool = False) -> Any:
    """F.kl_div with the reduction enum; 1 is the mean over every entry (ATen's, without F's warning)."""
    mode = _reduction("kl_div", reduction)
    loss = F.kl_div(input, target, reduction="none" if mode == "mean" else mode, log_target=log_target)
    return loss.sum() / loss.numel() if mode == "mean" else loss  # (no entries: 0/0 = NaN, as ATen)


def binary_cross_entropy_with_logits(input: Any, target: Any, weight: Optional[Any] = None,
                                     pos_weight: Optional[Any] = None, reduction: int = 1) -> Any:
    """F.binary_cross_entropy_with_logits with the reduction enum (pos_weight before reduction, as ATen)."""
    return F.binary_cross_entropy_with_logits(input, target, weight,
                                              reduction=_reduction("binary_cross_entropy_with_logits", reduction),
                                              pos_weight=pos_weight)


def cosine_embedding_loss(input1: Any, input2: Any, target: Any, margin: float = 0.0, reduction: int = 1) -> Any:
    """F.cosine_embedding_loss with the reduction enum."""
    return F.cosine_embedding_loss(input1, input2, target, margin,
                                   reduction=_reduction("cosine_embedding_loss", reduction))


def hinge_embedding_loss(input: Any, target: Any, margin: float = 1.0, reduction: int = 1) -> Any:
    """F.hinge_embedding_loss with the reduction enum."""
    return F.hinge_embedding_loss(input, target, margin, reduction=_reduction("hinge_embedding_loss", reduction))


def margin_ranking_loss(input1: Any, input2: Any, target: Any, margin: float = 0.0, reduction: int = 1) -> Any:
    """F.margin_ranking_loss with the reduction enum."""
    return F.margin_ranking_loss(input1, input2, target, margin,
                                 reduction=_reduction("margin_ranking_loss", reduction))


def triplet_margin_loss(anchor: Any, positive: Any, negative: Any, margin: float = 1.0, p: float = 2.0,
                        eps: float = 1e-06, swap: bool = False, reduction: int = 1) -> Any:
    """F.triplet_margin_loss with the reduction enum."""
    return F.triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap,
                                 reduction=_reduction("triplet_margin_loss", reduction))


def poisson_nll_loss(input: Any, target: Any, log_input: bool, full: bool, eps: float, reduction: int) -> Any:
    """F.poisson_nll_loss with every argument required and the reduction enum."""
    return F.poisson_nll_loss(input, target, log_input, full, eps=eps,
                              reduction=_reduction("poisson_nll_loss", reduction))


def log1p(input: Any, *, out: Optional[Any] = None) -> Any:
    """ln(1 + x), exact for tiny x (tg.Tensor.log1p), with torch's argument check."""
    _no_out("log1p", out)
    return _log1p(tensor_arg(input, "log1p"))


def expm1(input: Any, *, out: Optional[Any] = None) -> Any:
    """eˣ − 1, exact for tiny x (tg.Tensor.expm1), with torch's argument check."""
    _no_out("expm1", out)
    return _expm1(tensor_arg(input, "expm1"))


def _no_out(op: str, out: Any) -> None:
    if out is not None:
        raise TypeError(f"{op}: out= is not supported (results here are new tensors); use the returned tensor")


# ---- padding, subtraction, splitting ------------------------------------------------------------------------
def constant_pad_nd(input: Any, pad: Sequence[int], value: Any = 0) -> Any:
    """F.pad(input, pad, 'constant', value): (left, right) pairs from the last dimension; negative pads crop."""
    number("constant_pad_nd", "value", value)
    return F.pad(input, list(integers("constant_pad_nd", "pad", pad)), "constant", value)


def rsub(input: Any, other: Any, *, alpha: Any = 1) -> Any:
    """other − alpha·input: subtraction with the operands reversed (other may be a number)."""
    from .ops.math_extra import sub
    from .tensor import Tensor

    x = tensor_arg(input, "rsub")
    if isinstance(other, (Tensor, np.ndarray, np.generic)):
        return sub(tensor_arg(other, "rsub"), x, alpha=alpha)
    return sub(x._lift(number("rsub", "other", other)), x, alpha=alpha)


def split_with_sizes(input: Any, split_sizes: Sequence[int], dim: int = 0) -> tuple:
    """input split along dim into pieces of the given sizes (which must add up to its size there)."""
    return _split_with_sizes(tensor_arg(input, "split_with_sizes"), split_sizes, dim)


__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "max_pool1d",
           "max_pool2d", "max_pool3d", "avg_pool1d", "adaptive_avg_pool1d", "adaptive_max_pool1d", "batch_norm",
           "layer_norm", "group_norm", "instance_norm", "dropout", "alpha_dropout", "feature_alpha_dropout",
           "embedding", "pixel_shuffle", "pixel_unshuffle", "cosine_similarity", "pairwise_distance", "celu", "selu",
           "threshold", "kl_div", "bilinear", "binary_cross_entropy_with_logits",
           "cosine_embedding_loss", "hinge_embedding_loss", "margin_ranking_loss", "triplet_margin_loss",
           "poisson_nll_loss", "constant_pad_nd", "log1p", "expm1", "rsub", "split_with_sizes"]
