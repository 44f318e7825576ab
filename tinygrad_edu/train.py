"""Training a CNN on the 8×8 handwritten digits: the whole path of the lecture (F14 augmentation, F16 mean
normalisation, F49 conv/pool/dense/softmax/cross-entropy, F48 Adam), seeded so a run repeats exactly;
`tinygrad-edu train` runs it from the command line, also on MNIST, Fashion-MNIST and CIFAR-10 (--dataset)."""
from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional, Union

import numpy as np

from . import functional as F
from .allocator import keep_freed_memory
from .autograd import no_grad
from .creation import manual_seed
from .data import DataLoader, TensorDataset, load_digits, mean_normalize, random_flip, random_shift
from .nn import Module
from .nn.models import DigitsCNN
from .optim import Adam
from .tensor import Tensor


@dataclass
class History:
    """Per-epoch training loss and held-out accuracy, and the wall time of the run."""

    loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    seconds: float = 0.0


def accuracy(model: Module, images: np.ndarray, labels: np.ndarray, batch_size: int = 512) -> float:
    """Share of correctly classified images, in eval mode and without building a graph."""
    was_training = model.training
    model.eval()
    correct = 0
    with no_grad():
        for start in range(0, len(images), batch_size):
            logits = model(Tensor(images[start:start + batch_size]))
            correct += int((logits.data.argmax(1) == labels[start:start + batch_size]).sum())
    model.train(was_training)
    return correct / len(images)


def _progress(iterable: Any, total: int, description: str, enabled: bool) -> Any:
    """The batches with a tqdm bar that disappears when the epoch ends (its summary line stays)."""
    if not enabled:
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, total=total, desc=description, leave=False, ncols=80)


def cosine_lr(lr: float, epoch: int, epochs: int) -> float:
    """The learning rate of epoch `epoch` (0-based) annealed from `lr` towards 0 on half a cosine."""
    return lr * 0.5 * (1.0 + math.cos(math.pi * epoch / epochs))


def train_digits(epochs: int = 40, batch_size: int = 32, lr: float = 3e-3, seed: int = 0, augment: bool = True,
                 progress: bool = True, echo: Callable[[str], None] = print) -> tuple[Module, History]:
    """Train DigitsCNN with Adam (learning rate annealed on a cosine) on the digits' training split;
    report held-out accuracy after each epoch. The same seed gives the same numbers."""
    if epochs < 1 or batch_size < 1 or not lr > 0:
        raise ValueError(f"train_digits: need epochs ≥ 1, batch_size ≥ 1 and lr > 0; "
                         f"got epochs={epochs}, batch_size={batch_size}, lr={lr}")
    manual_seed(seed)
    keep_freed_memory()  # reuse the freed im2col buffers between steps (opt-in: this is a training loop)
    train_x, train_y = load_digits("train", seed=seed)
    test_x, test_y = load_digits("test", seed=seed)
    train_x, mean = mean_normalize(train_x, per="pixel")
    test_x = test_x - mean
    model = DigitsCNN()
    optimizer = Adam(model.parameters(), lr=lr)
    rng = np.random.default_rng(seed)
    transform = (lambda images: random_shift(images, max_shift=1, rng=rng)) if augment else None
    loader = DataLoader(TensorDataset(train_x, train_y), batch_size=batch_size, shuffle=True, seed=seed,
                        transform=transform)
    history = _fit(model, optimizer, loader, lr, epochs, (train_x, train_y), (test_x, test_y), progress, echo)
    return model, history


def _fit(model: Module, optimizer: Adam, loader: DataLoader, lr: float, epochs: int,
         train_xy: tuple[np.ndarray, np.ndarray], test_xy: tuple[np.ndarray, np.ndarray], progress: bool,
         echo: Callable[[str], None]) -> History:
    """The training loop: per epoch a cosine-annealed learning rate, one pass over the loader (Adam steps on
    the cross-entropy), then the accuracy on `train_xy` and on the held-out `test_xy`."""
    (train_x, train_y), (test_x, test_y) = train_xy, test_xy
    history = History()
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        model.train()
        for group in optimizer.param_groups:
            group["lr"] = cosine_lr(lr, epoch - 1, epochs)
        total, seen = 0.0, 0
        for images, labels in _progress(loader, len(loader), f"epoch {epoch}/{epochs}", progress):
            loss = F.cross_entropy(model(images), labels.data)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(labels)
            seen += len(labels)
        history.loss.append(total / seen)
        history.train_accuracy.append(accuracy(model, train_x, train_y))
        history.test_accuracy.append(accuracy(model, test_x, test_y))
        echo(f"epoch {epoch:3d}  loss {history.loss[-1]:.4f}  train {history.train_accuracy[-1]:.2%}  "
             f"held-out {history.test_accuracy[-1]:.2%}  ({time.perf_counter() - start:.1f} s)")
    history.seconds = time.perf_counter() - start
    return history


# ---- real data sets (issue 15): MNIST, Fashion-MNIST, CIFAR-10 through tinygrad_edu.data --------------------
DATASETS = {"mnist": ("MNIST", "lenet5"), "fashion-mnist": ("FashionMNIST", "lenet5"),
            "cifar10": ("CIFAR10", "alexnet-small")}
DATASET_MODELS = ("lenet5", "alexnet-small")
TRAIN_ACCURACY_SAMPLES = 10_000


def load_dataset(dataset: str, root: Union[str, Path], download: bool = True, limit: Optional[int] = None,
                 progress: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(train images, train labels, test images, test labels) of a data set as float32 (N, C, H, W) in [0, 1] and
    int64, downloaded into `root` on first use (torchvision's folders); `limit` keeps the first samples of each."""
    from . import data

    if dataset not in DATASETS:
        raise ValueError(f"train: unknown data set {dataset!r}; choose one of {sorted(DATASETS)} or digits")
    cls = getattr(data, DATASETS[dataset][0])
    train_set = cls(root, train=True, download=download, progress=progress)
    test_set = cls(root, train=False, download=False, progress=progress)
    (train_x, train_y), (test_x, test_y) = train_set.arrays(), test_set.arrays()
    if limit is not None:
        train_x, train_y, test_x, test_y = train_x[:limit], train_y[:limit], test_x[:limit], test_y[:limit]
    return train_x, train_y, test_x, test_y


def dataset_model(name: str, channels: int, size: int) -> Module:
    """The zoo model `name` sized for images of `channels` × `size` × `size` (LeNet-5 pads 28×28 to 32×32)."""
    from .nn.models import AlexNetSmall, LeNet5

    if name == "lenet5":
        return LeNet5(in_channels=channels, input_size=size)
    if name == "alexnet-small":
        return AlexNetSmall(in_channels=channels)
    raise ValueError(f"train: model {name!r} does not fit these images; choose one of {list(DATASET_MODELS)}")


def train_dataset(dataset: str, root: Union[str, Path] = "data", model_name: Optional[str] = None, epochs: int = 5,
                  batch_size: int = 64, lr: float = 1e-3, seed: int = 0, augment: bool = True, download: bool = True,
                  limit: Optional[int] = None, progress: bool = True,
                  echo: Callable[[str], None] = print) -> tuple[Module, History]:
    """Train a zoo model (LeNet-5 on MNIST and Fashion-MNIST, the small AlexNet on CIFAR-10 by default) with Adam,
    its learning rate annealed on a cosine, on per-channel mean-normalised images (F16), shifted by up to two
    pixels (and flipped left-right for CIFAR-10) when `augment`; held-out accuracy after each epoch."""
    if epochs < 1 or batch_size < 1 or not lr > 0 or (limit is not None and limit < 1):
        raise ValueError(f"train_dataset: need epochs ≥ 1, batch_size ≥ 1, lr > 0 and limit ≥ 1; got "
                         f"epochs={epochs}, batch_size={batch_size}, lr={lr}, limit={limit}")
    manual_seed(seed)
    keep_freed_memory()
    train_x, train_y, test_x, test_y = load_dataset(dataset, root, download, limit, progress)
    train_x, mean = mean_normalize(train_x, per="channel")
    test_x = test_x - mean
    model = dataset_model(model_name or DATASETS[dataset][1], train_x.shape[1], train_x.shape[2])
    optimizer = Adam(model.parameters(), lr=lr)
    rng = np.random.default_rng(seed)

    def transform(images: np.ndarray) -> np.ndarray:
        images = random_shift(images, max_shift=2, rng=rng)
        return random_flip(images, rng=rng) if dataset == "cifar10" else images

    loader = DataLoader(TensorDataset(train_x, train_y), batch_size=batch_size, shuffle=True, seed=seed,
                        transform=transform if augment else None)
    seen = (train_x[:TRAIN_ACCURACY_SAMPLES], train_y[:TRAIN_ACCURACY_SAMPLES])
    return model, _fit(model, optimizer, loader, lr, epochs, seen, (test_x, test_y), progress, echo)


def plot_history(history: History, path: Path) -> Optional[Path]:
    """Loss and accuracy curves as a PNG (needs matplotlib, the `plot` extra); None when it is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    epochs = range(1, len(history.loss) + 1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5))
    left.plot(epochs, history.loss, marker="o")
    left.set(xlabel="epoch", ylabel="training loss (cross-entropy)", title="loss")
    right.plot(epochs, history.train_accuracy, marker="o", label="train")
    right.plot(epochs, history.test_accuracy, marker="o", label="held-out")
    lowest = min(history.train_accuracy + history.test_accuracy, default=1.0)
    right.set(xlabel="epoch", ylabel="accuracy", title="accuracy", ylim=(min(0.8, max(0.0, lowest - 0.05)), 1.0))
    right.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return Path(path)


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the `train` subcommand on an argparse subparsers object (its handler is in `run`)."""
    p = subparsers.add_parser("train", help="train a LeNet-style CNN on the 8×8 handwritten digits (or MNIST, "
                                            "Fashion-MNIST, CIFAR-10)")
    p.add_argument("--dataset", choices=["digits", *DATASETS], default="digits",
                   help="digits (packaged, default) or a data set downloaded into --root on first use")
    p.add_argument("--root", default="data", help="folder of the downloaded data sets (default: ./data)")
    p.add_argument("--model", choices=DATASET_MODELS,
                   help="zoo model for a downloaded data set (default: lenet5; alexnet-small for cifar10)")
    p.add_argument("--limit", type=int, help="train and test on the first N samples of each split (a quick try)")
    p.add_argument("--no-download", action="store_true", help="use only files already in --root")
    p.add_argument("--epochs", type=int, help="default 40 on digits, 5 on the others")
    p.add_argument("--batch-size", type=int, help="default 32 on digits, 64 on the others")
    p.add_argument("--lr", type=float, help="Adam's initial learning rate, cosine-annealed (default 3e-3 on digits, "
                                             "1e-3 on the others)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-augment", action="store_true", help="no random one-pixel shifts")
    p.add_argument("--save", metavar="PATH", help="write the trained weights as .npz")
    p.add_argument("--plot", metavar="PNG", help="write loss and accuracy curves (needs matplotlib)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Train as the options ask, print the held-out accuracy, save weights and plot; 2 on bad options."""
    digits = args.dataset == "digits"
    epochs = args.epochs if args.epochs is not None else (40 if digits else 5)
    batch_size = args.batch_size if args.batch_size is not None else (32 if digits else 64)
    lr = args.lr if args.lr is not None else (3e-3 if digits else 1e-3)
    try:
        if digits:
            if args.model or args.limit is not None:
                raise ValueError("--model and --limit are for the downloaded data sets (mnist, fashion-mnist, cifar10)")
            model, history = train_digits(epochs=epochs, batch_size=batch_size, lr=lr, seed=args.seed,
                                          augment=not args.no_augment, progress=not args.quiet)
        else:
            model, history = train_dataset(args.dataset, args.root, args.model, epochs, batch_size, lr, args.seed,
                                           not args.no_augment, not args.no_download, args.limit, not args.quiet)
    except ValueError as err:
        print(f"tinygrad-edu train: {err}", file=sys.stderr)
        return 2
    except RuntimeError as err:  # no data set in --root, or no download possible
        print(f"tinygrad-edu train: {err}", file=sys.stderr)
        return 1
    print(f"held-out accuracy {history.test_accuracy[-1]:.2%} after {epochs} epochs in {history.seconds:.1f} s")
    if args.save:
        model.save(args.save)
        print(f"weights saved to {args.save}")
    if args.plot:
        written = plot_history(history, Path(args.plot))
        print(f"plot saved to {written}" if written else "plot skipped: matplotlib is missing (pip install matplotlib)")
    return 0
