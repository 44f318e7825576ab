"""The ops: one file per family. Each op is a Function (forward on arrays, backward with Tensor ops)."""
from .elementwise import (Abs, Add, Cast, Div, Exp, LeakyRelu, Log, Mul, Neg, Pow, PowConst, Relu, Sigmoid,
                          Sign, Sqrt, Step, Sub, Tanh)
from .conv import Conv2d, Conv2dWeight, ConvTranspose2d, conv1d, conv2d, conv2d_weight, conv_transpose2d
from .linalg import MatMul, matmul
from .loss import LogSoftmax, Softmax, cross_entropy, log_softmax, mse_loss, nll_loss, softmax
from .movement import (BroadcastTo, Cat, GetItem, IndexAdd, Permute, Reshape, SumTo, broadcast_to, cat, flatten,
                       getitem, permute, reshape, squeeze, stack, sum_to, transpose, unsqueeze)
from .local import Fold, Unfold, fold, locally_connected2d, unfold
from .normalization import Dropout, batch_norm, dropout, local_response_norm
from .pool import (AvgPool2d, AvgUnpool2d, MaxPool2d, MaxUnpool2d, adaptive_avg_pool2d, adaptive_max_pool2d,
                   avg_pool2d, max_pool2d, spatial_pyramid_pool2d)
from .reduce import Max, Sum, max, mean, sum

__all__ = [name for name in dir() if not name.startswith("_")]
