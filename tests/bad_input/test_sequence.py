"""Bad inputs through the recurrent and attention layers and functions of table_sequence.py (nn/recurrent.py,
nn/attention.py, ops/attention.py), each call judged against PyTorch (tests/bad_input/walk.py says how)."""
import pytest

from . import table_sequence
from .check import check_spec

pytestmark = pytest.mark.torch

SPECS = table_sequence.specs()


@pytest.mark.parametrize("spec", SPECS, ids=[s.id for s in SPECS])
def test_bad_inputs(spec, walk_torch):
    check_spec(spec, walk_torch)
