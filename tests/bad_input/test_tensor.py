"""Bad inputs through every tg.* tensor function, each call judged against PyTorch
(tests/bad_input/walk.py says how): PyTorch's result, or an exception from this library that names the op."""
import pytest

from . import table_tensor
from .check import check_spec

pytestmark = pytest.mark.torch

SPECS = table_tensor.specs()


@pytest.mark.parametrize("spec", SPECS, ids=[s.id for s in SPECS])
def test_bad_inputs(spec, walk_torch):
    check_spec(spec, walk_torch)
