"""The layers of nn/layers_extra.py against PyTorch's: str(module), state_dict keys, parameters and forward values
and gradients (ChannelShuffle, RMSNorm), eval identity and training behaviour of AlphaDropout,
FeatureAlphaDropout and Dropout3d (and F.dropout3d: per-channel masks, 1/(1−p), PyTorch's warnings)."""
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.functional as F
import tinygrad_edu.nn as nn
from tests.helpers import assert_close
from tinygrad_edu.ops.alpha_dropout import ALPHA


@pytest.mark.torch
@pytest.mark.parametrize("make", [lambda m: m.ChannelShuffle(3), lambda m: m.RMSNorm(4),
                                  lambda m: m.RMSNorm([2, 4], eps=1e-5), lambda m: m.RMSNorm(4, 0.1, False),
                                  lambda m: m.AlphaDropout(), lambda m: m.AlphaDropout(0.2, True),
                                  lambda m: m.FeatureAlphaDropout(0.3), lambda m: m.Dropout3d(),
                                  lambda m: m.Dropout3d(0.1)])
def test_repr_and_state_dict_as_pytorch(torch, make):
    ours, theirs = make(nn), make(torch.nn)
    assert str(ours) == str(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for (name, p), (tname, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert name == tname and p.shape == tuple(tp.shape) and p.dtype == np.float32
        assert_close(p, tp)


@pytest.mark.torch
@pytest.mark.parametrize("args, shape", [((4,), (3, 2, 4)), (([2, 4], 1e-3), (3, 2, 4)), ((4, None, False), (5, 4))])
def test_rmsnorm_as_pytorch(torch, args, shape):
    ours, theirs = nn.RMSNorm(*args, dtype=tg.float64), torch.nn.RMSNorm(*args, dtype=torch.float64)
    rng = np.random.default_rng(0)
    if ours.weight is not None:
        w = rng.standard_normal(ours.weight.shape)
        ours.load_state_dict({"weight": w})
        theirs.load_state_dict({"weight": torch.tensor(w)})
    x = rng.standard_normal(shape)
    xs, xt = tg.Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y, yt = ours(xs), theirs(xt)
    assert_close(y, yt, rtol=1e-10, atol=1e-12)
    v = rng.standard_normal(shape)
    y.backward(tg.Tensor(v))
    yt.backward(torch.tensor(v))
    assert_close(xs.grad, xt.grad, rtol=1e-9, atol=1e-11)
    if ours.weight is not None:
        assert_close(ours.weight.grad, theirs.weight.grad, rtol=1e-9, atol=1e-11)


@pytest.mark.torch
def test_channel_shuffle_layer_as_pytorch(torch):
    x = np.random.default_rng(1).standard_normal((2, 6, 3, 3))
    assert_close(nn.ChannelShuffle(2)(tg.Tensor(x)), torch.nn.ChannelShuffle(2)(torch.tensor(x)), rtol=0, atol=0)


def test_alpha_dropout_layers_train_and_eval():
    x = tg.Tensor(np.random.default_rng(2).standard_normal((200, 20, 10)))
    for layer in (nn.AlphaDropout(0.4), nn.FeatureAlphaDropout(0.4)):
        layer.eval()
        assert layer(x) is x
        layer.train()
        y = layer(x).data
        assert abs(y.mean()) < 0.03 and abs(y.var() - 1) < 0.05
        if isinstance(layer, nn.FeatureAlphaDropout):  # one draw per (sample, channel)
            a = 1 / np.sqrt((ALPHA * ALPHA * 0.4 + 1) * 0.6)
            dropped = np.isclose(y, ALPHA * a * (0.4 - 1))  # SELU's saturation after the affine map
            assert (dropped == dropped[:, :, :1]).all()


@pytest.mark.parametrize("shape", [(4, 6, 2, 3, 3), (6, 2, 3, 3)])
def test_dropout3d_drops_whole_channels(shape):
    tg.manual_seed(0)
    x = tg.Tensor(np.ones(shape), requires_grad=True)
    y = nn.Dropout3d(0.5)(x)
    kept = y.data.reshape(shape[: len(shape) - 3] + (-1,))
    assert set(np.unique(kept)) <= {0.0, 2.0}
    assert (kept == kept[..., :1]).all() and 0 < (kept[..., 0] == 0).mean() < 1
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, y.data)  # δ = m/(1−p), the same mask
    layer = nn.Dropout3d(0.5).eval()
    assert layer(x) is x


@pytest.mark.torch
def test_dropout3d_as_pytorch(torch):
    x = np.ones((2, 3, 4))
    for p, training in ((0.5, False), (0.0, True), (1.0, True)):
        for shape in ((2, 3, 2, 2, 2), (3, 2, 2, 2)):
            a = np.ones(shape)
            assert_close(F.dropout3d(tg.Tensor(a), p, training), torch.nn.functional.dropout3d(torch.tensor(a), p,
                                                                                              training))
    with warnings.catch_warnings(record=True) as theirs:
        warnings.simplefilter("always")
        torch.nn.functional.dropout3d(torch.tensor(x), 0.5)
    with warnings.catch_warnings(record=True) as ours:
        warnings.simplefilter("always")
        F.dropout3d(tg.Tensor(x), 0.5)
    assert len(ours) == len(theirs) == 1 and str(theirs[0].message) in str(ours[0].message)
    for bad in (1.5, -0.1):
        with pytest.raises(ValueError):
            torch.nn.functional.dropout3d(torch.tensor(x), bad)
        with pytest.raises(ValueError, match="dropout3d"):
            F.dropout3d(tg.Tensor(x), bad)
