"""torch.Tensor's math methods under PyTorch's names (ops/math_extra.py, ops/trig.py, ops/linalg_extra.py): functions
of self, each delegating to tg.<name>, bound onto Tensor by tensor.py (METHODS)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional, Union

from . import tensor as _tensor

if TYPE_CHECKING:
    from .tensor import Tensor

Scalar = Union[int, float]


def _ops():
    return _tensor.ops


def add(self, other: Any, *, alpha: Scalar = 1) -> "Tensor":
    return _ops().math_extra.add(self, other, alpha=alpha)

def sub(self, other: Any, *, alpha: Scalar = 1) -> "Tensor":
    return _ops().math_extra.sub(self, other, alpha=alpha)

subtract = sub

def mul(self, other: Any) -> "Tensor":
    return _ops().math_extra.mul(self, other)

multiply = mul

def div(self, other: Any, *, rounding_mode: Optional[str] = None) -> "Tensor":
    return _ops().math_extra.div(self, other, rounding_mode=rounding_mode)

divide = div

def true_divide(self, other: Any) -> "Tensor":
    return _ops().math_extra.div(self, other)

def floor_divide(self, other: Any) -> "Tensor":
    return _ops().math_extra.floor_divide(self, other)

def __floordiv__(self, other: Any) -> "Tensor":
    return _ops().math_extra.floor_divide(self, other)

def __rfloordiv__(self, other: Any) -> "Tensor":
    return _ops().math_extra.floor_divide(self._lift(other), self)

def remainder(self, other: Any) -> "Tensor":
    return _ops().math_extra.remainder(self, other)

def __mod__(self, other: Any) -> "Tensor":
    return _ops().math_extra.remainder(self, other)

def __rmod__(self, other: Any) -> "Tensor":
    return _ops().math_extra.remainder(self._lift(other), self)

def fmod(self, other: Any) -> "Tensor":
    return _ops().math_extra.fmod(self, other)

def neg(self) -> "Tensor":
    return _ops().math_extra.neg(self)

negative = neg

def positive(self) -> "Tensor":
    return _ops().math_extra.positive(self)

def square(self) -> "Tensor":
    return _ops().math_extra.square(self)

def reciprocal(self) -> "Tensor":
    return _ops().math_extra.reciprocal(self)

def pow(self, exponent: Any) -> "Tensor":
    return _ops().math_extra.pow(self, exponent)

def float_power(self, exponent: Any) -> "Tensor":
    return _ops().math_extra.float_power(self, exponent)

def log2(self) -> "Tensor":
    return _ops().math_extra.log2(self)

def log10(self) -> "Tensor":
    return _ops().math_extra.log10(self)

def exp2(self) -> "Tensor":
    return _ops().math_extra.exp2(self)

def logaddexp(self, other: Any) -> "Tensor":
    return _ops().math_extra.logaddexp(self, other)

def logaddexp2(self, other: Any) -> "Tensor":
    return _ops().math_extra.logaddexp2(self, other)

def xlogy(self, other: Any) -> "Tensor":
    return _ops().math_extra.xlogy(self, other)

def logit(self, eps: Optional[float] = None) -> "Tensor":
    return _ops().math_extra.logit(self, eps)

def sign(self) -> "Tensor":
    return _ops().math_extra.sign(self)

sgn = sign

def signbit(self) -> "Tensor":
    return _ops().math_extra.signbit(self)

def heaviside(self, values: Any) -> "Tensor":
    return _ops().math_extra.heaviside(self, values)

def hypot(self, other: Any) -> "Tensor":
    return _ops().math_extra.hypot(self, other)

def lerp(self, end: Any, weight: Any) -> "Tensor":
    return _ops().math_extra.lerp(self, end, weight)

def addcmul(self, tensor1: Any, tensor2: Any, *, value: Scalar = 1) -> "Tensor":
    return _ops().math_extra.addcmul(self, tensor1, tensor2, value=value)

def addcdiv(self, tensor1: Any, tensor2: Any, *, value: Scalar = 1) -> "Tensor":
    return _ops().math_extra.addcdiv(self, tensor1, tensor2, value=value)

def fmax(self, other: Any) -> "Tensor":
    return _ops().math_extra.fmax(self, other)

def fmin(self, other: Any) -> "Tensor":
    return _ops().math_extra.fmin(self, other)

def copysign(self, other: Any) -> "Tensor":
    return _ops().math_extra.copysign(self, other)

def nan_to_num(self, nan: float = 0.0, posinf: Optional[float] = None,
               neginf: Optional[float] = None) -> "Tensor":
    return _ops().math_extra.nan_to_num(self, nan, posinf, neginf)

def clamp_min_(self, min: Any) -> "Tensor":
    return self._inplace("clamp_min_", lambda t: t.clamp_min(min))

def clamp_max_(self, max: Any) -> "Tensor":
    return self._inplace("clamp_max_", lambda t: t.clamp_max(max))

def clip_(self, min: Any = None, max: Any = None) -> "Tensor":
    return self._inplace("clip_", lambda t: t.clamp(min, max))

def floor(self) -> "Tensor":
    return _ops().math_extra.floor(self)

def ceil(self) -> "Tensor":
    return _ops().math_extra.ceil(self)

def round(self, *, decimals: int = 0) -> "Tensor":
    return _ops().math_extra.round(self, decimals=decimals)

def trunc(self) -> "Tensor":
    return _ops().math_extra.trunc(self)

fix = trunc

def frac(self) -> "Tensor":
    return _ops().math_extra.frac(self)

def sin(self) -> "Tensor":
    return _ops().trig.sin(self)

def cos(self) -> "Tensor":
    return _ops().trig.cos(self)

def tan(self) -> "Tensor":
    return _ops().trig.tan(self)

def asin(self) -> "Tensor":
    return _ops().trig.asin(self)

arcsin = asin

def acos(self) -> "Tensor":
    return _ops().trig.acos(self)

arccos = acos

def atan(self) -> "Tensor":
    return _ops().trig.atan(self)

arctan = atan

def atan2(self, other: Any) -> "Tensor":
    return _ops().trig.atan2(self, other)

arctan2 = atan2

def sinh(self) -> "Tensor":
    return _ops().trig.sinh(self)

def cosh(self) -> "Tensor":
    return _ops().trig.cosh(self)

def asinh(self) -> "Tensor":
    return _ops().trig.asinh(self)

arcsinh = asinh

def acosh(self) -> "Tensor":
    return _ops().trig.acosh(self)

arccosh = acosh

def atanh(self) -> "Tensor":
    return _ops().trig.atanh(self)

arctanh = atanh

def sinc(self) -> "Tensor":
    return _ops().trig.sinc(self)

def deg2rad(self) -> "Tensor":
    return _ops().trig.deg2rad(self)

def rad2deg(self) -> "Tensor":
    return _ops().trig.rad2deg(self)

def dot(self, other: Any) -> "Tensor":
    return _ops().linalg_extra.dot(self, other)

def vdot(self, other: Any) -> "Tensor":
    return _ops().linalg_extra.vdot(self, other)

def inner(self, other: Any) -> "Tensor":
    return _ops().linalg_extra.inner(self, other)

def outer(self, vec2: Any) -> "Tensor":
    return _ops().linalg_extra.outer(self, vec2)

ger = outer

def mv(self, vec: Any) -> "Tensor":
    return _ops().linalg_extra.mv(self, vec)

def addmm(self, mat1: Any, mat2: Any, *, beta: Scalar = 1, alpha: Scalar = 1) -> "Tensor":
    return _ops().linalg_extra.addmm(self, mat1, mat2, beta=beta, alpha=alpha)

def addmv(self, mat: Any, vec: Any, *, beta: Scalar = 1, alpha: Scalar = 1) -> "Tensor":
    return _ops().linalg_extra.addmv(self, mat, vec, beta=beta, alpha=alpha)

def addbmm(self, batch1: Any, batch2: Any, *, beta: Scalar = 1, alpha: Scalar = 1) -> "Tensor":
    return _ops().linalg_extra.addbmm(self, batch1, batch2, beta=beta, alpha=alpha)

def baddbmm(self, batch1: Any, batch2: Any, *, beta: Scalar = 1, alpha: Scalar = 1) -> "Tensor":
    return _ops().linalg_extra.baddbmm(self, batch1, batch2, beta=beta, alpha=alpha)

def diag(self, diagonal: int = 0) -> "Tensor":
    return _ops().linalg_extra.diag(self, diagonal)

def diagonal(self, offset: int = 0, dim1: int = 0, dim2: int = 1) -> "Tensor":
    return _ops().linalg_extra.diagonal(self, offset, dim1, dim2)

def diag_embed(self, offset: int = 0, dim1: int = -2, dim2: int = -1) -> "Tensor":
    return _ops().linalg_extra.diag_embed(self, offset, dim1, dim2)

def trace(self) -> "Tensor":
    return _ops().linalg_extra.trace(self)

def kron(self, other: Any) -> "Tensor":
    return _ops().linalg_extra.kron(self, other)

def cross(self, other: Any, dim: Optional[int] = None) -> "Tensor":
    return _ops().linalg_extra.cross(self, other, dim)

@property
def mT(self) -> "Tensor":
    """The last two dimensions swapped (batched matrix transpose)."""
    if self.ndim < 2:
        raise _ops().shape.ShapeError(f"mT: tensor of shape {self.shape} has fewer than 2 dimensions")
    return _ops().transpose(self, -2, -1)

mH = mT  # the conjugate transpose: mT for real tensors

@property
def H(self) -> "Tensor":
    """The conjugate transpose of a matrix (the transpose for real tensors; 0-d and 1-d stay)."""
    if self.ndim > 2:
        raise _ops().shape.ShapeError(f"H: only defined for tensors of at most 2 dimensions, got {self.shape}; "
                                   "use mH for batches")
    return self.T

def cumprod(self, dim: int, *, dtype: Any = None) -> "Tensor":
    return _ops().linalg_extra.cumprod(self, dim, dtype=dtype)

def logcumsumexp(self, dim: int) -> "Tensor":
    return _ops().linalg_extra.logcumsumexp(self, dim)

def cummax(self, dim: int) -> Any:
    return _ops().linalg_extra.cummax(self, dim)

def cummin(self, dim: int) -> Any:
    return _ops().linalg_extra.cummin(self, dim)

def median(self, dim: Any = None, keepdim: bool = False) -> Any:
    if dim is None:
        return _ops().linalg_extra.median(self)
    return _ops().linalg_extra.median(self, dim, keepdim)

def nanmedian(self, dim: Any = None, keepdim: bool = False) -> Any:
    if dim is None:
        return _ops().linalg_extra.nanmedian(self)
    return _ops().linalg_extra.nanmedian(self, dim, keepdim)

def nansum(self, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> "Tensor":
    return _ops().linalg_extra.nansum(self, dim, keepdim, dtype=dtype)

def nanmean(self, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> "Tensor":
    return _ops().linalg_extra.nanmean(self, dim, keepdim, dtype=dtype)

def count_nonzero(self, dim: Any = None) -> "Tensor":
    return _ops().linalg_extra.count_nonzero(self, dim)

def aminmax(self, *, dim: Optional[int] = None, keepdim: bool = False) -> Any:
    return _ops().linalg_extra.aminmax(self, dim=dim, keepdim=keepdim)

def diff(self, n: int = 1, dim: int = -1, prepend: Any = None, append: Any = None) -> "Tensor":
    return _ops().linalg_extra.diff(self, n, dim, prepend, append)

def dist(self, other: Any, p: Scalar = 2) -> "Tensor":
    return _ops().linalg_extra.dist(self, other, p)

def renorm(self, p: Scalar, dim: int, maxnorm: Scalar) -> "Tensor":
    return _ops().linalg_extra.renorm(self, p, dim, maxnorm)


def erfc(self) -> "Tensor":
    return _ops().error_functions.erfc(self)


def erfinv(self) -> "Tensor":
    return _ops().error_functions.erfinv(self)


def erfc_(self) -> "Tensor":
    return self._inplace("erfc_", erfc)


def erfinv_(self) -> "Tensor":
    return self._inplace("erfinv_", erfinv)


METHODS = ("add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "floor_divide", "__floordiv__", "__rfloordiv__", "remainder", "__mod__", "__rmod__", "fmod", "neg", "negative", "positive", "square", "reciprocal", "pow", "float_power", "log2", "log10", "exp2", "logaddexp", "logaddexp2", "xlogy", "logit", "sign", "sgn", "signbit", "heaviside", "hypot", "lerp", "addcmul", "addcdiv", "fmax", "fmin", "copysign", "nan_to_num", "clamp_min_", "clamp_max_", "clip_", "floor", "ceil", "round", "trunc", "fix", "frac", "sin", "cos", "tan", "asin", "arcsin", "acos", "arccos", "atan", "arctan", "atan2", "arctan2", "sinh", "cosh", "asinh", "arcsinh", "acosh", "arccosh", "atanh", "arctanh", "sinc", "deg2rad", "rad2deg", "dot", "vdot", "inner", "outer", "ger", "mv", "addmm", "addmv", "addbmm", "baddbmm", "diag", "diagonal", "diag_embed", "trace", "kron", "cross", "mT", "mH", "H", "cumprod", "logcumsumexp", "cummax", "cummin", "median", "nanmedian", "nansum", "nanmean", "count_nonzero", "aminmax", "diff", "dist", "renorm", "erfc", "erfinv", "erfc_", "erfinv_")
