"""Couplings named by the weight entry they are (viz.edge_weights): checked against the index arithmetic of the
convolution (stride, padding, dilation, groups), its transpose and linear's Wᵀ, and never claimed where the
derivative is no single entry (a bias add, x·x, a scaled weight)."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu import functional as F
from tinygrad_edu.nn.parameter import Parameter
from tinygrad_edu.viz.labels import number
from tinygrad_edu.viz.slice_view import sliced_view

from .test_scalar_slice import edge_labels, element_labels


def _couplings(view):
    """(tail (name, index), head (name, index), weight text, value text) of each edge of a sliced view."""
    nodes = element_labels(view.source)
    return [((nodes[t][0], nodes[t][1]), (nodes[h][0], nodes[h][1]), w, v) for t, h, w, v in edge_labels(view.source)]


@st.composite
def conv_cases(draw):
    stride, padding, dilation = draw(st.integers(1, 3)), draw(st.integers(0, 2)), draw(st.integers(1, 2))
    groups, kernel = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    smallest = max(1, dilation * (kernel - 1) + 1 - 2 * padding)
    size = smallest + draw(st.integers(0, 4))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    return stride, padding, dilation, groups, kernel, size, dtype


@settings(max_examples=12, deadline=None)
@given(conv_cases())
def test_conv2d_couplings_name_the_kernel_entry_of_the_geometry(case):
    stride, padding, dilation, groups, kernel, size, dtype = case
    rng = np.random.default_rng(0)
    per_group = 2
    x = tg.Tensor(rng.normal(size=(1, per_group * groups, size, size)).astype(dtype), requires_grad=True, name="x")
    w = Parameter(rng.normal(size=(2 * groups, per_group, kernel, kernel)).astype(dtype))
    y = F.conv2d(x, w, stride=stride, padding=padding, dilation=dilation, groups=groups)
    y.name = "y"
    out = y.shape[-1]
    o = 2 * groups - 1  # the last output channel: in the last group
    rows = range(max(0, out // 2 - 1), min(out, out // 2 + 1))  # the middle, where outputs read the input
    view = sliced_view(y.sum(), f"y[0, {o}, {rows.start}:{rows.stop}, {rows.start}:{rows.stop}]", names={"w": w},
                       max_elements=200, max_nodes=400)
    reads = [(a, k) for a in rows for k in range(kernel) if 0 <= stride * a - padding + dilation * k < size]
    expected = len(reads) ** 2  # rows × cols of (output, kernel offset) pairs that land inside the input
    seen = 0
    for (source, (_, c, i, j)), (target, (_, o_, a, b)), weight, value in _couplings(view):
        assert (source, target) == ("x", "y")
        g = o_ // 2
        kh, kw = (i + padding - stride * a) / dilation, (j + padding - stride * b) / dilation
        entry = (o_, c - g * per_group, int(kh), int(kw))
        assert kh == int(kh) and kw == int(kw) and 0 <= c - g * per_group < per_group
        assert weight == f"w[{','.join(map(str, entry))}]", (case, source, c, i, j, a, b)
        assert value == number(w.data[entry])
        seen += 1
    assert seen == view.coupling_count == expected * per_group


@settings(max_examples=6, deadline=None)
@given(conv_cases())
def test_conv_transpose2d_couplings_name_the_kernel_entry_of_the_geometry(case):
    stride, padding, dilation, groups, kernel, size, dtype = case
    rng = np.random.default_rng(1)
    x = tg.Tensor(rng.normal(size=(1, 2 * groups, 3, 3)).astype(dtype), requires_grad=True, name="x")
    w = Parameter(rng.normal(size=(2 * groups, 2, kernel, kernel)).astype(dtype))  # (in, out/groups, kh, kw)
    try:
        y = F.conv_transpose2d(x, w, stride=stride, padding=padding, dilation=dilation, groups=groups)
    except ValueError:
        return  # padding eats the whole output: nothing to draw
    y.name = "y"
    view = sliced_view(y.sum(), "y[0, -1, 0:2, 0:2]", names={"w": w}, max_elements=200, max_nodes=400)
    for (_, (_, c, i, j)), (_, (_, o, a, b)), weight, value in _couplings(view):
        g = c // 2
        kh, kw = (a + padding - stride * i) / dilation, (b + padding - stride * j) / dilation
        entry = (c, o - g * 2, int(kh), int(kw))
        assert kh == int(kh) and kw == int(kw) and weight == f"w[{','.join(map(str, entry))}]"
        assert value == number(w.data[entry])
    rows = range(min(2, y.shape[-1]))
    reads = [(a, i, k) for a in rows for i in range(3) for k in range(kernel)
             if a + padding == stride * i + dilation * k]
    assert view.coupling_count == len(reads) ** 2 * 2, "every input channel of the last output's group, each offset"


def test_linear_names_the_weight_through_its_transpose_and_lecture_notation_calls_it_w1():
    tg.manual_seed(0)
    layer = tg.nn.Linear(5, 3)
    x = tg.randn(2, 5, requires_grad=True)
    x.name = "x"
    u = layer(x)
    for notation, name in (("code", "weight"), ("lecture", "W₁")):
        view = sliced_view(u.sum(), "matmul[1, 0:3]", names=layer, notation=notation)
        found = _couplings(view)
        assert len(found) == 15
        for (_, (n, i)), (_, (n_, o)), weight, value in found:
            assert n == n_ == 1 and weight == f"{name}[{o},{i}]" and value == number(layer.weight.data[o, i])


def test_a_derivative_that_is_no_single_weight_entry_stays_a_number():
    rng = np.random.default_rng(2)
    x = tg.Tensor(rng.normal(size=(3,)), requires_grad=True, name="x")
    w = Parameter(rng.normal(size=(3, 3)))
    b = Parameter(rng.normal(size=(3,)))
    scaled = x @ (w * 2.0)  # 2·w[i, o] is no entry of w
    squared = x * x  # 2·x: no weight at all
    plus = scaled + b  # ∂/∂scaled = 1, although b is read
    elementwise = plus * b  # ∂/∂plus = b[i]: that one is an entry
    view = sliced_view((elementwise + squared).sum(), "add2[0:3]", names={"w": w, "b": b})
    by_target: dict[str, list[str]] = {}
    for (source, _), (target, index), weight, _ in _couplings(view):
        by_target.setdefault(target, []).append(weight)
    assert set(by_target["matmul"]) == {""} and set(by_target["add"]) == {""}, by_target
    assert sorted(by_target["mul2"]) == ["b[0]", "b[1]", "b[2]"]
    assert set(by_target["mul3"]) == {""}, "x·x"
