import dataclasses
import json

import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
from tinygrad_edu.autograd import backward_steps
from tinygrad_edu.inspect import GradStats, Step, Steps, steps
from tests.inspect.models import cnn_loss, mlp_loss

BUILDERS = {"mlp": mlp_loss, "cnn": cnn_loss}


def graph_tensors(root):
    """Every tensor below root that requires grad, each once."""
    seen, stack, found = set(), [root], []
    while stack:
        t = stack.pop()
        if id(t) in seen or not t.requires_grad:
            continue
        seen.add(id(t))
        found.append(t)
        if t._ctx is not None:
            stack.extend(t._ctx.inputs)
    return found


def flowing_into(recorded, t):
    """The sum of every gradient the steps hand to tensor t."""
    total = None
    for step in recorded:
        for inp, g in zip(step.fn.inputs, step.grads_in):
            if inp is t and g is not None:
                total = g if total is None else total + g
    return total


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_leaf_gradients_equal_backward(kind):
    model, loss = BUILDERS[kind]()
    recorded = steps(loss, names=model)
    assert all(p.grad is None for p in model.parameters()), "steps must not write .grad"
    loss.backward()
    for name, p in model.named_parameters():
        assert recorded.grad_of(p).dtype == p.grad.data.dtype, name
        np.testing.assert_array_equal(recorded.grad_of(p), p.grad.data, err_msg=f"{name}: not bit for bit")
        np.testing.assert_allclose(flowing_into(recorded, p), p.grad.data, rtol=1e-12, atol=1e-15, err_msg=name)


@pytest.mark.parametrize("expand", [False, True])
@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_every_step_matches_autograd_grad(kind, expand):
    _, loss = BUILDERS[kind]()
    recorded = steps(loss, expand_composites=expand)
    for step in recorded:
        out = step.fn.output
        (expected,) = tg.grad(loss, [out], retain_graph=True)
        np.testing.assert_allclose(step.grad_out, expected.data, rtol=1e-12, atol=1e-15, err_msg=str(step))
    shown = {id(t) for step in recorded for t in step.fn.inputs}
    for t in graph_tensors(loss):
        if t is loss or id(t) not in shown and not expand:  # inside a composition's one step
            continue
        (expected,) = tg.grad(loss, [t], retain_graph=True)
        np.testing.assert_allclose(flowing_into(recorded, t), expected.data, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_order_is_the_engines(kind):
    _, loss = BUILDERS[kind]()
    recorded = steps(loss, expand_composites=True)
    seed = tg.Tensor(np.ones(()), dtype=loss.dtype)
    engine = [s.fn for s in backward_steps(loss, seed, retain_graph=True, capture={}) if s.fn is not None]
    assert [s.fn for s in recorded] == engine
    assert [s.index for s in recorded] == list(range(len(engine)))
    assert len(recorded) == len({id(s.fn) for s in recorded})
    folded = steps(loss)
    flat = [fn for s in folded for fn in (_engine_order(s, engine) if s.is_composite else [s.fn])]
    assert sorted(map(id, flat)) == sorted(map(id, engine)), "every primitive is in exactly one step"
    first = [min(engine.index(fn) for fn in (s.fn.members if s.is_composite else [s.fn])) for s in folded]
    assert first == sorted(first), "a composition's step comes where δ reaches its result"


def _engine_order(step, engine):
    return sorted(step.fn.members, key=engine.index)


def test_cnn_steps_name_modules_ops_and_parameters():
    model, loss = cnn_loss()
    recorded = steps(loss, names=model)
    ops = {s.op for s in recorded}
    assert {"conv2d", "MaxPool2d", "AvgPool2d", "Relu", "cross_entropy"} <= ops
    assert "LogSoftmax" in {s.op for s in steps(loss, expand_composites=True)}
    convs = [s for s in recorded if s.module == "c1" and "c1.weight" in s.input_names]
    assert convs, [(s.op, s.module, s.input_names) for s in recorded]
    assert convs[0].module_path[-1] == "c1" and convs[0].module_path[0] == "SmallCNN"
    pools = [s for s in recorded if s.op == "MaxPool2d"]
    assert pools and pools[0].module == "pool"
    assert 0 < pools[0].stats_in[0].zero_fraction < 1, "max pooling routes δ to one entry per window"


def test_site_and_source_line_point_at_the_users_code():
    x = tg.Tensor([1.0, 2.0], requires_grad=True, name="x")
    y = (x * x).sum(); line = y._ctx.site[1]  # noqa: E702  (the op and its line on one line)
    (step,) = [s for s in steps(y) if s.op == "Sum"]
    assert step.site == (__file__, line)
    assert step.source_line.startswith("y = (x * x).sum()")
    assert step.module is None and step.module_path == ()
    assert "x.py" not in step.where() and step.where() == f"test_steps.py:{line}"


def test_names_labels_and_rules():
    x = tg.Tensor([1.0, -2.0, 3.0], requires_grad=True, name="x")
    loss = (x.relu() * 3).sum()
    loss.name = "loss"
    recorded = steps(loss)
    assert [s.op for s in recorded] == ["Sum", "Mul", "Relu"]
    assert recorded[0].output_name == "loss"
    assert recorded[1].input_names == ("t0", "3")
    assert recorded[2].input_names == ("x",)
    assert recorded[1].grads_in[1] is None and recorded[1].stats_in[1] is None
    np.testing.assert_array_equal(recorded[2].grads_in[0], [3.0, 0.0, 3.0])
    assert recorded[2].stats_in[0].zero_fraction == pytest.approx(1 / 3)
    assert all(s.rule_unicode and s.rule_latex for s in recorded)
    assert steps(loss)[1].input_names == recorded[1].input_names, "labels are stable"


def test_no_side_effects_and_backward_still_works():
    x = tg.Tensor([0.5, 1.5], requires_grad=True)
    h = x.exp()
    h.retain_grad()
    loss = (h * x).sum()
    steps(loss)
    steps(loss)
    assert x.grad is None and h.grad is None
    loss.backward()
    np.testing.assert_allclose(x.grad.data, np.exp(x.data) * (1 + x.data), rtol=1e-6)


def test_cursor_moves_and_goto_errors():
    _, loss = mlp_loss()
    recorded = steps(loss)
    n = len(recorded)
    assert isinstance(recorded, Steps) and recorded.position == -1 and recorded.current is None
    assert recorded.prev() is None and recorded.position == -1
    first = recorded.next()
    assert first is recorded[0] and recorded.current is first
    assert recorded.goto(n - 1) is recorded[n - 1]
    assert recorded.next() is None and recorded.position == n - 1
    assert recorded.prev() is recorded[n - 2]
    recorded.goto(0)
    assert recorded.prev() is None and recorded.position == -1
    with pytest.raises(IndexError, match=rf"step {n} is out of range 0\.\.{n - 1}"):
        recorded.goto(n)
    with pytest.raises(IndexError, match="out of range"):
        recorded.goto(-1)
    assert list(recorded) == recorded[:] and all(isinstance(s, Step) for s in recorded)


def test_breakpoints_by_op_module_and_condition():
    model, loss = mlp_loss()
    recorded = steps(loss, names=model)
    matmuls = [s.index for s in recorded if s.op == "linear"]
    recorded.break_on(op="linear")
    hits = []
    while (step := recorded.continue_()) is not None:
        hits.append(step.index)
    assert hits == matmuls and recorded.position == matmuls[-1]
    back = []
    while (step := recorded.reverse_continue()) is not None:
        back.append(step.index)
    assert back == matmuls[-2::-1]
    recorded.clear_breakpoints()
    recorded.reset()
    assert recorded.continue_() is None and recorded.position == -1
    recorded.break_on(op=tg.Function, module="2")
    assert recorded.continue_().op == "linear" and recorded.current.module == "2" and recorded.continue_() is None
    recorded.clear_breakpoints()
    recorded.reset()
    recorded.break_on(op=tg.ops.linalg.MatMul)
    assert [s.op for s in iter(recorded.continue_, None)] == ["linear"] * 3, "a composition hits by its primitives"
    recorded.clear_breakpoints()
    recorded.reset()
    point = recorded.break_on(condition=lambda s: s.stats_out.zero_fraction > 0)
    step = recorded.continue_()
    assert step.stats_out.zero_fraction > 0
    assert all(s.stats_out.zero_fraction == 0 for s in recorded[:step.index])
    assert point.hits(step) and "condition" in str(point)


def test_break_on_rejects_names_not_in_the_pass():
    model, loss = mlp_loss()
    recorded = steps(loss, names=model)
    with pytest.raises(ValueError, match=r"no step has op 'Conv2D'.*'linear'"):
        recorded.break_on(op="Conv2D")
    with pytest.raises(ValueError, match=r"no step ran inside module 'c9'.*'Sequential'"):
        recorded.break_on(module="c9")
    with pytest.raises(ValueError, match="at least one"):
        recorded.break_on()


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
def test_first_nonfinite_finds_the_poisoned_step():
    x = tg.Tensor([0.0, 4.0], requires_grad=True)
    loss = (x.sqrt() * tg.Tensor([0.0, 1.0])).sum()
    recorded = steps(loss)
    step = recorded.first_nonfinite()
    assert step.op == "Sqrt" and step.stats_in[0].nonfinite == 1 and step.stats_out.nonfinite == 0
    assert recorded.position == -1
    assert steps((x * 2).sum()).first_nonfinite() is None


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
def test_a_condition_breakpoint_stops_at_the_first_non_finite_gradient():
    x = tg.Tensor([0.0, 4.0], requires_grad=True)
    loss = ((x.sqrt() * tg.Tensor([0.0, 1.0])).exp() * 2).sum()
    recorded = steps(loss)
    recorded.break_on(condition=lambda s: s.has_nonfinite)
    step = recorded.continue_()
    assert step is recorded.first_nonfinite() and step.op == "Sqrt" and recorded.position == step.index
    assert not any(s.has_nonfinite for s in recorded[:step.index])
    assert recorded.continue_() is None and recorded.position == step.index


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
def test_to_dict_is_json_safe_even_with_nan_and_symbols():
    x = tg.Tensor([0.0, 4.0], requires_grad=True)
    recorded = steps((x.sqrt() * 0).sum())
    text = json.dumps(recorded.to_dict(), allow_nan=False)
    data = json.loads(text)
    assert data["length"] == len(recorded) and data["steps"][0]["op"] == "Sum"
    sqrt = [s for s in data["steps"] if s["op"] == "Sqrt"][0]
    assert sqrt["grads_in"][0]["values"][0] == "nan" and sqrt["stats_in"][0]["nonfinite"] == 1
    big = tg.Tensor(np.ones((30, 30)), requires_grad=True)
    step = steps(big.sum()).to_dict(max_elements=100)["steps"][0]
    assert step["grads_in"][0]["values"] is None and step["grads_in"][0]["shape"] == [30, 30]


def test_symbolic_backward_steps():
    from tinygrad_edu.symbolic import symbols

    w = symbols("w", (2,))
    loss = (w * w).sum()
    recorded = steps(loss)
    mul = [s for s in recorded if s.op == "Mul"][0]
    assert mul.stats_in[0].is_symbolic and mul.stats_in[0].shape == (2,)
    assert recorded.first_nonfinite() is None
    data = json.loads(json.dumps(recorded.to_dict(), allow_nan=False))
    assert [s for s in data["steps"] if s["op"] == "Mul"][0]["grads_in"][0]["values"] == [str(v) for v in w.data]


def test_non_scalar_needs_a_gradient_of_its_shape():
    x = tg.Tensor(np.ones((2, 3)), requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match=r"shape \(2, 3\).*gradient= of shape \(2, 3\)"):
        steps(y)
    with pytest.raises(RuntimeError, match=r"gradient has shape \(3,\) but the tensor has shape \(2, 3\)"):
        steps(y, gradient=np.ones(3))
    recorded = steps(y, gradient=np.full((2, 3), 0.5))
    np.testing.assert_allclose(recorded[0].grads_in[0], np.ones((2, 3)))


def test_freed_graph_is_named():
    x = tg.Tensor([1.0, 2.0], requires_grad=True)
    loss = x.exp().sum()
    loss.backward()
    with pytest.raises(RuntimeError, match=r"graph through Sum \(output shape \(\)\) was freed"):
        steps(loss)


def test_tensor_without_grad_is_refused():
    with pytest.raises(RuntimeError, match=r"shape \(4,\) does not require grad"):
        steps(tg.Tensor(np.ones(4)))
    with pytest.raises(TypeError, match="expected a Tensor"):
        steps(np.ones(3))


UNARY = ["exp", "tanh", "sigmoid", "relu", "abs"]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@given(st.lists(st.sampled_from(UNARY + ["mul_self", "add_x", "sum0"]), min_size=1, max_size=8),
       st.integers(1, 4), st.integers(1, 4), st.integers(0, 10_000))
def test_property_steps_agree_with_backward(chain, rows, cols, seed):
    """For any chain of ops with x reused: the steps' flows sum to each tensor's gradient, and the leaf gets .grad."""
    x = tg.Tensor(np.random.default_rng(seed).uniform(-1, 1, (rows, cols)), requires_grad=True)
    h = x
    for op in chain:
        if op == "mul_self":
            h = h * h
        elif op == "add_x" and h.shape == x.shape:
            h = h + x
        elif op == "sum0" and h.ndim == 2:
            h = h.sum(0)
        elif op in UNARY:
            h = getattr(h, op)()
    loss = (h * h).sum()
    recorded = steps(loss)
    for t in graph_tensors(loss):
        if t is not loss:
            np.testing.assert_allclose(flowing_into(recorded, t), recorded.grad_of(t), rtol=1e-12, atol=1e-15)
    loss.backward()
    np.testing.assert_array_equal(recorded.grad_of(x), x.grad.data)
    assert all(isinstance(s.stats_out, GradStats) for s in recorded)


# ---- compositions as one step (issue 14) --------------------------------------------------------------------
def _softmax(u):
    e = np.exp(u - u.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@given(st.integers(1, 5), st.integers(2, 6), st.integers(0, 2 ** 31 - 1))
def test_a_cross_entropy_pass_starts_at_cross_entropy_with_softmax_minus_y(n, classes, seed):
    """F41: the first step is the loss's own op, and what it hands the logits is (softmax(u) − y)/N, bit for bit
    what backward() puts in the logits' .grad."""
    import tinygrad_edu.functional as F

    rng = np.random.default_rng(seed)
    logits = tg.Tensor(rng.normal(size=(n, classes)) * 3, requires_grad=True)
    target = rng.integers(0, classes, size=n)
    loss = F.cross_entropy(logits, target)
    recorded = steps(loss)
    first = recorded[0]
    assert len(recorded) == 1 and first.op == "cross_entropy" and first.is_composite
    assert "softmax(u) − y" in first.rule_unicode and first.rule_latex
    assert first.input_names == ("logits",) and first.primitives[0] == "Div"
    expected = (_softmax(logits.data) - np.eye(classes)[target]) / n
    np.testing.assert_allclose(first.grads_in[0], expected, rtol=1e-10, atol=1e-13)
    loss.backward()
    np.testing.assert_array_equal(first.grads_in[0], logits.grad.data)


@pytest.mark.torch
def test_a_cross_entropy_step_matches_pytorch(torch):
    import tinygrad_edu.functional as F

    rng = np.random.default_rng(5)
    u = rng.normal(size=(4, 3))
    target = np.array([0, 2, 1, 2])
    (step,) = steps(F.cross_entropy(tg.Tensor(u, requires_grad=True), target))
    reference = torch.tensor(u, requires_grad=True)
    torch.nn.functional.cross_entropy(reference, torch.tensor(target)).backward()
    np.testing.assert_allclose(step.grads_in[0], reference.grad.numpy(), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_composite_steps_hand_the_parameters_exactly_their_grad(kind):
    model, loss = BUILDERS[kind]()
    recorded = steps(loss, names=model)
    composite = [s for s in recorded if s.is_composite]
    assert {s.op for s in composite} == ({"cross_entropy", "linear", "conv2d"} if kind == "cnn" else {"cross_entropy", "linear"})
    loss.backward()
    seen = set()
    for step in composite:
        for t, g in zip(step.fn.inputs, step.grads_in):
            if isinstance(t, tg.nn.Parameter):
                np.testing.assert_array_equal(g, t.grad.data)
                seen.add(id(t))
    assert len(seen) == 2 * sum(1 for s in composite if s.op in ("linear", "conv2d"))


def test_a_composite_called_twice_is_two_steps_each_with_its_share():
    import tinygrad_edu.functional as F

    rng = np.random.default_rng(3)
    w = tg.Tensor(rng.normal(size=(2, 3)), requires_grad=True)
    x1, x2 = tg.Tensor(rng.normal(size=(4, 3))), tg.Tensor(rng.normal(size=(4, 3)))
    total = (F.linear(x1, w) + F.linear(x2, w) * 2.0).sum()
    recorded = steps(total)
    linears = [s for s in recorded if s.op == "linear"]
    assert len(linears) == 2
    shares = {id(s.fn.inputs[0]): s.grads_in[1] for s in linears}
    np.testing.assert_allclose(shares[id(x1)], np.ones((4, 2)).T @ x1.data, rtol=1e-12)
    np.testing.assert_allclose(shares[id(x2)], 2 * np.ones((4, 2)).T @ x2.data, rtol=1e-12)
    np.testing.assert_allclose(shares[id(x1)] + shares[id(x2)], recorded.grad_of(w), rtol=1e-12)


def test_batch_norm_is_one_step_with_the_textbook_gradient():
    """δ_x = γ/√(σ² + ε)·(δ − mean δ − x̂·mean(δ x̂)), ∂E/∂γ = Σ δ x̂, ∂E/∂β = Σ δ over (N, H, W), as the rule says."""
    import tinygrad_edu.functional as F

    rng = np.random.default_rng(7)
    x = tg.Tensor(rng.normal(size=(3, 2, 2, 2)), requires_grad=True)
    gamma = tg.Tensor(rng.normal(size=2), requires_grad=True)
    beta = tg.Tensor(rng.normal(size=2), requires_grad=True)
    r = rng.normal(size=(3, 2, 2, 2))
    y = F.batch_norm(x, None, None, gamma, beta, training=True, eps=1e-5)
    loss = (y * tg.Tensor(r)).sum()
    recorded = steps(loss)
    (bn,) = [s for s in recorded if s.op == "batch_norm"]
    assert len(steps(loss, expand_composites=True)) - len(recorded) >= 10
    axes = (0, 2, 3)
    mu, var = x.data.mean(axes, keepdims=True), x.data.var(axes, keepdims=True)
    xhat = (x.data - mu) / np.sqrt(var + 1e-5)
    g = bn.grad_out
    dx = gamma.data.reshape(1, 2, 1, 1) / np.sqrt(var + 1e-5) * (
        g - g.mean(axes, keepdims=True) - xhat * (g * xhat).mean(axes, keepdims=True))
    grads = dict(zip(bn.input_names, bn.grads_in))
    np.testing.assert_allclose(grads["x"], dx, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(grads["gamma"], (g * xhat).sum(axes), rtol=1e-10)
    np.testing.assert_allclose(grads["beta"], g.sum(axes), rtol=1e-10)
    assert "x̂·mean(δ·x̂)" in bn.rule_unicode


def test_lrn_is_one_step_whose_gradient_matches_finite_differences():
    import tinygrad_edu.functional as F
    from tests.helpers import numeric_grad

    rng = np.random.default_rng(8)
    x = tg.Tensor(rng.normal(size=(1, 4, 2, 2)), requires_grad=True)
    v = rng.normal(size=(1, 4, 2, 2))
    loss = (F.local_response_norm(x, size=3, alpha=0.5, beta=0.75, k=1.0) * tg.Tensor(v)).sum()
    recorded = steps(loss)
    (lrn,) = [s for s in recorded if s.op == "local_response_norm"]
    assert len(lrn.primitives) >= 10 and "D_c" in lrn.rule_unicode
    expected = numeric_grad(lambda t: F.local_response_norm(t, size=3, alpha=0.5, beta=0.75, k=1.0), x, v)
    np.testing.assert_allclose(lrn.grads_in[0], expected, rtol=1e-6, atol=1e-8)


# ---- the lecture's notation (issue 14) ------------------------------------------------------------------------
def test_lecture_notation_names_layers_weights_and_deltas():
    from tinygrad_edu.demos import zoo_loss

    loss, net = zoo_loss("lenet5")
    recorded = steps(loss, names=net, notation="lecture")
    assert recorded.label(loss) == "E (loss)" and recorded.label(net.c1.weight) == "W₁ (c1.weight)"
    assert recorded.label(net.c1.bias) == "b₁ (c1.bias)" and recorded.label(net.output.weight) == "W₇ (output.weight)"
    linear = recorded[1]
    assert linear.op == "linear" and linear.output_name == "u₇ (output.out)" and linear.grad_name == "δ₇"
    assert linear.input_names == ("z₇ (act6.out)", "W₇ (output.weight)", "b₇ (output.bias)")
    relu = recorded[2]
    assert relu.grad_name == "∂E/∂z₇" and relu.input_names == ("u₆ (f6.out)",)
    assert "δ₇ at u₇ (output.out)" in str(linear)
    pool = next(s for s in recorded if s.op == "MaxPool2d")
    assert pool.output_name == "u₄ = z₅ (s4.out)" and pool.grad_name == "δ₄", "pooling: u_r = z_(r+1) (F36)"
    first_conv = [s for s in recorded if s.op == "conv2d"][-1]
    assert first_conv.input_names == ("z₁ (input)", "W₁ (c1.weight)", "b₁ (c1.bias)")
    with pytest.raises(ValueError, match="notation must be one of"):
        steps(loss, notation="greek")


# ---- on SymPy values: the formula per entry (issue 14) --------------------------------------------------------
def test_on_symbols_each_entry_shows_the_lectures_delta_as_it_emerges():
    """F39: δ₁ = W₂ᵀ δ₂ ⊙ f'(u₁), read entry by entry off the step of the activation, and printed as formulas."""
    import sympy
    import tinygrad_edu.functional as F
    from tinygrad_edu.inspect.html import page_data
    from tinygrad_edu.inspect.tui import Stepper
    from tinygrad_edu.symbolic import symbols

    x, w1, w2 = symbols("x", (1, 3)), symbols("W", (2, 3)), symbols("V", (2, 2))
    delta = symbols("d", (1, 2))
    u1 = F.linear(x, w1)
    u2 = F.linear(u1.tanh(), w2)
    recorded = steps(u2, gradient=delta)
    assert [s.op for s in recorded] == ["linear", "Tanh", "linear"]
    tanh = recorded[1]
    for j in range(2):
        u = sum(w1.data[j, k] * x.data[0, k] for k in range(3))
        expected = sum(w2.data[i, j] * delta.data[0, i] for i in range(2)) * (1 - sympy.tanh(u) ** 2)
        assert sympy.simplify(tanh.formula((0, j), input=0) - expected) == 0
    text = str(tanh)
    assert "(symbolic)" not in text and "δ[0, 1] = V₁₂·d₁₁ + V₂₂·d₁₂" in text
    assert "[0, 1] = (1 - tanh(W₂₁·x₁₁ + W₂₂·x₁₂ + W₂₃·x₁₃)^2)·(V₁₂·d₁₁ + V₂₂·d₁₂)" in text
    frame = Stepper(recorded).text(160, 40)
    assert "δ[0, 0] = d₁₁" in frame
    heat = page_data(recorded, None)["steps"][1]["heat"]
    assert heat[0]["formulas"][0]["index"] == "[0, 0]" and heat[1]["formulas"][1]["text"].count("tanh") == 1
    with pytest.raises(ValueError, match="hands no gradient"):
        dataclasses.replace(tanh, grads_in=(None,)).formula((0, 0), input=0)
