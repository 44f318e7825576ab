"""Read the graph that produced a tensor (iteratively, no recursion): its tensors and Function nodes in
topological order, each tensor's role, the gradient on every edge, and the nodes on a path."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

import numpy as np

from ..autograd import Function, backward_steps
from ..graph import forward_order
from ..tensor import Tensor


@dataclass
class GraphData:
    """The graph below `root`: tensors and functions, inputs before the nodes that use them."""

    root: Tensor
    tensors: list[Tensor] = field(default_factory=list)
    functions: list[Function] = field(default_factory=list)
    consumers: dict[int, list[Function]] = field(default_factory=dict)

    def producer(self, t: Tensor) -> Optional[Function]:
        return t._ctx

    def is_parameter(self, t: Tensor) -> bool:
        return _is_parameter(t)

    def is_constant(self, t: Tensor) -> bool:
        """An unnamed one-entry leaf that needs no gradient: a number written in the code (`x * 2`)."""
        return t._ctx is None and not t.requires_grad and t.numel() == 1 and not t.name and not _is_parameter(t)


def _is_parameter(t: Tensor) -> bool:
    from ..nn.parameter import Parameter

    return isinstance(t, Parameter)


def walk(root: Tensor) -> GraphData:
    """Every tensor and Function that `root` depends on, in topological order (iterative DFS)."""
    if not isinstance(root, Tensor):
        raise TypeError(f"viz: expected a Tensor, got {type(root).__name__}")
    graph = GraphData(root, tensors=forward_order(root))
    graph.functions = [t._ctx for t in graph.tensors if t._ctx is not None]
    for fn in graph.functions:
        for parent in fn.inputs:
            users = graph.consumers.setdefault(id(parent), [])
            if not users or users[-1] is not fn:
                users.append(fn)
    return graph


@dataclass
class Gradients:
    """Gradients read off the graph: per tensor, and per edge (Function id, input index) → what flowed."""

    tensors: dict[int, np.ndarray] = field(default_factory=dict)
    edges: dict[tuple[int, int], np.ndarray] = field(default_factory=dict)
    outputs: dict[int, np.ndarray] = field(default_factory=dict)


def gradients(graph: GraphData) -> Gradients:
    """d root / d every tensor, by one extra backward that writes no `.grad` (if the graph still has
    its saved values); otherwise only the `.grad` the tensors already hold."""
    found = Gradients()
    alive = graph.root.requires_grad and not any(fn.freed for fn in graph.functions)
    if alive:
        capture: dict[int, Any] = {id(t): None for t in graph.tensors if t.requires_grad}
        seed = Tensor._make(_ones_like(graph.root.data), False)
        for step in backward_steps(graph.root, seed, retain_graph=True, capture=capture):
            if step.fn is None:
                continue
            found.outputs[id(step.fn)] = step.grad.data
            for i, g in enumerate(step.input_grads):
                if g is not None:
                    found.edges[(id(step.fn), i)] = g.data
        found.tensors = {k: v.data for k, v in capture.items() if v is not None}
    for t in graph.tensors:
        if t.grad is not None:
            found.tensors[id(t)] = t.grad.data
    return found


def _ones_like(data: np.ndarray) -> np.ndarray:
    from .. import backend

    return backend.ones(data.shape, data)


def magnitude(g: Optional[np.ndarray]) -> Optional[float]:
    """‖g‖ as a float, or None for symbolic or missing gradients."""
    if g is None or g.dtype == object:
        return None
    return float(np.sqrt(np.sum(np.square(g, dtype=np.float64))))


def path_nodes(graph: GraphData, start: Tensor, end: Tensor) -> tuple[set[int], set[int]]:
    """(tensor ids, function ids) on some path from `start` forward to `end`; empty if none."""
    ahead_t, ahead_f = _reach(graph, [start], forward=True)
    behind_t, behind_f = _reach(graph, [end], forward=False)
    tensors, functions = ahead_t & behind_t, ahead_f & behind_f
    if id(start) not in tensors or id(end) not in tensors:
        return set(), set()
    return tensors, functions


def _reach(graph: GraphData, seeds: Iterable[Tensor], forward: bool) -> tuple[set[int], set[int]]:
    tensors: set[int] = set()
    functions: set[int] = set()
    stack = list(seeds)
    while stack:
        t = stack.pop()
        if id(t) in tensors:
            continue
        tensors.add(id(t))
        if forward:
            for fn in graph.consumers.get(id(t), ()):
                functions.add(id(fn))
                out = fn._output()
                if out is not None:
                    stack.append(out)
        elif t._ctx is not None:
            functions.add(id(t._ctx))
            stack.extend(t._ctx.inputs)
    return tensors, functions
