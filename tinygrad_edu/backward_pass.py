"""The backward pass: the graph's tensors in reverse topological order, each node's backward on its complete
gradient, gradients summed per tensor and stored in `.grad` (backward), handed out as steps (backward_steps, which
the stepper reads) or captured without touching `.grad` (grad, as torch.autograd.grad)."""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Callable, Iterator, Optional

import numpy as np

from .backend import quiet_off, quiet_on
from .grad_mode import _set_grad_enabled
from .saved_inputs import _check_unchanged

if TYPE_CHECKING:
    from .autograd import Function
    from .tensor import Tensor

_Tensor: Any = None  # the Tensor class, bound by tensor.py (which imports this module first)
_accumulate_lock = threading.Lock()  # concurrent backward() calls into one leaf: each adds to the .grad the other left


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
                accumulate_grad(t, g, create_graph)
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


def accumulate_grad(t: "Tensor", g: "Tensor", create_graph: bool) -> None:
    """t.grad += g, as PyTorch's AccumulateGrad. With create_graph the sum is recorded; without, t.grad holds an
    array of its own: a δ that reaches two leaves (Add hands one δ to both inputs), a read-only broadcast view or a
    retained δ is copied, so that an in-place change of one .grad (clip_grad_norm_, p.grad[mask] = 0) never
    changes another. Concurrent backward() calls into one leaf lose no contribution (the lock)."""
    with _accumulate_lock:
        if create_graph:
            t.grad = g if t.grad is None else t.grad + g
        elif t.grad is None:
            t.grad = _Tensor._make(np.array(g.data, copy=True), False)
        else:
            t.grad = _added(t.grad, g)


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
