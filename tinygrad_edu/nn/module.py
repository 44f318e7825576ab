"""Module: a tree of layers holding Parameters and buffers under PyTorch's names (`0.weight`, ...), with
registration rules, hooks, modes, dtype moves and state dicts. Calling a module records its name on the
ops it runs (viz draws one cluster per module call)."""
from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, NamedTuple, Optional, Union

import numpy as np

from ..autograd import current_scope, enter_scope, exit_scope, is_grad_enabled
from ..errors import ShapeError
from ..tensor import Tensor
from .hooks import BackwardHook, RemovableHandle
from .parameter import Buffer, Parameter, as_parameter_array
from .serialization import cast_for_load, key_problems, read_state, save_state
from .validate import device as check_device, is_device


class IncompatibleKeys(NamedTuple):
    missing_keys: list[str]
    unexpected_keys: list[str]


class _IncompatibleKeys(IncompatibleKeys):
    """load_state_dict's result, as PyTorch's: (missing_keys, unexpected_keys)."""

    __slots__ = ()

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


def _check_name(kind: str, name: Any) -> None:
    """PyTorch's rules for a registered name: a non-empty string without "." (the separator of state-dict keys)."""
    if not isinstance(name, str):
        raise TypeError(f"{kind} name should be a string. Got {type(name).__name__}")
    if "." in name:
        raise KeyError(f'{kind} name can\'t contain "."' + (f", got: {name}" if kind == "module" else ""))
    if name == "":
        raise KeyError(f'{kind} name can\'t be empty string ""')


def _add_hook(hooks: "OrderedDict[int, Callable]", hook: Callable, prepend: bool,
              with_kwargs: Optional[set] = None) -> RemovableHandle:
    """Register `hook` in `hooks` (first when prepend), its id also in `with_kwargs` when given; its handle."""
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    if with_kwargs is not None:
        with_kwargs.add(handle.id)
    if prepend:
        hooks.move_to_end(handle.id, last=False)
    return handle


class Module:
    """Base class of every layer and model, as torch.nn.Module: assign Parameters, buffers and sub-modules as
    attributes and they are registered under their names."""

    training: bool

    def __init__(self) -> None:
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent_buffers_set", set())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_forward_pre_hooks", OrderedDict())
        object.__setattr__(self, "_forward_pre_hooks_with_kwargs", set())
        object.__setattr__(self, "_forward_hooks", OrderedDict())
        object.__setattr__(self, "_forward_hooks_with_kwargs", set())
        object.__setattr__(self, "_backward_hooks", OrderedDict())
        object.__setattr__(self, "_key", "")

    # ---- registration -------------------------------------------------------------------------
    def register_parameter(self, name: str, param: Optional[Parameter]) -> None:
        """Add a Parameter (or None) under `name`; it appears in parameters() and state_dict()."""
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        _check_name("parameter", name)
        if hasattr(self, name) and name not in self._parameters:
            raise KeyError(f"attribute '{name}' already exists")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{type(param).__name__}' object to parameter '{name}' "
                            f"(tinygrad_edu.nn.Parameter or None required)")
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Optional[Tensor], persistent: bool = True) -> None:
        """A tensor that is state but not a Parameter (e.g. running_mean): moved by to()/double(), and saved in
        state_dict() unless persistent=False."""
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        _check_name("buffer", name)
        if hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute '{name}' already exists")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{type(tensor).__name__}' object to buffer '{name}' "
                            f"(Tensor or None required)")
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name: str, module: Optional["Module"]) -> None:
        """Register a child module under `name` (what attribute assignment does)."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        _check_name("module", name)
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        self._modules[name] = module
        if module is not None:
            object.__setattr__(module, "_key", name)

    register_module = add_module

    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        params = d.get("_parameters")
        if params is None and isinstance(value, (Parameter, Module, Tensor)):
            raise AttributeError(f"{type(self).__name__}: call super().__init__() before assigning {name!r}")
        if isinstance(value, Parameter):
            _check_name("parameter", name)
            self._forget(name, keep="_parameters")  # a replaced parameter keeps its place, as PyTorch
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{type(value).__name__}' as parameter '{name}' "
                                f"(tinygrad_edu.nn.Parameter or None expected)")
            params[name] = None
        elif isinstance(value, Buffer):
            self._forget(name, keep="_buffers")
            self.register_buffer(name, value, value.persistent)
        elif isinstance(value, Module):
            _check_name("module", name)
            self._forget(name, keep="_modules")
            self.add_module(name, value)
        elif params is not None and name in d["_modules"]:
            if value is not None:
                raise TypeError(f"cannot assign '{type(value).__name__}' as child module '{name}' "
                                f"(tinygrad_edu.nn.Module or None expected)")
            d["_modules"][name] = None
        elif params is not None and name in d["_buffers"]:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{type(value).__name__}' as buffer '{name}' (Tensor or None expected)")
            d["_buffers"][name] = value
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name: str, keep: str = "") -> None:
        """`name` out of the instance dict and every registry but `keep` (whose entry is about to be replaced)."""
        self.__dict__.pop(name, None)
        for registry in ("_parameters", "_buffers", "_modules"):
            if registry != keep:
                getattr(self, registry).pop(name, None)
        self._non_persistent_buffers_set.discard(name)

    def __getattr__(self, name: str) -> Any:
        d = self.__dict__
        for registry in ("_parameters", "_buffers", "_modules"):
            values = d.get(registry)
            if values is not None and name in values:
                return values[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for registry in (self._parameters, self._buffers, self._modules):
            if name in registry:
                del registry[name]
                self._non_persistent_buffers_set.discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self._parameters) | set(self._buffers) | set(self._modules))

    def get_submodule(self, target: str) -> "Module":
        """The module at a dotted path such as "features.0" ("" is the module itself)."""
        if target == "":
            return self
        module: Module = self
        for item in target.split("."):
            if not hasattr(module, item):
                raise AttributeError(f"{type(module).__name__} has no attribute `{item}`")
            module = getattr(module, item)
            if not isinstance(module, Module):
                raise AttributeError(f"`{item}` is not an nn.Module")
        return module

    def get_parameter(self, target: str) -> Parameter:
        """The Parameter at a dotted path such as "features.0.weight"."""
        module_path, _, name = target.rpartition(".")
        module = self.get_submodule(module_path)
        if not hasattr(module, name):
            raise AttributeError(f"{type(module).__name__} has no attribute `{name}`")
        param = getattr(module, name)
        if not isinstance(param, Parameter):
            raise AttributeError(f"`{name}` is not an nn.Parameter")
        return param

    def get_buffer(self, target: str) -> Tensor:
        """The buffer at a dotted path such as "bn.running_mean"."""
        module_path, _, name = target.rpartition(".")
        module = self.get_submodule(module_path)
        if name not in module._buffers:
            raise AttributeError(f"`{name}` is not a buffer")
        return module._buffers[name]

    # ---- hooks --------------------------------------------------------------------------------
    def register_forward_pre_hook(self, hook: Callable, *, prepend: bool = False,
                                  with_kwargs: bool = False) -> RemovableHandle:
        """hook(module, args) runs before forward; a returned value replaces args (a non-tuple is wrapped).
        With with_kwargs=True: hook(module, args, kwargs) returning None or (args, kwargs)."""
        return _add_hook(self._forward_pre_hooks, hook, prepend, self._forward_pre_hooks_with_kwargs if with_kwargs
                         else None)

    def register_forward_hook(self, hook: Callable, *, prepend: bool = False,
                              with_kwargs: bool = False) -> RemovableHandle:
        """hook(module, args, output) runs after forward; a returned value replaces the output.
        With with_kwargs=True: hook(module, args, kwargs, output)."""
        return _add_hook(self._forward_hooks, hook, prepend, self._forward_hooks_with_kwargs if with_kwargs else None)

    def register_full_backward_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """hook(module, grad_input, grad_output) runs when the gradients of the module's inputs are complete;
        a returned tuple replaces grad_input (one entry per positional input), as in PyTorch."""
        return _add_hook(self._backward_hooks, hook, prepend)

    # ---- calling ------------------------------------------------------------------------------
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__}.forward is not defined")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        outer = current_scope()
        key = self._key
        name = f"{outer[-1][0]}.{key}" if outer and outer[-1][0] and key else key
        previous = enter_scope((name, type(self).__name__))  # module_scope, without a context manager's cost
        try:
            if not (self._forward_pre_hooks or self._forward_hooks or self._backward_hooks):
                return self.forward(*args, **kwargs)
            return self._call_with_hooks(args, kwargs)
        finally:
            exit_scope(previous)

    def _call_with_hooks(self, args: tuple, kwargs: dict) -> Any:
        for hook_id, hook in list(self._forward_pre_hooks.items()):
            if hook_id in self._forward_pre_hooks_with_kwargs:
                result = hook(self, args, kwargs)
                if result is not None:
                    if not (isinstance(result, tuple) and len(result) == 2):
                        raise RuntimeError(f"forward pre-hook must return None or a tuple of (new_args, "
                                           f"new_kwargs), but got {result!r}")
                    args, kwargs = result
            else:
                result = hook(self, args)
                if result is not None:
                    args = result if isinstance(result, tuple) else (result,)
        backward = None
        if self._backward_hooks and is_grad_enabled():
            backward = BackwardHook(self, self._backward_hooks.values())
            args = backward.setup_input(args)
        output = self.forward(*args, **kwargs)
        for hook_id, hook in list(self._forward_hooks.items()):
            if hook_id in self._forward_hooks_with_kwargs:
                result = hook(self, args, kwargs, output)
            else:
                result = hook(self, args, output)
            if result is not None:
                output = result
        return backward.setup_output(output) if backward is not None else output

    # ---- the tree -----------------------------------------------------------------------------
    def named_modules(self, memo: Optional[set] = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, "Module"]]:
        """Every module of the tree, this one first, depth first in registration order (PyTorch's order)."""
        seen = memo if memo is not None else set()
        stack = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if remove_duplicate:
                if module in seen:
                    continue
                seen.add(module)
            yield name, module
            children = [(f"{name}.{key}" if name else key, child) for key, child in module._modules.items()
                        if child is not None]
            stack.extend(reversed(children))

    def modules(self) -> Iterator["Module"]:
        return (m for _, m in self.named_modules())

    def named_children(self) -> Iterator[tuple[str, "Module"]]:
        seen: set[int] = set()
        for key, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield key, module

    def children(self) -> Iterator["Module"]:
        return (m for _, m in self.named_children())

    def _named_members(self, registry: str, prefix: str, recurse: bool,
                       remove_duplicate: bool) -> Iterator[tuple[str, Tensor]]:
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse else [(prefix, self)]
        seen: set[int] = set()
        for name, module in modules:
            for key, value in getattr(module, registry).items():
                if value is None or id(value) in seen:
                    continue
                if remove_duplicate:
                    seen.add(id(value))
                yield (f"{name}.{key}" if name else key), value

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[tuple[str, Parameter]]:
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)  # type: ignore[return-value]

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        return (p for _, p in self.named_parameters(recurse=recurse))

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Tensor]]:
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        return (b for _, b in self.named_buffers(recurse=recurse))

    def apply(self, fn: Callable[["Module"], Any]) -> "Module":
        """fn on every sub-module, children first and this module last (PyTorch's order); returns self."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # ---- modes and gradients ------------------------------------------------------------------
    def train(self, mode: bool = True) -> "Module":
        """Training mode (dropout on, batch statistics) for this module and every child; returns self."""
        if not isinstance(mode, (bool, np.bool_)):
            raise ValueError(f"training mode is expected to be boolean, got {mode!r}")
        self.training = bool(mode)
        for module in self.children():
            module.train(bool(mode))
        return self

    def eval(self) -> "Module":
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> "Module":
        """Switch gradient recording on or off for every parameter (e.g. to freeze a pretrained part)."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Drop every parameter's gradient (set_to_none=True, PyTorch's default) or fill it with zeros."""
        for p in self.parameters():
            if p.grad is None:
                continue
            if set_to_none:
                p.grad = None
            elif p.grad.data.flags.writeable and p.grad.is_leaf:
                p.grad.requires_grad = False
                p.grad.data[...] = 0
            else:
                p.grad = Tensor._make(np.zeros_like(p.grad.data), False)

    # ---- dtype and device ---------------------------------------------------------------------
    def _apply(self, convert: Callable[[np.ndarray], np.ndarray]) -> "Module":
        """Replace every parameter's, gradient's and buffer's array by convert(array), keeping the Parameter
        objects (an optimiser built before still updates them)."""
        for module in self.modules():
            for p in module._parameters.values():
                if p is None:
                    continue
                p.data = convert(p.data)
                if p.grad is not None:
                    p.grad.data = convert(p.grad.data)
            for b in module._buffers.values():
                if b is not None:
                    b.data = convert(b.data)
        return self

    def _cast_floats(self, dtype: np.dtype) -> "Module":
        return self._apply(lambda a: a.astype(dtype) if a.dtype.kind == "f" and a.dtype != dtype else a)

    def to(self, *args: Any, **kwargs: Any) -> "Module":
        """to(dtype), to(device), to(device, dtype), to(tensor) as PyTorch: floating-point parameters and
        buffers are cast in place; the only device is the CPU."""
        device, dtype = kwargs.pop("device", None), kwargs.pop("dtype", None)
        kwargs.pop("non_blocking", None)
        if kwargs:
            raise TypeError(f"Module.to: unexpected keyword arguments {sorted(kwargs)}")
        for arg in args:
            if isinstance(arg, Tensor):
                dtype = arg.dtype
            elif is_device(arg):
                device = arg
            elif dtype is None:
                dtype = arg
            else:
                raise TypeError(f"Module.to: cannot read {arg!r} as a device or a dtype")
        if device is not None:
            check_device("Module.to", device)
        if dtype is None:
            return self
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"Module.to only accepts floating point dtypes, but got desired dtype={dtype}")
        return self._cast_floats(dtype)

    def double(self) -> "Module":
        return self._cast_floats(np.dtype(np.float64))

    def float(self) -> "Module":
        return self._cast_floats(np.dtype(np.float32))

    def type(self, dst_type: Any) -> "Module":
        """Cast every parameter and buffer (integer buffers too) to dst_type, as PyTorch's Module.type."""
        dtype = np.dtype(dst_type)
        return self._apply(lambda a: a.astype(dtype) if a.dtype != dtype else a)

    def cpu(self) -> "Module":
        return self

    def cuda(self, device: Any = None) -> "Module":
        check_device("Module.cuda", "cuda" if device is None else f"cuda:{device}")
        return self

    # ---- state --------------------------------------------------------------------------------
    def _state_entries(self, prefix: str = "") -> Iterator[tuple[str, "Module", str, Tensor]]:
        """(key, owning module, local name, tensor) for every state-dict entry, in state_dict's order."""
        for name, p in self._parameters.items():
            if p is not None:
                yield prefix + name, self, name, p
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent_buffers_set:
                yield prefix + name, self, name, b
        for name, module in self._modules.items():
            if module is not None:
                yield from module._state_entries(f"{prefix}{name}.")

    def _missing_key_ok(self, name: str) -> bool:
        """Whether load_state_dict may leave this entry as it is when the state dict lacks it (BatchNorm's
        num_batches_tracked, as PyTorch)."""
        return False

    def state_dict(self, *, destination: Optional["OrderedDict[str, Tensor]"] = None, prefix: str = "",
                   keep_vars: bool = False) -> "OrderedDict[str, Tensor]":
        """Name → detached Tensor sharing the parameter's or persistent buffer's data, per module: parameters,
        then buffers, then the children's (PyTorch's names and order; shared modules appear under each name)."""
        if destination is None:
            destination = OrderedDict()
        for key, _, _, t in self._state_entries(prefix):
            destination[key] = t if keep_vars else t.detach()
        return destination

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True,
                        assign: bool = False) -> _IncompatibleKeys:
        """Copy Tensors or arrays into the parameters and persistent buffers, cast to their dtypes as PyTorch's
        copy_ (int/bool/float16 → float, ...). Every problem (shapes, missing or unexpected keys when strict,
        values a cast would turn into inf or truncate) is found before anything changes; returns
        (missing_keys, unexpected_keys)."""
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict).__name__}.")
        entries = list(self._state_entries())
        own = OrderedDict((key, t) for key, _, _, t in entries)
        missing = [k for k, module, name, _ in entries if k not in state_dict and not module._missing_key_ok(name)]
        unexpected = [k for k in state_dict if k not in own]
        problems = key_problems(missing, unexpected) if strict else []
        values = {}
        for key, target in own.items():
            if key not in state_dict:
                continue
            value = as_parameter_array(state_dict[key])
            if value.shape != target.shape:
                problems.append(f"{key}: shape {value.shape} in the state dict, {target.shape} in the model")
                continue
            converted = value if assign else cast_for_load(key, value, target.dtype)
            if isinstance(converted, str):
                problems.append(converted)
            else:
                values[key] = converted
        if problems:
            raise ShapeError(f"{type(self).__name__}.load_state_dict: nothing was loaded: " + "; ".join(problems))
        for key, value in values.items():
            target = own[key]
            if assign or not target.data.flags.writeable:
                target.data = np.array(value, copy=True)
            else:
                np.copyto(target.data, value, casting="unsafe")
            target._bump_version()
        return _IncompatibleKeys(missing, unexpected)

    def save(self, path: Union[str, Path]) -> Path:
        """Write the state dict as an uncompressed .npz of plain arrays (no pickle; ".npz" is appended to a
        name without it, as numpy.savez does), or by suffix as .safetensors or as PyTorch's .pt/.pth (what
        torch.load reads); returns the path written."""
        return save_state(self.state_dict(), path, type(self).__name__)

    def load(self, path: Union[str, Path], strict: bool = True) -> "Module":
        """Read a .npz written by save() (the same path works, with or without ".npz"): every member's shape,
        dtype and sizes are checked against the model before any data is decompressed; pickles, wrong keys,
        wrong shapes or overflowing values fail and leave the model unchanged. A torch.save(model.state_dict())
        file (.pt) is recognised by its content and read with tg.load."""
        from ..torch_format import is_torch_file, state_dict_from_file

        if Path(path).is_file() and is_torch_file(path):  # a torch.save(state_dict) file (torch_format.py)
            self.load_state_dict(state_dict_from_file(path, type(self).__name__), strict)
            return self
        entries = list(self._state_entries())
        model = OrderedDict((key, t) for key, _, _, t in entries)
        optional = {key for key, module, name, _ in entries if module._missing_key_ok(name)}
        self.load_state_dict(read_state(path, model, strict, type(self).__name__, optional), strict)
        return self

    # ---- printing -----------------------------------------------------------------------------
    def _get_name(self) -> str:
        return type(self).__name__

    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        children = [f"({key}): " + repr(m).replace("\n", "\n  ") for key, m in self._modules.items()]
        head = f"{self._get_name()}({self.extra_repr()}"
        if not children:
            return head + ")"
        return head + "\n  " + "\n  ".join(children) + "\n)"


from .container import ModuleDict, ModuleList, Sequential  # noqa: E402,F401  (they subclass Module)
