"""BatchNorm1d/2d (momentum and momentum=None, running statistics, num_batches_tracked), LayerNorm, GroupNorm
and LocalResponseNorm modules against PyTorch over several training and evaluation steps, their state dicts
in both directions, and their input checks."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn
from tinygrad_edu.errors import ShapeError
from tests.helpers import assert_close


def _pair(torch, name, *args, **kwargs):
    theirs = getattr(torch.nn, name)(*args, **kwargs).double()
    ours = getattr(nn, name)(*args, **kwargs).double()
    ours.load_state_dict(theirs.state_dict())
    return ours, theirs


@pytest.mark.torch
@pytest.mark.parametrize("name, shape", [("BatchNorm1d", (6, 3)), ("BatchNorm1d", (4, 3, 5)),
                                         ("BatchNorm2d", (2, 3, 4, 5))])
@pytest.mark.parametrize("momentum", [0.1, None, 1.0])
@pytest.mark.parametrize("track", [True, False])
def test_batch_norm_modules_follow_pytorch_over_training_and_eval(torch, name, shape, momentum, track):
    ours, theirs = _pair(torch, name, 3, momentum=momentum, track_running_stats=track)
    rng = np.random.default_rng(len(shape))
    for step in range(4):
        if step == 3:
            ours.eval()
            theirs.eval()
        x = rng.standard_normal(shape) * (step + 1) + step
        xo, xt = tg.Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        y, yt = ours(xo), theirs(xt)
        assert_close(y, yt)
        g = rng.standard_normal(shape)
        y.backward(tg.Tensor(g))
        yt.backward(torch.tensor(g))
        assert_close(xo.grad, xt.grad)
        assert_close(ours.weight.grad, theirs.weight.grad)
        for key, value in theirs.state_dict().items():
            np.testing.assert_allclose(ours.state_dict()[key], value.numpy(), rtol=1e-12, err_msg=key)
    assert repr(ours) == repr(theirs)


def test_momentum_none_is_the_cumulative_average_of_the_batches():
    """Issue 12 (b): momentum=None used to be passed on as None; PyTorch averages all batches equally."""
    bn = nn.BatchNorm2d(2, momentum=None)
    xs = [tg.randn(4, 2, 3, 3) * (i + 1) + i for i in range(3)]
    for x in xs:
        bn(x)
    np.testing.assert_allclose(bn.running_mean.data, np.mean([x.data.mean(axis=(0, 2, 3)) for x in xs], axis=0),
                               rtol=1e-5)
    n = 4 * 3 * 3
    unbiased = [x.data.var(axis=(0, 2, 3)) * n / (n - 1) for x in xs]
    np.testing.assert_allclose(bn.running_var.data, np.mean(unbiased, axis=0), rtol=1e-5)
    assert bn.num_batches_tracked.item() == 3 and bn.num_batches_tracked.dtype == np.int64


@pytest.mark.torch
def test_a_pytorch_batch_norm_state_dict_loads_and_ours_loads_into_pytorch(torch):
    theirs = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2))
    theirs(torch.randn(4, 1, 5, 5))
    ours = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2))
    ours.load_state_dict(theirs.state_dict())
    assert ours[1].num_batches_tracked.item() == 1 and ours[1].num_batches_tracked.dtype == np.int64
    state = {k: torch.from_numpy(np.array(v.numpy())) for k, v in ours.state_dict().items()}
    assert list(state) == list(theirs.state_dict())
    fresh = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2))
    fresh.load_state_dict(state)
    assert fresh[1].num_batches_tracked.item() == 1


def test_a_state_dict_without_num_batches_tracked_still_loads_strictly():
    bn = nn.BatchNorm1d(2)
    state = {k: v.numpy() for k, v in bn.state_dict().items() if k != "num_batches_tracked"}
    assert bn.load_state_dict(state) == ([], [])


def test_batch_norm_input_rank_and_training_rules():
    with pytest.raises(ShapeError, match=r"BatchNorm1d: expected 2D or 3D input \(got 4D input"):
        nn.BatchNorm1d(3)(tg.ones(2, 3, 2, 2))
    with pytest.raises(ShapeError, match=r"BatchNorm2d: expected 4D input \(got 3D input"):
        nn.BatchNorm2d(3)(tg.ones(2, 3, 2))
    with pytest.raises(ShapeError, match="batch_norm: eps must be positive during training"):
        nn.BatchNorm1d(3, eps=0.0)(tg.randn(4, 3))
    assert nn.BatchNorm1d(3, eps=0.0).eval()(tg.randn(4, 3)).shape == (4, 3)


@pytest.mark.torch
@pytest.mark.parametrize("name, args, kwargs, shape", [
    ("LayerNorm", ((4,),), {}, (3, 4)), ("LayerNorm", ([2, 3],), {"elementwise_affine": False}, (2, 5, 2, 3)),
    ("LayerNorm", (3,), {"bias": False, "eps": 1e-3}, (2, 3)),
    ("GroupNorm", (2, 4), {}, (3, 4, 5)), ("GroupNorm", (1, 3), {"affine": False}, (2, 3, 2, 2)),
    ("GroupNorm", (3, 3), {"bias": False}, (2, 3)), ("LocalResponseNorm", (3, 0.5, 0.75, 1.5), {}, (2, 5, 3)),
])
def test_layer_group_and_local_response_norm_modules_match_pytorch(torch, name, args, kwargs, shape):
    ours, theirs = _pair(torch, name, *args, **kwargs)
    assert repr(ours) == repr(theirs)
    assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == \
           [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
    rng = np.random.default_rng(3)
    x = rng.standard_normal(shape) * 3 + 1
    xo, xt = tg.Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y, yt = ours(xo), theirs(xt)
    assert_close(y, yt)
    g = rng.standard_normal(shape)
    y.backward(tg.Tensor(g))
    yt.backward(torch.tensor(g))
    assert_close(xo.grad, xt.grad)
    for (key, p), (_, pt) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert_close(p.grad, pt.grad, rtol=1e-6, atol=1e-10)


def test_norm_layers_default_to_float32_parameters():
    for layer in (nn.LayerNorm(3), nn.GroupNorm(1, 3), nn.BatchNorm1d(3)):
        assert all(p.dtype == np.float32 for p in layer.parameters())
        assert layer(tg.randn(4, 3)).dtype == np.float32
