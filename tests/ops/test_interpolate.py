"""F.interpolate against PyTorch: nearest and nearest-exact to the bit (PyTorch's float32 index rule), linear,
bilinear, bicubic and trilinear with and without align_corners, area (adaptive average pooling) on 3-D, 4-D and
5-D input, by size or scale factor; gradients (the scatter-add adjoint) against PyTorch and finite differences;
the errors. Bicubic's own index and weight rules: test_interpolate_cubic.py."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.inspect import gradcheck
from tests.helpers import assert_close, rand64, to_torch

FACTORS = [0.5, 0.6, 0.75, 1.0, 1 / 3 * 4, 1.5, 1.7, 2.0, 2.5, 3.0, 3.3]


@st.composite
def resize_cases(draw, spatial):
    """An input shape with `spatial` dimensions and either output sizes or scale factors (with the
    recompute_scale_factor choice)."""
    sizes = tuple(draw(st.integers(2, 7)) for _ in range(spatial))
    if draw(st.booleans()):
        out = tuple(draw(st.integers(1, 15)) for _ in range(spatial))
        return (1, 2) + sizes, {"size": out if spatial > 1 or draw(st.booleans()) else out[0]}
    factors = tuple(draw(st.sampled_from(FACTORS)) for _ in range(spatial))
    return (1, 2) + sizes, {"scale_factor": factors if draw(st.booleans()) else factors[0],
                            "recompute_scale_factor": draw(st.sampled_from([None, True, False]))}


MODES = {1: ["nearest", "nearest-exact", "linear", "area"],
         2: ["nearest", "nearest-exact", "bilinear", "bicubic", "area"],
         3: ["nearest", "nearest-exact", "trilinear", "area"]}


@pytest.mark.torch
@pytest.mark.parametrize("spatial", [1, 2, 3])
@given(data=st.data(), seed=st.integers(0, 2**16))
def test_interpolate_matches_torch(torch, spatial, data, seed):
    shape, kwargs = data.draw(resize_cases(spatial))
    mode = data.draw(st.sampled_from(MODES[spatial]))
    if mode not in ("nearest", "nearest-exact", "area"):
        kwargs["align_corners"] = data.draw(st.sampled_from([None, True, False]))
    dtype = data.draw(st.sampled_from([np.float32, np.float64]))
    rng = np.random.default_rng(seed)
    x = tg.Tensor(rng.standard_normal(shape).astype(dtype), requires_grad=True)
    xt = to_torch(torch, x)
    y, yt = F.interpolate(x, mode=mode, **kwargs), torch.nn.functional.interpolate(xt, mode=mode, **kwargs)
    assert y.dtype == dtype
    exact = mode.startswith("nearest")
    tolerance = 0 if exact else (1e-6 if dtype == np.float32 else 1e-14) * (10 if mode == "bicubic" else 1)
    assert_close(y, yt, rtol=tolerance, atol=tolerance)
    g = rng.standard_normal(y.shape).astype(dtype)
    y.backward(tg.Tensor(g))
    yt.backward(torch.tensor(g))
    if not _torch_backward_disagrees_with_its_forward(shape, y.shape, kwargs, mode):
        assert_close(x.grad, xt.grad, rtol=1e-5 if dtype == np.float32 else 1e-12,
                     atol=1e-5 if dtype == np.float32 else 1e-12)


def _torch_backward_disagrees_with_its_forward(shape, out_shape, kwargs, mode):
    """PyTorch's 1-D and 3-D nearest backward takes its 2-D shortcuts (out = in, out = 2·in) even when a
    scale_factor made its forward read floor(i/scale_factor) instead (see the test below); its bicubic backward
    copies δ when the output has the input's shape, even when a scale_factor ≠ 1 made its forward interpolate
    (test_interpolate_cubic.py)."""
    if mode == "bicubic":
        return (kwargs.get("scale_factor") is not None and not kwargs.get("recompute_scale_factor")
                and not kwargs.get("align_corners") and tuple(out_shape[2:]) == tuple(shape[2:]))
    if mode != "nearest" or len(shape) == 4 or kwargs.get("scale_factor") is None:
        return False
    if kwargs.get("recompute_scale_factor"):
        return False
    return any(m in (n, 2 * n) for n, m in zip(shape[2:], out_shape[2:]))


@pytest.mark.torch
def test_nearest_gradient_is_the_adjoint_of_the_forward_where_torchs_is_not(torch):
    x = tg.Tensor(np.arange(3.0).reshape(1, 1, 3), requires_grad=True)
    y = F.interpolate(x, scale_factor=2.1)
    xt = to_torch(torch, x)
    yt = torch.nn.functional.interpolate(xt, scale_factor=2.1)
    assert y.data.ravel().tolist() == yt.detach().numpy().ravel().tolist() == [0, 0, 0, 1, 1, 2]
    g = np.array([[[1.0, 10, 100, 1000, 10000, 100000]]])
    y.backward(tg.Tensor(g))
    yt.backward(torch.tensor(g))
    assert x.grad.data.ravel().tolist() == [111, 11000, 100000]  # δ summed where the forward read each entry
    assert xt.grad.numpy().ravel().tolist() == [11, 1100, 110000]  # PyTorch's: as if it had read [0, 0, 1, 1, 2, 2]


@given(data=st.data(), seed=st.integers(0, 2**16))
def test_bilinear_gradient_matches_finite_differences(data, seed):
    shape, kwargs = data.draw(resize_cases(2))
    x = rand64(np.random.default_rng(seed), (1, 1) + shape[2:])
    align = data.draw(st.booleans())
    assert gradcheck(lambda t: F.interpolate(t, mode="bilinear", align_corners=align, **kwargs), [x])


@pytest.mark.torch
def test_nearest_keeps_integer_images_as_torch(torch):
    x = np.random.default_rng(1).integers(0, 255, (1, 3, 5, 4)).astype(np.uint8)
    ours = F.interpolate(x, scale_factor=1.7)
    theirs = torch.nn.functional.interpolate(torch.tensor(x), scale_factor=1.7)
    assert ours.dtype == np.uint8 and ours.data.tolist() == theirs.tolist()


def test_interpolate_errors_name_the_rule():
    x = tg.randn(1, 1, 3, 4)
    with pytest.raises(ValueError, match="only one of size or scale_factor should be defined"):
        F.interpolate(x, size=5, scale_factor=2)
    with pytest.raises(ValueError, match="either size or scale_factor should be defined"):
        F.interpolate(x)
    with pytest.raises(ValueError, match="align_corners option can only be set with the interpolating modes"):
        F.interpolate(x, size=5, align_corners=True)
    with pytest.raises(ValueError, match="got 3-D input, but bilinear mode needs 4-D input"):
        F.interpolate(x[0], size=5, mode="bilinear")
    with pytest.raises(ValueError, match=r"sizes should be greater than 0, got input \(3, 4\) and output \(0, 0\)"):
        F.interpolate(x, scale_factor=0.1)
    with pytest.raises(ValueError, match=r"input and size must have the same number of spatial dimensions"):
        F.interpolate(x, size=(2, 3, 4))
    with pytest.raises(TypeError, match="size must hold int"):
        F.interpolate(x, size=(2.5, 3))
    with pytest.raises(ValueError, match="mode 'lanczos' is not supported"):
        F.interpolate(x, size=5, mode="lanczos")
    with pytest.raises(ValueError, match="got 3-D input, but bicubic mode needs 4-D input"):
        F.interpolate(x[0], size=5, mode="bicubic")
    with pytest.raises(ValueError, match="align_corners option can only be set .* bicubic .*got mode 'area'"):
        F.interpolate(x, size=2, mode="area", align_corners=False)
    with pytest.raises(ValueError, match="antialias=True is not supported"):
        F.interpolate(x, size=2, mode="bicubic", antialias=True)
    for mode in ("bicubic", "area"):
        with pytest.raises(TypeError, match=f"{mode} mode needs a floating input, got dtype int64"):
            F.interpolate(np.zeros((1, 1, 2, 2), dtype=np.int64), size=3, mode=mode)
    with pytest.raises(TypeError, match="bilinear mode needs a floating input"):
        F.interpolate(np.zeros((1, 1, 2, 2), dtype=np.int64), size=3, mode="bilinear")


@pytest.mark.torch
@pytest.mark.parametrize("shape, kwargs", [((2, 3, 7), {"size": 3}), ((1, 2, 5), {"scale_factor": 2.5}),
                                           ((2, 1, 7, 9), {"size": (3, 4)}), ((1, 2, 6, 5), {"scale_factor": 0.4}),
                                           ((1, 2, 4, 5), {"scale_factor": (1.5, 0.7)}),
                                           ((1, 2, 5, 6, 7), {"size": (2, 4, 3)}),
                                           ((1, 1, 3, 4, 5), {"scale_factor": 1.7})])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_area_is_adaptive_average_pooling_as_torch(torch, shape, kwargs, dtype):
    """mode='area' equals PyTorch's (its adaptive_avg_pool{1,2,3}d to the output size), values and gradients,
    an ∞ and a NaN staying inside their own bins."""
    x = np.random.default_rng(5).standard_normal(shape).astype(dtype)
    x.flat[0], x.flat[-1] = np.inf, np.nan
    ours = tg.tensor(x, requires_grad=True)
    theirs = torch.tensor(x, requires_grad=True)
    y = F.interpolate(ours, mode="area", **kwargs)
    yt = torch.nn.functional.interpolate(theirs, mode="area", **kwargs)
    tolerance = 1e-6 if dtype == np.float32 else 1e-14
    assert y.dtype == dtype
    assert_close(y, yt, rtol=tolerance, atol=tolerance)
    g = np.random.default_rng(6).standard_normal(y.shape).astype(dtype)
    y.backward(tg.tensor(g))
    yt.backward(torch.tensor(g))
    assert_close(ours.grad, theirs.grad, rtol=tolerance, atol=tolerance)
    with tg.no_grad():
        pooled = {3: F.adaptive_avg_pool1d, 4: F.adaptive_avg_pool2d}.get(len(shape))
        if pooled is not None:
            np.testing.assert_array_equal(y.data, pooled(x, y.shape[2:] if len(shape) == 4 else y.shape[2]).data)


@pytest.mark.parametrize("spatial", [1, 2, 3])
def test_area_gradient_matches_finite_differences(spatial):
    shape = {1: (1, 2, 7), 2: (1, 1, 5, 7), 3: (1, 1, 4, 5, 3)}[spatial]
    x = rand64(np.random.default_rng(spatial), shape)
    out = {1: (3,), 2: (3, 2), 3: (3, 2, 2)}[spatial]
    assert gradcheck(lambda t: F.interpolate(t, size=out, mode="area"), [x])
