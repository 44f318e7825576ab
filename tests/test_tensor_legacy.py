"""tensor_legacy.py: resize_/resize_as_ (same or fewer elements, growing refused), new(...), apply_/map_ (a Python
callable per element) and as_subclass, against PyTorch where PyTorch's result is defined."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tests.helpers import assert_close


@pytest.mark.torch
@pytest.mark.parametrize("sizes", [(2, 3), (6,), (4,), (1, 2), (0,)])
def test_resize_keeps_the_first_values_in_row_major_order_as_pytorch(torch, sizes):
    data = np.arange(6.0).reshape(3, 2)
    x, tx = tg.tensor(data), torch.tensor(data)
    assert x.resize_(*sizes) is x
    tx.resize_(*sizes)
    assert x._version == 1
    assert_close(x, tx)
    y, ty = tg.tensor(data), torch.tensor(data)
    y.resize_as_(tg.zeros(sizes))
    ty.resize_as_(torch.zeros(sizes))
    assert_close(y, ty)
    z = tg.tensor(data)
    assert tg.resize_as_(z, tg.zeros(sizes)) is z and z.shape == sizes


def test_resize_refuses_growing_and_a_tensor_that_requires_grad():
    with pytest.raises(RuntimeError, match="uninitialised memory"):
        tg.zeros(3).resize_(2, 2)
    with pytest.raises(RuntimeError, match="requires grad"):
        tg.zeros(3, requires_grad=True).resize_(3)


@pytest.mark.torch
@pytest.mark.parametrize("dtype", ["float32", "int32"])
def test_new_follows_pytorch_in_dtype_and_shape(torch, dtype):
    x, tx = tg.ones(2, dtype=np.dtype(dtype)), torch.ones(2, dtype=getattr(torch, dtype))
    for args in [(), (2, 3), ([1, 2],), ((2, 3),)]:
        ours, theirs = x.new(*args), tx.new(*args)
        assert ours.shape == tuple(theirs.shape)
        assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
    assert x.new([1, 2]).tolist() == tx.new([1, 2]).tolist()
    assert x.new(2, 3).tolist() == [[0, 0, 0], [0, 0, 0]]  # zeros, never uninitialised memory


def test_new_refuses_a_tensor_of_another_dtype():
    with pytest.raises(TypeError, match="new: expected a tensor of dtype int64"):
        tg.tensor([1, 2]).new(tg.tensor([1.5]))


@pytest.mark.torch
def test_apply_and_map_call_the_function_per_element_as_pytorch(torch):
    data = np.arange(6).reshape(2, 3)
    x, tx = tg.tensor(data), torch.tensor(data)
    assert x.apply_(lambda v: v * v - 1) is x
    tx.apply_(lambda v: v * v - 1)
    assert x.tolist() == tx.tolist() and x.dtype == tg.int64 and x._version == 1
    y, ty = tg.tensor(data * 1.5), torch.tensor(data * 1.5)
    y.map_(tg.tensor([1.0, 10.0, 100.0]), lambda a, b: a * b + 1)
    ty.map_(torch.tensor([1.0, 10.0, 100.0], dtype=torch.float64), lambda a, b: a * b + 1)
    assert_close(y, ty)


def test_apply_writes_through_a_view_and_refuses_a_tensor_that_requires_grad():
    x = tg.zeros(2, 3)
    x[1].apply_(lambda v: v + 7)
    assert x.tolist() == [[0, 0, 0], [7, 7, 7]]
    with pytest.raises(RuntimeError, match="requires grad"):
        tg.zeros(2, requires_grad=True).apply_(float)
    with pytest.raises(RuntimeError, match="map_: tensor of shape"):
        tg.zeros(2, 3).map_(tg.zeros(2), max)


class Marked(tg.Tensor):
    pass


def test_as_subclass_shares_memory_and_stays_in_the_graph():
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    b = (a * 3).as_subclass(Marked)
    assert type(b) is Marked and b.requires_grad
    (b * b).sum().backward()
    assert a.grad.tolist() == [18.0, 36.0]
    c = tg.tensor([1.0, 2.0])
    m = c.as_subclass(Marked)
    c.data[0] = 5.0
    assert m.tolist() == [5.0, 2.0]
    with pytest.raises(TypeError, match="subclass of Tensor"):
        c.as_subclass(int)
