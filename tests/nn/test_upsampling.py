"""Upsample and its fixed-mode forms: PyTorch's arguments, reprs and outputs."""
import numpy as np
import pytest

from tinygrad_edu import nn
from tests.helpers import assert_close, rand64, to_torch

LAYERS = [("Upsample", {"scale_factor": 2}), ("Upsample", {"size": (5, 3), "mode": "bilinear"}),
          ("Upsample", {"scale_factor": (1.5, 2.0), "mode": "bilinear", "align_corners": True}),
          ("Upsample", {"scale_factor": 1.7, "mode": "nearest-exact", "recompute_scale_factor": True}),
          ("UpsamplingNearest2d", {"size": 7}), ("UpsamplingBilinear2d", {"scale_factor": 2})]


@pytest.mark.torch
@pytest.mark.parametrize("name,kwargs", LAYERS, ids=[layer[0] + str(i) for i, layer in enumerate(LAYERS)])
def test_upsample_matches_torch(torch, name, kwargs):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyTorch deprecates UpsamplingNearest2d/UpsamplingBilinear2d
        ours, theirs = getattr(nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
        assert repr(ours) == repr(theirs)
        x = rand64(np.random.default_rng(0), (1, 2, 4, 3))
        xt = to_torch(torch, x)
        y, yt = ours(x), theirs(xt)
    assert_close(y, yt, rtol=1e-12)
    y.sum().backward()
    yt.sum().backward()
    assert_close(x.grad, xt.grad, rtol=1e-12)
