"""How a Tensor prints, as torch.set_printoptions and torch's tensor repr: a fixed precision (4 digits), integer
mode for whole floats (`1.`), scientific notation when magnitudes span more than 10³ (or leave [10⁻⁴, 10⁸]), the
first and last `edgeitems` of each dimension around `...` once a tensor has more than `threshold` entries, and lines
wrapped at `linewidth`. The same rules as torch/_tensor_str.py, on NumPy arrays; SymPy (object) tensors print as
NumPy prints them."""
from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np

from . import backend

_PROFILES = {"default": (4, 1000, 3, 80), "short": (2, 1000, 2, 80), "full": (4, math.inf, 3, 80)}


class _Options:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: Optional[bool] = None


PRINT_OPTS = _Options()


def set_printoptions(precision: Optional[int] = None, threshold: Optional[float] = None,
                     edgeitems: Optional[int] = None, linewidth: Optional[int] = None, profile: Optional[str] = None,
                     sci_mode: Optional[bool] = None) -> None:
    """Set how tensors print, as torch.set_printoptions: a profile ('default', 'short', 'full') first, then the
    options given; sci_mode is set every call (None: chosen from the values)."""
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"set_printoptions: profile must be one of {sorted(_PROFILES)}, got {profile!r}")
        PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = _PROFILES[profile]
    for name, value in (("precision", precision), ("edgeitems", edgeitems), ("linewidth", linewidth)):
        if value is not None:
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise TypeError(f"set_printoptions: {name} must be a non-negative int, got {value!r}")
            setattr(PRINT_OPTS, name, int(value))
    if threshold is not None:
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.number)):
            raise TypeError(f"set_printoptions: threshold must be a number, got {threshold!r}")
        PRINT_OPTS.threshold = threshold
    if sci_mode is not None and not isinstance(sci_mode, bool):
        raise TypeError(f"set_printoptions: sci_mode must be True, False or None, got {sci_mode!r}")
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """The current options as a dict that set_printoptions(**d) takes back."""
    return {name: getattr(PRINT_OPTS, name) for name in ("precision", "threshold", "edgeitems", "linewidth",
                                                          "sci_mode")}


class _Formatter:
    """The width and notation shared by every entry of one tensor (torch's _Formatter)."""

    def __init__(self, values: np.ndarray) -> None:
        self.floating = values.dtype.kind == "f"
        self.int_mode, self.sci_mode, self.max_width = True, False, 1
        flat = values.reshape(-1)
        if not self.floating:
            self.max_width = max([self.max_width] + [len(str(v)) for v in flat.tolist()])
            return
        finite = flat[np.isfinite(flat) & (flat != 0)]
        if finite.size == 0:
            return
        magnitude = np.abs(finite.astype(np.float64))
        low, high = magnitude.min(), magnitude.max()
        self.int_mode = bool(np.all(finite == np.ceil(finite)))
        opts = PRINT_OPTS
        self.sci_mode = (high / low > 1000.0 or high > 1.0e8 or low < 1.0e-4) if opts.sci_mode is None \
            else opts.sci_mode
        entries = finite.tolist()
        if self.sci_mode:
            widths = [len(f"{v:.{opts.precision}e}") for v in entries]
        elif self.int_mode:
            widths = [len(f"{v:.0f}") + 1 for v in entries]
        else:
            widths = [len(f"{v:.{opts.precision}f}") for v in entries]
        self.max_width = max([self.max_width] + widths)

    def format(self, value: Any) -> str:
        if self.floating:
            if self.sci_mode:
                text = f"{value:{self.max_width}.{PRINT_OPTS.precision}e}"
            elif self.int_mode:
                text = f"{value:.0f}" + ("" if math.isinf(value) or math.isnan(value) else ".")
            else:
                text = f"{value:.{PRINT_OPTS.precision}f}"
        else:
            text = f"{value}"
        return (self.max_width - len(text)) * " " + text


def _entry(value: Any, real: _Formatter, imag: Optional[_Formatter]) -> str:
    if imag is None:
        return real.format(value)
    imag_text = (imag.format(value.imag) + "j").lstrip()
    return real.format(value.real) + ("" if imag_text[0] in "+-" else "+") + imag_text


def _vector(a: np.ndarray, indent: int, summarize: bool, real: _Formatter, imag: Optional[_Formatter]) -> str:
    width = real.max_width + 2 + (imag.max_width + 1 if imag is not None else 0)
    per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / width))
    edge = PRINT_OPTS.edgeitems
    if summarize and not edge:
        entries = ["..."]
    elif summarize and a.shape[0] > 2 * edge:
        entries = ([_entry(v, real, imag) for v in a[:edge].tolist()] + [" ..."]
                   + [_entry(v, real, imag) for v in a[-edge:].tolist()])
    else:
        entries = [_entry(v, real, imag) for v in a.tolist()]
    lines = [", ".join(entries[i:i + per_line]) for i in range(0, len(entries), per_line)]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _nested(a: np.ndarray, indent: int, summarize: bool, real: _Formatter, imag: Optional[_Formatter]) -> str:
    if a.ndim == 0:
        return _entry(a.item(), real, imag)
    if a.ndim == 1:
        return _vector(a, indent, summarize, real, imag)
    edge = PRINT_OPTS.edgeitems
    if summarize and a.shape[0] > 2 * edge:
        rows = ([_nested(a[i], indent + 1, summarize, real, imag) for i in range(edge)] + ["..."]
                + [_nested(a[i], indent + 1, summarize, real, imag) for i in range(a.shape[0] - edge, a.shape[0])])
    else:
        rows = [_nested(a[i], indent + 1, summarize, real, imag) for i in range(a.shape[0])]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(rows) + "]"


def _summarized(a: np.ndarray) -> np.ndarray:
    """The entries a summarised print shows (torch's get_summarized_data), which alone decide the format."""
    edge = PRINT_OPTS.edgeitems
    if a.ndim == 0:
        return a
    if a.ndim == 1:
        return np.concatenate((a[:edge], a[-edge:])) if a.shape[0] > 2 * edge else a
    if not edge:
        return a[(slice(0, 0),) * a.ndim]
    rows = list(range(edge)) + list(range(a.shape[0] - edge, a.shape[0])) if a.shape[0] > 2 * edge \
        else range(a.shape[0])
    return np.stack([_summarized(a[i]) for i in rows])


def tensor_body(a: np.ndarray, indent: int) -> str:
    """The bracketed values of a numeric array as torch prints them."""
    if a.size == 0:
        return "[]"
    summarize = a.size > PRINT_OPTS.threshold
    shown = _summarized(a) if summarize else a
    if a.dtype.kind == "c":
        return _nested(a, indent, summarize, _Formatter(shown.real), _Formatter(shown.imag))
    return _nested(a, indent, summarize, _Formatter(shown), None)


def _with_suffixes(text: str, suffixes: list[str], indent: int) -> str:
    """text, the suffixes (', dtype=…'), each on a new line where the line would pass linewidth, and ')'."""
    parts = [text]
    last = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last += len(suffix) + 2
    return "".join(parts) + ")"


def tensor_repr(a: np.ndarray, extra: list[str]) -> str:
    """`tensor([...], dtype=…, <extra>)` as torch's repr: the dtype is shown unless it is the default float, its
    complex partner, int64 or bool (always for an empty tensor not of the default dtype); `extra` (grad_fn,
    requires_grad, name) follows."""
    prefix = "tensor("
    default = backend.DEFAULT_FLOAT
    suffixes = []
    if a.dtype == object:
        body = np.array2string(a, separator=", ", prefix=prefix)
    elif a.size == 0:
        body = "[]"
        suffixes += [f"size={a.shape}"] if a.ndim != 1 else []
        suffixes += [f"dtype={a.dtype}"] if a.dtype != default else []
    else:
        body = tensor_body(a, len(prefix))
        suffixes += [f"size={a.shape}"] if not PRINT_OPTS.edgeitems else []
        if a.dtype not in (default, backend._default_complex(), np.int64, np.bool_):
            suffixes.append(f"dtype={a.dtype}")
    return _with_suffixes(prefix + body, suffixes + extra, len(prefix))
