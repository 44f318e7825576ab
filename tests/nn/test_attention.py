"""nn.MultiheadAttention, nn.TransformerEncoderLayer and nn.TransformerEncoder against PyTorch in float64
(torch's state_dict loaded into ours): outputs, attention weights, gradients of the inputs and of every parameter
for packed and separate projections, bias_k/bias_v, zero attention, masks, batch_first and unbatched inputs;
reprs, parameter names, shapes and initialisation; finite differences; bad inputs."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tests.helpers import assert_close, numeric_grad
from tinygrad_edu.errors import ShapeError

L, S, N, E, H = 4, 5, 2, 8, 2
pytestmark = [pytest.mark.filterwarnings("ignore:Support for mismatched:UserWarning"),
              pytest.mark.filterwarnings("ignore:enable_nested_tensor is True:UserWarning")]


def pair(torch, make):
    theirs, ours = make(torch.nn).double(), make(nn).double()
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    return ours, theirs


def check_grads(ours, theirs, inputs, inputs_t):
    for a, b in zip(inputs, inputs_t):
        assert_close(a.grad, b.grad, rtol=1e-9, atol=1e-11)
    for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert p.grad is not None, name
        assert_close(p.grad, q.grad, rtol=1e-9, atol=1e-11)


def masks(rng, kind, batched, num_heads=H):
    """(our keywords, torch keywords) for a mask case."""
    ours = {}
    if "kpm" in kind:
        m = rng.random((N, S) if batched else (S,)) > 0.6
        m[..., 0] = False
        ours["key_padding_mask"] = m
    if "bool_mask" in kind:
        m = rng.random((L, S)) > 0.6
        m[:, 0] = False
        ours["attn_mask"] = m
    if "float_mask" in kind:
        ours["attn_mask"] = rng.standard_normal((L, S))
    if "mask3d" in kind:
        ours["attn_mask"] = rng.standard_normal((N * num_heads if batched else num_heads, L, S))
    if "no_weights" in kind:
        ours["need_weights"] = False
    if "per_head" in kind:
        ours["average_attn_weights"] = False
    return ours


MHA_CONFIGS = [{}, {"batch_first": True}, {"kdim": 3, "vdim": 5}, {"add_bias_kv": True}, {"add_zero_attn": True},
               {"add_bias_kv": True, "add_zero_attn": True, "kdim": 6}, {"bias": False}]
MASK_CASES = ["", "kpm", "bool_mask", "float_mask", "mask3d", "kpm float_mask", "no_weights", "kpm no_weights",
              "bool_mask no_weights", "per_head", "kpm mask3d per_head"]
MHA_CASES = [({}, case) for case in MASK_CASES] + [
    (config, case) for config in MHA_CONFIGS[1:] for case in ("", "kpm float_mask", "bool_mask no_weights",
                                                              "kpm mask3d per_head")]


@pytest.mark.torch
@pytest.mark.parametrize("config, case", MHA_CASES)
@pytest.mark.parametrize("batched", [True, False])
def test_multihead_attention_as_pytorch(torch, config, case, batched):
    rng = np.random.default_rng(0)
    ours, theirs = pair(torch, lambda m: m.MultiheadAttention(E, H, **config))
    kd, vd = config.get("kdim", E), config.get("vdim", E)
    first = config.get("batch_first", False)
    shape = lambda n, d: ((N, n, d) if first else (n, N, d)) if batched else (n, d)  # noqa: E731
    arrays = rng.standard_normal(shape(L, E)), rng.standard_normal(shape(S, kd)), rng.standard_normal(shape(S, vd))
    inputs = [tg.Tensor(a, requires_grad=True) for a in arrays]
    inputs_t = [torch.tensor(a, requires_grad=True) for a in arrays]
    kw = masks(rng, case, batched)
    kw_t = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
    out, weights = ours(*inputs, **kw)
    out_t, weights_t = theirs(*inputs_t, **kw_t)
    assert_close(out, out_t, rtol=1e-10, atol=1e-12)
    assert (weights is None) == (weights_t is None)
    loss, loss_t = (out * out).sum(), (out_t * out_t).sum()
    if weights is not None:
        assert_close(weights, weights_t, rtol=1e-10, atol=1e-12)
        loss, loss_t = loss + (weights * 3.0).sin().sum(), loss_t + (weights_t * 3.0).sin().sum()
    loss.backward()
    loss_t.backward()
    check_grads(ours, theirs, inputs, inputs_t)


@pytest.mark.torch
@given(heads=st.sampled_from([1, 2, 4]), l=st.integers(1, 4), s=st.integers(1, 4), n=st.integers(1, 3),
       batch_first=st.booleans(), need_weights=st.booleans(), seed=st.integers(0, 2 ** 16))
def test_self_attention_any_shape_as_pytorch(torch, heads, l, s, n, batch_first, need_weights, seed):
    rng = np.random.default_rng(seed)
    ours, theirs = pair(torch, lambda m: m.MultiheadAttention(E, heads, batch_first=batch_first))
    q = rng.standard_normal((n, l, E) if batch_first else (l, n, E))
    kv = rng.standard_normal((n, s, E) if batch_first else (s, n, E))
    out, _ = ours(tg.Tensor(q), tg.Tensor(kv), tg.Tensor(kv), need_weights=need_weights)
    out_t, _ = theirs(torch.tensor(q), torch.tensor(kv), torch.tensor(kv), need_weights=need_weights)
    assert_close(out, out_t, rtol=1e-10, atol=1e-12)


@pytest.mark.torch
@pytest.mark.parametrize("need_weights", [True, False])
def test_causal_hint_as_pytorch(torch, need_weights):
    rng = np.random.default_rng(1)
    ours, theirs = pair(torch, lambda m: m.MultiheadAttention(E, H))
    x = rng.standard_normal((L, N, E))
    mask = np.triu(np.full((L, L), -np.inf), 1)
    out = ours(tg.Tensor(x), tg.Tensor(x), tg.Tensor(x), attn_mask=mask, is_causal=True, need_weights=need_weights)
    out_t = theirs(*(torch.tensor(x),) * 3, attn_mask=torch.tensor(mask), is_causal=True, need_weights=need_weights)
    assert_close(out[0], out_t[0], rtol=1e-10, atol=1e-12)
    with pytest.raises(RuntimeError, match="Need attn_mask"):
        theirs(*(torch.tensor(x),) * 3, is_causal=True)
    with pytest.raises(RuntimeError, match="Need attn_mask"):
        ours(*(tg.Tensor(x),) * 3, is_causal=True)


@pytest.mark.torch
def test_dropout_on_weights_only_in_training(torch):
    rng = np.random.default_rng(2)
    ours = nn.MultiheadAttention(E, H, dropout=0.5).double()
    x = tg.Tensor(rng.standard_normal((L, N, E)))
    a, b = ours(x, x, x)[1].data, ours(x, x, x)[1].data
    assert not np.allclose(a, b)
    ours.eval()
    assert np.array_equal(ours(x, x, x)[0].data, ours(x, x, x)[0].data)
    theirs = torch.nn.MultiheadAttention(E, H, dropout=0.5).double().eval()
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    assert_close(ours(x, x, x)[0], theirs(*(torch.tensor(x.data),) * 3)[0], rtol=1e-10, atol=1e-12)


MODULES = [lambda m: m.MultiheadAttention(8, 2), lambda m: m.MultiheadAttention(8, 4, bias=False, add_bias_kv=True),
           lambda m: m.MultiheadAttention(8, 2, kdim=3, vdim=5, batch_first=True, add_zero_attn=True),
           lambda m: m.TransformerEncoderLayer(8, 2, 16), lambda m: m.TransformerEncoderLayer(8, 2, 16, 0.2, "gelu"),
           lambda m: m.TransformerEncoderLayer(8, 2, 16, norm_first=True, bias=False, batch_first=True),
           lambda m: m.TransformerEncoderLayer(8, 2, 16, activation=m.GELU())]


@pytest.mark.torch
@pytest.mark.parametrize("make", MODULES)
def test_repr_names_shapes_and_init_as_pytorch(torch, make):
    ours, theirs = make(nn), make(torch.nn)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert p.shape == tuple(q.shape) and p.dtype == np.float32, name
        if name.endswith("in_proj_bias") or name.endswith("out_proj.bias"):
            assert np.all(p.data == 0), name


def test_xavier_initialisation_of_the_projections():
    tg.manual_seed(0)
    layer = nn.MultiheadAttention(64, 4)
    bound = np.sqrt(6 / (64 + 3 * 64))
    w = layer.in_proj_weight.data
    assert np.abs(w).max() <= bound and abs(w.std() - bound / np.sqrt(3)) < 0.01 * bound * 3


ENCODER_CONFIGS = [{}, {"norm_first": True}, {"activation": "gelu", "batch_first": True},
                   {"norm_first": True, "bias": False}]


@pytest.mark.torch
@pytest.mark.parametrize("config", ENCODER_CONFIGS)
@pytest.mark.parametrize("masked", [False, True])
def test_transformer_encoder_layer_as_pytorch(torch, config, masked):
    rng = np.random.default_rng(3)
    ours, theirs = pair(torch, lambda m: m.TransformerEncoderLayer(E, H, 16, dropout=0.0, **config))
    shape = (N, L, E) if config.get("batch_first") else (L, N, E)
    x = rng.standard_normal(shape)
    xs, xt = tg.Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    kw = {}
    if masked:
        kpm = np.zeros((N, L), bool)
        kpm[0, -1] = True
        kw = {"src_mask": rng.standard_normal((L, L)), "src_key_padding_mask": kpm}
    out = ours(xs, **kw)
    out_t = theirs(xt, **{k: torch.tensor(v) for k, v in kw.items()})
    assert_close(out, out_t, rtol=1e-10, atol=1e-12)
    r = rng.standard_normal(out.shape)
    out.backward(tg.Tensor(r))
    out_t.backward(torch.tensor(r))
    check_grads(ours, theirs, [xs], [xt])


@pytest.mark.torch
@pytest.mark.parametrize("causal", [False, True])
def test_transformer_encoder_as_pytorch(torch, causal):
    rng = np.random.default_rng(4)

    def make(m):
        return m.TransformerEncoder(m.TransformerEncoderLayer(E, H, 16, dropout=0.0), 2, norm=m.LayerNorm(E))
    ours, theirs = pair(torch, make)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    x = rng.standard_normal((L, N, E))
    mask = np.triu(np.full((L, L), -np.inf), 1) if causal else None
    xs, xt = tg.Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out = ours(xs, mask=mask)
    out_t = theirs(xt, mask=None if mask is None else torch.tensor(mask))
    assert_close(out, out_t, rtol=1e-10, atol=1e-12)
    r = rng.standard_normal(out.shape)
    out.backward(tg.Tensor(r))
    out_t.backward(torch.tensor(r))
    check_grads(ours, theirs, [xs], [xt])
    assert ours.layers[0].linear1.weight is not ours.layers[1].linear1.weight  # copies, not one shared layer


def test_finite_differences():
    rng = np.random.default_rng(5)
    layer = nn.MultiheadAttention(4, 2, add_bias_kv=True).double()
    q = tg.Tensor(rng.standard_normal((3, 2, 4)), requires_grad=True)
    kv = tg.Tensor(rng.standard_normal((2, 2, 4)))
    kpm = np.array([[False, True], [False, False]])
    r = rng.standard_normal((3, 2, 4))
    layer(q, kv, kv, key_padding_mask=kpm)[0].backward(tg.Tensor(r))
    numeric = numeric_grad(lambda t: layer(t, kv, kv, key_padding_mask=kpm)[0], q, r)
    np.testing.assert_allclose(q.grad.data, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.torch
def test_second_derivatives_as_pytorch(torch):
    rng = np.random.default_rng(6)
    ours, theirs = pair(torch, lambda m: m.MultiheadAttention(E, H))
    x = rng.standard_normal((3, 2, E))
    xs, xt = tg.Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (g,) = tg.autograd.grad((ours(xs, xs, xs)[0] ** 2).sum(), xs, create_graph=True)
    (gt,) = torch.autograd.grad((theirs(xt, xt, xt)[0] ** 2).sum(), xt, create_graph=True)
    assert_close(g, gt, rtol=1e-9, atol=1e-11)
    (g * g).sum().backward()
    (gt * gt).sum().backward()
    for p, q in zip(ours.parameters(), theirs.parameters()):
        assert_close(p.grad, q.grad, rtol=1e-8, atol=1e-10)


BAD_CALLS = [  # (call on a module m of the library t), the exception PyTorch raises (ours: RuntimeError, ShapeError)
    (lambda t, m: m(t.zeros(4, 2, 6), t.zeros(5, 2, 6), t.zeros(5, 2, 6)), AssertionError),  # wrong embed dim
    (lambda t, m: m(t.zeros(4, 2, 8), t.zeros(5, 2, 8), t.zeros(6, 2, 8)), AssertionError),  # key/value lengths
    (lambda t, m: m(t.zeros(2, 4, 2, 8), t.zeros(5, 2, 8), t.zeros(5, 2, 8)), AssertionError),  # 4-D query
    (lambda t, m: m(t.zeros(4, 2, 8), t.zeros(5, 8), t.zeros(5, 8)), AssertionError),  # batched q, unbatched k
    (lambda t, m: m(t.zeros(4, 2, 8), t.zeros(5, 2, 8), t.zeros(5, 2, 8), attn_mask=t.zeros(4, 4)), RuntimeError),
    (lambda t, m: m(t.zeros(4, 2, 8), t.zeros(5, 2, 8), t.zeros(5, 2, 8), attn_mask=t.zeros(2, 4, 5)), RuntimeError),
    (lambda t, m: m(t.zeros(4, 2, 8), t.zeros(5, 2, 8), t.zeros(5, 2, 8),
                    key_padding_mask=t.zeros(2, 4, dtype=t.bool)), AssertionError),
    (lambda t, m: m(t.zeros(4, 2, 8, dtype=t.float64), t.zeros(5, 2, 8), t.zeros(5, 2, 8)), RuntimeError),
]


@pytest.mark.torch
@pytest.mark.parametrize("call, error", BAD_CALLS)
def test_bad_calls_as_pytorch(torch, call, error):
    with pytest.raises(error):
        call(torch, torch.nn.MultiheadAttention(E, H))
    with pytest.raises(RuntimeError, match="multi_head_attention_forward"):  # PyTorch's AssertionErrors included
        call(tg, nn.MultiheadAttention(E, H))


@pytest.mark.torch
def test_bad_constructor_arguments_as_pytorch(torch):
    with pytest.raises(AssertionError):
        torch.nn.MultiheadAttention(10, 3)
    with pytest.raises(ShapeError, match="embed_dim must be divisible"):
        nn.MultiheadAttention(10, 3)
    with pytest.raises(RuntimeError):
        torch.nn.TransformerEncoderLayer(8, 2, activation="swish")
    with pytest.raises(RuntimeError, match="activation should be relu/gelu"):
        nn.TransformerEncoderLayer(8, 2, activation="swish")
