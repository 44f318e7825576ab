"""The ops: one file per family. Each op is a Function (forward on arrays, backward with Tensor ops)."""
from .elementwise import (Abs, Add, Cast, Div, Exp, LeakyRelu, Log, Mul, Neg, Pow, PowConst, Relu, Sigmoid,
                          Sign, Sqrt, Step, Sub, Tanh)
from .linalg import MatMul, matmul
from .loss import LogSoftmax, Softmax, cross_entropy, log_softmax, mse_loss, nll_loss, softmax
from .movement import (BroadcastTo, Cat, GetItem, IndexAdd, Permute, Reshape, SumTo, broadcast_to, cat, flatten,
                       getitem, permute, reshape, squeeze, stack, sum_to, transpose, unsqueeze)
from .reduce import Max, Sum, max, mean, sum

__all__ = [name for name in dir() if not name.startswith("_")]
