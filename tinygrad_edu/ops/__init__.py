"""The ops: one file per family. Each op is a Function (forward on arrays, backward with Tensor ops)."""
from .elementwise import (Abs, Add, Cast, Div, Exp, LeakyRelu, Log, Mul, Neg, Pow, PowConst, Relu, Sigmoid,
                          Sign, Sqrt, Step, Sub, Tanh)
from .conv import Conv2d, Conv2dWeight, ConvTranspose2d, conv1d, conv2d, conv2d_weight, conv_transpose2d
from .linalg import MatMul, matmul
from .loss import (BinaryCrossEntropy, LogSoftmax, Softmax, binary_cross_entropy, binary_cross_entropy_with_logits,
                   cross_entropy, huber_loss, kl_div, l1_loss, log_softmax, mse_loss, nll_loss, one_hot,
                   smooth_l1_loss, softmax, softmin)
from .activation import (Erf, Expm1, Log1p, celu, elu, erf, expm1, gelu, hardtanh, log1p, logsigmoid, mish, relu6,
                         selu, silu, softplus)
from .error_functions import Erfc, Erfinv, erfc, erfinv
from .movement import (BroadcastTo, Cat, GetItem, IndexAdd, IndexPut, Permute, Reshape, SumTo, broadcast_to, cat,
                       flatten, getitem, permute, reshape, squeeze, stack, sum_to, transpose, unsqueeze)
from .local import Fold, Unfold, fold, locally_connected2d, unfold
from .normalization import Dropout, batch_norm, dropout, local_response_norm
from .pool import AvgPool2d, AvgPool2dBackward, MaxPool2d, MaxPool2dBackward, avg_pool2d, max_pool2d
from .pool_unpool import MaxUnpool2d, max_unpool2d
from .pool1d import avg_pool1d, max_pool1d
from .pool_adaptive import adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_max_pool2d, spatial_pyramid_pool2d
from .reduce import (CumSum, Max, Min, Prod, Sum, all, amax, amin, any, argmax, argmin, cumsum, logsumexp, max, mean,
                     min, norm, prod, std, sum, var)
from .compare import (Clamp, Maximum, Minimum, Where, allclose, clamp, clamp_max, clamp_min, clip, eq, ge, gt,
                      isclose, isfinite, isinf, isnan, le, lt, maximum, minimum, ne, where)
from .sorting import argsort, sort, topk
from .shape import (Clone, cast, chunk, clone, contiguous, expand, flip, gather, index_put, index_select,
                    masked_fill, movedim, narrow, repeat, roll, scatter, scatter_add, setitem, split, swapaxes,
                    swapdims, t, tril, triu)
from .einsum import Einsum, bmm, einsum, mm
from . import linalg_extra, math_extra, trig  # noqa: F401 (torch.* math under its names: tensor.py's math methods)

__all__ = [name for name in dir() if not name.startswith("_")]
