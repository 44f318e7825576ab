"""tensor_random.py: the random in-place initialisers, repeatable under tg.manual_seed, with the right support,
moments and dtype, in place as PyTorch's (self returned, version bumped, a leaf that requires grad refused)."""
import numpy as np
import pytest

import tinygrad_edu as tg

N = 20000

# (call, dtype, support check, mean, variance) — moments within 5 standard errors
DRAWS = [
    (lambda t: t.uniform_(), np.float32, lambda v: (v >= 0).all() and (v < 1).all(), 0.5, 1 / 12),
    (lambda t: t.uniform_(-2, 3), np.float64, lambda v: (v >= -2).all() and (v < 3).all(), 0.5, 25 / 12),
    (lambda t: t.uniform_(**{"from": 1, "to": 2}), np.float32, lambda v: (v >= 1).all() and (v < 2).all(), 1.5,
     1 / 12),
    (lambda t: t.normal_(), np.float32, lambda v: True, 0.0, 1.0),
    (lambda t: t.normal_(3, 0.5), np.float64, lambda v: True, 3.0, 0.25),
    (lambda t: t.exponential_(2.0), np.float32, lambda v: (v >= 0).all(), 0.5, 0.25),
    (lambda t: t.log_normal_(0.0, 0.5), np.float64, lambda v: (v > 0).all(), np.exp(0.125),
     (np.exp(0.25) - 1) * np.exp(0.25)),
    (lambda t: t.geometric_(0.25), np.float32, lambda v: (v >= 1).all() and (v == np.round(v)).all(), 4.0, 12.0),
    (lambda t: t.geometric_(0.5), np.int64, lambda v: (v >= 1).all(), 2.0, 2.0),
    (lambda t: t.bernoulli_(0.3), np.float32, lambda v: np.isin(v, (0, 1)).all(), 0.3, 0.21),
    (lambda t: t.bernoulli_(0.7), np.int64, lambda v: np.isin(v, (0, 1)).all(), 0.7, 0.21),
    (lambda t: t.bernoulli_(0.5), np.bool_, lambda v: True, 0.5, 0.25),
    (lambda t: t.random_(10), np.int64, lambda v: (v >= 0).all() and (v < 10).all(), 4.5, 8.25),
    (lambda t: t.random_(-3, 3), np.float32, lambda v: (v >= -3).all() and (v < 3).all(), -0.5, 35 / 12),
    (lambda t: t.random_(**{"from": 2, "to": 4}), np.int32, lambda v: np.isin(v, (2, 3)).all(), 2.5, 0.25),
]


@pytest.mark.parametrize("call, dtype, support, mean, var", DRAWS)
def test_draws_are_repeatable_keep_dtype_and_have_the_right_distribution(call, dtype, support, mean, var):
    tg.manual_seed(3)
    t = tg.zeros(N, dtype=dtype)
    v0 = t._version
    assert call(t) is t and t._version == v0 + 1
    assert t.dtype == dtype
    values = t.data.astype(np.float64)
    assert support(t.data)
    assert abs(values.mean() - mean) < 5 * np.sqrt(var / N)
    assert abs(values.var() - var) < 0.1 * var
    tg.manual_seed(3)
    np.testing.assert_array_equal(call(tg.zeros(N, dtype=dtype)).data, t.data)
    assert not np.array_equal(call(tg.zeros(N, dtype=dtype)).data, t.data)


def test_cauchy_median_and_quartiles():
    tg.manual_seed(0)
    v = tg.zeros(N, dtype=tg.float64).cauchy_(1.0, 2.0).data
    np.testing.assert_allclose(np.percentile(v, [25, 50, 75]), [-1.0, 1.0, 3.0], atol=0.15)


def test_bernoulli_with_a_probability_tensor_and_out_of_place():
    tg.manual_seed(1)
    p = tg.tensor(np.array([0.0, 1.0, 0.5, 0.5] * 5000, dtype=np.float32))
    b = p.bernoulli()
    assert b.dtype == tg.float32 and b is not p
    assert (b.data[0::4] == 0).all() and (b.data[1::4] == 1).all()
    assert abs(b.data[2::4].mean() - 0.5) < 0.05
    t = tg.zeros(4, 5000).bernoulli_(p.reshape(4, 5000)[:, :1] * 0 + tg.tensor([[0.0], [1.0], [0.2], [0.9]]))
    np.testing.assert_allclose(t.data.mean(axis=1), [0.0, 1.0, 0.2, 0.9], atol=0.03)


def test_random_without_bounds_stays_in_the_dtypes_exact_integers():
    tg.manual_seed(2)
    f16 = tg.zeros(1000, dtype=tg.float16).random_().data
    assert (f16 >= 0).all() and (f16 <= 2 ** 11).all() and (f16 == np.round(f16)).all()
    assert tg.zeros(1000, dtype=tg.bool).random_().data.any()


@pytest.mark.torch
@pytest.mark.parametrize("name, args", [("uniform_", ()), ("normal_", ()), ("bernoulli_", (0.5,)),
                                        ("random_", (0, 5)), ("exponential_", ()), ("geometric_", (0.5,)),
                                        ("cauchy_", ()), ("log_normal_", ())])
def test_a_leaf_that_requires_grad_refuses_outside_no_grad_as_pytorch(torch, name, args):
    w, tw = tg.zeros(3, requires_grad=True), torch.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        getattr(w, name)(*args)
    with pytest.raises(RuntimeError, match="leaf"):
        getattr(tw, name)(*args)
    with tg.no_grad():
        assert getattr(w, name)(*args) is w
    assert w.requires_grad and w.is_leaf


def test_on_a_non_leaf_the_values_are_replaced_and_no_gradient_flows_through_them():
    a = tg.ones(4, requires_grad=True)
    h = a * 2
    h.normal_()
    (h * 3).sum().backward()
    np.testing.assert_array_equal(a.grad.data, np.zeros(4))


@pytest.mark.torch
@pytest.mark.parametrize("call", [lambda t: t.uniform_(2, 1), lambda t: t.normal_(0, -1),
                                  lambda t: t.exponential_(-1.0), lambda t: t.geometric_(1.5),
                                  lambda t: t.bernoulli_(1.5), lambda t: t.random_(5, 2),
                                  lambda t: t.long().normal_(), lambda t: t.long().uniform_(),
                                  lambda t: t.long().bernoulli()])
def test_bad_arguments_raise_runtime_error_as_pytorch(torch, call):
    with pytest.raises(RuntimeError):
        call(tg.zeros(3))
    with pytest.raises(RuntimeError):
        call(torch.zeros(3))
