"""derivations/not_checkable.py: the IDs that state no checkable formula, each with a reason."""
from tests.derivations.claims import derivations


def test_reasons_are_given_and_no_claims_pretend_to_check():
    d = derivations()["not-checkable"]
    assert d.claims == []
    assert set(d.not_checkable) == {"F14", "F29", "F56", "F64"}
    assert all(len(reason) > 20 for reason in d.not_checkable.values())


def test_reconstructed_formulas_are_named_as_such_in_the_report():
    import re
    from pathlib import Path

    from derivations import FORMULAS, RECONSTRUCTED
    from tinygrad_edu.symbolic import load
    from tinygrad_edu.symbolic.verify import format_table, run

    assert set(RECONSTRUCTED) <= set(FORMULAS)
    digest = Path(__file__).resolve().parents[3] / "shared" / "lecture-formulas.md"
    if digest.exists():  # every ID the digest marks [reconstructed] is either flagged or not checkable
        mark = r"\*\*(F\d+)\*\*(?:(?!\*\*F)[^\n])*\[reconstructed"  # the ID whose own text carries the mark
        marked = {m.group(1) for m in re.finditer(mark, digest.read_text("utf-8"))}
        assert marked <= set(RECONSTRUCTED) | set(derivations()["not-checkable"].not_checkable), marked
    report = run(load(), only="F28")
    assert report.reconstructed == {"F28": RECONSTRUCTED["F28"]}
    line = next(x for x in format_table(report).splitlines() if x.startswith("  F28"))
    assert line.split()[1] == "verified" and "reconstruction of C3's connection table" in line
    assert "reconstruction" in derivations()["not-checkable"].not_checkable["F29"]
