"""Comparisons and the ops built on them: eq/ne/lt/le/gt/ge (bool tensors), where (δ routed to the chosen
branch), clamp (δ passes inside the bounds), maximum/minimum (δ halved at ties), isnan/isinf/isfinite,
isclose/allclose. Selection never multiplies by a 0/1 mask, so ±∞ and NaN in the other branch stay out
(0·∞ = NaN). SymPy inputs give exact answers; an undecidable comparison becomes a Piecewise inside where,
clamp and maximum, and a TypeError where a bool tensor must come out."""
from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np
from ..lazy_sympy import is_sympy, sympy

from .. import backend
from ..autograd import Function
from ..errors import ArgumentTypeError, DtypeError, ShapeError
from .args import flag, tensor_arg


_NUMERIC: dict[str, Callable] = {"eq": np.equal, "ne": np.not_equal, "lt": np.less, "le": np.less_equal,
                                 "gt": np.greater, "ge": np.greater_equal}
_SYMBOLIC: dict[str, str] = {"eq": "Eq", "ne": "Ne", "lt": "Lt", "le": "Le", "gt": "Gt", "ge": "Ge"}  # SymPy's names


def comparable(x: Any) -> bool:
    """Whether x can be the other side of a comparison (a Tensor, an array or a number)."""
    from ..tensor import Tensor

    return isinstance(x, (Tensor, np.ndarray, bool, int, float, np.number, np.bool_)) or is_sympy(x)


def _operand(x: Any, like, op: str):
    """A second operand: Tensors and arrays as they are, Python numbers as 0-d tensors of `like`'s kind."""
    from ..tensor import Tensor

    if isinstance(x, Tensor):
        return x
    if isinstance(x, np.ndarray):
        return Tensor(x)
    if isinstance(x, (bool, int, float, np.number, np.bool_)) or is_sympy(x):
        return Tensor._make(backend.scalar_like(x, like.data), False)
    raise TypeError(f"{op}: expected a Tensor, a NumPy array or a number, got {type(x).__name__}")


def _broadcast(op: str, fn: Callable, *arrays: np.ndarray) -> np.ndarray:
    try:
        return fn(*arrays)
    except ValueError as err:
        if "broadcast" not in str(err):
            raise
        raise ShapeError(f"{op}: shapes {', '.join(str(a.shape) for a in arrays)} do not broadcast (NumPy rule: "
                         "trailing dimensions must be equal or 1)") from None


def _truth(value: Any) -> Any:
    """A SymPy truth value as a Python bool when decided, else the Relational itself."""
    if value in (True, sympy.true):
        return True
    if value in (False, sympy.false):
        return False
    return value


def relation(name: str, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a `name` b elementwise: a bool array, or for SymPy an object array of bools and undecided Relationals."""
    if a.dtype != object and b.dtype != object:
        with np.errstate(invalid="ignore"):
            return _broadcast(name, _NUMERIC[name], a, b)
    symbolic = getattr(sympy, _SYMBOLIC[name])

    def compare(x: Any, y: Any) -> Any:
        if x is sympy.nan or y is sympy.nan:
            return name == "ne"
        return _truth(symbolic(x, y))

    return _broadcast(name, np.vectorize(compare, otypes=[object]), a, b)


def decided(values: np.ndarray, op: str) -> np.ndarray:
    """A bool array from `relation`'s output; an undecided SymPy comparison is a TypeError naming the op."""
    if values.dtype != object:
        return values
    for v in values.flat:
        if v is not True and v is not False:
            raise TypeError(f"{op}: cannot decide {v} for symbolic entries; use exact numbers where the result "
                            "must be a bool")
    return values.astype(bool)


def logical(fn: Callable, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """and/or of two `relation` outputs (bool arrays, or SymPy truth values combined into And/Or)."""
    if a.dtype != object and b.dtype != object:
        return fn(a, b)
    combine = sympy.And if fn is np.logical_and else sympy.Or
    return np.vectorize(lambda x, y: _truth(combine(x, y)), otypes=[object])(a, b)


def select(cond: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a where cond else b, never by arithmetic (so ±∞/NaN in the branch not taken stay out); an undecided
    SymPy condition gives Piecewise((a, cond), (b, True))."""
    if cond.dtype != object:
        return _broadcast("where", np.where, cond, a, b)

    def pick(c: Any, x: Any, y: Any) -> Any:
        if c is True or c is False:
            return x if c else y
        return sympy.Piecewise((x, c), (y, True))

    return _broadcast("where", np.vectorize(pick, otypes=[object]), cond, a, b)


class Where(Function):
    rule_unicode = "y = a if c else b: δ_a = δ·[c], δ_b = δ·[¬c] (selected, not multiplied)"
    rule_latex = r"\delta_a = \delta \odot \mathbb{1}[c],\quad \delta_b = \delta \odot \mathbb{1}[\lnot c]"

    def forward(ctx, cond, a, b):
        if cond.dtype.kind != "b" and cond.dtype != object:
            raise DtypeError(f"where: the condition must be a bool tensor, got dtype {cond.dtype} of shape "
                             f"{cond.shape}; compare first, e.g. where(x > 0, a, b)")
        return select(cond, a, b)

    def backward(ctx, g):
        cond = ctx.inputs[0]
        zero = type(g)._make(backend.zeros((), g.data), False)
        return (None, Where.apply(cond, g, zero) if ctx.needs_input_grad[1] else None,
                Where.apply(cond, zero, g) if ctx.needs_input_grad[2] else None)


def _masked(cond: np.ndarray, g):
    """δ where cond holds, 0 elsewhere (a Where, so differentiable in δ)."""
    zero = type(g)._make(backend.zeros((), g.data), False)
    return Where.apply(type(g)._make(cond, False), g, zero)


class Maximum(Function):
    rule_unicode = "y = max(a, b): δ_a = δ·[a > b], δ_b = δ·[b > a], δ/2 each at a tie"
    rule_latex = (r"\delta_a = \delta \odot (\mathbb{1}[a > b] + \tfrac12 \mathbb{1}[a = b]),\quad "
                  r"\delta_b = \delta \odot (\mathbb{1}[b > a] + \tfrac12 \mathbb{1}[a = b])")
    _numeric: Callable = np.maximum
    _symbolic = "Max"  # SymPy's name (SymPy is imported on first use)
    _loses = ("lt", "gt")  # input a (b) gets no δ where a < b (a > b)

    def forward(ctx, a, b):
        if a.dtype == object or b.dtype == object:
            return _broadcast(ctx.name.lower(), np.vectorize(getattr(sympy, type(ctx)._symbolic), otypes=[object]), a, b)
        return _broadcast(ctx.name.lower(), type(ctx)._numeric, a, b)

    def backward(ctx, g):
        a, b = (t.data for t in ctx.inputs)
        tie = relation("eq", a, b)
        shared = Where.apply(type(g)._make(tie, False), g / 2, g)
        return tuple(Where.apply(type(g)._make(relation(lose, a, b), False),
                                 type(g)._make(backend.zeros((), g.data), False), shared) if needs else None
                     for lose, needs in zip(type(ctx)._loses, ctx.needs_input_grad))


class Minimum(Maximum):
    rule_unicode = "y = min(a, b): δ_a = δ·[a < b], δ_b = δ·[b < a], δ/2 each at a tie"
    rule_latex = (r"\delta_a = \delta \odot (\mathbb{1}[a < b] + \tfrac12 \mathbb{1}[a = b]),\quad "
                  r"\delta_b = \delta \odot (\mathbb{1}[b < a] + \tfrac12 \mathbb{1}[a = b])")
    _numeric = np.minimum
    _symbolic = "Min"
    _loses = ("gt", "lt")


class Clamp(Function):
    rule_unicode = ("y = min(max(x, lo), hi): δ_x = δ·[lo ≤ x ≤ hi], δ_lo = δ·[x < lo < hi], "
                    "δ_hi = δ·[x > hi or hi < lo]")
    rule_latex = (r"\delta_x = \delta \odot \mathbb{1}[lo \le x \le hi],\ \delta_{lo} = \delta \odot "
                  r"\mathbb{1}[x < lo < hi],\ \delta_{hi} = \delta \odot \mathbb{1}[x > hi \lor hi < lo]")

    def forward(ctx, x, *bounds, has_min, has_max):
        out, rest = x, list(bounds)
        for present, fn in ((has_min, Maximum), (has_max, Minimum)):
            if present:
                bound = rest.pop(0)
                if out.dtype == object or bound.dtype == object:
                    out = _broadcast("clamp", np.vectorize(getattr(sympy, fn._symbolic), otypes=[object]), out, bound)
                else:
                    out = _broadcast("clamp", fn._numeric, out, bound)
        return out

    def backward(ctx, g):
        x, *bounds = (t.data for t in ctx.inputs)
        has_min, has_max = ctx.attrs["has_min"], ctx.attrs["has_max"]
        if has_min and has_max:
            lo, hi = bounds
            conds = [logical(np.logical_and, relation("ge", x, lo), relation("le", x, hi)),
                     logical(np.logical_and, relation("lt", x, lo), relation("lt", lo, hi)),
                     logical(np.logical_or, relation("gt", x, hi), relation("lt", hi, lo))]
        elif has_min:
            conds = [relation("ge", x, bounds[0]), relation("lt", x, bounds[0])]
        else:
            conds = [relation("le", x, bounds[0]), relation("gt", x, bounds[0])]
        return tuple(_masked(c, g) if needs else None for c, needs in zip(conds, ctx.needs_input_grad))


def eq(input: Any, other: Any):
    """input == other elementwise, a bool tensor (broadcasting; numbers compare in input's kind)."""
    return _compare("eq", input, other)


def ne(input: Any, other: Any):
    """input != other elementwise, a bool tensor."""
    return _compare("ne", input, other)


def lt(input: Any, other: Any):
    """input < other elementwise, a bool tensor."""
    return _compare("lt", input, other)


def le(input: Any, other: Any):
    """input <= other elementwise, a bool tensor."""
    return _compare("le", input, other)


def gt(input: Any, other: Any):
    """input > other elementwise, a bool tensor."""
    return _compare("gt", input, other)


def ge(input: Any, other: Any):
    """input >= other elementwise, a bool tensor."""
    return _compare("ge", input, other)


def _compare(name: str, input: Any, other: Any):
    x = tensor_arg(input, name)
    y = _operand(other, x, name)
    return type(x)._make(decided(relation(name, x.data, y.data), name), False)


def where(condition: Any, input: Any = None, other: Any = None):
    """input where condition else other (differentiable in both; numbers allowed). With the condition alone,
    the indices of its True entries, one int64 tensor per dimension, as torch.where(condition)."""
    cond = tensor_arg(condition, "where")
    if input is None and other is None:
        return tuple(type(cond)._make(i.astype(np.int64), False) for i in np.nonzero(cond.data))
    if input is None or other is None:
        raise TypeError("where: give both input and other, or neither (then the True positions are returned)")
    if _is_number(input) and _is_number(other):
        input = type(cond)(input, _infer_dtype=True)  # as torch.where(c, 1, 0): int64; (c, 1.0, 0.0): float32
    like = tensor_arg(other if _is_number(input) else input, "where")
    a, b = _operand(input, like, "where"), _operand(other, like, "where")
    return Where.apply(cond, *_promoted(a, b))



def _is_number(x: Any) -> bool:
    """A Python number or a SymPy expression (where's scalar operands)."""
    return isinstance(x, (bool, int, float)) or is_sympy(x)

def _promoted(*tensors: Any) -> list:
    """The operands in PyTorch's common dtype (int64 with float32 is float32, not NumPy's float64; a 0-d tensor
    or a number does not widen a dimensioned tensor of its category: backend.result_dtype)."""
    common = backend.result_dtype(*(t.data for t in tensors))
    return [t if t.dtype == common else t.to(common) for t in tensors]


def maximum(input: Any, other: Any):
    """Elementwise max of two tensors (NaN propagates; δ split half and half at ties, as PyTorch)."""
    return Maximum.apply(*_promoted(tensor_arg(input, "maximum"), tensor_arg(other, "maximum")))


def minimum(input: Any, other: Any):
    """Elementwise min of two tensors (NaN propagates; δ split half and half at ties, as PyTorch)."""
    return Minimum.apply(*_promoted(tensor_arg(input, "minimum"), tensor_arg(other, "minimum")))


def _number(value: Any, like, op: str):
    """A Python number as a 0-d tensor in PyTorch's scalar rule: it keeps a float tensor's dtype, and makes an
    integer or bool tensor's result float32 when it is a float."""
    if like.dtype == object or like.dtype.kind in "fc" or is_sympy(value):
        return _operand(value, like, op)
    if isinstance(value, (float, np.floating)):
        return type(like)._make(np.asarray(value, dtype=backend.DEFAULT_FLOAT), False)
    kind = like.dtype if like.dtype.kind in "iu" or isinstance(value, (bool, np.bool_)) else np.dtype(np.int64)
    return type(like)._make(np.asarray(value, dtype=kind), False)


def _clamp(op: str, input: Any, min: Any, max: Any):
    x = tensor_arg(input, op)
    if min is None and max is None:
        raise ArgumentTypeError(f"{op}: at least one of 'min' or 'max' must not be None")
    bounds = []
    for name, b in (("min", min), ("max", max)):
        if b is not None:
            if not (isinstance(b, (np.ndarray, type(x), bool, int, float, np.number, np.bool_)) or is_sympy(b)):
                raise TypeError(f"{op}: argument '{name}' must be a number or a tensor, not {type(b).__name__} "
                                f"({b!r})")
            bounds.append(tensor_arg(b, op) if isinstance(b, (np.ndarray, type(x))) else _number(b, x, op))
    x, *bounds = _promoted(x, *bounds)
    return Clamp.apply(x, *bounds, has_min=min is not None, has_max=max is not None)


def clamp(input: Any, min: Any = None, max: Any = None):
    """min(max(input, min), max) with number or tensor bounds; δ passes where min ≤ x ≤ max (bounds included)
    and goes to the bound that was taken, as PyTorch. NaN in input or a bound propagates."""
    return _clamp("clamp", input, min, max)


def clip(input: Any, min: Any = None, max: Any = None):
    """clamp under NumPy's name."""
    return _clamp("clip", input, min, max)


def clamp_min(input: Any, min: Any):
    """clamp(input, min=min)."""
    return _clamp("clamp_min", input, min, None)


def clamp_max(input: Any, max: Any):
    """clamp(input, max=max)."""
    return _clamp("clamp_max", input, None, max)


def _classify(op: str, numeric: Callable, symbolic: Callable[[Any], Optional[bool]]):
    def fn(input: Any):
        x = tensor_arg(input, op)
        if x.data.dtype != object:
            return type(x)._make(np.asarray(numeric(x.data)), False)
        return type(x)._make(np.vectorize(lambda e: _known(op, e, symbolic(e)), otypes=[bool])(x.data), False)

    fn.__name__ = op
    return fn


def _known(op: str, entry: Any, answer: Optional[bool]) -> bool:
    if answer is None:
        raise TypeError(f"{op}: cannot decide for the symbolic entry {entry}; give SymPy assumptions "
                        "(e.g. finite=True) or exact numbers")
    return bool(answer)


isnan = _classify("isnan", np.isnan, lambda e: e is sympy.nan)
isnan.__doc__ = "True where an entry is NaN (a bool tensor)."
isinf = _classify("isinf", np.isinf, lambda e: False if e is sympy.nan else sympy.sympify(e).is_infinite)
isinf.__doc__ = "True where an entry is +∞ or −∞ (a bool tensor)."
isfinite = _classify("isfinite", np.isfinite, lambda e: False if e is sympy.nan else sympy.sympify(e).is_finite)
isfinite.__doc__ = "True where an entry is neither NaN nor ±∞ (a bool tensor)."


def isclose(input: Any, other: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False):
    """|input − other| ≤ atol + rtol·|other| elementwise (equal infinities are close; NaN only with equal_nan),
    PyTorch's (and NumPy's) asymmetric rule. Mixed float dtypes compare in the wider one."""
    return _isclose("isclose", input, other, rtol, atol, equal_nan)


def _isclose(op: str, input: Any, other: Any, rtol: float, atol: float, equal_nan: bool):
    a, b = _close_args(op, input, other, rtol, atol, equal_nan)
    x, y = a.data, b.data
    if x.dtype != object and y.dtype != object:
        with np.errstate(all="ignore"):  # NumPy warns of an infinite or NaN rtol/atol under `invalid`; PyTorch computes
            return type(a)._make(np.asarray(_broadcast(op, lambda p, q: np.isclose(
                p, q, rtol=rtol, atol=atol, equal_nan=equal_nan), x, y)), False)

    def close(p: Any, q: Any) -> Any:
        if p is sympy.nan or q is sympy.nan:
            return bool(equal_nan and p is sympy.nan and q is sympy.nan)
        if p == q:
            return True
        if not (sympy.sympify(p).is_finite and sympy.sympify(q).is_finite):
            return _truth(sympy.Eq(p, q))
        return _truth(sympy.Abs(p - q) <= sympy.nsimplify(atol) + sympy.nsimplify(rtol) * sympy.Abs(q))

    values = _broadcast(op, np.vectorize(close, otypes=[object]), x, y)
    return type(a)._make(decided(values, op), False)


def allclose(input: Any, other: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
    """True when isclose holds everywhere (a Python bool, as PyTorch)."""
    return bool(np.all(_isclose("allclose", input, other, rtol, atol, equal_nan).data))


def _close_args(op: str, input: Any, other: Any, rtol: Any, atol: Any, equal_nan: Any) -> tuple:
    """isclose's checks, as PyTorch's: two tensors of one dtype (SymPy entries compare with any), tolerances
    that are numbers ≥ 0, a bool equal_nan."""
    a, b = tensor_arg(input, op), tensor_arg(other, op) if not is_sympy(other) else other
    b = _operand(b, a, op)
    if a.dtype != object and b.dtype != object and a.dtype != b.dtype:
        raise DtypeError(f"{op}: input and other must have the same dtype, got {a.dtype} and {b.dtype}")
    for name, tol in (("rtol", rtol), ("atol", atol)):
        if isinstance(tol, (bool, np.bool_)) or not isinstance(tol, (int, float, np.integer, np.floating)):
            raise TypeError(f"{op}: argument '{name}' must be a number, not {type(tol).__name__} ({tol!r})")
        if not tol >= 0:
            raise ShapeError(f"{op}: {name} must be greater than or equal to zero, got {tol}")
    flag(op, "equal_nan", equal_nan)
    return a, b


__all__ = ["DtypeError", "Where", "Maximum", "Minimum", "Clamp", "eq", "ne", "lt", "le", "gt", "ge", "where",
           "maximum", "minimum", "clamp", "clip", "clamp_min", "clamp_max", "isnan", "isinf", "isfinite", "isclose",
           "allclose"]
