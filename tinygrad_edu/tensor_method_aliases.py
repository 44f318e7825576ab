"""torch's other names for ops this library has (absolute, greater, less_equal, not_equal, ...), the method forms of
F ops (hardshrink, prelu) and small compositions PyTorch code calls (addr, diagflat, narrow_copy): each a
function of `input` first, so it serves as the Tensor method and as tg.<name>."""
from __future__ import annotations

from typing import Any

import numpy as np

from . import backend
from . import tensor as _tensor
from .errors import ShapeError
from .tensor_utility import named, tensor_arg


def _ops():
    return _tensor.ops


def absolute(input: Any) -> Any:
    """|input| (torch.absolute, the alias of abs)."""
    return abs(tensor_arg(input, "absolute"))


def greater(input: Any, other: Any) -> Any:
    return _ops().gt(input, other)


def greater_equal(input: Any, other: Any) -> Any:
    return _ops().ge(input, other)


def less(input: Any, other: Any) -> Any:
    return _ops().lt(input, other)


def less_equal(input: Any, other: Any) -> Any:
    return _ops().le(input, other)


def not_equal(input: Any, other: Any) -> Any:
    return _ops().ne(input, other)


def hardshrink(input: Any, lambd: float = 0.5) -> Any:
    """input where |input| > lambd, else 0 (F.hardshrink)."""
    from .functional import hardshrink as f

    return f(input, lambd)


def prelu(input: Any, weight: Any) -> Any:
    """max(0, x) + weight·min(0, x), weight per channel (dim 1) or one (F.prelu)."""
    from .functional import prelu as f

    return f(input, weight)


def addr(input: Any, vec1: Any, vec2: Any, *, beta: Any = 1, alpha: Any = 1) -> Any:
    """beta·input + alpha·(vec1 ⊗ vec2), input broadcast to the outer product's shape; beta = 0 ignores input's
    values (NaN too), as PyTorch."""
    from .ops.args import number

    x, v1, v2 = (tensor_arg(t, "addr") for t in (input, vec1, vec2))
    beta, alpha = number("addr", "beta", beta), number("addr", "alpha", alpha)
    kind = backend.promote_types(v1.dtype, v2.dtype)
    outer = _ops().linalg_extra.outer(v1.to(kind), v2.to(kind))
    if outer.ndim != 2:
        raise ShapeError(f"addr: vec1 and vec2 must be 1-D, got shapes {v1.shape} and {v2.shape}")
    try:
        broadcast = np.broadcast_shapes(x.shape, outer.shape)
    except ValueError:
        broadcast = None
    if broadcast != outer.shape:
        raise ShapeError(f"addr: input of shape {x.shape} does not broadcast to the outer product's shape "
                         f"{outer.shape}")
    scaled = outer if alpha == 1 else outer * alpha
    if beta == 0:  # input's values never read (a NaN stays out); its gradient is 0, as PyTorch's
        scaled = scaled.to(backend.promote_types(x.dtype, scaled.dtype))
        return _ops().where(_tensor.Tensor(np.zeros(outer.shape, dtype=bool)), x, scaled) if x.requires_grad else scaled
    return (x if beta == 1 else x * beta) + scaled


def diagflat(input: Any, offset: int = 0) -> Any:
    """The flattened input on the offset-th diagonal of a square matrix (zeros elsewhere)."""
    return _ops().linalg_extra.diag(_ops().reshape(tensor_arg(input, "diagflat"), -1), offset)


def narrow_copy(input: Any, dim: int, start: int, length: int) -> Any:
    """A copy (not a view) of input.narrow(dim, start, length)."""
    return _ops().clone(_ops().narrow(tensor_arg(input, "narrow_copy"), dim, start, length))


METHODS = ("absolute", "greater", "greater_equal", "less", "less_equal", "not_equal", "hardshrink", "prelu", "addr",
           "diagflat", "narrow_copy")
for _name in METHODS:  # errors name the function called (greater, not gt)
    globals()[_name] = named(globals()[_name])
