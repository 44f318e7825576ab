"""`tinygrad_edu.nn.functional` as `torch.nn.functional`: the same functions as tinygrad_edu.functional."""
from __future__ import annotations

from typing import Any

from .. import functional as _functional


def __getattr__(name: str) -> Any:
    return getattr(_functional, name)


def __dir__() -> list[str]:
    return sorted(n for n in dir(_functional) if not n.startswith("_"))
