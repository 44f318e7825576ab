"""Lazy layers: the input size comes from the first forward; before it the parameters are UninitializedParameter
(an optimiser built then still updates them, as PyTorch; reading their shape raises ValueError); afterwards the
module is the ordinary layer, with PyTorch's shapes and reprs."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tinygrad_edu.errors import ShapeError

CASES = [
    ("LazyLinear", (3,), (2, 5)),
    ("LazyLinear", (4, False), (2, 3, 6)),
    ("LazyConv1d", (4, 3), (2, 3, 8)),
    ("LazyConv2d", (4, 3), (3, 5, 5)),
    ("LazyConv2d", (4, 3, 2, 1, 1, 2), (1, 6, 7, 7)),
    ("LazyConv3d", (2, 2), (1, 3, 4, 4, 4)),
    ("LazyConvTranspose1d", (4, 3), (2, 3, 5)),
    ("LazyConvTranspose2d", (4, 3, 2, 1, 1, 2), (1, 6, 4, 4)),
    ("LazyConvTranspose3d", (2, 2), (1, 3, 2, 3, 2)),
    ("LazyBatchNorm1d", (), (4, 3)),
    ("LazyBatchNorm2d", (), (2, 3, 4, 4)),
    ("LazyBatchNorm3d", (1e-3, 0.2), (2, 3, 2, 2, 2)),
    ("LazyInstanceNorm1d", (), (2, 3, 5)),
    ("LazyInstanceNorm2d", (1e-5, 0.1, True, True), (2, 3, 4, 4)),
    ("LazyInstanceNorm3d", (), (2, 3, 2, 3, 2)),
]


@pytest.mark.torch
@pytest.mark.parametrize("name,args,shape", CASES)
def test_lazy_layer_matches_torch(torch, name, args, shape):
    layer, ref = getattr(nn, name)(*args), getattr(torch.nn, name)(*args)
    assert repr(layer) == repr(ref)
    assert layer.has_uninitialized_params() == ref.has_uninitialized_params()
    ours = [type(p).__name__ for p in layer.parameters()]
    assert ours == [type(p).__name__ for p in ref.parameters()]
    assert [type(b).__name__ for b in layer.buffers()] == [type(b).__name__ for b in ref.buffers()]
    x = np.random.default_rng(0).normal(size=shape).astype(np.float32)
    ref(torch.tensor(x))
    out = layer(tg.Tensor(x))
    assert type(layer).__name__ == type(ref).__name__ and repr(layer) == repr(ref)
    assert not layer.has_uninitialized_params() if hasattr(layer, "has_uninitialized_params") else True
    assert {k: tuple(v.shape) for k, v in layer.state_dict().items()} == \
        {k: tuple(v.shape) for k, v in ref.state_dict().items()}
    assert all(type(p) is nn.Parameter for p in layer.parameters())
    ref.load_state_dict({k: torch.tensor(np.asarray(v.data)) for k, v in layer.state_dict().items()})
    np.testing.assert_allclose(out.data, ref(torch.tensor(x)).detach().numpy(), rtol=1e-4, atol=1e-5)


def test_optimiser_built_before_the_first_forward_updates_the_materialised_parameters():
    model = nn.Sequential(nn.LazyConv2d(4, 3), nn.ReLU(), nn.Flatten(), nn.LazyLinear(2))
    params = list(model.parameters())
    opt = tg.optim.SGD(model.parameters(), lr=0.1)
    model(tg.randn(2, 3, 5, 5)).sum().backward()
    assert [p is q for p, q in zip(params, model.parameters())] == [True] * 4
    before = [p.data.copy() for p in params]
    opt.step()
    assert all(not np.array_equal(b, p.data) for b, p in zip(before, params))
    assert isinstance(model[0], nn.Conv2d) and model[0].weight.shape == (4, 3, 3, 3)
    assert isinstance(model[3], nn.Linear) and model[3].in_features == 36


def test_initialisation_is_the_target_layers():
    tg.manual_seed(0)
    layer = nn.LazyLinear(200)
    layer(tg.zeros(1, 400))
    bound = 1 / np.sqrt(400)
    assert np.abs(layer.weight.data).max() <= bound and np.abs(layer.weight.data).max() > 0.9 * bound


def test_shape_of_an_uninitialized_parameter_raises_value_error():
    layer = nn.LazyLinear(3)
    with pytest.raises(ValueError, match="uninitialized parameter"):
        layer.weight.shape
    with pytest.raises(ValueError, match="uninitialized parameter"):
        sum(p.numel() for p in layer.parameters())


def test_dtype_and_hooks_are_kept():
    layer = nn.LazyLinear(2, dtype=tg.float64)
    seen = []
    layer.register_forward_hook(lambda module, inputs, output: seen.append(output.shape))
    layer(tg.zeros(3, 4, dtype=tg.float64))
    layer(tg.zeros(1, 4, dtype=tg.float64))
    assert layer.weight.dtype == tg.float64 and seen == [(3, 2), (1, 2)]


@pytest.mark.parametrize("layer,x,message", [
    (lambda: nn.LazyConv2d(4, 3), tg.zeros(3, 5), "Expected 3D \\(unbatched\\) or 4D \\(batched\\) input to LazyConv2d"),
    (lambda: nn.LazyBatchNorm1d(), tg.zeros(3), "LazyBatchNorm1d: the first input"),
    (lambda: nn.LazyLinear(2), tg.tensor(1.0), "LazyLinear"),
])
def test_bad_first_input(layer, x, message):
    with pytest.raises(ShapeError, match=message):
        layer()(x)


def test_bad_arguments_are_checked_at_construction():
    with pytest.raises(ShapeError):
        nn.LazyLinear(0)
    with pytest.raises(Exception, match="kernel_size"):
        nn.LazyConv2d(4, 0)


def test_load_state_dict_before_the_first_forward_says_what_to_do():
    layer = nn.LazyLinear(3)
    with pytest.raises(ValueError, match="before its first forward"):
        layer.load_state_dict(nn.Linear(5, 3).state_dict())
    assert layer.has_uninitialized_params()


def test_double_before_the_first_forward_is_kept():
    layer = nn.LazyBatchNorm2d().double()
    layer(tg.zeros(2, 3, 2, 2, dtype=tg.float64))
    assert layer.weight.dtype == tg.float64 and layer.running_mean.dtype == tg.float64
