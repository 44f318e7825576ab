"""The loss modules of nn/loss_extra.py against PyTorch's: constructor arguments (positional order included) and
their checks, str(module), buffers, and forward values and gradients in float64."""
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tests.helpers import assert_close


def _w(n):
    return np.random.default_rng(3).uniform(0.2, 2.0, n)


# (name, positional constructor args, keyword args, forward inputs(rng): [(array, differentiable)])
MODULES = [
    ("TripletMarginLoss", (0.5, 1.0, 1e-3, True), {}, lambda r: [(r.standard_normal((4, 5)), True) for _ in range(3)]),
    ("TripletMarginWithDistanceLoss", (), {"margin": 2.0, "swap": True},
     lambda r: [(r.standard_normal((4, 5)), True) for _ in range(3)]),
    ("MarginRankingLoss", (0.2,), {"reduction": "sum"},
     lambda r: [(r.standard_normal(6), True), (r.standard_normal(6), True), (np.sign(r.standard_normal(6)), True)]),
    ("HingeEmbeddingLoss", (0.7,), {"reduction": "none"},
     lambda r: [(r.standard_normal((3, 4)), True), (np.sign(r.standard_normal((3, 4))), False)]),
    ("SoftMarginLoss", (), {},
     lambda r: [(r.standard_normal((3, 4)), True), (np.sign(r.standard_normal((3, 4))), False)]),
    ("MultiLabelSoftMarginLoss", ("w4",), {}, lambda r: [(r.standard_normal((3, 4)), True),
                                                         (r.integers(0, 2, (3, 4)).astype(float), True)]),
    ("CosineEmbeddingLoss", (0.1,), {"reduction": "none"}, lambda r: [(r.standard_normal((4, 5)), True),
                                                                      (r.standard_normal((4, 5)), True),
                                                                      (np.array([1.0, -1.0, 1.0, -1.0]), False)]),
    ("MultiMarginLoss", (2, 0.5, "w5"), {},
     lambda r: [(r.standard_normal((4, 5)), True), (r.integers(0, 5, 4), False)]),
    ("MultiLabelMarginLoss", (), {"reduction": "sum"},
     lambda r: [(r.standard_normal((2, 4)), True), (np.array([[3, 0, -1, 1], [1, 2, 2, 0]]), False)]),
    ("PoissonNLLLoss", (False, True, None, 1e-4), {}, lambda r: [(r.uniform(0.1, 3, (3, 4)), True),
                                                               (r.integers(0, 5, (3, 4)).astype(float), True)]),
    ("GaussianNLLLoss", (), {"full": True, "eps": 1e-3}, lambda r: [(r.standard_normal((3, 4)), True),
                                                                    (r.standard_normal((3, 4)), True),
                                                                    (r.uniform(0, 2, (3, 1)), True)]),
]


def build(lib, name, args, kw):
    args = tuple(lib.tensor(_w(int(a[1:]))) if isinstance(a, str) else a for a in args)
    return getattr(lib.nn, name)(*args, **kw)


@pytest.mark.torch
@pytest.mark.parametrize("case", MODULES, ids=[m[0] for m in MODULES])
def test_as_pytorch(torch, case):
    name, args, kw, inputs = case
    ours, theirs = build(tg, name, args, kw), build(torch, name, args, kw)
    assert str(ours) == str(theirs)
    assert sorted(ours.state_dict()) == sorted(theirs.state_dict())
    arrays = inputs(np.random.default_rng(0))
    xs = [tg.Tensor(a.copy(), requires_grad=d) for a, d in arrays]
    ts = [torch.tensor(a.copy(), requires_grad=d) for a, d in arrays]
    y, yt = ours(*xs), theirs(*ts)
    assert_close(y, yt, rtol=1e-10, atol=1e-12)
    v = np.random.default_rng(1).standard_normal(y.shape)
    y.backward(tg.Tensor(v))
    yt.backward(torch.tensor(v))
    for x, t in zip(xs, ts):
        if t.requires_grad:
            assert_close(x.grad, t.grad, rtol=1e-9, atol=1e-11)


@pytest.mark.torch
@pytest.mark.parametrize("name", ["TripletMarginLoss", "MarginRankingLoss", "HingeEmbeddingLoss", "SoftMarginLoss",
                                  "MultiLabelSoftMarginLoss", "CosineEmbeddingLoss", "MultiMarginLoss",
                                  "MultiLabelMarginLoss", "PoissonNLLLoss"])
def test_deprecated_size_average_and_reduce(torch, name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for size_average, reduce in ((False, None), (None, False), (True, True)):
            ours = getattr(nn, name)(size_average=size_average, reduce=reduce)
            theirs = getattr(torch.nn, name)(size_average=size_average, reduce=reduce)
            assert ours.reduction == theirs.reduction


@pytest.mark.torch
@pytest.mark.parametrize("make", [
    lambda m: m.TripletMarginLoss(margin=0.0),
    lambda m: m.TripletMarginWithDistanceLoss(margin=-1.0),
    lambda m: m.MultiMarginLoss(p=3),
    lambda m: m.MultiMarginLoss(weight=m.ones(2, 3)),
])
def test_constructor_errors_as_pytorch(torch, make):
    with pytest.raises(ValueError) as theirs:
        make(_Lib(torch))
    assert theirs.value is not None
    with pytest.raises(ValueError, match="Loss"):
        make(_Lib(tg))


class _Lib:
    """nn's classes with the library's ones() alongside, for the constructor cases."""

    def __init__(self, lib):
        self.lib = lib

    def __getattr__(self, name):
        return self.lib.ones if name == "ones" else getattr(self.lib.nn, name)


def test_a_custom_distance_function_is_kept():
    loss = nn.TripletMarginWithDistanceLoss(distance_function=nn.CosineSimilarity())
    assert isinstance(loss.distance_function, nn.CosineSimilarity)
