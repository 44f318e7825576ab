"""The model zoo: the lecture's sizes, PyTorch-compatible parameters, and LeNet-5 trained side by side with PyTorch."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import nn
from tinygrad_edu.nn import models


def test_lenet5_has_the_lecture_sizes():
    """F28: 32×32 → 28×28×6 → 14×14×6 → 10×10×16 → 5×5×16 → 120 → 84 → 10."""
    net = models.LeNet5()
    x = tg.randn(2, 1, 32, 32)
    sizes = []
    for name in ["c1", "s2", "c3", "s4", "c5"]:
        x = getattr(net, name)(x)
        sizes.append(x.shape[1:])
        if name in ("c1", "c3", "c5"):
            x = x.relu()
    assert sizes == [(6, 28, 28), (6, 14, 14), (16, 10, 10), (16, 5, 5), (120, 1, 1)]
    assert net(tg.randn(2, 1, 32, 32)).shape == (2, 10)
    assert models.LeNet5(input_size=28)(tg.randn(3, 1, 28, 28)).shape == (3, 10)


def torch_lenet(torch, classic=False):
    nn_t = torch.nn
    act, pool = (nn_t.Tanh, nn_t.AvgPool2d) if classic else (nn_t.ReLU, nn_t.MaxPool2d)

    class TorchLeNet(nn_t.Module):
        def __init__(self):
            super().__init__()
            self.c1, self.act1, self.s2 = nn_t.Conv2d(1, 6, 5), act(), pool(2)
            self.c3, self.act3, self.s4 = nn_t.Conv2d(6, 16, 5), act(), pool(2)
            self.c5, self.act5, self.flatten = nn_t.Conv2d(16, 120, 5), act(), nn_t.Flatten()
            self.f6, self.act6, self.output = nn_t.Linear(120, 84), act(), nn_t.Linear(84, 10)

        def forward(self, x):
            x = self.s2(self.act1(self.c1(x)))
            x = self.s4(self.act3(self.c3(x)))
            x = self.flatten(self.act5(self.c5(x)))
            return self.output(self.act6(self.f6(x)))

    return TorchLeNet().double()


@pytest.mark.parametrize("optimizer,kwargs", [("SGD", dict(lr=0.05)), ("SGD", dict(lr=0.05, momentum=0.9)),
                                              ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3)),
                                              ("Adam", dict(lr=1e-3))])
@pytest.mark.parametrize("classic", [False, True])
def test_lenet5_trains_exactly_like_pytorch(torch, optimizer, kwargs, classic):
    theirs = torch_lenet(torch, classic)
    ours = models.LeNet5(classic=classic).double()
    ours.load_state_dict(theirs.state_dict())
    opt = getattr(tg.optim, optimizer)(ours.parameters(), **kwargs)
    opt_t = getattr(torch.optim, optimizer)(theirs.parameters(), **kwargs)
    rng = np.random.default_rng(0)
    for _ in range(3):
        x = rng.standard_normal((4, 1, 32, 32))
        y = rng.integers(0, 10, 4)
        loss = F.cross_entropy(ours(tg.Tensor(x)), y)
        loss_t = torch.nn.functional.cross_entropy(theirs(torch.tensor(x)), torch.tensor(y))
        np.testing.assert_allclose(loss.item(), loss_t.item(), rtol=1e-10)
        opt.zero_grad()
        opt_t.zero_grad()
        loss.backward()
        loss_t.backward()
        for name, p in ours.named_parameters():
            np.testing.assert_allclose(p.grad.data, dict(theirs.named_parameters())[name].grad.numpy(),
                                       rtol=1e-6, atol=1e-12, err_msg=name)
        opt.step()
        opt_t.step()
    for name, value in theirs.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[name], value.numpy(), rtol=1e-6, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("name", ["lenet5", "digits-cnn", "alexnet-small", "resnet-block", "inception-block",
                                  "separable-block"])
def test_every_zoo_model_runs_forward_and_backward(name):
    tg.manual_seed(0)
    model = models.build(name)
    shape = {"lenet5": (2, 1, 32, 32), "digits-cnn": (2, 1, 8, 8), "alexnet-small": (2, 3, 32, 32)}.get(name, (2, 8, 8, 8))
    out = model(tg.randn(*shape))
    out.sum().backward()
    assert all(p.grad is not None and np.all(np.isfinite(p.grad.data)) for p in model.parameters())


def test_residual_block_adds_the_identity():
    """F31: with F's weights zero, the block is relu(x): the identity path carries x (and δ) through."""
    block = models.ResidualBlock(4, batch_norm=False)
    for p in block.parameters():
        p.data[...] = 0
    x = tg.randn(2, 4, 5, 5, requires_grad=True)
    y = block(x)
    np.testing.assert_allclose(y.data, np.maximum(x.data, 0))
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, (x.data > 0).astype(np.float32))


def test_inception_concatenates_its_branches_along_channels():
    block = models.InceptionBlock(8, 4, 4, 8, 2, 4, 4)
    assert block(tg.randn(1, 8, 6, 6)).shape == (1, 4 + 8 + 4 + 4, 6, 6)


def test_depthwise_separable_saves_parameters_as_the_lecture_says():
    """F60: C·k² + C·C_out weights instead of C·C_out·k²."""
    c, c_out, k = 32, 64, 3
    separable = models.DepthwiseSeparableBlock(c, c_out, k)
    full = nn.Conv2d(c, c_out, k, padding=1, bias=False)
    weights = separable.depthwise.weight.numel() + separable.pointwise.weight.numel()
    assert weights == c * k * k + c * c_out
    assert abs(weights / full.weight.numel() - (1 / c_out + 1 / k ** 2)) < 1e-12
