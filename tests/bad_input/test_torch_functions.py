"""Bad inputs through the tg.* functions of table_torch_functions.py (joining, grids, products, searching,
integration, distance matrices and the torch.* forms of F ops), each call judged against PyTorch as in
test_tensor.py. A form that calls the F.* function keeps F's documented extensions."""
import pytest

from . import check, table_torch_functions

pytestmark = [pytest.mark.torch, pytest.mark.filterwarnings("ignore:torch.chain_matmul is deprecated")]

# tg.X that is F.X itself (asserted in tests/test_torch_functions.py) is walked once, as F.X in test_functional.py
SPECS = [s for s in table_torch_functions.specs() if s.path[3:] not in table_torch_functions.SAME_AS_F]
EXTENSIONS = dict(check.EXTENSIONS)
for _key, _why in check.EXTENSIONS.items():
    _op = _key.split("[")[0]
    if _op.startswith("F.") and _op[2:] in table_torch_functions.CALLS_F:
        EXTENSIONS["tg." + _key[2:]] = _why
NON_FINITE_ORDER = dict(check.NON_FINITE_ORDER)
for _key, _why in check.NON_FINITE_ORDER.items():  # tg.batch_norm, ... call F's
    NON_FINITE_ORDER["tg." + _key[2:]] = _why
KEPT_CLASSES = dict(check.KEPT_CLASSES)
for _path in ("tg.pdist", "F.pdist"):
    KEPT_CLASSES[f"{_path}[huge]"] = ("N(N − 1)/2 distances of 2⁴⁰ rows overflow PyTorch's size arithmetic (its "
                                      "TypeError); ours refuses the allocation (AllocationError, a RuntimeError)")
EXTENSIONS["tg.combinations[r=1099511627776]"] = ("r > n gives no combinations, an empty (0, r) tensor, as PyTorch "
                                                  "for small r (its kernel runs out of memory building r grids)")
for _name in ("trapezoid", "trapz", "cumulative_trapezoid"):  # one function for torch's (y, x) and (y, *, dx) forms
    EXTENSIONS[f"tg.{_name}[x:None]"] = check._DEFAULT_NONE
    EXTENSIONS[f"tg.{_name}<dx>[dx=None]"] = check._DEFAULT_NONE


@pytest.mark.parametrize("spec", SPECS, ids=[s.id for s in SPECS])
def test_bad_inputs(spec, walk_torch):
    check.check_spec(spec, walk_torch, extensions=EXTENSIONS, non_finite_order=NON_FINITE_ORDER,
                     kept_classes=KEPT_CLASSES)
