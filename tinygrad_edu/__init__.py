"""tinygrad_edu: an autograd engine for learning how convolutional networks learn.

One graph, two kinds of numbers: vectorised NumPy for training, SymPy expressions for checking
the lecture's formulas exactly. PyTorch's names wherever PyTorch has the thing.
"""
from __future__ import annotations

import importlib
import sys
from typing import Any

import numpy as np

from .allocator import keep_freed_memory, keep_freed_memory_if_asked
from .autograd import Function, enable_grad, grad, is_grad_enabled, no_grad, set_grad_enabled
from .creation import manual_seed, ones, ones_like, rand, randn, zeros, zeros_like
from .device import backends, cuda, device
from .ops import cat, log_softmax, softmax, stack
# reductions, comparisons and sorting as torch.* functions (issue 11)
from .ops import (all, allclose, amax, amin, any, argmax, argmin, argsort, clamp, clamp_max, clamp_min, clip,
                  cumsum, eq, ge, gt, isclose, isfinite, isinf, isnan, le, logsumexp, lt, max, maximum, mean, min,
                  minimum, ne, norm, prod, sort, std, sum, topk, var, where)
# creation, indexing and shape ops, products, and function forms of Tensor methods (issue 11)
from .creation import (abs, arange, empty, empty_like, exp, eye, flatten, from_numpy, full, full_like, linspace, log,
                       permute, rand_like, randint, randn_like, relu, reshape, sigmoid, sqrt, squeeze, tanh,
                       transpose, unsqueeze)
from .ops import (bmm, chunk, clone, einsum, flip, gather, index_put, index_select, masked_fill, matmul, mm, movedim,
                  narrow, roll, scatter, scatter_add, split, swapaxes, t, tril, triu)
from .ops import swapdims
# utility tensor functions under torch's names (tensor_utility.py, tensor_inplace.py via utility_functions.py)
from .utility_functions import (argwhere, bincount, bitwise_and, bitwise_not, bitwise_or, bitwise_xor, broadcast_to,
                                dsplit, equal, fliplr, flipud, histc, hsplit, index_add, index_copy, index_fill,
                                logical_and, logical_not, logical_or, logical_xor, masked_select, moveaxis, nonzero,
                                ravel, repeat_interleave, rot90, scatter_reduce, select, take, take_along_dim,
                                tensor_split, tile, unbind, unflatten, unique, unique_consecutive, vsplit)
# elementwise math, rounding and trigonometry under torch's names (ops/math_extra.py, ops/trig.py)
from .ops.math_extra import (add, addcdiv, addcmul, ceil, copysign, div, divide, exp2, fix, float_power, floor,
                             floor_divide, fmax, fmin, fmod, frac, heaviside, hypot, lerp, log10, log2, logaddexp,
                             logaddexp2, logit, mul, multiply, nan_to_num, neg, negative, positive, pow, reciprocal,
                             remainder, round, sgn, sign, signbit, square, sub, subtract, true_divide, trunc, xlogy)
from .ops.trig import (acos, acosh, arccos, arccosh, arcsin, arcsinh, arctan, arctan2, arctanh, asin, asinh, atan,
                       atan2, atanh, cos, cosh, deg2rad, rad2deg, sin, sinc, sinh, tan)
from .ops.linalg_extra import (addbmm, addmm, addmv, aminmax, baddbmm, count_nonzero, cross, cummax, cummin, cumprod,
                               diag, diag_embed, diagonal, diff, dist, dot, ger, inner, kron, logcumsumexp, median, mv,
                               nanmean, nanmedian, nansum, outer, renorm, trace, vdot)
# the error function family (ops/activation.py, ops/error_functions.py)
from .ops.activation import erf
from .ops.error_functions import erfc, erfinv
# statistics and the gamma/Bessel family (ops/statistics.py, ops/gamma_functions.py); tg.special is a submodule
from .ops.statistics import (corrcoef, cov, histogram, kthvalue, mode, msort, nanquantile, quantile, std_mean,
                             var_mean)
from .ops.gamma_functions import digamma, i0, lgamma, mvlgamma, polygamma
# top-level in-place forms, aliases, number parts and scatter views (tensor_inplace_family.py,
# tensor_method_aliases.py, ops/number_parts.py, ops/scatter_views.py)
from .tensor_inplace_family import (abs_, acos_, acosh_, addmv_, alpha_dropout_, arccos_, arccosh_, arcsin_, arcsinh_,
                                    arctan_, arctanh_, asin_, asinh_, atan_, atanh_, ceil_, celu_, clamp_, clamp_max_,
                                    clamp_min_, clip_, cos_, cosh_, deg2rad_, detach_, dropout_, embedding_renorm_,
                                    erf_, erfc_, exp2_, exp_, expm1_, feature_alpha_dropout_, feature_dropout_, fill_,
                                    fix_, floor_, frac_, gcd_, i0_, index_put_, lcm_, ldexp_, log10_, log1p_, log2_,
                                    log_, logit_, nan_to_num_, neg_, negative_, rad2deg_, reciprocal_, relu_,
                                    resize_as_, round_, rrelu_, rsqrt_, selu_, sigmoid_, sin_, sinc_, sinh_, sqrt_,
                                    square_, tan_, tanh_, threshold_, trunc_, xlogy_, zero_)
from .tensor_method_aliases import (absolute, addr, diagflat, greater, greater_equal, hardshrink, less, less_equal,
                                    narrow_copy, not_equal, prelu)
from .ops.number_parts import frexp, gcd, isneginf, isposinf, isreal, lcm, ldexp, nextafter, rsqrt
from .ops.scatter_views import diagonal_scatter, index_reduce, masked_scatter, put, select_scatter, slice_scatter
from .tensor import Tensor
# the default dtype, print options, more creation and random functions, tg.Generator, global switches, predicates
# and dtype questions (defaults.py, print_options.py, creation_random.py, rng_state.py, global_modes.py, dtype_utils.py)
from .defaults import get_default_dtype, set_default_dtype
from .print_options import get_printoptions, set_printoptions
from .rng_state import Generator
from .creation_random import (as_tensor, asarray, bernoulli, empty_strided, get_rng_state, initial_seed, logspace,
                              multinomial, normal, poisson, randint_like, randperm, scalar_tensor, seed, set_rng_state)
from .global_modes import (are_deterministic_algorithms_enabled, get_num_threads, inference_mode,
                           is_deterministic_algorithms_warn_only_enabled, is_inference_mode_enabled, set_num_threads,
                           use_deterministic_algorithms)
from .dtype_utils import (can_cast, is_complex, is_floating_point, is_nonzero, is_same_size, is_signed, numel,
                          promote_types, result_type)
# torch.channel_shuffle and torch.rms_norm (the same signatures as their F.* forms)
from .ops.channel_shuffle import channel_shuffle
from .ops.rms_norm import rms_norm
# torch.save / torch.load: PyTorch's .pt checkpoint format, read without running pickle code (torch_format.py)
from .torch_format import load, save
# joining, grids, products, searching, integration, distance matrices, and the torch.* forms of F ops with torch's
# signatures (ops/joining.py, grids.py, products.py, searching.py, integration.py, distance_matrix.py,
# torch_functions.py; tg.hardshrink and tg.prelu come from tensor_method_aliases.py)
from .ops.joining import (atleast_1d, atleast_2d, atleast_3d, block_diag, column_stack, concat, concatenate, dstack,
                          hstack, row_stack, vstack)
from .ops.grids import (broadcast_shapes, broadcast_tensors, cartesian_prod, combinations, meshgrid, tril_indices,
                        triu_indices, unravel_index)
from .ops.products import chain_matmul, tensordot, vander
from .ops.searching import bucketize, isin, searchsorted
from .ops.integration import cumulative_trapezoid, trapezoid, trapz
from .ops.distance_matrix import cdist, pdist
from .torch_functions import (adaptive_avg_pool1d, adaptive_max_pool1d, alpha_dropout, avg_pool1d, batch_norm,
                              bilinear, binary_cross_entropy_with_logits, celu, constant_pad_nd, conv1d, conv2d,
                              conv3d, conv_transpose1d, conv_transpose2d, conv_transpose3d, cosine_embedding_loss,
                              cosine_similarity, dropout, embedding, expm1, feature_alpha_dropout, group_norm,
                              hinge_embedding_loss, instance_norm, kl_div, layer_norm, log1p, margin_ranking_loss,
                              max_pool1d, max_pool2d, max_pool3d, pairwise_distance, pixel_shuffle, pixel_unshuffle,
                              poisson_nll_loss, rsub, selu, split_with_sizes, threshold, triplet_margin_loss)
# torch.autograd.functional (jacobian, hessian, vjp, jvp, hvp, vhp): autograd.py is a module, not a package, so it
# cannot hold a submodule file; the code lives in autograd_functional.py and is registered here as the attribute
# `autograd.functional` and under its dotted name in sys.modules, so `tg.autograd.functional.jacobian`,
# `import tinygrad_edu.autograd.functional` and `from tinygrad_edu.autograd.functional import jacobian` all work
from . import autograd as _autograd, autograd_functional as _autograd_functional
_autograd.functional = _autograd_functional  # type: ignore[attr-defined]
sys.modules[__name__ + ".autograd.functional"] = _autograd_functional
del _autograd, _autograd_functional

__version__ = "0.1.0"

keep_freed_memory_if_asked()

float32 = float = np.dtype(np.float32)
float64 = double = np.dtype(np.float64)
float16 = half = np.dtype(np.float16)
int64 = long = np.dtype(np.int64)
int32 = int = np.dtype(np.int32)
int16 = short = np.dtype(np.int16)
int8 = np.dtype(np.int8)
uint8 = np.dtype(np.uint8)
bool = np.dtype(np.bool_)
# more dtype names torch users write, where NumPy has the type (no tg.bfloat16: NumPy has none, see __getattr__)
uint16, uint32, uint64 = np.dtype(np.uint16), np.dtype(np.uint32), np.dtype(np.uint64)
complex64 = cfloat = np.dtype(np.complex64)
complex128 = cdouble = np.dtype(np.complex128)

_submodules = {"functional", "nn", "optim", "data", "utils", "symbolic", "viz", "inspect", "autograd",
               "onnx", "export"}  # onnx, export: handing models to other engines (issue 15)
_submodules.add("linalg")  # tg.linalg, torch.linalg's counterpart
_submodules.add("special")  # tg.special, torch.special's counterpart (special.py)
# torch.det, inverse, svd, ... (linalg/torch_forms.py), imported with tg.linalg on first use
_linalg_functions = {"det", "logdet", "slogdet", "inverse", "pinverse", "matrix_power", "matrix_exp", "cholesky",
                     "cholesky_solve", "cholesky_inverse", "qr", "svd", "lu", "lu_solve", "lu_unpack"}


def tensor(data: Any, dtype: Any = None, device: Any = None, requires_grad: Any = False, name: Any = None) -> Tensor:
    """A new leaf tensor holding a copy of data (as torch.tensor; tg.from_numpy shares memory), dtype inferred
    as torch.tensor: floats float32, ints int64, bools bool."""
    from .device import check_device

    from .errors import DtypeError, ShapeError
    from .ops.args import check_size, dtype as dtype_arg

    check_device("tensor", device)
    dtype = dtype_arg("tensor", dtype)
    if isinstance(data, Tensor):
        data = data.data
    if data is None or isinstance(data, (str, bytes)):  # not numbers (PyTorch: "Could not infer dtype")
        raise DtypeError(f"tensor: data must be numbers, a nested list of numbers or an array, got {data!r}")
    if isinstance(data, np.ndarray):
        check_size("tensor", data.shape, data.dtype)
        data = data.copy()
    try:
        return Tensor(data, requires_grad=requires_grad, dtype=dtype, name=name, _infer_dtype=True)
    except ValueError as err:  # a ragged nested list
        raise ShapeError(f"tensor: the nested lists do not form a rectangular array ({err})") from None


def is_tensor(obj: Any) -> Any:
    return isinstance(obj, Tensor)


def __getattr__(name: str) -> Any:
    """Import the heavier submodules (viz, symbolic, ...) on first use."""
    if name in _submodules:
        return importlib.import_module(f".{name}", __name__)
    if name in _linalg_functions:
        return getattr(importlib.import_module(".linalg.torch_forms", __name__), name)
    if name == "bfloat16":
        raise AttributeError("module 'tinygrad_edu' has no attribute 'bfloat16': NumPy, which holds the numbers "
                             "here, has no bfloat16 dtype; use tg.float16 or tg.float32")
    raise AttributeError(f"module 'tinygrad_edu' has no attribute {name!r}")


__all__ = ["Tensor", "Function", "tensor", "is_tensor", "no_grad", "enable_grad", "is_grad_enabled",
           "set_grad_enabled", "grad", "cat", "stack", "device", "cuda", "backends", "keep_freed_memory",
           "zeros", "ones", "zeros_like", "ones_like", "randn", "rand", "manual_seed", "float32", "float64",
           "int64", "__version__"]
