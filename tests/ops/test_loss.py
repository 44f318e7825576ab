"""Softmax, log-softmax and losses: gradients, PyTorch agreement, stability, second derivatives, bad input."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.inspect import gradcheck
from tests.helpers import assert_close, rand64, to_torch


@given(n=st.integers(1, 4), c=st.integers(1, 5), dim=st.sampled_from([0, 1, -1]), seed=st.integers(0, 2**16))
def test_softmax_and_log_softmax_gradients(n, c, dim, seed):
    x = rand64(np.random.default_rng(seed), (n, c))
    assert gradcheck(lambda t: F.softmax(t, dim), [x])
    assert gradcheck(lambda t: F.log_softmax(t, dim), [x])


@given(n=st.integers(1, 4), c=st.integers(2, 5), seed=st.integers(0, 2**16))
def test_cross_entropy_gradient_is_softmax_minus_one_hot(n, c, seed):
    rng = np.random.default_rng(seed)
    x = rand64(rng, (n, c))
    target = rng.integers(0, c, n)
    F.cross_entropy(x, target).backward()
    p = np.exp(x.data - x.data.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    np.testing.assert_allclose(x.grad.data, (p - np.eye(c)[target]) / n, atol=1e-12)
    assert gradcheck(lambda t: F.cross_entropy(t, target), [x])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_losses_match_torch(torch, reduction):
    rng = np.random.default_rng(11)
    x = rand64(rng, (4, 5))
    target = rng.integers(0, 5, 4)
    xt = to_torch(torch, x)
    for ours, theirs in [
        (F.cross_entropy(x, target, reduction=reduction),
         torch.nn.functional.cross_entropy(xt, torch.tensor(target), reduction=reduction)),
        (F.nll_loss(F.log_softmax(x, 1), target, reduction=reduction),
         torch.nn.functional.nll_loss(torch.log_softmax(xt, 1), torch.tensor(target), reduction=reduction)),
        (F.mse_loss(x, tg.Tensor(np.ones((4, 5))), reduction=reduction),
         torch.nn.functional.mse_loss(xt, torch.ones(4, 5, dtype=torch.float64), reduction=reduction)),
    ]:
        assert_close(ours, theirs)
        x.grad, xt.grad = None, None
        ours.sum().backward()
        theirs.sum().backward()
        assert_close(x.grad, xt.grad)


def test_cross_entropy_on_spatial_logits_and_ignore_index_matches_torch(torch):
    rng = np.random.default_rng(12)
    x = rand64(rng, (2, 3, 4, 2))
    target = rng.integers(0, 3, (2, 4, 2))
    target[0, 1, 1] = -100
    xt = to_torch(torch, x)
    y = F.cross_entropy(x, target)
    yt = torch.nn.functional.cross_entropy(xt, torch.tensor(target))
    assert_close(y, yt)
    y.backward()
    yt.backward()
    assert_close(x.grad, xt.grad)


def test_softmax_and_log_softmax_match_torch(torch):
    x = rand64(np.random.default_rng(13), (3, 4))
    xt = to_torch(torch, x)
    for ours, theirs in [(F.softmax(x, 0), torch.softmax(xt, 0)), (F.log_softmax(x, 1), torch.log_softmax(xt, 1))]:
        assert_close(ours, theirs)


def test_log_softmax_is_stable_for_huge_logits(torch):
    x = tg.Tensor(np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4 + 1]]), requires_grad=True)
    y = F.log_softmax(x, 1)
    assert np.all(np.isfinite(y.data))
    xt = to_torch(torch, x)
    assert_close(y, torch.log_softmax(xt, 1))
    loss = F.cross_entropy(x, np.array([1, 2]))
    loss.backward()
    assert np.isfinite(loss.item()) and np.all(np.isfinite(x.grad.data))
    x32 = tg.Tensor(np.array([[1e4, -1e4]], np.float32), requires_grad=True)
    assert np.all(np.isfinite(F.log_softmax(x32, 1).data))


def test_second_derivative_of_softmax_cross_entropy_matches_torch(torch):
    rng = np.random.default_rng(14)
    x = rand64(rng, (3, 4))
    w = rand64(rng, (4, 4))
    target = np.array([0, 3, 1])
    (g,) = tg.grad(F.cross_entropy(x @ w, target), [w], create_graph=True)
    (gg,) = tg.grad((g * g).sum(), [x])
    xt, wt = to_torch(torch, x), to_torch(torch, w)
    (gt,) = torch.autograd.grad(torch.nn.functional.cross_entropy(xt @ wt, torch.tensor(target)), [wt],
                                create_graph=True)
    (ggt,) = torch.autograd.grad((gt * gt).sum(), [xt])
    assert_close(g, gt)
    assert_close(gg, ggt)


def test_wrong_target_dtype_names_op_and_shapes():
    with pytest.raises(TypeError, match=r"cross_entropy: target must hold integer class indices, got dtype float32 "
                                        r"of shape \(2,\) \(input \(2, 3\)\)"):
        F.cross_entropy(tg.randn(2, 3), tg.Tensor(np.array([0.0, 1.0], dtype=np.float32)))
    with pytest.raises(TypeError, match=r"cross_entropy: a target of the logits' shape \(2, 3\) is read as class "
                                        r"probabilities and must be floating, got dtype int64"):
        F.cross_entropy(tg.randn(2, 3), np.zeros((2, 3), dtype=np.int64))
    with pytest.raises(ValueError, match=r"nll_loss: target shape \(3,\) does not match input \(2, 3\)"):
        F.nll_loss(tg.randn(2, 3), np.array([0, 1, 2]))
    with pytest.raises(IndexError, match="nll_loss: target 7 is out of range for 3 classes"):
        F.cross_entropy(tg.randn(2, 3), np.array([0, 7]))
    with pytest.raises(ValueError, match=r"mse_loss: input shape \(2, 3\) and target shape \(3,\) differ"):
        F.mse_loss(tg.randn(2, 3), tg.randn(3))
    with pytest.raises(ValueError, match="reduction"):
        F.mse_loss(tg.randn(2), tg.randn(2), reduction="avg")


IMPLICIT_DIM = {0: 0, 1: 0, 2: 1, 3: 0, 4: 1, 5: 1}  # PyTorch's _get_softmax_dim


@pytest.mark.torch
@pytest.mark.parametrize("ndim", sorted(IMPLICIT_DIM))
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_without_dim_uses_pytorchs_implicit_dim_and_warns(torch, ndim, name):
    x = rand64(np.random.default_rng(ndim), (2, 3, 2, 2, 3)[:ndim])
    with pytest.warns(UserWarning, match=f"Implicit dimension choice for {name} has been deprecated") as caught:
        y = getattr(F, name)(x)
    assert caught[0].filename == __file__
    assert_close(y, getattr(torch.nn.functional, name)(to_torch(torch, x), IMPLICIT_DIM[ndim]))
    assert_close(y, getattr(F, name)(x, IMPLICIT_DIM[ndim]))


def test_softmax_of_a_0d_tensor_and_dtype_argument_match_torch(torch):
    x = tg.tensor(2.5, dtype=tg.float64)
    assert F.softmax(x, 0).item() == 1.0 and F.log_softmax(x, -1).item() == 0.0
    y = tg.Tensor(np.array([[1.0, 2.0, 3.0]], dtype=np.float32))
    assert F.softmax(y, 1, dtype=tg.float64).dtype == np.float64
    assert_close(y.softmax(1), torch.tensor(y.data).softmax(1))
    assert_close(y.log_softmax(-1), torch.tensor(y.data).log_softmax(-1))
    assert_close(F.softmin(y, 1), torch.nn.functional.softmin(torch.tensor(y.data), 1))
    with pytest.raises(IndexError, match=r"softmax: dim 2 is out of range for shape \(1, 3\)"):
        F.softmax(y, 2)


LAYOUTS = {"1d": lambda n, c: (c,), "2d": lambda n, c: (n, c), "3d": lambda n, c: (n, c, 3),
           "4d": lambda n, c: (n, c, 2, 2)}


def _probabilities(rng, shape, dim):
    p = rng.dirichlet(np.ones(shape[dim]), size=int(np.prod(shape)) // shape[dim])
    moved = list(shape[:dim]) + list(shape[dim + 1:]) + [shape[dim]]
    return np.moveaxis(p.reshape(moved), -1, dim)


@pytest.mark.torch
@given(layout=st.sampled_from(sorted(LAYOUTS)), c=st.integers(2, 4), soft=st.booleans(), weighted=st.booleans(),
       reduction=st.sampled_from(["none", "mean", "sum"]), smoothing=st.sampled_from([0.0, 0.1, 0.5]),
       ignore=st.sampled_from([None, -100, 1]), seed=st.integers(0, 2**16))
def test_cross_entropy_matches_torch_in_every_configuration(torch, layout, c, soft, weighted, reduction, smoothing,
                                                            ignore, seed):
    """Class indices or probabilities, weights, ignore_index, label smoothing, every reduction and layout:
    values, input gradients and (for probabilities) target gradients agree with PyTorch."""
    rng = np.random.default_rng(seed)
    shape = LAYOUTS[layout](3, c)
    dim = 0 if len(shape) == 1 else 1
    x = rand64(rng, shape)
    kwargs = {"reduction": reduction, "label_smoothing": smoothing}
    if weighted:
        kwargs["weight"] = rng.uniform(0.2, 2.0, c)
    if soft:
        target = tg.Tensor(_probabilities(rng, shape, dim), requires_grad=True)
        target_t = to_torch(torch, target)
    else:
        target = rng.integers(0, c, shape[:dim] + shape[dim + 1:])
        if ignore is not None:
            kwargs["ignore_index"] = ignore
            target[rng.random(target.shape) < 0.3] = ignore
        target_t = torch.tensor(target)
    ours = F.cross_entropy(x, target, **kwargs)
    xt = to_torch(torch, x)
    kwargs_t = dict(kwargs, weight=torch.tensor(kwargs["weight"])) if weighted else kwargs
    theirs = torch.nn.functional.cross_entropy(xt, target_t, **kwargs_t)
    assert_close(ours, theirs, rtol=1e-10, atol=1e-12)
    upstream = rng.standard_normal(ours.shape)
    ours.backward(tg.Tensor(upstream))
    theirs.backward(torch.tensor(upstream))
    assert_close(x.grad, xt.grad, rtol=1e-10, atol=1e-12)
    if soft:
        assert_close(target.grad, target_t.grad, rtol=1e-10, atol=1e-12)


@given(soft=st.booleans(), smoothing=st.sampled_from([0.0, 0.2]), seed=st.integers(0, 2**16))
def test_cross_entropy_gradient_matches_finite_differences(soft, smoothing, seed):
    rng = np.random.default_rng(seed)
    x = rand64(rng, (2, 3, 2))
    weight = rng.uniform(0.5, 2.0, 3)
    target = _probabilities(rng, x.shape, 1) if soft else np.array([[0, -100], [2, 1]])
    assert gradcheck(lambda t: F.cross_entropy(t, target, weight, label_smoothing=smoothing), [x])


def test_soft_target_gradient_is_softmax_minus_the_smoothed_target():
    """F41 with probability targets and label smoothing: δ_u = (softmax(u) − y′)/N, y′ = (1 − ε)y + ε/C."""
    rng = np.random.default_rng(21)
    x = rand64(rng, (4, 5))
    y = _probabilities(rng, (4, 5), 1)
    F.cross_entropy(x, y, label_smoothing=0.3).backward()
    p = np.exp(x.data) / np.exp(x.data).sum(1, keepdims=True)
    np.testing.assert_allclose(x.grad.data, (p - (0.7 * y + 0.3 / 5)) / 4, atol=1e-14)


def test_soft_target_cross_entropy_gradient_is_symbolically_softmax_minus_y():
    import sympy

    from tinygrad_edu.symbolic import symbols

    u, y = symbols("u", (1, 3)), symbols("y", (1, 3), requires_grad=False)
    F.cross_entropy(u, y, reduction="sum").backward()
    exps = [sympy.exp(e) for e in u.data[0]]
    total = sum(y.data[0])
    for k in range(3):
        expected = total * exps[k] / sum(exps) - y.data[0, k]
        assert sympy.simplify(u.grad.data[0, k] - expected) == 0


@pytest.mark.torch
def test_weighted_nll_mean_divides_by_the_weights_of_the_targets_not_ignored(torch):
    log_p = rand64(np.random.default_rng(22), (5, 3))
    target = np.array([0, 2, -100, 2, 1])
    weight = np.array([0.5, 2.0, 3.0])
    loss = F.nll_loss(log_p, target, weight)
    expected = -sum(weight[t] * log_p.data[i, t] for i, t in enumerate(target) if t >= 0) / (0.5 + 3 + 3 + 2)
    np.testing.assert_allclose(loss.item(), expected, rtol=1e-14)
    theirs = torch.nn.functional.nll_loss(to_torch(torch, log_p), torch.tensor(target), torch.tensor(weight))
    assert_close(loss, theirs)
    everything_ignored = F.nll_loss(log_p, np.full(5, -100))
    assert np.isnan(everything_ignored.item())
    assert np.isnan(torch.nn.functional.nll_loss(to_torch(torch, log_p), torch.full((5,), -100)).item())


@pytest.mark.torch
def test_nll_loss_on_a_single_sample_and_ignored_entries_give_zero(torch):
    log_p = rand64(np.random.default_rng(23), (4,))
    for target in (np.array(2), np.array([2])):
        assert_close(F.nll_loss(log_p, target, reduction="none"),
                     torch.nn.functional.nll_loss(to_torch(torch, log_p), torch.tensor(target), reduction="none"))
    spatial = rand64(np.random.default_rng(24), (1, 3, 2))
    loss = F.nll_loss(spatial, np.array([[1, -100]]), reduction="none")
    assert loss.data.tolist() == [[-spatial.data[0, 1, 0], 0.0]]


def test_deprecated_size_average_and_reduce_map_to_reduction_with_pytorchs_warning():
    x, t = rand64(np.random.default_rng(25), (3, 4)), np.array([0, 1, 3])
    with pytest.warns(UserWarning, match=r"size_average and reduce args will be deprecated, please use "
                                         r"reduction='sum' instead"):
        summed = F.cross_entropy(x, t, None, False)
    np.testing.assert_allclose(summed.item(), F.cross_entropy(x, t, reduction="sum").item())
    with pytest.warns(UserWarning, match="reduction='none'"):
        assert F.nll_loss(x, t, reduce=False).shape == (3,)


def test_classification_errors_name_the_rule():
    x = tg.randn(2, 3)
    with pytest.raises(ValueError, match="label_smoothing must be between 0.0 and 1.0, got 1.5"):
        F.cross_entropy(x, np.array([0, 1]), label_smoothing=1.5)
    with pytest.raises(RuntimeError, match=r"weight tensor should be defined either for all 3 classes or no classes, "
                                           r"got weight of shape \(2,\)"):
        F.cross_entropy(x, np.array([0, 1]), weight=np.ones(2))
    with pytest.raises(ValueError, match="ignore_index=1 is not supported for probability targets"):
        F.cross_entropy(x, np.full((2, 3), 1 / 3, dtype=np.float32), ignore_index=1)
    with pytest.raises(ValueError, match=r"reduction must be one of 'none', 'mean', 'sum', got 'avg'"):
        F.cross_entropy(x, np.array([0, 1]), reduction="avg")
    with pytest.raises(ValueError, match="logits must be"):
        F.cross_entropy(tg.tensor(1.0), np.array(0))


@pytest.mark.torch
def test_one_hot_matches_torch_and_refuses_what_torch_refuses(torch):
    t = np.array([[0, 2], [1, 1]])
    for classes in (-1, 4):
        ours = F.one_hot(tg.Tensor(t), classes)
        theirs = torch.nn.functional.one_hot(torch.tensor(t), classes)
        assert ours.dtype == np.int64 and ours.data.tolist() == theirs.tolist()
    assert F.one_hot(np.array([], dtype=np.int64), 3).shape == (0, 3)
    assert F.one_hot(np.array(2), 3).data.tolist() == [0, 0, 1]
    with pytest.raises(TypeError, match="one_hot: only applicable to int64"):
        F.one_hot(np.array([0.0, 1.0]))
    with pytest.raises(IndexError, match="class values must be non-negative, got -1"):
        F.one_hot(np.array([0, -1]), 3)
    with pytest.raises(IndexError, match="smaller than num_classes=3, got 3"):
        F.one_hot(np.array([0, 3]), 3)
    with pytest.raises(ValueError, match="cannot infer the number of classes from an empty tensor"):
        F.one_hot(np.array([], dtype=np.int64))


# ---- binary ------------------------------------------------------------------------------------------------------
@pytest.mark.torch
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_binary_cross_entropy_matches_torch_including_exact_zeros_and_ones(torch, reduction):
    rng = np.random.default_rng(26)
    x = tg.Tensor(np.concatenate([rng.uniform(0.01, 0.99, 6), [0.0, 1.0, 0.0, 1.0]]), requires_grad=True)
    y = tg.Tensor(np.concatenate([rng.uniform(0, 1, 6), [1.0, 0.0, 0.0, 1.0]]), requires_grad=True)
    w = rng.uniform(0.5, 2, 10)
    xt, yt = to_torch(torch, x), to_torch(torch, y)
    ours = F.binary_cross_entropy(x, y, tg.Tensor(w), reduction=reduction)
    theirs = torch.nn.functional.binary_cross_entropy(xt, yt, torch.tensor(w), reduction=reduction)
    assert_close(ours, theirs, rtol=1e-12)
    assert np.all(np.isfinite(ours.data))
    g = rng.standard_normal(ours.shape)
    ours.backward(tg.Tensor(g))
    theirs.backward(torch.tensor(g))
    assert_close(x.grad, xt.grad, rtol=1e-12)
    assert_close(y.grad.data[:6], yt.grad[:6], rtol=1e-12)
    # at x ∈ {0, 1} PyTorch's δ_y is ±inf though its forward clamps the logs; ours is the derivative of that forward
    with np.errstate(divide="ignore"):
        clamped = np.maximum(np.log1p(-x.data[6:]), -100) - np.maximum(np.log(x.data[6:]), -100)
    np.testing.assert_allclose(y.grad.data[6:], g[6:] * w[6:] * clamped if reduction == "none" else
                               (g * w[6:] * clamped / (10 if reduction == "mean" else 1)), rtol=1e-12)


def test_binary_cross_entropy_gradients_match_finite_differences():
    rng = np.random.default_rng(27)
    x, y = rand64(rng, (2, 3), 0.05, 0.95), rand64(rng, (2, 3), 0.0, 1.0)
    assert gradcheck(lambda a, b: F.binary_cross_entropy(a, b), [x, y])
    pos = tg.Tensor(np.array([1.0, 2.0, 3.0]))
    assert gradcheck(lambda a, b: F.binary_cross_entropy_with_logits(a, b, pos_weight=pos), [rand64(rng, (2, 3)), y])


@pytest.mark.torch
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_binary_cross_entropy_with_logits_is_stable_at_plus_minus_100(torch, dtype):
    x = tg.Tensor(np.array([100.0, -100.0, 100.0, -100.0, 0.5, 0.0], dtype), requires_grad=True)
    y = tg.Tensor(np.array([0.0, 1.0, 1.0, 0.0, 0.3, 0.5], dtype))
    pos = tg.Tensor(np.array([2.0, 2.0, 3.0, 1.0, 0.5, 1.0], dtype))
    xt = to_torch(torch, x)
    for kwargs, kwargs_t in [({}, {}), ({"pos_weight": pos}, {"pos_weight": torch.tensor(pos.data)})]:
        x.grad, xt.grad = None, None
        ours = F.binary_cross_entropy_with_logits(x, y, reduction="none", **kwargs)
        theirs = torch.nn.functional.binary_cross_entropy_with_logits(xt, torch.tensor(y.data), reduction="none",
                                                                      **kwargs_t)
        assert np.all(np.isfinite(ours.data)) and ours.data[0] == 100.0
        assert_close(ours, theirs, rtol=1e-6, atol=1e-6)
        ours.sum().backward()
        theirs.sum().backward()
        assert_close(x.grad, xt.grad, rtol=1e-6, atol=1e-7)
    x.grad = None
    F.binary_cross_entropy_with_logits(x, y, reduction="sum").backward()
    sigma = 1 / (1 + np.exp(-x.data.astype(np.float64)))
    np.testing.assert_allclose(x.grad.data, sigma - y.data, atol=1e-7)  # δ_u = σ(u) − y


def test_binary_losses_refuse_bad_input():
    with pytest.raises(ValueError, match=r"all elements of input should be between 0 and 1, got 1.2"):
        F.binary_cross_entropy(tg.Tensor(np.array([0.5, 1.2])), tg.Tensor(np.array([0.0, 1.0])))
    with pytest.raises(ValueError, match="between 0 and 1, got nan"):
        F.binary_cross_entropy(tg.Tensor(np.array([np.nan])), tg.Tensor(np.array([1.0])))
    with pytest.raises(TypeError, match="binary_cross_entropy: target must be floating"):
        F.binary_cross_entropy(tg.Tensor(np.array([0.5])), np.array([1]))
    with pytest.raises(ValueError, match=r"target shape \(2,\) must be the same as the input shape \(3,\)"):
        F.binary_cross_entropy_with_logits(tg.randn(3), tg.randn(2))


def test_sigmoid_binary_cross_entropy_gradient_is_symbolically_sigma_minus_y():
    import sympy

    from tinygrad_edu.symbolic import symbols

    u, y = symbols("u", 2), symbols("y", 2, requires_grad=False)
    F.binary_cross_entropy_with_logits(u, y, reduction="sum").backward()
    for k in range(2):
        assert sympy.simplify(u.grad.data[k] - (1 / (1 + sympy.exp(-u.data[k])) - y.data[k])) == 0
    v, z = symbols("v", 2), symbols("z", 2, requires_grad=False)
    F.binary_cross_entropy(v, z, reduction="sum").backward()
    assert sympy.simplify(v.grad.data[0] - (v.data[0] - z.data[0]) / (v.data[0] * (1 - v.data[0]))) == 0


# ---- KL divergence -----------------------------------------------------------------------------------------------
@pytest.mark.torch
@pytest.mark.parametrize("reduction", ["none", "sum", "batchmean", "mean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div_matches_torch(torch, reduction, log_target):
    rng = np.random.default_rng(28)
    x = tg.Tensor(np.log(_probabilities(rng, (3, 4), 1)), requires_grad=True)
    p = _probabilities(rng, (3, 4), 1)
    p[0, 1] = 0.0  # y ln y = 0 at y = 0
    y = tg.Tensor(np.log(p + 1e-3) if log_target else p, requires_grad=True)
    xt, yt = to_torch(torch, x), to_torch(torch, y)
    if reduction == "mean":
        with pytest.warns(UserWarning, match="'batchmean' divides only by the batch size"):
            ours = F.kl_div(x, y, reduction=reduction, log_target=log_target)
    else:
        ours = F.kl_div(x, y, reduction=reduction, log_target=log_target)
    with __import__("warnings").catch_warnings():
        __import__("warnings").simplefilter("ignore")
        theirs = torch.nn.functional.kl_div(xt, yt, reduction=reduction, log_target=log_target)
    assert_close(ours, theirs, rtol=1e-12)
    g = rng.standard_normal(ours.shape)
    ours.backward(tg.Tensor(g))
    theirs.backward(torch.tensor(g))
    assert_close(x.grad, xt.grad, rtol=1e-12)
    if log_target:  # PyTorch's target gradient at y = 0 (no log target) is not finite: compared elsewhere
        assert_close(y.grad, yt.grad, rtol=1e-12)


def test_kl_div_gradient_matches_finite_differences():
    rng = np.random.default_rng(29)
    x, y = rand64(rng, (2, 3)), rand64(rng, (2, 3), 0.1, 1.0)
    assert gradcheck(lambda a, b: F.kl_div(a, b, reduction="batchmean"), [x, y])
    assert gradcheck(lambda a, b: F.kl_div(a, b, reduction="sum", log_target=True), [x, rand64(rng, (2, 3))])


# ---- regression --------------------------------------------------------------------------------------------------
REGRESSION = {
    "mse_loss": {}, "l1_loss": {}, "smooth_l1_loss": {"beta": 0.7}, "smooth_l1_loss_beta0": {"beta": 0.0},
    "huber_loss": {"delta": 0.6},
}


@pytest.mark.torch
@pytest.mark.parametrize("name", sorted(REGRESSION))
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_regression_losses_match_torch(torch, name, reduction):
    rng = np.random.default_rng(30)
    x, y = rand64(rng, (3, 4)), rand64(rng, (3, 4))
    x.data[0, :2] = y.data[0, :2]  # ties: l1's δ is 0 there, as PyTorch's
    x.data[1, 0] = y.data[1, 0] + REGRESSION[name].get("beta", REGRESSION[name].get("delta", 0.0))  # at the joint
    op = name.replace("_beta0", "")
    xt, yt = to_torch(torch, x), to_torch(torch, y)
    ours = getattr(F, op)(x, y, reduction=reduction, **REGRESSION[name])
    theirs = getattr(torch.nn.functional, op)(xt, yt, reduction=reduction, **REGRESSION[name])
    assert_close(ours, theirs, rtol=1e-12)
    g = rng.standard_normal(ours.shape)
    ours.backward(tg.Tensor(g))
    theirs.backward(torch.tensor(g))
    assert_close(x.grad, xt.grad, rtol=1e-12)
    assert_close(y.grad, yt.grad, rtol=1e-12)


@pytest.mark.torch
@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "huber_loss"])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_weighted_regression_losses_match_torch(torch, name, reduction):
    rng = np.random.default_rng(31)
    x, y, w = rand64(rng, (3, 4)), rand64(rng, (3, 4)), rng.uniform(0.1, 2, (3, 4))
    xt = to_torch(torch, x)
    ours = getattr(F, name)(x, y, reduction=reduction, weight=tg.Tensor(w))
    theirs = getattr(torch.nn.functional, name)(xt, torch.tensor(y.data), reduction=reduction, weight=torch.tensor(w))
    assert_close(ours, theirs, rtol=1e-12)
    ours.sum().backward()
    theirs.sum().backward()
    assert_close(x.grad, xt.grad, rtol=1e-12)


@given(beta=st.sampled_from([0.0, 0.5, 2.0]), seed=st.integers(0, 2**16))
def test_regression_gradients_match_finite_differences(beta, seed):
    rng = np.random.default_rng(seed)
    x, y = rand64(rng, (2, 3)), rand64(rng, (2, 3))
    x.data[np.abs(np.abs(x.data - y.data) - beta) < 1e-3] += 0.01  # off the joint and the tie
    assert gradcheck(lambda a, b: F.smooth_l1_loss(a, b, beta=beta), [x, y])
    assert gradcheck(lambda a, b: F.huber_loss(a, b, delta=beta or 1.0), [x, y])
    assert gradcheck(lambda a, b: F.l1_loss(a, b, reduction="sum"), [x, y])


def test_smooth_l1_on_exact_numbers_and_symbols():
    import sympy

    half, three = sympy.Rational(1, 2), sympy.Integer(3)
    x = tg.Tensor(np.array([half, three], dtype=object), requires_grad=True)
    loss = F.smooth_l1_loss(x, tg.Tensor(np.array([0, 0], dtype=object)), reduction="sum")
    assert loss.item() == sympy.Rational(1, 8) + sympy.Rational(5, 2)
    loss.backward()
    assert list(x.grad.data) == [half, 1]
    from tinygrad_edu.symbolic import symbols

    u = symbols("u", 1)
    F.huber_loss(u, tg.Tensor(np.array([0], dtype=object)), reduction="sum").backward()
    grad, symbol = u.grad.data[0], u.data[0]
    assert grad.subs(symbol, sympy.Rational(1, 3)) == sympy.Rational(1, 3) and grad.subs(symbol, -5) == -1


def test_regression_errors_name_the_rule():
    with pytest.raises(ValueError, match=r"l1_loss: input shape \(2, 3\) and target shape \(3, 1\) differ"):
        F.l1_loss(tg.randn(2, 3), tg.randn(3, 1))
    with pytest.raises(ValueError, match="smooth_l1_loss: beta must not be negative, got -1"):
        F.smooth_l1_loss(tg.randn(2), tg.randn(2), beta=-1)
    with pytest.raises(ValueError, match="huber_loss: delta must be positive, got 0"):
        F.huber_loss(tg.randn(2), tg.randn(2), delta=0)
    with pytest.raises(ValueError, match=r"mse_loss: weight shape \(2,\) must equal the input shape \(2, 2\)"):
        F.mse_loss(tg.randn(2, 2), tg.randn(2, 2), weight=tg.randn(2))


def test_losses_take_numpy_arrays():
    a, b = np.random.default_rng(32).standard_normal((2, 2, 3))
    for name in ("mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"):
        assert isinstance(getattr(F, name)(a, b), tg.Tensor)
    assert isinstance(F.cross_entropy(a, np.array([0, 2])), tg.Tensor)


def test_cross_entropy_is_one_composite_node_whose_rule_is_softmax_minus_y():
    """The readers draw and step F.cross_entropy as one node with the lecture's F41 rule."""
    from tinygrad_edu.autograd import COMPOSITE, composite_rules

    x = rand64(np.random.default_rng(33), (2, 3))
    loss = F.cross_entropy(x, np.array([0, 2]))
    assert ("cross_entropy", COMPOSITE + "cross_entropy") in loss._ctx.scope
    assert "softmax(u) − y" in composite_rules["cross_entropy"][0]
    assert "σ(u) − y" in composite_rules["binary_cross_entropy_with_logits"][0]


def test_deprecation_warnings_point_at_the_callers_line_with_and_without_grad():
    x, t = rand64(np.random.default_rng(34), (3, 4)), np.array([0, 1, 3])
    for context in (tg.enable_grad, tg.no_grad):
        with context():
            with pytest.warns(UserWarning) as caught:
                F.cross_entropy(x, t, size_average=False)
                F.kl_div(F.log_softmax(x, 1), F.softmax(x, 1))
                F.softmax(x)
        assert [w.filename for w in caught] == [__file__] * 3


@pytest.mark.torch
@pytest.mark.parametrize("dtype", [np.int64])
@pytest.mark.parametrize("shape", [(4, 5), (2, 5, 3)])
def test_cross_entropy_target_paths_match_torch(torch, dtype, shape):
    """cross_entropy checks integer targets once and picks int64 ones without a second index check, with and
    without an ignored entry: values and gradients as PyTorch."""
    rng = np.random.default_rng(1)
    logits = rng.standard_normal(shape)
    t = rng.integers(0, shape[1], (shape[0],) + shape[2:]).astype(dtype)
    for ignore in (-100, int(t.ravel()[0])):
        x = tg.Tensor(logits, requires_grad=True)
        loss = F.cross_entropy(x, t, ignore_index=ignore)
        loss.backward()
        xt = torch.tensor(logits, requires_grad=True)
        ref = torch.nn.functional.cross_entropy(xt, torch.tensor(t.astype(np.int64)), ignore_index=ignore)
        ref.backward()
        assert_close(loss.data, ref.detach().numpy())
        assert_close(x.grad.data, xt.grad.numpy())


@pytest.mark.torch
@pytest.mark.parametrize("op", ["cross_entropy", "nll_loss"])
@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 5)])
def test_uint8_class_targets_are_class_indices_as_in_pytorch(op, shape, torch):
    """PyTorch takes Byte targets as class indices for (N, C) inputs (they were read as a boolean mask: an IndexError
    about a mask) and refuses them with spatial dimensions."""
    rng = np.random.default_rng(7)
    x = rng.standard_normal(shape)
    t = rng.integers(0, shape[1], (shape[0],) + shape[2:]).astype(np.uint8)
    if len(shape) > 2:
        with pytest.raises(RuntimeError, match="Long but found Byte"):
            getattr(torch.nn.functional, op)(torch.tensor(x), torch.from_numpy(t))
        with pytest.raises(RuntimeError, match=f"{op}: expected target dtype int64 .* got uint8"):
            getattr(F, op)(tg.Tensor(x), tg.Tensor(t))
        return
    ours_x = tg.Tensor(x, requires_grad=True)
    ours = getattr(F, op)(ours_x, tg.Tensor(t))
    ours.backward()
    same = getattr(F, op)(tg.Tensor(x), tg.Tensor(t.astype(np.int64)))
    theirs_x = torch.tensor(x, requires_grad=True)
    theirs = getattr(torch.nn.functional, op)(theirs_x, torch.from_numpy(t))
    theirs.backward()
    assert_close(ours.data, theirs.detach().numpy(), 1e-10)
    assert_close(ours.data, same.data, 0)
    assert_close(ours_x.grad.data, theirs_x.grad.numpy(), 1e-10)
