"""Reverse-mode automatic differentiation: Function, one op application and a node of the graph, and its
recording (`Function.apply`).

A Function's `forward` works on arrays; its `backward` works on Tensors with differentiable ops,
so the backward pass can itself be recorded (`create_graph=True`) and runs unchanged on SymPy values.
The rest of the engine lives beside it and is re-exported here (`tinygrad_edu.autograd` is torch.autograd's
counterpart): grad mode (grad_mode.py), module scopes and composites (scopes.py), the checks of what a node read
(saved_inputs.py) and the backward pass itself (backward_pass.py).
"""
from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any, Callable, Optional, Sequence

import numpy as np

from .backward_pass import (BackwardStep, _call_backward, accumulate_grad, backward_steps,  # noqa: F401
                            grad, run_backward)
from .call_sites import _user_site, is_engine_file, is_example_file, user_site  # noqa: F401 (re-exported)
from .grad_mode import (_grad_mode, _set_grad_enabled, anomaly_mode, anomaly_mode_enabled,  # noqa: F401
                        enable_grad, is_grad_enabled, no_grad, set_grad_enabled)
from .saved_inputs import _leaf_checksum, _leaf_checksums
from .scopes import (COMPOSITE, _module_scope, composite, composite_rules, current_scope, enter_scope,  # noqa: F401
                     exit_scope, module_scope)

if TYPE_CHECKING:
    from .tensor import Tensor


class Function:
    """One application of an op: a node of the graph.

    Subclasses define `forward(ctx, *arrays, **attrs) -> array` and `backward(ctx, grad) -> grads`
    (Tensors, one per input, None where no gradient flows), and state their local rule as text.
    """

    rule_unicode: str = ""
    rule_latex: str = ""
    #: hooks that observe every Function application (used by inspect/viz through autograd.observe)
    _observers: list[Callable[["Function"], None]] = []

    inputs: tuple["Tensor", ...] = ()
    needs_input_grad: tuple[bool, ...] = ()
    saved: tuple = ()
    attrs: dict
    freed: bool = False
    #: what the op read when it was recorded (checked before backward reads the inputs again): the input
    #: arrays, the inputs' version counters (None when all were 0, the common case) and (input index,
    #: fingerprint) of writeable leaves, or None — few objects per node, so little for the GC to walk
    input_arrays: Sequence[np.ndarray] = ()
    input_versions: Optional[tuple] = None
    input_checksums: Optional[tuple] = None
    scope: tuple[tuple[str, str], ...] = ()
    scope_calls: tuple[int, ...] = ()
    #: (filename, line) of the user's code that recorded this op: the first frame outside the package
    site: Optional[tuple[str, int]] = None

    #: a user-defined op written as in PyTorch (static forward/backward on Tensors): see _apply_tensor_style
    _tensor_style: bool = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._tensor_style = isinstance(cls.__dict__.get("forward"), staticmethod) or (
            cls._tensor_style and "forward" not in cls.__dict__)
        _name_node_attributes(cls)

    def forward(ctx, *arrays: np.ndarray, **attrs: Any) -> np.ndarray:
        raise TypeError(f"{type(ctx).__name__} defines no forward; an op subclasses Function and defines "
                        "forward(ctx, *arrays, **attrs) and backward(ctx, grad)")

    def backward(ctx, grad: "Tensor") -> Any:
        raise RuntimeError(f"{type(ctx).__name__} defines no backward, so no gradient flows through it")

    def save_for_backward(ctx, *values: Any) -> None:
        ctx.saved = values

    @property
    def saved_tensors(ctx) -> tuple:
        """What save_for_backward stored (PyTorch's name); gone after the graph is freed."""
        if ctx.freed:
            raise RuntimeError(f"{ctx.name}: saved tensors were freed by an earlier backward(); pass "
                               "retain_graph=True to the first backward to use them twice")
        return tuple(ctx.output if v is _SAVED_OUTPUT else v for v in ctx.saved)

    def mark_non_differentiable(ctx, *outputs: Any) -> None:
        """PyTorch's hint; outputs of a user Function here are differentiable only through its backward."""

    def set_materialize_grads(ctx, value: bool) -> None:
        """PyTorch's option; gradients handed to backward here are always materialised (never None)."""

    @property
    def output(ctx) -> "Tensor":
        out = ctx._output()
        if out is None:
            raise RuntimeError(f"{ctx.name}: its output tensor no longer exists")
        return out

    @property
    def name(ctx) -> str:
        return type(ctx).__name__

    @classmethod
    def apply(cls, *inputs: "Tensor", **attrs: Any) -> "Tensor":
        # the hot path of every op: one call per node of every graph, so it is written for few objects per
        # node (each one a Python object the cyclic GC walks again and again while the graph lives) and few
        # bytecodes; _record_slow keeps the general case
        if cls._tensor_style:
            return _apply_tensor_style(cls, inputs, attrs)
        n = len(inputs)
        if n == 2:
            a, b = inputs
            if a.__class__ is not _Tensor or b.__class__ is not _Tensor:  # a subclass, an array or a mistake
                inputs = _as_tensors(cls.__name__, inputs)
                a, b = inputs
        elif n == 1:
            a = inputs[0]
            if a.__class__ is not _Tensor:
                inputs = _as_tensors(cls.__name__, inputs)
                a = inputs[0]
        else:
            for t in inputs:
                if not isinstance(t, _Tensor):
                    inputs = _as_tensors(cls.__name__, inputs)
                    break
        ctx = cls.__new__(cls)
        ctx.attrs = attrs
        if n == 2:
            arrays = (a.data, b.data)  # a tuple of arrays: the GC stops tracking it (kept per node)
            requires_grad = (a.requires_grad or b.requires_grad) and _grad_mode.enabled
        elif n == 1:
            arrays = (a.data,)
            requires_grad = a.requires_grad and _grad_mode.enabled
        else:
            arrays = tuple([t.data for t in inputs])
            requires_grad = False
            if _grad_mode.enabled:
                for t in inputs:
                    if t.requires_grad:
                        requires_grad = True
                        break
        data = ctx.forward(*arrays, **attrs) if attrs else ctx.forward(*arrays)
        out = _Tensor._make(data, requires_grad)
        if requires_grad:
            ctx.inputs = inputs
            ctx.input_arrays = arrays
            if n == 2:
                if a._version or b._version:
                    ctx.input_versions = (a._version, b._version)
                checksums = ()
                if a._ctx is None and a.data.flags.writeable:
                    checksums = _leaf_checksum(0, a.data)
                if b._ctx is None and b.data.flags.writeable:
                    checksums += _leaf_checksum(1, b.data)
                if checksums:
                    ctx.input_checksums = checksums
                ctx.needs_input_grad = _NEEDS_2[a.requires_grad][b.requires_grad]
            elif n == 1:
                if a._version:
                    ctx.input_versions = (a._version,)
                if a._ctx is None and a.data.flags.writeable:
                    ctx.input_checksums = _leaf_checksum(0, a.data) or None
                ctx.needs_input_grad = _NEEDS_1
            else:
                _record_slow(ctx, inputs)
            ctx._output = weakref.ref(out)
            scope = _module_scope.current
            if scope:
                ctx.scope = scope
                ctx.scope_calls = _module_scope.calls
            ctx.site = _user_site()
            out._ctx = ctx
            if _observers:
                for observe in _observers:
                    observe(ctx)
        return out


#: what Function.apply (and backward) set on a node, in the order apply sets them
_NODE_ATTRIBUTES = ("attrs", "inputs", "input_arrays", "input_versions", "input_checksums", "needs_input_grad", "_output",
                    "scope", "scope_calls", "site", "saved", "freed", "_engine_needs", "backward")


def _name_node_attributes(cls: type) -> None:
    """Set every node attribute once on a throwaway instance of a new Function class. CPython (3.11+) keeps an
    instance's attributes in a table of names shared by its class, which accepts new names only while few
    instances have been made; a name first set later (`inputs` on the first recorded Mul after many made under
    no_grad) gives every node of that class a dict of its own: one more object per node for the GC to walk."""
    probe = object.__new__(cls)
    for name in _NODE_ATTRIBUTES:
        setattr(probe, name, None)


_SAVED_OUTPUT = object()  # stands for ctx.output in ctx.saved (see _apply_tensor_style)
_observers = Function._observers  # the same list, read without an attribute lookup
_name_node_attributes(Function)

#: needs_input_grad of a node with one or two inputs: shared tuples (one tuple fewer per node)
_NEEDS_1 = (True,)
_NEEDS_2 = ((None, (False, True)), ((True, False), (True, True)))


def _record_slow(ctx: Function, inputs: tuple) -> None:
    """What Function.apply records about three or more inputs (versions, fingerprints, which need a gradient)."""
    if any(t._version for t in inputs):
        ctx.input_versions = tuple([t._version for t in inputs])
    ctx.input_checksums = _leaf_checksums(inputs)
    ctx.needs_input_grad = tuple([t.requires_grad for t in inputs])


def _apply_tensor_style(cls: type, args: tuple, kwargs: dict) -> "Tensor":
    """A PyTorch-style user Function: forward(ctx, *args) on Tensors runs without recording, its result
    becomes one node whose backward is the user's backward(ctx, grad) (one gradient per forward argument)."""
    ctx = cls.__new__(cls)
    ctx.attrs = {}
    tensors = [k for k, a in enumerate(args) if isinstance(a, _Tensor)]
    ctx.needs_input_grad = tuple(isinstance(a, _Tensor) and a.requires_grad for a in args)
    with _set_grad_enabled(False):
        out = cls.forward(ctx, *args, **kwargs)
    if not isinstance(out, _Tensor):
        raise TypeError(f"{cls.__name__}.forward must return one Tensor here, got {type(out).__name__} (a "
                        "Function with several outputs: return them stacked, or write two Functions)")
    inputs = tuple(args[k] for k in tensors)
    if not (_grad_mode.enabled and any(t.requires_grad for t in inputs)):
        return out.detach()
    result = _Tensor._make(out.data, True)
    # a saved output is read back as ctx.output, the graph's node: stored as a marker, not as the tensor, so
    # that the node and its output hold no reference cycle (reference counting alone frees the graph)
    ctx.saved = tuple(_SAVED_OUTPUT if v is out else v for v in ctx.saved)
    ctx.inputs = inputs
    ctx.input_arrays = [t.data for t in inputs]
    ctx.input_versions = tuple(t._version for t in inputs) if any(t._version for t in inputs) else None
    ctx.input_checksums = _leaf_checksums(inputs)
    ctx._engine_needs = tuple(t.requires_grad for t in inputs)
    ctx._output = weakref.ref(result)
    ctx.scope = _module_scope.current
    ctx.scope_calls = _module_scope.calls
    ctx.site = _user_site()
    user_backward = cls.backward
    node = weakref.ref(ctx)  # the closure lives on ctx: a strong reference would be a cycle

    def backward(grad: "Tensor") -> tuple:
        grads = user_backward(node(), grad)
        grads = grads if isinstance(grads, tuple) else (grads,)
        if len(grads) != len(args):
            raise RuntimeError(f"{cls.__name__}.backward returned {len(grads)} gradients, but forward took "
                               f"{len(args)} arguments (return None for the ones without a gradient)")
        return tuple(grads[k] for k in tensors)

    ctx.backward = backward
    result._ctx = ctx
    for observe in Function._observers:
        observe(ctx)
    return result


_Tensor: Any = None  # the Tensor class, bound by tensor.py (which imports this module first)
def _as_tensors(op: str, inputs: tuple[Any, ...]) -> tuple["Tensor", ...]:
    """NumPy arrays become constant tensors (as DeZero's as_variable); anything else is a clear error."""
    converted = []
    for k, t in enumerate(inputs):
        if isinstance(t, np.ndarray):
            t = _Tensor(t)
        elif not isinstance(t, _Tensor):
            raise TypeError(f"{op}: input {k} is a {type(t).__name__}, not a Tensor or a NumPy array; "
                            f"wrap it with tg.tensor(...)")
        converted.append(t)
    return tuple(converted)


def observe(callback: Callable[[Function], None]) -> Callable[[], None]:
    """Call `callback(fn)` for every Function recorded from now on; returns the function that stops it.
    Readers of the graph (source locations, module scopes) hang here; ops never know about them."""
    Function._observers.append(callback)
    return lambda: Function._observers.remove(callback)


def __getattr__(name: str) -> Any:
    """torch.autograd's checking functions, which live with the other readers of the graph in inspect."""
    if name in ("gradcheck", "gradgradcheck"):
        import importlib

        return getattr(importlib.import_module(".inspect.gradcheck", __package__), name)
    raise AttributeError(f"module 'tinygrad_edu.autograd' has no attribute {name!r}")
