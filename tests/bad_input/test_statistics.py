"""Bad inputs through the tg.* functions of table_statistics.py (ops/statistics.py, ops/gamma_functions.py), each
call judged against PyTorch as in test_tensor.py, with check.py's documented differences."""
import pytest

from . import check, table_statistics

pytestmark = pytest.mark.torch

SPECS = table_statistics.specs()


@pytest.mark.parametrize("spec", SPECS, ids=[s.id for s in SPECS])
def test_bad_inputs(spec, walk_torch):
    check.check_spec(spec, walk_torch)
