"""Step.explain: a gradient entry as the sum of its local rule's terms, checked against the step's own grads_in."""
import math

import numpy as np
import pytest
import sympy
from hypothesis import given, settings, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.inspect import steps
from tinygrad_edu.inspect.explain import Explanation
from tests.helpers import rand64


def check(step, k, index):
    """The entry's terms sum to the gradient the step handed input k; each term is coefficient · δ[upstream]."""
    found = step.explain(index, input=k)
    value = float(step.grads_in[k][index])
    assert isinstance(found, Explanation) and found.explained, found.reason
    assert found.value == step.grads_in[k][index] and found.index == tuple(index)
    magnitude = sum(abs(float(t.product)) for t in found.terms)
    assert math.isclose(found.total, value, rel_tol=1e-6, abs_tol=1e-12 * max(magnitude, 1.0)), (found.total, value)
    for t in found.terms:
        assert t.upstream_value == step.grad_out[t.upstream_index]
        assert t.product == t.coefficient_value * t.upstream_value
    return found


def every_entry(step, k):
    return list(np.ndindex(*step.grads_in[k].shape))


def only(recorded, op):
    (step,) = [s for s in recorded if s.op == op]
    return step


# ---- convolution: terms from the geometry --------------------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(stride=st.integers(1, 2), padding=st.integers(0, 2), dilation=st.integers(1, 2), groups=st.sampled_from([1, 2]),
       size=st.integers(5, 7), bias=st.booleans(), seed=st.integers(0, 2**16))
def test_conv2d_input_weight_and_bias_entries_are_the_sums_of_their_terms(stride, padding, dilation, groups, size,
                                                                          bias, seed):
    rng = np.random.default_rng(seed)
    x = rand64(rng, (2, 2 * groups, size, size), name="x")
    w = rand64(rng, (2 * groups, 2, 3, 3), name="W")
    b = rand64(rng, (2 * groups,), name="b") if bias else None
    y = F.conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups)
    recorded = steps((y * rand64(rng, y.shape, requires_grad=False)).sum())
    conv = only(recorded, "conv2d")
    assert conv.is_composite and conv.input_names[:2] == ("x", "W")
    for k in range(len(conv.grads_in)):
        entries = every_entry(conv, k)
        for n in rng.choice(len(entries), size=min(6, len(entries)), replace=False):
            found = check(conv, k, entries[n])
            if k == 0:
                assert all(t.coefficient_name == "W" and t.coefficient_value == w.data[t.coefficient_index]
                           for t in found.terms)
            if k == 1:
                assert all(t.coefficient_value == x.data[t.coefficient_index] for t in found.terms)
    primitive = only(steps((y * 1.0).sum(), expand_composites=True), "Conv2d")
    check(primitive, 0, (1, 2 * groups - 1, size // 2, size - 1))
    check(primitive, 1, (2 * groups - 1, 1, 2, 0))


def test_a_conv_input_entry_reads_the_lectures_window():
    """Stride 1, no padding: δ_x[0, 0, 3, 4] = Σ_{o,p,q} W[o, 0, p, q]·δ[0, o, 3−p, 4−q], every (o, p, q) in range."""
    rng = np.random.default_rng(0)
    x, w = rand64(rng, (1, 1, 8, 8), name="x"), rand64(rng, (3, 1, 3, 3), name="W")
    conv = only(steps((F.conv2d(x, w) ** 2).sum()), "conv2d")
    found = check(conv, 0, (0, 0, 3, 4))
    assert found.rule == "δ_x[0, 0, 3, 4] = Σ_{o,p,q} W[o, 0, p, q]·δ[0, o, 3−p, 4−q]  (only whole positions inside δ)"
    assert len(found.terms) == 3 * 9
    assert {(t.coefficient_index, t.upstream_index) for t in found.terms} == {
        ((o, 0, p, q), (0, o, 3 - p, 4 - q)) for o in range(3) for p in range(3) for q in range(3)}
    corner = check(conv, 0, (0, 0, 0, 0))
    assert [t.upstream_index for t in corner.terms] == [(0, o, 0, 0) for o in range(3)]


def test_a_strided_padded_conv_weight_entry_leaves_out_the_padding():
    rng = np.random.default_rng(1)
    x, w = rand64(rng, (2, 1, 5, 5), name="x"), rand64(rng, (1, 1, 3, 3), name="W")
    conv = only(steps(F.conv2d(x, w, stride=2, padding=1).sum()), "conv2d")
    found = check(conv, 1, (0, 0, 0, 0))
    assert "Σ_{n,i,j} δ[n, 0, i, j]·x[n, 0, 2i−1, 2j−1]" in found.rule and "padding" in found.rule
    assert len(found.terms) == 2 * 2 * 2, "i, j = 0 read the padding; the other 2×2 positions of each image count"


# ---- dense layers and matmul ---------------------------------------------------------------------------------
@settings(max_examples=15, deadline=None)
@given(n=st.integers(1, 4), fin=st.integers(1, 5), fout=st.integers(1, 5), seed=st.integers(0, 2**16))
def test_linear_hands_each_operand_its_sum(n, fin, fout, seed):
    rng = np.random.default_rng(seed)
    x, w, b = rand64(rng, (n, fin), name="x"), rand64(rng, (fout, fin), name="W"), rand64(rng, (fout,), name="b")
    y = F.linear(x, w, b)
    step = only(steps((y * rand64(rng, y.shape, requires_grad=False)).sum()), "linear")
    for k in range(3):
        for index in every_entry(step, k):
            found = check(step, k, index)
    assert len(found.terms) == n and found.rule == f"δ_b[{fout - 1}] = Σ_{{j0}} δ[j0, {fout - 1}]"
    assert step.explain((0, fin - 1), input=0).rule == f"δ_x[0, {fin - 1}] = Σ_o W[o, {fin - 1}]·δ[0, o]"


@pytest.mark.parametrize("shapes", [((3, 4), (4, 2)), ((2, 3, 4), (2, 4, 5))])
def test_matmul_both_operands(shapes):
    rng = np.random.default_rng(2)
    a, b = rand64(rng, shapes[0], name="A"), rand64(rng, shapes[1], name="B")
    y = a @ b
    step = only(steps((y * rand64(rng, y.shape, requires_grad=False)).sum()), "MatMul")
    for k in range(2):
        for index in every_entry(step, k):
            check(step, k, index)
    assert len(step.explain((0,) * a.ndim, input=0).terms) == b.shape[-1]


# ---- elementwise ---------------------------------------------------------------------------------------------
UNARY_OPS = [("relu", lambda u, y: float(u > 0)), ("tanh", lambda u, y: 1 - y * y),
             ("sigmoid", lambda u, y: y * (1 - y)), ("exp", lambda u, y: y), ("abs", lambda u, y: np.sign(u)),
             ("leaky_relu", lambda u, y: 1.0 if u > 0 else 0.1), ("pow", lambda u, y: 3 * u ** 2)]


@pytest.mark.parametrize("op,derivative", UNARY_OPS)
def test_a_unary_op_is_one_term_delta_times_f_prime(op, derivative):
    rng = np.random.default_rng(3)
    u = rand64(rng, (3, 4), name="u")
    y = {"leaky_relu": lambda: F.leaky_relu(u, 0.1), "pow": lambda: u ** 3}.get(op, getattr(u, op, None))()
    recorded = steps((y * rand64(rng, y.shape, requires_grad=False)).sum())
    step = next(s for s in recorded if s.fn.inputs[0] is u)
    for index in every_entry(step, 0):
        found = check(step, 0, index)
        (term,) = found.terms
        assert term.upstream_index == index
        assert term.coefficient_value == pytest.approx(derivative(u.data[index], y.data[index]), rel=1e-12)
    assert "f'(u)" in found.rule


@pytest.mark.parametrize("op", ["Add", "Sub", "Mul", "Div"])
@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**16), rows=st.integers(1, 3), cols=st.integers(1, 3), flip=st.booleans())
def test_broadcast_binary_ops_sum_over_the_broadcast_positions(op, seed, rows, cols, flip):
    rng = np.random.default_rng(seed)
    a = rand64(rng, (rows, cols), name="a")
    b = rand64(rng, (cols,) if not flip else (rows, 1), low=0.5, high=2.0, name="b")
    y = {"Add": a + b, "Sub": a - b, "Mul": a * b, "Div": a / b}[op]
    recorded = steps((y * rand64(rng, y.shape, requires_grad=False)).sum())
    step = next(s for s in recorded if s.op == op and s.fn.inputs[0] is a)
    for k in range(2):
        for index in every_entry(step, k):
            found = check(step, k, index)
            broadcast = 1 if k == 0 else (rows if not flip else cols)
            assert len(found.terms) == broadcast


def test_sum_mean_reshape_permute_and_transpose_are_one_term_each():
    rng = np.random.default_rng(4)
    x = rand64(rng, (2, 3, 4), name="x")
    y = x.sum(1) * 2.0 + x.mean(dim=(1,)) + x.reshape(6, 4)[:2] + x.permute(1, 0, 2)[0] + x.transpose(1, 0)[1]
    recorded = steps((y * rand64(rng, y.shape, requires_grad=False)).sum())
    for op in ("Sum", "Reshape", "Permute"):
        for step in [s for s in recorded if s.op == op]:
            for index in every_entry(step, 0):
                (term,) = check(step, 0, index).terms
    mean_div = [s for s in recorded if s.op == "Div"]
    assert mean_div and all(check(s, 0, (0, 0)) for s in mean_div)
    perm = next(s for s in recorded if s.op == "Permute")
    assert "permute" in perm.explain((1, 2, 3)).rule


def test_a_scalar_entry_is_written_without_empty_brackets():
    x = tg.tensor(0.5, dtype=tg.float64, requires_grad=True)
    recorded = steps(x.tanh().reshape(1).sum())
    for op in ("Tanh", "Reshape"):
        found = check(only(recorded, op), 0, ())
        assert "[]" not in found.rule and "[]" not in str(found), found.rule


# ---- pooling and the composite loss -------------------------------------------------------------------------
@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**16), kernel=st.integers(2, 3), stride=st.integers(1, 2), padding=st.integers(0, 1))
def test_pooling_entries_sum_their_windows(seed, kernel, stride, padding):
    rng = np.random.default_rng(seed)
    x = rand64(rng, (1, 2, 6, 6), name="x")
    for pool in (F.max_pool2d, F.avg_pool2d):
        y = pool(x, kernel, stride, padding)
        step = next(s for s in steps((y * rand64(rng, y.shape, requires_grad=False)).sum())
                    if s.op in ("MaxPool2d", "AvgPool2d"))
        for index in every_entry(step, 0):
            found = check(step, 0, index)
        if pool is F.max_pool2d:
            winners = {t.upstream_index for s in every_entry(step, 0) for t in step.explain(s).terms}
            assert len(winners) == y.numel(), "each window's δ goes to exactly one argmax"


def test_cross_entropy_is_softmax_minus_y_over_n():
    rng = np.random.default_rng(5)
    u = rand64(rng, (4, 3), name="u")
    target = np.array([0, 2, 1, 1])
    step = only(steps(F.cross_entropy(u, target)), "cross_entropy")
    p = np.exp(u.data) / np.exp(u.data).sum(1, keepdims=True)
    for index in every_entry(step, 0):
        (term,) = check(step, 0, index).terms
        assert term.coefficient_value == pytest.approx((p[index] - (target[index[0]] == index[1])) / 4, rel=1e-12)
    assert "softmax(u)[1, 2] − y[1, 2])/4" in step.explain((1, 2)).rule


# ---- what is not explained, and the displays ----------------------------------------------------------------
def test_ops_without_their_own_rule_are_explained_by_their_jacobian():
    """Softmax and batch_norm have no entry-by-entry rule of their own: the exact fallback lists J[j, i]·δ[j]."""
    rng = np.random.default_rng(6)
    x = rand64(rng, (2, 3), name="x")
    recorded = steps((F.softmax(x, 1) * rand64(rng, (2, 3), requires_grad=False)).sum())
    step = only(recorded, "Softmax")
    found = check(step, 0, (1, 2))
    s = F.softmax(x, 1).data
    assert [t.upstream_index for t in found.terms] == [(1, 0), (1, 1), (1, 2)]
    for t in found.terms:
        j = t.upstream_index[1]
        assert t.coefficient_value == pytest.approx(s[1, j] * ((j == 2) - s[1, 2]), rel=1e-12)
    assert "softmax Jacobian" in found.rule and "no explainer" not in str(found)
    recorded = steps((F.batch_norm(rand64(rng, (4, 2, 2, 2)), None, None, training=True) ** 2).sum())
    found = check(only(recorded, "batch_norm"), 0, (0, 0, 0, 0))
    assert {t.upstream_index[1] for t in found.terms} == {0} and len(found.terms) == 16, "one channel's N·H·W"


def test_a_step_whose_graph_was_freed_says_so():
    rng = np.random.default_rng(6)
    x = rand64(rng, (2, 3), name="x")
    loss = (F.softmax(x, 1) * 2.0).sum()
    step = only(steps(loss), "Softmax")
    loss.backward()
    found = step.explain((1, 2))
    assert not found.explained and found.terms == () and found.total is None
    assert found.value == step.grads_in[0][1, 2] and "freed" in str(found)


def test_the_default_input_is_the_first_with_a_gradient_and_bad_indices_are_refused():
    rng = np.random.default_rng(7)
    images = tg.Tensor(rng.normal(size=(1, 1, 4, 4)))
    w = rand64(rng, (2, 1, 3, 3), name="W")
    conv = only(steps(F.conv2d(images, w).sum()), "conv2d")
    assert conv.grads_in[0] is None and conv.explain((1, 0, 2, 2)).input == 1
    with pytest.raises(IndexError, match="does not name one entry"):
        conv.explain((1, 0))
    with pytest.raises(IndexError, match="out of range"):
        conv.explain((5, 0, 0, 0))
    with pytest.raises(ValueError, match="hands no gradient"):
        conv.explain((0, 0, 0, 0), input=0)


def test_text_html_and_latex_displays_show_the_largest_terms_and_the_exact_total():
    rng = np.random.default_rng(8)
    x, w = rand64(rng, (1, 2, 9, 9), name="x"), rand64(rng, (4, 2, 3, 3), name="W")
    conv = only(steps((F.conv2d(x, w) ** 2).sum()), "conv2d")
    found = conv.explain((0, 1, 4, 4))
    text = str(found)
    assert text.startswith(f"step {conv.index + 1} (conv2d) → x: " + "δ_x[0, 1, 4, 4] = Σ_{o,p,q} W[o, 1, p, q]·δ[0, o, 4−p, 4−q]")
    assert "(28 more terms)" in text and len(found.terms) == 36 and len(found.largest()) == 8
    largest = sorted(abs(t.product) for t in found.terms)[-8:]
    assert sorted(abs(t.product) for t in found.largest()) == largest
    assert "<table>" in found._repr_html_() and "+ 28 more terms" in found._repr_html_()
    assert found._repr_latex_().startswith(r"$\delta_{x}[0,1,4,4] = ") and r"\dots" in found._repr_latex_()


# ---- on symbols: the lecture's δ_r appears (F39) --------------------------------------------------------------
def test_on_symbols_delta_one_is_the_lectures_formula():
    """δ₁ⱼ = Σ_k W₂[k, j]·δ₂[k]·(1 − tanh²(u₁ⱼ)) (F39), read off the tanh step and the second linear step."""
    from tinygrad_edu.symbolic import symbols

    x, w1, w2 = symbols("x", (1, 3)), symbols("W", (2, 3)), symbols("V", (2, 2))
    delta = symbols("d", (1, 2))
    u1 = F.linear(x, w1)
    recorded = steps(F.linear(u1.tanh(), w2), gradient=delta)
    second, tanh = recorded[0], recorded[1]
    for j in range(2):
        u = sum(w1.data[j, k] * x.data[0, k] for k in range(3))
        lecture = sum(w2.data[k, j] * delta.data[0, k] for k in range(2)) * (1 - sympy.tanh(u) ** 2)
        found = tanh.explain((0, j))
        assert found.symbolic and sympy.simplify(found.total - lecture) == 0
        assert sympy.simplify(found.value - lecture) == 0
        inner = second.explain((0, j), input=0)
        assert [t.coefficient for t in inner.terms] == [f"V[0, {j}]", f"V[1, {j}]"]
        assert sympy.expand(inner.total - sum(w2.data[k, j] * delta.data[0, k] for k in range(2))) == 0
    assert r"\tanh^{2}" in found._repr_latex_() and "δ_u1[0, 1] = δ[0, 1]·f'(u1[0, 1])" in str(found)
    assert "(1 - tanh(W₂₁·x₁₁ + W₂₂·x₁₂ + W₂₃·x₁₃)^2)·(V₁₂·d₁₁ + V₂₂·d₁₂)" in str(found)


# ---- the exact fallback: every entry of every gradient of any graph (issue 14, item 4) -----------------------
def _unit_grid(t):
    return t.shape[2] * t.shape[3]


def _grow(op):
    """Ops that enlarge H×W run only on small maps (else tanh): the graphs stay small."""
    return lambda t, rng: op(t, rng) if _unit_grid(t) <= 36 else t.tanh()


GRAPH_OPS = {
    "softmax": lambda t, rng: F.softmax(t, 1),
    "log_softmax": lambda t, rng: F.log_softmax(t, 3),
    "where": lambda t, rng: tg.where(t > 0, t, t * 0.5),
    "slices": lambda t, rng: t[:, :, 1:, ::2] if t.shape[2] > 1 else t[:, :, :, ::2],
    "ints": lambda t, rng: t[0].unsqueeze(0)[:, 1:, :, :] if t.shape[1] > 1 else t[0].unsqueeze(0),
    "index_tensor": lambda t, rng: t[:, tg.tensor(rng.integers(0, t.shape[1], 4))],
    "pad": _grow(lambda t, rng: F.pad(t, (1, 0, 2, 1))),
    "dropout_train": lambda t, rng: F.dropout(t, 0.4, training=True),
    "dropout_eval": lambda t, rng: F.dropout(t, 0.4, training=False),
    "batch_norm_train": lambda t, rng: F.batch_norm(t, None, None, rand64(rng, (t.shape[1],), 0.5, 1.5),
                                                    rand64(rng, (t.shape[1],)), training=True),
    "batch_norm_eval": lambda t, rng: F.batch_norm(t, tg.Tensor(rng.normal(size=t.shape[1])),
                                                   tg.Tensor(rng.uniform(0.5, 2, t.shape[1])),
                                                   rand64(rng, (t.shape[1],)), None, training=False),
    "lrn": lambda t, rng: F.local_response_norm(t, 2, alpha=0.5),
    "interpolate": _grow(lambda t, rng: F.interpolate(t, scale_factor=2, mode="bilinear", align_corners=False)),
    "nearest": _grow(lambda t, rng: F.interpolate(t, scale_factor=2)),
    "conv_transpose2d": _grow(lambda t, rng: F.conv_transpose2d(t, rand64(rng, (t.shape[1], 2, 2, 2)),
                                                                 rand64(rng, (2,)), stride=2)),
    "conv1d": lambda t, rng: F.conv1d(t.flatten(2), rand64(rng, (2, t.shape[1], 3)), padding=1).unsqueeze(2),
    "cat": lambda t, rng: tg.cat([t, t * 2.0], dim=1),
    "stack": lambda t, rng: tg.stack([t, t.exp()], dim=0).sum(0),
    "clamp": lambda t, rng: t.clamp(-0.5, 0.5),
    "max_dim": lambda t, rng: t.max(dim=2, keepdim=True).values,
}


def every_gradient_entry_is_explained(recorded):
    count = 0
    for step in recorded:
        for k, g in enumerate(step.grads_in):
            if g is None:
                continue
            for index in every_entry(step, k):
                check(step, k, index)
                count += 1
    return count


@settings(max_examples=12, deadline=None)
@given(ops=st.lists(st.sampled_from(sorted(GRAPH_OPS)), min_size=1, max_size=3), seed=st.integers(0, 2**16),
       expand=st.booleans())
def test_every_entry_of_every_gradient_of_a_random_graph_is_the_sum_of_its_terms(ops, seed, expand):
    """Chains of ops without their own rule (and their composite calls, or with expand_composites their primitives):
    each entry handed to each input is Σ_j J[j, i]·δ[j] and the terms add up to it."""
    rng = np.random.default_rng(seed)
    t = x = rand64(rng, (2, 3, 3, 4), name="x")
    for op in ops:
        t = GRAPH_OPS[op](t, rng)
    recorded = steps((t * rand64(rng, t.shape, requires_grad=False)).sum(), expand_composites=expand)
    assert every_gradient_entry_is_explained(recorded) >= x.numel()


@pytest.mark.parametrize("op", sorted(GRAPH_OPS))
def test_each_op_alone_is_explained_entry_by_entry(op):
    rng = np.random.default_rng(11)
    t = GRAPH_OPS[op](rand64(rng, (2, 3, 3, 4), name="x"), rng)
    recorded = steps((t * rand64(rng, t.shape, requires_grad=False)).sum())
    assert every_gradient_entry_is_explained(recorded) > 0


FD_OPS = {
    "softmax": lambda x: F.softmax(x, 1),
    "log_softmax": lambda x: F.log_softmax(x, 1),
    "batch_norm": lambda x: F.batch_norm(x, None, None, training=True),
    "lrn": lambda x: F.local_response_norm(x, 2, alpha=0.5),
    "interpolate": lambda x: F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False),
    "conv_transpose2d": lambda x: F.conv_transpose2d(x, tg.Tensor(np.linspace(-1, 1, 24).reshape(3, 2, 2, 2)),
                                                     stride=2, padding=1),
}


@pytest.mark.parametrize("op", sorted(FD_OPS))
def test_each_fallback_coefficient_is_the_local_jacobian_entry_by_finite_differences(op):
    """J[j, i] = ∂y[j]/∂x[i] by central differences in float64, and no j with a non-zero derivative is left out."""
    rng = np.random.default_rng(12)
    x = rand64(rng, (2, 3, 2, 3), name="x")
    y = FD_OPS[op](x)
    recorded = steps((y * rand64(rng, y.shape, requires_grad=False)).sum())
    (step,) = [s for s in recorded if s.fn.output is y]
    eps = 1e-6
    for i in [(0, 0, 0, 0), (1, 2, 1, 2), (0, 1, 1, 0)]:
        found = check(step, 0, i)
        moved = [x.data.copy(), x.data.copy()]
        moved[0][i] += eps
        moved[1][i] -= eps
        with tg.no_grad():
            column = (FD_OPS[op](tg.Tensor(moved[0])).data - FD_OPS[op](tg.Tensor(moved[1])).data) / (2 * eps)
        listed = {t.upstream_index: t.coefficient_value for t in found.terms}
        for j in np.ndindex(*column.shape):
            assert listed.get(j, 0.0) == pytest.approx(column[j], abs=1e-6), (op, i, j)


def test_the_fallback_on_symbols_gives_the_softmax_jacobian_as_expressions():
    from tinygrad_edu.symbolic import symbols

    u, d = symbols("u", (1, 3)), symbols("d", (1, 3))
    recorded = steps(F.softmax(u, 1), gradient=d)
    (step,) = [s for s in recorded if s.op == "Softmax"]
    found = step.explain((0, 1))
    assert found.symbolic and len(found.terms) == 3
    e = [sympy.exp(v) for v in u.data[0]]
    s = [v / sympy.Add(*e) for v in e]
    for t in found.terms:
        j = t.upstream_index[1]
        assert sympy.simplify(t.coefficient_value - s[j] * (int(j == 1) - s[1])) == 0
        assert t.upstream_value == d.data[0, j]
    assert sympy.simplify(found.total - found.value) == 0
    assert sympy.simplify(found.total - sum(s[j] * (int(j == 1) - s[1]) * d.data[0, j] for j in range(3))) == 0


def test_a_dense_jacobian_column_beyond_the_limit_says_so(monkeypatch):
    import tinygrad_edu.inspect.explain_generic as generic

    rng = np.random.default_rng(13)
    x = rand64(rng, (2, 6), name="x")
    recorded = steps((F.softmax(x, 1) * rand64(rng, (2, 6), requires_grad=False)).sum())
    step = only(recorded, "Softmax")
    monkeypatch.setattr(generic, "MAX_TERMS", 5)
    found = step.explain((1, 2))
    assert not found.explained and "holds 6 non-zero entries (more than 5 terms to list)" in found.reason
    monkeypatch.setattr(generic, "MAX_TERMS", 6)
    assert len(check(step, 0, (1, 2)).terms) == 6


def test_a_non_finite_delta_shows_in_the_fallbacks_terms():
    x = tg.Tensor(np.array([[0.5, -1.0, 2.0]]), requires_grad=True, name="x")
    with np.errstate(invalid="ignore"):
        recorded = steps(F.log_softmax(x, 1), gradient=np.array([[1.0, np.inf, 0.0]]))
        step = only(recorded, "LogSoftmax")
        found = step.explain((0, 0))
    assert found.explained and not math.isfinite(found.total) and not math.isfinite(float(found.value))
    assert any(math.isinf(t.upstream_value) for t in found.terms) and len(found.terms) == 3


def test_the_guard_refuses_terms_that_do_not_add_up(monkeypatch):
    """A wrong coefficient is never shown as the sum: the entry is reported as not explained, with both totals."""
    import dataclasses

    import tinygrad_edu.inspect.explain as explain_module

    rng = np.random.default_rng(14)
    x = rand64(rng, (2, 3), name="x")
    recorded = steps((F.softmax(x, 1) * rand64(rng, (2, 3), requires_grad=False)).sum())
    step = only(recorded, "Softmax")
    right = explain_module.generic_plan

    def off(*args):
        plan = right(*args)
        return dataclasses.replace(plan, coefficients=[c * 1.001 for c in plan.coefficients])

    monkeypatch.setattr(explain_module, "generic_plan", off)
    found = step.explain((0, 1))
    assert not found.explained and "the terms of Softmax's local Jacobian sum to" in found.reason
