"""dtype_utils.py and the dtype names: numel, is_floating_point, is_complex, is_signed, is_nonzero, is_same_size,
result_type, promote_types and can_cast against torch over every pair of dtypes both have, with torch's errors;
tg.uint16/uint32/uint64/complex64/complex128/cfloat/cdouble, and no tg.bfloat16 (NumPy has none)."""
import itertools

import numpy as np
import pytest

import tinygrad_edu as tg

pytestmark = pytest.mark.torch

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64", "complex64",
          "complex128"]


def _name(dtype):
    return str(dtype).replace("torch.", "")


@pytest.mark.parametrize("name", DTYPES + ["uint16", "uint32", "uint64", "cfloat", "cdouble", "half", "double"])
def test_dtype_names_are_torchs(torch, name):
    assert str(getattr(tg, name)) == _name(getattr(torch, name))


def test_bfloat16_is_absent_with_a_reason():
    assert not hasattr(tg, "bfloat16")
    with pytest.raises(AttributeError, match="NumPy.*has no bfloat16"):
        tg.bfloat16


@pytest.mark.parametrize("name", DTYPES)
def test_predicates_are_torchs(torch, name):
    ours, theirs = tg.zeros(2, 3, dtype=getattr(tg, name)), torch.zeros(2, 3, dtype=getattr(torch, name))
    for fn in ("numel", "is_floating_point", "is_complex", "is_signed"):
        assert getattr(tg, fn)(ours) == getattr(torch, fn)(theirs), fn
    assert tg.is_floating_point(ours.numpy()) == torch.is_floating_point(theirs)  # an ndarray is accepted


@pytest.mark.parametrize("value", [0.0, 2.5, 0, -3, True, False])
def test_is_nonzero_is_torchs(torch, value):
    assert tg.is_nonzero(tg.tensor([value])) == torch.is_nonzero(torch.tensor([value]))
    assert tg.is_nonzero(tg.tensor(value)) == torch.is_nonzero(torch.tensor(value))


@pytest.mark.parametrize("shape", [(2,), (0,), (1, 2)])
def test_is_nonzero_refuses_other_sizes_as_torch(torch, shape):
    with pytest.raises(RuntimeError) as theirs:
        torch.is_nonzero(torch.ones(shape))
    with pytest.raises(RuntimeError, match="is_nonzero: Boolean value of Tensor with") as ours:
        tg.is_nonzero(tg.ones(shape))
    assert str(theirs.value) in str(ours.value)


def test_is_same_size_and_type_errors(torch):
    assert tg.is_same_size(tg.ones(2, 3), tg.zeros(2, 3)) == torch.is_same_size(torch.ones(2, 3), torch.zeros(2, 3))
    assert tg.is_same_size(tg.ones(2, 3), tg.ones(3, 2)) == torch.is_same_size(torch.ones(2, 3), torch.ones(3, 2))
    for fn in ("numel", "is_floating_point", "is_complex", "is_signed", "is_nonzero"):
        with pytest.raises(TypeError):
            getattr(torch, fn)([1.0])
        with pytest.raises(TypeError, match=f"{fn}: argument 'input' must be a Tensor"):
            getattr(tg, fn)([1.0])


@pytest.mark.parametrize("a, b", list(itertools.product(DTYPES, repeat=2)))
def test_promote_types_and_can_cast_are_torchs_for_every_pair(torch, a, b):
    assert str(tg.promote_types(getattr(tg, a), getattr(tg, b))) == _name(
        torch.promote_types(getattr(torch, a), getattr(torch, b)))
    assert tg.can_cast(getattr(tg, a), getattr(tg, b)) == torch.can_cast(getattr(torch, a), getattr(torch, b))


OPERANDS = {
    "int64 vector": lambda m: m.tensor([1, 2]),
    "int32 vector": lambda m: m.tensor([1, 2], dtype=m.int32),
    "uint8 vector": lambda m: m.tensor([1, 2], dtype=m.uint8),
    "bool vector": lambda m: m.tensor([True]),
    "float16 vector": lambda m: m.tensor([1.0], dtype=m.float16),
    "float32 vector": lambda m: m.tensor([1.0]),
    "float64 0-d": lambda m: m.tensor(1.0, dtype=m.float64),
    "int64 0-d": lambda m: m.tensor(3),
    "complex64 vector": lambda m: m.tensor([1.0], dtype=m.complex64),
    "int": lambda m: 2,
    "float": lambda m: 2.5,
    "bool": lambda m: True,
    "complex": lambda m: 1j,
}


@pytest.mark.parametrize("a, b", [p for p in itertools.product(OPERANDS, repeat=2)])
def test_result_type_is_torchs(torch, a, b):
    theirs = _name(torch.result_type(OPERANDS[a](torch), OPERANDS[b](torch)))
    theirs = "complex64" if theirs == "complex32" else theirs  # NumPy has no complex32 (float16 with a complex)
    assert str(tg.result_type(OPERANDS[a](tg), OPERANDS[b](tg))) == theirs


def test_result_type_follows_the_default_dtype(torch):
    try:
        tg.set_default_dtype(tg.float64)
        torch.set_default_dtype(torch.float64)
        for a, b in (("int64 vector", "float"), ("int", "float"), ("int64 vector", "complex")):
            assert str(tg.result_type(OPERANDS[a](tg), OPERANDS[b](tg))) == _name(
                torch.result_type(OPERANDS[a](torch), OPERANDS[b](torch)))
    finally:
        tg.set_default_dtype(tg.float32)
        torch.set_default_dtype(torch.float32)


@pytest.mark.parametrize("call", [
    lambda m: m.result_type(m.ones(1), "a"),
    lambda m: m.promote_types(m.int64, "float"),
    lambda m: m.promote_types(m.int64, None),
    lambda m: m.can_cast(m.int64, 3),
])
def test_bad_dtype_arguments_are_type_errors(torch, call):
    with pytest.raises(TypeError):
        call(torch)
    with pytest.raises(TypeError, match="result_type|promote_types|can_cast"):
        call(tg)


def test_ndarrays_are_accepted_where_torch_takes_tensors():
    assert tg.numel(np.ones((2, 5))) == 10 and tg.result_type(np.ones(2, np.int32), 1.5) == tg.float32
    assert tg.is_same_size(np.ones(3), tg.ones(3)) and not tg.is_complex(np.ones(1))


def test_a_bad_dtype_names_its_argument():
    with pytest.raises(TypeError, match="promote_types: argument 'type2'"):
        tg.promote_types(tg.int64, "float")
    with pytest.raises(TypeError, match="can_cast: argument 'to'"):
        tg.can_cast(tg.int64, 3)
