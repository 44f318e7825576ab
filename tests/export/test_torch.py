"""tg.export.to_torch / from_torch (tinygrad_edu/export/): every zoo model as a torch.nn.Module of PyTorch's own
layers with our names and weights, whose outputs and gradients (parameters and input) equal ours, at batch sizes
other than the traced one; PyTorch modules and state dicts loaded back; what cannot be replayed is refused."""
from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import nn
from tinygrad_edu.export import from_torch, to_torch

from ..onnx.zoo import zoo_cases, zoo_model

pytestmark = pytest.mark.torch


def _grads_agree(torch, model, twin, x: np.ndarray, weights: np.ndarray) -> None:
    """Outputs, parameter gradients and the input gradient of Σ w ⊙ model(x), ours and the twin's."""
    xt = tg.Tensor(x, requires_grad=True)
    y = model(xt)
    (y * tg.Tensor(weights)).sum().backward()
    x_torch = torch.tensor(x, requires_grad=True)
    y_torch = twin(x_torch)
    (y_torch * torch.from_numpy(weights)).sum().backward()
    np.testing.assert_allclose(y_torch.detach().numpy(), y.data, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(x_torch.grad.numpy(), xt.grad.data, rtol=1e-4, atol=1e-5)
    theirs = dict(twin.named_parameters())
    for name, p in model.named_parameters():
        scale = float(np.abs(p.grad.data).max()) or 1.0
        np.testing.assert_allclose(theirs[name].grad.numpy(), p.grad.data, rtol=1e-4, atol=1e-5 * scale,
                                   err_msg=name)


@pytest.mark.parametrize("name, kwargs, shape", zoo_cases())
def test_every_zoo_model_becomes_torch_layers_with_equal_outputs_and_gradients(torch, name, kwargs, shape):
    model = zoo_model(name, kwargs)
    model.eval()
    twin = to_torch(model, np.zeros(shape, np.float32))
    assert isinstance(twin, torch.nn.Module) and type(twin).__name__ == type(model).__name__
    assert list(twin.state_dict()) == list(model.state_dict())
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(twin.state_dict()[key].numpy(), value.data)
    ours_types = {n: type(m).__name__ for n, m in model.named_modules() if n}
    theirs = dict(twin.named_modules())
    for n, kind in ours_types.items():
        assert type(theirs[n]).__name__ == kind, n
        if kind in ("Conv2d", "Linear", "BatchNorm2d", "MaxPool2d", "LocalResponseNorm", "Dropout"):
            assert type(theirs[n]).__module__.startswith("torch.nn"), n
    assert not twin.training
    rng = np.random.default_rng(3)
    batch = (shape[0] + 3,) + shape[1:]  # not the traced batch size
    x = rng.standard_normal(batch).astype(np.float32)
    out_shape = model(tg.Tensor(x)).shape
    _grads_agree(torch, model, twin, x, rng.standard_normal(out_shape).astype(np.float32))


@pytest.mark.parametrize("name", ["resnet-block", "inception-block", "lenet5"])
def test_training_mode_agrees_too_batch_statistics_included(torch, name):
    model = zoo_model(name, {})
    shape = {"lenet5": (4, 1, 32, 32)}.get(name, (4, 8, 6, 6))
    twin = to_torch(model, np.zeros(shape, np.float32))
    assert twin.training
    rng = np.random.default_rng(4)
    x = rng.standard_normal(shape).astype(np.float32)
    with tg.no_grad():
        out_shape = model.eval()(tg.Tensor(x)).shape
    model.train()
    _grads_agree(torch, model, twin, x, rng.standard_normal(out_shape).astype(np.float32))
    for key, value in model.state_dict().items():  # the running statistics moved alike
        np.testing.assert_allclose(twin.state_dict()[key].numpy(), value.data, rtol=1e-5, atol=1e-6, err_msg=key)


def test_a_tree_of_torch_twins_needs_no_example_and_trains_in_torch(torch):
    tg.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(0.2),
                          nn.Linear(4 * 4 * 4, 3))
    twin = to_torch(model)
    assert isinstance(twin, torch.nn.Sequential) and isinstance(twin[0], torch.nn.Conv2d)
    optimizer = torch.optim.SGD(twin.parameters(), lr=0.5)
    x = torch.randn(5, 1, 8, 8)
    loss = torch.nn.functional.cross_entropy(twin(x), torch.tensor([0, 1, 2, 0, 1]))
    loss.backward()
    optimizer.step()
    fresh = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(0.2),
                          nn.Linear(4 * 4 * 4, 3))
    assert from_torch(twin, fresh) is fresh
    twin.eval(), fresh.eval()
    with torch.no_grad():
        expected = twin(x).numpy()
    np.testing.assert_allclose(fresh(tg.Tensor(x.numpy())).data, expected, rtol=1e-5, atol=1e-6)


def test_a_hand_written_torch_model_of_the_same_structure_loads(torch):
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(OrderedDict([("conv", torch.nn.Conv2d(3, 4, 3)), ("bn", torch.nn.BatchNorm2d(4)),
                                              ("act", torch.nn.ReLU()), ("pool", torch.nn.AdaptiveAvgPool2d(1)),
                                              ("flat", torch.nn.Flatten()), ("fc", torch.nn.Linear(4, 2))]))
    theirs.train()
    theirs(torch.randn(8, 3, 6, 6))  # running statistics move away from 0 and 1
    theirs.eval()
    ours = nn.Sequential(OrderedDict([("conv", nn.Conv2d(3, 4, 3)), ("bn", nn.BatchNorm2d(4)), ("act", nn.ReLU()),
                                      ("pool", nn.AdaptiveAvgPool2d(1)), ("flat", nn.Flatten()),
                                      ("fc", nn.Linear(4, 2))]))
    from_torch(theirs.state_dict(), ours).eval()
    assert int(ours.bn.num_batches_tracked.item()) == 1
    x = np.random.default_rng(0).standard_normal((2, 3, 6, 6)).astype(np.float32)
    with torch.no_grad():
        np.testing.assert_allclose(ours(tg.Tensor(x)).data, theirs(torch.from_numpy(x)).numpy(), rtol=1e-5, atol=1e-6)


def test_from_torch_checks_everything_before_loading(torch):
    ours = nn.Linear(3, 2)
    before = ours.weight.data.copy()
    with pytest.raises(ValueError, match=r"weight: shape \(2, 4\) in the state dict, \(2, 3\) in the model"):
        from_torch(torch.nn.Linear(4, 2), ours)
    with pytest.raises(ValueError, match="missing keys"):
        from_torch({"weight": torch.zeros(2, 3)}, ours)
    np.testing.assert_array_equal(ours.weight.data, before)
    from_torch({"weight": torch.ones(2, 3, dtype=torch.bfloat16), "bias": np.zeros(2)}, ours)
    np.testing.assert_array_equal(ours.weight.data, np.ones((2, 3), np.float32))
    with pytest.raises(TypeError, match="expected a torch.nn.Module or a state dict"):
        from_torch(3, ours)


class Forward(nn.Module):
    def __init__(self, fn, *layers):
        super().__init__()
        self.fn = fn
        self.layers = nn.ModuleList(layers)
        self.scale = nn.Parameter(tg.randn(1, 4, 1, 1).data)

    def forward(self, x):
        return self.fn(self, x)


def test_a_custom_forward_is_replayed_functional_ops_and_own_parameters_included(torch):
    tg.manual_seed(1)
    model = Forward(lambda s, x: F.max_pool2d(F.conv2d(x, s.layers[0].weight, s.layers[0].bias, padding="same")
                                              * s.scale, 2, ceil_mode=True)[:, ::-1].relu(), nn.Conv2d(3, 4, 4))
    twin = to_torch(model, np.zeros((2, 3, 7, 7), np.float32))
    assert isinstance(twin.scale, torch.nn.Parameter)
    rng = np.random.default_rng(5)
    x = rng.standard_normal((3, 3, 7, 7)).astype(np.float32)
    _grads_agree(torch, model, twin, x, rng.standard_normal((3, 4, 4, 4)).astype(np.float32))


def test_what_cannot_be_replayed_is_refused(torch):
    needs_example = Forward(lambda s, x: s.layers[0](x), nn.Linear(4, 4))
    with pytest.raises(ValueError, match="has its own forward.*pass example_input"):
        to_torch(needs_example)
    batch_mean = Forward(lambda s, x: s.layers[0](x) - s.layers[0](x).mean(), nn.Linear(4, 4))
    twin = to_torch(batch_mean, np.ones((2, 4), np.float32))
    x = np.random.default_rng(0).standard_normal((2, 4)).astype(np.float32)
    np.testing.assert_allclose(twin(torch.from_numpy(x)).detach().numpy(), batch_mean(tg.Tensor(x)).data,
                               rtol=1e-5, atol=1e-6)
    with pytest.raises(RuntimeError, match="traced with batch size 2.*not 3"):
        twin(torch.zeros(3, 4))
    masked = Forward(lambda s, x: s.layers[0](x) * (x > 0), nn.Linear(8, 8))
    with pytest.raises(ValueError, match="changes with the input's values"):
        to_torch(masked, np.random.default_rng(0).standard_normal((16, 8)).astype(np.float32))
    weight_gradient = Forward(lambda s, x: F.conv2d_weight(x, s.layers[0](x), (1, 1)), nn.Conv2d(4, 4, 1))
    with pytest.raises(ValueError, match="the op Conv2dWeight in Forward.forward .* has no torch form"):
        to_torch(weight_gradient, np.ones((2, 4, 3, 3), np.float32))
    with pytest.raises(ValueError, match="output 0 of Forward is not computed from its inputs"):
        to_torch(Forward(lambda s, x: tg.ones(2, 4)), np.ones((2, 4), np.float32))
    skipped = Forward(lambda s, x: x * 2, Forward(lambda s, x: x))
    twin = to_torch(skipped, np.ones((2, 4), np.float32))
    with pytest.raises(RuntimeError, match="did not run when the model was traced"):
        twin.layers[0](torch.ones(2, 4))


class WithTarget(nn.Module):
    """A forward of one Linear layer and a (4,) buffer (a loss's target)."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn
        self.linear = nn.Linear(4, 4)
        self.register_buffer("target", tg.Tensor(np.array([0.1, 0.5, 0.9, 1.0], np.float32)))

    def forward(self, x):
        return self.fn(self, self.linear(x))


def _unit(u):
    """Into (−0.9, 0.9): the domain of asin, acos, atanh and erfinv."""
    return u.tanh() * 0.9


REPLAYED = {
    "Sin": lambda s, u: u.sin(), "Cos": lambda s, u: u.cos(), "Tan": lambda s, u: (u * 0.5).tan(),
    "Asin": lambda s, u: _unit(u).asin(), "Acos": lambda s, u: _unit(u).acos(), "Atan": lambda s, u: u.atan(),
    "Sinh": lambda s, u: u.sinh(), "Cosh": lambda s, u: u.cosh(), "Asinh": lambda s, u: u.asinh(),
    "Acosh": lambda s, u: (u.exp() + 1).acosh(), "Atanh": lambda s, u: _unit(u).atanh(),
    "Floor": lambda s, u: u.floor() * u, "Ceil": lambda s, u: u.ceil() * u, "Trunc": lambda s, u: (u * 3).trunc() * u,
    "Round": lambda s, u: tg.round(u, decimals=1) * u,
    "DivRounded": lambda s, u: tg.div(u, 0.3, rounding_mode="floor") * u,
    "Erfc": lambda s, u: u.erfc(), "Erfinv": lambda s, u: _unit(u).erfinv(),
    "Atan2": lambda s, u: tg.atan2(u, u * u + 0.5), "Hypot": lambda s, u: tg.hypot(u, u + 1),
    "Copysign": lambda s, u: tg.copysign(u, u - 0.2), "Fmod": lambda s, u: tg.fmod(u * 3, 0.7),
    "Remainder": lambda s, u: tg.remainder(u * 3, 0.7),
    "Softplus": lambda s, u: F.softplus(u, beta=2, threshold=1),
    "BinaryCrossEntropy": lambda s, u: u + F.binary_cross_entropy(u.sum(0).sigmoid(), s.target, reduction="none"),
    "LogitsCrossEntropy": lambda s, u: u + F.binary_cross_entropy_with_logits(u.sum(0), s.target, reduction="none",
                                                                              pos_weight=s.target + 1),
    "Prod": lambda s, u: u.prod(1, keepdim=True) + u, "CumSum": lambda s, u: u.cumsum(1),
    "Variance": lambda s, u: u.var(1, keepdim=True, correction=0) + u,
    "Einsum": lambda s, u: tg.einsum("ni,nj->nij", u, u).reshape(u.shape[0], 16)[:, :4],
}


@pytest.mark.parametrize("op", sorted(REPLAYED))
def test_each_op_of_a_custom_forward_replays_in_torch(torch, op):
    tg.manual_seed(2)
    model = WithTarget(REPLAYED[op])
    rng = np.random.default_rng(3)
    example = rng.standard_normal((2, 4)).astype(np.float32)
    assert op in _ops_of(model(tg.Tensor(example))), f"{op} not recorded by its case"
    twin = to_torch(model, example)
    x = rng.standard_normal((3, 4)).astype(np.float32)
    _grads_agree(torch, model, twin, x, rng.standard_normal((3, 4)).astype(np.float32))


def test_unfold_and_fold_replay_in_torch(torch):
    fold = Forward(lambda s, x: F.fold(F.unfold(x * s.scale, (2, 3), padding=1, stride=(1, 2)) * 2, (7, 7), (2, 3),
                                       padding=1, stride=(1, 2)), nn.Identity())
    twin = to_torch(fold, np.zeros((2, 4, 7, 7), np.float32))
    rng = np.random.default_rng(4)
    _grads_agree(torch, fold, twin, rng.standard_normal((3, 4, 7, 7)).astype(np.float32),
                 rng.standard_normal((3, 4, 7, 7)).astype(np.float32))


def _ops_of(t) -> set:
    """The names of the Functions recorded on the way to t."""
    seen, stack, names = set(), [t], set()
    while stack:
        u = stack.pop()
        if id(u) in seen or u._ctx is None:
            continue
        seen.add(id(u))
        names.add(u._ctx.name)
        stack.extend(u._ctx.inputs)
    return names


LAYERS = {
    "conv2d-reflect": (lambda: nn.Conv2d(2, 3, 3, padding=1, padding_mode="reflect"), (2, 2, 5, 6)),
    "conv2d-replicate": (lambda: nn.Conv2d(2, 3, 3, padding=(2, 1), padding_mode="replicate"), (2, 2, 5, 6)),
    "conv2d-circular": (lambda: nn.Conv2d(2, 3, (3, 2), padding=1, padding_mode="circular"), (2, 2, 5, 6)),
    "conv1d-reflect": (lambda: nn.Conv1d(2, 3, 3, padding=2, padding_mode="reflect", dilation=2), (2, 2, 7)),
    "conv2d-same-reflect": (lambda: nn.Conv2d(2, 3, 4, padding="same", padding_mode="reflect"), (2, 2, 6, 6)),
    "prelu-channels": (lambda: nn.PReLU(2, 0.1), (2, 2, 3, 3)),
    "prelu-shared": (lambda: nn.PReLU(), (2, 3)),
    "hardswish": (lambda: nn.Hardswish(), (2, 5)),
    "hardsigmoid": (lambda: nn.Hardsigmoid(), (2, 5)),
    "threshold": (lambda: nn.Threshold(0.1, 2.0), (2, 5)),
    "max-pool-3d": (lambda: nn.MaxPool3d(2, stride=1, padding=1, dilation=2, ceil_mode=True), (1, 2, 4, 5, 4)),
    "adaptive-max-pool-1d": (lambda: nn.AdaptiveMaxPool1d(3), (2, 2, 7)),
    "adaptive-max-pool-3d": (lambda: nn.AdaptiveMaxPool3d((2, 1, 3)), (1, 2, 4, 3, 5)),
    "dropout-1d": (lambda: nn.Dropout1d(0.3), (2, 3, 4)),
    "dropout-2d": (lambda: nn.Dropout2d(0.3), (2, 3, 4, 4)),
    "dropout-3d": (lambda: nn.Dropout3d(0.3), (2, 3, 2, 2, 2)),
    "alpha-dropout": (lambda: nn.AlphaDropout(0.2), (2, 5)),
    "feature-alpha-dropout": (lambda: nn.FeatureAlphaDropout(0.2), (2, 3, 4)),
    "rnn-cell-relu": (lambda: nn.RNNCell(3, 4, bias=False, nonlinearity="relu"), (2, 3)),
    "gru-cell": (lambda: nn.GRUCell(3, 4), (2, 3)),
    "lstm-cell": (lambda: First(nn.LSTMCell(3, 4)), (2, 3)),
    "rnn-relu-2-layers": (lambda: First(nn.RNN(3, 4, 2, nonlinearity="relu", dropout=0.2)), (5, 2, 3)),
    "gru-bidirectional-batch-first": (lambda: First(nn.GRU(3, 4, batch_first=True, bidirectional=True)), (2, 5, 3)),
    "lstm-proj-bidirectional": (lambda: First(nn.LSTM(3, 5, 2, bias=False, bidirectional=True, proj_size=2)),
                                (4, 2, 3)),
    "multihead-attention": (lambda: First(nn.MultiheadAttention(6, 2, dropout=0.1, add_bias_kv=True,
                                                                add_zero_attn=True, batch_first=True), 3), (2, 4, 6)),
    "multihead-attention-kdim-vdim": (lambda: First(nn.MultiheadAttention(4, 2, bias=False, kdim=3, vdim=5), 3,
                                                    (4, 3, 5)), (4, 2, 4)),
    "transformer-encoder-layer": (lambda: nn.TransformerEncoderLayer(4, 2, 6, 0.1, "gelu", 1e-4, batch_first=True,
                                                                     norm_first=True), (2, 3, 4)),
    "transformer-encoder": (lambda: nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, 5, bias=False), 2,
                                                          nn.LayerNorm(4)), (3, 2, 4)),
}


class First(nn.Module):
    """A layer returning a tuple (output, state or weights), its output only: so it fits a Sequential. With
    `inputs` = 3 (attention) the input is query, key and value, cut to `features` each (kdim, vdim)."""

    def __init__(self, layer: nn.Module, inputs: int = 1, features: tuple = ()) -> None:
        super().__init__()
        self.layer, self.inputs, self.features = layer, inputs, features

    def forward(self, x):
        xs = [x] * self.inputs
        if self.features:
            xs = [x[..., :n] if n <= x.shape[-1] else x.repeat(1, 1, 2)[..., :n] for x, n in zip(xs, self.features)]
        return self.layer(*xs)[0]


@pytest.mark.parametrize("case", sorted(LAYERS))
def test_each_layer_form_becomes_a_twin_with_equal_outputs_and_gradients(torch, case):
    """A layer's hyper-parameters all reach its twin: Conv2d(padding_mode='reflect') became a zero-padded torch
    Conv2d, whose outputs differed by up to 1.06 silently."""
    make, shape = LAYERS[case]
    tg.manual_seed(3)
    model = nn.Sequential(make()).eval()
    twin = to_torch(model, np.zeros(shape, np.float32))
    assert repr(twin[0]) == repr(model[0])  # every hyper-parameter reached the twin (reprs are PyTorch's)
    rng = np.random.default_rng(4)
    x = rng.standard_normal(shape).astype(np.float32)
    _grads_agree(torch, model, twin, x, rng.standard_normal(model(tg.Tensor(x)).shape).astype(np.float32))


def test_an_encoder_layer_with_its_own_activation_is_refused_by_name(torch):
    """PyTorch's TransformerEncoderLayer would call our activation on torch tensors: no twin, a clear error."""
    model = nn.Sequential(nn.TransformerEncoderLayer(4, 2, 5, activation=F.silu))
    with pytest.raises(tg.errors.ShapeError, match="to_torch: TransformerEncoderLayer with the activation"):
        to_torch(model)
