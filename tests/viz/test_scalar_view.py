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

from .svgtools import centres, counts, edges, element_nodes, groups, texts, tiny_graph, to_svg

SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def test_expanded_conv_is_the_lecture_coupling_picture(renderer):
    u, x, kernel = conv_coupling_example()
    view = draw(u, expand=True)
    svg = to_svg(view)
    assert len(element_nodes(svg)) == 20 and counts(svg)["edge"] == 16
    names = {g.find("{http://www.w3.org/2000/svg}title").text: texts(g)[0] for g in element_nodes(svg)}
    inputs = {k: v for k, v in names.items() if k.startswith("e0_")}
    outputs = {k: v for k, v in names.items() if k.startswith("e1_")}
    assert sorted(inputs.values()) == sorted(f"x{i}{j}".translate(SUB) for i in range(4) for j in range(4))
    assert sorted(outputs.values()) == sorted(f"u{i}{j}".translate(SUB) for i in range(2) for j in range(2))
    fan_in = {k: 0 for k in outputs}
    for tail, head, label in edges(svg):
        i, j = divmod(int(tail[3:]), 4)
        big_i, big_j = divmod(int(head[3:]), 2)
        assert (i // 2, j // 2) == (big_i, big_j), "an output is coupled outside its own 2×2 block"
        assert label == f"J{i - 2 * big_i}{j - 2 * big_j}".translate(SUB)  # at the tail: the kernel over x's block
        fan_in[head] += 1
    assert set(fan_in.values()) == {4}
    assert view.coupling_count == 16


def test_weights_as_nodes_add_their_own_couplings():
    u, *_ = conv_coupling_example()
    view = draw(u, expand=True, weights="nodes")
    assert view.coupling_count == 16 + 16
    labelled_j = re.findall(r'[\[ ](?:tail)?label="J[₀₁]', view.source)  # node and edge labels, not the titles
    assert len(labelled_j) == 4 + 16  # 4 kernel nodes + 16 x→u labels; J→u edges carry x_ij


def test_numeric_conv_weights_become_named_symbols():
    kernel = Parameter(np.arange(4, dtype=np.float64).reshape(1, 1, 2, 2))
    kernel.name = "J"
    x = tg.Tensor(np.ones((1, 1, 4, 4)), requires_grad=True, name="x")
    view = draw(F.conv2d(x, kernel, stride=2), expand=True)
    assert view.coupling_count == 16
    for a in range(2):
        for b in range(2):
            assert view.source.count(f'taillabel="J{a}{b}"'.translate(SUB)) == 4


def test_tiny_graph_expands_to_its_partial_derivatives(any_renderer):
    y, *_ = tiny_graph()
    svg = to_svg(draw(y, expand=True))
    assert len(element_nodes(svg)) == 2 * 5 + 1 and counts(svg)["edge"] == 10
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


# ---- the lecture's figure (issue 14): every tensor as its grid -----------------------------------------------
def _rows_and_columns(points):
    """The distinct y and x coordinates (to 1 px) of a set of node centres."""
    return sorted({round(y) for _, y in points}), sorted({round(x) for x, _ in points})


def test_the_coupling_figure_draws_a_4x4_grid_a_2x2_grid_and_the_kernel(renderer):
    """Seed 000 §4.1.1: the 4×4 input as a 4×4 grid (row-major, x₀₀ top left), the 2×2 output as a 2×2 grid to its
    right with each output level with the middle of its own 2×2 block, the kernel J as its own 2×2 grid."""
    u, *_ = conv_coupling_example()
    svg = to_svg(draw(u, expand=True))
    at = centres(svg)
    x = {(i, j): at[f"e0_{4 * i + j}"] for i in range(4) for j in range(4)}
    out = {(i, j): at[f"e1_{2 * i + j}"] for i in range(2) for j in range(2)}
    kernel = {(i, j): at[f"w0_{2 * i + j}"] for i in range(2) for j in range(2)}
    for grid, size in ((x, 4), (out, 2), (kernel, 2)):
        rows, cols = _rows_and_columns(grid.values())
        assert len(rows) == size and len(cols) == size, grid
        for (i, j), (cx, cy) in grid.items():
            assert (round(cy), round(cx)) == (rows[i], cols[j]), "row-major: row i down, column j across"
        steps_y, steps_x = np.diff(rows), np.diff(cols)
        assert np.ptp(steps_y) <= 1 and np.ptp(steps_x) <= 1, "evenly spaced"
    assert min(cx for cx, _ in out.values()) > max(cx for cx, _ in x.values()), "the output to the right"
    for (big_i, _), (_, cy) in out.items():
        block = [x[(2 * big_i + a, 0)][1] for a in range(2)]
        assert abs(cy - sum(block) / 2) <= 1, "u_IJ level with its own block"
    assert max(cy for _, cy in kernel.values()) < min(cy for _, cy in x.values()), "the kernel above"


def test_the_coupling_figure_colours_each_block_as_its_output():
    u, *_ = conv_coupling_example()
    source = draw(u, expand=True).source
    fill = {name: colour for name, colour in re.findall(r"(e\d+_\d+) \[.*?fillcolor=\"(#[0-9a-f]+)\"", source)}
    for i in range(4):
        for j in range(4):
            assert fill[f"e0_{4 * i + j}"] == fill[f"e1_{2 * (i // 2) + j // 2}"]
    assert len({fill[f"e1_{k}"] for k in range(4)}) == 4


def test_the_caption_renders_and_is_deterministic(renderer):
    from tinygrad_edu.viz.lecture import CAPTION

    u, *_ = conv_coupling_example()
    first = draw(u, expand=True, caption=CAPTION)
    text = "\n".join(t for g in groups(to_svg(first), "node") if g.find("{http://www.w3.org/2000/svg}title").text
                     == "caption" for t in texts(g))
    assert "u_IJ = Σ_αβ J_αβ" in text and "16 couplings" in text and "weights on the edge labels: J" in text
    again, *_ = conv_coupling_example()
    assert draw(again, expand=True, caption=CAPTION).source == first.source


@pytest.mark.parametrize("shape, grid", [((3,), (1, 3, 1)), ((2, 3), (1, 2, 3)), ((1, 2, 3, 4), (2, 3, 4)),
                                         ((), (1, 1, 1))])
def test_grid_shapes_follow_the_tensors_geometry(shape, grid):
    from tinygrad_edu.viz.grid_layout import cell_of, grid_shape

    assert grid_shape(shape) == grid
    size = int(np.prod(shape, dtype=int))
    cells = {cell_of(shape, flat) for flat in range(size)}
    assert len(cells) == size, "every element its own cell"


def test_a_vector_is_a_column_and_levels_follow_the_flow():
    tg.manual_seed(0)
    x = tg.Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True, name="x")
    w = tg.Tensor(np.array([[1.0, 0.5, -1.0], [2.0, 0.0, 1.0]]), requires_grad=True, name="W")
    view = draw((w @ x).tanh(), expand=True, weights="nodes")
    at = view.positions  # forward order: W (e0), x (e1), W x (e2), tanh (e3)
    xs = [at[f"e1_{k}"] for k in range(3)]
    assert len({round(p[0], 3) for p in xs}) == 1 and len({round(p[1], 3) for p in xs}) == 3, "x is a column"
    ws = [at[f"e0_{k}"] for k in range(6)]
    assert len({round(p[0], 3) for p in ws}) == 3 and len({round(p[1], 3) for p in ws}) == 2, "W is 2 rows × 3 columns"
    assert at["e2_0"][0] > at["e1_0"][0] and at["e3_0"][0] > at["e2_0"][0], "W x after x, tanh after W x"


def test_top_to_bottom_puts_the_output_grid_below_the_input_grid():
    u, *_ = conv_coupling_example()
    at = draw(u, expand=True, rankdir="TB").positions
    assert min(at[f"e1_{k}"][1] for k in range(4)) > max(at[f"e0_{k}"][1] for k in range(16))
    rows = {round(at[f"e0_{k}"][1], 3) for k in range(16)}
    cols = {round(at[f"e0_{k}"][0], 3) for k in range(16)}
    assert len(rows) == len(cols) == 4, "still a 4×4 grid"


def test_the_refusal_points_to_the_slice_view_and_it_draws():
    big = tg.Tensor(np.arange(81.0).reshape(9, 9), requires_grad=True, name="feature map")
    with pytest.raises(ValueError, match=r"draw\(t, level='scalar', slice='NAME\[0, 0, 0:4, 0:4\]'\)"):
        draw((big * 2).sum(), expand=True)
    view = draw((big * 2).sum(), level="scalar", slice="mul[2:4, 5]", values=True)
    assert view.element_count == 4 and view.coupling_count == 2
    assert 'label="feature map[3,5]\\n32"' in view.source and 'label="mul[3,5]\\n64"' in view.source  # 3·9 + 5
