"""The expanded (scalar) picture: the lecture's 4×4 input / 2×2 kernel / stride-2 coupling (seed 000 §4.1.1,
F3) drawn exactly — 16 inputs, 4 outputs, 16 edges J_αβ, each output tied to its own 2×2 block."""
import re

import numpy as np
import pytest
import sympy

import tinygrad_edu as tg
from tinygrad_edu import functional as F
from tinygrad_edu.nn import Parameter
from tinygrad_edu.viz import draw
from tinygrad_edu.viz.jacobian import local_jacobian
from tinygrad_edu.viz.lecture import conv_coupling_example

from .svgtools import counts, edges, groups, texts, tiny_graph, to_svg

SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def test_expanded_conv_is_the_lecture_coupling_picture(renderer):
    u, x, kernel = conv_coupling_example()
    view = draw(u, expand=True)
    svg = to_svg(view)
    assert counts(svg) == {"node": 20, "edge": 16, "cluster": 2}
    names = {g.find("{http://www.w3.org/2000/svg}title").text: texts(g)[0] for g in groups(svg, "node")}
    inputs = {k: v for k, v in names.items() if k.startswith("e0_")}
    outputs = {k: v for k, v in names.items() if k.startswith("e1_")}
    assert sorted(inputs.values()) == sorted(f"x{i}{j}".translate(SUB) for i in range(4) for j in range(4))
    assert sorted(outputs.values()) == sorted(f"u{i}{j}".translate(SUB) for i in range(2) for j in range(2))
    fan_in = {k: 0 for k in outputs}
    for tail, head, label in edges(svg):
        i, j = divmod(int(tail[3:]), 4)
        big_i, big_j = divmod(int(head[3:]), 2)
        assert (i // 2, j // 2) == (big_i, big_j), "an output is coupled outside its own 2×2 block"
        assert label == f"J{i - 2 * big_i}{j - 2 * big_j}".translate(SUB)
        fan_in[head] += 1
    assert set(fan_in.values()) == {4}
    assert view.coupling_count == 16


def test_weights_as_nodes_add_their_own_couplings():
    u, *_ = conv_coupling_example()
    view = draw(u, expand=True, weights="nodes")
    assert view.coupling_count == 16 + 16
    labelled_j = re.findall(r'\[label="J[₀₁]', view.source)  # node and edge labels, not the cluster's title
    assert len(labelled_j) == 4 + 16  # 4 kernel nodes + 16 x→u labels; J→u edges carry x_ij


def test_numeric_conv_weights_become_named_symbols():
    kernel = Parameter(np.arange(4, dtype=np.float64).reshape(1, 1, 2, 2))
    kernel.name = "J"
    x = tg.Tensor(np.ones((1, 1, 4, 4)), requires_grad=True, name="x")
    view = draw(F.conv2d(x, kernel, stride=2), expand=True)
    assert view.coupling_count == 16
    for a in range(2):
        for b in range(2):
            assert view.source.count(f'label="J{a}{b}"'.translate(SUB)) == 4


def test_tiny_graph_expands_to_its_partial_derivatives(any_renderer):
    y, *_ = tiny_graph()
    svg = to_svg(draw(y, expand=True))
    assert counts(svg)["node"] == 2 * 5 + 1 and counts(svg)["edge"] == 10
    labels = sorted(label for _, _, label in edges(svg))
    assert labels == sorted(["3", "1", "4", "2"] + ["1"] * 6)  # ∂(ab)/∂a = b, ∂(ab)/∂b = a, then 1s


def test_a_tensor_used_twice_gets_one_summed_edge():
    a = tg.Tensor([3.0], requires_grad=True, name="a")
    view = draw(a * a, expand=True)
    assert view.coupling_count == 1 and 'label=6' in view.source


def test_relu_couplings_that_are_off_here_are_dashed_zeros():
    x = tg.Tensor([-1.0, 0.0, 2.0], requires_grad=True, name="x")
    source = draw(x.relu(), expand=True).source
    assert source.count("style=dashed") == 2  # relu'(−1) = relu'(0) = 0, as PyTorch
    assert "label=1" in source


def test_max_pool_falls_back_to_its_backward_at_the_recorded_values():
    x = tg.Tensor(np.array([[[[1.0, 5.0], [3.0, 2.0]]]]), requires_grad=True, name="x")
    view = draw(F.max_pool2d(x, 2), expand=True)
    assert view.coupling_count == 1  # only the maximum (5) is coupled
    assert "at the recorded values" in view.source


def test_symbolic_jacobian_matches_the_numeric_fallback():
    from tinygrad_edu.viz.jacobian import _numeric
    from tinygrad_edu.viz.scalar_view import _numbers

    rng = np.random.default_rng(0)
    a = tg.Tensor(rng.normal(size=(2, 3)), requires_grad=True)
    b = tg.Tensor(rng.normal(size=(3, 2)), requires_grad=True)
    out = a @ b
    fn = out._ctx
    exact = local_jacobian(fn, [True, True], [_numbers(a.data), _numbers(b.data)], [None, None])
    numeric = _numeric(fn, [True, True])
    assert exact.exact and not numeric.exact
    as_dict = lambda jac: {(c.input, c.source, c.target): float(c.value) for c in jac.couplings}  # noqa: E731
    assert as_dict(exact).keys() == as_dict(numeric).keys()
    for key, value in as_dict(exact).items():
        assert value == pytest.approx(as_dict(numeric)[key])


def test_symbolic_inputs_keep_their_names():
    x = tg.symbolic.symbols("x", (2,))
    w = tg.symbolic.symbols("w", (2,))
    view = draw((x * w).sum(), expand=True)
    assert 'label="w₁"' in view.source and 'label="x₂"' in view.source


def test_too_big_tensors_are_refused_by_name_and_size():
    big = tg.Tensor(np.zeros((9, 9)), requires_grad=True, name="feature map")
    with pytest.raises(ValueError, match=r"'feature map' \(shape 9×9\) has 81 elements.*max_elements=64"):
        draw(big.sum(), expand=True)
    assert draw(big.sum(), expand=True, max_elements=81).coupling_count == 81
    with pytest.raises(ValueError, match="weights must be"):
        draw(big.sum(), expand=True, max_elements=81, weights="edges")


def test_heaviside_at_zero_is_zero_like_the_engine():
    from tinygrad_edu.viz.jacobian import _step_at_zero

    s = sympy.Symbol("s", real=True)
    assert _step_at_zero(sympy.diff(sympy.Max(s, 0), s)).subs(s, 0) == 0
