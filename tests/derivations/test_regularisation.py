"""derivations/regularisation.py: every claim holds exactly and numerically, and fails when perturbed."""
import pytest

from tests.derivations.claims import check_claim, claims_of


@pytest.mark.parametrize("index", claims_of("regularisation"))
def test_claim_holds_and_can_fail(index):
    check_claim("regularisation", index)
