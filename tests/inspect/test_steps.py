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


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_every_step_matches_autograd_grad(kind):
    _, loss = BUILDERS[kind]()
    recorded = steps(loss)
    for step in recorded:
        out = step.fn.output
        (expected,) = tg.grad(loss, [out], retain_graph=True)
        np.testing.assert_allclose(step.grad_out, expected.data, rtol=1e-12, atol=1e-15, err_msg=str(step))
    for t in graph_tensors(loss):
        if t is loss:
            continue
        (expected,) = tg.grad(loss, [t], retain_graph=True)
        np.testing.assert_allclose(flowing_into(recorded, t), expected.data, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_order_is_the_engines(kind):
    _, loss = BUILDERS[kind]()
    recorded = steps(loss)
    seed = tg.Tensor(np.ones(()), dtype=loss.dtype)
    engine = [s.fn for s in backward_steps(loss, seed, retain_graph=True, capture={}) if s.fn is not None]
    assert [s.fn for s in recorded] == engine
    assert [s.index for s in recorded] == list(range(len(engine)))
    assert len(recorded) == len({id(s.fn) for s in recorded})


def test_cnn_steps_name_modules_ops_and_parameters():
    model, loss = cnn_loss()
    recorded = steps(loss, names=model)
    ops = {s.op for s in recorded}
    assert {"Conv2d", "MaxPool2d", "AvgPool2d", "Relu", "MatMul", "LogSoftmax"} <= ops
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
    matmuls = [s.index for s in recorded if s.op == "MatMul"]
    recorded.break_on(op="MatMul")
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
    assert {s.module for s in [recorded.continue_(), recorded.continue_()]} == {"2"}
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
    with pytest.raises(ValueError, match=r"no step has op 'Conv2D'.*'MatMul'"):
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
