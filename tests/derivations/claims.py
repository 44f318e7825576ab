"""Shared checks for the derivation tests: every claim holds, exactly and numerically, and fails when its
formula side is perturbed (a claim that cannot fail would prove nothing)."""
from __future__ import annotations

import functools
import time

import numpy as np
import pytest
import sympy

from tinygrad_edu.symbolic import Derivation, load

EPSILON = sympy.Symbol("epsilon")


def bump_last(expected: np.ndarray, symbolic: bool) -> np.ndarray:
    """The formula side with its last element changed: + ε symbolically, + 1 numerically."""
    out = np.array(expected, dtype=object if symbolic else np.float64)
    out.flat[-1] = out.flat[-1] + (EPSILON if symbolic else 1.0)
    return out


@functools.lru_cache(maxsize=None)
def derivations() -> dict[str, Derivation]:
    return {d.id: d for d in load().derivations}


def claims_of(derivation_id: str) -> list:
    """pytest params, one per claim of the derivation, named by its lecture IDs and position."""
    claims = derivations()[derivation_id].claims
    return [pytest.param(i, id=f"{i}-{'-'.join(c.formulas)}") for i, c in enumerate(claims)]


def check_claim(derivation_id: str, index: int) -> None:
    """The claim holds, proved exactly; perturbed, it fails exactly within seconds (at the first size, naming the
    element and a counterexample) and numerically."""
    claim = derivations()[derivation_id].claims[index]
    result = claim.check()
    assert result.passed, str(result.failure or result.spot.failure)
    assert result.proof == "exact", result.note
    assert result.spot is None or result.spot.max_error < 1e-9
    start = time.perf_counter()
    exact = claim.check(perturb=bump_last, numeric=False)
    assert time.perf_counter() - start < 5
    assert not exact.passed and exact.failure is not None and exact.failure.counterexample is not None
    assert exact.failure.case == exact.cases[0] and exact.failure.reason == "values differ"
    assert EPSILON in sympy.sympify(exact.failure.difference).free_symbols
    if claim.spot is not None:
        numeric = claim.check(perturb=bump_last, exact=False)
        assert not numeric.passed and numeric.spot.failure is not None
