"""derivations/statmech.py: every claim holds exactly and numerically, and fails when perturbed."""
import pytest

from tests.derivations.claims import check_claim, claims_of, derivations
from tinygrad_edu.symbolic import Numbers


@pytest.mark.parametrize("index", claims_of("statmech"))
def test_claim_holds_and_can_fail(index):
    check_claim("statmech", index)


def test_worked_expansion_has_the_seeds_16_terms():
    claim = next(c for c in derivations()["statmech"].claims if c.formulas == ("F3",))
    actual, _ = claim.compute({}, Numbers())
    assert actual[1] == 16
