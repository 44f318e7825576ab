"""InstanceNorm1d / InstanceNorm2d against PyTorch: defaults, repr, state_dict keys, train/eval with running
statistics, unbatched input, and PyTorch's input checks and warning."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tests.helpers import assert_close


@pytest.mark.torch
@pytest.mark.parametrize("name, shape", [("InstanceNorm1d", (2, 3, 5)), ("InstanceNorm1d", (3, 5)),
                                         ("InstanceNorm2d", (2, 3, 4, 4)), ("InstanceNorm2d", (3, 4, 4))])
@pytest.mark.parametrize("kw", [{}, {"affine": True, "track_running_stats": True, "momentum": 0.2, "eps": 1e-3}])
def test_train_and_eval_as_pytorch(torch, name, shape, kw):
    ours, theirs = getattr(nn, name)(3, **kw), getattr(torch.nn, name)(3, **kw)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    if kw:
        ours.weight.data[...] = np.array([1.5, -0.5, 2.0], np.float32)
        theirs.weight.data[...] = torch.tensor([1.5, -0.5, 2.0])
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    for _ in range(2):
        assert_close(ours(tg.Tensor(x)), theirs(torch.tensor(x)), rtol=1e-5, atol=1e-6)
    for a, b in zip(ours.state_dict().values(), theirs.state_dict().values()):
        assert_close(a, b, rtol=1e-5, atol=1e-6)
    ours.eval(), theirs.eval()
    assert_close(ours(tg.Tensor(x)), theirs(torch.tensor(x)), rtol=1e-5, atol=1e-6)


def test_defaults_have_no_parameters_or_buffers():
    m = nn.InstanceNorm2d(4)
    assert (m.affine, m.track_running_stats, m.eps, m.momentum) == (False, False, 1e-5, 0.1)
    assert list(m.parameters()) == [] and m.state_dict() == {}


def test_input_checks_as_pytorch():
    with pytest.raises(ValueError, match="InstanceNorm1d.*2D or 3D"):
        nn.InstanceNorm1d(3)(tg.ones(2, 3, 4, 5))
    with pytest.raises(ValueError, match="InstanceNorm2d.*num_features"):
        nn.InstanceNorm2d(3, affine=True)(tg.ones(2, 4, 3, 3))
    with pytest.warns(UserWarning, match="does not match num_features"):
        nn.InstanceNorm2d(3)(tg.ones(2, 4, 3, 3))
