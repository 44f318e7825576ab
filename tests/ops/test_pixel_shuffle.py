"""pixel_shuffle / pixel_unshuffle against PyTorch over shapes and factors (values and gradients), the two are
inverses, SymPy entries move unchanged, and PyTorch's errors."""
import numpy as np
import pytest
import sympy
from hypothesis import given, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.errors import ShapeError
from tests.helpers import assert_close, rand64, to_torch

shapes = st.tuples(st.lists(st.integers(1, 2), max_size=2), st.integers(1, 3), st.integers(1, 3), st.integers(1, 3),
                   st.integers(1, 3))


@pytest.mark.torch
@given(shapes)
def test_shuffle_and_unshuffle_as_pytorch(torch, case):
    lead, c, h, w, r = case
    rng = np.random.default_rng(c * 7 + r)
    x = rand64(rng, (*lead, c * r * r, h, w))
    xt = to_torch(torch, x)
    y, yt = F.pixel_shuffle(x, r), torch.nn.functional.pixel_shuffle(xt, r)
    assert_close(y, yt, rtol=0, atol=0)
    z, zt = F.pixel_unshuffle(y, r), torch.nn.functional.pixel_unshuffle(yt, r)
    assert_close(z, zt, rtol=0, atol=0)
    assert np.array_equal(z.data, x.data)
    v = rng.standard_normal(y.shape)
    (y * tg.Tensor(v)).sum().backward()
    (yt * torch.tensor(v)).sum().backward()
    assert_close(x.grad, xt.grad, rtol=0, atol=0)


def test_symbolic_entries_are_rearranged():
    x = tg.Tensor(np.array(sympy.symbols("a0:8"), dtype=object).reshape(1, 4, 1, 2))
    y = F.pixel_shuffle(x, 2)
    a = sympy.symbols("a0:8")
    assert y.data[0, 0].tolist() == [[a[0], a[2], a[1], a[3]], [a[4], a[6], a[5], a[7]]]


def test_errors_as_pytorch():
    with pytest.raises(ShapeError, match="pixel_shuffle.*divisible by the square of upscale_factor"):
        F.pixel_shuffle(tg.ones(2, 3, 3, 3), 2)
    with pytest.raises(RuntimeError, match="pixel_shuffle.*at least 3 dimensions"):
        F.pixel_shuffle(tg.ones(3, 3), 1)
    with pytest.raises(RuntimeError, match="pixel_unshuffle.*positive downscale_factor"):
        F.pixel_unshuffle(tg.ones(1, 1, 4, 4), 0)
    with pytest.raises(RuntimeError, match="pixel_unshuffle.*height.*divisible"):
        F.pixel_unshuffle(tg.ones(1, 1, 3, 4), 2)
    with pytest.raises(TypeError, match="pixel_shuffle"):
        F.pixel_shuffle(tg.ones(1, 4, 2, 2), 2.0)


def test_an_empty_batch_keeps_the_rule_s_shape():
    """PyTorch 2.x returns an empty input to pixel_unshuffle unchanged; the rule (*, C·r², H/r, W/r) holds here."""
    assert F.pixel_unshuffle(tg.ones(0, 2, 4, 6), 2).shape == (0, 8, 2, 3)
    assert F.pixel_shuffle(tg.ones(0, 8, 2, 3), 2).shape == (0, 2, 4, 6)
