"""Small seeded networks whose backward passes the inspect tests step through."""
import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import nn


class SmallCNN(nn.Module):
    """conv → ReLU → max pool → conv → avg pool → flatten → linear: every family of a LeNet, tiny."""

    def __init__(self) -> None:
        super().__init__()
        self.c1 = nn.Conv2d(1, 3, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.c2 = nn.Conv2d(3, 4, 3, padding=1)
        self.fc = nn.Linear(4 * 2 * 2, 5)

    def forward(self, x):
        x = self.pool(F.relu(self.c1(x)))
        x = F.avg_pool2d(self.c2(x), 2)
        return self.fc(x.flatten(1))


def mlp_loss(seed: int = 0):
    tg.manual_seed(seed)
    model = nn.Sequential(nn.Linear(4, 6), nn.ReLU(), nn.Linear(6, 6), nn.Tanh(), nn.Linear(6, 3)).double()
    x = tg.Tensor(np.random.default_rng(seed).standard_normal((5, 4)), name="x")
    loss = F.cross_entropy(model(x), np.array([0, 2, 1, 1, 0]))
    return model, loss


def cnn_loss(seed: int = 0):
    tg.manual_seed(seed)
    model = SmallCNN().double()
    x = tg.Tensor(np.random.default_rng(seed).standard_normal((2, 1, 8, 8)), name="images")
    loss = F.cross_entropy(model(x), np.array([1, 4]))
    return model, loss
