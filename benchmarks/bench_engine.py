"""Engine benchmarks for the foundation issue, each as a ratio measured in the same run.

1. Tensor level: an MLP 784→256→10 (ReLU, cross-entropy), forward + backward + SGD update on a batch of
   128, ours vs PyTorch CPU with the same thread count.
2. Scalar level: an MLP 2→16→16→1 on 100 points built from 0-d tensors, µs per graph node, ours vs
   micrograd doing the same work (same graph, node for node).
3. A long chain y = y·1.0 of 0-d tensors (50,000 ops): forward and backward µs per op (CPU time, the graph freed
   outside the clock), ours vs PyTorch and micrograd. The cyclic GC walks every live node again at each full
   collection, so this row also measures how few GC-tracked objects a node leaves (tests/test_graph_memory.py).

Run: python benchmarks/bench_engine.py [--threads N] [--only tensor_mlp|scalar_mlp|chain]   (default 1 thread)
"""
from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _threads import pin_threads  # noqa: E402

THREADS = pin_threads()

import numpy as np  # noqa: E402

import tinygrad_edu as tg  # noqa: E402
import tinygrad_edu.functional as F  # noqa: E402


def best_of(fn, repeat: int = 7, number: int = 5) -> float:
    """Best mean seconds per call over `repeat` rounds of `number` calls (the least-disturbed round)."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - start) / number)
    return min(times)


def mlp_ours(x: np.ndarray, y: np.ndarray, params: list[np.ndarray]):
    w1, b1, w2, b2 = (tg.Tensor(p.copy(), requires_grad=True) for p in params)
    xt = tg.Tensor(x)

    def step() -> None:
        loss = F.cross_entropy(F.linear(F.relu(F.linear(xt, w1, b1)), w2, b2), y)
        for p in (w1, b1, w2, b2):
            p.grad = None
        loss.backward()
        for p in (w1, b1, w2, b2):
            p.data -= 0.01 * p.grad.data

    return step


def mlp_torch(torch, x: np.ndarray, y: np.ndarray, params: list[np.ndarray]):
    w1, b1, w2, b2 = (torch.tensor(p.copy(), requires_grad=True) for p in params)
    xt, yt = torch.tensor(x), torch.tensor(y)

    def step() -> None:
        loss = torch.nn.functional.cross_entropy(
            torch.nn.functional.linear(torch.relu(torch.nn.functional.linear(xt, w1, b1)), w2, b2), yt)
        for p in (w1, b1, w2, b2):
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in (w1, b1, w2, b2):
                p -= 0.01 * p.grad

    return step


def tensor_mlp() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((128, 784)).astype(np.float32)
    y = rng.integers(0, 10, 128)
    params = [(rng.standard_normal(s) * 0.05).astype(np.float32) for s in [(256, 784), (256,), (10, 256), (10,)]]
    ours = best_of(mlp_ours(x, y, params), repeat=9, number=20)
    print(f"MLP 784→256→10, batch 128, fwd+bwd+SGD, {THREADS} thread(s), float32")
    print(f"  tinygrad_edu {ours * 1e3:8.3f} ms")
    try:
        import torch
    except ImportError:
        print("  (PyTorch not installed: pip install torch==2.13.0 for the ratio)")
        return
    torch.set_num_threads(THREADS)
    theirs = best_of(mlp_torch(torch, x, y, params), repeat=9, number=20)
    print(f"  PyTorch      {theirs * 1e3:8.3f} ms")
    print(f"  ratio ours/PyTorch = {ours / theirs:.2f}×")


def scalar_mlp_graph(value, relu, points, targets, weights):
    """Loss of a 2→16→16→1 MLP (micrograd's Neuron/Layer structure) over all points, from scalars only."""
    layers = [[([value(w) for w in row[:-1]], value(row[-1])) for row in layer] for layer in weights]
    total = None
    for point, target in zip(points, targets):
        h = [value(float(v)) for v in point]
        for depth, layer in enumerate(layers):
            outs = []
            for ws, b in layer:
                act = sum((w * v for w, v in zip(ws, h)), b)
                outs.append(relu(act) if depth < len(layers) - 1 else act)
            h = outs
        err = (h[0] - float(target)) * (h[0] - float(target))
        total = err if total is None else total + err
    return total, [w for layer in layers for ws, b in layer for w in ws + [b]]


def count_nodes(root, children) -> int:
    seen, stack = set(), [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.extend(children(node))
    return len(seen)


def scalar_mlp() -> None:
    rng = np.random.default_rng(0)
    points, targets = rng.standard_normal((100, 2)), rng.standard_normal(100)
    sizes = [2, 16, 16, 1]
    weights = [rng.uniform(-1, 1, (n_out, n_in + 1)).tolist() for n_in, n_out in zip(sizes[:-1], sizes[1:])]

    def ours_value(v: float):
        return tg.Tensor(np.array(v), requires_grad=True)

    def ours_step():
        loss, _ = scalar_mlp_graph(ours_value, lambda t: t.relu(), points, targets, weights)
        loss.backward()
        return loss

    loss = ours_step()
    nodes = count_nodes(loss, lambda t: t._ctx.inputs if t._ctx is not None else ())
    ours = best_of(ours_step, repeat=3, number=1)
    print("Scalar MLP 2→16→16→1 on 100 points, forward + backward from 0-d tensors")
    print(f"  tinygrad_edu {nodes} nodes, {ours * 1e3:7.1f} ms, {ours / nodes * 1e6:5.2f} µs/node")
    try:
        from micrograd.engine import Value
    except ImportError:
        print("  (micrograd not installed: pip install micrograd for the ratio)")
        return

    def micro_step():
        loss, _ = scalar_mlp_graph(Value, lambda v: v.relu(), points, targets, weights)
        loss.backward()
        return loss

    loss_m = micro_step()
    nodes_m = count_nodes(loss_m, lambda v: v._prev)
    theirs = best_of(micro_step, repeat=3, number=1)
    print(f"  micrograd    {nodes_m} nodes, {theirs * 1e3:7.1f} ms, {theirs / nodes_m * 1e6:5.2f} µs/node")
    print(f"  ratio ours/micrograd per node = {(ours / nodes) / (theirs / nodes_m):.2f}×")
    np.testing.assert_allclose(float(loss.item()), loss_m.data, rtol=1e-9)


def chain_times(build: Callable[[], Any], backward: Callable[[Any], None], repeat: int = 3) -> tuple[float, float]:
    """Best CPU seconds of build() and of backward(result) over `repeat` rounds (freeing the graph not timed)."""
    forward_best = backward_best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        y = build()
        middle = time.process_time()
        backward(y)
        end = time.process_time()
        del y
        forward_best, backward_best = min(forward_best, middle - start), min(backward_best, end - middle)
    return forward_best, backward_best


def chain(length: int = 50_000) -> None:
    def ours() -> Any:
        y = tg.Tensor(1.0, requires_grad=True)
        for _ in range(length):
            y = y * 1.0
        return y

    rows = [("tinygrad_edu", chain_times(ours, lambda y: y.backward()))]
    try:
        import torch

        torch.set_num_threads(THREADS)

        def theirs() -> Any:
            y = torch.tensor(1.0, requires_grad=True)
            for _ in range(length):
                y = y * 1.0
            return y

        rows.append(("PyTorch", chain_times(theirs, lambda y: y.backward())))
    except ImportError:
        pass
    try:
        from micrograd.engine import Value

        def micro() -> Any:
            y = Value(1.0)
            for _ in range(length):
                y = y * 1.0
            return y

        sys.setrecursionlimit(max(sys.getrecursionlimit(), 4 * length))  # micrograd's topological sort recurses
        rows.append(("micrograd", chain_times(micro, lambda y: y.backward())))
    except ImportError:
        pass
    print(f"Long chain y = y·1.0 of 0-d tensors, {length:,} ops, CPU time per op (forward, backward)")
    for name, (forward, backward) in rows:
        print(f"  {name:12s} forward {forward / length * 1e6:6.2f} µs/op   backward {backward / length * 1e6:6.2f} µs/op")
    ours_f, ours_b = rows[0][1]
    for name, (forward, backward) in rows[1:]:
        print(f"  ratio ours/{name}: forward {ours_f / forward:.2f}×, backward {ours_b / backward:.2f}×")


if __name__ == "__main__":
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else ""
    for bench in (tensor_mlp, scalar_mlp, chain):
        if only in bench.__name__:
            bench()
