"""tensor_predicates.py: is_* questions, memory facts (storage_offset, dim_order, data_ptr, output_nr, is_cpu) and
the casts byte/char/short/cfloat/cdouble (bfloat16/chalf refused), against PyTorch."""
import numpy as np
import pytest

import tinygrad_edu as tg

DTYPES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool", "complex64"]


@pytest.mark.torch
@pytest.mark.parametrize("dtype", DTYPES)
def test_dtype_questions_match_pytorch(torch, dtype):
    data = np.ones(3, dtype)
    x, tx = tg.tensor(data), torch.tensor(data)
    for name in ("is_floating_point", "is_complex", "is_signed"):
        assert getattr(x, name)() == getattr(tx, name)(), name
    assert tg.is_floating_point(x) == torch.is_floating_point(tx)
    assert tg.is_complex(x) == torch.is_complex(tx)


@pytest.mark.torch
@pytest.mark.parametrize("data", [[2.0], 0.0, [[0]], [True], [[3]]])
def test_is_nonzero_of_one_element_matches_pytorch(torch, data):
    assert tg.tensor(data).is_nonzero() == torch.tensor(data).is_nonzero()
    assert tg.is_nonzero(tg.tensor(data)) == torch.is_nonzero(torch.tensor(data))


@pytest.mark.parametrize("data, words", [([1.0, 2.0], "more than one value"), ([], "no values")])
def test_is_nonzero_refuses_other_sizes_as_pytorch(data, words):
    with pytest.raises(RuntimeError, match=words):
        tg.tensor(data).is_nonzero()


def test_is_same_size_and_is_cpu():
    assert tg.zeros(2, 3).is_same_size(tg.ones(2, 3))
    assert not tg.zeros(2, 3).is_same_size(tg.ones(3, 2))
    assert tg.is_same_size(tg.zeros(2), np.zeros(2))
    assert tg.zeros(2).is_cpu is True


@pytest.mark.torch
@pytest.mark.parametrize("view", [
    lambda t: t, lambda t: t.t(), lambda t: t[1:], lambda t: t[:, 1:], lambda t: t[:, ::2], lambda t: t[1],
    lambda t: t.transpose(0, 1)[2:],
])
def test_contiguity_offset_and_dim_order_of_views_match_pytorch(torch, view):
    data = np.arange(12.0).reshape(3, 4)
    x, tx = view(tg.tensor(data)), view(torch.tensor(data))
    assert x.is_contiguous() == tx.is_contiguous()
    assert x.storage_offset() == tx.storage_offset()
    assert x.dim_order() == tx.dim_order()
    assert x.stride() == tx.stride()


def test_data_ptr_tells_whether_memory_is_shared():
    x = tg.arange(6.0)
    assert x[2:].data_ptr() == x.data_ptr() + 2 * x.element_size()
    assert x.clone().data_ptr() != x.data_ptr()


@pytest.mark.torch
def test_output_nr_is_a_property_as_pytorch(torch):
    a = tg.tensor([1.0], requires_grad=True)
    assert (a * 2).output_nr == (torch.tensor([1.0], requires_grad=True) * 2).output_nr == 0
    assert a.output_nr == 0


@pytest.mark.torch
@pytest.mark.parametrize("name", ["byte", "char", "short", "cfloat", "cdouble"])
def test_casts_match_pytorch(torch, name):
    data = np.array([1.7, -2.2, 3.0, 200.0])
    ours, theirs = getattr(tg.tensor(data), name)(), getattr(torch.tensor(data), name)()
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
    np.testing.assert_array_equal(ours.data, theirs.numpy())


@pytest.mark.parametrize("name", ["bfloat16", "chalf"])
def test_dtypes_numpy_lacks_are_a_type_error_naming_the_method(name):
    with pytest.raises(TypeError, match=f"{name}: NumPy"):
        getattr(tg.ones(2), name)()
