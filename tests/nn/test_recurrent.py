"""nn.RNN / LSTM / GRU and their cells against PyTorch in float64 (torch's state_dict loaded into ours): outputs,
final states, gradients of the input, the initial states and every parameter, for stacked, bidirectional,
batch_first, unbatched, bias-free and projected layers; reprs, parameter names/shapes/order and the
U(±1/√hidden) initialisation; finite differences and second derivatives; dropout between layers; bad inputs."""
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tests.helpers import assert_close, numeric_grad
from tinygrad_edu.errors import ShapeError

LAYERS = ["RNN", "RNN_relu", "LSTM", "GRU"]


def make_pair(torch, kind, *args, **kw):
    """Our layer and torch's (float64), with torch's weights loaded into ours."""
    name = "RNN" if kind.startswith("RNN") else kind
    if kind == "RNN_relu":
        kw["nonlinearity"] = "relu"
    theirs = getattr(torch.nn, name)(*args, **kw).double()
    ours = getattr(nn, name)(*args, **kw).double()
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    return ours, theirs


def states(kind, layer, shape_in, batched, rng):
    """Random initial states of the right shapes: h0, or (h0, c0) for an LSTM."""
    dirs = 1 + layer.bidirectional
    n = shape_in[0 if layer.batch_first else 1] if batched else None
    real = getattr(layer, "proj_size", 0) or layer.hidden_size
    shape = lambda size: (layer.num_layers * dirs,) + ((n,) if batched else ()) + (size,)  # noqa: E731
    if kind == "LSTM":
        return rng.standard_normal(shape(real)), rng.standard_normal(shape(layer.hidden_size))
    return rng.standard_normal(shape(real))


def compare_sequence(torch, kind, args, kw, shape_in, with_h0, seed=0):
    rng = np.random.default_rng(seed)
    ours, theirs = make_pair(torch, kind, *args, **kw)
    x = rng.standard_normal(shape_in)
    xs, xt = tg.Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    h0s = h0t = None
    if with_h0:
        h = states(kind, ours, shape_in, len(shape_in) == 3, rng)
        if kind == "LSTM":
            h0s = tuple(tg.Tensor(a, requires_grad=True) for a in h)
            h0t = tuple(torch.tensor(a, requires_grad=True) for a in h)
        else:
            h0s, h0t = tg.Tensor(h, requires_grad=True), torch.tensor(h, requires_grad=True)
    out, hn = ours(xs, h0s)
    out_t, hn_t = theirs(xt, h0t)
    assert_close(out, out_t, rtol=1e-10, atol=1e-12)
    pairs = list(zip(hn, hn_t)) if kind == "LSTM" else [(hn, hn_t)]
    for a, b in pairs:
        assert_close(a, b, rtol=1e-10, atol=1e-12)
    v = rng.standard_normal(out.shape)
    loss = (out * tg.Tensor(v)).sum() + sum(((a * a).sum() for a, _ in pairs), tg.tensor(0.0, dtype=tg.float64))
    loss_t = (out_t * torch.tensor(v)).sum() + sum((b * b).sum() for _, b in pairs)
    loss.backward()
    loss_t.backward()
    assert_close(xs.grad, xt.grad, rtol=1e-9, atol=1e-11)
    if with_h0:
        for a, b in (zip(h0s, h0t) if kind == "LSTM" else [(h0s, h0t)]):
            assert_close(a.grad, b.grad, rtol=1e-9, atol=1e-11)
    names = [n for n, _ in ours.named_parameters()]
    assert names == [n for n, _ in theirs.named_parameters()]
    for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert p.grad is not None, name
        assert_close(p.grad, q.grad, rtol=1e-9, atol=1e-11)


CONFIGS = [  # (constructor keywords, input shape, with h0)
    ({}, (5, 3, 3), False),
    ({}, (5, 3, 3), True),
    ({"num_layers": 2}, (4, 2, 3), True),
    ({"bidirectional": True}, (4, 2, 3), True),
    ({"num_layers": 2, "bidirectional": True}, (4, 3, 3), False),
    ({"num_layers": 2, "bidirectional": True}, (4, 3, 3), True),
    ({"batch_first": True}, (2, 5, 3), True),
    ({"batch_first": True, "num_layers": 2, "bidirectional": True}, (3, 4, 3), True),
    ({"bias": False}, (4, 2, 3), True),
    ({"bias": False, "num_layers": 2, "bidirectional": True}, (4, 2, 3), False),
    ({}, (5, 3), False),  # unbatched
    ({"num_layers": 2, "bidirectional": True}, (5, 3), True),
    ({"batch_first": True, "bidirectional": True}, (5, 3), True),
    ({}, (1, 1, 3), True),
]


@pytest.mark.torch
@pytest.mark.parametrize("kind", LAYERS)
@pytest.mark.parametrize("kw, shape_in, with_h0", CONFIGS)
def test_sequence_layer_as_pytorch(torch, kind, kw, shape_in, with_h0):
    compare_sequence(torch, kind, (3, 4), dict(kw), shape_in, with_h0)


@pytest.mark.torch
@pytest.mark.parametrize("kw, shape_in, with_h0", [({"proj_size": 2}, (4, 3, 3), True),
                                                   ({"proj_size": 3, "num_layers": 2, "bidirectional": True},
                                                    (4, 2, 3), True),
                                                   ({"proj_size": 1, "batch_first": True}, (2, 4, 3), False),
                                                   ({"proj_size": 2, "num_layers": 2}, (4, 3), True)])
def test_lstm_projection_as_pytorch(torch, kw, shape_in, with_h0):
    compare_sequence(torch, "LSTM", (3, 4), dict(kw), shape_in, with_h0)


@pytest.mark.torch
@given(kind=st.sampled_from(LAYERS), t=st.integers(1, 5), n=st.integers(1, 3), i=st.integers(1, 4),
       h=st.integers(1, 4), layers=st.integers(1, 2), bidirectional=st.booleans(), batch_first=st.booleans(),
       bias=st.booleans(), with_h0=st.booleans(), seed=st.integers(0, 2 ** 16))
def test_any_configuration_as_pytorch(torch, kind, t, n, i, h, layers, bidirectional, batch_first, bias, with_h0,
                                      seed):
    kw = dict(num_layers=layers, bidirectional=bidirectional, batch_first=batch_first, bias=bias)
    compare_sequence(torch, kind, (i, h), kw, (n, t, i) if batch_first else (t, n, i), with_h0, seed)


@pytest.mark.torch
@pytest.mark.parametrize("name, kw", [("RNNCell", {}), ("RNNCell", {"nonlinearity": "relu"}),
                                      ("RNNCell", {"bias": False}), ("LSTMCell", {}), ("LSTMCell", {"bias": False}),
                                      ("GRUCell", {}), ("GRUCell", {"bias": False})])
@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("with_h", [True, False])
def test_cell_as_pytorch(torch, name, kw, batched, with_h):
    rng = np.random.default_rng(3)
    theirs = getattr(torch.nn, name)(3, 4, **kw).double()
    ours = getattr(nn, name)(3, 4, **kw).double()
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    x = rng.standard_normal((2, 3) if batched else (3,))
    hshape = (2, 4) if batched else (4,)
    xs, xt = tg.Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    hs = ht = None
    if with_h:
        hv = [rng.standard_normal(hshape) for _ in range(2 if name == "LSTMCell" else 1)]
        hs = [tg.Tensor(a, requires_grad=True) for a in hv]
        ht = [torch.tensor(a, requires_grad=True) for a in hv]
    out = ours(xs, None if hs is None else (tuple(hs) if name == "LSTMCell" else hs[0]))
    out_t = theirs(xt, None if ht is None else (tuple(ht) if name == "LSTMCell" else ht[0]))
    outs, outs_t = (out, out_t) if name == "LSTMCell" else ((out,), (out_t,))
    loss, loss_t = tg.tensor(0.0, dtype=tg.float64), 0
    for k, (a, b) in enumerate(zip(outs, outs_t)):
        assert_close(a, b, rtol=1e-10, atol=1e-12)
        loss = loss + (a * (k + 1.5)).tanh().sum()
        loss_t = loss_t + (b * (k + 1.5)).tanh().sum()
    loss.backward()
    loss_t.backward()
    assert_close(xs.grad, xt.grad, rtol=1e-9, atol=1e-11)
    for a, b in zip(hs or [], ht or []):
        assert_close(a.grad, b.grad, rtol=1e-9, atol=1e-11)
    for p, q in zip(ours.parameters(), theirs.parameters()):
        assert_close(p.grad, q.grad, rtol=1e-9, atol=1e-11)


MAKERS = [lambda m: m.RNN(3, 5), lambda m: m.RNN(3, 5, 2, "relu", False, True, 0.5, True),
          lambda m: m.LSTM(3, 5), lambda m: m.LSTM(3, 5, 2, bidirectional=True, proj_size=2),
          lambda m: m.LSTM(3, 5, batch_first=True, bias=False), lambda m: m.GRU(3, 5, 2, dropout=0.25),
          lambda m: m.GRU(3, 5, bidirectional=True), lambda m: m.RNNCell(3, 5),
          lambda m: m.RNNCell(3, 5, False, "relu"),
          lambda m: m.LSTMCell(3, 5), lambda m: m.GRUCell(3, 5, bias=False)]


@pytest.mark.torch
@pytest.mark.parametrize("make", MAKERS)
def test_repr_names_shapes_and_init_as_pytorch(torch, make):
    tg.manual_seed(0)
    ours, theirs = make(nn), make(torch.nn)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    bound = 1 / math.sqrt(ours.hidden_size)
    for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert p.shape == tuple(q.shape) and p.dtype == np.float32, name
    values = np.abs(np.concatenate([p.data.ravel() for p in ours.parameters()]))
    assert values.max() <= bound and values.max() > 0.8 * bound and values.min() < 0.2 * bound


def test_initialisation_is_uniform_and_seeded():
    tg.manual_seed(1)
    a = nn.LSTM(8, 100)
    tg.manual_seed(1)
    b = nn.LSTM(8, 100)
    w = a.weight_hh_l0.data
    assert np.array_equal(w, b.weight_hh_l0.data)
    assert abs(w.std() - 0.1 / math.sqrt(3)) < 0.003 and abs(w.mean()) < 0.003


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_finite_differences(kind):
    rng = np.random.default_rng(5)
    layer = getattr(nn, kind)(2, 3, num_layers=2, bidirectional=True).double()
    x = tg.Tensor(rng.standard_normal((3, 2, 2)), requires_grad=True)
    v = rng.standard_normal((3, 2, 6))
    layer(x)[0].backward(tg.Tensor(v))
    np.testing.assert_allclose(x.grad.data, numeric_grad(lambda t: layer(t)[0], x, v), rtol=1e-6, atol=1e-8)
    w = layer.weight_hh_l1_reverse
    analytic = w.grad.data.copy()

    def through_weight(t):
        saved = w.data
        w.data = t.data
        try:
            return layer(x)[0]
        finally:
            w.data = saved
    np.testing.assert_allclose(analytic, numeric_grad(through_weight, w, v), rtol=1e-6, atol=1e-8)


@pytest.mark.torch
@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN"])
def test_second_derivatives_as_pytorch(torch, kind):
    """∂/∂W of ‖∂(Σ out²)/∂x‖²: backward through the backward pass of the recurrence."""
    rng = np.random.default_rng(6)
    ours, theirs = make_pair(torch, kind, 2, 3, bidirectional=True)
    x = rng.standard_normal((3, 2, 2))
    xs, xt = tg.Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (gs,) = tg.autograd.grad((ours(xs)[0] ** 2).sum(), xs, create_graph=True)
    (gt,) = torch.autograd.grad((theirs(xt)[0] ** 2).sum(), xt, create_graph=True)
    assert_close(gs, gt, rtol=1e-9, atol=1e-11)
    (gs * gs).sum().backward()
    (gt * gt).sum().backward()
    for p, q in zip(ours.parameters(), theirs.parameters()):
        assert_close(p.grad, q.grad, rtol=1e-8, atol=1e-10)


def count_ops(out, name):
    """How many nodes of the Function `name` the graph of `out` holds, and their first inputs' shapes."""
    seen, stack, shapes = set(), [out], []
    while stack:
        t = stack.pop()
        fn = t._ctx
        if fn is None or id(fn) in seen:
            continue
        seen.add(id(fn))
        if type(fn).__name__ == name:
            shapes.append(fn.inputs[0].shape)
        stack.extend(fn.inputs)
    return shapes


def test_input_projection_is_one_matmul_per_layer_and_direction():
    layer = nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    out, _ = layer(tg.randn(7, 2, 3))
    shapes = count_ops(out, "MatMul")
    assert sorted(s for s in shapes if len(s) == 3) == [(7, 2, 3), (7, 2, 3), (7, 2, 8), (7, 2, 8)]
    assert sum(len(s) == 2 for s in shapes) == 2 * 2 * 7  # the recurrences h W_hhᵀ: one per step


@pytest.mark.torch
def test_dropout_between_layers_only_in_training(torch):
    ours, theirs = make_pair(torch, "GRU", 3, 4, num_layers=2, dropout=1.0)
    x = np.random.default_rng(7).standard_normal((4, 2, 3))
    ours.train()
    theirs.train()
    # p = 1 zeroes the second layer's input in both libraries: the same deterministic numbers
    assert_close(ours(tg.Tensor(x))[0], theirs(torch.tensor(x))[0], rtol=1e-10, atol=1e-12)
    ours.eval()
    theirs.eval()
    assert_close(ours(tg.Tensor(x))[0], theirs(torch.tensor(x))[0], rtol=1e-10, atol=1e-12)
    half = nn.LSTM(3, 4, num_layers=2, dropout=0.5).double()
    a, b = half(tg.Tensor(x))[0].data, half(tg.Tensor(x))[0].data
    assert not np.allclose(a, b)  # fresh masks each call in training
    half.eval()
    assert np.array_equal(half(tg.Tensor(x))[0].data, half(tg.Tensor(x))[0].data)


@pytest.mark.torch
def test_dropout_with_one_layer_warns_as_pytorch(torch):
    with pytest.warns(UserWarning, match="num_layers greater than 1"):
        nn.LSTM(3, 4, dropout=0.2)
    with pytest.warns(UserWarning, match="num_layers greater than 1"):
        torch.nn.LSTM(3, 4, dropout=0.2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.LSTM(3, 4, num_layers=2, dropout=0.2)


@pytest.mark.torch
@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_wrong_input_size_names_layer_expected_and_got(torch, kind):
    ours, theirs = getattr(nn, kind)(3, 4), getattr(torch.nn, kind)(3, 4)
    with pytest.raises(RuntimeError):
        theirs(torch.zeros(5, 2, 7))
    with pytest.raises(ShapeError, match=rf"{kind}: .*Expected 3, got 7"):
        ours(tg.zeros(5, 2, 7))


@pytest.mark.torch
@pytest.mark.parametrize("name", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cell_wrong_input_size(torch, name):
    with pytest.raises(RuntimeError):
        getattr(torch.nn, name)(3, 4)(torch.zeros(2, 5))
    with pytest.raises(ShapeError, match=rf"{name}: input has inconsistent input_size: got 5, expected 3"):
        getattr(nn, name)(3, 4)(tg.zeros(2, 5))
    with pytest.raises(ValueError):
        getattr(torch.nn, name)(3, 4)(torch.zeros(1, 2, 3))
    with pytest.raises(ValueError, match="1D or 2D"):
        getattr(nn, name)(3, 4)(tg.zeros(1, 2, 3))


HIDDEN_CASES = [("RNN", (5, 2, 3), lambda t: t.zeros(2, 2, 4), "Expected hx size"),  # layers·dirs wrong
                ("GRU", (5, 2, 3), lambda t: t.zeros(1, 3, 4), "Expected hx size"),  # batch wrong
                ("RNN", (5, 2, 3), lambda t: t.zeros(1, 2, 5), "Expected hx size"),  # hidden wrong
                ("GRU", (5, 2, 3), lambda t: t.zeros(2, 4), "3-D"),  # batched input, 2-D h0
                ("RNN", (5, 3), lambda t: t.zeros(1, 1, 4), "2-D"),  # unbatched input, 3-D h0
                ("LSTM", (5, 2, 3), lambda t: (t.zeros(1, 2, 4), t.zeros(1, 2, 5)), "Expected cx size"),
                ("LSTM", (5, 2, 3), lambda t: (t.zeros(1, 1, 4), t.zeros(1, 2, 4)), "Expected hx size")]


@pytest.mark.torch
@pytest.mark.parametrize("kind, shape, make_h, match", HIDDEN_CASES)
def test_wrong_initial_state_is_refused_as_pytorch(torch, kind, shape, make_h, match):
    with pytest.raises(RuntimeError):
        getattr(torch.nn, kind)(3, 4)(torch.zeros(*shape), make_h(torch))
    with pytest.raises(ShapeError, match=f"{kind}: .*{match}"):
        getattr(nn, kind)(3, 4)(tg.zeros(*shape), make_h(tg))


@pytest.mark.torch
@pytest.mark.parametrize("kind, shape", [("RNN", (2, 3, 4, 3)), ("LSTM", (3,))])
def test_wrong_input_rank(torch, kind, shape):
    with pytest.raises(ValueError):
        getattr(torch.nn, kind)(3, 4)(torch.zeros(*shape))
    with pytest.raises(ValueError, match=f"{kind}: Expected input to be 2D or 3D"):
        getattr(nn, kind)(3, 4)(tg.zeros(*shape))


@pytest.mark.torch
@pytest.mark.parametrize("make, error", [(lambda m: m.RNN(3, 0), ValueError), (lambda m: m.LSTM(3, 4, 0), ValueError),
                                         (lambda m: m.GRU(3, 4, dropout=1.5), ValueError),
                                         (lambda m: m.RNN(3, 4, nonlinearity="sigmoid"), ValueError),
                                         (lambda m: m.LSTM(3, 4, proj_size=4), ValueError),
                                         (lambda m: m.LSTM(3, 4, proj_size=-1), ValueError),
                                         (lambda m: m.GRU(3.0, 4), TypeError),
                                         (lambda m: m.LSTM(3, 4, bias=1), TypeError),
                                         (lambda m: m.GRU(3, 4, dropout="0.5"), ValueError)])
def test_bad_constructor_arguments_as_pytorch(torch, make, error):
    with pytest.raises(error):
        make(torch.nn)
    with pytest.raises(error):
        make(nn)


@pytest.mark.torch
@pytest.mark.parametrize("call, error", [
    (lambda t, m: m(t.zeros(0, 2, 3)), RuntimeError),  # an empty sequence
    (lambda t, m: m(t.zeros(5, 2, 3, dtype=t.float64)), ValueError),  # input dtype ≠ parameters' dtype
    (lambda t, m: m(t.zeros(5, 2, 3), t.zeros(1, 2, 4, dtype=t.float64)), RuntimeError),  # h0 dtype
])
def test_bad_forward_calls_as_pytorch(torch, call, error):
    with pytest.raises(error):
        call(torch, torch.nn.GRU(3, 4))
    with pytest.raises(error, match="GRU: "):
        call(tg, nn.GRU(3, 4))


@pytest.mark.torch
def test_unknown_cell_nonlinearity_is_refused_at_construction(torch):
    with pytest.raises(RuntimeError, match="Unknown nonlinearity"):  # PyTorch: only when called
        torch.nn.RNNCell(3, 4, nonlinearity="gelu")(torch.zeros(2, 3))
    with pytest.raises(ShapeError, match="RNNCell: Unknown nonlinearity"):
        nn.RNNCell(3, 4, nonlinearity="gelu")


def test_huge_stack_is_refused_before_allocating():
    with pytest.raises(RuntimeError, match="LSTM: .*bytes"):
        nn.LSTM(3, 4, 2 ** 40)


def test_all_weights_and_flatten_parameters():
    layer = nn.LSTM(3, 4, num_layers=2, bidirectional=True, proj_size=2)
    assert [len(ws) for ws in layer.all_weights] == [5, 5, 5, 5]
    assert layer.all_weights[3][0] is layer.weight_ih_l1_reverse
    assert layer.weight_ih_l1.shape == (16, 4) and layer.weight_hh_l0.shape == (16, 2)
    layer.flatten_parameters()
