"""The two kinds of numbers behind a Tensor: NumPy floats for training, object arrays of SymPy
expressions for exact checks. Every elementwise primitive dispatches here on the array's dtype."""
from __future__ import annotations

import contextvars
import functools
from typing import Any, Callable

import numpy as np
from .lazy_sympy import is_sympy, sympy

from .numeric_erf import erf as _erf_numeric

#: the default floating-point dtype; its one home, read at call time (defaults.set_default_dtype changes it)
DEFAULT_FLOAT = np.dtype(np.float32)


def is_symbolic(a: np.ndarray) -> bool:
    return a.dtype == object


def as_array(data: Any, dtype: Any = None, infer: bool = False) -> np.ndarray:
    """Turn user data into the array a Tensor holds. NumPy arrays keep their dtype; SymPy expressions
    become object arrays; Python numbers become float32, or with `infer` (torch.tensor's rule) floats
    float32, ints int64 and bools bool (torch.Tensor(...) always gives float32)."""
    if isinstance(data, np.ndarray):
        arr = data
    elif isinstance(data, (np.generic,)):
        arr = np.asarray(data)
    elif is_sympy(data):
        arr = np.empty((), dtype=object)
        arr[()] = data
    else:
        arr = np.asarray(data)
        if arr.dtype == object or _holds_sympy(data):
            arr = _object_array(data)
        elif dtype is None and arr.dtype.kind in "biufc":
            if arr.dtype.kind == "c" and not infer:
                raise TypeError("Tensor: must be real number, not complex (as torch.Tensor); use "
                                "tg.tensor(data) for a complex tensor")
            arr = arr.astype(_inferred_dtype(data, arr.dtype) if infer else DEFAULT_FLOAT, copy=False)
    if dtype is not None:
        dtype = np.dtype(dtype)
        if arr.dtype != dtype:
            arr = arr.astype(dtype)
    return arr


def _python_dtype(inferred: np.dtype) -> np.dtype:
    """torch.tensor's dtype for Python data: floats (and complex) stay floating at the default precision,
    ints become int64, bools stay bool."""
    if inferred.kind == "f":
        return DEFAULT_FLOAT
    if inferred.kind == "c":
        return _default_complex()
    if inferred.kind in "iu":
        return np.dtype(np.int64)
    return inferred


def _inferred_dtype(data: Any, inferred: np.dtype) -> np.dtype:
    """torch.tensor's dtype for a (nested) list: Python numbers by _python_dtype, NumPy scalars and arrays inside
    it by their own dtype, all promoted together (torch.promote_types): [np.float64(1), 2.0] is float64."""
    kinds = _leaf_types(data, set())
    if not any(issubclass(k, np.generic) or k is np.ndarray for k in kinds):
        return _python_dtype(inferred)
    leaves = [np.dtype(k) for k in kinds if issubclass(k, np.generic)]
    leaves += [_python_dtype(np.dtype(k)) for k in kinds if k in (bool, int, float)]
    leaves += [d for d in _array_dtypes(data) if d.kind in "biuf"]
    common = leaves[0]
    for d in leaves[1:]:
        common = promote_types(common, d)
    return common


def _leaf_types(data: Any, seen: set) -> set:
    """The types of the entries of a nested list or tuple (one C-speed pass per innermost list)."""
    if not isinstance(data, (list, tuple)):
        seen.add(type(data))
        return seen
    types = set(map(type, data))
    seen.update(types - {list, tuple})
    if list in types or tuple in types:
        for item in data:
            if isinstance(item, (list, tuple)):
                _leaf_types(item, seen)
    return seen


def _array_dtypes(data: Any) -> list:
    if isinstance(data, np.ndarray):
        return [data.dtype]
    if isinstance(data, (list, tuple)):
        return [d for item in data if isinstance(item, (list, tuple, np.ndarray)) for d in _array_dtypes(item)]
    return []


def _holds_sympy(data: Any) -> bool:
    if is_sympy(data):
        return True
    if isinstance(data, (list, tuple)) and data:
        return _holds_sympy(data[0])
    return False


def _object_array(data: Any) -> np.ndarray:
    arr = np.array(data, dtype=object)
    return np.vectorize(sympy.sympify, otypes=[object])(arr) if arr.size else arr


#: PyTorch's type categories, the order in which operands decide a result's dtype: bool < integer < floating < complex
_CATEGORY = {"b": 0, "i": 1, "u": 1, "f": 2, "c": 3}
_COMPLEX_OF = {np.dtype(np.float16): np.dtype(np.complex64), np.dtype(np.float32): np.dtype(np.complex64),
               np.dtype(np.float64): np.dtype(np.complex128)}


def promote_types(a: np.dtype, b: np.dtype) -> np.dtype:
    """torch.promote_types: the higher category wins without widening (int64 with float16 is float16, where NumPy
    gives float64; int64 with complex64 is complex64); within a category the wider dtype (NumPy's rule)."""
    if a == b:
        return a
    if a == object or b == object:
        return np.dtype(object)
    ca, cb = _CATEGORY.get(a.kind), _CATEGORY.get(b.kind)
    if ca is None or cb is None or ca == cb or (ca == 3 and cb == 2) or (cb == 3 and ca == 2):
        return np.result_type(a, b)  # same category, float meeting complex (float64, complex64: complex128), non-numbers
    return a if ca > cb else b


def combine(stronger: np.dtype, weaker: np.dtype) -> np.dtype:
    """The dtype of stronger-priority operands meeting weaker ones, as PyTorch: dimensioned tensors over 0-d
    tensors over Python numbers. The weaker ones count only when their category is higher (float32 tensor with a
    0-d float64 tensor: float32; int32 tensor with a 0-d float64 tensor: float64; bool tensor with 2: int64)."""
    if stronger == object or weaker == object:
        return np.dtype(object)
    cs, cw = _CATEGORY.get(stronger.kind), _CATEGORY.get(weaker.kind)
    if cs is None or cw is None:  # not numbers (strings, dates): NumPy's rule, and its error
        return np.result_type(stronger, weaker)
    if cs >= cw:
        return stronger
    if cw == 3 and cs == 2:  # a complex number meeting a float tensor keeps the tensor's precision
        return _COMPLEX_OF.get(stronger, weaker)
    return weaker


def result_dtype(*arrays: np.ndarray) -> np.dtype:
    """The dtype of an elementwise op on `arrays` (of different dtypes), PyTorch's rule in one place: the
    dimensioned operands' promote_types, which 0-d operands change only by a higher category (combine). Python
    numbers reach here already as 0-d arrays in their result dtype (scalar_like), so they never widen either."""
    dim = zero = None
    for a in arrays:
        if a.ndim:
            dim = a.dtype if dim is None else promote_types(dim, a.dtype)
        else:
            zero = a.dtype if zero is None else promote_types(zero, a.dtype)
    if dim is None or zero is None:
        return zero if dim is None else dim
    return combine(dim, zero)


def _number_dtype(value: Any) -> np.dtype:
    """A Python (or NumPy) number's own dtype as an operand of PyTorch: bool, int64, the default float or complex64."""
    if isinstance(value, (bool, np.bool_)):
        return np.dtype(bool)
    if isinstance(value, (int, np.integer)):
        return np.dtype(np.int64)
    if isinstance(value, complex) or isinstance(value, np.complexfloating):
        return _default_complex()
    return DEFAULT_FLOAT


def _default_complex() -> np.dtype:
    """The complex partner of the default float (set_default_dtype): complex128 for float64, else complex64."""
    return np.dtype(np.complex128) if DEFAULT_FLOAT == np.float64 else np.dtype(np.complex64)


def scalar_like(value: Any, like: np.ndarray) -> np.ndarray:
    """A Python number as a 0-d array in the dtype of its op with `like` (PyTorch's rule for numbers: they decide
    only by a higher category), so `x64 + 1.0` stays float64, `bool_t + 2` is int64, `int_t * 0.5` float32. The one
    place where a constant's dtype is decided; a 0-d constant of the result dtype then promotes as nothing else."""
    if like.dtype == object or is_sympy(value):
        out = np.empty((), dtype=object)
        out[()] = sympy.sympify(value)
        return out
    kind = like.dtype.kind
    if kind == "f" and not isinstance(value, (complex, np.complexfloating)):
        return np.asarray(value, dtype=like.dtype)
    return np.asarray(value, dtype=combine(like.dtype, _number_dtype(value)))


class _ErrstateToken:
    """NumPy 1.x: np.errstate entered by `quiet_on` and left by `quiet_off` (no context variable to set)."""

    def set(self, _: Any) -> Any:
        state = np.errstate(all="ignore")
        state.__enter__()
        return state

    def reset(self, state: Any) -> None:
        state.__exit__(None, None, None)


try:  # NumPy ≥ 2 keeps its floating-point error state in a context variable: setting it costs ~0.1 µs, ~10× less
    from numpy._core._ufunc_config import _extobj_contextvar as _FP_STATE  # than entering np.errstate

    if not isinstance(_FP_STATE, contextvars.ContextVar):
        raise ImportError("NumPy's error state is not a context variable")
    with np.errstate(all="ignore"):
        _FP_IGNORE = _FP_STATE.get()
except ImportError:  # pragma: no cover - NumPy 1.x
    _FP_STATE, _FP_IGNORE = _ErrstateToken(), None

#: NumPy's floating-point warnings off for this thread/context until quiet_off(token): ∞ and NaN are values here, as
#: in PyTorch (anomaly detection finds where they start), not warnings pointing into the library. The user's own
#: settings are what quiet_off restores. Use as `token = quiet_on()`, `try: ... finally: quiet_off(token)` on the
#: hot path (elementwise ops); heavier kernels use `with np.errstate(all="ignore")`.
quiet_on: Callable[[], Any] = functools.partial(_FP_STATE.set, _FP_IGNORE)
quiet_off: Callable[[Any], None] = _FP_STATE.reset


def quietly(fn: Callable, *args: Any, **kwargs: Any) -> Any:
    """fn(*args, **kwargs) with NumPy's floating-point warnings off (quiet_on), e.g. a sum meeting ∞ − ∞."""
    token = quiet_on()
    try:
        return fn(*args, **kwargs)
    finally:
        quiet_off(token)


def _sympy_function(name: str) -> Callable:
    """SymPy's function `name`, looked up when first called (SymPy is imported on first use)."""
    return lambda e: getattr(sympy, name)(e)


def _elementwise(numeric: Callable, symbolic: Callable, quiet: bool = False) -> Callable[[np.ndarray], np.ndarray]:
    """numeric(a) on numbers, symbolic per entry on SymPy. `quiet`: NumPy's floating-point warnings off around it
    (log 0, √−1, eˣ overflowing are values, as in PyTorch; ~0.2 µs); tanh, max, abs, sign never warn and go without."""
    vectorised = np.vectorize(symbolic, otypes=[object])

    def apply(a: np.ndarray) -> np.ndarray:
        if a.dtype == object:
            return vectorised(a) if a.ndim else _object_scalar(symbolic(a[()]))
        if not quiet:
            return numeric(a)
        token = quiet_on()
        try:
            return numeric(a)
        finally:
            quiet_off(token)

    return apply


def _floating(numeric: Callable, symbolic: Callable, quiet: bool = True) -> Callable[[np.ndarray], np.ndarray]:
    """As _elementwise, for functions whose value is not an integer: integer and bool inputs become
    float32 first (PyTorch's promotion for exp, log, sqrt, tanh, sigmoid)."""
    inner = _elementwise(numeric, symbolic, quiet)

    def apply(a: np.ndarray) -> np.ndarray:
        if a.dtype.kind in "biu":
            a = a.astype(DEFAULT_FLOAT)
        return inner(a)

    return apply


def _object_scalar(value: Any) -> np.ndarray:
    out = np.empty((), dtype=object)
    out[()] = value
    return out


def _sigmoid_numeric(a: np.ndarray) -> np.ndarray:
    """1/(1 + e⁻ᵃ) as PyTorch computes it: full relative precision in both tails (float32 σ(−20) = 2.06·10⁻⁹,
    where 0.5·(1 + tanh(a/2)) cancels to 0), and exactly 0 once e⁻ᵃ overflows (a < −88.7 in float32)."""
    return 1 / (1 + np.exp(-a))  # e⁻ᵃ overflowing to ∞ is silent: apply() turns warnings off


@functools.lru_cache(maxsize=64)
def _zero_row(dtype: np.dtype, length: int) -> np.ndarray:
    row = np.zeros(length, dtype)
    row.flags.writeable = False
    return row


def _relu_numeric(a: np.ndarray) -> np.ndarray:
    """max(a, 0). NumPy's maximum against a scalar takes an unvectorised loop, against an array its SIMD one: the
    rows of a (as long as its trailing axes allow, up to 8192 entries) against one cached row of zeros (LeNet's C1
    activation, 64×6×28×28 float32: 0.11 → 0.04 ms). Values identical, NaN passed on."""
    length = 1
    for d in reversed(a.shape):
        if length * d > 8192:
            break
        length *= d
    if length < 64 or not a.flags.c_contiguous:
        return np.maximum(a, 0)
    return np.maximum(a.reshape(-1, length), _zero_row(a.dtype, length)).reshape(a.shape)


def _sigmoid_symbolic(e: sympy.Expr) -> sympy.Expr:
    return 1 / (1 + sympy.exp(-e))


exp = _floating(np.exp, _sympy_function("exp"))
log = _floating(np.log, _sympy_function("log"))
sqrt = _floating(np.sqrt, _sympy_function("sqrt"))
tanh = _floating(np.tanh, _sympy_function("tanh"), quiet=False)
sigmoid = _floating(_sigmoid_numeric, _sigmoid_symbolic)
relu = _elementwise(_relu_numeric, lambda e: sympy.Max(e, 0))
sign = _elementwise(np.sign, _sympy_function("sign"))
abs_ = _elementwise(np.abs, _sympy_function("Abs"))
step = _elementwise(lambda a: (a > 0).astype(a.dtype), lambda e: sympy.Heaviside(e, 0))
"""The derivative of relu: 1 where x > 0, else 0 (0 at x = 0, as PyTorch)."""

# log1p/expm1 keep tiny values exact in the tails of softplus, logsigmoid and elu; erf is GELU's (ops/activation.py)
log1p = _floating(np.log1p, lambda e: sympy.log(1 + e))
expm1 = _floating(np.expm1, lambda e: sympy.exp(e) - 1)
erf = _floating(_erf_numeric, _sympy_function("erf"))


def pi(like: np.ndarray) -> np.ndarray:
    """π as a 0-d array of `like`'s kind: SymPy's exact pi for symbolic arrays (so 2/√π stays exact)."""
    return _object_scalar(sympy.pi) if like.dtype == object else np.asarray(np.pi, dtype=like.dtype)


def where_positive(a: np.ndarray, negative_slope: float) -> np.ndarray:
    """leaky_relu's derivative: 1 where x > 0, else the slope."""
    if a.dtype == object:
        slope = sympy.nsimplify(negative_slope)
        return np.vectorize(lambda e: sympy.Piecewise((1, e > 0), (slope, True)), otypes=[object])(a)
    return np.where(a > 0, np.ones((), a.dtype), np.asarray(negative_slope, a.dtype))


def leaky_relu(a: np.ndarray, negative_slope: float) -> np.ndarray:
    if a.dtype == object:
        slope = sympy.nsimplify(negative_slope)
        return np.vectorize(lambda e: sympy.Piecewise((e, e > 0), (slope * e, True)), otypes=[object])(a)
    return np.where(a > 0, a, a * np.asarray(negative_slope, a.dtype))


def max_mask(a: np.ndarray, axis: tuple[int, ...] | None, out: np.ndarray) -> np.ndarray:
    """1/(number of ties) where `a` attains its maximum over `axis`, else 0: the routing of max's gradient.
    `out` is the max with kept dims. Symbolic inputs must be comparable (exact numbers)."""
    if a.dtype == object:
        hit = np.vectorize(_decided_equal, otypes=[bool])(a, out)
        counts = hit.sum(axis=axis, keepdims=True)
        return np.vectorize(lambda h, c: sympy.Rational(int(h), int(c)), otypes=[object])(hit, counts)
    hit = (a == out).astype(a.dtype)
    return hit / hit.sum(axis=axis, keepdims=True)


def _decided_equal(x: Any, m: Any) -> bool:
    decided = sympy.Eq(x, m)
    if decided not in (sympy.true, sympy.false):
        raise TypeError(f"max: cannot decide which symbolic entry is largest ({x} vs {m}); use exact rational "
                        "inputs where the winner must be concrete and keep δ symbolic")
    return bool(decided)


def amax(a: np.ndarray, axis: tuple[int, ...] | None, keepdims: bool) -> np.ndarray:
    if a.dtype == object:
        if a.size == 0:
            raise ValueError("max: empty tensor has no maximum")
        try:
            return _reduce_object(a, axis, keepdims, lambda v: sympy.Max(*v))
        except TypeError as err:
            raise TypeError("max: cannot decide which symbolic entry is largest") from err
    return np.max(a, axis=axis, keepdims=keepdims)


def _reduce_object(a: np.ndarray, axis: tuple[int, ...] | None, keepdims: bool, fn: Callable) -> np.ndarray:
    axes = tuple(range(a.ndim)) if axis is None else axis
    kept = [d for d in range(a.ndim) if d not in axes]
    moved = np.transpose(a, kept + list(axes)).reshape([a.shape[d] for d in kept] + [-1])
    flat = moved.reshape(-1, moved.shape[-1])
    out = np.empty(flat.shape[0], dtype=object)
    for i, row in enumerate(flat):
        out[i] = fn(list(row))
    out = out.reshape([a.shape[d] for d in kept])
    if keepdims:
        out = out.reshape([1 if d in axes else a.shape[d] for d in range(a.ndim)])
    return out


def scatter_add(shape: tuple[int, ...], positions: np.ndarray, values: np.ndarray) -> np.ndarray:
    """out.flat[positions] += values, repeated positions summing: the adjoint of integer indexing."""
    size = int(np.prod(shape))
    if values.dtype == object:
        out = np.full(size, sympy.Integer(0), dtype=object)
        for p, v in zip(positions.ravel(), values.ravel()):
            out[p] += v
        return out.reshape(shape)
    summed = np.bincount(positions.ravel(), weights=values.ravel(), minlength=size)
    return summed.astype(values.dtype, copy=False).reshape(shape)


def zeros(shape: tuple[int, ...], like: np.ndarray) -> np.ndarray:
    if like.dtype == object:
        return np.full(shape, sympy.Integer(0), dtype=object)
    return np.zeros(shape, dtype=like.dtype)


def ones(shape: tuple[int, ...], like: np.ndarray) -> np.ndarray:
    if like.dtype == object:
        return np.full(shape, sympy.Integer(1), dtype=object)
    return np.ones(shape, dtype=like.dtype)
