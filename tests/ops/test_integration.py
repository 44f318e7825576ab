"""trapezoid, trapz and cumulative_trapezoid against PyTorch (values, dtypes, gradients for y and x), finite
differences in float64, and errors."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
from tests.helpers import assert_close, numeric_grad

NAMES = ["trapezoid", "trapz", "cumulative_trapezoid"]


def _both(torch, name, arrays, **kwargs):
    xs = [tg.Tensor(a.copy(), requires_grad=True) for a in arrays]
    ts = [torch.tensor(a.copy(), requires_grad=True) for a in arrays]
    y, yt = getattr(tg, name)(*xs, **kwargs), getattr(torch, name)(*ts, **kwargs)
    assert_close(y, yt, rtol=1e-10, atol=1e-12)
    v = np.random.default_rng(0).standard_normal(y.shape)
    y.backward(tg.Tensor(v))
    yt.backward(torch.tensor(v))
    for x, t in zip(xs, ts):
        assert_close(x.grad, t.grad, rtol=1e-10, atol=1e-12)


@pytest.mark.torch
@pytest.mark.parametrize("name", NAMES)
@given(shape=st.sampled_from([(5,), (2, 4), (3, 2, 3), (2, 1)]), dim=st.integers(-1, 0),
       dx=st.sampled_from([None, 0.5, 2]), seed=st.integers(0, 50))
def test_constant_spacing_as_pytorch(torch, name, shape, dim, dx, seed):
    y = np.random.default_rng(seed).standard_normal(shape)
    kwargs = {"dim": dim} if dx is None else {"dim": dim, "dx": dx}
    _both(torch, name, [y], **kwargs)


@pytest.mark.torch
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("y_shape, x_shape, dim", [((5,), (5,), -1), ((2, 4), (4,), 1), ((3, 4), (3,), 0),
                                                   ((2, 3, 4), (2, 3, 4), 1), ((2, 3, 4), (3, 4), -1),
                                                   ((2, 3, 4), (1, 4), -1)])
def test_sample_points_as_pytorch(torch, name, y_shape, x_shape, dim):
    rng = np.random.default_rng(1)
    y, x = rng.standard_normal(y_shape), np.cumsum(rng.uniform(0.1, 1.0, x_shape), axis=dim if len(x_shape) > 1 else 0)
    _both(torch, name, [y, x], dim=dim)


@pytest.mark.parametrize("name", NAMES)
def test_gradients_by_finite_differences(name):
    rng = np.random.default_rng(2)
    y, x = rng.standard_normal((2, 4)), np.cumsum(rng.uniform(0.1, 1.0, 4))
    fn = getattr(tg, name)
    ty, tx = tg.Tensor(y, requires_grad=True), tg.Tensor(x, requires_grad=True)
    out = fn(ty, tx)
    v = rng.standard_normal(out.shape)
    (out * tg.Tensor(v)).sum().backward()
    np.testing.assert_allclose(ty.grad.data, numeric_grad(lambda t: fn(t, tg.Tensor(x)), ty, v), atol=1e-8)
    np.testing.assert_allclose(tx.grad.data, numeric_grad(lambda t: fn(tg.Tensor(y), t), tx, v), atol=1e-8)


@pytest.mark.torch
@pytest.mark.parametrize("name", NAMES)
def test_dtypes_and_empty_as_pytorch(torch, name):
    ints = [1, 2, 4]
    for ours, theirs in [(getattr(tg, name)(tg.tensor(ints)), getattr(torch, name)(torch.tensor(ints))),
                         (getattr(tg, name)(tg.tensor(ints), dx=2), getattr(torch, name)(torch.tensor(ints), dx=2)),
                         (getattr(tg, name)(tg.tensor(ints), tg.tensor([1, 2, 5])),
                          getattr(torch, name)(torch.tensor(ints), torch.tensor([1, 2, 5]))),
                         (getattr(tg, name)(tg.zeros(2, 0)), getattr(torch, name)(torch.zeros(2, 0))),
                         (getattr(tg, name)(tg.tensor([[1], [2]])), getattr(torch, name)(torch.tensor([[1], [2]])))]:
        assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
        assert_close(ours, theirs)


@pytest.mark.parametrize("call, error, words", [
    (lambda: tg.trapezoid(tg.zeros(2, 3), tg.zeros(2)), tg.errors.ShapeError, ["trapezoid", "one `x` value"]),
    (lambda: tg.trapezoid(tg.zeros(3), tg.zeros(3), dx=1.0), TypeError, ["trapezoid", "not both"]),
    (lambda: tg.cumulative_trapezoid(tg.zeros(3), 2.0), TypeError, ["cumulative_trapezoid", "dx="]),
    (lambda: tg.trapz(tg.zeros(3), dim=2), IndexError, ["trapz"]),
    (lambda: tg.trapezoid(tg.tensor(1.0)), IndexError, ["trapezoid"]),
    (lambda: tg.trapezoid(tg.tensor([True, False])), TypeError, ["trapezoid", "bool"]),
    (lambda: tg.trapezoid(tg.zeros(2, 3), tg.zeros(4, 3), dim=1), tg.errors.ShapeError, ["trapezoid", "broadcast"]),
])
def test_errors_name_the_op(call, error, words):
    with pytest.raises(error) as info:
        call()
    for w in words:
        assert w in str(info.value)


def test_symbolic_trapezoid_is_the_rule():
    import sympy

    from tinygrad_edu.symbolic import symbols

    y, x = symbols("y", (3,)), symbols("x", (3,))
    y1, y2, y3 = y.data.tolist()
    x1, x2, x3 = x.data.tolist()
    expected = (x2 - x1) * (y1 + y2) / 2 + (x3 - x2) * (y2 + y3) / 2
    assert sympy.simplify(tg.trapezoid(y, x).item() - expected) == 0
    assert sympy.simplify(tg.trapezoid(y, dx=2).item() - (y1 + 2 * y2 + y3)) == 0
