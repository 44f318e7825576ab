"""Arguments and geometry of pooling, checked before any work (PyTorch's rules, errors naming the op, the
value and the rule): kernel/stride/padding/dilation tuples, output sizes with ceil_mode, input ranks and
dtypes, adaptive output sizes and bins. `Axis` is one spatial axis of a window pooling, shared by the ops."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Optional, Sequence

import numpy as np

from ..errors import ArgumentTypeError, ShapeError

SPATIAL_NAMES = {1: ("length",), 2: ("height", "width")}


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def int_tuple(op: str, name: str, value: Any, dims: int) -> tuple[int, ...]:
    """An int or a sequence of 1 or `dims` ints as a `dims`-tuple (PyTorch's _pair/_single); floats and bools
    are a TypeError as in PyTorch, a wrong length a ShapeError."""
    if _is_int(value):
        return (int(value),) * dims
    if not isinstance(value, (tuple, list)):
        raise ArgumentTypeError(f"{op}: {name} must be an int or a tuple of {dims} ints, got {value!r} "
                        f"({type(value).__name__})")
    bad = [v for v in value if not _is_int(v)]
    if bad:
        raise ArgumentTypeError(f"{op}: {name} must hold ints, got {value!r} (an element of type {type(bad[0]).__name__})")
    if len(value) == 1:
        return (int(value[0]),) * dims
    if len(value) != dims:
        shape = "a single int" if dims == 1 else f"a single int or a tuple of {dims} ints"
        raise ShapeError(f"{op}: {name} must be {shape}, got {tuple(value)!r} of length {len(value)}")
    return tuple(int(v) for v in value)


def _positive(op: str, name: str, values: tuple[int, ...]) -> None:
    if min(values) < 1:
        shown = values[0] if len(values) == 1 else values
        raise ShapeError(f"{op}: {name} must be positive, got {shown} (rule: {name} ≥ 1)")


@dataclass(frozen=True)
class WindowArgs:
    """Checked window hyper-parameters, one entry per spatial axis (the input sizes are checked later)."""

    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    padding: tuple[int, ...]
    dilation: tuple[int, ...]
    ceil_mode: bool


def window_args(op: str, dims: int, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
                ceil_mode: bool = False, half_kernel_padding: bool = True, exact: bool = False) -> WindowArgs:
    """Check kernel_size, stride (None or () means kernel_size), padding and dilation as PyTorch does, with the
    input-free rules: kernel, stride, dilation ≥ 1 and 0 ≤ padding ≤ ⌊kernel/2⌋ (the bound only for pooling
    itself: max_unpool2d takes any padding ≥ 0, as PyTorch). `exact`: tuples must have `dims` entries (no
    1-tuple standing for all axes), as max_unpool2d's."""
    if exact:
        for name, value in (("kernel_size", kernel_size), ("stride", stride), ("padding", padding)):
            allowed = (0, dims) if name == "stride" else (dims,)  # stride=() means kernel_size
            if isinstance(value, (tuple, list)) and len(value) not in allowed:
                raise ShapeError(f"{op}: {name} must be an int or a tuple of {dims} ints, got {tuple(value)!r}")
    k = int_tuple(op, "kernel_size", kernel_size, dims)
    no_stride = stride is None or (isinstance(stride, (tuple, list)) and len(stride) == 0)
    s = k if no_stride else int_tuple(op, "stride", stride, dims)
    p = int_tuple(op, "padding", padding, dims)
    d = int_tuple(op, "dilation", dilation, dims)
    _positive(op, "kernel_size", k)
    _positive(op, "stride", s)
    _positive(op, "dilation", d)
    if min(p) < 0 or (half_kernel_padding and any(pi > ki // 2 for pi, ki in zip(p, k))):
        shown = (p[0], k[0]) if dims == 1 else (p, k)
        if not half_kernel_padding:
            raise ShapeError(f"{op}: padding {shown[0]} must not be negative")
        raise ShapeError(f"{op}: padding {shown[0]} must be between 0 and half the kernel size {shown[1]} "
                         f"(rule: 0 ≤ pad ≤ ⌊kernel/2⌋, as PyTorch)")
    if not isinstance(ceil_mode, (bool, np.bool_)):
        raise TypeError(f"{op}: ceil_mode must be a bool, got {ceil_mode!r}")
    return WindowArgs(k, s, p, d, bool(ceil_mode))


@dataclass(frozen=True)
class Axis:
    """One spatial axis of a window pooling: input size n, kernel k, stride s, padding p, dilation d and the
    number of windows `out`. Window i reads input positions i·s − p + t·d for t = 0..k−1."""

    n: int
    k: int = 1
    s: int = 1
    p: int = 0
    d: int = 1
    out: int = 1

    @property
    def span(self) -> int:
        return self.d * (self.k - 1) + 1

    @cached_property
    def pad_after(self) -> int:
        """Entries past the input the windows reach: the right padding, plus ceil_mode's overhang."""
        return max(0, (self.out - 1) * self.s + self.span - self.n - self.p)

    def starts(self) -> np.ndarray:
        """Each window's first position in input coordinates (negative inside the left padding)."""
        return np.arange(self.out) * self.s - self.p

    def counts(self, include_pad: bool) -> np.ndarray:
        """PyTorch's average-pooling divisor along this axis: the window clipped at the padded border
        (ceil_mode's overhang never counts), and also at the input when padding does not count."""
        start = self.starts()
        end = np.minimum(start + self.k, self.n + self.p)
        if include_pad:
            return end - start
        return np.minimum(end, self.n) - np.maximum(start, 0)

    def first_inside(self) -> np.ndarray:
        """For each window, the first tap t whose position lies in the input (PyTorch's initial argmax)."""
        start = self.starts()
        return np.where(start >= 0, 0, -(start // self.d))


def _shown(value: int) -> str:
    return str(value).replace("-", "−")


def window_axis(op: str, name: str, n: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> Axis:
    """The number of windows along one axis, PyTorch's rule: ⌊(n + 2p − d(k − 1) − 1)/s⌋ + 1 (⌈⌉ with
    ceil_mode, then one fewer if the last window would start past the input and the left padding)."""
    span = d * (k - 1) + 1
    extra = s - 1 if ceil_mode else 0
    out = (n + 2 * p - span + extra) // s + 1
    if ceil_mode and out > 0 and (out - 1) * s >= n + p:
        out -= 1
    if out <= 0:
        kernel = f"{k}" if d == 1 else f"{span}"
        formula = f"⌈({n} + 2·{p} − {kernel})/{s}⌉" if ceil_mode else f"({n} + 2·{p} − {kernel})/{s}"
        dil = "" if d == 1 else f", dilation {d}"
        raise ShapeError(f"{op}: output {name} {formula} + 1 = {_shown(out)} is not positive "
                         f"(input {n}, kernel {k}, padding {p}, stride {s}{dil})")
    axis = Axis(n, k, s, p, d, out)
    if d > 1:  # undilated windows always reach the input (p ≤ ⌊k/2⌋); dilated taps may jump over it
        first = axis.first_inside()
        empty = (first >= k) | (axis.starts() + first * d >= n)
        if np.any(empty):
            i = int(np.argmax(empty))
            raise ShapeError(f"{op}: window {i} along the {name} reads only padding (positions {i * s - p} + t·{d}, "
                             f"t = 0..{k - 1}, input {n}); PyTorch returns −∞ with an invalid index here: "
                             "lower the dilation or the padding")
    return axis


def window_axes(op: str, spatial: Sequence[int], args: WindowArgs) -> tuple[Axis, ...]:
    """One Axis per spatial dimension of the input, each output size checked."""
    names = SPATIAL_NAMES[len(spatial)]
    return tuple(window_axis(op, names[i], int(spatial[i]), args.kernel[i], args.stride[i], args.padding[i],
                             args.dilation[i], args.ceil_mode) for i in range(len(spatial)))


def as_input(op: str, x: Any, name: str = "input") -> Any:
    """A Tensor from a Tensor or a NumPy array; anything else (a list, None, a number) is a TypeError naming the
    op, as PyTorch's "argument 'input' must be Tensor"."""
    from ..tensor import Tensor

    if isinstance(x, Tensor):
        return x
    if isinstance(x, np.ndarray):
        return Tensor(x)
    raise TypeError(f"{op}: {name} must be a Tensor (or a NumPy array), got {type(x).__name__}")


def check_input(op: str, x: Any, dims: int) -> bool:
    """PyTorch's accepted ranks (dims + 1 unbatched, dims + 2 batched; an empty batch is fine, other empty
    dimensions are not); returns whether the input is batched."""
    ranks = {1: "a 2-D (C, L) or 3-D (N, C, L)", 2: "a 3-D (C, H, W) or 4-D (N, C, H, W)"}[dims]
    if x.ndim not in (dims + 1, dims + 2):
        raise ShapeError(f"{op}: expected {ranks} input, got shape {tuple(x.shape)}")
    batched = x.ndim == dims + 2
    if 0 in x.shape[1 if batched else 0:]:
        raise ShapeError(f"{op}: expected {ranks} input with non-zero sizes outside the batch dimension, "
                         f"got shape {tuple(x.shape)}")
    return batched


def check_dtype(op: str, x: Any, integers: bool) -> None:
    """Bool input is refused (PyTorch: not implemented for 'Bool'); integer input too unless `integers`."""
    kind = x.dtype.kind
    if kind == "b" or (kind in "iu" and not integers):
        raise TypeError(f"{op}: input of dtype {x.dtype} is not supported (as PyTorch: \"{op}\" is not "
                        f"implemented for it); convert it with .float() first")


def output_sizes(op: str, output_size: Any, spatial: Sequence[int], allow_none: bool = True) -> tuple[int, ...]:
    """An adaptive pool's output size: an int or a tuple with one entry per spatial axis; None keeps that
    axis's input size (as PyTorch, 2-D only). Sizes must be ≥ 1 (PyTorch returns an empty tensor for 0)."""
    dims = len(spatial)
    if output_size is None:
        raise TypeError(f"{op}: output_size must hold ints, got None (None may only stand inside a tuple, for "
                        "one axis that keeps its input size)")
    if isinstance(output_size, (tuple, list)):
        sizes = tuple(output_size)
        if len(sizes) == 1 and dims == 1:
            pass
        elif len(sizes) != dims:
            raise ShapeError(f"{op}: output_size must be an int or a tuple of {dims}, got {output_size!r} "
                             f"of length {len(sizes)}")
    else:
        sizes = (output_size,) * dims
    for s in sizes:
        if not (_is_int(s) or (s is None and allow_none)):
            kinds = "ints or None" if allow_none else "ints"
            raise TypeError(f"{op}: output_size must hold {kinds}, got {output_size!r} "
                            f"(an entry of type {type(s).__name__})")
    hw = tuple(int(spatial[i]) if s is None else int(s) for i, s in enumerate(sizes))
    if min(hw) < 1:
        raise ShapeError(f"{op}: output_size {hw if dims > 1 else hw[0]} must be positive (rule: each size ≥ 1, "
                         "None keeps the input size)")
    return hw


def bins(n: int, out: int) -> tuple[np.ndarray, np.ndarray]:
    """PyTorch's adaptive bins along one axis: start ⌊i·n/out⌋, end ⌈(i+1)·n/out⌉ (they may overlap)."""
    i = np.arange(out)
    return (i * n) // out, -((-(i + 1) * n) // out)


def bin_rows(n: int, out: int, pad: Optional[int] = None) -> np.ndarray:
    """(out, K) indices of each adaptive bin, K the longest bin; shorter bins are filled with `pad`
    (None: their own last index, which never changes the first maximum)."""
    start, end = bins(n, out)
    k = int((end - start).max())
    rows = start[:, None] + np.arange(k)
    fill = end[:, None] - 1 if pad is None else pad
    return np.where(rows < end[:, None], rows, fill)


def pyramid_levels(op: str, levels: Any) -> tuple[int, ...]:
    """Spatial pyramid levels: a non-empty sequence of positive ints (grid sizes n of n×n bins)."""
    if not isinstance(levels, (tuple, list)):
        raise TypeError(f"{op}: levels must be a sequence of ints (grid sizes), got {levels!r}")
    if not levels:
        raise ShapeError(f"{op}: levels must hold at least one grid size, got {tuple(levels)}")
    bad = [n for n in levels if not _is_int(n)]
    if bad:
        raise TypeError(f"{op}: levels must hold ints, got {tuple(levels)!r} (an entry of type "
                        f"{type(bad[0]).__name__})")
    if min(levels) < 1:
        raise ShapeError(f"{op}: levels must be positive grid sizes, got {tuple(levels)} (rule: each level ≥ 1)")
    return tuple(int(n) for n in levels)
