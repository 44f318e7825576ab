"""Tensor construction, dtypes, properties and operator sugar, as API.md states them."""
import numpy as np
import pytest
import sympy

import tinygrad_edu as tg


def test_dtypes_follow_the_api_contract():
    assert tg.Tensor([1, 2, 3]).dtype == np.float32  # torch.Tensor(...) is float32 always
    assert tg.tensor([1, 2]).dtype == np.int64 and tg.tensor([1.0, 2.0]).dtype == np.float32
    assert tg.tensor(3).dtype == np.int64 and tg.tensor([True]).dtype == np.bool_
    assert tg.tensor([1, 2.5]).dtype == np.float32
    assert tg.Tensor(2.5).dtype == np.float32
    assert tg.Tensor(np.zeros(2)).dtype == np.float64
    assert tg.Tensor(np.arange(3)).dtype.kind == "i"
    assert tg.Tensor(np.zeros(2), dtype=tg.float32).dtype == np.float32
    assert tg.Tensor(sympy.Symbol("x")).dtype == object
    assert tg.Tensor([sympy.Symbol("x"), 1]).dtype == object


def test_properties_as_in_pytorch():
    t = tg.Tensor(np.ones((2, 3)), requires_grad=True, name="W")
    assert t.shape == (2, 3) and t.ndim == 2 and t.is_leaf and t.requires_grad and t.name == "W"
    assert isinstance(t.numpy(), np.ndarray)
    assert tg.Tensor([4.0]).item() == 4.0
    y = t * 2
    assert not y.is_leaf and y.grad_fn.name == "Mul"
    assert "grad_fn=Mul" in repr(y)
    with pytest.raises(ValueError, match=r"item: only a one-element tensor.*\(2, 3\)"):
        t.item()


def test_right_hand_operators_and_numpy_operands():
    x = tg.Tensor([1.0, 2.0], requires_grad=True)
    y = 1 - x + 2 * x / (3 + x) - 4 / x + np.array([1.0, 1.0]) * x + 2 ** x
    y.sum().backward()
    expected = -1 + 2 * 3 / (3 + x.data) ** 2 + 4 / x.data ** 2 + 1 + np.log(2) * 2 ** x.data
    np.testing.assert_allclose(x.grad.data, expected, rtol=1e-5)


def test_numpy_array_on_the_left_defers_to_tensor():
    x = tg.Tensor([1.0, 2.0], requires_grad=True)
    y = np.array([3.0, 4.0]) * x
    assert isinstance(y, tg.Tensor)


def test_comparisons_give_boolean_tensors_without_graph():
    x = tg.Tensor([1.0, 2.0], requires_grad=True)
    mask = x > 1.5
    assert mask.dtype == bool and not mask.requires_grad
    assert mask.data.tolist() == [False, True]


def test_creation_functions_and_seed_repeat():
    tg.manual_seed(3)
    a = tg.randn(2, 3)
    tg.manual_seed(3)
    b = tg.randn((2, 3))
    np.testing.assert_array_equal(a.data, b.data)
    assert tg.zeros(2, dtype=tg.float64).dtype == np.float64
    assert tg.ones(2, 2, requires_grad=True).requires_grad
    assert 0 <= tg.rand(100).data.min() and tg.rand(100).data.max() < 1


def test_cast_is_differentiable():
    x = tg.Tensor([1.0, 2.0], requires_grad=True)
    y = x.double() * 3
    assert y.dtype == np.float64
    y.sum().backward()
    assert x.grad.dtype == np.float32 and x.grad.data.tolist() == [3.0, 3.0]


@pytest.mark.torch
def test_integer_arithmetic_promotes_as_torch(torch):
    cases = [lambda m: m.tensor([1, 2]) / m.tensor([2, 4]), lambda m: m.tensor([1, 2]) / 2,
             lambda m: m.tensor([1, 2]) * 2.5, lambda m: m.tensor([1, 2]) + m.tensor([0.5, 0.5]),
             lambda m: m.tensor([1, 2]) + 1, lambda m: m.tensor([1, 2]).exp(),
             lambda m: m.tensor([True, False]) * 1.5]
    for case in cases:
        ours, theirs = case(tg), case(torch)
        assert str(ours.dtype) == str(theirs.dtype).replace("torch.", ""), (ours.dtype, theirs.dtype)
        np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-6)


def test_tensor_copies_and_from_numpy_shares_as_torch():
    a = np.zeros(3)
    t = tg.tensor(a)
    t.data[0] = 1
    assert a[0] == 0


def test_size_numel_dim_and_python_numbers():
    t = tg.zeros(2, 3)
    assert t.size() == (2, 3) and t.size(1) == 3 and t.size(-1) == 3 and t.numel() == 6 and t.dim() == 2
    with pytest.raises(IndexError, match="size"):
        t.size(2)
    assert float(tg.tensor(2.5)) == 2.5 and int(tg.tensor(3)) == 3
    assert ("a", "b", "c")[tg.tensor(1)] == "b"


def test_the_cpu_is_the_only_device():
    t = tg.tensor([1.0])
    assert t.to("cpu") is t and t.cpu() is t and t.to(tg.device("cpu")) is t and t.device == tg.device("cpu")
    assert t.to("cpu", tg.float64).dtype == np.float64 and t.to(tg.zeros(1, dtype=tg.float64)).dtype == np.float64
    assert not tg.cuda.is_available()
    for bad in (lambda: t.to("cuda"), lambda: t.cuda(), lambda: tg.tensor([1.0], device="cuda:0")):
        with pytest.raises(RuntimeError, match="not available"):
            bad()


@pytest.mark.torch
def test_in_place_on_a_view_of_a_graph_tensor_changes_the_base(torch):
    x0 = np.arange(6.0).reshape(2, 3)
    results = []
    for m in (torch, tg):
        x = m.tensor(x0, requires_grad=True)
        y = x * 1
        y[0].mul_(2)
        v = y.view(-1)
        v[5] = 7.0
        results.append(y.detach().numpy().copy())
    np.testing.assert_array_equal(results[1], results[0])


@pytest.mark.torch
def test_legacy_tensor_constructor_with_sizes_matches_torch(torch):
    assert tuple(tg.Tensor(2, 3).shape) == tuple(torch.Tensor(2, 3).shape)


@pytest.mark.torch
@pytest.mark.parametrize("sizes", [(2, 3), (4, 1, 2), (2, 3, 4, 5, 6), (0, 3), (np.int64(2), 3)])
def test_integer_arguments_after_integer_data_are_sizes_as_torch_tensor(torch, sizes):
    """torch.Tensor(out, in) of old tutorials: a float32 tensor of that shape (zeros for PyTorch's uninitialised
    memory), not requiring grad."""
    ours, theirs = tg.Tensor(*sizes), torch.Tensor(*(int(s) for s in sizes))
    assert ours.shape == tuple(theirs.shape) and ours.dtype == np.float32 and not ours.requires_grad
    assert not ours.data.any()
    assert tg.Tensor(2, 3, dtype=np.float64).dtype == np.float64


def test_one_integer_stays_a_0d_value_and_a_bool_second_argument_is_requires_grad():
    """Tensor(5) is the value 5 (torch: a size-5 vector), kept for the library's own Tensor(number) calls;
    Tensor(2, True) is the value 2 requiring grad."""
    assert tg.Tensor(5).shape == () and float(tg.Tensor(5)) == 5.0
    t = tg.Tensor(2, True)
    assert t.shape == () and t.requires_grad
    assert tg.Tensor([1.0], np.bool_(True)).requires_grad


@pytest.mark.parametrize("args", [([1.0, 2.0], 3), (2.0, 3), ([1.0], "yes"), ([1.0], None), (np.ones(2), 1)])
def test_non_bool_requires_grad_is_refused(args):
    with pytest.raises(TypeError, match=r"Tensor: argument 'requires_grad' must be a bool"):
        tg.Tensor(*args)


def test_bad_legacy_sizes_are_refused():
    with pytest.raises(ValueError, match="negative dimension"):
        tg.Tensor(2, -3)
    with pytest.raises(TypeError, match="sizes must all be integers"):
        tg.Tensor(2, 3, None, None, 4)
