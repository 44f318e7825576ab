"""torch's small number-level ops: rsqrt, frexp/ldexp (a float as mantissa·2^exponent), gcd/lcm (integers),
nextafter, and the predicates isposinf/isneginf/isreal. Differentiable ones are compositions (mantissa = x·2^(−e)
with e held constant, ldexp = x·2^other); the integer and bit-level ones give plain tensors (no gradient, as
PyTorch)."""
from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from .. import backend
from ..errors import DtypeError
from ..tensor_utility import named
from .args import tensor_arg
from .math_extra import _float, _operand, _pair, broadcastable, exp2

#: torch.return_types.frexp: the mantissa in input's dtype and the exponent as int32
frexp_result = namedtuple("frexp", ["mantissa", "exponent"])


def _tensor():
    from ..tensor import Tensor

    return Tensor


def rsqrt(input: Any):
    """1/√x (integers give float32); δ = −½·x^(−3/2)·δ by composition."""
    return _float(tensor_arg(input, "rsqrt")).sqrt().reciprocal()


def frexp(input: Any):
    """(mantissa, exponent) with input = mantissa·2^exponent, |mantissa| in [0.5, 1); δ_input = δ_mantissa·2^(−e)."""
    x = tensor_arg(input, "frexp")
    if x.dtype.kind != "f":
        raise DtypeError(f"frexp: only floating-point tensors are supported, got dtype {x.dtype}")
    _, exponent = np.frexp(x.data)
    half = -exponent // 2  # 2^(−e) in two exact factors: for a subnormal x, 2^(−e) alone overflows
    one = np.ones((), dtype=x.dtype)
    first, second = (_tensor()(np.ldexp(one, k).astype(x.dtype)) for k in (half, -exponent - half))
    return frexp_result(x * first * second, _tensor()(exponent.astype(np.int32)))


def ldexp(input: Any, other: Any):
    """input·2^other in the promoted float dtype (integers give float32, as PyTorch); differentiable in both (also
    for a negative integer exponent, where PyTorch 2.13's gradient is 0: it takes 2^other in integers)."""
    x, e = _pair("ldexp", input, other, numbers=False)
    if e.dtype == np.bool_:
        raise DtypeError("ldexp: the exponent must be a number tensor, not bool (as PyTorch)")
    kind = backend.promote_types(x.dtype, e.dtype)
    kind = kind if kind.kind in "fcO" else backend.DEFAULT_FLOAT
    return x.to(kind) * exp2(e.to(kind))


def _integers(op: str, input: Any, other: Any):
    x = tensor_arg(input, op)
    y = _operand(other, x, op)
    broadcastable(op, x, y)
    kind = backend.promote_types(x.dtype, y.dtype)
    if kind.kind not in "iu":
        raise DtypeError(f"{op}: only integer tensors are supported, got dtypes {x.dtype} and {y.dtype} "
                         "(as PyTorch: not implemented for floating point or bool)")
    return x.data.astype(kind), y.data.astype(kind)


def gcd(input: Any, other: Any):
    """The elementwise greatest common divisor of two integer tensors (non-negative)."""
    return _tensor()(np.gcd(*_integers("gcd", input, other)))


def lcm(input: Any, other: Any):
    """The elementwise least common multiple of two integer tensors (non-negative)."""
    return _tensor()(np.lcm(*_integers("lcm", input, other)))


def nextafter(input: Any, other: Any):
    """The next floating-point value after input towards other (no gradient, as PyTorch)."""
    x, y = _pair("nextafter", input, other, numbers=False)
    kind = backend.promote_types(x.dtype, y.dtype)
    if kind.kind != "f":
        raise DtypeError(f"nextafter: only floating-point tensors are supported, got dtypes {x.dtype} and {y.dtype}")
    return _tensor()(np.nextafter(x.data.astype(kind), y.data.astype(kind)))


def isposinf(input: Any):
    """A bool tensor: True where input is +∞ (integers: never)."""
    x = tensor_arg(input, "isposinf")
    return _tensor()(np.isposinf(x.data) if x.dtype.kind == "f" else np.zeros(x.shape, dtype=bool))


def isneginf(input: Any):
    """A bool tensor: True where input is −∞ (integers: never)."""
    x = tensor_arg(input, "isneginf")
    return _tensor()(np.isneginf(x.data) if x.dtype.kind == "f" else np.zeros(x.shape, dtype=bool))


def isreal(input: Any):
    """A bool tensor: True where the imaginary part is 0 (every entry of a real tensor)."""
    x = tensor_arg(input, "isreal")
    return _tensor()(np.imag(x.data) == 0 if x.dtype.kind == "c" else np.ones(x.shape, dtype=bool))


PUBLIC = ("rsqrt", "frexp", "ldexp", "gcd", "lcm", "nextafter", "isposinf", "isneginf", "isreal")
for _name in PUBLIC:  # errors name the function called
    globals()[_name] = named(globals()[_name])
