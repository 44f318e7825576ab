"""Reading the graph: iterative walk (a chain far deeper than Python's recursion limit), roles, gradients
read without touching .grad, and paths."""
import sys

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu.viz import draw
from tinygrad_edu.viz.graph_walk import gradients, path_nodes, walk

from .svgtools import tiny_graph


def test_a_chain_deeper_than_the_recursion_limit_is_walked_and_drawn():
    x = tg.Tensor([1.0], requires_grad=True)
    y = x
    depth = 3 * sys.getrecursionlimit()
    for _ in range(depth):
        y = y * 1.0
    graph = walk(y)
    assert len(graph.functions) == depth and len(graph.tensors) == 2 * depth + 1
    assert draw(y, collapse=False).node_count == 3 * depth + 1


def test_walk_is_topological_and_knows_consumers():
    y, a, b, c = tiny_graph()
    graph = walk(y)
    position = {id(t): i for i, t in enumerate(graph.tensors)}
    for fn in graph.functions:
        assert all(position[id(t)] < position[id(fn._output())] for t in fn.inputs)
    assert [fn.name for fn in graph.consumers[id(a)]] == ["Mul"]
    assert graph.tensors[-1] is y


def test_gradients_flow_on_every_edge_and_leave_grad_alone():
    y, a, b, c = tiny_graph()
    found = gradients(walk(y))
    np.testing.assert_allclose(found.tensors[id(a)], b.data)
    mul = y._ctx.inputs[0]._ctx.inputs[0]._ctx
    np.testing.assert_allclose(found.edges[(id(mul), 1)], a.data)
    assert a.grad is None and b.grad is None


def test_paths_run_forward_from_a_leaf_to_the_output():
    y, a, b, c = tiny_graph()
    tensors, functions = path_nodes(walk(y), c, y)
    assert len(tensors) == 3 and len(functions) == 2
    assert path_nodes(walk(y), y, a) == (set(), set())
