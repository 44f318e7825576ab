"""Bad inputs through the tg.* functions of table_statistics.py (ops/statistics.py, ops/gamma_functions.py), each
call judged against PyTorch as in test_tensor.py, with check.py's documented differences."""
import pytest

from . import check, table_statistics, walk

pytestmark = pytest.mark.torch

SPECS = table_statistics.specs()


@pytest.mark.parametrize("spec", SPECS, ids=[s.id for s in SPECS])
def test_bad_inputs(spec, walk_torch):
    findings = []
    for case in walk.cases(spec):
        verdict = walk.run_case(case, walk_torch, check.EXTENSIONS, check.NON_FINITE_ORDER, check.KEPT_CLASSES)
        check.RESULTS.append((case, verdict))
        if case.family == "valid" and verdict.status not in ("equal", "clean"):
            findings.append(f"  the table's valid call is not equal to PyTorch's: {case.describe()}\n"
                            f"      {verdict.status}: {verdict.detail}")
        elif not verdict.ok:
            findings.append(f"  {case.describe()}\n      {verdict.status}: {verdict.detail}")
    assert not findings, f"{spec.id}: {len(findings)} bad behaviour(s)\n" + "\n".join(findings)
