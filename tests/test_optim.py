"""SGD (momentum, Nesterov, weight decay) and Adam take PyTorch's steps exactly (float64)."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.optim import SGD, Adam

CONFIGS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)),
    ("SGD", dict(lr=0.05, momentum=0.5, weight_decay=0.01, dampening=0.1)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
]


@pytest.mark.parametrize("name,kwargs", CONFIGS)
def test_steps_match_torch(torch, name, kwargs):
    rng = np.random.default_rng(0)
    start = rng.standard_normal((3, 4))
    ours = tg.Tensor(start.copy(), requires_grad=True)
    theirs = torch.tensor(start.copy(), requires_grad=True)
    opt = {"SGD": SGD, "Adam": Adam}[name]([ours], **kwargs)
    opt_t = getattr(torch.optim, name)([theirs], **kwargs)
    for _ in range(5):
        target = rng.standard_normal((3, 4))
        opt.zero_grad()
        opt_t.zero_grad()
        ((ours - tg.Tensor(target)) ** 2).sum().backward()
        ((theirs - torch.tensor(target)) ** 2).sum().backward()
        opt.step()
        opt_t.step()
        np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-12, atol=1e-14)


def test_parameters_without_gradient_are_left_alone():
    a, b = tg.ones(2, requires_grad=True), tg.ones(2, requires_grad=True)
    opt = SGD([a, b], lr=1.0)
    (a * 3).sum().backward()
    opt.step()
    assert a.data.tolist() == [-2.0, -2.0] and b.data.tolist() == [1.0, 1.0]


def test_bad_hyper_parameters_are_named():
    p = tg.ones(2, requires_grad=True)
    with pytest.raises(ValueError, match="learning rate must be non-negative"):
        SGD([p], lr=-1)
    with pytest.raises(ValueError, match="nesterov needs momentum"):
        SGD([p], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="betas"):
        Adam([p], betas=(1.0, 0.9))
    with pytest.raises(ValueError, match="empty parameter list"):
        Adam([])
