"""PyTorch-style functional names (`import tinygrad_edu.functional as F`) over the ops."""
from __future__ import annotations

from typing import Optional

from .autograd import composite
from .errors import ShapeError
from .ops import cross_entropy, log_softmax, mse_loss, nll_loss, softmax
from .ops.activation import celu, elu, gelu, hardtanh, logsigmoid, mish, relu6, selu, silu, softplus
from .ops.interpolate import interpolate
from .ops.loss import (binary_cross_entropy, binary_cross_entropy_with_logits, huber_loss, kl_div, l1_loss, one_hot,
                       smooth_l1_loss, softmin)
from .ops.padding import pad
from .ops.conv import conv1d, conv2d, conv2d_weight, conv_transpose2d
from .ops.local import fold, locally_connected2d, unfold
from .ops.embedding import embedding
from .ops.normalization import batch_norm, dropout, group_norm, layer_norm, local_response_norm
from .ops.channel_dropout import dropout1d, dropout2d
from .ops.instance_norm import instance_norm
from .ops.activation_extra import (glu, hardshrink, hardsigmoid, hardswish, prelu, softshrink, softsign,
                                    tanhshrink, threshold)
from .ops.pixel_shuffle import pixel_shuffle, pixel_unshuffle
from .ops.pool_lp import lp_pool1d, lp_pool2d
from .ops.distance import cosine_similarity, normalize, pairwise_distance
from .ops.conv_transpose1d import conv_transpose1d
from .ops.pool import avg_pool2d, max_pool2d
from .ops.pool1d import avg_pool1d, max_pool1d
from .ops.pool_unpool import max_unpool2d
from .ops.pool_adaptive import (adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_max_pool1d, adaptive_max_pool2d,
                                spatial_pyramid_pool2d)
from .ops.elementwise import LeakyRelu, Relu, Sigmoid, Tanh
from .ops import linalg as _linalg
from .ops.args import check_size, check_view, number
from .tensor import Tensor


@composite("linear", "u = x Wᵀ + b: δ_x = δ W (the lecture's Wᵀδ for column vectors, F39), ∂E/∂W = δᵀx, "
           "∂E/∂b = Σₙ δₙ", r"\delta_x = \delta W,\ \partial E/\partial W = \delta^\top x,\ "
           r"\partial E/\partial b = \sum_n \delta_n")
def linear(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None) -> Tensor:
    """y = x Wᵀ + b with W of shape (out_features, in_features), as PyTorch (lecture F55: y = W x + b)."""
    input, weight = _linalg.operands("linear", input, weight, ("input", "weight"))
    if bias is not None:
        bias = _linalg.operands("linear", bias, weight, ("bias", "weight"))[0]
    if weight.ndim != 2:
        raise ShapeError(f"linear: weight must be 2-D (out_features, in_features), got {weight.shape}")
    if input.ndim == 0 or input.shape[-1] != weight.shape[1]:
        raise ShapeError(f"linear: input {input.shape} has {input.shape[-1] if input.ndim else 0} features but "
                         f"weight {weight.shape} expects {weight.shape[1]} (rule: input (…, in) @ weight.T (in, out))")
    check_size("linear", input.shape[:-1] + weight.shape[:1], input.dtype)
    out = input @ weight.T
    if bias is not None:
        if bias.shape != (weight.shape[0],):
            raise ShapeError(f"linear: bias shape {bias.shape} must be ({weight.shape[0]},) for weight {weight.shape}")
        out = out + bias
    return out


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(x, 0). `inplace` is accepted for PyTorch code; the result is a new tensor and the input is kept."""
    return Relu.apply(check_view("relu", input))


def sigmoid(input: Tensor) -> Tensor:
    return Sigmoid.apply(check_view("sigmoid", input))


def tanh(input: Tensor) -> Tensor:
    return Tanh.apply(check_view("tanh", input))


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x for x > 0, negative_slope·x otherwise (floating input only, as PyTorch). `inplace` as in relu."""
    number("leaky_relu", "negative_slope", negative_slope)
    return LeakyRelu.apply(check_view("leaky_relu", input), negative_slope=negative_slope)


__all__ = ["linear", "conv1d", "conv2d", "conv_transpose2d", "conv2d_weight", "relu", "sigmoid", "tanh", "leaky_relu", "softmax", "log_softmax", "cross_entropy",
           "nll_loss", "mse_loss", "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "adaptive_max_pool2d",
           "spatial_pyramid_pool2d",
           "max_unpool2d", "max_pool1d", "avg_pool1d", "adaptive_avg_pool1d",
           "dropout", "local_response_norm", "batch_norm", "unfold", "fold",
           "locally_connected2d",
           "softmin", "elu", "celu", "selu", "gelu", "silu", "mish", "softplus", "logsigmoid", "hardtanh", "relu6",
           "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div", "l1_loss", "smooth_l1_loss",
           "huber_loss", "one_hot", "pad", "interpolate",
           "layer_norm", "group_norm", "embedding"]
__all__ += ["dropout1d", "dropout2d"]
__all__ += ["instance_norm"]
__all__ += ["prelu", "hardswish", "hardsigmoid", "softsign", "softshrink", "hardshrink", "tanhshrink",
            "threshold", "glu"]
__all__ += ["pixel_shuffle", "pixel_unshuffle"]
__all__ += ["lp_pool1d", "lp_pool2d"]
__all__ += ["normalize", "cosine_similarity", "pairwise_distance"]
__all__ += ["conv_transpose1d"]
__all__ += ["adaptive_max_pool1d"]
bilinear = _linalg.bilinear
__all__ += ["bilinear"]
from .ops.conv3d import conv3d, conv_transpose3d
from .ops.pool3d import avg_pool3d, max_pool3d
from .ops.pool3d_adaptive import adaptive_avg_pool3d, adaptive_max_pool3d, max_unpool3d
__all__ += ["conv3d", "conv_transpose3d", "max_pool3d", "avg_pool3d", "adaptive_avg_pool3d", "adaptive_max_pool3d",
            "max_unpool3d"]
from .ops.loss_margin import (cosine_embedding_loss, hinge_embedding_loss, margin_ranking_loss, multi_margin_loss,
                              multilabel_margin_loss, multilabel_soft_margin_loss, soft_margin_loss,
                              triplet_margin_loss, triplet_margin_with_distance_loss)
from .ops.loss_regression import gaussian_nll_loss, poisson_nll_loss
__all__ += ["triplet_margin_loss", "triplet_margin_with_distance_loss", "margin_ranking_loss", "cosine_embedding_loss",
            "hinge_embedding_loss", "multilabel_soft_margin_loss", "multi_margin_loss", "multilabel_margin_loss",
            "soft_margin_loss", "poisson_nll_loss", "gaussian_nll_loss"]
from .ops.channel_shuffle import channel_shuffle
from .ops.rms_norm import rms_norm
from .ops.alpha_dropout import alpha_dropout, feature_alpha_dropout
from .ops.channel_dropout import dropout3d
__all__ += ["channel_shuffle", "rms_norm", "alpha_dropout", "feature_alpha_dropout", "dropout3d"]
from .ops.grid_sample import GRID_SAMPLE_INTERPOLATION_MODES, GRID_SAMPLE_PADDING_MODES, affine_grid, grid_sample
__all__ += ["affine_grid", "grid_sample"]
from .ops.attention import multi_head_attention_forward, scaled_dot_product_attention
__all__ += ["scaled_dot_product_attention", "multi_head_attention_forward"]
from .ops.distance_matrix import pdist
__all__ += ["pdist"]
from .ops.pool_with_indices import (adaptive_max_pool1d_with_indices, adaptive_max_pool2d_with_indices,
                                     adaptive_max_pool3d_with_indices, lp_pool3d, max_pool1d_with_indices,
                                     max_pool2d_with_indices, max_pool3d_with_indices, max_unpool1d)
from .ops.activation_random import gumbel_softmax, rrelu
from .ops.activation_inplace import celu_, elu_, hardtanh_, leaky_relu_, relu_, rrelu_, selu_, threshold_
from .ops.embedding_bag import embedding_bag
__all__ += ["max_pool1d_with_indices", "max_pool2d_with_indices", "max_pool3d_with_indices",
            "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices", "adaptive_max_pool3d_with_indices",
            "max_unpool1d", "lp_pool3d", "rrelu", "gumbel_softmax", "relu_", "elu_", "celu_", "selu_", "leaky_relu_",
            "hardtanh_", "threshold_", "rrelu_", "embedding_bag"]
