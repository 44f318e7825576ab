"""Channel-wise dropout (dropout1d, dropout2d): whole maps kept or zeroed, kept ones scaled by 1/(1−p), the
gradient the same mask, PyTorch's rank rules, warnings, errors and eval identity; SymPy values exact."""
import warnings

import numpy as np
import pytest
import sympy
from hypothesis import given, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.errors import ShapeError
from tests.helpers import assert_close, numeric_grad, rand64


@given(n=st.integers(1, 3), c=st.integers(1, 6), spatial=st.lists(st.integers(1, 4), min_size=1, max_size=2),
       p=st.sampled_from([0.0, 0.2, 0.5, 0.9, 1.0]), seed=st.integers(0, 1000))
def test_whole_channels_are_zeroed_or_scaled(n, c, spatial, p, seed):
    fn = F.dropout1d if len(spatial) == 1 else F.dropout2d
    x = tg.Tensor(np.random.default_rng(seed).uniform(0.5, 2.0, (n, c, *spatial)), requires_grad=True)
    tg.manual_seed(seed)
    y = fn(x, p)
    ratio = (y.data / x.data).reshape(n, c, -1)
    scale = 0.0 if p == 1 else 1 / (1 - p)
    assert np.allclose(ratio, ratio[..., :1])  # one factor per (sample, channel)
    assert set(np.round(ratio[..., 0].ravel(), 9)) <= {0.0, round(scale, 9)}
    y.backward(tg.Tensor(np.ones(y.shape)))
    assert_close(x.grad, ratio.reshape(x.shape))


def test_the_dropped_fraction_is_about_p():
    tg.manual_seed(0)
    y = F.dropout2d(tg.ones(200, 50, 2, 2), 0.3)
    dropped = (y.data[:, :, 0, 0] == 0).mean()
    assert abs(dropped - 0.3) < 0.02
    assert np.allclose(y.data[y.data != 0], 1 / 0.7)


def test_finite_differences_with_a_fixed_mask():
    rng = np.random.default_rng(1)
    x = rand64(rng, (2, 4, 3))

    def f(t):
        tg.manual_seed(5)
        return F.dropout1d(t, 0.4)

    v = rng.standard_normal((2, 4, 3))
    f(x).backward(tg.Tensor(v))
    assert_close(x.grad, numeric_grad(f, x, v), rtol=1e-6, atol=1e-8)


def test_unbatched_dropout1d_drops_rows_of_a_c_by_l_input():
    tg.manual_seed(3)
    y = F.dropout1d(tg.ones(40, 6), 0.5)
    assert y.shape == (40, 6)
    assert all(len(set(row)) == 1 for row in y.data)
    assert 0 < (y.data[:, 0] == 0).sum() < 40


def test_eval_mode_and_p_zero_are_the_identity():
    x = rand64(np.random.default_rng(2), (2, 3, 4, 4))
    for y in (F.dropout2d(x, 0.5, training=False), F.dropout2d(x, 0.0), F.dropout1d(x[0], 0.7, False)):
        assert np.array_equal(y.data, (x if y.ndim == 4 else x[0]).data)


def test_symbolic_channels_are_exactly_twice_the_input():
    x = tg.Tensor(np.array(sympy.symbols("a0:8"), dtype=object).reshape(1, 2, 2, 2))
    tg.manual_seed(0)
    y = F.dropout2d(x, 0.5)
    for c in range(2):
        factors = {sympy.simplify(y.data[0, c].ravel()[i] / x.data[0, c].ravel()[i]) for i in range(4)}
        assert factors in ({0}, {2})


def test_rank_and_probability_errors():
    with pytest.raises(ShapeError, match="dropout1d.*4D"):
        F.dropout1d(tg.ones(1, 2, 3, 4))
    with pytest.raises(ValueError, match="dropout2d.*between 0 and 1"):
        F.dropout2d(tg.ones(1, 2, 3, 4), 1.5)
    with pytest.raises(ShapeError, match="dropout2d.*at least 2 dimensions"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        F.dropout2d(tg.ones(5))
    with pytest.raises(TypeError, match="dropout2d.*floating"):
        F.dropout2d(tg.ones(1, 2, 3, 4, dtype=np.int64))


def test_dropout2d_warns_as_pytorch_on_3d_and_other_ranks():
    with pytest.warns(UserWarning, match="3D input to dropout2d"):
        F.dropout2d(tg.ones(2, 3, 4))
    with pytest.warns(UserWarning, match="2-D input to dropout2d"):
        F.dropout2d(tg.ones(2, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.dropout2d(tg.ones(2, 3, 4, 4))
        F.dropout1d(tg.ones(2, 3))


@pytest.mark.torch
@pytest.mark.parametrize("shape, fn", [((2, 3, 4), "dropout1d"), ((3, 4), "dropout1d"), ((2, 3, 4, 5), "dropout2d"),
                                       ((2, 3, 4), "dropout2d")])
def test_against_pytorch_in_the_deterministic_cases(torch, shape, fn):
    x = rand64(np.random.default_rng(0), shape)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for p, training in ((0.5, False), (1.0, True), (0.0, True)):
            ours = getattr(F, fn)(x, p, training)
            assert_close(ours, getattr(torch.nn.functional, fn)(torch.tensor(x.data), p, training))
    for bad in (1.5, -0.1):
        with pytest.raises(ValueError):
            getattr(torch.nn.functional, fn)(torch.tensor(x.data), bad)
        with pytest.raises(ValueError):
            getattr(F, fn)(x, bad)
