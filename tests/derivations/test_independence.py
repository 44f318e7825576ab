"""Every claim's formula side is independent of the library it checks, and every claim fails when what it checks
is wrong: (1) with every Function's forward and backward off by 3/2 and every backend primitive wrong, the formula
side does not move; (2) with one op of the claim's `ops` made wrong, the claim fails, within seconds."""
import time

import numpy as np
import pytest

from tests.derivations.claims import derivations
from tests.derivations.mutants import all_functions, library_wrong, wrong_op
from tinygrad_edu.symbolic import Floats

LIBRARY_SAMPLES = {"dropout: E[y] = (1−p)·x/(1−p) = x = inference output; δ_x = δ·m/(1−p)"}
"""Claims whose formula side reads a random draw of the library (dropout's mask): a sample, not a formula."""


def every_claim():
    return [pytest.param(d.id, i, id=f"{d.id}-{i}-{'-'.join(c.formulas)}")
            for d in derivations().values() for i, c in enumerate(d.claims)]


def every_claim_op():
    return [pytest.param(d.id, i, op, id=f"{d.id}-{i}-{op}")
            for d in derivations().values() for i, c in enumerate(d.claims) for op in c.ops]


def _floats(value):
    return np.asarray(value.data if hasattr(value, "data") else value, dtype=np.float64)


@pytest.mark.parametrize("derivation_id, index", every_claim())
def test_formula_side_never_goes_through_the_library(derivation_id, index):
    claim = derivations()[derivation_id].claims[index]
    if claim.statement in LIBRARY_SAMPLES:
        pytest.skip("the formula reads the library's random mask")
    case = dict(claim.spot if claim.spot is not None else claim.grid[0])
    _, expected = claim.compute(dict(case), Floats(0))
    with library_wrong():
        _, under_wrong_library = claim.compute(dict(case), Floats(0))
    assert np.array_equal(_floats(expected), _floats(under_wrong_library), equal_nan=True)


def test_the_wrong_library_really_is_wrong():
    claim = next(c for c in derivations()["conv-backprop"].claims if c.name == "conv-conv")
    actual, _ = claim.compute(dict(claim.spot), Floats(0))
    with library_wrong():
        wrong, _ = claim.compute(dict(claim.spot), Floats(0))
    assert not np.allclose(_floats(actual), _floats(wrong))


@pytest.mark.parametrize("derivation_id, index, op", every_claim_op())
def test_a_wrong_op_makes_its_claim_fail_fast(derivation_id, index, op):
    claim = derivations()[derivation_id].claims[index]
    start = time.perf_counter()
    with wrong_op(op):
        result = claim.check(budget=5, explain=0)
    assert not result.passed and not result.authoring_error, op
    assert time.perf_counter() - start < 5


def test_every_gradient_claim_names_the_ops_it_checks_and_they_exist():
    import inspect

    known = set(all_functions())
    for d in derivations().values():
        for claim in d.claims:
            if "backward(" in inspect.getsource(claim.compute):
                assert claim.ops, f"{d.id}: {claim.statement}"
            for op in claim.ops:
                assert op.startswith("backend.") or op in known, op
