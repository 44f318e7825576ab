"""A Claim: "this autograd quantity equals this formula", checked exactly over a grid of small sizes (SymPy,
element by element, the difference simplified to zero) and backed by a numeric spot check at a larger size."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence

import numpy as np
import sympy

from ..tensor import Tensor
from .numbers import Floats, Numbers

Case = dict[str, Any]
Compute = Callable[[Case, Numbers], tuple[Any, Any]]
Perturb = Callable[[np.ndarray, bool], np.ndarray]
"""perturb(formula_side, symbolic) -> a changed formula side (for tests: a claim must be able to fail)."""


def describe(case: Case) -> str:
    """`n=4, k=2, s=2`: a case as the table shows it."""
    return ", ".join(f"{k}={v}" for k, v in case.items()) or "–"


def simplified_difference(actual: Any, expected: Any) -> sympy.Expr:
    """actual − expected reduced as cheaply as possible: expand, then cancel, and simplify only what is left."""
    difference = sympy.sympify(actual) - sympy.sympify(expected)
    if difference == 0:
        return sympy.Integer(0)
    for reduce in (sympy.expand, lambda e: sympy.cancel(sympy.together(e)), sympy.simplify):
        difference = reduce(difference)
        if difference == 0:
            return sympy.Integer(0)
    return difference


def _readable(difference: sympy.Expr) -> sympy.Expr:
    """The non-zero difference factored when that is shorter (e.g. −(δ₁w₁₁ + δ₂w₂₁)·(…)/(…)²), as reported."""
    factored = sympy.factor(difference)
    return factored if sympy.count_ops(factored) < sympy.count_ops(difference) else difference


@dataclass
class Failure:
    """Where a claim broke: the size, the first differing element, both sides and their difference."""

    case: str
    index: tuple[int, ...]
    actual: Any
    expected: Any
    difference: Any
    reason: str = "values differ"

    def __str__(self) -> str:
        where = f"[{', '.join(map(str, self.index))}]" if self.index else "(scalar)"
        if self.reason != "values differ":
            return f"at {self.case}: {self.reason}"
        return (f"at {self.case}, element {where}:\n  autograd: {self.actual}\n  formula:  {self.expected}\n"
                f"  autograd − formula = {self.difference}")


@dataclass
class SpotCheck:
    """The numeric check at a larger size: float64 inputs, largest relative error against the formula."""

    case: str
    max_error: float
    passed: bool
    failure: Optional[Failure] = None


@dataclass
class ClaimResult:
    claim: "Claim"
    cases: list[str]
    failure: Optional[Failure]
    spot: Optional[SpotCheck]
    seconds: float

    @property
    def passed(self) -> bool:
        return self.failure is None and (self.spot is None or self.spot.passed)


def _as_array(value: Any) -> np.ndarray:
    data = value.data if isinstance(value, Tensor) else value
    return np.asarray(data, dtype=object) if not isinstance(data, np.ndarray) else data


def _shape_failure(case: str, actual: np.ndarray, expected: np.ndarray) -> Optional[Failure]:
    if actual.shape == expected.shape:
        return None
    return Failure(case, (), None, None, None,
                   f"shapes differ: autograd {actual.shape} vs formula {expected.shape}")


def compare_exact(case: str, actual: Any, expected: Any) -> Optional[Failure]:
    """The first element whose difference does not simplify to 0, or None when all do."""
    a, e = _as_array(actual), _as_array(expected)
    mismatch = _shape_failure(case, a, e)
    if mismatch:
        return mismatch
    for index in np.ndindex(*a.shape):
        difference = simplified_difference(a[index], e[index])
        if difference != 0:
            return Failure(case, index, a[index], e[index], _readable(difference))
    return None


def compare_numeric(case: str, actual: Any, expected: Any, rtol: float = 1e-9) -> SpotCheck:
    """Largest |autograd − formula| / (1 + |formula|) in float64; passes below `rtol`."""
    a = _as_array(actual).astype(np.float64)
    e = _as_array(expected).astype(np.float64)
    mismatch = _shape_failure(case, a, e)
    if mismatch:
        return SpotCheck(case, float("inf"), False, mismatch)
    if a.size == 0:
        return SpotCheck(case, 0.0, True)
    errors = np.abs(a - e) / (1.0 + np.abs(e))
    worst = np.unravel_index(int(np.argmax(errors)), errors.shape)
    max_error = float(errors[worst])
    if max_error <= rtol:
        return SpotCheck(case, max_error, True)
    return SpotCheck(case, max_error, False, Failure(case, tuple(int(i) for i in worst), a[worst], e[worst],
                                                     a[worst] - e[worst]))


@dataclass
class Claim:
    """`compute(case, numbers)` builds the network piece with the library's ops and returns
    (autograd quantity, the lecture's formula) as arrays of equal shape; `grid` lists the small sizes
    checked exactly, `spot` the larger size checked numerically (None: the claim has no larger size)."""

    formulas: tuple[str, ...]
    statement: str
    latex: str
    compute: Compute
    grid: Sequence[Case]
    spot: Optional[Case] = None
    name: str = field(default="")

    def __post_init__(self) -> None:
        if isinstance(self.formulas, str):
            self.formulas = tuple(f.strip() for f in self.formulas.split(","))
        if not self.grid:
            raise ValueError(f"Claim {self.statement!r}: the grid of sizes is empty, so it could never fail")

    def check(self, perturb: Optional[Perturb] = None, exact: bool = True, numeric: bool = True,
              seed: int = 0) -> ClaimResult:
        """Every grid size exactly (stopping at the first difference), then the spot check. `perturb` changes
        the formula's side before comparing: a claim that still passes under it cannot fail."""
        start = time.perf_counter()
        failure = None
        cases = [describe(case) for case in self.grid] if exact else []
        for case, label in zip(self.grid if exact else (), cases):
            try:
                actual, expected = self.compute(dict(case), Numbers(seed))
            except Exception as err:  # a claim whose network piece cannot even be built has failed
                failure = Failure(label, (), None, None, None, f"{type(err).__name__}: {err}")
                break
            expected = _as_array(expected)
            failure = compare_exact(label, actual, perturb(expected, True) if perturb else expected)
            if failure:
                break
        spot = None
        if numeric and self.spot is not None and failure is None:
            label = describe(self.spot)
            try:
                actual, expected = self.compute(dict(self.spot), Floats(seed))
            except Exception as err:
                return ClaimResult(self, cases, None, SpotCheck(label, float("inf"), False, Failure(
                    label, (), None, None, None, f"{type(err).__name__}: {err}")), time.perf_counter() - start)
            expected = _as_array(expected)
            spot = compare_numeric(label, actual, perturb(expected, False) if perturb else expected)
        return ClaimResult(self, cases, failure, spot, time.perf_counter() - start)
