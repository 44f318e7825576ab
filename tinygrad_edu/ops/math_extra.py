"""torch.* elementwise math beyond the lecture's ops (add with alpha, div with rounding, logaddexp, xlogy, fmod, ...)
and rounding. Each is a composition of differentiable ops where one exists, so backward and SymPy values come
free; rounding and the remainders are Functions (piecewise constant: δ = 0, or δ_a = δ for the remainders)."""
from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np
from ..lazy_sympy import sympy

from .. import backend
from ..autograd import Function
from ..errors import DtypeError, ShapeError
from .activation import Log1p, number_like
from .args import number, tensor_arg
from .compare import Where, _promoted, relation
from .elementwise import Exp, Log, Pow, Sign, _broadcasting

LN2 = math.log(2.0)
LN10 = math.log(10.0)


def _operand(x: Any, like, op: str):
    """The second operand of a binary op: a Tensor or an array as it is, a Python number as a constant of `like`'s
    kind (a float on an integer tensor makes float32, as PyTorch's scalar rule)."""
    if isinstance(x, (type(like), np.ndarray, np.generic)):
        return tensor_arg(x, op)
    return like._lift(number(op, "other", x))


def _float(x):
    """Integer and bool tensors as float32 (PyTorch's promotion for ops whose value is not an integer)."""
    return x.to(backend.DEFAULT_FLOAT) if x.dtype.kind in "biu" else x


def _zeros_like(g):
    return type(g)._make(backend.zeros(g.shape, g.data), False)


# ---- rounding: piecewise constant, δ = 0 (PyTorch's gradient) -------------------------------------------------------

def _symbolic_trunc(e: Any) -> Any:
    return sympy.sign(e) * sympy.floor(sympy.Abs(e))


def _symbolic_round(e: Any, decimals: int) -> Any:
    if not e.is_number:
        raise TypeError(f"round: cannot round the symbolic entry {e}; use exact numbers")
    return sympy.nsimplify(e).round(decimals) if decimals else sympy.Integer(sympy.nsimplify(e).round())


def _integer_kept(numeric):
    """Rounding of an integer or bool tensor is the tensor itself (PyTorch returns it unchanged, same dtype)."""
    return lambda a: a.copy() if a.dtype.kind in "biu" else numeric(a)


_floor = backend._elementwise(_integer_kept(np.floor), backend._sympy_function("floor"))
_ceil = backend._elementwise(_integer_kept(np.ceil), backend._sympy_function("ceiling"))
_trunc = backend._elementwise(_integer_kept(np.trunc), _symbolic_trunc)


class Floor(Function):
    rule_unicode = "⌊x⌋ is piecewise constant: δ_x = 0"
    rule_latex = r"\delta_x = 0"

    def forward(ctx, x):
        return _floor(x)

    def backward(ctx, g):
        return _zeros_like(g)


class Ceil(Floor):
    rule_unicode = "⌈x⌉ is piecewise constant: δ_x = 0"

    def forward(ctx, x):
        return _ceil(x)


class Trunc(Floor):
    rule_unicode = "trunc(x) = sign(x)·⌊|x|⌋ is piecewise constant: δ_x = 0"

    def forward(ctx, x):
        return _trunc(x)


class Round(Floor):
    rule_unicode = "round(x, d) (half to even) is piecewise constant: δ_x = 0"

    def forward(ctx, x, decimals):
        if x.dtype == object:
            return np.vectorize(lambda e: _symbolic_round(e, decimals), otypes=[object])(x)
        if x.dtype.kind in "biu":
            return x.copy()
        if decimals == 0:
            return np.rint(x)
        if x.dtype == np.float16:  # PyTorch computes half in float32 (x·10ᵈ rounded once, not twice)
            return backend.quietly(_round_decimals, x.astype(np.float32), decimals).astype(np.float16)
        return backend.quietly(_round_decimals, x, decimals)


def _round_decimals(x: np.ndarray, decimals: int) -> np.ndarray:
    """PyTorch's rounding to `decimals` places: rint(x·10ᵈ)/10ᵈ (x/10⁻ᵈ·10⁻ᵈ for d < 0), 10ᵈ in x's dtype (NaN
    once it overflows, as PyTorch)."""
    ten = np.power(x.dtype.type(10), x.dtype.type(float(min(abs(decimals), 1 << 16))))
    return np.rint(x * ten) / ten if decimals > 0 else np.rint(x / ten) * ten


def _roundable(input: Any, op: str, integers: bool = True):
    """The input of a rounding op: bool refused (and integers, for round), as PyTorch's kernels."""
    x = tensor_arg(input, op)
    if x.dtype == bool or (not integers and x.dtype.kind in "iu"):
        raise DtypeError(f"{op}: not implemented for dtype {x.dtype} (shape {x.shape}), as in PyTorch")
    return x


def floor(input: Any):
    """The largest integer ≤ x, in x's dtype (integers unchanged); δ = 0, as PyTorch."""
    return Floor.apply(_roundable(input, "floor"))


def ceil(input: Any):
    """The smallest integer ≥ x; δ = 0."""
    return Ceil.apply(_roundable(input, "ceil"))


def trunc(input: Any):
    """x rounded towards 0; δ = 0."""
    return Trunc.apply(_roundable(input, "trunc"))


def fix(input: Any):
    """trunc under NumPy's name."""
    return Trunc.apply(_roundable(input, "fix"))


def round(input: Any, *, decimals: int = 0):
    """x rounded to `decimals` places, halves to even (as PyTorch and NumPy); δ = 0."""
    from .args import integer

    decimals = integer("round", "decimals", decimals)
    return Round.apply(_roundable(input, "round", integers=decimals == 0), decimals=decimals)


def frac(input: Any):
    """x − trunc(x), sign of x kept; δ_x = δ (PyTorch's gradient)."""
    x = tensor_arg(input, "frac")
    if x.dtype.kind in "biu":
        raise DtypeError(f"frac: not defined for dtype {x.dtype} (shape {x.shape}), as in PyTorch")
    return x - Trunc.apply(x)


# ---- division with rounding, remainders ------------------------------------------------------------------------------

def _integer_zero_division(op: str, a: np.ndarray, b: np.ndarray) -> None:
    if a.dtype.kind in "biu" and b.dtype.kind in "biu" and np.any(b == 0):
        raise RuntimeError(f"{op}: ZeroDivisionError: integer division by zero (divisor {b.shape} has a 0)")


def _floor_divide(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.floor_divide(a, b)


def _trunc_divide(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if a.dtype.kind in "biu" and b.dtype.kind in "biu":
        q = np.floor_divide(a, b)
        return q + ((np.remainder(a, b) != 0) & ((a < 0) != (b < 0))).astype(q.dtype)
    return np.trunc(np.true_divide(a, b))


class DivRounded(Function):
    rule_unicode = "⌊a/b⌋ and trunc(a/b) are piecewise constant: δ_a = 0, δ_b = 0"
    rule_latex = r"\delta_a = 0,\quad \delta_b = 0"

    def forward(ctx, a, b, mode):
        if a.dtype == object or b.dtype == object:
            rounding = sympy.floor if mode == "floor" else _symbolic_trunc
            return np.vectorize(lambda p, q: rounding(p / q), otypes=[object])(a, b)
        _integer_zero_division("div", a, b)
        return _broadcasting("div", _floor_divide if mode == "floor" else _trunc_divide, a, b)

    def backward(ctx, g):
        return tuple(_zeros_like(g) if needs else None for needs in ctx.needs_input_grad)


class Remainder(Function):
    rule_unicode = "a mod b = a − b·⌊a/b⌋: δ_a = δ, δ_b = −δ·⌊a/b⌋"
    rule_latex = r"\delta_a = \delta,\quad \delta_b = -\delta \lfloor a/b \rfloor"
    _numeric = staticmethod(np.remainder)
    _mode = "floor"

    def forward(ctx, a, b):
        if a.dtype == object or b.dtype == object:
            if type(ctx)._mode == "floor":
                return np.vectorize(lambda p, q: sympy.Mod(p, q), otypes=[object])(a, b)
            return np.vectorize(lambda p, q: p - q * _symbolic_trunc(p / q), otypes=[object])(a, b)
        _integer_zero_division(ctx.name.lower(), a, b)
        return _broadcasting(ctx.name.lower(), type(ctx)._numeric, a, b)

    def backward(ctx, g):
        a, b = ctx.inputs
        grad_b = None
        if ctx.needs_input_grad[1]:
            grad_b = -g * DivRounded.apply(a, b, mode=type(ctx)._mode)
        return (g if ctx.needs_input_grad[0] else None), grad_b


class Fmod(Remainder):
    rule_unicode = "fmod(a, b) = a − b·trunc(a/b): δ_a = δ, δ_b = −δ·trunc(a/b)"
    rule_latex = r"\delta_a = \delta,\quad \delta_b = -\delta\, \operatorname{trunc}(a/b)"
    _numeric = staticmethod(np.fmod)
    _mode = "trunc"


def broadcastable(op: str, *tensors: Any) -> None:
    """Refuse operands whose shapes do not broadcast, naming the op (a ShapeError, PyTorch's RuntimeError)."""
    try:
        np.broadcast_shapes(*(t.shape for t in tensors))
    except ValueError:
        shapes = " and ".join(str(t.shape) for t in tensors)
        raise ShapeError(f"{op}: shapes {shapes} do not broadcast (NumPy rule: trailing dimensions must be equal "
                         "or 1)") from None


def _pair(op: str, input: Any, other: Any, numbers: bool = True):
    """input and other as Tensors that broadcast; `numbers`: other may be a Python number (else a TypeError, as
    PyTorch's tensor-only overloads)."""
    x = tensor_arg(input, op)
    y = _operand(other, x, op) if numbers else tensor_arg(other, op)
    broadcastable(op, x, y)
    return x, y


def div(input: Any, other: Any, *, rounding_mode: Optional[str] = None):
    """input / other: true division (integers give float32), or rounded 'trunc' / 'floor' in the promoted dtype
    (δ = 0 then, as PyTorch)."""
    x, y = _pair("div", input, other)
    if rounding_mode is None:
        return x / y
    if not isinstance(rounding_mode, str):
        raise TypeError(f"div: argument 'rounding_mode' must be None, 'trunc' or 'floor', not "
                        f"{type(rounding_mode).__name__} ({rounding_mode!r})")
    if rounding_mode not in ("trunc", "floor"):
        raise ShapeError(f"div: expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                         f"{rounding_mode!r}")
    return DivRounded.apply(x, y, mode=rounding_mode)


divide = div


def true_divide(input: Any, other: Any):
    """input / other (true division)."""
    return div(input, other)


def floor_divide(input: Any, other: Any):
    """⌊input / other⌋ in the promoted dtype (Python's //)."""
    return div(input, other, rounding_mode="floor")


def remainder(input: Any, other: Any):
    """input mod other with the sign of other (Python's %): a − b·⌊a/b⌋."""
    return Remainder.apply(*_pair("remainder", input, other))


def fmod(input: Any, other: Any):
    """C's fmod, the sign of input: a − b·trunc(a/b)."""
    return Fmod.apply(*_pair("fmod", input, other))


# ---- arithmetic under torch's names ----------------------------------------------------------------------------------

def _scaled(y, alpha: Any, op: str):
    number(op, "alpha", alpha)
    if isinstance(alpha, (bool, np.bool_)) and y.dtype != bool:
        raise RuntimeError(f"{op}: a bool alpha ({alpha}) is only supported for bool results, as in PyTorch")
    if alpha == 1:
        return y
    if y.dtype.kind in "biu" and isinstance(alpha, float) and not alpha.is_integer():
        raise RuntimeError(f"{op}: for integral input tensors, argument alpha must not be a floating point number "
                           f"(got {alpha}), as in PyTorch")
    return y * y._lift(alpha)


def add(input: Any, other: Any, *, alpha: Any = 1):
    """input + alpha·other."""
    x, y = _pair("add", input, other)
    return x + _scaled(y, alpha, "add")


def sub(input: Any, other: Any, *, alpha: Any = 1):
    """input − alpha·other."""
    x, y = _pair("sub", input, other)
    if x.dtype == bool or y.dtype == bool:
        raise RuntimeError("sub: subtraction with a bool tensor is not supported, as in PyTorch; to invert a mask "
                           "use ~ or logical_not")
    return x - _scaled(y, alpha, "sub")


subtract = sub


def mul(input: Any, other: Any):
    """input · other (elementwise)."""
    x, y = _pair("mul", input, other)
    return x * y


multiply = mul


def neg(input: Any):
    """−input."""
    return -tensor_arg(input, "neg")


negative = neg


def positive(input: Any):
    """input itself (as torch.positive; bool refused)."""
    x = tensor_arg(input, "positive")
    if x.dtype == bool:
        raise RuntimeError("positive: not supported for bool tensors, as in PyTorch")
    return x


def square(input: Any):
    """x·x (integers stay integers)."""
    x = tensor_arg(input, "square")
    if x.dtype == bool:
        x = x.to(np.int64)
    return x * x


def reciprocal(input: Any):
    """1/x (integers give float32)."""
    x = tensor_arg(input, "reciprocal")
    return 1 / _float(x)


def pow(input: Any, exponent: Any):
    """input ** exponent (a tensor or a number on either side)."""
    if isinstance(input, (bool, int, float)):
        y = tensor_arg(exponent, "pow")
        return y._lift(input) ** y
    x = tensor_arg(input, "pow")
    if isinstance(exponent, (type(x), np.ndarray)):
        x, y = _pair("pow", x, exponent)
        return x ** y
    if isinstance(number("pow", "exponent", exponent), float) and x.dtype.kind in "biu":
        x = x.to(backend.DEFAULT_FLOAT)  # an integer tensor to a float power: float32, as PyTorch
    return x ** exponent


def float_power(input: Any, exponent: Any):
    """input ** exponent computed in float64 (as torch.float_power)."""
    x = tensor_arg(input, "float_power").to(np.float64)
    if isinstance(exponent, (type(x), np.ndarray, np.generic)):
        x, y = _pair("float_power", x, exponent)
        return x ** y.to(np.float64)
    return x ** float(number("float_power", "exponent", exponent))


def log2(input: Any):
    """log₂ x = ln x / ln 2."""
    y = Log.apply(tensor_arg(input, "log2"))
    return y / number_like(sympy.log(2) if y.dtype == object else LN2, y)


def log10(input: Any):
    """log₁₀ x = ln x / ln 10."""
    y = Log.apply(tensor_arg(input, "log10"))
    return y / number_like(sympy.log(10) if y.dtype == object else LN10, y)


def exp2(input: Any):
    """2ˣ (exact at integers; integers give float32)."""
    x = _float(tensor_arg(input, "exp2"))
    return Pow.apply(number_like(2, x), x)


def logaddexp(input: Any, other: Any):
    """ln(eᵃ + eᵇ) = max(a, b) + ln(1 + e^(−|a − b|)), never overflowing; equal infinities give themselves."""
    a, b = _floating_pair("logaddexp", input, other)
    m = a.maximum(b)
    out = m + Log1p.apply(Exp.apply(-(a - b).abs()))
    return _infinite_kept(a, b, m, out)


def logaddexp2(input: Any, other: Any):
    """log₂(2ᵃ + 2ᵇ) = max(a, b) + log₂(1 + 2^(−|a − b|))."""
    a, b = _floating_pair("logaddexp2", input, other)
    m = a.maximum(b)
    out = m + Log1p.apply(exp2(-(a - b).abs())) / number_like(LN2, m)
    return _infinite_kept(a, b, m, out)


def _infinite_kept(a, b, m, out):
    """Where a = b = ±∞, the result is that infinity (∞ − ∞ would make NaN)."""
    if m.dtype == object:
        return out
    both = np.isinf(m.data) & (a.data == b.data)
    if not both.any():
        return out
    return Where.apply(type(m)._make(both, False), m, out)


def xlogy(input: Any, other: Any):
    """x·ln y, 0 where x = 0 (unless y is NaN), as torch.xlogy (integers give float32)."""
    x, y = _promoted(*(_float(t) for t in _pair("xlogy", input, other)))
    if x.dtype == object:
        return x * Log.apply(y)
    zero_x = (x.data == 0) & ((y.data <= 0) | np.isinf(y.data))
    if zero_x.any():  # 0·ln 0 and 0·ln ∞ are 0: y made 1 there (δ_x = 0 there, as PyTorch)
        y = Where.apply(type(y)._make(np.broadcast_to(zero_x, np.broadcast_shapes(x.shape, y.shape)), False),
                        number_like(1, y), y)
    return x * Log.apply(y)


def logit(input: Any, eps: Optional[float] = None):
    """ln(p / (1 − p)), p clamped to [eps, 1 − eps] when eps is given."""
    p = _float(tensor_arg(input, "logit"))
    if eps is not None:
        p = p.clamp(number("logit", "eps", eps), 1 - eps)
    return Log.apply(p / (1 - p))


def sign(input: Any):
    """−1, 0 or 1 in x's dtype; δ = 0."""
    return _sign(input, "sign")


def sgn(input: Any):
    """sign, for real tensors."""
    return _sign(input, "sgn")


def _sign(input: Any, op: str):
    x = tensor_arg(input, op)
    if x.dtype == bool:
        return x.clone()
    out = Sign.apply(x)
    if x.dtype.kind == "f" and np.isnan(x.data).any():  # sign(NaN) = 0, as PyTorch
        out = Where.apply(type(x)._make(np.isnan(x.data), False), number_like(0, out), out)
    return out


def signbit(input: Any):
    """True where the sign bit is set (−0.0 and −∞ included): a bool tensor."""
    x = tensor_arg(input, "signbit")
    if x.dtype == object:
        return type(x)._make(np.vectorize(lambda e: bool(e.is_negative), otypes=[bool])(x.data), False)
    return type(x)._make(np.signbit(x.data), False)


def heaviside(input: Any, values: Any):
    """0 for x < 0, `values` at x = 0, 1 for x > 0 (the two must share a dtype, as PyTorch); not differentiable."""
    x, v = _pair("heaviside", input, values, numbers=False)
    if x.dtype != v.dtype:
        raise RuntimeError(f"heaviside: input ({x.dtype}) and values ({v.dtype}) must have the same dtype")
    data = np.where(x.data == 0, v.data, (x.data > 0).astype(x.dtype))
    return type(x)._make(np.asarray(data, dtype=x.dtype), False)


class Hypot(Function):
    rule_unicode = "y = √(a² + b²): δ_a = δ·a/y, δ_b = δ·b/y"
    rule_latex = r"\delta_a = \delta\, a / y,\quad \delta_b = \delta\, b / y"

    def forward(ctx, a, b):
        if a.dtype == object or b.dtype == object:
            return np.vectorize(lambda p, q: sympy.sqrt(p * p + q * q), otypes=[object])(a, b)
        return _broadcasting("hypot", np.hypot, a, b)

    def backward(ctx, g):
        a, b = ctx.inputs
        y = ctx.output
        return (g * a / y if ctx.needs_input_grad[0] else None), (g * b / y if ctx.needs_input_grad[1] else None)


def _floating_pair(op: str, input: Any, other: Any):
    """Two tensors of which at least one is floating (PyTorch has no integer kernel for these ops)."""
    a, b = _pair(op, input, other, numbers=False)
    if a.dtype.kind in "biu" and b.dtype.kind in "biu":
        raise DtypeError(f"{op}: not implemented for integer or bool dtypes ({a.dtype}, {b.dtype}), as in PyTorch; "
                         "cast first, e.g. x.float()")
    return _promoted(a, b)


def hypot(input: Any, other: Any):
    """√(a² + b²) without overflow in a² (NumPy's hypot); ∞ if either is ∞, even with a NaN."""
    return Hypot.apply(*_floating_pair("hypot", input, other))


def lerp(input: Any, end: Any, weight: Any):
    """start + weight·(end − start)."""
    x, e = _pair("lerp", input, end, numbers=False)
    w = _operand(weight, x, "lerp")
    for name, t in (("end", e), ("weight", w)):
        if isinstance(weight, (type(x), np.ndarray)) or name == "end":
            if t.dtype != x.dtype:
                raise DtypeError(f"lerp: expected dtype {x.dtype} for `{name}` but got dtype {t.dtype} (as PyTorch: "
                                 "input, end and a tensor weight share one dtype)")
    broadcastable("lerp", x, e, w)
    return x + w * (e - x)


def addcmul(input: Any, tensor1: Any, tensor2: Any, *, value: Any = 1):
    """input + value·tensor1·tensor2."""
    x, t1, t2 = (tensor_arg(t, "addcmul") for t in (input, tensor1, tensor2))
    broadcastable("addcmul", x, t1, t2)
    t1, t2 = _in_common_dtype(x, t1, t2)
    return x + _scaled(t1 * t2, value, "addcmul")


def _in_common_dtype(x: Any, *factors: Any) -> tuple:
    """The factors in the dtype of the whole expression, as PyTorch computes addcmul/addcdiv (a float32 product
    added to a float64 input would round in float32 first)."""
    common = backend.result_dtype(x.data, *(t.data for t in factors))
    return tuple(t if t.dtype == common or t.dtype == object else t.to(common) for t in factors)


def addcdiv(input: Any, tensor1: Any, tensor2: Any, *, value: Any = 1):
    """input + value·tensor1/tensor2 (integer tensor1 and tensor2 refused, as PyTorch)."""
    x, t1, t2 = (tensor_arg(t, "addcdiv") for t in (input, tensor1, tensor2))
    broadcastable("addcdiv", x, t1, t2)
    if t1.dtype.kind in "biu" and t2.dtype.kind in "biu":
        raise RuntimeError("addcdiv: integer division with addcdiv is no longer supported (as PyTorch); "
                           "cast tensor1 or tensor2 to a float dtype")
    t1, t2 = _in_common_dtype(x, t1, t2)
    return x + _scaled(t1 / t2, value, "addcdiv")


def fmax(input: Any, other: Any):
    """Elementwise maximum ignoring NaN (NaN only where both are); δ to input where input ≥ other."""
    return _fextreme("fmax", "ge", input, other)


def fmin(input: Any, other: Any):
    """Elementwise minimum ignoring NaN; δ to input where input ≤ other."""
    return _fextreme("fmin", "le", input, other)


def _fextreme(op: str, keep: str, input: Any, other: Any):
    a, b = _promoted(*_pair(op, input, other, numbers=False))
    chosen = relation(keep, a.data, b.data)
    if a.dtype != object:
        chosen = chosen | np.isnan(b.data)
    return Where.apply(type(a)._make(chosen, False), a, b)


class Copysign(Function):
    rule_unicode = "y = |a|·sign(b): δ_a = δ·y/a (0 where a = 0), δ_b = 0"
    rule_latex = r"\delta_a = \delta\, y / a\ (0 \text{ at } a = 0),\quad \delta_b = 0"

    def forward(ctx, a, b):
        if a.dtype == object or b.dtype == object:
            return np.vectorize(lambda p, q: sympy.Abs(p) * sympy.sign(q), otypes=[object])(a, b)
        return _broadcasting("copysign", np.copysign, a, b)

    def backward(ctx, g):
        a, b = ctx.inputs
        grad_a = None
        if ctx.needs_input_grad[0]:
            ratio = ctx.output / a
            if a.dtype != object:
                ratio = Where.apply(type(a)._make(a.data == 0, False), number_like(0, ratio), ratio)
            grad_a = g * ratio
        return grad_a, (_zeros_like(g) if ctx.needs_input_grad[1] else None)


def copysign(input: Any, other: Any):
    """|input| with the sign of other (sign bits, so −0.0 counts); integers give float32; δ_input = δ·y/input
    (0 at input = 0), δ_other = 0, as PyTorch."""
    a, b = (_float(t) for t in _pair("copysign", input, other))
    return Copysign.apply(*_promoted(a, b))


def nan_to_num(input: Any, nan: float = 0.0, posinf: Optional[float] = None, neginf: Optional[float] = None):
    """NaN → nan, +∞ → posinf, −∞ → neginf (defaults: the dtype's largest and smallest finite values); δ passes
    where x is finite."""
    x = tensor_arg(input, "nan_to_num")
    for name, value in (("nan", nan), ("posinf", posinf), ("neginf", neginf)):
        if value is not None:
            number("nan_to_num", name, value)
    if x.dtype.kind in "biu" or x.dtype == object:
        return x.clone()
    info = np.finfo(x.dtype)
    posinf = info.max if posinf is None else posinf
    neginf = info.min if neginf is None else neginf
    out = x
    for mask, value in ((np.isnan(x.data), nan), (x.data == np.inf, posinf), (x.data == -np.inf, neginf)):
        if mask.any():
            out = Where.apply(type(x)._make(mask, False), x._lift(float(value)), out)
    return out if out is not x else x.clone()


__all__ = ["Copysign", "Hypot", "Floor", "Ceil", "Trunc", "Round", "DivRounded", "Remainder", "Fmod", "floor", "ceil", "trunc", "fix",
           "round", "frac", "div", "divide", "true_divide", "floor_divide", "remainder", "fmod", "add", "sub",
           "subtract", "mul", "multiply", "neg", "negative", "positive", "square", "reciprocal", "pow",
           "float_power", "log2", "log10", "exp2", "logaddexp", "logaddexp2", "xlogy", "logit", "sign", "sgn",
           "signbit", "heaviside", "hypot", "lerp", "addcmul", "addcdiv", "fmax", "fmin", "copysign", "nan_to_num"]
