"""More of torch's creation and random functions: as_tensor / asarray (sharing a NumPy array's memory where they
can), scalar_tensor, logspace, empty_strided; randperm, normal (all four overloads), bernoulli, multinomial,
poisson, randint_like, drawn from the library's seeded generator (or a `generator=`); and the global generator's
seed and state (seed, initial_seed, get_rng_state, set_rng_state)."""
from __future__ import annotations

import sys
from typing import Any, Optional

import numpy as np

from . import backend, creation
from .device import check_device
from .errors import DtypeError, ShapeError
from .ops.args import check_size, dtype as dtype_arg, flag, integer, number
from .tensor import Tensor


# ---- creation ------------------------------------------------------------------------------------------------
def _tensor(op: str, data: Any, **kwargs: Any) -> Tensor:
    """tg.tensor (defined in the package's __init__, which imports this module), its errors naming op."""
    try:
        return sys.modules[__package__].tensor(data, **kwargs)
    except (TypeError, ValueError, RuntimeError) as err:
        message = str(err)
        if not message.startswith("tensor:"):
            raise
        raise type(err)(f"{op}:{message[len('tensor:'):]}") from None


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """data as a Tensor without a copy where possible (torch.as_tensor): a Tensor of that dtype is returned as is,
    a NumPy array of that dtype is shared (changes show on both sides); anything else is converted."""
    check_device("as_tensor", device)
    kind = dtype_arg("as_tensor", dtype)
    if isinstance(data, Tensor):
        if kind is None or kind == data.dtype:
            return data
        check_size("as_tensor", data.shape, kind)
        return data.to(kind)
    if isinstance(data, np.ndarray):
        if kind is None or kind == data.dtype:
            return Tensor(data)
        check_size("as_tensor", data.shape, kind)
        return Tensor(data.astype(kind))
    return _tensor("as_tensor", data, dtype=kind)


def asarray(obj: Any, *, dtype: Any = None, device: Any = None, copy: Optional[bool] = None,
            requires_grad: bool = False) -> Tensor:
    """obj as a Tensor, as torch.asarray: copy=None shares memory when the dtype allows it, copy=True always copies,
    copy=False refuses (ValueError) where a copy would be needed."""
    check_device("asarray", device)
    kind = dtype_arg("asarray", dtype)
    copy = None if copy is None else flag("asarray", "copy", copy)
    requires_grad = False if requires_grad is None else flag("asarray", "requires_grad", requires_grad)  # as torch
    source = obj.data if isinstance(obj, Tensor) else obj
    shareable = isinstance(source, np.ndarray) and (kind is None or kind == source.dtype)
    if copy is False and not shareable:
        raise ValueError(f"asarray: copy=False, but {type(obj).__name__} data cannot be used without a copy "
                         f"(to dtype {kind})")
    if isinstance(obj, Tensor) and shareable and not copy and not requires_grad:
        return obj
    if shareable:
        return Tensor(source.copy() if copy else source, requires_grad=requires_grad)
    if isinstance(source, np.ndarray):
        check_size("asarray", source.shape, source.dtype if kind is None else kind)
    return _tensor("asarray", source, dtype=kind, requires_grad=requires_grad)


def scalar_tensor(s: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A 0-d tensor holding s, in the default float dtype unless dtype is given (torch.scalar_tensor(1) is 1.)."""
    check_device("scalar_tensor", device)
    value = s.item() if isinstance(s, (Tensor, np.ndarray, np.generic)) and np.size(s) == 1 else s
    number("scalar_tensor", "s", value)
    kind = dtype_arg("scalar_tensor", dtype)
    return Tensor(np.asarray(value, dtype=backend.DEFAULT_FLOAT if kind is None else kind),
                  requires_grad=requires_grad)


def logspace(start: Any, end: Any, steps: int, base: float = 10.0, dtype: Any = None,
             requires_grad: bool = False) -> Tensor:
    """base^linspace(start, end, steps): `steps` points evenly spaced on a log scale (torch.logspace)."""
    for name, value in (("start", start), ("end", end)):
        number("logspace", name, creation._number(value))
    number("logspace", "base", base)
    steps = integer("logspace", "steps", steps)
    if steps < 0:
        raise ShapeError(f"logspace: the number of steps must be non-negative, got {steps}")
    kind = dtype_arg("logspace", dtype)
    if kind == bool:
        raise DtypeError("logspace: dtype bool is not supported, as in PyTorch (base^x is a number, not a truth value)")
    check_size("logspace", (steps,), np.float64)
    exponents = creation.linspace(start, end, steps, dtype=np.float64)
    values = np.power(np.float64(base), exponents.data)
    return Tensor(values.astype(backend.DEFAULT_FLOAT if kind is None else kind), requires_grad=requires_grad)


def empty_strided(size: Any, stride: Any, *, dtype: Any = None, device: Any = None,
                  requires_grad: bool = False) -> Tensor:
    """A tensor of shape size whose data has the given strides (in elements), zero-filled (torch leaves it
    uninitialised): a view of a buffer just long enough, as torch.empty_strided."""
    check_device("empty_strided", device)
    for name, value in (("size", size), ("stride", stride)):
        if not isinstance(value, (tuple, list, int, np.integer)) or isinstance(value, (bool, np.bool_)):
            raise TypeError(f"empty_strided: argument '{name}' must be a tuple of ints, not {type(value).__name__} "
                            f"({value!r})")
    sizes = creation._shape((size,) if isinstance(size, (int, np.integer)) else tuple(size), "empty_strided")
    strides = tuple(integer("empty_strided", "stride", v)
                    for v in ((stride,) if isinstance(stride, (int, np.integer)) else stride))
    if len(strides) != len(sizes):
        raise ShapeError(f"empty_strided: mismatch in length of strides and shape ({len(strides)} strides for "
                         f"shape {sizes})")
    if any(v < 0 for v in strides):
        raise ShapeError(f"empty_strided: strides must be non-negative, got {strides}")
    kind = creation._dtype(dtype, "empty_strided")
    extent = 0 if 0 in sizes else 1 + sum((n - 1) * v for n, v in zip(sizes, strides))
    check_size("empty_strided", (extent,), kind)
    buffer = np.zeros(extent, dtype=kind)
    view = np.lib.stride_tricks.as_strided(buffer, sizes, tuple(v * kind.itemsize for v in strides))
    return Tensor(view, requires_grad=requires_grad)


# ---- random draws ----------------------------------------------------------------------------------------------
def _input(op: str, input: Any) -> Tensor:
    if isinstance(input, Tensor):
        return input
    if isinstance(input, np.ndarray):
        return Tensor(input)
    raise TypeError(f"{op}: argument 'input' must be a Tensor (or a NumPy array), not {type(input).__name__}")


def randperm(n: int, *, generator: Any = None, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """A random permutation of 0 … n−1 (int64 by default), as torch.randperm."""
    check_device("randperm", device)
    n = integer("randperm", "n", n)
    if n < 0:
        raise ShapeError(f"randperm: n must be non-negative, got {n}")
    kind = np.dtype(np.int64) if dtype is None else dtype_arg("randperm", dtype)
    if kind.kind == "b" or (kind.kind in "iu" and n > 0 and n - 1 > np.iinfo(kind).max) or \
            (kind.kind == "f" and n > 2 ** (np.finfo(kind).nmant + 1)):
        raise ShapeError(f"randperm: n={n} is too large for dtype {kind}")
    check_size("randperm", (n,), np.int64)
    order = creation.rng("randperm", generator).permutation(n)
    return Tensor(order.astype(kind), requires_grad=requires_grad)


def _float_or_tensor(op: str, name: str, value: Any) -> Any:
    if isinstance(value, (Tensor, np.ndarray)):
        t = _input(op, value)
        if t.dtype.kind not in "biufO":
            raise DtypeError(f"{op}: {name} must be a real tensor, got dtype {t.dtype}")
        return t
    return float(number(op, name, value))


def normal(mean: Any = 0.0, std: Any = 1.0, size: Any = None, *, generator: Any = None, dtype: Any = None,
           device: Any = None, requires_grad: bool = False) -> Tensor:
    """Normal numbers of the given means and standard deviations, torch.normal's four overloads: (Tensor, Tensor),
    (Tensor, float), (float, Tensor) broadcast together, and (float, float, size). As torch's, the result is in the
    graph of a mean or std that requires grad, with zero gradients (a sample, not a reparametrised rsample)."""
    check_device("normal", device)
    mean, std = _float_or_tensor("normal", "mean", mean), _float_or_tensor("normal", "std", std)
    tensors = [v for v in (mean, std) if isinstance(v, Tensor)]
    if tensors and tensors[0].dtype.kind not in "fO":  # the result's dtype; the other tensor may be integer, as torch
        raise DtypeError(f"normal: {'mean' if tensors[0] is mean else 'std'} must be a floating-point tensor (the "
                         f"result takes its dtype), got dtype {tensors[0].dtype}")
    for t in tensors:
        check_size("normal", t.shape, np.float64)
    if isinstance(std, float):
        if not std >= 0:  # NaN too, as torch
            raise ShapeError(f"normal: expects std >= 0.0, but found std {std}")
    elif std.dtype != object and std.data.size and not (std.data >= 0).all():
        raise ShapeError(f"normal: expects all elements of std >= 0.0 (found {np.min(std.data)}"
                         f"{' and NaN' if np.isnan(std.data).any() else ''})")
    draw = creation.rng("normal", generator).standard_normal
    if not tensors:
        if size is None:
            raise TypeError("normal: with a float mean and a float std, give size (normal(mean, std, size))")
        kind = creation._dtype(dtype, "normal")
        if kind.kind != "f":
            raise TypeError(f"normal: random floats need a floating dtype, got {kind}")
        shape = creation._shape((size,) if isinstance(size, (int, np.integer)) else tuple(size), "normal", kind)
        return Tensor((mean + std * draw(shape)).astype(kind), requires_grad=requires_grad)
    if size is not None:
        raise TypeError("normal: size is only taken with a float mean and a float std; a tensor mean or std "
                        "gives the shape")
    try:
        shape = np.broadcast_shapes(*(t.shape for t in tensors))
    except ValueError:
        raise ShapeError(f"normal: mean of shape {getattr(mean, 'shape', ())} and std of shape "
                         f"{getattr(std, 'shape', ())} do not broadcast") from None
    kind = tensors[0].dtype  # as torch: mean's dtype when mean is a tensor, else std's
    check_size("normal", shape, np.float64)
    noise = draw(shape)
    with np.errstate(all="ignore"):
        data = (mean.data if isinstance(mean, Tensor) else mean) + (std.data if isinstance(std, Tensor) else std) * noise
    values = Tensor(np.asarray(data).astype(kind if kind != object else data.dtype))
    from .ops import where  # late: ops may still be importing when tensor.py imports this module

    for t in tensors:  # zero gradients, never 0·t (0·∞ is NaN): where picks the values everywhere
        if t.requires_grad:
            values = where(Tensor(np.zeros(shape, dtype=bool)), t.to(kind) if kind != object else t, values)
    return values


def bernoulli(input: Any, p: Optional[float] = None, *, generator: Any = None) -> Tensor:
    """0s and 1s in input's dtype, 1 with probability input (or with p everywhere), as torch.bernoulli."""
    t = _input("bernoulli", input)
    if p is None and t.dtype.kind != "f":  # with p, input gives only the shape and dtype (integers too, as torch)
        raise DtypeError(f"bernoulli: expected a floating-point tensor of probabilities, got dtype {t.dtype}")
    prob = t.data if p is None else np.float64(number("bernoulli", "p", p))
    check_size("bernoulli", t.shape, np.float64)
    if np.size(prob) and not ((prob >= 0) & (prob <= 1)).all():
        raise ShapeError(f"bernoulli: expects 0 <= p <= 1, got values in [{np.min(prob)}, {np.max(prob)}]")
    return Tensor((creation.rng("bernoulli", generator).random(t.shape) < prob).astype(t.dtype))


def multinomial(input: Any, num_samples: int, replacement: bool = False, *, generator: Any = None) -> Tensor:
    """int64 indices drawn from each row of input's (unnormalised) probabilities, as torch.multinomial: with
    replacement by the inverse CDF, without it by the top num_samples of p/E (E ~ Exp(1)), torch's own method."""
    t = _input("multinomial", input)
    num_samples = integer("multinomial", "num_samples", num_samples)
    replacement = flag("multinomial", "replacement", replacement)
    if t.dtype.kind != "f":
        raise DtypeError(f"multinomial: only floating-point dtypes are supported for input, got {t.dtype}")
    if t.ndim not in (1, 2):
        raise ShapeError(f"multinomial: prob_dist must be 1 or 2 dim, got shape {t.shape}")
    if num_samples <= 0:
        raise ShapeError(f"multinomial: cannot sample n_sample <= 0 samples (num_samples={num_samples})")
    n = t.shape[-1]
    if n == 0:
        raise ShapeError("multinomial: invalid multinomial distribution (sum of probabilities <= 0): "
                         f"no categories (shape {t.shape})")
    check_size("multinomial", t.shape, np.float64)
    check_size("multinomial", t.shape[:-1] + (num_samples,), np.float64)
    rows = t.data.reshape(-1, n).astype(np.float64)
    if not replacement and num_samples > n:
        raise ShapeError(f"multinomial: cannot sample n_sample > prob_dist.size(-1) samples without replacement "
                         f"({num_samples} > {n})")
    if not np.isfinite(rows).all() or (rows < 0).any():
        raise ShapeError("multinomial: probability tensor contains either `inf`, `nan` or element < 0")
    total = rows.sum(axis=1, keepdims=True)
    if (total <= 0).any():
        raise ShapeError("multinomial: invalid multinomial distribution (sum of probabilities <= 0)")
    g = creation.rng("multinomial", generator)
    if replacement:
        cdf = np.cumsum(rows, axis=1)
        cdf = np.where(cdf >= total, 1.0, cdf / total)  # the last category with mass ends exactly at 1
        offset = 2.0 * np.arange(len(rows))[:, None]  # rows side by side on one increasing axis
        picks = np.searchsorted((cdf + offset).ravel(), (g.random((len(rows), num_samples)) + offset).ravel(),
                                side="right").reshape(len(rows), num_samples)
        out = picks - n * np.arange(len(rows))[:, None]
    else:
        keys = rows / g.exponential(1.0, rows.shape)
        out = np.argsort(-keys, axis=1, kind="stable")[:, :num_samples]
    return Tensor(out.reshape(t.shape[:-1] + (num_samples,)).astype(np.int64))


#: rates above which a count is drawn as λ + √λ·z (NumPy's sampler refuses λ ≳ 9.2e18, "lam value too large"; from
#: 1e15 on, that normal approximation's error is far below float precision)
_POISSON_MAX = 1e15


def poisson(input: Any, generator: Any = None) -> Tensor:
    """Poisson counts with the rates in input, in input's (floating) dtype, as torch.poisson."""
    t = _input("poisson", input)
    if t.dtype.kind != "f":
        raise DtypeError(f"poisson: rates must be a floating-point tensor, got dtype {t.dtype}")
    check_size("poisson", t.shape, np.float64)
    if t.data.size and not (t.data >= 0).all():
        raise ShapeError("poisson: invalid Poisson rate, expected rate to be non-negative (NaN neither)")
    rates = np.asarray(t.data, dtype=np.float64)
    g = creation.rng("poisson", generator)
    large = rates > _POISSON_MAX
    counts = np.asarray(g.poisson(np.where(large, 0.0, rates)), dtype=np.float64)
    if large.any():
        with np.errstate(all="ignore"):
            approx = np.round(rates + np.sqrt(rates) * g.standard_normal(rates.shape))
            counts = np.where(large, np.where(np.isinf(rates), rates, approx), counts)
    return Tensor(counts.astype(t.dtype))


def randint_like(input: Any, low: int = 0, high: Optional[int] = None, *, dtype: Any = None,
                 requires_grad: bool = False, generator: Any = None) -> Tensor:
    """Uniform integers in [low, high) of input's shape and dtype: randint_like(x, high) or
    randint_like(x, low, high), as torch.randint_like."""
    t = _input("randint_like", input)
    if high is None:
        low, high = 0, low
    low, high = integer("randint_like", "low", low), integer("randint_like", "high", high)
    if low >= high:
        raise ShapeError(f"randint_like: expects low < high, got low={low} >= high={high}")
    kind = t.dtype if dtype is None else dtype_arg("randint_like", dtype)
    if kind.kind in "biu":
        lo, hi = (0, 1) if kind.kind == "b" else (int(np.iinfo(kind).min), int(np.iinfo(kind).max))
        for what, value in (("from", low), ("to - 1", high - 1)):
            if not lo <= value <= hi:
                raise ShapeError(f"randint_like: {what} = {value} is out of bounds for dtype {kind} ([{lo}, {hi}])")
    check_size("randint_like", t.shape, np.int64)
    data = creation.rng("randint_like", generator).integers(low, high, t.shape, dtype=np.int64)
    return Tensor(data.astype(kind), requires_grad=requires_grad)


def multinomial_method(self: Tensor, num_samples: int, replacement: bool = False, *, generator: Any = None) -> Tensor:
    """Tensor.multinomial: tg.multinomial(self, ...)."""
    return multinomial(self, num_samples, replacement, generator=generator)


# ---- the global generator's seed and state ---------------------------------------------------------------------
def seed() -> int:
    """Reseed the global generator non-deterministically and return the seed (torch.seed)."""
    return creation.generator().seed()


def initial_seed() -> int:
    """The seed the global generator last started from (tg.manual_seed's, or a random one)."""
    return creation.generator().initial_seed()


def get_rng_state() -> Tensor:
    """The global generator's exact state as a uint8 Tensor (set_rng_state with it repeats the draws after it)."""
    return creation.generator().get_state()


def set_rng_state(new_state: Any) -> None:
    """Restore the global generator to a state from get_rng_state."""
    creation.generator().restore(new_state, "set_rng_state")
