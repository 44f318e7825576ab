"""Bad inputs through the tg.* functions of table_creation_random.py (creation_random.py's creation and random draws,
dtype_utils.py's predicates and result_type), each call judged against PyTorch as in test_tensor.py, with this
table's documented differences added to check.py's."""
import pytest

from . import check, table_creation_random

pytestmark = pytest.mark.torch

SPECS = table_creation_random.specs()
EXTENSIONS = dict(check.EXTENSIONS)
EXTENSIONS["tg.asarray[obj:0-d]"] = ("a 0-d NumPy array converted with copy=True to another dtype is copied, as a "
                                     "1-d one is (PyTorch's 'can't alias' ValueError there ignores copy=True)")
KEPT_CLASSES = dict(check.KEPT_CLASSES)
KEPT_CLASSES["tg.bernoulli<p>[p=None]"] = ("an explicit p=None is the default (input holds the probabilities), so "
                                           "input's values outside [0, 1] are a value error (PyTorch's overloads "
                                           "refuse None with a TypeError)")
KEPT_CLASSES["tg.randint_like[high=None]"] = ("an explicit high=None is the default: randint_like(x, 0, None) is "
                                             "randint_like(x, 0), whose range [0, 0) is empty (a ShapeError); "
                                             "PyTorch's overloads refuse None with a TypeError")


@pytest.mark.parametrize("spec", SPECS, ids=[s.id for s in SPECS])
def test_bad_inputs(spec, walk_torch):
    check.check_spec(spec, walk_torch, extensions=EXTENSIONS, kept_classes=KEPT_CLASSES)
