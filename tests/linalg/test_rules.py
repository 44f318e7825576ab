"""Every Function of tg.linalg states its local rule in Unicode and LaTeX (tests/ops/test_rules.py covers
tinygrad_edu.ops only), as the stepper and the renderer show these texts."""
import pytest

import tinygrad_edu.linalg  # noqa: F401  (registers the Functions)
from tinygrad_edu.autograd import Function


def linalg_functions():
    found, stack = [], list(Function.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("tinygrad_edu.linalg"):
            found.append(cls)
    return sorted(found, key=lambda c: c.__name__)


@pytest.mark.parametrize("fn", linalg_functions(), ids=lambda c: c.__name__)
def test_function_has_unicode_and_latex_rule(fn):
    assert fn.rule_unicode.strip() and fn.rule_latex.strip()
    assert "δ" in fn.rule_unicode or "∂" in fn.rule_unicode


def test_all_linalg_functions_are_found():
    assert {c.__name__ for c in linalg_functions()} == {"Det", "LogAbsDet", "Inv", "Solve", "SolveTriangular",
                                                         "Cholesky", "QR", "Eigh", "SVD", "Pinv", "LU"}
