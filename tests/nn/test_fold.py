"""Unfold / Fold layers: PyTorch's reprs, values and gradients, and Fold∘Unfold counting block overlaps."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tests.helpers import assert_close, rand64, to_torch


@pytest.mark.torch
@pytest.mark.parametrize("kw", [{"kernel_size": 2}, {"kernel_size": (2, 3), "dilation": 1, "padding": 1, "stride": 2}])
def test_unfold_then_fold_as_pytorch(torch, kw):
    ours = nn.Sequential(nn.Unfold(**kw), nn.Fold((5, 6), **kw))
    theirs = torch.nn.Sequential(torch.nn.Unfold(**kw), torch.nn.Fold((5, 6), **kw))
    assert repr(ours) == repr(theirs)
    x = rand64(np.random.default_rng(0), (2, 3, 5, 6))
    xt = to_torch(torch, x)
    y, yt = ours(x), theirs(xt)
    assert_close(y, yt, rtol=1e-12)
    assert_close(ours[0](x), theirs[0](xt), rtol=1e-12)
    v = np.random.default_rng(1).standard_normal(y.shape)
    y.backward(tg.Tensor(v))
    yt.backward(torch.tensor(v))
    assert_close(x.grad, xt.grad, rtol=1e-12)


def test_fold_of_unfold_multiplies_by_the_overlap_count():
    ones = tg.ones(1, 1, 4, 4)
    counts = nn.Fold(4, 2)(nn.Unfold(2)(ones)).data[0, 0]
    np.testing.assert_array_equal(counts, [[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]])
    assert list(nn.Unfold(2).parameters()) == []
