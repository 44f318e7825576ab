"""instance_norm against PyTorch (values, input/weight/bias gradients, running statistics, eval with running
statistics), finite differences in float64, Hypothesis over shapes, SymPy values and PyTorch's errors."""
import numpy as np
import pytest
import sympy
from hypothesis import given, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tests.helpers import assert_close, numeric_grad, rand64


def _torch(torch, *ts):
    return [None if t is None else torch.tensor(t.data, requires_grad=t.requires_grad) for t in ts]


@pytest.mark.torch
@given(n=st.integers(1, 3), c=st.integers(1, 4), spatial=st.lists(st.integers(1, 4), min_size=1, max_size=2),
       affine=st.booleans(), seed=st.integers(0, 100))
def test_values_gradients_and_running_stats_as_pytorch(torch, n, c, spatial, affine, seed):
    if int(np.prod(spatial)) == 1:
        spatial = spatial + [2]
    rng = np.random.default_rng(seed)
    x = rand64(rng, (n, c, *spatial))
    w, b = (rand64(rng, (c,)), rand64(rng, (c,))) if affine else (None, None)
    rm, rv = rng.standard_normal(c), rng.uniform(0.5, 2, c)
    ours_rm, ours_rv = tg.Tensor(rm.copy()), tg.Tensor(rv.copy())
    y = F.instance_norm(x, ours_rm, ours_rv, w, b, momentum=0.3, eps=1e-3)
    tx, tw, tb = _torch(torch, x, w, b)
    t_rm, t_rv = torch.tensor(rm.copy()), torch.tensor(rv.copy())
    ty = torch.nn.functional.instance_norm(tx, t_rm, t_rv, tw, tb, momentum=0.3, eps=1e-3)
    assert_close(y, ty, rtol=1e-9)
    assert_close(ours_rm, t_rm, rtol=1e-9)
    assert_close(ours_rv, t_rv, rtol=1e-9)
    v = rng.standard_normal(y.shape)
    y.backward(tg.Tensor(v))
    ty.backward(torch.tensor(v))
    for ours, theirs in ((x, tx), (w, tw), (b, tb)):
        if ours is not None:
            assert_close(ours.grad, theirs.grad, rtol=1e-7, atol=1e-10)


@pytest.mark.torch
def test_eval_with_running_statistics_as_pytorch(torch):
    rng = np.random.default_rng(0)
    x, rm, rv, w = rand64(rng, (2, 3, 5)), rand64(rng, (3,)), rand64(rng, (3,), 0.5, 2), rand64(rng, (3,))
    y = F.instance_norm(x, rm, rv, w, use_input_stats=False)
    tx, trm, trv, tw = _torch(torch, x, rm, rv, w)
    ty = torch.nn.functional.instance_norm(tx, trm.detach(), trv.detach(), tw, use_input_stats=False)
    assert_close(y, ty, rtol=1e-9)
    y.sum().backward()
    ty.sum().backward()
    assert_close(x.grad, tx.grad) and assert_close(w.grad, tw.grad)


def test_finite_differences_float64():
    rng = np.random.default_rng(1)
    x, w = rand64(rng, (2, 2, 3, 2)), rand64(rng, (2,))
    v = rng.standard_normal(x.shape)
    F.instance_norm(x, weight=w).backward(tg.Tensor(v))
    assert_close(x.grad, numeric_grad(lambda t: F.instance_norm(t, weight=w), x, v), rtol=1e-5, atol=1e-7)


def test_second_derivative_flows():
    x = rand64(np.random.default_rng(2), (1, 2, 4))
    (g,) = tg.autograd.grad((F.instance_norm(x) ** 3).sum(), x, create_graph=True)
    (gg,) = tg.autograd.grad(g.sum(), x)
    assert gg.shape == x.shape and np.isfinite(gg.data).all()


def test_symbolic_values_are_exact():
    a, b = sympy.symbols("a b")
    x = tg.Tensor(np.array([[[a, b]]], dtype=object))
    y = F.instance_norm(x, eps=0)
    assert sympy.simplify(y.data[0, 0, 0] - (a - b) / sympy.sqrt((a - b) ** 2)) == 0


def test_errors_name_the_op_and_rule():
    with pytest.raises(ValueError, match="instance_norm.*more than 1 spatial element"):
        F.instance_norm(tg.ones(3, 4))
    with pytest.raises(RuntimeError, match="instance_norm.*running_mean and running_var"):
        F.instance_norm(tg.ones(2, 3, 4), use_input_stats=False)
    with pytest.raises(RuntimeError, match="instance_norm.*weight"):
        F.instance_norm(tg.ones(2, 3, 4), weight=tg.ones(4))
    with pytest.raises(TypeError, match="instance_norm"):
        F.instance_norm(tg.ones(2, 3, 4, dtype=np.int64))
