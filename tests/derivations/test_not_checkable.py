"""derivations/not_checkable.py: the IDs that state no checkable formula, each with a reason."""
from tests.derivations.claims import derivations


def test_reasons_are_given_and_no_claims_pretend_to_check():
    d = derivations()["not-checkable"]
    assert d.claims == []
    assert set(d.not_checkable) == {"F14", "F29", "F56", "F64"}
    assert all(len(reason) > 20 for reason in d.not_checkable.values())
