"""The model zoo of the lecture: LeNet-5 (F28), a small AlexNet (F29: ReLU, LRN, dropout, max pooling),
the ResNet basic block (F31: F(x) + x), the Inception block (F30) and the depthwise-separable block (F60),
plus the small LeNet-style CNN that trains on the 8×8 digits."""
from __future__ import annotations

from typing import Any

from .. import ops
from ..functional import relu
from ..tensor import Tensor
from .conv import Conv2d
from .layers import Dropout, Flatten, Linear, ReLU, Tanh
from .module import Module, Sequential
from .normalization import BatchNorm2d, LocalResponseNorm
from .pooling import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d


class LeNet5(Module):
    """32×32 → C1 28×28×6 → S2 14×14×6 → C3 10×10×16 → S4 5×5×16 → C5 120 → F6 84 → 10 (F28).

    Layer names follow the lecture (c1, s2, ...). A 28×28 input (MNIST) is zero-padded by 2 in C1 so the
    sizes downstream are the lecture's. C3 connects all 6×16 channel pairs (not LeCun's table of 60).
    `classic=True` uses tanh and average pooling (subsampling) as in 1998; the default is ReLU and max pooling.
    """

    def __init__(self, num_classes: int = 10, in_channels: int = 1, input_size: int = 32, classic: bool = False) -> None:
        super().__init__()
        if input_size not in (28, 32):
            raise ValueError(f"LeNet5: input_size must be 32 (the lecture) or 28 (MNIST, padded by 2), got {input_size}")
        activation = Tanh if classic else ReLU
        pool = AvgPool2d if classic else MaxPool2d
        self.c1 = Conv2d(in_channels, 6, 5, padding=(32 - input_size) // 2)
        self.act1 = activation()
        self.s2 = pool(2)
        self.c3 = Conv2d(6, 16, 5)
        self.act3 = activation()
        self.s4 = pool(2)
        self.c5 = Conv2d(16, 120, 5)
        self.act5 = activation()
        self.flatten = Flatten()
        self.f6 = Linear(120, 84)
        self.act6 = activation()
        self.output = Linear(84, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.s2(self.act1(self.c1(x)))
        x = self.s4(self.act3(self.c3(x)))
        x = self.flatten(self.act5(self.c5(x)))
        return self.output(self.act6(self.f6(x)))


class DigitsCNN(Module):
    """A LeNet-style CNN for 1×8×8 digits: (conv 3×3 → ReLU → max pool 2) twice, then two dense layers."""

    def __init__(self, num_classes: int = 10, width: int = 32, dropout: float = 0.1) -> None:
        super().__init__()
        self.features = Sequential(Conv2d(1, width, 3, padding=1), ReLU(), MaxPool2d(2),
                                   Conv2d(width, 2 * width, 3, padding=1), ReLU(), MaxPool2d(2))
        self.classifier = Sequential(Flatten(), Linear(2 * width * 2 * 2, 64), ReLU(), Dropout(dropout),
                                     Linear(64, num_classes))

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(self.features(x))


class AlexNetSmall(Module):
    """AlexNet's recipe at small scale (F29): ReLU, local response normalisation, overlapping 3×3/2 max pooling,
    dropout in the classifier; one stream (the original split across two GPUs). For inputs of 32×32 and up."""

    def __init__(self, num_classes: int = 10, in_channels: int = 3, width: int = 32, dropout: float = 0.5) -> None:
        super().__init__()
        self.features = Sequential(
            Conv2d(in_channels, width, 5, padding=2), ReLU(), LocalResponseNorm(5, 1e-4, 0.75, 2.0), MaxPool2d(3, 2),
            Conv2d(width, 2 * width, 5, padding=2), ReLU(), LocalResponseNorm(5, 1e-4, 0.75, 2.0), MaxPool2d(3, 2),
            Conv2d(2 * width, 3 * width, 3, padding=1), ReLU(),
            Conv2d(3 * width, 3 * width, 3, padding=1), ReLU(),
            Conv2d(3 * width, 2 * width, 3, padding=1), ReLU(), MaxPool2d(3, 2))
        self.avgpool = AdaptiveAvgPool2d(2)
        self.classifier = Sequential(Flatten(), Dropout(dropout), Linear(2 * width * 4, 128), ReLU(), Dropout(dropout),
                                     Linear(128, 128), ReLU(), Linear(128, num_classes))

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(self.avgpool(self.features(x)))


class ResidualBlock(Module):
    """h(x) = F(x) + x with F = conv 3×3 → BN → ReLU → conv 3×3 → BN (F31); a 1×1 projection replaces the
    identity when the stride or channel count changes. The identity path hands δ through unchanged."""

    def __init__(self, in_channels: int, out_channels: int | None = None, stride: int = 1,
                 batch_norm: bool = True) -> None:
        super().__init__()
        out_channels = out_channels or in_channels
        self.conv1 = Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=not batch_norm)
        self.bn1 = BatchNorm2d(out_channels) if batch_norm else None
        self.conv2 = Conv2d(out_channels, out_channels, 3, padding=1, bias=not batch_norm)
        self.bn2 = BatchNorm2d(out_channels) if batch_norm else None
        self.shortcut = None
        if stride != 1 or in_channels != out_channels:
            layers: list[Module] = [Conv2d(in_channels, out_channels, 1, stride=stride, bias=not batch_norm)]
            if batch_norm:
                layers.append(BatchNorm2d(out_channels))
            self.shortcut = Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        f = self.conv1(x)
        f = relu(self.bn1(f) if self.bn1 is not None else f)
        f = self.conv2(f)
        if self.bn2 is not None:
            f = self.bn2(f)
        identity = x if self.shortcut is None else self.shortcut(x)
        return relu(f + identity)


class InceptionBlock(Module):
    """Four parallel branches concatenated along channels (F30): 1×1; 1×1 → 3×3; 1×1 → 5×5; 3×3 max pool → 1×1."""

    def __init__(self, in_channels: int, ch1x1: int, ch3x3_reduce: int, ch3x3: int, ch5x5_reduce: int, ch5x5: int,
                 pool_proj: int) -> None:
        super().__init__()
        self.branch1 = Sequential(Conv2d(in_channels, ch1x1, 1), ReLU())
        self.branch2 = Sequential(Conv2d(in_channels, ch3x3_reduce, 1), ReLU(),
                                  Conv2d(ch3x3_reduce, ch3x3, 3, padding=1), ReLU())
        self.branch3 = Sequential(Conv2d(in_channels, ch5x5_reduce, 1), ReLU(),
                                  Conv2d(ch5x5_reduce, ch5x5, 5, padding=2), ReLU())
        self.branch4 = Sequential(MaxPool2d(3, 1, 1), Conv2d(in_channels, pool_proj, 1), ReLU())
        self.out_channels = ch1x1 + ch3x3 + ch5x5 + pool_proj

    def forward(self, x: Tensor) -> Tensor:
        return ops.cat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)], 1)


class DepthwiseSeparableBlock(Module):
    """Depthwise k×k conv (groups = C) then pointwise 1×1 conv (F57–F60): C·k² + C·C_out weights instead of
    C·C_out·k², a ratio of 1/C_out + 1/k²."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int = 3, stride: int = 1,
                 batch_norm: bool = False) -> None:
        super().__init__()
        self.depthwise = Conv2d(in_channels, in_channels, kernel_size, stride=stride, padding=kernel_size // 2,
                                groups=in_channels, bias=False)
        self.pointwise = Conv2d(in_channels, out_channels, 1, bias=not batch_norm)
        self.bn = BatchNorm2d(out_channels) if batch_norm else None

    def forward(self, x: Tensor) -> Tensor:
        y = self.pointwise(self.depthwise(x))
        return relu(self.bn(y) if self.bn is not None else y)


def build(name: str, **kwargs: Any) -> Module:
    """A zoo model by name: lenet5, digits-cnn, alexnet-small, resnet-block, inception-block, separable-block."""
    makers = {
        "lenet5": lambda: LeNet5(**kwargs),
        "digits-cnn": lambda: DigitsCNN(**kwargs),
        "alexnet-small": lambda: AlexNetSmall(**kwargs),
        "resnet-block": lambda: ResidualBlock(kwargs.pop("in_channels", 8), **kwargs),
        "inception-block": lambda: InceptionBlock(kwargs.pop("in_channels", 8), 4, 4, 8, 2, 4, 4),
        "separable-block": lambda: DepthwiseSeparableBlock(kwargs.pop("in_channels", 8), kwargs.pop("out_channels", 16)),
    }
    if name not in makers:
        raise ValueError(f"models.build: unknown model {name!r}; choose one of {sorted(makers)}")
    return makers[name]()
