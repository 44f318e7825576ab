"""Devices, for code written for PyTorch: this engine computes on the CPU only, so `device('cpu')` is the
one device, `cuda.is_available()` is False and asking for a GPU is a clear error rather than a silent CPU."""
from __future__ import annotations

from typing import Any, Union


class device:
    """torch.device's surface: `device('cpu')`, `device('cpu', 0)`, compared by type and index."""

    def __init__(self, type: Union[str, "device"], index: Any = None) -> None:
        if isinstance(type, device):
            type, index = type.type, type.index
        text = str(type)
        kind, _, number = text.partition(":")
        if kind not in ("cpu", "cuda", "mps", "meta", "xpu"):
            raise RuntimeError(f"device: expected a device type like 'cpu' or 'cuda:0', got {text!r}")
        self.type = kind
        self.index = int(number) if number else index

    def __eq__(self, other: Any) -> bool:
        try:
            other = device(other)
        except (RuntimeError, TypeError):
            return False
        return (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __repr__(self) -> str:
        return f"device(type={self.type!r}" + (f", index={self.index})" if self.index is not None else ")")

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"


CPU = device("cpu")


def check_device(where: str, target: Any) -> None:
    """Accept the CPU (string or device); refuse every other device with what to do instead."""
    if target is None:
        return
    d = device(target)
    if d.type != "cpu":
        raise RuntimeError(f"{where}: device {str(d)!r} is not available; tinygrad_edu computes on the CPU "
                           "(tg.cuda.is_available() is False). Use 'cpu', or export the model to PyTorch for a GPU")


class cuda:
    """torch.cuda's two questions a training script asks."""

    @staticmethod
    def is_available() -> bool:
        return False

    @staticmethod
    def device_count() -> int:
        return 0


class backends:
    """torch.backends.mps.is_available() and friends, all False."""

    class mps:
        @staticmethod
        def is_available() -> bool:
            return False

    class cudnn:
        deterministic = True
        benchmark = False
