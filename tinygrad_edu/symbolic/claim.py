"""A Claim: "this autograd quantity equals this formula", checked over a grid of small sizes (SymPy, element by
element) and backed by a numeric spot check at a larger size. Fail fast, then explain: both sides are first
evaluated at random rational points (a counterexample in milliseconds), then the spot check runs, and only then
is every difference simplified to 0, in a worker process with a time limit (past it: "checked numerically only")."""
from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence

import numpy as np
import sympy

from ..tensor import Tensor
from .bounded import TIMED_OUT, bounded
from .numbers import Floats, Numbers
from .probe import Counterexample, first_difference

Case = dict[str, Any]
Compute = Callable[[Case, Numbers], tuple[Any, Any]]
Perturb = Callable[[np.ndarray, bool], np.ndarray]
"""perturb(formula_side, symbolic) -> a changed formula side (for tests: a claim must be able to fail)."""


def describe(case: Case) -> str:
    """`n=4, k=2, s=2`: a case as the table shows it."""
    return ", ".join(f"{k}={v}" for k, v in case.items()) or "–"


def simplified_difference(actual: Any, expected: Any) -> sympy.Expr:
    """actual − expected reduced as cheaply as possible: expand (polynomials only), then cancel, then cancel with
    tanh etc. written through exp, and simplify only what is left. Unbounded: Claim.check runs it under a time limit."""
    difference = sympy.sympify(actual) - sympy.sympify(expected)
    if difference == 0:
        return sympy.Integer(0)
    transcendental = difference.has(sympy.exp, sympy.tanh, sympy.log)
    for reduce in ((() if transcendental else (sympy.expand,)) + (lambda e: sympy.cancel(sympy.together(e)),
                   lambda e: sympy.cancel(sympy.together(e.rewrite(sympy.exp))), sympy.simplify)):
        difference = reduce(difference)
        if difference == 0:
            return sympy.Integer(0)
    return difference


def _readable(difference: sympy.Expr) -> sympy.Expr:
    """The non-zero difference factored when that is shorter (e.g. −(δ₁w₁₁ + δ₂w₂₁)·(…)/(…)²), as reported."""
    factored = sympy.factor(difference)
    return factored if sympy.count_ops(factored) < sympy.count_ops(difference) else difference


INDEXING = "positions are 1-based, as the lecture's symbols; the 0-based array index (NCHW for images) in brackets"


def position(index: tuple[int, ...]) -> str:
    """`(1, 2) [index 0, 1]`: the lecture's 1-based position, then the array's 0-based index."""
    if not index:
        return "(scalar)"
    return f"({', '.join(str(i + 1) for i in index)}) [index {', '.join(map(str, index))}]"


@dataclass
class Failure:
    """Where a claim broke: the size, the first differing element, both sides, their difference and (when the
    fast check found it) the rational point where they differ. `authoring` marks an error in the claim's own
    code (an exception while building it), reported apart from a formula that is wrong."""

    case: str
    index: tuple[int, ...]
    actual: Any
    expected: Any
    difference: Any
    reason: str = "values differ"
    counterexample: Optional[Counterexample] = None
    explained: bool = True
    authoring: bool = False

    def __str__(self) -> str:
        if self.reason != "values differ":
            return f"at {self.case}: {self.reason}"
        lines = [f"at {self.case}, element {position(self.index)}:"]
        if self.counterexample is not None:
            lines.append(f"  counterexample {self.counterexample}")
        lines += [f"  autograd: {_clip(self.actual)}", f"  formula:  {_clip(self.expected)}"]
        note = "" if self.explained else "   (not simplified: the time for explaining ran out)"
        lines.append(f"  autograd − formula = {_clip(self.difference)}{note}")
        return "\n".join(lines)


def _clip(value: Any, width: int = 600) -> str:
    text = str(value)
    return text if len(text) <= width else text[:width - 1] + "…"


@dataclass
class SpotCheck:
    """The numeric check at a larger size: float64 inputs, largest relative error against the formula."""

    case: str
    max_error: float
    passed: bool
    failure: Optional[Failure] = None


@dataclass
class ClaimResult:
    """`proof` says how far the exact check got: "exact" (every difference simplified to 0), "numeric" (0 at
    random rational points, but simplification ran out of time or could not finish: checked numerically only),
    or "none" (failed, or no exact sizes were run)."""

    claim: "Claim"
    cases: list[str]
    failure: Optional[Failure]
    spot: Optional[SpotCheck]
    seconds: float
    proof: str = "none"
    note: str = ""

    @property
    def passed(self) -> bool:
        return self.failure is None and (self.spot is None or self.spot.passed)

    @property
    def authoring_error(self) -> bool:
        """The claim's own code raised: not a verdict on the formula."""
        failure = self.failure or (self.spot.failure if self.spot else None)
        return failure is not None and failure.authoring


def _as_array(value: Any) -> np.ndarray:
    data = value.data if isinstance(value, Tensor) else value
    return np.asarray(data, dtype=object) if not isinstance(data, np.ndarray) else data


def _shape_failure(case: str, actual: np.ndarray, expected: np.ndarray) -> Optional[Failure]:
    if actual.shape == expected.shape:
        return None
    return Failure(case, (), None, None, None,
                   f"shapes differ: autograd {actual.shape} vs formula {expected.shape}")


def compare_exact(case: str, actual: Any, expected: Any, seed: int = 0) -> Optional[Failure]:
    """The first element whose difference is not 0, or None when all are: first evaluated at random rational
    points (a counterexample in milliseconds), then simplified (unbounded here; Claim.check bounds it)."""
    a, e = _as_array(actual), _as_array(expected)
    mismatch = _shape_failure(case, a, e)
    if mismatch:
        return mismatch
    found = first_difference(a, e, np.random.default_rng(seed))
    if found is not None:
        index, counterexample = found
        difference = _readable(simplified_difference(a[index], e[index]))
        return Failure(case, index, a[index], e[index], difference, counterexample=counterexample)
    outcome = _prove([(case, a, e)], seed)
    return outcome if isinstance(outcome, Failure) else None


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


BUDGET = 20.0
"""Seconds of simplification per claim before it counts as checked numerically only."""
EXPLAIN_BUDGET = 2.0
"""Seconds for simplifying a counterexample's difference into a readable form."""


def _prove(checked: list[tuple[str, np.ndarray, np.ndarray]], seed: int) -> Any:
    """Simplify every difference: None when all are 0; the first element that simplifies to something not 0
    and is not 0 at fresh random points either, as a Failure; else ("unproved", case, index): simplification
    left a form it could not reduce, though it evaluates to 0."""
    rng = np.random.default_rng(seed + 1)
    unproved = None
    for case, a, e in checked:
        for index in np.ndindex(*a.shape):
            difference = simplified_difference(a[index], e[index])
            if difference == 0:
                continue
            found = first_difference(np.array([a[index]], dtype=object), np.array([e[index]], dtype=object), rng, 8)
            if found is not None:
                return Failure(case, index, a[index], e[index], _readable(difference), counterexample=found[1])
            unproved = unproved or ("unproved", case, index)
    return unproved


def _explain(actual: Any, expected: Any) -> Any:
    return _readable(simplified_difference(actual, expected))


def _authoring_failure(case: str, err: Exception, compute: Callable) -> Failure:
    """An exception while building the claim: its type and message, the line of the claim's code that raised
    it, and a hint for the usual slips."""
    frames = traceback.extract_tb(err.__traceback__)
    own = compute.__code__.co_filename
    user = [f for f in frames if f.filename == own] or [f for f in frames if "site-packages" not in f.filename]
    where = f" (at {user[-1].filename}:{user[-1].lineno}: {user[-1].line})" if user else ""
    hint = ""
    if isinstance(err, TypeError) and "ufunc" in str(err):
        hint = (" — a NumPy function got SymPy symbols: in a formula use numbers.exp/log/tanh/sigmoid/step "
                "(they work on symbols and on floats)")
    elif isinstance(err, IndexError):
        hint = " — an index out of range: array indices are 0-based (the lecture's i is [i − 1])"
    return Failure(case, (), None, None, None, f"authoring error: {type(err).__name__}: {err}{where}{hint}",
                   authoring=True)


@dataclass
class Claim:
    """`compute(case, numbers)` builds the network piece with the library's ops and returns
    (autograd quantity, the lecture's formula) as arrays of equal shape; `grid` lists the small sizes
    checked exactly, `spot` the larger size checked numerically (None: the claim has no larger size).
    `ops` names what the claim tests (Function classes such as "Conv2d", or "backend.sigmoid"): a wrong
    version of any of them must make the claim fail (tests/derivations/test_independence.py)."""

    formulas: tuple[str, ...]
    statement: str
    latex: str
    compute: Compute
    grid: Sequence[Case]
    spot: Optional[Case] = None
    name: str = field(default="")
    ops: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if isinstance(self.formulas, str):
            self.formulas = tuple(f.strip() for f in self.formulas.split(","))
        if isinstance(self.ops, str):
            self.ops = tuple(f.strip() for f in self.ops.split(","))
        if not self.grid:
            raise ValueError(f"Claim {self.statement!r}: the grid of sizes is empty, so it could never fail")

    def _build(self, case: Case, label: str, numbers: Numbers, perturb: Optional[Perturb]) -> Any:
        try:
            actual, expected = self.compute(dict(case), numbers)
        except Exception as err:  # the claim's code raised: an authoring error, not a verdict on the formula
            return _authoring_failure(label, err, self.compute)
        expected = _as_array(expected)
        return _as_array(actual), perturb(expected, numbers.symbolic) if perturb else expected

    def check(self, perturb: Optional[Perturb] = None, exact: bool = True, numeric: bool = True,
              seed: int = 0, budget: Optional[float] = BUDGET, explain: Optional[float] = EXPLAIN_BUDGET
              ) -> ClaimResult:
        """Fail fast, then prove: every grid size evaluated at random rational points, then the numeric spot
        check, and only then every difference simplified (at most `budget` seconds in a worker process; past
        that the claim counts as checked numerically). A counterexample is explained by simplifying its one
        difference (at most `explain` seconds; 0: not at all). `perturb` changes the formula's side before comparing: a claim
        that still passes under it cannot fail."""
        start = time.perf_counter()
        rng = np.random.default_rng(seed)
        cases = [describe(case) for case in self.grid] if exact else []
        checked: list[tuple[str, np.ndarray, np.ndarray]] = []
        failure = None
        for case, label in zip(self.grid if exact else (), cases):
            built = self._build(case, label, Numbers(seed), perturb)
            if isinstance(built, Failure):
                failure = built
                break
            a, e = built
            failure = _shape_failure(label, a, e)
            found = None if failure else first_difference(a, e, rng)
            if found is not None:
                index, counterexample = found
                readable = TIMED_OUT if explain == 0 else bounded(_explain, (a[index], e[index]), explain)
                failure = Failure(label, index, a[index], e[index],
                                  a[index] - e[index] if readable is TIMED_OUT else readable,
                                  counterexample=counterexample, explained=readable is not TIMED_OUT)
            if failure:
                break
            checked.append((label, a, e))
        spot = self._spot(perturb, seed) if numeric and self.spot is not None and failure is None else None
        proof, note = "none", ""
        if failure is None and checked and (spot is None or spot.passed):
            outcome = bounded(_prove, (checked, seed), budget)
            if isinstance(outcome, Failure):
                failure = outcome
            elif outcome is TIMED_OUT:
                proof, note = "numeric", f"simplification took over {budget:g} s: checked at random points only"
            elif outcome is not None:
                proof, note = "numeric", (f"at {outcome[1]}, element {position(outcome[2])} did not simplify to 0 "
                                          "but is 0 at random points: checked numerically only")
            else:
                proof = "exact"
        return ClaimResult(self, cases, failure, spot, time.perf_counter() - start, proof, note)

    def _spot(self, perturb: Optional[Perturb], seed: int) -> SpotCheck:
        label = describe(self.spot)
        built = self._build(self.spot, label, Floats(seed), perturb)
        if isinstance(built, Failure):
            return SpotCheck(label, float("inf"), False, built)
        return compare_numeric(label, *built)
