"""CosineSimilarity / PairwiseDistance layers: PyTorch's reprs, defaults and values."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tests.helpers import assert_close


@pytest.mark.torch
@pytest.mark.parametrize("name, args", [("CosineSimilarity", ()), ("CosineSimilarity", (0, 1e-3)),
                                        ("PairwiseDistance", ()), ("PairwiseDistance", (3, 1e-3, True))])
def test_layers_as_pytorch(torch, name, args):
    ours, theirs = getattr(nn, name)(*args), getattr(torch.nn, name)(*args)
    assert repr(ours) == repr(theirs)
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((3, 5)).astype(np.float32), rng.standard_normal((3, 5)).astype(np.float32)
    assert_close(ours(tg.Tensor(a), tg.Tensor(b)), theirs(torch.tensor(a), torch.tensor(b)), rtol=1e-5, atol=1e-6)
    assert list(ours.parameters()) == []
