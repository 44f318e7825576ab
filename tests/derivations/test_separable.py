"""derivations/separable.py: every claim holds exactly and numerically, and fails when perturbed."""
import pytest

from tests.derivations.claims import check_claim, claims_of, derivations
from tinygrad_edu.symbolic import Floats


@pytest.mark.parametrize("index", claims_of("separable"))
def test_claim_holds_and_can_fail(index):
    check_claim("separable", index)


def test_seed_ratio_for_3x3_and_64_outputs_is_about_0_127():
    claim = next(c for c in derivations()["separable"].claims if c.statement.startswith("separable parameters"))
    actual, expected = claim.compute({"C": 128, "O": 64, "k": 3}, Floats())
    assert abs(float(actual[2]) - 0.1274) < 1e-3 and float(actual[2]) == float(expected[2])
