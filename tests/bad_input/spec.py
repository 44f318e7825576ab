"""How the bad-input walk describes a call (issue 12): a valid call of one op (`Spec`), its arguments
(`Arg`, built with `P` and `K`), and one mutated call of it (`Case`)."""
from __future__ import annotations

import dataclasses
from typing import Any, Callable, Optional

import numpy as np

# differentiable, constant float, index, bool mask, list of x, tuple of index tensors, a NumPy array passed as one
TENSOR_KINDS = ("x", "c", "idx", "mask", "xs", "idxs", "np")


class _Drop:
    """An argument left out of the call (`extra` mutations that remove one)."""

    def __repr__(self) -> str:
        return "<left out>"


DROP = _Drop()


@dataclasses.dataclass(frozen=True)
class Dt:
    """A dtype named once, made NumPy's (ours) or torch's (reference) when the call runs."""
    name: str


@dataclasses.dataclass(frozen=True)
class Mod:
    """A layer with no arguments (nn.<name>() on each side), for containers."""
    name: str


@dataclasses.dataclass
class Arg:
    """One argument: its name (keyword for PyTorch too), value (ndarray for tensors), kind (what mutations
    apply) and whether it is passed positionally. `hi` bounds an index tensor's values (exclusive)."""
    name: str
    value: Any
    kind: str
    pos: bool = False
    hi: int = 0
    spatial: int = 2


def P(name: str, value: Any, kind: str, **kw: Any) -> Arg:
    return Arg(name, value, kind, True, **kw)


def K(name: str, value: Any, kind: str, **kw: Any) -> Arg:
    return Arg(name, value, kind, False, **kw)


@dataclasses.dataclass
class Spec:
    """A valid call of one public op or layer. `path` is "F.name", "tg.name" or "nn.Name" and resolves on both
    sides (torch.nn.functional, torch, torch.nn) unless `theirs` gives the reference. For layers, `args` are
    the constructor's and `inputs` the forward call's. `batch` names the tensors that share dim 0 (N = 0 and
    huge); `names` are further op names an error may give; `random` compares shape and dtype only."""
    path: str
    args: list
    inputs: list = dataclasses.field(default_factory=list)
    names: tuple = ()
    batch: tuple = ()
    theirs: Optional[Callable] = None
    random: bool = False
    grad: bool = True
    huge: bool = True
    skip: tuple = ()
    extra: list = dataclasses.field(default_factory=list)
    tag: str = ""
    rtol: float = 0.0

    @property
    def is_layer(self) -> bool:
        return self.path.startswith("nn.")

    @property
    def op(self) -> str:
        return self.path.split(".", 1)[1]

    @property
    def id(self) -> str:
        return self.path + (f"<{self.tag}>" if self.tag else "")

    def accepted_names(self) -> tuple:
        return (self.op,) + tuple(self.names)


@dataclasses.dataclass
class Case:
    spec: Spec
    label: str
    family: str
    args: list
    inputs: list

    @property
    def id(self) -> str:
        return f"{self.spec.id}[{self.label}]"

    def describe(self) -> str:
        def show(a: Arg) -> str:
            v = a.value
            if isinstance(v, np.ndarray):
                text = f"array{tuple(v.shape)}:{v.dtype}"
            elif isinstance(v, list) and v and all(isinstance(e, np.ndarray) for e in v):
                text = "[" + ", ".join(f"array{tuple(e.shape)}:{e.dtype}" for e in v) + "]"
            else:
                text = repr(v)
                text = text if len(text) < 60 else text[:57] + "..."
            return text if a.pos else f"{a.name}={text}"
        call = f"{self.spec.path}({', '.join(show(a) for a in self.args if a.value is not DROP)})"
        if self.spec.is_layer:
            call += f"({', '.join(show(a) for a in self.inputs if a.value is not DROP)})"
        return call
