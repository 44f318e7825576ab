"""Reverse-mode automatic differentiation: Function (one op application, a node of the graph),
grad mode, and the iterative graph walk that backward runs.

A Function's `forward` works on arrays; its `backward` works on Tensors with differentiable ops,
so the backward pass can itself be recorded (`create_graph=True`) and runs unchanged on SymPy values.
"""
from __future__ import annotations

import functools
import itertools
import threading
import weakref
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Callable, Iterator, Optional, Sequence

import numpy as np

from .call_sites import _user_site, is_engine_file, is_example_file, user_site  # noqa: F401 (re-exported)
from .backend import quiet_off, quiet_on

if TYPE_CHECKING:
    from .tensor import Tensor


class _GradMode(threading.local):
    enabled = True


class _ModuleScope(threading.local):
    """The nn.Module calls (and composite functional calls) now running, outermost first, as (qualified name,
    class name) pairs, and a process-wide number for each call (two calls of one module differ there)."""

    current: tuple[tuple[str, str], ...] = ()
    calls: tuple[int, ...] = ()


class _AnomalyMode(threading.local):
    depth = 0


_grad_mode = _GradMode()
_module_scope = _ModuleScope()
_anomaly_mode = _AnomalyMode()
_accumulate_lock = threading.Lock()


def anomaly_mode_enabled() -> bool:
    """True inside inspect.detect_anomaly(): in-place changes then remember the user line that made them."""
    return _anomaly_mode.depth > 0


@contextmanager
def anomaly_mode() -> Iterator[None]:
    _anomaly_mode.depth += 1
    try:
        yield
    finally:
        _anomaly_mode.depth -= 1


_call_numbers = itertools.count(1)
COMPOSITE = "composite:"
#: rule texts of the functional compositions (name → (unicode, latex)), for readers that draw one as one node
composite_rules: dict[str, tuple[str, str]] = {}


@contextmanager
def module_scope(name: str, kind: str) -> Iterator[None]:
    """Ops recorded inside carry this module in `fn.scope` and this call's number in `fn.scope_calls`
    (viz draws one cluster per module call)."""
    previous = enter_scope((name, kind))
    try:
        yield
    finally:
        exit_scope(previous)


def enter_scope(entry: tuple[str, str]) -> tuple:
    """module_scope's entry without a context manager (Module.__call__ and @composite run it for every call):
    push (name, kind) with a new call number; returns what exit_scope(previous) restores."""
    scope = _module_scope
    previous = (scope.current, scope.calls)
    scope.current = previous[0] + (entry,)
    scope.calls = previous[1] + (next(_call_numbers),)
    return previous


def exit_scope(previous: tuple) -> None:
    _module_scope.current, _module_scope.calls = previous


def composite(name: str, rule_unicode: str, rule_latex: str) -> Callable[[Callable], Callable]:
    """Mark a functional composition (cross_entropy, linear, batch_norm, ...): the primitives one call records
    carry the scope (name, "composite:" + name), so readers can draw and step the call as one node with the
    composite's own rule (e.g. δ = softmax(u) − y) and expand it into its primitives on demand."""
    composite_rules[name] = (rule_unicode, rule_latex)

    entry = (name, COMPOSITE + name)

    def decorate(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def recorded(*args: Any, **kwargs: Any) -> Any:
            if not _grad_mode.enabled:
                return fn(*args, **kwargs)
            previous = enter_scope(entry)
            try:
                return fn(*args, **kwargs)
            finally:
                exit_scope(previous)

        return recorded

    return decorate


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


class set_grad_enabled(_GradModeContext):
    """`set_grad_enabled(mode)`: a context (or a decorator) with recording on or off, as PyTorch's."""

    def __init__(self, mode: bool) -> None:
        self.enabled = bool(mode)

    def __call__(self, fn: Callable) -> Callable:
        mode = self.enabled

        def wrapped(*args: Any, **kwargs: Any) -> Any:
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)

        wrapped.__name__ = getattr(fn, "__name__", "wrapped")
        return wrapped


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


def _leaf_checksum(k: int, a: np.ndarray) -> tuple:
    """((k, fingerprint),) for a writeable leaf's array `a` (input k); () for an object array (none needed)."""
    return () if a.dtype.hasobject else ((k, _fingerprint(a)),)


def _leaf_checksums(inputs: tuple) -> Optional[tuple]:
    """(input index, fingerprint) of the writeable leaves among `inputs`, or None when there is none."""
    checksums = None
    for k, t in enumerate(inputs):
        if t._ctx is None and t.data.flags.writeable:
            checksums = (checksums or ()) + _leaf_checksum(k, t.data)
    return checksums or None


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
_SMALL = 64
_WORD = np.dtype(np.uint64)
_add_reduce = np.add.reduce  # a uint64 sum stays uint64 (wrapping), so every entry counts


def _checksum(a: np.ndarray) -> Any:
    """A fingerprint of a leaf's values when an op records it, so that a write straight into `leaf.data`
    (which no version counter sees) is caught at backward. Small arrays are copied, larger ones summed as
    unsigned words (one pass; any change of one entry changes the sum). Read-only arrays (the constants an
    operator makes of Python numbers, broadcast views) cannot be written through and need none."""
    if a.dtype == object or not a.flags.writeable:
        return None
    return _fingerprint(a)


def _fingerprint(a: np.ndarray) -> Any:
    """_checksum of an array known to be writeable and numeric."""
    n = a.nbytes
    if n <= _SMALL:
        return a.tobytes()
    if not n & 7 and a.flags.c_contiguous:  # a parameter's array: its words summed in place, no copy, no tail
        return int(_add_reduce(a.reshape(-1).view(_WORD)))
    flat = np.ascontiguousarray(a).reshape(-1).view(np.uint8)
    words = flat[: flat.size - flat.size % 8].view(np.uint64)
    return int(words.sum(dtype=np.uint64)) ^ hash(flat[flat.size - flat.size % 8:].tobytes())


def _recorded_version(fn: Function, k: int) -> int:
    return 0 if fn.input_versions is None else fn.input_versions[k]


def _check_unchanged(fn: Function) -> None:
    """Backward of `fn` would read its inputs' current values: they must be the ones it recorded."""
    inputs, versions = fn.inputs, fn.input_versions
    unchanged = True
    if versions is None:  # the common case, a plain loop: this runs once per node
        for t, a in zip(inputs, fn.input_arrays):
            if t.data is not a or t._version:
                unchanged = False
                break
    else:
        for t, a, v in zip(inputs, fn.input_arrays, versions):
            if t.data is not a or t._version != v:
                unchanged = False
                break
    if unchanged and fn.input_checksums:
        for k, c in fn.input_checksums:
            if _checksum(inputs[k].data) != c:
                unchanged = False
                break
    if unchanged:
        return
    written = {k for k, c in (fn.input_checksums or ()) if _checksum(inputs[k].data) != c}
    for k, (t, array) in enumerate(zip(inputs, fn.input_arrays)):
        before = _recorded_version(fn, k)
        if t._version != before:
            how = f"it was modified by an in-place operation (version {before} → {t._version})"
        elif t.data is not array:
            how = "its .data was replaced by another array"
        elif k in written:
            how = "its values were written directly through .data"
        else:
            continue
        where = f" at {fn.site[0]}:{fn.site[1]}" if fn.site else ""
        modified = f"; modified at {t._modified_at[0]}:{t._modified_at[1]}" if t._modified_at else (
            "; run under tg.inspect.detect_anomaly() to see the line that modified it" if t._version != before else "")
        raise RuntimeError(
            f"backward: input {k} of {fn.name} (shape {t.shape}), recorded{where}, is needed for the gradient but "
            f"{how} after {fn.name} recorded it{modified}. Change it only after backward(), or on a copy "
            "(x = x + 1 instead of x += 1)")


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
    """Tensors that lead to `root` and require grad, each after every tensor it feeds (iterative DFS; a None on
    the stack above a tensor marks it expanded: it is emitted once everything pushed after it is done)."""
    order: list[Tensor] = []
    visited: set[int] = set()
    stack: list[Any] = [root]
    pop, push, emit, visit = stack.pop, stack.append, order.append, visited.add
    while stack:
        t = pop()
        if t is None:
            emit(pop())
            continue
        if id(t) in visited:
            continue
        visit(id(t))
        fn = t._ctx
        if fn is None:
            emit(t)
            continue
        push(t)
        push(None)
        for parent in fn.inputs:
            if parent.requires_grad and id(parent) not in visited:
                push(parent)
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
    return _walk(root, gradient, retain_graph, create_graph, capture, True)


def _walk(root: "Tensor", gradient: "Tensor", retain_graph: bool, create_graph: bool,
          capture: Optional[dict[int, "Tensor"]], steps: bool) -> Iterator[BackwardStep]:
    """backward_steps' loop; with steps=False (backward()) it yields nothing and builds no BackwardStep."""
    order = _topological_order(root)
    grads: dict[int, Tensor] = {id(root): gradient}
    pop, get = grads.pop, grads.get
    with _set_grad_enabled(create_graph):
        for t in order:
            g = pop(id(t), None)
            if g is None:
                continue
            if t._hooks:
                for hook in t._hooks:
                    replaced = hook(g)
                    if replaced is not None:
                        g = replaced
            fn = t._ctx
            if capture is not None:
                if id(t) in capture:
                    capture[id(t)] = g
            elif fn is None or t._retains_grad:
                with _accumulate_lock:  # concurrent backward() calls into one leaf lose no contribution
                    total = g if t.grad is None else t.grad + g
                    t.grad = total if create_graph else total.detach()
            if fn is None:
                if steps:
                    yield BackwardStep(t, None, g, ())
                continue
            if fn.freed:
                raise RuntimeError(
                    f"backward: the graph through {fn.name} (output shape {t.shape}) was already freed by an "
                    "earlier backward(); call the first backward(retain_graph=True) to backpropagate twice")
            _check_unchanged(fn)
            input_grads = _call_backward(fn, g)
            for parent, pg in zip(fn.inputs, input_grads):
                if pg is None or not parent.requires_grad:
                    continue
                key = id(parent)
                prev = get(key)
                if prev is not None:  # a tensor read twice: its gradients add up (a graph of the sum only if asked)
                    pg = prev + pg if create_graph else _added(prev, pg)
                grads[key] = pg
            if not retain_graph:
                fn.saved = ()
                fn.input_arrays = fn.input_checksums = ()
                fn.freed = True
            if steps:
                yield BackwardStep(t, fn, g, input_grads)


def _added(a: "Tensor", b: "Tensor") -> "Tensor":
    """a + b for gradient accumulation without create_graph: one NumPy add into a new array (never in place: a
    backward may hand the same array to two inputs), silent about ∞ − ∞ as Add is; 2 µs less than Add.apply."""
    token = quiet_on()
    try:
        return _Tensor._make(np.add(a.data, b.data), False)
    finally:
        quiet_off(token)


def _call_backward(fn: Function, g: "Tensor") -> tuple[Optional["Tensor"], ...]:
    """Run one Function's backward and sum each gradient back to its input's shape (broadcasting's
    adjoint, done here once for every op)."""
    raw = fn.backward(g)
    if not isinstance(raw, tuple):
        raw = (raw,)
    if len(raw) != len(fn.inputs):
        raise RuntimeError(f"{fn.name}.backward returned {len(raw)} gradients for {len(fn.inputs)} inputs")
    out = []
    for inp, needs, pg in zip(fn.inputs, fn._engine_needs if fn._tensor_style else fn.needs_input_grad, raw):
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
    global _sum_to_op
    if _sum_to_op is None:  # imported once (ops import this module), not on every broadcast gradient
        from .ops.movement import sum_to as _sum_to_op
    return _sum_to_op(g, shape)


_sum_to_op: Optional[Callable] = None


def run_backward(root: "Tensor", gradient: "Tensor", retain_graph: bool, create_graph: bool) -> None:
    for _ in _walk(root, gradient, retain_graph, create_graph, None, False):
        pass


def __getattr__(name: str) -> Any:
    """torch.autograd's checking functions, which live with the other readers of the graph in inspect."""
    if name in ("gradcheck", "gradgradcheck"):
        import importlib

        return getattr(importlib.import_module(".inspect.gradcheck", __package__), name)
    raise AttributeError(f"module 'tinygrad_edu.autograd' has no attribute {name!r}")


def grad(outputs: Any, inputs: Any, grad_outputs: Any = None, retain_graph: Optional[bool] = None,
         create_graph: bool = False, allow_unused: bool = False) -> tuple[Optional["Tensor"], ...]:
    """d outputs / d inputs, returned without touching any `.grad` (as torch.autograd.grad). Several
    outputs backpropagate together, each with its grad_output."""
    outs = [outputs] if isinstance(outputs, _Tensor) else list(outputs)
    ins = [inputs] if isinstance(inputs, _Tensor) else list(inputs)
    if grad_outputs is None or isinstance(grad_outputs, (_Tensor, np.ndarray)):
        grad_outs = [grad_outputs] * len(outs) if len(outs) == 1 else [None] * len(outs)
        if grad_outputs is not None and len(outs) > 1:
            raise RuntimeError(f"grad: {len(outs)} outputs need a sequence of {len(outs)} grad_outputs")
    else:
        grad_outs = list(grad_outputs)
    if len(grad_outs) != len(outs):
        raise RuntimeError(f"grad: got {len(grad_outs)} grad_outputs for {len(outs)} outputs")
    for k, o in enumerate(outs):
        if not o.requires_grad:
            raise RuntimeError(f"grad: output {k} of shape {o.shape} does not require grad and has no grad_fn")
    seeds = []
    for o, go in zip(outs, grad_outs):
        if go is None:
            if o.numel() != 1:
                raise RuntimeError(f"grad: grad_outputs can be omitted only for a scalar output, got shape {o.shape}")
            go = _Tensor._make(np.ones_like(o.data), False)
        elif not isinstance(go, _Tensor):
            go = _Tensor(go, dtype=o.dtype)
        if go.shape != o.shape:
            raise RuntimeError(f"grad: grad_output of shape {go.shape} for an output of shape {o.shape}")
        seeds.append(go)
    if len(outs) == 1:
        root, seed = outs[0], seeds[0]
    else:
        with _set_grad_enabled(True):
            terms = [(o * go).sum() for o, go in zip(outs, seeds)]
            root = terms[0]
            for term in terms[1:]:
                root = root + term
        seed = _Tensor._make(np.ones_like(root.data), False)
    capture: dict[int, Optional[Tensor]] = {id(t): None for t in ins}
    keep = create_graph if retain_graph is None else retain_graph
    for _ in backward_steps(root, seed, keep, create_graph, capture):
        pass
    result = tuple(capture[id(t)] for t in ins)
    missing = [i for i, r in enumerate(result) if r is None]
    if missing and not allow_unused:
        raise RuntimeError(f"grad: input {missing[0]} (shape {ins[missing[0]].shape}) is not used by the output "
                           "(pass allow_unused=True to get None for it)")
    return result
