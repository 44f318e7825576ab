"""nn.Conv3d and nn.ConvTranspose3d: PyTorch's reprs, parameter shapes and state_dict keys; a PyTorch state_dict
loads and the forward and gradients then match, for every padding mode and for ConvTranspose3d's output_size."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn


CONV_ARGS = [
    dict(in_channels=4, out_channels=8, kernel_size=3),
    dict(in_channels=4, out_channels=6, kernel_size=(3, 2, 1), stride=2, padding=1, dilation=(2, 1, 1), groups=2,
         bias=False),
    dict(in_channels=2, out_channels=3, kernel_size=(2, 3, 3), padding="same"),
    dict(in_channels=2, out_channels=2, kernel_size=3, padding="valid", dilation=2),
] + [dict(in_channels=2, out_channels=4, kernel_size=3, stride=(1, 2, 1), padding=(1, 2, 1), padding_mode=mode)
     for mode in ("reflect", "replicate", "circular")]

TRANSPOSE_ARGS = [
    dict(in_channels=4, out_channels=6, kernel_size=3, stride=2, padding=1, output_padding=1, groups=2),
    dict(in_channels=2, out_channels=3, kernel_size=(2, 3, 1), stride=(3, 1, 2), dilation=(1, 2, 1), bias=False),
]


def _loaded(torch, ours, theirs):
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    return ours, theirs


def _forward_and_grads(torch, ours, theirs, shape, **kw):
    data = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    x, tx = tg.Tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    y, ty = ours(x, **kw), theirs(tx, **kw)
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-5, atol=1e-5)
    (y * y).sum().backward()
    (ty * ty).sum().backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-4, atol=1e-4)
    for (name, p), (_, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        np.testing.assert_allclose(p.grad.data, tp.grad.numpy(), rtol=1e-4, atol=1e-3, err_msg=name)


@pytest.mark.torch
@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("args", CONV_ARGS)
def test_conv3d_layer_is_pytorchs(torch, args):
    ours, theirs = _loaded(torch, nn.Conv3d(**args), torch.nn.Conv3d(**args))
    assert str(ours) == str(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert ours.weight.shape == tuple(theirs.weight.shape)
    _forward_and_grads(torch, ours, theirs, (2, args["in_channels"], 6, 7, 5))
    _forward_and_grads(torch, ours, theirs, (args["in_channels"], 6, 7, 5))  # unbatched


@pytest.mark.torch
@pytest.mark.parametrize("args", TRANSPOSE_ARGS)
def test_conv_transpose3d_layer_is_pytorchs(torch, args):
    ours, theirs = _loaded(torch, nn.ConvTranspose3d(**args), torch.nn.ConvTranspose3d(**args))
    assert str(ours) == str(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    _forward_and_grads(torch, ours, theirs, (2, args["in_channels"], 3, 4, 3))


@pytest.mark.torch
def test_conv_transpose3d_output_size_picks_output_padding(torch):
    args = dict(in_channels=2, out_channels=2, kernel_size=3, stride=(2, 3, 2), padding=1)
    ours, theirs = _loaded(torch, nn.ConvTranspose3d(**args), torch.nn.ConvTranspose3d(**args))
    _forward_and_grads(torch, ours, theirs, (1, 2, 3, 3, 3), output_size=(6, 7, 5))
    with pytest.raises(ValueError, match=r"ConvTranspose3d: requested an output size of \[9, 7, 5\]"):
        ours(tg.randn(1, 2, 3, 3, 3), output_size=(9, 7, 5))


def test_default_init_bounds_and_refusals():
    layer = nn.Conv3d(3, 6, (2, 3, 3))
    bound = 1 / np.sqrt(3 * 2 * 3 * 3)
    assert np.abs(layer.weight.data).max() <= bound and np.abs(layer.bias.data).max() <= bound
    with pytest.raises(ValueError, match="Conv3d: padding_mode must be one of"):
        nn.Conv3d(2, 2, 3, padding_mode="mirror")
    with pytest.raises(ValueError, match="ConvTranspose3d: only \"zeros\" padding mode is supported"):
        nn.ConvTranspose3d(2, 2, 3, padding_mode="reflect")
    with pytest.raises(ValueError, match="ConvTranspose3d: output_padding"):
        nn.ConvTranspose3d(2, 2, 3, stride=2, output_padding=2)
    with pytest.raises(ValueError, match="Conv3d: padding='same' is not supported for strided convolutions"):
        nn.Conv3d(2, 2, 3, stride=2, padding="same")


@pytest.mark.torch
def test_a_small_video_network_ports_unchanged(torch):
    """The same module code builds both networks (only the library differs); with PyTorch's weights loaded, the loss
    and every parameter's gradient agree."""
    def build(lib):
        nn_ = lib.nn
        return nn_.Sequential(nn_.Conv3d(3, 4, 3, padding=1), nn_.BatchNorm3d(4), nn_.ReLU(),
                              nn_.MaxPool3d(2, ceil_mode=True), nn_.Conv3d(4, 6, (1, 3, 3), groups=2, bias=False),
                              nn_.InstanceNorm3d(6, affine=True), nn_.ReLU(), nn_.AvgPool3d((1, 2, 2)),
                              nn_.AdaptiveAvgPool3d((1, None, 1)), nn_.Flatten(), nn_.Linear(6, 5))
    theirs = build(torch)
    ours = build(tg)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    data = np.random.default_rng(2).standard_normal((2, 3, 5, 8, 8)).astype(np.float32)
    target = np.array([1, 4])
    loss = tg.nn.functional.cross_entropy(ours(tg.Tensor(data)), tg.tensor(target))
    tloss = torch.nn.functional.cross_entropy(theirs(torch.tensor(data)), torch.tensor(target))
    np.testing.assert_allclose(loss.item(), tloss.item(), rtol=1e-5)
    loss.backward()
    tloss.backward()
    for (name, p), (_, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        np.testing.assert_allclose(p.grad.data, tp.grad.numpy(), rtol=1e-3, atol=1e-5, err_msg=name)
