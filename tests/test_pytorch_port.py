"""PyTorch code ports by changing the import: each snippet below is one source string, run twice — as
written (with torch) and with `tinygrad_edu` substituted for the module name — and the numbers it leaves
in `result` are compared. No snippet is edited for tinygrad_edu."""
import warnings

import numpy as np
import pytest

pytestmark = pytest.mark.torch

# PyTorch's "Training a classifier" tutorial (CIFAR-10 replaced by fixed random images of the same shape,
# the initial weights by a fixed state dict, so both libraries start from the same numbers).
CLASSIFIER = '''
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset

classes = ('plane', 'car', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck')
trainset = TensorDataset(torch.from_numpy(images), torch.from_numpy(labels))
trainloader = DataLoader(trainset, batch_size=4, shuffle=False, num_workers=2)
testloader = DataLoader(TensorDataset(torch.from_numpy(test_images), torch.from_numpy(test_labels)),
                        batch_size=4, shuffle=False, num_workers=2)
device = torch.device('cuda:0' if torch.cuda.is_available() else 'cpu')


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


net = Net()
net.load_state_dict({k: torch.tensor(v) for k, v in initial.items()})
net.to(device)
criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)

losses = []
for epoch in range(2):
    running_loss = 0.0
    for i, data in enumerate(trainloader, 0):
        inputs, labels = data[0].to(device), data[1].to(device)
        optimizer.zero_grad()
        outputs = net(inputs)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
    losses.append(running_loss / len(trainloader))

correct = 0
total = 0
correct_pred = {classname: 0 for classname in classes}
with torch.no_grad():
    for data in testloader:
        images, labels = data
        outputs = net(images)
        _, predicted = torch.max(outputs.data, 1)
        total += labels.size(0)
        correct += (predicted == labels).sum().item()
        for label, prediction in zip(labels, predicted):
            if label == prediction:
                correct_pred[classes[label]] += 1
result['losses'] = losses
result['accuracy'] = 100 * correct // total
result['per_class'] = [correct_pred[c] for c in classes]
result['weights'] = {k: v.detach().numpy().copy() for k, v in net.state_dict().items()}
'''

SECOND_DERIVATIVES = '''
import torch
x = torch.tensor([0.5, -1.5, 2.0], dtype=torch.float64, requires_grad=True)
y = (x ** 3 * torch.tanh(x)).sum()
g, = torch.autograd.grad(y, x, create_graph=True)
h, = torch.autograd.grad(g.sum(), x)
z = x * x * x
z.sum().backward(create_graph=True)
first = x.grad.clone()
x.grad.sum().backward()
result['g'] = g.detach().numpy().copy()
result['h'] = h.numpy().copy()
result['first'] = first.detach().numpy()
result['accumulated'] = x.grad.detach().numpy().copy()
'''

GRADCHECK = '''
import torch
from torch.autograd import gradcheck, gradgradcheck
inputs = (torch.tensor(start, dtype=torch.double, requires_grad=True),)
result['ok'] = gradcheck(lambda t: torch.sigmoid(t) * t ** 2, inputs, eps=1e-6, atol=1e-4)
result['ok2'] = gradgradcheck(lambda t: torch.tanh(t) * t, inputs)
'''

SCHEDULERS = '''
import torch
from torch.optim.lr_scheduler import StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR
w = torch.nn.Parameter(torch.zeros(2))
lrs = {}
for name, make in [('step', lambda o: StepLR(o, step_size=3, gamma=0.5)),
                   ('multistep', lambda o: MultiStepLR(o, milestones=[2, 5], gamma=0.1)),
                   ('exp', lambda o: ExponentialLR(o, gamma=0.9)),
                   ('cosine', lambda o: CosineAnnealingLR(o, T_max=6, eta_min=0.01))]:
    optimizer = torch.optim.SGD([w], lr=0.1, momentum=0.9)
    scheduler = make(optimizer)
    seen = []
    for epoch in range(12):
        w.grad = torch.ones(2)
        optimizer.step()
        scheduler.step()
        seen.append(scheduler.get_last_lr()[0])
    lrs[name] = seen
result['lrs'] = lrs
result['w'] = w.detach().numpy().copy()
'''

SILENT_DIFFERENCES = '''
import torch
import torch.nn.functional as F
x = torch.tensor(grid)
values, indices = x.max(1)
v2, i2 = torch.max(x, dim=1)
result['max'] = (values.numpy().copy(), indices.numpy().copy(), x.max(1).indices.numpy().copy())
result['min'] = x.min(dim=0).values.numpy().copy()
result['amax'] = x.amax(dim=(0, 1)).numpy().copy()
cube = torch.arange(60).reshape(3, 4, 5)
idx = torch.tensor([0, 2, 2])
result['index'] = cube[0, :, idx].numpy().copy()
result['index2'] = cube[idx, :, idx].numpy().copy()
four = torch.tensor(batch)
with warnings.catch_warnings():
    warnings.simplefilter('ignore')
    result['softmax'] = F.softmax(four).numpy().copy()
    result['log_softmax'] = F.log_softmax(four).numpy().copy()
z = torch.tensor([0.0, 0.0, 2.0], requires_grad=True)
e = torch.tensor([0.0, 2.0, 0.0], requires_grad=True)
(z ** e).sum().backward()
result['pow'] = (z.grad.numpy().copy(), e.grad.numpy().copy())
result['dtypes'] = [str(t.dtype).split('.')[-1] for t in (torch.tensor([1, 2]), torch.tensor([1., 2.]),
                    torch.tensor([1, 2]) / torch.tensor([2, 2]), torch.tensor([True]))]
'''


def _run(source: str, module_name: str, **given):
    result: dict = {}
    namespace = dict(given, result=result, warnings=warnings)
    exec(compile(source.replace("torch", module_name), f"<{module_name} snippet>", "exec"), namespace)
    return result


def _both(source: str, torch, **given):
    import tinygrad_edu  # noqa: F401

    return _run(source, "torch", **given), _run(source, "tinygrad_edu", **given)


def _assert_same(theirs, ours, rtol=1e-5, atol=1e-6, path="result"):
    if isinstance(theirs, dict):
        assert set(theirs) == set(ours), path
        for k in theirs:
            _assert_same(theirs[k], ours[k], rtol, atol, f"{path}[{k!r}]")
    elif isinstance(theirs, (list, tuple)) and not (theirs and isinstance(theirs[0], (int, float, np.floating))):
        assert len(theirs) == len(ours), path
        for k, (a, b) in enumerate(zip(theirs, ours)):
            _assert_same(a, b, rtol, atol, f"{path}[{k}]")
    elif isinstance(theirs, str) or isinstance(theirs, bool):
        assert theirs == ours, (path, theirs, ours)
    else:
        theirs, ours = np.asarray(theirs), np.asarray(ours)
        assert theirs.shape == ours.shape, (path, theirs.shape, ours.shape)
        np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol, err_msg=path)


def test_the_classifier_tutorial_trains_to_the_same_numbers(torch):
    rng = np.random.default_rng(0)
    images = rng.standard_normal((32, 3, 32, 32)).astype(np.float32)
    labels = rng.integers(0, 10, 32)
    test_images = rng.standard_normal((16, 3, 32, 32)).astype(np.float32)
    test_labels = rng.integers(0, 10, 16)
    shapes = {"conv1.weight": (6, 3, 5, 5), "conv1.bias": (6,), "conv2.weight": (16, 6, 5, 5), "conv2.bias": (16,),
              "fc1.weight": (120, 400), "fc1.bias": (120,), "fc2.weight": (84, 120), "fc2.bias": (84,),
              "fc3.weight": (10, 84), "fc3.bias": (10,)}
    fan_in = {"conv1": 75, "conv2": 150, "fc1": 400, "fc2": 120, "fc3": 84}
    initial = {k: rng.uniform(-1, 1, shape).astype(np.float32) / np.sqrt(fan_in[k.split(".")[0]])
               for k, shape in shapes.items()}
    theirs, ours = _both(CLASSIFIER, torch, images=images, labels=labels, test_images=test_images,
                         test_labels=test_labels, initial=initial)
    _assert_same(theirs, ours, rtol=2e-4, atol=2e-5)


def test_second_derivatives_port(torch):
    theirs, ours = _both(SECOND_DERIVATIVES, torch)
    _assert_same(theirs, ours, rtol=1e-10, atol=1e-12)


def test_gradcheck_ports(torch):
    theirs, ours = _both(GRADCHECK, torch, start=np.array([0.3, -0.7, 1.1]))
    assert theirs == ours == {"ok": True, "ok2": True}


def test_schedulers_port(torch):
    theirs, ours = _both(SCHEDULERS, torch)
    _assert_same(theirs, ours, rtol=1e-6, atol=1e-7)


def test_idioms_that_were_silently_different_now_match(torch):
    rng = np.random.default_rng(3)
    grid = rng.integers(0, 3, (2, 4, 3)).astype(np.float32)  # ties on purpose
    batch = rng.standard_normal((2, 3, 4, 5)).astype(np.float32)
    theirs, ours = _both(SILENT_DIFFERENCES, torch, grid=grid, batch=batch)
    _assert_same(theirs, ours)
