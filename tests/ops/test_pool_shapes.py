"""Pooling arguments are checked before any work, with errors that name the op, the value and the rule; each
refusal is one PyTorch makes too (same exception family), except the few marked as deliberate."""
import re

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.autograd import observe
from tinygrad_edu.errors import ShapeError
from tinygrad_edu.ops.pool_shapes import Axis, bins, window_axis

X = (1, 1, 3, 5)

# (name, our call on an input of shape X, PyTorch's call or None, exception, message)
CASES = [
    ("kernel 0", lambda F, x: F.max_pool2d(x, 0), RuntimeError, ShapeError,
     "max_pool2d: kernel_size must be positive, got (0, 0) (rule: kernel_size ≥ 1)"),
    ("kernel −1", lambda F, x: F.avg_pool2d(x, (2, -1)), RuntimeError, ShapeError,
     "avg_pool2d: kernel_size must be positive, got (2, -1)"),
    ("stride 0", lambda F, x: F.max_pool2d(x, 2, 0), RuntimeError, ShapeError, "max_pool2d: stride must be positive"),
    ("stride −1", lambda F, x: F.avg_pool2d(x, 2, -1), RuntimeError, ShapeError, "avg_pool2d: stride must be positive"),
    ("float kernel", lambda F, x: F.max_pool2d(x, 2.0), TypeError, TypeError,
     "max_pool2d: kernel_size must be an int or a tuple of 2 ints, got 2.0 (float)"),
    ("float stride", lambda F, x: F.avg_pool2d(x, 2, 1.5), TypeError, TypeError, "avg_pool2d: stride must be an int"),
    ("float padding", lambda F, x: F.max_pool2d(x, 2, 1, 0.0), TypeError, TypeError, "max_pool2d: padding must be"),
    ("float dilation", lambda F, x: F.max_pool2d(x, 2, 1, 0, 1.0), TypeError, TypeError, "max_pool2d: dilation"),
    ("float in a tuple", lambda F, x: F.max_pool2d(x, (2, 2.0)), TypeError, TypeError,
     "max_pool2d: kernel_size must hold ints, got (2, 2.0) (an element of type float)"),
    ("bool kernel", lambda F, x: F.max_pool2d(x, True), TypeError, TypeError, "max_pool2d: kernel_size must be"),
    ("int ceil_mode", lambda F, x: F.max_pool2d(x, 2, ceil_mode=1), TypeError, TypeError,
     "max_pool2d: ceil_mode must be a bool"),
    ("kernel of length 3", lambda F, x: F.max_pool2d(x, (2, 2, 2)), RuntimeError, ShapeError,
     "max_pool2d: kernel_size must be a single int or a tuple of 2 ints, got (2, 2, 2) of length 3"),
    ("padding of length 3", lambda F, x: F.avg_pool2d(x, 2, 2, (1, 1, 1)), RuntimeError, ShapeError,
     "avg_pool2d: padding must be a single int or a tuple of 2 ints"),
    ("padding > kernel/2", lambda F, x: F.avg_pool2d(x, 3, 1, 2), RuntimeError, ShapeError,
     "avg_pool2d: padding (2, 2) must be between 0 and half the kernel size (3, 3) (rule: 0 ≤ pad ≤ ⌊kernel/2⌋"),
    ("padding > kernel/2 even when dilated", lambda F, x: F.max_pool2d(x, 3, 1, 2, dilation=2), RuntimeError,
     ShapeError, "max_pool2d: padding (2, 2) must be between 0 and half the kernel size"),
    ("negative padding", lambda F, x: F.max_pool2d(x, 3, 1, -1), RuntimeError, ShapeError,
     "max_pool2d: padding (-1, -1) must be between 0"),
    ("dilation 0", lambda F, x: F.max_pool2d(x, 2, 1, 0, 0), RuntimeError, ShapeError,
     "max_pool2d: dilation must be positive"),
    ("output height 0", lambda F, x: F.max_pool2d(x, 4, 2), RuntimeError, ShapeError,
     "max_pool2d: output height (3 + 2·0 − 4)/2 + 1 = 0 is not positive (input 3, kernel 4, padding 0, stride 2)"),
    ("output width 0", lambda F, x: F.avg_pool2d(x, (1, 6)), RuntimeError, ShapeError,
     "avg_pool2d: output width (5 + 2·0 − 6)/6 + 1 = 0 is not positive"),
    ("dilated output", lambda F, x: F.max_pool2d(x, (1, 2), 1, 0, (1, 5)), RuntimeError, ShapeError,
     "max_pool2d: output width (5 + 2·0 − 6)/1 + 1 = 0 is not positive (input 5, kernel 2, padding 0, stride 1, "
     "dilation 5)"),
    ("ceil_mode output", lambda F, x: F.max_pool2d(x, (5, 1), 1, 0, 1, True), RuntimeError, ShapeError,
     "max_pool2d: output height ⌈(3 + 2·0 − 5)/1⌉ + 1 = −1 is not positive"),
    ("2-D input", lambda F, x: F.max_pool2d(x.reshape(3, 5), 2), RuntimeError, ShapeError,
     "max_pool2d: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, got shape (3, 5)"),
    ("5-D input", lambda F, x: F.avg_pool2d(x.reshape(1, 1, 1, 3, 5), 2), RuntimeError, ShapeError,
     "avg_pool2d: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, got shape (1, 1, 1, 3, 5)"),
    ("no channels", lambda F, x: F.max_pool2d(x[:, :0], 2),
     RuntimeError, ShapeError, "max_pool2d: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input with non-zero sizes"),
    ("divisor_override 0", lambda F, x: F.avg_pool2d(x, 2, divisor_override=0), RuntimeError, ShapeError,
     "avg_pool2d: divisor_override must not be zero"),
    ("float divisor_override", lambda F, x: F.avg_pool2d(x, 2, divisor_override=2.5), TypeError, TypeError,
     "avg_pool2d: divisor_override must be an int or None"),
    ("1-D kernel of length 2", lambda F, x: F.max_pool1d(x[0], (2, 2)), RuntimeError, ShapeError,
     "max_pool1d: kernel_size must be a single int, got (2, 2) of length 2"),
    ("1-D kernel 0", lambda F, x: F.avg_pool1d(x[0], 0), RuntimeError, ShapeError,
     "avg_pool1d: kernel_size must be positive, got 0"),
    ("1-D padding", lambda F, x: F.max_pool1d(x[0], 3, 1, 2), RuntimeError, ShapeError,
     "max_pool1d: padding 2 must be between 0 and half the kernel size 3"),
    ("1-D output length", lambda F, x: F.max_pool1d(x[0], 7), RuntimeError, ShapeError,
     "max_pool1d: output length (5 + 2·0 − 7)/7 + 1 = 0 is not positive"),
    ("1-D rank", lambda F, x: F.max_pool1d(x, 2), RuntimeError, ShapeError,
     "max_pool1d: expected a 2-D (C, L) or 3-D (N, C, L) input, got shape (1, 1, 3, 5)"),
    ("adaptive size −1", lambda F, x: F.adaptive_avg_pool2d(x, (-1, 3)), RuntimeError, ShapeError,
     "adaptive_avg_pool2d: output_size (-1, 3) must be positive (rule: each size ≥ 1, None keeps the input size)"),
    ("adaptive size of length 3", lambda F, x: F.adaptive_max_pool2d(x, (1, 2, 3)), RuntimeError, ShapeError,
     "adaptive_max_pool2d: output_size must be an int or a tuple of 2, got (1, 2, 3) of length 3"),
    ("adaptive float size", lambda F, x: F.adaptive_avg_pool2d(x, (2.0, 2)), TypeError, TypeError,
     "adaptive_avg_pool2d: output_size must hold ints or None"),
    ("adaptive 1-D None", lambda F, x: F.adaptive_avg_pool1d(x[0], None), TypeError, TypeError,
     "adaptive_avg_pool1d: output_size must hold ints, got None"),
]


@pytest.mark.torch
@pytest.mark.parametrize("call,torch_error,error,message", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_arguments_are_refused_as_torch_refuses_them(torch, call, torch_error, error, message):
    with pytest.raises(torch_error):
        call(torch.nn.functional, torch.ones(*X))
    with pytest.raises(error, match=re.escape(message)):
        call(F, tg.ones(*X))


DELIBERATE = [
    ("adaptive size 0 (PyTorch: an empty tensor)", lambda x: F.adaptive_avg_pool2d(x, 0), ShapeError,
     "adaptive_avg_pool2d: output_size (0, 0) must be positive"),
    ("adaptive 1-D size 0", lambda x: F.adaptive_avg_pool1d(x[0], 0), ShapeError,
     "adaptive_avg_pool1d: output_size 0 must be positive"),
    ("unpool kernel 0 (PyTorch: an empty plane)", lambda x: F.max_unpool2d(x, tg.zeros(X, dtype=tg.int64), 0),
     ShapeError, "max_unpool2d: kernel_size must be positive"),
    ("unpool stride 0", lambda x: F.max_unpool2d(x, tg.zeros(X, dtype=tg.int64), 2, 0), ShapeError,
     "max_unpool2d: stride must be positive"),
    ("dilated window over padding only (PyTorch: −∞ and an invalid index)",
     lambda x: F.max_pool2d(x[..., :2, :2], 2, 1, 1, dilation=3), ShapeError,
     "max_pool2d: window 0 along the height reads only padding (positions -1 + t·3, t = 0..1, input 2)"),
    ("integer adaptive average (PyTorch: NotImplementedError)",
     lambda x: F.adaptive_avg_pool2d(tg.Tensor(np.ones(X, dtype=np.int64)), 2), TypeError,
     "adaptive_avg_pool2d: input of dtype int64 is not supported"),
    ("bool max pooling (PyTorch: NotImplementedError)",
     lambda x: F.max_pool2d(tg.Tensor(np.ones(X, dtype=bool)), 2), TypeError,
     "max_pool2d: input of dtype bool is not supported"),
    ("pyramid level 0", lambda x: F.spatial_pyramid_pool2d(x, (1, 0)), ShapeError,
     "spatial_pyramid_pool2d: levels must be positive grid sizes, got (1, 0) (rule: each level ≥ 1)"),
    ("pyramid float level", lambda x: F.spatial_pyramid_pool2d(x, (1, 2.0)), TypeError,
     "spatial_pyramid_pool2d: levels must hold ints, got (1, 2.0)"),
    ("pyramid levels not a sequence", lambda x: F.spatial_pyramid_pool2d(x, 4), TypeError,
     "spatial_pyramid_pool2d: levels must be a sequence of ints"),
    ("pyramid without levels", lambda x: F.spatial_pyramid_pool2d(x, ()), ShapeError,
     "spatial_pyramid_pool2d: levels must hold at least one grid size"),
    ("pyramid mode", lambda x: F.spatial_pyramid_pool2d(x, mode="sum"), ValueError,
     "spatial_pyramid_pool2d: mode must be 'max' or 'avg', got 'sum'"),
]


@pytest.mark.parametrize("call,error,message", [c[1:] for c in DELIBERATE], ids=[c[0] for c in DELIBERATE])
def test_refusals_of_our_own(call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call(tg.ones(*X))


def test_shape_errors_are_runtime_and_value_errors():
    with pytest.raises(RuntimeError):
        F.max_pool2d(tg.ones(*X), 0)
    with pytest.raises(ValueError):
        F.max_pool2d(tg.ones(*X), 0)


@pytest.mark.parametrize("call", [
    lambda x: F.max_pool2d(x.reshape(3, 5), 4), lambda x: F.max_pool2d(x.reshape(1, 3, 5), 4, 2),
    lambda x: F.avg_pool2d(x.reshape(1, 3, 5), (1, 6)), lambda x: F.max_pool1d(x.reshape(3, 5), 7),
    lambda x: F.adaptive_avg_pool1d(x.reshape(3, 5), 0), lambda x: F.spatial_pyramid_pool2d(x.reshape(1, 3, 5), (0,))])
def test_nothing_is_computed_before_the_arguments_are_checked(call):
    """The unbatched paths add a batch axis: that must not happen (no node recorded) when the call is refused."""
    x = tg.ones(15, dtype=tg.float64, requires_grad=True)
    recorded = []
    shaped = (x * 1)
    stop = observe(lambda fn: recorded.append(type(fn).__name__))
    try:
        with pytest.raises((ShapeError, TypeError)):
            call(shaped)
    finally:
        stop()
    assert recorded == ["Reshape"], recorded


@pytest.mark.parametrize("n,k,s,p,d", [(5, 2, 2, 1, 1), (7, 3, 2, 1, 2), (6, 4, 3, 2, 1), (1, 3, 2, 1, 1)])
def test_ceil_mode_rule(n, k, s, p, d):
    """⌈(n + 2p − d(k − 1) − 1)/s⌉ + 1 windows, minus one when the last would start at or past n + p."""
    axis = window_axis("op", "height", n, k, s, p, d, ceil_mode=True)
    span = d * (k - 1) + 1
    expected = -(-(n + 2 * p - span) // s) + 1
    if (expected - 1) * s >= n + p:
        expected -= 1
    assert axis.out == expected
    assert (axis.out - 1) * s < n + p
    assert axis.pad_after >= 0 and (axis.out - 1) * s + span <= p + n + axis.pad_after


def test_axis_counts_follow_torchs_divisor():
    axis = Axis(n=4, k=3, s=2, p=1, d=1, out=3)
    assert axis.counts(True).tolist() == [3, 3, 2]
    assert axis.counts(False).tolist() == [2, 3, 1]
    assert axis.first_inside().tolist() == [1, 0, 0]


def test_adaptive_bins_are_torchs():
    start, end = bins(5, 3)
    assert start.tolist() == [0, 1, 3] and end.tolist() == [2, 4, 5]


@pytest.mark.parametrize("bad, error", [(True, TypeError), (2.0, TypeError), ((2, True), TypeError),
                                        (np.int64(0), ShapeError), ((0, 2), ShapeError)])
def test_cached_window_arguments_keep_every_refusal(bad, error):
    """The per-(shape, arguments) cache of the hot path (True == 1, 2.0 == 2 as keys) never skips a check:
    a refusal after the same-valued valid call is still a refusal, each time."""
    x = tg.Tensor(np.ones((1, 2, 6, 6), np.float32))
    assert F.max_pool2d(x, 2).shape == (1, 2, 3, 3) and F.max_pool2d(x, (1, 1)).shape == (1, 2, 6, 6)
    for _ in range(2):
        with pytest.raises(error):
            F.max_pool2d(x, bad)
        with pytest.raises(error):
            F.avg_pool2d(x, 2, stride=bad)
    with pytest.raises(ShapeError, match="expected a 3-D"):
        F.max_pool2d(tg.Tensor(np.ones((6, 6), np.float32)), 2)  # same arguments, another input: checked again
