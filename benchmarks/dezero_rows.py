"""DeZero's side of the benchmark rows (the framework of 『ゼロから作るDeep Learning ❸』, this library's design
twin: Function.forward/backward on NumPy arrays, backward written with differentiable ops): the same steps as ours and
PyTorch's in run_all.py, where DeZero has the ops and runs them in reasonable time (no grouped convolution: no
depthwise row; the scalar MLP: see run_all.scalar_row). DeZero 0.0.13 from PyPI (the `bench` extra) still names
`np.int`, which NumPy 1.24 removed: the alias is put back for its import, in this benchmark process only.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np


def import_dezero() -> Optional[Any]:
    """The dezero package, or None when it is not installed."""
    if "int" not in np.__dict__:
        np.int = int  # DeZero's transforms.ToInt default (np.int, gone since NumPy 1.24)
    try:
        import dezero
    except ImportError:
        return None
    return dezero


def lenet_step(dz: Any, x: np.ndarray, y: np.ndarray, state: dict) -> Callable[[], None]:
    """LeNet-5 (C1 5×5 pad 2, S2, C3, S4, C5, F6, output; ReLU, max-pool) with DeZero's layers and MomentumSGD, from
    the same weights (DeZero's Linear keeps W as in×out, the transpose of PyTorch's)."""
    F, L = dz.functions, dz.layers

    class LeNet5(dz.Model):
        def __init__(self) -> None:
            super().__init__()
            self.c1 = L.Conv2d(6, 5, pad=2, in_channels=1)
            self.c3 = L.Conv2d(16, 5, in_channels=6)
            self.c5 = L.Conv2d(120, 5, in_channels=16)
            self.f6 = L.Linear(84, in_size=120)
            self.output = L.Linear(10, in_size=84)

        def forward(self, t: Any) -> Any:
            t = F.pooling(F.relu(self.c1(t)), 2, 2)
            t = F.pooling(F.relu(self.c3(t)), 2, 2)
            t = F.reshape(F.relu(self.c5(t)), (t.shape[0], -1))
            return self.output(F.relu(self.f6(t)))

    model = LeNet5()
    for name in ("c1", "c3", "c5", "f6", "output"):
        layer, weight = getattr(model, name), np.array(state[f"{name}.weight"], np.float32)  # copies: DeZero
        layer.W.data = weight if weight.ndim == 4 else np.ascontiguousarray(weight.T)       # updates in place
        layer.b.data = np.array(state[f"{name}.bias"], np.float32)
    opt = dz.optimizers.MomentumSGD(lr=0.01, momentum=0.9).setup(model)
    labels = np.asarray(y, np.int64)

    def step() -> None:
        loss = F.softmax_cross_entropy(model(x), labels)
        model.cleargrads()
        loss.backward()
        opt.update()

    return step


def conv_step(dz: Any, x: np.ndarray, w: np.ndarray, g: np.ndarray, padding: int) -> Callable[[], None]:
    """One conv2d forward + backward (δ into x and W), as the conv rows."""
    xv, wv, gv = dz.Variable(x), dz.Variable(w), dz.Variable(g)

    def step() -> None:
        xv.cleargrad()
        wv.cleargrad()
        y = dz.functions.conv2d(xv, wv, pad=padding)
        y.grad = gv
        y.backward()

    return step


def maxpool_step(dz: Any, x: np.ndarray, g: np.ndarray) -> Callable[[], None]:
    xv, gv = dz.Variable(x), dz.Variable(g)

    def step() -> None:
        xv.cleargrad()
        y = dz.functions.pooling(xv, 2, 2)
        y.grad = gv
        y.backward()

    return step


def scalar(dz: Any) -> Callable[[float], Any]:
    """A float64 0-d Variable, as ours are 0-d float64 Tensors in the chain row."""
    return lambda v: dz.Variable(np.array(v))
