"""Bad inputs through every public functional op (tinygrad_edu.functional = nn.functional), each call judged
against PyTorch (tests/bad_input/walk.py says how): PyTorch's result, or an exception from this library that names
the op."""
import pytest

from . import table_functional
from .check import check_spec

pytestmark = pytest.mark.torch

SPECS = table_functional.specs()


@pytest.mark.parametrize("spec", SPECS, ids=[s.id for s in SPECS])
def test_bad_inputs(spec, walk_torch):
    check_spec(spec, walk_torch)
