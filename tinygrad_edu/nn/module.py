"""Module: a tree of layers holding Parameters and buffers, with PyTorch's names (`0.weight`, ...),
state dicts, and .npz files without pickle. Calling a module records its name on the ops it runs."""
from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable, Iterator, Optional, Union
import zipfile

import numpy as np

from ..autograd import current_scope, module_scope
from ..tensor import Tensor
from .parameter import Parameter, as_parameter_array


class Module:
    training: bool

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_key", "")
        object.__setattr__(self, "training", True)

    def __setattr__(self, name: str, value: Any) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"{type(self).__name__}: call super().__init__() before assigning {name!r}")
        for registry in (self._parameters, self._buffers, self._modules):
            registry.pop(name, None)
        if isinstance(value, Parameter):
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
            object.__setattr__(value, "_key", name)
        object.__setattr__(self, name, value)

    def register_buffer(self, name: str, value: Optional[Tensor]) -> None:
        """A tensor that is state (saved, moved by double()/float()) but not a Parameter, e.g. running_mean."""
        object.__setattr__(self, name, value)
        self._buffers[name] = value

    # ---- calling ------------------------------------------------------------------------------
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__}.forward is not defined")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        outer = current_scope()
        name = f"{outer[-1][0]}.{self._key}" if outer and outer[-1][0] and self._key else self._key
        with module_scope(name, type(self).__name__):
            return self.forward(*args, **kwargs)

    # ---- the tree -----------------------------------------------------------------------------
    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, "Module"]]:
        seen: set[int] = set()
        stack = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            children = [(f"{name}.{key}" if name else key, child) for key, child in module._modules.items()
                        if child is not None]
            stack.extend(reversed(children))

    def modules(self) -> Iterator["Module"]:
        return (m for _, m in self.named_modules())

    def named_children(self) -> Iterator[tuple[str, "Module"]]:
        return ((k, m) for k, m in self._modules.items() if m is not None)

    def children(self) -> Iterator["Module"]:
        return (m for _, m in self.named_children())

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        seen: set[int] = set()
        for name, module in self.named_modules(prefix):
            for key, p in module._parameters.items():
                if p is not None and id(p) not in seen:
                    seen.add(id(p))
                    yield (f"{name}.{key}" if name else key), p

    def parameters(self) -> Iterator[Parameter]:
        return (p for _, p in self.named_parameters())

    def named_buffers(self) -> Iterator[tuple[str, Tensor]]:
        for name, module in self.named_modules():
            for key, b in module._buffers.items():
                if b is not None:
                    yield (f"{name}.{key}" if name else key), b

    def apply(self, fn: Callable[["Module"], None]) -> "Module":
        for module in self.modules():
            fn(module)
        return self

    # ---- modes --------------------------------------------------------------------------------
    def train(self, mode: bool = True) -> "Module":
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> "Module":
        return self.train(False)

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = None

    def to(self, dtype: Any) -> "Module":
        """Cast every parameter and floating-point buffer in place (gradients are dropped)."""
        dtype = np.dtype(dtype)
        for p in self.parameters():
            p.data = p.data.astype(dtype)
            p.grad = None
        for _, b in self.named_buffers():
            if b.dtype.kind == "f":
                b.data = b.data.astype(dtype)
        return self

    def double(self) -> "Module":
        return self.to(np.float64)

    def float(self) -> "Module":
        return self.to(np.float32)

    # ---- state --------------------------------------------------------------------------------
    def state_dict(self) -> "OrderedDict[str, np.ndarray]":
        """Name → a copy of the array, parameters then buffers per module, PyTorch's names."""
        state: OrderedDict[str, np.ndarray] = OrderedDict()
        for name, module in self.named_modules():
            for registry in (module._parameters, module._buffers):
                for key, t in registry.items():
                    if t is not None:
                        state[f"{name}.{key}" if name else key] = t.data.copy()
        return state

    def _state_tensors(self) -> "OrderedDict[str, Tensor]":
        tensors: OrderedDict[str, Tensor] = OrderedDict()
        for name, module in self.named_modules():
            for registry in (module._parameters, module._buffers):
                for key, t in registry.items():
                    if t is not None:
                        tensors[f"{name}.{key}" if name else key] = t
        return tensors

    def load_state_dict(self, state: Any, strict: bool = True) -> None:
        """Copy arrays into the parameters and buffers; every problem is found before anything changes."""
        own = self._state_tensors()
        arrays = {k: as_parameter_array(v) for k, v in dict(state).items()}
        problems = []
        if strict:
            missing = [k for k in own if k not in arrays]
            unexpected = [k for k in arrays if k not in own]
            if missing:
                problems.append(f"missing keys {missing}")
            if unexpected:
                problems.append(f"unexpected keys {unexpected}")
        for key, target in own.items():
            if key not in arrays:
                continue
            value = arrays[key]
            if value.shape != target.shape:
                problems.append(f"{key}: shape {value.shape} in the state dict, {target.shape} in the model")
            elif value.dtype == object or value.dtype.kind not in "biuf":
                problems.append(f"{key}: dtype {value.dtype} is not numeric")
        if problems:
            raise ValueError(f"{type(self).__name__}.load_state_dict: nothing was loaded: " + "; ".join(problems))
        for key, target in own.items():
            if key in arrays:
                target.data = arrays[key].astype(target.dtype, copy=True)

    def save(self, path: Union[str, Path]) -> None:
        """Write the state dict as an uncompressed .npz of plain arrays (no pickle)."""
        np.savez(path, **self.state_dict())

    def load(self, path: Union[str, Path], strict: bool = True) -> "Module":
        """Read a .npz written by save(); pickles, wrong keys or wrong shapes fail and leave the model unchanged."""
        try:
            with np.load(path, allow_pickle=False) as archive:
                if not isinstance(archive, np.lib.npyio.NpzFile):
                    raise ValueError("it holds a single array, not a state dict")
                state = {k: archive[k] for k in archive.files}
        except (ValueError, OSError, zipfile.BadZipFile, EOFError) as err:
            raise ValueError(f"{type(self).__name__}.load: {path} is not a state-dict .npz file ({err})") from None
        self.load_state_dict(state, strict)
        return self

    # ---- printing -----------------------------------------------------------------------------
    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        children = [f"({key}): " + repr(m).replace("\n", "\n  ") for key, m in self.named_children()]
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not children:
            return head + ")"
        return head + "\n  " + "\n  ".join(children) + "\n)"


class Sequential(Module):
    """Modules applied in order; children named "0", "1", ... as in PyTorch."""

    def __init__(self, *modules: Module) -> None:
        super().__init__()
        for i, m in enumerate(modules):
            setattr(self, str(i), m)

    def forward(self, x: Any) -> Any:
        for m in self.children():
            x = m(x)
        return x

    def __getitem__(self, index: int) -> Module:
        return list(self.children())[index]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return self.children()


class ModuleList(Module):
    """A list of modules registered under "0", "1", ... (for blocks with parallel branches)."""

    def __init__(self, modules: Optional[list[Module]] = None) -> None:
        super().__init__()
        for i, m in enumerate(modules or []):
            setattr(self, str(i), m)

    def __getitem__(self, index: int) -> Module:
        return list(self.children())[index]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return self.children()
