"""The walk's exception-class rule (judging.class_mismatch): where both libraries raise, ours must be an instance
of PyTorch's class when that class is one code catches (RuntimeError, TypeError, ValueError, IndexError); the
accidental ones are not compared; every kept mismatch in check.KEPT_CLASSES names a call the tables generate."""
import pytest

from tinygrad_edu.errors import ArgumentTypeError, DtypeError, IndexRangeError, ShapeError

from . import check, table_functional, table_layers, table_tensor, walk
from .judging import INTENTIONAL, class_mismatch
from .running import _error


def outcome(exc: BaseException) -> tuple:
    return _error(exc)


@pytest.mark.parametrize("ours, theirs", [
    (ShapeError("linear: weight must be 2-D"), RuntimeError("mat2 must be a matrix")),
    (ShapeError("reshape: cannot view"), ValueError("x")),
    (DtypeError("conv2d: input has dtype int64"), RuntimeError("Input type (long int) and bias type")),
    (DtypeError("conv2d: input has dtype int64"), TypeError("x")),
    (ArgumentTypeError("gelu: approximate must be 'none' or 'tanh', got None"), TypeError("must be str")),
    (ArgumentTypeError("pad: mode"), RuntimeError("x")),
    (IndexRangeError("one_hot: class values"), RuntimeError("Class values must be smaller than num_classes.")),
    (IndexRangeError("permute: dims"), IndexError("Dimension out of range")),
])
def test_our_class_is_an_instance_of_pytorchs(ours, theirs):
    assert class_mismatch(outcome(ours), outcome(theirs)) is None


@pytest.mark.parametrize("ours, theirs", [
    (ValueError("linear: weight must be 2-D"), RuntimeError("mat2 must be a matrix")),
    (TypeError("conv2d: input has dtype int64"), RuntimeError("Input type (long int) and bias type")),
    (ShapeError("gelu: approximate must be 'none' or 'tanh', got None"), TypeError("must be str, not NoneType")),
    (IndexError("one_hot: class values"), RuntimeError("Class values must be smaller than num_classes.")),
    (ShapeError("embedding: padding_idx"), IndexError("index 10 is out of bounds")),
])
def test_a_class_pytorch_code_would_not_catch_is_a_finding(ours, theirs):
    why = class_mismatch(outcome(ours), outcome(theirs))
    assert why and f"is not a {type(theirs).__name__}" in why and str(ours) in why


@pytest.mark.parametrize("theirs", [
    AttributeError("'NoneType' object has no attribute 'shape'"), AssertionError("Padding_idx must be within"),
    ZeroDivisionError("integer division or modulo by zero"), KeyError("bogus"), NotImplementedError("x"),
    IndexError("tuple index out of range"), IndexError("Dimension specified as -3 but tensor has no dimensions"),
    IndexError("Dimension out of range (expected to be in range of [-1, 0], but got 1)"),
])
def test_accidental_classes_are_exempt(theirs):
    assert class_mismatch(outcome(ShapeError("op: rule")), outcome(theirs)) is None


def test_the_intentional_classes():
    assert INTENTIONAL == ("RuntimeError", "TypeError", "ValueError", "IndexError")


def test_every_kept_mismatch_names_a_generated_call():
    specs = table_functional.specs() + table_layers.specs() + table_tensor.specs()
    ids = {c.id for s in specs for c in walk.cases(s)}
    stale = set(check.KEPT_CLASSES) - ids
    assert not stale, f"KEPT_CLASSES entries that name no generated call: {sorted(stale)}"


def test_judge_reports_another_class_and_accepts_a_kept_one():
    case = next(c for s in table_layers.specs() for c in walk.cases(s) if c.id == "nn.Conv2d[groups=1.5]")
    ours = walk.Outcome(error=outcome(TypeError("Conv2d: groups must be an integer, got 1.5 (float)")))
    theirs = walk.Outcome(error=outcome(ValueError("in_channels must be divisible by groups")))
    found = walk.judge(case, ours, theirs, {}, None, {})
    assert found.status == "other-class" and not found.ok and "is not a ValueError" in found.detail
    kept = walk.judge(case, ours, theirs, {}, None, check.KEPT_CLASSES)
    assert kept.status == "clean" and "divisibility" in kept.detail
