"""max_unpool2d against PyTorch (values and gradients, repeated indices, output_size rules), central
differences, and its refusals of bad indices."""
import re

import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.errors import ShapeError
from tinygrad_edu.ops.pool import max_pool2d
from tinygrad_edu.ops.pool_unpool import max_unpool2d
from tests.helpers import assert_close, numeric_grad, rand64


@st.composite
def unpool_case(draw):
    """A max pooling (kernel, stride, padding) whose indices feed max_unpool2d, with an output_size choice."""
    k, s = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    p = draw(st.integers(0, k // 2))
    h, w = k + draw(st.integers(0, 5)), k + draw(st.integers(0, 5))
    return (draw(st.integers(1, 2)), 2, h, w), k, s, p, draw(st.sampled_from(["default", "input", "full"]))


@pytest.mark.torch
@given(case=unpool_case(), seed=st.integers(0, 2**16))
def test_max_unpool2d_matches_torch(torch, case, seed):
    shape, k, s, p, size_kind = case
    rng = np.random.default_rng(seed)
    x = tg.Tensor(rng.integers(-3, 3, shape).astype(np.float64))
    y, i = max_pool2d(x, k, s, p, return_indices=True)
    yt, it = torch.nn.functional.max_pool2d(torch.tensor(x.data), k, s, p, return_indices=True)
    default = tuple((n - 1) * s - 2 * p + k for n in y.shape[2:])
    size = {"default": None, "input": shape[2:], "full": shape[:2] + default}[size_kind]
    v = rand64(rng, y.shape)
    vt = torch.tensor(v.data, requires_grad=True)
    if size_kind != "input" and min(default) < 1:  # PyTorch returns an empty plane that cannot hold the indices
        with pytest.raises(ShapeError, match=r"max_unpool2d: output size .* is not positive"):
            max_unpool2d(v, i, k, s, p, size)
        return
    if i.data.max() >= np.prod((size or default)[-2:]):  # the default size may be too small for the indices
        with pytest.raises(RuntimeError, match="invalid max index"):
            torch.nn.functional.max_unpool2d(vt, it, k, s, p, size)
        with pytest.raises(IndexError, match="max_unpool2d: index .* is out of range"):
            max_unpool2d(v, i, k, s, p, size)
        return
    u = max_unpool2d(v, i, k, s, p, size)
    ut = torch.nn.functional.max_unpool2d(vt, it, k, s, p, size)
    assert_close(u, ut)
    g = rng.standard_normal(u.shape)
    u.backward(tg.Tensor(g))
    ut.backward(torch.tensor(g))
    assert_close(v.grad, vt.grad)


def test_max_unpool2d_of_max_pool2d_keeps_each_maximum_in_place():
    x = rand64(np.random.default_rng(1), (2, 3, 4, 6))
    y, i = max_pool2d(x, 2, return_indices=True)
    u = max_unpool2d(y, i, 2)
    kept = u.data != 0
    assert kept.sum() == y.numel()
    np.testing.assert_array_equal(u.data[kept], x.data[kept])
    unbatched = max_unpool2d(y[0], i[0], 2)
    np.testing.assert_array_equal(unbatched.data, u.data[0])


def test_max_unpool2d_gradient_matches_finite_differences():
    """Windows that do not overlap (stride = kernel), so no index repeats and every entry of v is used."""
    rng = np.random.default_rng(2)
    _, i = max_pool2d(rand64(rng, (1, 2, 5, 5)), 2, 2, 1, return_indices=True)
    v = rand64(rng, i.shape)
    fn = lambda t: max_unpool2d(t, i, 2, 2, 1, output_size=(5, 5))  # noqa: E731
    w = rng.standard_normal((1, 2, 5, 5))
    fn(v).backward(tg.Tensor(w))
    np.testing.assert_allclose(v.grad.data, numeric_grad(fn, v, w), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("indices,error,message", [
    (np.full((1, 1, 2, 2), 16), IndexError, "max_unpool2d: index 16 is out of range for an output plane of 4×4"),
    (np.full((1, 1, 2, 2), -1), IndexError, "max_unpool2d: index -1 is out of range"),
    (np.zeros((1, 1, 2, 2), dtype=np.int32), TypeError, "max_unpool2d: indices must be int64"),
    (np.zeros((1, 1, 2, 3), dtype=np.int64), ShapeError, "max_unpool2d: indices shape (1, 1, 2, 3) must equal"),
])
def test_max_unpool2d_refuses_bad_indices(indices, error, message):
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        max_unpool2d(tg.ones(1, 1, 2, 2), tg.Tensor(indices), 2)


@pytest.mark.torch
@pytest.mark.parametrize("output_size,message", [
    ((7, 7), "max_unpool2d: output_size (7, 7) is invalid: dimension 0 must be between 2 and 6"),
    ((1, 5, 3), "max_unpool2d: output_size must hold 2 or 4 sizes"),
])
def test_max_unpool2d_output_size_rules_as_torch(torch, output_size, message):
    x, i = tg.ones(1, 1, 2, 2), tg.zeros(1, 1, 2, 2, dtype=tg.int64)
    with pytest.raises(ValueError):
        torch.nn.functional.max_unpool2d(torch.ones(1, 1, 2, 2), torch.zeros(1, 1, 2, 2, dtype=torch.long), 2,
                                         output_size=output_size)
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        max_unpool2d(x, i, 2, output_size=output_size)


def test_bool_input_is_refused():
    with pytest.raises(TypeError, match="max_unpool2d: input of dtype bool is not supported"):
        max_unpool2d(tg.Tensor(np.ones((1, 1, 2, 2), dtype=bool)), tg.zeros(1, 1, 2, 2, dtype=tg.int64), 2)


@pytest.mark.torch
def test_padding_beyond_half_the_kernel_is_accepted_as_torch(torch):
    v, i = rand64(np.random.default_rng(0), (1, 1, 2, 2)), tg.Tensor(np.array([[[[0, 3], [1, 2]]]]))
    u = max_unpool2d(v, i, 5, 3, 3)
    ut = torch.nn.functional.max_unpool2d(torch.tensor(v.data), torch.tensor(i.data), 5, 3, 3)
    assert u.shape == (1, 1, 2, 2)
    assert_close(u, ut)
    with pytest.raises(ShapeError, match=re.escape("max_unpool2d: padding (-1, -1) must not be negative")):
        max_unpool2d(v, i, 2, 2, -1)


def test_functional_name():
    assert F.max_unpool2d is max_unpool2d
