"""derivations/__init__.py: the catalogue of lecture IDs, and every ID either claimed or explained."""
import re
from pathlib import Path

from tests.derivations.claims import derivations
from tinygrad_edu.symbolic import load

DIGEST = Path("/work/shared/lecture-formulas.md")


def test_catalog_is_f1_to_f64_in_order():
    catalog = load().catalog
    assert list(catalog) == [f"F{i}" for i in range(1, 65)]
    assert all(title.strip() for title in catalog.values())


def test_every_catalogued_id_is_claimed_or_explained_and_nothing_else():
    claimed = {f for d in derivations().values() for c in d.claims for f in c.formulas}
    explained = {f for d in derivations().values() for f in d.not_checkable}
    catalog = set(load().catalog)
    assert claimed | explained == catalog
    assert not claimed & explained
    assert len(explained) <= 4


def test_catalog_matches_the_lecture_digest_when_present():
    if not DIGEST.exists():
        return
    ids = set(re.findall(r"\*\*(F\d+)\*\*", DIGEST.read_text(encoding="utf-8")))
    assert ids == set(load().catalog)


def test_every_derivation_cites_a_seed_file_and_states_latex():
    for d in derivations().values():
        assert re.search(r"00[0-4]_[0-9a-f]{16}\.txt", d.source), d.id
        assert d.latex.strip() and d.mapping.strip() and d.title.strip()
