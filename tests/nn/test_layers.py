"""Linear, Flatten, Identity, Unflatten, Embedding, Dropout against PyTorch, and the constructor rules of every
layer: each bad argument is refused before any array is made, naming the layer, the argument, the value and
the rule, with an exception type PyTorch code already catches."""
import re

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn
from tinygrad_edu.errors import ShapeError
from tinygrad_edu.memory import AllocationError
from tests.helpers import assert_close


# ---- layers against PyTorch ---------------------------------------------------------------------

@pytest.mark.torch
def test_linear_matches_pytorch_and_its_repr(torch):
    theirs = torch.nn.Linear(3, 2, dtype=torch.float64)
    ours = nn.Linear(3, 2, dtype=np.float64, device="cpu")
    ours.load_state_dict(theirs.state_dict())
    x = np.random.default_rng(0).standard_normal((4, 3))
    assert_close(ours(tg.Tensor(x)), theirs(torch.tensor(x)))
    assert repr(ours) == repr(theirs)
    assert repr(nn.Linear(3, 2, bias=False)) == repr(torch.nn.Linear(3, 2, bias=False))


@pytest.mark.torch
def test_flatten_unflatten_identity_dropout_reprs_and_shapes(torch):
    x = np.arange(24.0).reshape(2, 12)
    for ours, theirs in [(nn.Unflatten(1, (3, 4)), torch.nn.Unflatten(1, (3, 4))),
                         (nn.Unflatten(-1, [2, -1]), torch.nn.Unflatten(-1, [2, -1])),
                         (nn.Flatten(0), torch.nn.Flatten(0)), (nn.Identity(7, k=1), torch.nn.Identity(7, k=1)),
                         (nn.Dropout(0.2).eval(), torch.nn.Dropout(0.2).eval())]:
        assert repr(ours) == repr(theirs)
        assert_close(ours(tg.Tensor(x)), theirs(torch.tensor(x)))


def test_unflatten_errors_and_gradient():
    with pytest.raises(ShapeError, match=re.escape("Unflatten: sizes [2, 2] don't multiply up to the size of dim 1 "
                                                   "(6) of the input (2, 6)")):
        nn.Unflatten(1, (2, 2))(tg.ones(2, 6))
    with pytest.raises(TypeError, match="unflattened_size must be a tuple of ints, but found type int"):
        nn.Unflatten(1, 2)
    with pytest.raises(ShapeError, match="at most one −1"):
        nn.Unflatten(1, (-1, -1))
    x = tg.Tensor(np.arange(6.0), requires_grad=True)
    (nn.Unflatten(0, (2, 3))(x) * tg.Tensor(np.arange(6.0).reshape(2, 3))).sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.arange(6.0))


@pytest.mark.torch
def test_embedding_matches_pytorch_values_and_gradients(torch):
    idx = np.array([[0, 2, 2, 4], [1, 2, 0, 0]])
    theirs = torch.nn.Embedding(5, 3, padding_idx=2, dtype=torch.float64)
    ours = nn.Embedding(5, 3, padding_idx=2, dtype=np.float64)
    assert not ours.weight.data[2].any()
    ours.load_state_dict(theirs.state_dict())
    g = np.random.default_rng(1).standard_normal(idx.shape + (3,))
    y, yt = ours(tg.tensor(idx)), theirs(torch.tensor(idx))
    assert_close(y, yt)
    y.backward(tg.Tensor(g))
    yt.backward(torch.tensor(g))
    assert_close(ours.weight.grad, theirs.weight.grad)
    assert not ours.weight.grad.data[2].any()
    assert repr(ours) == repr(theirs) == "Embedding(5, 3, padding_idx=2)"
    assert repr(nn.Embedding(4, 2, padding_idx=-1)) == repr(torch.nn.Embedding(4, 2, padding_idx=-1))


def test_embedding_initialisation_and_from_pretrained():
    tg.manual_seed(0)
    e = nn.Embedding(2000, 8)
    assert e.weight.dtype == np.float32
    assert abs(e.weight.data.mean()) < 0.02 and abs(e.weight.data.std() - 1) < 0.02
    table = tg.Tensor(np.eye(3))
    frozen = nn.Embedding.from_pretrained(table)
    assert frozen.weight.data is table.data and not frozen.weight.requires_grad
    assert nn.Embedding.from_pretrained(table, freeze=False).weight.requires_grad
    np.testing.assert_array_equal(frozen(np.array([2, 0])).data, [[0, 0, 1], [1, 0, 0]])


# ---- constructor validation (issue 12) ----------------------------------------------------------

BAD = [
    # (our constructor, PyTorch's or None where PyTorch accepts it, message)
    ("Conv2d(0, 6, 3)", "Conv2d: in_channels must be positive, got 0"),
    ("Conv2d(-1, 6, 3)", "Conv2d: in_channels must be positive, got -1"),
    ("Conv2d(1, 0, 3)", "Conv2d: out_channels must be positive, got 0"),
    ("Conv2d(1, 6, 0)", "Conv2d: kernel_size (0, 0) must be positive, got 0"),
    ("Conv2d(1, 6, (3, -1))", "Conv2d: kernel_size (3, -1) must be positive, got -1"),
    ("Conv2d(1, 6, 3, stride=0)", "Conv2d: stride (0, 0) must be positive, got 0"),
    ("Conv2d(1, 6, 3, padding=-1)", "Conv2d: padding (-1, -1) must be at least 0, got -1"),
    ("Conv2d(1, 6, 3, dilation=0)", "Conv2d: dilation (0, 0) must be positive, got 0"),
    ("Conv2d(3, 6, 3, groups=2)", "Conv2d: in_channels 3 and out_channels 6 must both be divisible by groups 2"),
    ("Conv2d(3, 6, 3, groups=0)", "Conv2d: groups must be positive, got 0"),
    ("Conv2d(3, 6, 3, stride=2, padding='same')", "Conv2d: padding='same' is not supported for strided convolutions"),
    ("Conv2d(3, 6, 3, padding='full')", "Conv2d: invalid padding string 'full', should be one of {'valid', 'same'}"),
    ("Conv1d(2, 2, 3, stride=-1)", "Conv1d: stride must be positive, got -1"),
    ("ConvTranspose2d(2, 2, 3, stride=2, output_padding=2)",
     "ConvTranspose2d: output_padding (2, 2) must be smaller than either stride (2, 2) or dilation (1, 1)"),
    ("ConvTranspose2d(2, 2, 3, padding='same')", "ConvTranspose2d: padding must be an int or a 2-tuple of ints"),
    ("LocallyConnected2d(0, 2, 5, 3)", "LocallyConnected2d: in_channels must be positive, got 0"),
    ("LocallyConnected2d(1, 2, 5, 3, padding=-1)", "LocallyConnected2d: padding (-1, -1) must be at least 0"),
    ("Linear(0, 3)", "Linear: in_features must be positive, got 0"),
    ("Linear(3, -2)", "Linear: out_features must be positive, got -2"),
    ("BatchNorm2d(3, eps=-1e-5)", "BatchNorm2d: eps must lie in [0, inf], got -1e-05"),
    ("BatchNorm1d(3, momentum=1.5)", "BatchNorm1d: momentum must lie in [0, 1], got 1.5"),
    ("BatchNorm1d(3, momentum=-0.1)", "BatchNorm1d: momentum must lie in [0, 1], got -0.1"),
    ("BatchNorm2d(0)", "BatchNorm2d: num_features must be positive, got 0"),
    ("LayerNorm(4, eps=-1.0)", "LayerNorm: eps must lie in [0, inf], got -1.0"),
    ("LayerNorm((4, 0))", "LayerNorm: normalized_shape entry must be positive, got 0"),
    ("GroupNorm(2, 3)", "GroupNorm: num_channels (3) must be divisible by num_groups (2)"),
    ("GroupNorm(0, 3)", "GroupNorm: num_groups must be positive, got 0"),
    ("Dropout(1.5)", "Dropout: p (dropout probability) must lie in [0, 1], got 1.5"),
    ("Dropout(-0.1)", "Dropout: p (dropout probability) must lie in [0, 1], got -0.1"),
    ("LocalResponseNorm(0)", "LocalResponseNorm: size must be positive, got 0"),
    ("LocalResponseNorm(2, alpha=float('nan'))", "LocalResponseNorm: alpha must lie in [-inf, inf], got nan"),
    ("Embedding(0, 3)", "Embedding: num_embeddings must be positive, got 0"),
    ("Embedding(3, -1)", "Embedding: embedding_dim must be positive, got -1"),
    ("Unflatten(1, (2, 0))", "Unflatten: unflattened_size (2, 0) must hold positive sizes"),
]


@pytest.mark.parametrize("code, message", BAD, ids=[c for c, _ in BAD])
def test_bad_constructor_arguments_are_refused_with_the_rule(code, message):
    with pytest.raises(ShapeError) as info:
        eval("nn." + code)
    assert str(info.value).startswith(message)
    assert isinstance(info.value, ValueError) and isinstance(info.value, RuntimeError)


@pytest.mark.torch
@pytest.mark.parametrize("code", [c for c, _ in BAD if not c.startswith(("LocallyConnected", "Unflatten"))])
def test_where_pytorch_refuses_too_our_error_is_an_instance_of_its_type(torch, code):
    """PyTorch accepts many of these (zero sizes, stride 0 until forward, negative eps giving NaN); where it
    raises, our ShapeError is also a RuntimeError and a ValueError, so `except` clauses written for PyTorch
    still catch it."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            eval("torch.nn." + code)
        except ZeroDivisionError:
            assert code == "GroupNorm(0, 3)"  # PyTorch's own crash (num_channels % 0); ours is a ShapeError
        except Exception as err:  # noqa: BLE001 — any PyTorch type is compared below
            with pytest.raises(type(err)):
                eval("nn." + code)


@pytest.mark.parametrize("code, error", [
    ("Linear(2.5, 3)", TypeError), ("Conv2d(1, 2, 2.0)", TypeError), ("Linear(True, 3)", TypeError),
    ("BatchNorm1d(3, eps='small')", TypeError), ("Embedding(4, 2, padding_idx=4)", IndexError),
    ("Embedding(4, 2, sparse=True)", ShapeError), ("Linear(2, 2, device='cuda')", RuntimeError),
    ("Linear(2, 2, dtype=np.int64)", TypeError),
])
def test_wrong_types_devices_and_indices(code, error):
    with pytest.raises(error):
        eval("nn." + code)


def test_a_layer_larger_than_memory_is_refused_before_allocating():
    """Issue 12 (f): 4·10¹² bytes were handed to NumPy ('Unable to allocate 3.64 TiB')."""
    with pytest.raises(AllocationError, match=r"Linear: an array of shape \(1000000, 1000000\) and dtype float32 "
                                              r"needs 4,000,000,000,000 bytes"):
        nn.Linear(10**6, 10**6)
    with pytest.raises(MemoryError, match="Embedding: an array of shape"):
        nn.Embedding(10**9, 10**4)
    with pytest.raises(MemoryError, match=r"Conv2d: an array of shape \(100000, 100000, 30, 30\)"):
        nn.Conv2d(10**5, 10**5, 30)


@pytest.mark.torch
def test_bilinear_layer_matches_torch(torch):
    """nn.Bilinear: PyTorch's parameter names, shapes, U(±1/√in1) init and outputs for the same weights."""
    theirs = torch.nn.Bilinear(4, 3, 5).double()
    ours = nn.Bilinear(4, 3, 5).double()
    assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == \
        [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]
    assert np.abs(nn.Bilinear(16, 3, 5).weight.data).max() <= 0.25
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    x1, x2 = np.random.default_rng(0).standard_normal((2, 6, 4)), np.random.default_rng(1).standard_normal((2, 6, 3))
    np.testing.assert_allclose(ours(tg.tensor(x1), tg.tensor(x2)).data,
                               theirs(torch.tensor(x1), torch.tensor(x2)).detach().numpy(), rtol=1e-12)
    assert nn.Bilinear(4, 3, 5, bias=False).bias is None
