"""Bad inputs through the tg.* functions of table_missing_methods.py (the top-level in-place forms, aliases, number
parts and scatter views), each call judged against PyTorch as in test_tensor.py."""
import pytest

from . import table_missing_methods
from .check import check_spec

pytestmark = [pytest.mark.torch, pytest.mark.filterwarnings("ignore:index_reduce\\(\\) is in beta")]

SPECS = table_missing_methods.specs()


@pytest.mark.parametrize("spec", SPECS, ids=[s.id for s in SPECS])
def test_bad_inputs(spec, walk_torch):
    check_spec(spec, walk_torch)
