"""Breakpoint: a test on a backward step (its op, its module, any condition); all parts given must hold."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Optional, Union

if TYPE_CHECKING:
    from .steps import Step


@dataclass(frozen=True)
class Breakpoint:
    """Stops `Steps.continue_` at a step whose op is `op` (a Function or composition name such as "linear", or a
    Function class or name: a composition's step hits when one of its primitives is one), that ran inside the
    module `module` (a qualified name such as "c1" or "layer1.0", or the class name of the root module),
    and for which `condition(step)` is true."""

    op: Optional[Union[str, type]] = None
    module: Optional[str] = None
    condition: Optional[Callable[["Step"], bool]] = None

    def hits(self, step: "Step") -> bool:
        if isinstance(self.op, str) and step.op != self.op and self.op not in step.primitives:
            return False
        if isinstance(self.op, type) and not isinstance(step.fn, self.op) and not any(
                isinstance(fn, self.op) for fn in getattr(step.fn, "members", ())):
            return False
        if self.module is not None and self.module not in step.module_path:
            return False
        return self.condition is None or bool(self.condition(step))

    def __str__(self) -> str:
        parts = []
        if self.op is not None:
            parts.append(f"op={self.op if isinstance(self.op, str) else self.op.__name__}")
        if self.module is not None:
            parts.append(f"module={self.module}")
        if self.condition is not None:
            parts.append(f"condition={getattr(self.condition, '__name__', 'callable')}")
        return "break on " + ", ".join(parts)
