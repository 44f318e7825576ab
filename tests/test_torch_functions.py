"""The torch.* forms of functional ops (torch_functions.py) and every top-level name of the joining, grid,
product, searching, integration and distance-matrix files: the signature is torch's (names, order, defaults,
keyword-only markers), and each adapter computes what torch's top-level function computes (values, gradients)."""
import ast
import inspect
import re

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tests.helpers import assert_close

NAMES = """hstack vstack dstack column_stack row_stack concat concatenate atleast_1d atleast_2d atleast_3d meshgrid
tensordot broadcast_tensors broadcast_shapes block_diag cartesian_prod combinations vander tril_indices triu_indices
split_with_sizes rsub unravel_index chain_matmul searchsorted bucketize isin trapezoid cumulative_trapezoid cdist pdist
conv1d conv2d conv3d conv_transpose1d conv_transpose2d conv_transpose3d max_pool1d max_pool2d max_pool3d avg_pool1d
adaptive_avg_pool1d adaptive_max_pool1d batch_norm layer_norm group_norm instance_norm dropout alpha_dropout
feature_alpha_dropout embedding pixel_shuffle pixel_unshuffle cosine_similarity pairwise_distance celu selu threshold
prelu hardshrink kl_div bilinear binary_cross_entropy_with_logits cosine_embedding_loss hinge_embedding_loss
margin_ranking_loss triplet_margin_loss poisson_nll_loss constant_pad_nd log1p expm1""".split()
# parameters torch takes for other devices and layouts, or that name its output buffer: not compared
IGNORED = {"out", "layout", "device", "dtype", "pin_memory", "compute_mode"}
# torch.searchsorted's docstring calls its second argument `values`, but the argument parser takes `input` (checked
# in test_searchsorted_takes_input_by_keyword)
RENAMED = {("searchsorted", "values"): "input"}


def _torch_parameters(torch, name):
    """(name, keyword-only, *args, default) of torch.name: from inspect when it is Python, else the docstring's
    first line, else ATen's schema (self → input)."""
    fn = getattr(torch, name)
    try:
        return [(p.name, p.kind == p.KEYWORD_ONLY, p.kind == p.VAR_POSITIONAL,
                 None if p.default is p.empty else repr(p.default)) for p in inspect.signature(fn).parameters.values()]
    except (ValueError, TypeError):
        pass
    match = re.match(rf"{name}\((.*)\)\s*->", (fn.__doc__ or "").strip().split("\n")[0])
    if match:
        text = match.group(1)
    else:
        schema = str(torch._C._jit_get_schemas_for_operator("aten::" + name)[0])
        text = schema[schema.index("(") + 1: schema.rindex(") ->")].replace("self", "input")
    out, keyword = [], False
    for part in (p.strip() for p in re.split(r",\s*(?![^\[]*\])", text) if p.strip()):
        if part == "*":
            keyword = True
        elif part.startswith("*"):
            out.append((part[1:], False, True, None))
        else:
            n, _, d = part.partition("=")
            n = n.split(":")[0] if ":" in n else n.split()[-1]  # annotations and ATen's types left out
            out.append((n.strip(), keyword, False, d.strip() or None))
    return out


def _value(default):
    if default in (None, "[]", "()"):
        return {None: None, "[]": (), "()": ()}[default]
    try:
        v = ast.literal_eval(default)
    except (ValueError, SyntaxError):
        return default
    if isinstance(v, list):
        return tuple(v) if len(v) != 1 else v[0]
    return v


def _normalised(name, params):
    return [(RENAMED.get((name, n), n), kw, var, _value(d)) for n, kw, var, d in params if n not in IGNORED]


def _ours(name):
    return [(p.name, p.kind == p.KEYWORD_ONLY, p.kind == p.VAR_POSITIONAL,
             None if p.default is p.empty else repr(p.default))
            for p in inspect.signature(getattr(tg, name)).parameters.values()]


@pytest.mark.torch
@pytest.mark.parametrize("name", NAMES)
def test_signature_is_torchs(torch, name):
    assert _normalised(name, _ours(name)) == _normalised(name, _torch_parameters(torch, name))


@pytest.mark.torch
def test_trapz_takes_x_or_dx_as_torchs_two_forms(torch):
    # torch.trapz has two overloads, (y, x, *, dim) and (y, *, dx, dim); ours is one function with both
    assert [p.name for p in inspect.signature(tg.trapz).parameters.values()] == ["y", "x", "dx", "dim"]
    y = torch.tensor([1.0, 2.0, 4.0])
    assert tg.trapz(tg.tensor([1.0, 2.0, 4.0]), dx=2.0).item() == torch.trapz(y, dx=2.0).item()


@pytest.mark.torch
def test_searchsorted_takes_input_by_keyword(torch):
    assert torch.searchsorted(torch.tensor([1.0, 2.0]), input=torch.tensor([1.5])).tolist() == [1]
    assert tg.searchsorted(tg.tensor([1.0, 2.0]), input=tg.tensor([1.5])).tolist() == [1]


@pytest.mark.parametrize("name", ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                                  "conv_transpose3d", "avg_pool1d", "adaptive_avg_pool1d", "pixel_shuffle",
                                  "pixel_unshuffle", "cosine_similarity", "pairwise_distance", "bilinear"])
def test_same_signature_forms_are_the_functional_ones(name):
    assert getattr(tg, name) is getattr(F, name)


def _pair(torch, arrays, grads=None):
    grads = len(arrays) if grads is None else grads
    return ([tg.Tensor(a.copy(), requires_grad=a.dtype.kind == "f" and k < grads) for k, a in enumerate(arrays)],
            [torch.tensor(a.copy(), requires_grad=a.dtype.kind == "f" and k < grads) for k, a in enumerate(arrays)])


def _check(torch, name, arrays, *args, grad=True, grads=None, call=None, **kwargs):
    """tg.name and torch.name on the same arrays (floats float64): values, and δ of the first `grads` float inputs
    (all by default); `call(fn, *tensors)` calls the function when the arrays are not its leading arguments."""
    xs, ts = _pair(torch, arrays, grads)
    call = call or (lambda fn, *tensors: fn(*tensors, *args, **kwargs))
    y, yt = call(getattr(tg, name), *xs), call(getattr(torch, name), *ts)
    if isinstance(yt, tuple):
        for o, t in zip(y, yt):
            assert_close(o, t, rtol=1e-9, atol=1e-10)
        y, yt = y[0], yt[0]
    assert_close(y, yt, rtol=1e-9, atol=1e-10)
    if not grad:
        return
    v = np.random.default_rng(0).standard_normal(y.shape)
    (y * tg.Tensor(v)).sum().backward()
    (yt * torch.tensor(v)).sum().backward()
    for x, t in zip(xs, ts):
        if t.grad is not None:
            assert_close(x.grad, t.grad, rtol=1e-8, atol=1e-9)


R = np.random.default_rng(42)
X3 = R.standard_normal((2, 3, 6))
X4 = R.standard_normal((2, 3, 4, 4))
X5 = R.standard_normal((1, 2, 4, 4, 4))


@pytest.mark.torch
@pytest.mark.parametrize("name, arrays, args", [
    ("max_pool1d", [X3], (2,)), ("max_pool1d", [X3], (3, 2, 1, 1, True)), ("max_pool1d", [X3], (2, [])),
    ("max_pool2d", [X4], (2,)), ("max_pool2d", [X4], (3, 1, 1)), ("max_pool3d", [X5], (2,)),
    ("adaptive_max_pool1d", [X3], (4,)),
])
def test_pooling_forms_as_pytorch(torch, name, arrays, args):
    _check(torch, name, arrays, *args)


def test_adaptive_max_pool1d_always_returns_indices():
    values, indices = tg.adaptive_max_pool1d(tg.Tensor(X3), 2)
    assert values.shape == indices.shape == (2, 3, 2) and indices.dtype == np.int64


@pytest.mark.torch
@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_and_instance_norm_forms_as_pytorch(torch, training):
    w, b = R.standard_normal(3), R.standard_normal(3)
    mean, var = R.standard_normal(3), R.uniform(0.5, 2, 3)
    rm, rv = tg.Tensor(mean.copy()), tg.Tensor(var.copy())
    rmt, rvt = torch.tensor(mean.copy()), torch.tensor(var.copy())
    xs, ts = _pair(torch, [X4, w, b])
    y = tg.batch_norm(xs[0], xs[1], xs[2], rm, rv, training, 0.2, 1e-4, False)
    yt = torch.batch_norm(ts[0], ts[1], ts[2], rmt, rvt, training, 0.2, 1e-4, False)
    assert_close(y, yt, rtol=1e-9, atol=1e-10)
    assert_close(rm, rmt) and assert_close(rv, rvt)
    y.sum().backward()
    yt.sum().backward()
    for x, t in zip(xs, ts):
        assert_close(x.grad, t.grad, rtol=1e-7, atol=1e-9)
    _check(torch, "instance_norm", [X4, w, b], None, None, True, 0.1, 1e-5, False)


@pytest.mark.torch
def test_layer_norm_and_group_norm_forms_as_pytorch(torch):
    _check(torch, "layer_norm", [X4, R.standard_normal((4, 4)), R.standard_normal((4, 4))],
           call=lambda fn, x, w, b: fn(x, [4, 4], w, b))
    _check(torch, "layer_norm", [X4], (4,), None, None, 1e-3, False)
    _check(torch, "group_norm", [X4, R.standard_normal(3), R.standard_normal(3)],
           call=lambda fn, x, w, b: fn(x, 3, w, b))
    _check(torch, "group_norm", [R.standard_normal((2, 4, 3))], 2, None, None, 1e-3, True)


@pytest.mark.torch
@pytest.mark.parametrize("name", ["dropout", "alpha_dropout", "feature_alpha_dropout"])
def test_dropout_forms_take_train_positionally(torch, name):
    x = tg.Tensor(X4)
    assert getattr(tg, name)(x, 0.3, False) is not None
    assert_close(getattr(tg, name)(x, 0.3, False), getattr(torch, name)(torch.tensor(X4), 0.3, False))
    tg.manual_seed(0)
    y = getattr(tg, name)(x, 0.5, True)
    assert y.shape == x.shape and not np.allclose(y.data, X4)
    with pytest.raises(TypeError):
        getattr(tg, name)(x, 0.5)  # train is required, as in torch


@pytest.mark.torch
def test_dropout_form_keeps_and_scales_as_pytorch(torch):
    tg.manual_seed(1)
    y = tg.dropout(tg.ones(1000, dtype=tg.float64), 0.25, True).data
    assert set(np.unique(y)) <= {0.0, 1 / 0.75} and 0.15 < (y == 0).mean() < 0.35


@pytest.mark.torch
@pytest.mark.parametrize("padding_idx", [-1, -3, 1, 4])
def test_embedding_form_takes_weight_first(torch, padding_idx):
    weight = R.standard_normal((5, 3))
    index = np.array([[0, 1, 1], [4, 2, 0]])
    w, wt = tg.Tensor(weight.copy(), requires_grad=True), torch.tensor(weight.copy(), requires_grad=True)
    y = tg.embedding(w, tg.tensor(index), padding_idx)
    yt = torch.embedding(wt, torch.tensor(index), padding_idx)
    assert_close(y, yt)
    y.sum().backward()
    yt.sum().backward()
    assert_close(w.grad, wt.grad)


@pytest.mark.torch
@pytest.mark.parametrize("name, arrays, args", [
    ("celu", [X3], ()), ("celu", [X3], (0.5,)), ("selu", [X3], ()), ("threshold", [X3], (0.1, -2.0)),
    ("constant_pad_nd", [X3], ([1, 2],)), ("constant_pad_nd", [X4], ([1, 0, -1, 2], 0.5)),
    ("log1p", [np.abs(X3)], ()), ("expm1", [X3], ()),
])
def test_elementwise_and_padding_forms_as_pytorch(torch, name, arrays, args):
    _check(torch, name, arrays, *args)


@pytest.mark.parametrize("name, args", [("celu", (1.0, True)), ("selu", (True,)), ("threshold", (0.1, 0.0, True))])
def test_forms_without_inplace_refuse_it(name, args):
    with pytest.raises(TypeError):
        getattr(tg, name)(tg.Tensor(X3), *args)


P = R.uniform(0.1, 0.9, (4, 5))
LOGP = np.log(P / P.sum(1, keepdims=True))
SIGN = np.where(R.standard_normal((4, 5)) > 0, 1.0, -1.0)


@pytest.mark.torch
@pytest.mark.parametrize("reduction", [0, 1, 2])
@pytest.mark.parametrize("name, arrays, args", [
    ("kl_div", [LOGP, P], ()), ("binary_cross_entropy_with_logits", [X3, R.uniform(0, 1, X3.shape)], ()),
    ("cosine_embedding_loss", [R.standard_normal((4, 5)), R.standard_normal((4, 5)), SIGN[:, 0]], (0.1,)),
    ("hinge_embedding_loss", [R.standard_normal((4, 5)), SIGN], (0.5,)),
    ("margin_ranking_loss", [R.standard_normal(5), R.standard_normal(5), SIGN[0]], (0.2,)),
    ("triplet_margin_loss", [R.standard_normal((4, 5)), R.standard_normal((4, 5)), R.standard_normal((4, 5))],
     (0.5, 2.0, 1e-6, True)),
])
def test_losses_take_the_reduction_enum(torch, reduction, name, arrays, args):
    _check(torch, name, arrays, *args, reduction=reduction)


@pytest.mark.torch
@pytest.mark.parametrize("reduction", [0, 1, 2])
def test_loss_forms_with_further_arguments(torch, reduction):
    weight, pos_weight = R.uniform(0.5, 2, X3.shape), R.uniform(0.5, 2, 6)
    _check(torch, "binary_cross_entropy_with_logits", [X3, R.uniform(0, 1, X3.shape), weight, pos_weight],
           reduction=reduction, grads=2)
    _check(torch, "kl_div", [LOGP, np.log(P)], reduction, log_target=True)
    _check(torch, "poisson_nll_loss", [X3, R.uniform(0, 3, X3.shape)], True, False, 1e-8, reduction)
    _check(torch, "poisson_nll_loss", [np.abs(X3), R.uniform(0, 3, X3.shape)], False, True, 1e-8, reduction)


def test_kl_div_mean_does_not_warn(recwarn):
    tg.kl_div(tg.Tensor(LOGP), tg.Tensor(P))
    assert not [w for w in recwarn if "batchmean" in str(w.message)]


@pytest.mark.parametrize("call, error, words", [
    (lambda: tg.kl_div(tg.Tensor(LOGP), tg.Tensor(P), "mean"), TypeError, ["kl_div", "reduction"]),
    (lambda: tg.margin_ranking_loss(tg.zeros(2), tg.zeros(2), tg.ones(2), 0.0, 3), tg.errors.ShapeError,
     ["margin_ranking_loss", "reduction", "3"]),
    (lambda: tg.dropout(tg.zeros(2), 1.5, True), ValueError, ["dropout"]),
    (lambda: tg.batch_norm(tg.zeros(2, 3), None, None, None, None, True, 0.1, 1e-5, "yes"), TypeError,
     ["batch_norm", "cudnn_enabled"]),
    (lambda: tg.constant_pad_nd(tg.zeros(2, 3), [1, 2, 3]), ValueError, ["pad"]),
    (lambda: tg.embedding(tg.zeros(2, 3), tg.tensor([5])), IndexError, ["embedding", "5"]),
])
def test_errors_name_the_op(call, error, words):
    with pytest.raises(error) as info:
        call()
    for w in words:
        assert w in str(info.value)


@pytest.mark.torch
def test_rsub_and_split_with_sizes_as_pytorch(torch):
    a, b = R.standard_normal((2, 3)), R.standard_normal((3,))
    _check(torch, "rsub", [a, b])
    _check(torch, "rsub", [a, b], alpha=2.5)
    _check(torch, "rsub", [a], 3.0)
    ints = tg.rsub(tg.tensor([1, 2]), 2.5)
    assert ints.dtype == np.float32 and ints.tolist() == torch.rsub(torch.tensor([1, 2]), 2.5).tolist()
    parts, tparts = tg.split_with_sizes(tg.Tensor(X3), [2, 4], -1), torch.split_with_sizes(torch.tensor(X3), [2, 4], -1)
    assert len(parts) == len(tparts)
    for p, t in zip(parts, tparts):
        assert_close(p, t)
