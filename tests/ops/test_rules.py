"""Every op states its local rule in Unicode and LaTeX: the stepper and the renderer show these texts."""
import importlib
import pkgutil

import pytest

import tinygrad_edu.ops as ops_package
from tinygrad_edu.autograd import Function


def all_functions():
    for info in pkgutil.iter_modules(ops_package.__path__):
        importlib.import_module(f"tinygrad_edu.ops.{info.name}")
    found, stack = [], list(Function.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("tinygrad_edu.ops"):
            found.append(cls)
    return sorted(found, key=lambda c: c.__name__)


@pytest.mark.parametrize("fn", all_functions(), ids=lambda c: c.__name__)
def test_function_has_unicode_and_latex_rule(fn):
    assert fn.rule_unicode.strip(), f"{fn.__name__} has no rule_unicode"
    assert fn.rule_latex.strip(), f"{fn.__name__} has no rule_latex"
    assert "δ" in fn.rule_unicode or "∂" in fn.rule_unicode


def test_the_op_families_are_all_found():
    names = {c.__name__ for c in all_functions()}
    assert {"Add", "MatMul", "LogSoftmax", "GetItem", "Sum", "MaxPool2d"} <= names
