"""Loss modules: PyTorch's constructor arguments in PyTorch's positional order, weights as buffers, reprs, and
the same numbers as PyTorch's modules."""
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn
from tests.helpers import assert_close, rand64, to_torch


CASES = [
    # name, positional args (as a PyTorch user might write them), keyword args, how to build (input, target)
    ("CrossEntropyLoss", ("WEIGHT", None, 1), {}, "classes"),
    ("CrossEntropyLoss", (), {"label_smoothing": 0.2, "reduction": "sum"}, "classes"),
    ("CrossEntropyLoss", (), {}, "probabilities"),
    ("NLLLoss", ("WEIGHT", None, 2, None, "none"), {}, "classes"),
    ("MSELoss", (None, None, "sum"), {}, "pairs"),
    ("L1Loss", (), {"reduction": "none"}, "pairs"),
    ("SmoothL1Loss", (None, None, "mean", 0.5), {}, "pairs"),
    ("HuberLoss", ("sum", 0.7), {}, "pairs"),
    ("BCELoss", ("WEIGHT3",), {}, "probability pairs"),
    ("BCEWithLogitsLoss", (), {"pos_weight": "WEIGHT3"}, "logit pairs"),
    ("KLDivLoss", (), {"reduction": "batchmean", "log_target": True}, "pairs"),
]


def _inputs(rng, kind):
    if kind == "classes":
        return rand64(rng, (4, 3)), rng.integers(0, 3, 4)
    if kind == "probabilities":
        p = rng.dirichlet(np.ones(3), 4)
        return rand64(rng, (4, 3)), tg.Tensor(p)
    if kind == "probability pairs":
        return rand64(rng, (4, 3), 0.05, 0.95), tg.Tensor(rng.uniform(0, 1, (4, 3)))
    return rand64(rng, (4, 3)), tg.Tensor(rng.standard_normal((4, 3)))


@pytest.mark.torch
@pytest.mark.parametrize("name,args,kwargs,kind", CASES, ids=[f"{c[0]}{i}" for i, c in enumerate(CASES)])
def test_loss_module_matches_torch(torch, name, args, kwargs, kind):
    rng = np.random.default_rng(0)
    weights = {"WEIGHT": np.array([0.5, 2.0, 1.0]), "WEIGHT3": np.array([1.0, 2.0, 3.0])}

    def build(lib, wrap):
        a = tuple(wrap(weights[v]) if isinstance(v, str) and v in weights else v for v in args)
        k = {key: wrap(weights[v]) if isinstance(v, str) and v in weights else v for key, v in kwargs.items()}
        return getattr(lib, name)(*a, **k)

    ours, theirs = build(nn, tg.Tensor), build(torch.nn, torch.tensor)
    assert repr(ours) == repr(theirs)
    assert sorted(ours.state_dict()) == sorted(theirs.state_dict())
    x, target = _inputs(rng, kind)
    xt = to_torch(torch, x)
    target_t = torch.tensor(target.data if isinstance(target, tg.Tensor) else target)
    y, yt = ours(x, target), theirs(xt, target_t)
    assert_close(y, yt, rtol=1e-12)
    y.sum().backward()
    yt.sum().backward()
    assert_close(x.grad, xt.grad, rtol=1e-12)


def test_deprecated_size_average_sets_the_reduction_with_pytorchs_warning():
    with pytest.warns(UserWarning, match="please use reduction='sum' instead"):
        loss = nn.MSELoss(size_average=False)
    assert loss.reduction == "sum"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert nn.CrossEntropyLoss(reduction="none").reduction == "none"


def test_weights_are_buffers_that_move_with_the_module():
    loss = nn.CrossEntropyLoss(weight=tg.Tensor(np.array([1.0, 2.0], dtype=np.float32)))
    assert loss.state_dict()["weight"].data.tolist() == [1.0, 2.0]
    assert loss.double().weight.dtype == np.float64
    assert nn.BCEWithLogitsLoss().weight is None and "weight" not in nn.BCEWithLogitsLoss().state_dict()


def test_a_bad_reduction_is_named_at_the_call():
    with pytest.raises(ValueError, match=r"mse_loss: reduction must be one of 'none', 'mean', 'sum', got 'avg'"):
        nn.MSELoss(reduction="avg")(tg.randn(2), tg.randn(2))
