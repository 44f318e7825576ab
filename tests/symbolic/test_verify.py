"""verify: running derivations, accounting for every lecture ID, and the three report formats."""
import json

import pytest

from tests.symbolic.test_derivation import write
from tinygrad_edu.symbolic import load
from tinygrad_edu.symbolic.verify import format_json, format_markdown, format_table, run


@pytest.fixture
def folder(tmp_path):
    write(tmp_path, "good.py", "good")
    (tmp_path / "__init__.py").write_text('FORMULAS = {"F1": "one", "F2": "two", "F3": "three"}\n')
    return tmp_path


def test_coverage_marks_verified_not_checkable_and_missing(folder):
    report = run(load(folder))
    assert report.coverage == {"F1": "verified", "F2": "not checkable: named only", "F3": "missing"}
    assert not report.passed


def test_a_wrong_claim_fails_the_report_and_is_explained(tmp_path):
    write(tmp_path, "bad.py", "bad", op="+ 1")
    report = run(load(tmp_path))
    assert not report.passed and report.coverage == {"F1": "FAILED"}
    table = format_table(report)
    assert "FAIL" in table and "autograd − formula = -1" in table


def test_only_selects_a_lecture_id_or_a_derivation(folder):
    write(folder, "other.py", "other")
    assert len(run(load(folder)).rows) == 2
    assert [r.derivation.id for r in run(load(folder), only="other").rows] == ["other"]
    report = run(load(folder), only="F2")
    assert report.rows == [] and report.coverage == {"F2": "not checkable: named only"} and report.passed
    with pytest.raises(ValueError, match="no derivation, claim or lecture ID of that name"):
        run(load(folder), only="F99")


def test_markdown_has_latex_blocks_and_a_coverage_table(folder):
    text = format_markdown(run(load(folder)))
    assert "$$\nx\n$$" in text and "| F3 | missing |" in text and "| F1 | x = x | $x$ |" in text


def test_json_round_trips(folder):
    data = json.loads(format_json(run(load(folder))))
    assert data["passed"] is False and data["claims"][0]["ids"] == ["F1"]
    assert data["claims"][0]["sizes"] == ["n=2"] and data["coverage"]["F3"] == "missing"


def test_progress_is_reported_as_each_claim_finishes(folder):
    from tinygrad_edu.symbolic.verify import progress_line

    write(folder, "other.py", "other")
    seen = []
    run(load(folder), progress=lambda row, done, total: seen.append(progress_line(row, done, total)))
    assert len(seen) == 2 and seen[0].startswith("[1/2] ok") and seen[1].startswith("[2/2] ok")


def test_an_authoring_error_is_reported_apart_from_a_failure(tmp_path):
    write(tmp_path, "broken.py", "broken", op="[5]")
    report = run(load(tmp_path))
    table = format_table(report)
    assert not report.passed and "ERROR" in table and "authoring error: IndexError" in table
    assert "1 with an authoring error" in table
