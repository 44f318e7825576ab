"""The in-place forms `x.f_(...)` of PyTorch's value methods `x.f(...)` (sin_, atan2_, addcmul_, cumsum_, ...), all
made one way (`from_method`): self's values replaced by `self.f(...)` through Tensor._inplace (version bump, write
through views, a leaf that requires grad refused, graph re-recording, and PyTorch's dtype rule: a result that cannot
be cast to self's dtype raises). Also the top-level forms torch.relu_(x), torch.fill_(x, v), ... (`function_form`)."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .errors import DtypeError, IndexRangeError, ShapeError
from .tensor_utility import named, tensor_arg

#: the methods whose in-place form PyTorch has and that follow the one rule "self ← self.f(...)"; bound by `bind`
#: where Tensor has `f` and no `f_` yet (a hand-written `f_` elsewhere wins)
VALUE_METHODS = (
    # elementwise, one input
    "sin", "cos", "tan", "asin", "acos", "atan", "arcsin", "arccos", "arctan", "sinh", "cosh", "asinh", "acosh",
    "atanh", "arcsinh", "arccosh", "arctanh", "sinc", "exp2", "log2", "log10", "rsqrt", "reciprocal", "square",
    "sign", "sgn", "absolute", "negative", "floor", "ceil", "round", "trunc", "fix", "frac", "deg2rad", "rad2deg",
    "logit", "nan_to_num", "lgamma", "digamma", "polygamma", "i0", "mvlgamma", "erfc", "erfinv",
    # elementwise, two or three inputs
    "atan2", "arctan2", "copysign", "hypot", "heaviside", "fmod", "remainder", "lerp", "xlogy", "floor_divide",
    "true_divide", "divide", "multiply", "subtract", "ldexp", "addcmul", "addcdiv", "gcd", "lcm", "nextafter",
    # products, scans and writes
    "addmm", "addmv", "addbmm", "baddbmm", "addr", "cumsum", "cumprod", "renorm", "masked_scatter", "put",
    "index_reduce",
)
#: methods whose in-place form changes self's shape (as transpose_)
RESHAPING_METHODS = ("swapaxes", "swapdims")
#: comparisons (bool results), cast back to self's dtype (as ge_)
CAST_METHODS = ("greater", "greater_equal", "less", "less_equal", "not_equal")


def from_method(name: str, reshapes: bool = False) -> Callable:
    """The in-place method `name_`: self's values become self.name(*args, **kwargs); returns self. A result
    without gradient (nextafter) on a tensor in the graph keeps a zero-gradient path to it (as ge_)."""
    def compute(t: Any, args: tuple, kwargs: dict) -> Any:
        result = getattr(t, name)(*args, **kwargs)
        return t._replaced_by(t, result) if t.requires_grad and not result.requires_grad else result

    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        return self._inplace(name + "_", lambda t: compute(t, args, kwargs), reshapes=reshapes)

    method.__name__ = method.__qualname__ = name + "_"
    method.__doc__ = f"In-place {name}: self's values become self.{name}(...) in self's dtype; returns self."
    return method


def from_cast_method(name: str) -> Callable:
    """The in-place method `name_` of a method whose result (bool, no gradient) is cast to self's dtype."""
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        return self._inplace(name + "_", lambda t: self._replaced_by(t, getattr(t, name)(*args, **kwargs)))

    method.__name__ = method.__qualname__ = name + "_"
    method.__doc__ = f"In-place {name}: self's values become self.{name}(...) cast to self's dtype; returns self."
    return method


def _float_power_(self: Any, exponent: Any) -> Any:
    """In-place float_power: the result is float64, so self must be float64 already (PyTorch's rule)."""
    if self.dtype != np.float64 and self.dtype != object:
        raise DtypeError(f"float_power_: the base given to float_power_ has dtype {self.dtype} but the operation's "
                         "result requires dtype float64; use x = x.double() first")
    return self._inplace("float_power_", lambda t: t.float_power(exponent))


def _detach_(self: Any) -> Any:
    """Detach self from the graph in place (it becomes a leaf that does not require grad); returns self. A view of
    another graph tensor refuses, as PyTorch (its base would keep a node that writes through to it)."""
    from .tensor_inplace import view_base

    if self._ctx is not None and view_base(self) is not None:
        raise RuntimeError(f"detach_: can't detach views in-place (shape {self.shape}); use x = x.detach() instead")
    self._ctx, self.requires_grad = None, False
    return self


def bind(cls: type) -> tuple[str, ...]:
    """Set every missing in-place form on cls (a method `f` present, `f_` absent); the names set."""
    made = []
    for names, make in ((VALUE_METHODS, from_method), (CAST_METHODS, from_cast_method),
                        (RESHAPING_METHODS, lambda n: from_method(n, reshapes=True))):
        for name in names:
            if hasattr(cls, name) and not hasattr(cls, name + "_"):
                setattr(cls, name + "_", make(name))
                made.append(name + "_")
    for name, fn in (("float_power_", _float_power_), ("detach_", _detach_)):
        if not hasattr(cls, name):
            setattr(cls, name, fn)
            made.append(name)
    return tuple(made)


# ---- the top-level in-place forms (torch.relu_(x), torch.fill_(x, v), ...) ------------------------------------
#: torch.<name>_(input, *args) is input.<name>_(*args)
FUNCTION_FORMS = (
    "abs_", "neg_", "negative_", "exp_", "exp2_", "expm1_", "log_", "log2_", "log10_", "log1p_", "sqrt_",
    "rsqrt_", "reciprocal_", "square_", "sin_", "cos_", "tan_", "asin_", "acos_", "atan_", "arcsin_", "arccos_",
    "arctan_", "sinh_", "cosh_", "asinh_", "acosh_", "atanh_", "arcsinh_", "arccosh_", "arctanh_", "sinc_",
    "sigmoid_", "tanh_", "relu_", "erf_", "erfc_", "floor_", "ceil_", "round_", "trunc_", "fix_", "frac_",
    "deg2rad_", "rad2deg_", "logit_", "nan_to_num_", "xlogy_", "clamp_", "clamp_min_", "clamp_max_", "clip_",
    "fill_", "zero_", "index_put_", "detach_", "gcd_", "lcm_", "ldexp_", "i0_", "resize_as_", "addmv_",
)


def function_form(name: str) -> Callable:
    """torch.<name>(input, *args): input.<name>(*args) on a Tensor (or a NumPy array, written in place); errors
    name `name`."""
    def fn(input: Any, *args: Any, **kwargs: Any) -> Any:
        return getattr(tensor_arg(input, name), name)(*args, **kwargs)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"In-place {name[:-1]} of input (input.{name}(...)); returns input."
    return named(fn)


def _functional(name: str, call: Callable) -> Callable:
    """torch.<name>(input, ...) for an F op: input's values replaced by call(input, ...)."""
    def fn(input: Any, *args: Any, **kwargs: Any) -> Any:
        x = tensor_arg(input, name)
        return x._inplace(name, lambda t: call(t, *args, **kwargs))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"In-place {name[:-1]} (torch.{name}): input's values replaced; returns input."
    return named(fn)


def _F() -> Any:
    from . import functional

    return functional


celu_ = _functional("celu_", lambda t, alpha=1.0: _F().celu(t, alpha))
selu_ = _functional("selu_", lambda t: _F().selu(t))
threshold_ = _functional("threshold_", lambda t, threshold, value: _F().threshold(t, threshold, value))
dropout_ = _functional("dropout_", lambda t, p, train: _F().dropout(t, p, train))
alpha_dropout_ = _functional("alpha_dropout_", lambda t, p, train: _F().alpha_dropout(t, p, train))
feature_alpha_dropout_ = _functional("feature_alpha_dropout_",
                                     lambda t, p, train: _F().feature_alpha_dropout(t, p, train))
feature_dropout_ = _functional("feature_dropout_", lambda t, p, train: _F().dropout2d(t, p, train))

for _name in FUNCTION_FORMS:
    globals()[_name] = function_form(_name)



def _rrelu(t: Any, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False) -> Any:
    from .ops.args import flag

    training = flag("rrelu_", "training", training)
    if not lower <= upper:
        raise ShapeError(f"rrelu_: lower bound {lower} should be less than or equal to the upper bound {upper}")
    return _F().rrelu(t, lower, upper, training)


rrelu_ = _functional("rrelu_", _rrelu)


def embedding_renorm_(input: Any, indices: Any, max_norm: float, norm_type: float) -> Any:
    """In place and outside the graph (as PyTorch): each row of input named in indices whose p-norm exceeds max_norm
    rescaled to max_norm (w ← w·max_norm/(‖w‖ + 1e-7)); returns input."""
    from .ops.args import number
    from .ops.embedding import _indices, _renorm_

    weight = tensor_arg(input, "embedding_renorm_")
    if weight.dtype.kind not in "fc":
        raise DtypeError(f"embedding_renorm_: input must be floating point (its rows' norms), got dtype {weight.dtype}")
    if weight.ndim != 2:
        raise ShapeError(f"embedding_renorm_: input must be a matrix (rows are embeddings), got shape {weight.shape}")
    rows = _indices("embedding_renorm_", indices).reshape(-1)
    if rows.size and (rows.min() < 0 or rows.max() >= weight.shape[0]):
        bad = int(rows.max() if rows.max() >= weight.shape[0] else rows.min())
        raise IndexRangeError(f"embedding_renorm_: index {bad} is out of range for {weight.shape[0]} rows")
    _renorm_("embedding_renorm_", weight, rows, float(number("embedding_renorm_", "max_norm", max_norm)),
             float(number("embedding_renorm_", "norm_type", norm_type)))
    return weight


FUNCTIONAL_FORMS = ("celu_", "selu_", "threshold_", "dropout_", "alpha_dropout_", "feature_alpha_dropout_",
                    "feature_dropout_", "rrelu_", "embedding_renorm_")
