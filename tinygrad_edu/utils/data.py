"""`tinygrad_edu.utils.data` as `torch.utils.data`: the same objects as tinygrad_edu.data, re-exported."""
from __future__ import annotations

from typing import Any

from .. import data as _data


def __getattr__(name: str) -> Any:
    return getattr(_data, name)


def __dir__() -> list[str]:
    return sorted(_data.__all__)
