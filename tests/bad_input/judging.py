"""Judging the pair of outcomes of one case of the bad-input walk (issue 12) against the rules in walk.py's
docstring, and the counts of the walk's summary."""
from __future__ import annotations

import dataclasses
import re
from typing import Any, Optional

import numpy as np

from .spec import Case, Dt, Spec
from .running import Outcome, run_ours, run_ours_isolated, run_torch

INTERNAL = {"ZeroDivisionError", "AttributeError", "KeyError", "NameError", "UnboundLocalError", "AssertionError",
            "RecursionError", "UFuncTypeError", "AxisError", "_ArrayMemoryError", "SystemError", "StopIteration",
            "UnicodeError"}


def _norm(s: str) -> str:
    return s.lower().replace("_", "")


def names_op(spec: Spec, message: str) -> bool:
    text = _norm(message)
    for name in spec.accepted_names():
        n = re.escape(_norm(name))
        pattern = rf"\b{n}\s*(\(\))?\s*:" if len(name) <= 3 else rf"\b{n}\b"
        if re.search(pattern, text):
            return True
    return False


def clean_error(spec: Spec, error: tuple) -> Optional[str]:
    """None if our exception is a clean one, else why not."""
    name, message, mro = error
    if name in INTERNAL or (set(mro) & INTERNAL):
        return f"internal exception {name}: {message[:200]}"
    if not names_op(spec, message):
        return f"{name} without the op's name: {message[:200]}"
    return None


# PyTorch's exception classes that are part of its contract (code catches them around a call): ours must be an
# instance of the one PyTorch raises. Any other class PyTorch raises (AttributeError on None, AssertionError,
# ZeroDivisionError, KeyError, NotImplementedError, ...) is an accident of its implementation and not compared,
# and so is an IndexError from indexing a shape tuple or a 0-d tensor inside its Python code.
INTENTIONAL = ("RuntimeError", "TypeError", "ValueError", "IndexError")
_ACCIDENTAL_INDEX = re.compile(r"tuple index out of range|dimension specified as .* but tensor has no dimensions|"
                               r"dimension out of range", re.IGNORECASE)


def class_mismatch(ours: tuple, theirs: tuple) -> Optional[str]:
    """None if our exception is an instance of PyTorch's class (or PyTorch's class is an accidental one), else
    why not: `except <PyTorch's class>` around this call would miss ours."""
    name, message = theirs[0], theirs[1]
    if name not in INTENTIONAL or name in ours[2]:
        return None
    if name == "IndexError" and _ACCIDENTAL_INDEX.search(message):
        return None
    first = message.strip().splitlines()[0][:120] if message.strip() else ""
    bases = ", ".join(c for c in ours[2][1:] if c not in ("Exception", "BaseException", "object")) or "Exception"
    return (f"{ours[0]} (a {bases}) is not a {name}: PyTorch raises {name} ({first}), so `except {name}` around "
            f"this call misses ours: {ours[1][:160]}")


def _same_error(ours: tuple, theirs: tuple) -> bool:
    """Our exception is PyTorch's own for the call: the same type and the same message (its first line)."""
    first = _norm(theirs[1].strip().splitlines()[0]) if theirs[1].strip() else ""
    return ours[0] == theirs[0] and len(first) >= 10 and first in _norm(ours[1])


def _tolerance(dtype: np.dtype, spec: Spec, half: bool = False) -> tuple[float, float]:
    if dtype == np.float16 or half:  # float16 sums of ~100 terms carry noise of a few 1e-2
        base = (1e-2, 5e-2)
    elif dtype == np.float32:
        base = (2e-4, 1e-5)
    else:
        base = (1e-6, 1e-9)
    return (max(base[0], spec.rtol), base[1] if not spec.rtol else max(base[1], spec.rtol))


def compare_arrays(ours: Any, theirs: Any, spec: Spec, what: str, half: bool = False) -> Optional[str]:
    if isinstance(theirs, tuple) and theirs and theirs[0] == "meta":
        o = ours if isinstance(ours, tuple) else ("meta", tuple(np.shape(ours)), np.asarray(ours).dtype.name)
        if o[1] != theirs[1] or o[2] != theirs[2]:
            return f"{what}: shape/dtype {o[1]}:{o[2]} vs PyTorch's {theirs[1]}:{theirs[2]}"
        return None
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    if ours.shape != theirs.shape:
        return f"{what}: shape {ours.shape} vs PyTorch's {theirs.shape}"
    if ours.dtype != theirs.dtype:
        return f"{what}: dtype {ours.dtype} vs PyTorch's {theirs.dtype}"
    if spec.random or ours.size == 0:
        return None
    if ours.dtype.kind in "fc":
        return _compare_floats(ours, theirs, spec, what, half)
    if not np.array_equal(ours, theirs):
        k = np.flatnonzero((ours != theirs).ravel())[0]
        return f"{what}: values differ at flat index {k}: {ours.ravel()[k]!r} vs PyTorch's {theirs.ravel()[k]!r}"
    return None


def _compare_floats(ours: np.ndarray, theirs: np.ndarray, spec: Spec, what: str, half: bool) -> Optional[str]:
    """Equal within the dtype's tolerance (float16's when the call involved float16 anywhere); NaN where
    PyTorch has NaN, the same infinities."""
    with np.errstate(all="ignore"):
        rtol, atol = _tolerance(ours.dtype, spec, half)
        a, b = ours.astype(np.float64), theirs.astype(np.float64)
        same_nan = np.isnan(a) == np.isnan(b)
        finite = np.isfinite(a) & np.isfinite(b)
        same_inf = np.where(np.isinf(a) | np.isinf(b), a == b, True)
        scale = np.max(np.abs(b[np.isfinite(b)]), initial=0.0)
        close = np.where(finite, np.abs(a - b) <= atol + rtol * np.maximum(np.abs(b), 1e-3 * scale), True)
        bad = ~(same_nan & same_inf & close)
        if bad.any():
            k = np.flatnonzero(bad.ravel())[0]
            return (f"{what}: {int(bad.sum())} of {bad.size} values differ, first at flat index {k}: "
                    f"{a.ravel()[k]!r} vs PyTorch's {b.ravel()[k]!r}")
    return None


def _nan_positions(case: Case) -> dict:
    """For each float tensor argument, where its gradient is not compared: the entries that are NaN in it or in
    another argument of its shape (an entry computed from a NaN has no defined gradient; PyTorch's kernels
    disagree among themselves there: abs gives 0, smooth_l1 NaN, hardtanh 0 or 1 by vectorisation)."""
    arrays = {a.name: a.value for a in case.args + case.inputs
              if isinstance(a.value, np.ndarray) and a.value.dtype.kind == "f"}
    out = {}
    for name, v in arrays.items():
        mask = np.isnan(v)
        for other in arrays.values():
            if other is not v and other.shape == v.shape:
                mask = mask | np.isnan(other)
        out[name] = mask
    return out


def _involves_half(case: Case) -> bool:
    for a in case.args + case.inputs:
        v = a.value
        values = v if isinstance(v, (list, tuple)) else [v]
        if isinstance(v, Dt) and v.name == "float16":
            return True
        if any(isinstance(e, np.ndarray) and e.dtype == np.float16 for e in values):
            return True
    return False


def compare(ours: Outcome, theirs: Outcome, spec: Spec, half: bool = False, nan_inputs: Optional[dict] = None
            ) -> Optional[str]:
    nan_inputs = nan_inputs or {}
    if len(ours.values) != len(theirs.values):
        return f"{len(ours.values)} result arrays vs PyTorch's {len(theirs.values)}"
    for k, (o, t) in enumerate(zip(ours.values, theirs.values)):
        bad = compare_arrays(o, t, spec, f"result {k}", half)
        if bad:
            return bad
    if theirs.grads is not None:
        if ours.grad_error is not None:
            return f"backward raised {ours.grad_error[0]}: {ours.grad_error[1][:200]} (PyTorch's worked)"
        if ours.grads is None:
            return "no gradient recorded (PyTorch's result requires grad)"
        for name, g in theirs.grads.items():
            mine = ours.grads.get(name)
            if g is None and mine is None:
                continue
            ref = g if g is not None else np.zeros_like(mine)
            mine = mine if mine is not None else np.zeros_like(ref)
            nan = nan_inputs.get(name)
            if nan is not None and nan.shape == ref.shape and np.shape(mine) == ref.shape:
                # PyTorch's gradient at a NaN input is not defined: its vectorised and scalar kernels disagree
                # (hardtanh gives 0 in one, 1 in the other), so those entries are not compared
                ref, mine = np.where(nan, 0, ref), np.where(nan, 0, mine)
            bad = compare_arrays(mine, ref, spec, f"gradient of {name}", half)
            if bad:
                return bad
    return None


@dataclasses.dataclass
class Verdict:
    """The judgement of one case: `status` is one of equal, clean, clean-strict (we refuse what PyTorch
    computes), extension (documented), or a finding: different, confusing, other-class (ours is not an instance
    of PyTorch's exception class), accepted, killed."""
    status: str
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("equal", "clean", "clean-strict", "extension")


def judge(case: Case, ours: Outcome, theirs: Optional[Outcome], extensions: dict,
          non_finite_order: Optional[dict] = None, kept_classes: Optional[dict] = None) -> Verdict:
    spec = case.spec
    if ours.killed:
        return Verdict("killed", f"our call was killed ({ours.killed}): it ran out of time or address space")
    if ours.error is not None:
        why = clean_error(spec, ours.error)
        if why and not (theirs is not None and theirs.error is not None and _same_error(ours.error, theirs.error)):
            return Verdict("confusing", why)
        if theirs is not None and theirs.error is None:
            return Verdict("clean-strict", f"{ours.error[0]}: {ours.error[1][:200]}")
        other = class_mismatch(ours.error, theirs.error) if theirs is not None else None
        if other:
            kept = (kept_classes or {}).get(case.id)
            if not kept:
                return Verdict("other-class", other)
            return Verdict("clean", f"{ours.error[0]}: {ours.error[1][:200]} (PyTorch: {theirs.error[0]}; {kept})")
        return Verdict("clean", f"{ours.error[0]}: {ours.error[1][:200]}")
    if theirs is None or (theirs.error is not None and theirs.error[0] == "NotImplementedError" and theirs.shapes_only):
        return Verdict("equal", "computed; PyTorch has no meta kernel to compare shapes")
    if theirs.error is not None:
        reason = extensions.get(case.id) or extensions.get(f"{spec.id}[*{case.family}]")
        if reason:
            return Verdict("extension", reason)
        return Verdict("accepted", f"we compute where PyTorch raises {theirs.error[0]}: {theirs.error[1][:200]}")
    nan = {} if theirs.shapes_only else _nan_positions(case)
    bad = compare(ours, theirs, spec, _involves_half(case), nan)
    if bad:
        reason = extensions.get(case.id)
        if reason and bad.startswith("gradient"):
            return Verdict("extension", f"{reason} ({bad})")
        order = (non_finite_order or {}).get(case.id)
        if order and _only_non_finite_differ(ours, theirs):
            return Verdict("extension", f"{order} ({bad})")
        return Verdict("different", bad)
    return Verdict("equal")


def run_case(case: Case, torch: Any, extensions: dict, non_finite_order: Optional[dict] = None,
             kept_classes: Optional[dict] = None) -> Verdict:
    if case.family == "huge":
        ours = run_ours_isolated(case)
        theirs = run_torch(case, torch, meta=True)
        return judge(case, ours, theirs, extensions, non_finite_order, kept_classes)
    ours, state = run_ours(case)
    theirs = run_torch(case, torch, state)
    return judge(case, ours, theirs, extensions, non_finite_order, kept_classes)


def tally(verdicts: list) -> dict:
    """Counts for the issue note: cases tried, clean errors, equal to PyTorch, and the findings left."""
    counts = {"cases": len(verdicts), "equal to PyTorch": 0, "clean errors": 0,
              "of which PyTorch computes": 0, "documented extensions": 0, "left": 0}
    for v in verdicts:
        if v.status == "equal":
            counts["equal to PyTorch"] += 1
        elif v.status in ("clean", "clean-strict"):
            counts["clean errors"] += 1
            counts["of which PyTorch computes"] += v.status == "clean-strict"
        elif v.status == "extension":
            counts["documented extensions"] += 1
        else:
            counts["left"] += 1
    return counts


def _only_non_finite_differ(ours: Outcome, theirs: Outcome) -> bool:
    """Every entry where the two results differ is non-finite on both sides (±∞ against NaN or ∓∞)."""
    pairs = list(zip(ours.values or [], theirs.values or []))
    pairs += [(ours.grads[k], theirs.grads.get(k)) for k in (ours.grads or {}) if ours.grads[k] is not None
              and (theirs.grads or {}).get(k) is not None]
    for a, b in pairs:
        a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
        if a.shape != b.shape:
            return False
        differ = ~((a == b) | (np.isnan(a) & np.isnan(b)) | np.isclose(a, b, rtol=1e-4, atol=1e-5))
        if (np.isfinite(a[differ]).any()) or (np.isfinite(b[differ]).any()):
            return False
    return True
