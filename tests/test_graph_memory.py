"""What a recorded graph costs the Python heap (autograd.Function.apply, Tensor._make): a graph holds no reference
cycle, so reference counting alone frees it (no wait for the cyclic GC), and each node leaves few objects for the
cyclic GC to walk again and again while the graph lives (the scalar-graph speed depends on it)."""
import gc
import weakref
from contextlib import contextmanager

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.autograd import Function


@contextmanager
def gc_off():
    """The cyclic GC stopped: what is freed inside is freed by reference counting alone."""
    was = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class Square(Function):
    """A PyTorch-style user op that saves its output for backward."""

    @staticmethod
    def forward(ctx, x):
        out = x * x
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        return g * 2 * x + 0 * out


def scalar_net(x: tg.Tensor, w: list) -> tg.Tensor:
    """Scalar ops of every kind the engine records: constants, leaves used twice, ops that read their output."""
    y = x
    for k, wk in enumerate(w):
        y = (wk * y + 0.5).relu() + (y * 2.0).tanh() * wk - y.sigmoid() / 3.0 + y.exp() * 1e-3
        y = y - (y ** 2) * 0.01 if k % 2 else y + Square.apply(y) * 0.01
    return y


def small_cnn(x: tg.Tensor, conv: tg.Tensor, lin: tg.Tensor) -> tg.Tensor:
    h = F.max_pool2d(F.relu(F.conv2d(x, conv, padding=1)), 2)
    return F.cross_entropy(F.linear(h.flatten(1), lin), np.array([1, 0]))


def graph_refs(root: tg.Tensor) -> list:
    """Weak references to every tensor and Function of root's graph."""
    refs, stack, seen = [], [root], set()
    while stack:
        t = stack.pop()
        if id(t) in seen:
            continue
        seen.add(id(t))
        refs.append(weakref.ref(t))
        if t._ctx is not None:
            refs.append(weakref.ref(t._ctx))
            stack.extend(t._ctx.inputs)
    return refs


@pytest.mark.parametrize("then", ["nothing", "backward", "backward(retain_graph=True)", "create_graph"])
def test_a_scalar_graph_is_freed_by_reference_counting_alone(then):
    with gc_off():
        x = tg.Tensor(0.3, requires_grad=True)
        w = [tg.Tensor(np.array(0.1 * k, np.float32), requires_grad=True) for k in range(1, 6)]
        root = scalar_net(x, w)
        if then == "backward":
            root.backward()
        elif then == "backward(retain_graph=True)":
            root.backward(retain_graph=True)
        elif then == "create_graph":
            (g,) = tg.autograd.grad(root, [x], create_graph=True)
            root = root + g  # the gradient's own graph joins the graph to free
        refs = graph_refs(root)
        leaves = {id(x)} | {id(t) for t in w}
        assert len(refs) > 100
        del root
        if then == "create_graph":
            del g
        alive = [r() for r in refs if r() is not None and id(r()) not in leaves]
        assert alive == [], f"{len(alive)} of {len(refs)} graph objects outlive the graph, e.g. {alive[:3]}"


def test_a_cnn_graph_is_freed_by_reference_counting_alone():
    rng = np.random.default_rng(0)
    with gc_off():
        x = tg.Tensor(rng.standard_normal((2, 1, 6, 6)).astype(np.float32))
        conv = tg.Tensor(rng.standard_normal((3, 1, 3, 3)).astype(np.float32), requires_grad=True)
        lin = tg.Tensor(rng.standard_normal((2, 27)).astype(np.float32), requires_grad=True)
        loss = small_cnn(x, conv, lin)
        refs = [r for r in graph_refs(loss) if all(r() is not t for t in (x, conv, lin))]
        loss.backward()
        del loss
        assert [r() for r in refs if r() is not None] == []


def test_a_long_chain_is_freed_without_the_gc_and_without_recursion():
    with gc_off():
        y = tg.Tensor(1.0, requires_grad=True)
        first = y = y * 1.0
        last_fn = weakref.ref(first._ctx)
        for _ in range(100_000):
            y = y * 1.0
        del first
        y.backward()
        del y
        assert last_fn() is None


def tracked_and_allocated_per_op(build, ops: int) -> tuple[float, float]:
    """(objects the cyclic GC tracks, GC-allocated objects) per recorded op while the graph lives."""
    with gc_off():
        gc.collect()
        before = len(gc.get_objects())
        gc.collect()  # resets the allocation count
        keep = build()
        allocated = gc.get_count()[0]
        gc.collect()
        gc.collect()  # tuples holding only untracked objects (arrays, numbers, strings) are untracked now
        tracked = len(gc.get_objects()) - before
        del keep
    return tracked / ops, allocated / ops


def test_each_recorded_op_leaves_at_most_five_objects_for_the_gc_to_track():
    """y = y·1.0 records a constant tensor, the output tensor, the Function, its inputs tuple and the weak
    reference to its output: five tracked objects, seven GC objects in all (with the input arrays' tuple and the
    attrs dict, which the GC does not track). The scalar MLP's cost is mostly the GC walking these."""
    n = 2000

    def chain():
        y = tg.Tensor(1.0, requires_grad=True)
        for _ in range(n):
            y = y * 1.0
        return y

    tracked, allocated = tracked_and_allocated_per_op(chain, n)
    assert tracked <= 5.01
    assert allocated <= 7.02

    w = [tg.Tensor(np.array(0.5), requires_grad=True) for _ in range(n // 2)]

    def leaves_and_unary_ops():
        y = tg.Tensor(np.array(1.0))
        for wk in w:
            y = (wk * y).relu()
        return y

    tracked, allocated = tracked_and_allocated_per_op(leaves_and_unary_ops, n)
    assert tracked <= 4.01  # no constant here; the leaves' fingerprints are untracked tuples
    assert allocated <= 7.02


def test_no_hook_list_until_a_hook_is_registered():
    """Every tensor starts with no hook list of its own (one object fewer per node); register_hook makes one."""
    x = tg.Tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    assert type(x._hooks) is tuple and type(y._hooks) is tuple
    seen = []
    remove = y.register_hook(lambda g: seen.append(g.data.tolist()))
    assert type(y._hooks) is list
    y.sum().backward(retain_graph=True)
    remove()
    (y * 1).sum().backward()
    assert seen == [[1.0, 1.0]] and y._hooks == []


def test_python_number_constants_share_one_read_only_array_but_stay_separate_nodes():
    x = tg.Tensor([1.0, 2.0], requires_grad=True)
    a, b = x * 3.0, x * 3
    ca, cb = a._ctx.inputs[1], b._ctx.inputs[1]
    assert ca is not cb and ca.data is cb.data and not ca.data.flags.writeable
    assert ca.data.dtype == np.float32 and float(ca.data) == 3.0
    zero, minus_zero = x * 0.0, x * -0.0
    assert np.signbit(minus_zero._ctx.inputs[1].data) and not np.signbit(zero._ctx.inputs[1].data)
    with tg.no_grad():
        cb.add_(1)  # a constant changed through the graph changes only itself
    assert float(ca.data) == 3.0 and float(cb.data) == 4.0
    x64 = tg.Tensor([1.0], dtype=np.float64, requires_grad=True)
    assert (x64 * 3.0)._ctx.inputs[1].dtype == np.float64
    assert (tg.tensor([1, 2]) * 3)._ctx is None and (tg.tensor([1, 2]) * 3).dtype == np.int64


def test_the_site_cache_gives_each_line_its_own_site():
    x = tg.Tensor(1.0, requires_grad=True)
    sites = []
    for _ in range(2):
        a = x * 2.0
        b = x * 2.0  # same code, another line
        sites += [a._ctx.site, b._ctx.site]
    assert sites[0] == sites[2] and sites[1] == sites[3]
    assert sites[1][1] == sites[0][1] + 1 and sites[0][0].endswith("test_graph_memory.py")

    def same_line():
        return x * 2.0, x * 3.0

    c, d = same_line()
    assert c._ctx.site == d._ctx.site == (__file__, same_line.__code__.co_firstlineno + 1)


def test_nodes_recorded_after_many_unrecorded_ones_get_no_dict_of_their_own():
    """CPython's per-class table of attribute names takes new names only while few instances exist: an op class first
    used many times under no_grad (an evaluation, an optimiser step) must still record nodes without a dict each."""

    class Twice(Function):
        def forward(ctx, a):
            return a * 2

        def backward(ctx, g):
            return g * 2

    x = tg.Tensor(1.0, requires_grad=True)
    with tg.no_grad():
        for _ in range(100):
            Twice.apply(x)
    for y in (Twice.apply(x), Twice.apply(x * 1.0)):
        referents = gc.get_referents(y._ctx)
        dicts = [r for r in referents if type(r) is dict]
        assert len(dicts) == 1 and dicts[0] is y._ctx.attrs, "the node's attributes moved into a dict of their own"
    y.backward()
    assert x.grad.item() == 2.0
