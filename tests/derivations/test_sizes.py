"""derivations/sizes.py: every claim holds exactly and numerically, and fails when perturbed."""
import pytest

from tests.derivations.claims import check_claim, claims_of, derivations
from tinygrad_edu.symbolic import Floats, Numbers


@pytest.mark.parametrize("index", claims_of("sizes"))
def test_claim_holds_and_can_fail(index):
    check_claim("sizes", index)


def test_receptive_fields_stated_in_the_seed():
    """One kernel-3 layer sees 3 inputs, two see 5, k3d2 sees 5: on symbols and on floats."""
    claim = next(c for c in derivations()["sizes"].claims if c.statement.startswith("two kernel-3"))
    for numbers in (Numbers(), Floats()):
        actual, _ = claim.compute({}, numbers)
        assert list(actual) == [3, 5, 5]
