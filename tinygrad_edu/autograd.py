"""Reverse-mode automatic differentiation: Function (one op application, a node of the graph),
grad mode, and the iterative graph walk that backward runs.

A Function's `forward` works on arrays; its `backward` works on Tensors with differentiable ops,
so the backward pass can itself be recorded (`create_graph=True`) and runs unchanged on SymPy values.
"""
from __future__ import annotations

import os
import sys
import threading
import weakref
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Callable, Iterator, Optional, Sequence

import numpy as np

if TYPE_CHECKING:
    from .tensor import Tensor


class _GradMode(threading.local):
    enabled = True


class _ModuleScope(threading.local):
    """The nn.Module calls now running, outermost first, as (qualified name, class name) pairs."""

    current: tuple[tuple[str, str], ...] = ()


_grad_mode = _GradMode()
_module_scope = _ModuleScope()


@contextmanager
def module_scope(name: str, kind: str) -> Iterator[None]:
    """Ops recorded inside carry this module in `fn.scope` (viz draws one cluster per module call)."""
    previous = _module_scope.current
    _module_scope.current = previous + ((name, kind),)
    try:
        yield
    finally:
        _module_scope.current = previous


def current_scope() -> tuple[tuple[str, str], ...]:
    return _module_scope.current


def is_grad_enabled() -> bool:
    return _grad_mode.enabled


@contextmanager
def _set_grad_enabled(enabled: bool) -> Iterator[None]:
    previous = _grad_mode.enabled
    _grad_mode.enabled = enabled
    try:
        yield
    finally:
        _grad_mode.enabled = previous


class _GradModeContext:
    """Usable as `with tg.no_grad():` and as a decorator, like PyTorch's."""

    enabled: bool

    def __enter__(self) -> None:
        self._previous = _grad_mode.enabled
        _grad_mode.enabled = self.enabled

    def __exit__(self, *exc: Any) -> None:
        _grad_mode.enabled = self._previous

    def __call__(self, fn: Callable) -> Callable:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            with type(self)():
                return fn(*args, **kwargs)

        wrapped.__name__ = getattr(fn, "__name__", "wrapped")
        wrapped.__doc__ = fn.__doc__
        return wrapped


class no_grad(_GradModeContext):
    """Ops run inside record no graph (thread-local)."""

    enabled = False


class enable_grad(_GradModeContext):
    """Ops run inside record the graph again, e.g. inside a `no_grad` block (thread-local)."""

    enabled = True


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
    scope: tuple[tuple[str, str], ...] = ()
    #: (filename, line) of the user's code that recorded this op: the first frame outside the package
    site: Optional[tuple[str, int]] = None

    def forward(ctx, *arrays: np.ndarray, **attrs: Any) -> np.ndarray:
        raise NotImplementedError(f"{type(ctx).__name__}.forward")

    def backward(ctx, grad: "Tensor") -> Any:
        raise NotImplementedError(f"{type(ctx).__name__}.backward")

    def save_for_backward(ctx, *values: Any) -> None:
        ctx.saved = values

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
        for t in inputs:
            if not isinstance(t, _Tensor):
                inputs = _as_tensors(cls.__name__, inputs)
                break
        ctx = cls.__new__(cls)
        ctx.attrs = attrs
        data = ctx.forward(*[t.data for t in inputs], **attrs)
        requires_grad = False
        if _grad_mode.enabled:
            for t in inputs:
                if t.requires_grad:
                    requires_grad = True
                    break
        out = _Tensor._make(data, requires_grad)
        if requires_grad:
            ctx.inputs = inputs
            ctx.needs_input_grad = tuple([t.requires_grad for t in inputs])
            ctx._output = weakref.ref(out)
            ctx.scope = _module_scope.current
            ctx.site = _user_site()
            out._ctx = ctx
            for observe in Function._observers:
                observe(ctx)
        return out


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
_EXAMPLE_CODE = tuple(os.path.join(_PACKAGE_DIR, *p) for p in (("nn", "models.py"), ("demos.py",)))


def is_example_file(filename: str) -> bool:
    """The model zoo and the command line's demos: example code, written like a user's script, so their
    lines count as user code (a zoo model's ops point at its forward)."""
    return filename.startswith(_EXAMPLE_CODE)


def is_engine_file(filename: str) -> bool:
    """A file of the engine itself (tinygrad_edu, its example code excepted)."""
    return filename.startswith(_PACKAGE_DIR) and not is_example_file(filename)


def _user_site() -> Optional[tuple[str, int]]:
    """Where the user's code recorded the op now being applied: the innermost frame outside the engine
    (is_engine_file, inlined: this runs once per op)."""
    frame = sys._getframe(2)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not filename.startswith(_PACKAGE_DIR) or filename.startswith(_EXAMPLE_CODE):
            return filename, frame.f_lineno
        frame = frame.f_back
    return None


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


def _topological_order(root: "Tensor") -> list["Tensor"]:
    """Tensors that lead to `root` and require grad, each after every tensor it feeds (iterative DFS)."""
    order: list[Tensor] = []
    visited: set[int] = set()
    stack: list[tuple[Tensor, bool]] = [(root, False)]
    while stack:
        t, expanded = stack.pop()
        if expanded:
            order.append(t)
            continue
        if id(t) in visited:
            continue
        visited.add(id(t))
        stack.append((t, True))
        if t._ctx is not None:
            for parent in t._ctx.inputs:
                if parent.requires_grad and id(parent) not in visited:
                    stack.append((parent, False))
    order.reverse()
    return order


class BackwardStep:
    """What one node of the backward pass did: the tensor whose gradient became complete, the
    Function that produced it (None for a leaf), and the gradients handed to that Function's inputs."""

    __slots__ = ("tensor", "fn", "grad", "input_grads")

    def __init__(self, tensor: "Tensor", fn: Optional[Function], grad: "Tensor",
                 input_grads: tuple[Optional["Tensor"], ...]) -> None:
        self.tensor, self.fn, self.grad, self.input_grads = tensor, fn, grad, input_grads


def backward_steps(root: "Tensor", gradient: "Tensor", retain_graph: bool = False, create_graph: bool = False,
                   capture: Optional[dict[int, "Tensor"]] = None) -> Iterator[BackwardStep]:
    """The backward pass as it runs, one step per tensor in reverse topological order.

    Leaves (and tensors that called `retain_grad`) accumulate into `.grad`; hooks run on the complete
    gradient before it is stored or passed on. With `capture` (tensor id → None), the gradients of those
    tensors are stored there instead and no `.grad` changes. `backward()` and `inspect.steps` consume this.
    """
    order = _topological_order(root)
    grads: dict[int, Tensor] = {id(root): gradient}
    with _set_grad_enabled(create_graph):
        for t in order:
            g = grads.pop(id(t), None)
            if g is None:
                continue
            for hook in t._hooks:
                replaced = hook(g)
                if replaced is not None:
                    g = replaced
            if capture is not None:
                if id(t) in capture:
                    capture[id(t)] = g
            elif t._ctx is None or t._retains_grad:
                t.grad = g if t.grad is None else t.grad + g
                if not create_graph:
                    t.grad = t.grad.detach()
            fn = t._ctx
            if fn is None:
                yield BackwardStep(t, None, g, ())
                continue
            if fn.freed:
                raise RuntimeError(
                    f"backward: the graph through {fn.name} (output shape {t.shape}) was already freed by an "
                    "earlier backward(); call the first backward(retain_graph=True) to backpropagate twice")
            input_grads = _call_backward(fn, g)
            for parent, pg in zip(fn.inputs, input_grads):
                if pg is None or not parent.requires_grad:
                    continue
                prev = grads.get(id(parent))
                grads[id(parent)] = pg if prev is None else prev + pg
            if not retain_graph:
                fn.saved = ()
                fn.freed = True
            yield BackwardStep(t, fn, g, input_grads)


def _call_backward(fn: Function, g: "Tensor") -> tuple[Optional["Tensor"], ...]:
    """Run one Function's backward and sum each gradient back to its input's shape (broadcasting's
    adjoint, done here once for every op)."""
    raw = fn.backward(g)
    if not isinstance(raw, tuple):
        raw = (raw,)
    if len(raw) != len(fn.inputs):
        raise RuntimeError(f"{fn.name}.backward returned {len(raw)} gradients for {len(fn.inputs)} inputs")
    out = []
    for inp, needs, pg in zip(fn.inputs, fn.needs_input_grad, raw):
        if pg is None or not needs:
            out.append(None)
            continue
        have, want = pg.data, inp.data
        if have.shape != want.shape:
            pg = _sum_to(pg, want.shape)
        if have.dtype is not want.dtype and have.dtype != want.dtype and want.dtype != object and have.dtype != object:
            pg = pg.to(want.dtype)
        out.append(pg)
    return tuple(out)


def _sum_to(g: "Tensor", shape: tuple[int, ...]) -> "Tensor":
    from .ops.movement import sum_to

    return sum_to(g, shape)


def run_backward(root: "Tensor", gradient: "Tensor", retain_graph: bool, create_graph: bool) -> None:
    for _ in backward_steps(root, gradient, retain_graph, create_graph):
        pass


def grad(outputs: "Tensor", inputs: Sequence["Tensor"], grad_outputs: Optional["Tensor"] = None,
         retain_graph: Optional[bool] = None, create_graph: bool = False) -> tuple["Tensor", ...]:
    """d outputs / d inputs, returned without touching any `.grad` (as torch.autograd.grad)."""
    from .tensor import Tensor

    if grad_outputs is None:
        if outputs.numel() != 1:
            raise RuntimeError(f"grad: grad_outputs can be omitted only for a scalar output, got shape {outputs.shape}")
        grad_outputs = Tensor._make(np.ones_like(outputs.data), False)
    if not outputs.requires_grad:
        raise RuntimeError(f"grad: output of shape {outputs.shape} does not require grad")
    capture: dict[int, Optional[Tensor]] = {id(t): None for t in inputs}
    keep = create_graph if retain_graph is None else retain_graph
    for _ in backward_steps(outputs, grad_outputs, keep, create_graph, capture):
        pass
    result = tuple(capture[id(t)] for t in inputs)
    missing = [i for i, r in enumerate(result) if r is None]
    if missing:
        raise RuntimeError(f"grad: input {missing[0]} (shape {inputs[missing[0]].shape}) is not used by the output")
    return result  # type: ignore[return-value]
