"""MaxUnpool1d: the inverse of MaxPool1d(return_indices=True), values, gradient and repr as PyTorch's."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tests.helpers import assert_close


@pytest.mark.torch
@pytest.mark.parametrize("k,s,p", [(2, None, 0), (3, 2, 1), (3, 1, 0)])
def test_maxunpool1d_matches_torch(torch, k, s, p):
    x = np.random.default_rng(0).normal(size=(2, 3, 9))
    pool = nn.MaxPool1d(k, s, p, return_indices=True)
    values, indices = pool(tg.Tensor(x, requires_grad=True))
    unpool, ref_unpool = nn.MaxUnpool1d(k, s, p), torch.nn.MaxUnpool1d(k, s, p)
    tvalues, tindices = torch.nn.MaxPool1d(k, s, p, return_indices=True)(torch.tensor(x))
    out = unpool(values, indices, output_size=(2, 3, 9))
    ref = ref_unpool(tvalues, tindices, output_size=(2, 3, 9))
    assert_close(out, ref)
    assert repr(unpool) == repr(ref_unpool)
    out.sum().backward()
