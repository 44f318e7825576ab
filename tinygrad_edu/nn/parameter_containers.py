"""ParameterList and ParameterDict as in torch.nn: Parameters registered under "0", "1", … or their keys, so
parameters(), optimisers and state_dict() see them with PyTorch's names. Tensors and arrays put in become
Parameters (as PyTorch's containers make them)."""
from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping
from typing import Any, Iterator, Optional, Union

import numpy as np

from ..errors import DtypeError
from ..tensor import Tensor
from .module import Module
from .parameter import Parameter


def _as_parameter(owner: str, value: Any) -> Any:
    if isinstance(value, Parameter):
        return value
    if not isinstance(value, (Tensor, np.ndarray)):
        raise TypeError(f"{owner}: cannot store a {type(value).__name__} as a parameter (a Tensor, NumPy array or "
                        "Parameter is needed)")
    if value.dtype.kind not in "fcO":
        raise DtypeError(f"{owner}: only floating-point tensors can require gradients, got dtype {value.dtype} of "
                         f"shape {tuple(value.shape)}; convert with .float() first")
    return Parameter(value)


def _line(key: str, p: Parameter) -> str:
    size = "x".join(str(n) for n in p.shape)
    return f"    ({key}): Parameter containing: [{p.dtype} of size {size}]"


def _repr(module: Module) -> str:
    lines = [_line(k, p) for k, p in module._parameters.items()]
    return f"{module._get_name()}(" + ("\n" + "\n".join(lines) + "\n" if lines else "") + ")"


class ParameterList(Module):
    """Parameters indexed like a list, registered under "0", "1", …"""

    def __init__(self, values: Optional[Iterable[Any]] = None) -> None:
        super().__init__()
        if values is not None:
            self.extend(values)

    def _index(self, idx: Any) -> int:
        idx = operator.index(idx)
        n = len(self)
        if not -n <= idx < n:
            raise IndexError(f"index {idx} is out of range")
        return idx + n if idx < 0 else idx

    def __getitem__(self, idx: Union[int, slice]) -> Any:
        if isinstance(idx, slice):
            return type(self)(list(self._parameters.values())[idx])
        return self._parameters[str(self._index(idx))]

    def __setitem__(self, idx: int, value: Any) -> None:
        self.register_parameter(str(self._index(idx)), _as_parameter(type(self).__name__, value))

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self) -> Iterator[Parameter]:
        return iter(list(self._parameters.values()))

    def __iadd__(self, values: Iterable[Any]) -> "ParameterList":
        return self.extend(values)

    def __dir__(self) -> list[str]:
        return [key for key in super().__dir__() if not key.isdigit()]

    def append(self, value: Any) -> "ParameterList":
        self.register_parameter(str(len(self)), _as_parameter(type(self).__name__, value))
        return self

    def extend(self, values: Iterable[Any]) -> "ParameterList":
        if not isinstance(values, Iterable) or isinstance(values, (Tensor, np.ndarray)):
            raise TypeError(f"{type(self).__name__}.extend should be called with an iterable, but got {type(values).__name__}")
        for value in list(values):
            self.append(value)
        return self

    def __repr__(self) -> str:
        return _repr(self)


class _MissingKey(KeyError, AttributeError):
    """A missing ParameterDict key: a KeyError, and the AttributeError PyTorch raises."""


class ParameterDict(Module):
    """Parameters under string keys, in insertion order; the keys are their state-dict names."""

    def __init__(self, parameters: Optional[Union[Mapping[str, Any], Iterable[tuple[str, Any]]]] = None) -> None:
        super().__init__()
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key: str) -> Parameter:
        if key not in self._parameters:
            raise _MissingKey(f"'ParameterDict' object has no attribute '{key}'")
        return self._parameters[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.register_parameter(key, _as_parameter(type(self).__name__, value))

    def __delitem__(self, key: str) -> None:
        self[key]
        del self._parameters[key]

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._parameters))

    def __contains__(self, key: object) -> bool:
        return key in self._parameters

    def keys(self) -> Iterable[str]:
        return self._parameters.keys()

    def items(self) -> Iterable[tuple[str, Parameter]]:
        return self._parameters.items()

    def values(self) -> Iterable[Parameter]:
        return self._parameters.values()

    def get(self, key: str, default: Any = None) -> Any:
        return self._parameters.get(key, default)

    def pop(self, key: str) -> Parameter:
        value = self[key]
        del self[key]
        return value

    def clear(self) -> None:
        self._parameters.clear()

    def update(self, parameters: Union[Mapping[str, Any], Iterable[tuple[str, Any]]]) -> None:
        """Add or replace entries from a mapping or from (key, parameter) pairs."""
        if isinstance(parameters, (Mapping, ParameterDict)):
            for key, value in parameters.items():
                self[key] = value
            return
        if not isinstance(parameters, Iterable):
            raise TypeError(f"ParametersDict.update should be called with an iterable of key/value pairs, but got "
                            f"{type(parameters).__name__}")
        for j, pair in enumerate(parameters):
            if not hasattr(pair, "__len__") or len(pair) != 2:
                raise ValueError(f"ParameterDict update sequence element #{j} should be a pair (key, parameter), "
                                 f"got {pair!r}")
            self[pair[0]] = pair[1]

    def __repr__(self) -> str:
        return _repr(self)


__all__ = ["ParameterList", "ParameterDict"]
