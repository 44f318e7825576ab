"""Convolution layers: PyTorch's parameter names, shapes and outputs for the same weights, and the locally
connected layer as a convolution whose weights differ per output position."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn

LAYERS = [
    ("Conv1d", dict(in_channels=4, out_channels=6, kernel_size=3, stride=2, padding=1, groups=2), (2, 4, 9)),
    ("Conv2d", dict(in_channels=4, out_channels=6, kernel_size=3, padding="same", dilation=2, groups=2), (2, 4, 7, 7)),
    ("Conv2d", dict(in_channels=3, out_channels=8, kernel_size=(3, 2), stride=(2, 1), padding=(1, 0)), (2, 3, 8, 6)),
    ("ConvTranspose2d", dict(in_channels=4, out_channels=6, kernel_size=3, stride=2, padding=1, output_padding=1,
                             groups=2), (2, 4, 5, 5)),
]


@pytest.mark.torch
@pytest.mark.parametrize("name, kwargs, shape", LAYERS)
def test_layer_matches_torch_for_the_same_weights(torch, name, kwargs, shape):
    ours, theirs = getattr(nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs).double()
    state = {k: v.detach().numpy() for k, v in theirs.state_dict().items()}
    assert {k: v.shape for k, v in ours.state_dict().items()} == {k: v.shape for k, v in state.items()}
    ours.double().load_state_dict(state)
    x = np.random.default_rng(0).standard_normal(shape)
    xt = torch.tensor(x, requires_grad=True)
    y, yt = ours(tg.Tensor(x)), theirs(xt)
    np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    y.sum().backward()
    yt.sum().backward()
    for (key, param), (key_t, param_t) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert key == key_t
        np.testing.assert_allclose(param.grad.data, param_t.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_locally_connected_with_equal_weights_everywhere_is_a_convolution():
    """F19: with the same kernel at every output position the unshared layer is conv2d (weights shared)."""
    layer = nn.LocallyConnected2d(2, 3, input_size=6, kernel_size=3, stride=1, padding=1).double()
    conv = nn.Conv2d(2, 3, 3, padding=1).double()
    shared = np.broadcast_to(conv.weight.data, layer.weight.shape).copy()
    bias = np.broadcast_to(conv.bias.data[:, None, None], layer.bias.shape).copy()
    layer.load_state_dict({"weight": shared, "bias": bias})
    x = tg.Tensor(np.random.default_rng(1).standard_normal((2, 2, 6, 6)))
    np.testing.assert_allclose(layer(x).data, conv(x).data, rtol=1e-12)


def test_bad_layer_arguments_are_named():
    with pytest.raises(ValueError, match="groups"):
        nn.Conv2d(3, 4, 3, groups=2)


PADDING_MODES = [("Conv2d", 3, 1, 1, (2, 3, 6, 7)), ("Conv2d", (3, 2), (1, 2), 1, (2, 3, 6, 7)),
                 ("Conv2d", 3, "same", 2, (1, 3, 7, 8)), ("Conv2d", (2, 4), "same", 1, (2, 3, 6, 7)),
                 ("Conv2d", 3, "valid", 1, (1, 3, 5, 5)), ("Conv2d", 3, 2, 1, (3, 6, 7)),
                 ("Conv1d", 3, 2, 1, (2, 3, 7)), ("Conv1d", 4, "same", 1, (2, 3, 7))]


@pytest.mark.torch
@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("name, kernel, padding, dilation, shape", PADDING_MODES)
def test_padding_mode_matches_torch(torch, mode, name, kernel, padding, dilation, shape):
    """nn.Conv2d(padding_mode=...) pads the input with F.pad's mode first ('same' puts the odd extra on the right)."""
    kwargs = dict(kernel_size=kernel, padding=padding, dilation=dilation, padding_mode=mode)
    theirs = getattr(torch.nn, name)(3, 4, **kwargs).double()
    ours = getattr(nn, name)(3, 4, **kwargs).double()
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(2).standard_normal(shape)
    xt, xo = torch.tensor(x, requires_grad=True), tg.tensor(x, requires_grad=True)
    y, yt = ours(xo), theirs(xt)
    np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    w = np.random.default_rng(3).standard_normal(yt.shape)
    (y * tg.tensor(w)).sum().backward()
    (yt * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(xo.grad.data, xt.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.weight.grad.data, theirs.weight.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_padding_mode_errors_as_torch():
    with pytest.raises(ValueError, match="padding_mode"):
        nn.Conv2d(3, 4, 3, padding_mode="mirror")
    with pytest.raises(ValueError, match="zeros"):
        nn.ConvTranspose2d(3, 4, 3, padding_mode="reflect")
    assert nn.Conv2d(3, 4, 3).padding_mode == "zeros"


@pytest.mark.torch
@pytest.mark.parametrize("output_size", [[8, 10], [8, 9], (2, 2, 7, 10), [9, 9], (2, 2, 9, 10), [10, 12], [9]])
def test_conv_transpose_output_size_matches_torch(torch, output_size):
    """ConvTranspose2d.forward(x, output_size) picks output_padding as PyTorch does, or raises ValueError as it does."""
    theirs = torch.nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1, dilation=(1, 2)).double()
    ours = nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1, dilation=(1, 2)).double()
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(4).standard_normal((2, 3, 4, 4))
    try:
        expected = theirs(torch.tensor(x), output_size=output_size).detach().numpy()
    except ValueError:
        with pytest.raises(ValueError, match="output"):
            ours(tg.tensor(x), output_size=output_size)
        return
    np.testing.assert_allclose(ours(tg.tensor(x), output_size=output_size).data, expected, rtol=1e-10, atol=1e-12)


CONV_REPR_CASES = [
    ("Conv1d", (4, 2, 3), {}), ("Conv1d", (4, 2, 3), dict(padding="same", bias=False)),
    ("Conv2d", (1, 6, 5), {}), ("Conv2d", (1, 6, 5), dict(padding=2)),
    ("Conv2d", (6, 16, (3, 5)), dict(stride=2, padding=1, dilation=2, groups=2, bias=False, padding_mode="reflect")),
    ("Conv2d", (3, 8, 3), dict(padding="valid")),
    ("ConvTranspose1d", (4, 2, 3), dict(stride=2, output_padding=1)),
    ("ConvTranspose2d", (4, 2, 3), {}), ("ConvTranspose2d", (4, 2, 3), dict(stride=2, output_padding=1, groups=2)),
    ("Conv3d", (2, 4, 3), dict(padding=1, bias=False)), ("ConvTranspose3d", (4, 2, 2), dict(stride=2)),
]


@pytest.mark.torch
@pytest.mark.parametrize("name, args, kwargs", CONV_REPR_CASES)
def test_conv_layers_print_as_pytorch_does(torch, name, args, kwargs):
    """print(model) is the first view a student compares: only what differs from the defaults, as PyTorch."""
    assert repr(getattr(nn, name)(*args, **kwargs)) == repr(getattr(torch.nn, name)(*args, **kwargs))
