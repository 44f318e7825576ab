import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn
from tinygrad_edu.inspect.naming import forward_order, parameter_names, tensor_labels


def test_labels_prefer_names_then_parameters_then_numbers():
    layer = nn.Linear(2, 2)
    x = tg.Tensor(np.ones((1, 2), dtype=np.float32), name="x")
    y = (layer(x) * 2.5 + 3).sum()
    labels = tensor_labels(y, names={"w": layer.weight})
    assert labels[id(x)] == "x" and labels[id(layer.weight)] == "w"
    assert "2.5" in labels.values() and "3" in labels.values()
    unnamed = [v for v in labels.values() if v.startswith("t")]
    assert unnamed == [f"t{k}" for k in range(len(unnamed))]
    assert labels == tensor_labels(y, names={"w": layer.weight})


def test_forward_order_puts_inputs_first_and_survives_a_long_chain():
    x = tg.Tensor([1.0], requires_grad=True)
    h = x
    for _ in range(5000):
        h = h * 1.0
    order = forward_order(h)
    assert order[0] is x and order[-1] is h
    position = {id(t): i for i, t in enumerate(order)}
    assert all(position[id(p)] < position[id(t)] for t in order if t._ctx for p in t._ctx.inputs)


def test_parameter_names_from_a_module_or_mapping():
    model = nn.Sequential(nn.Linear(2, 3))
    assert sorted(parameter_names(model).values()) == ["0.bias", "0.weight"]
    assert parameter_names(None) == {}
    with pytest.raises(TypeError, match="Module or a mapping"):
        parameter_names(["w"])


# ---- the user's own names (issue 14): variables, module outputs ----------------------------------------------
def test_steps_call_tensors_by_the_callers_variable_names():
    from tinygrad_edu.inspect import steps

    x = tg.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    w = tg.Tensor(np.array([0.5, -1.0]), requires_grad=True)
    u = x * w
    loss = u.tanh().sum()
    recorded = steps(loss)
    assert recorded.label(loss) == "loss" and "backward pass of loss" in repr(recorded)
    mul = next(s for s in recorded if s.op == "Mul")
    assert mul.output_name == "u" and mul.input_names == ("x", "w")
    assert recorded.label(x) == "x" and steps(loss, variables={}).label(x).startswith("t")
    assert steps(loss, variables={"weights": w}).label(w) == "weights"


def test_a_tensors_own_name_wins_and_private_or_later_names_do_not():
    from tinygrad_edu.graph import variable_names

    a = tg.Tensor([1.0], requires_grad=True, name="alpha")
    b = a * 2
    _hidden = b
    also = b
    assert variable_names({"a": a, "b": b, "_hidden": _hidden, "also": also, "n": 3}) == {id(a): "a", id(b): "b"}
    assert tensor_labels(b, variables=variable_names(locals()))[id(a)] == "alpha"


def test_a_module_calls_output_is_named_after_the_module():
    from tests.inspect.models import SmallCNN
    from tinygrad_edu.graph import module_output_names
    import tinygrad_edu.functional as F

    tg.manual_seed(0)
    model = SmallCNN().double()
    logits = model(tg.Tensor(np.ones((1, 1, 8, 8))))
    names = module_output_names(forward_order(F.relu(logits)))
    outputs = {name for name in names.values()}
    assert {"c1.out", "pool.out", "c2.out", "fc.out"} <= outputs
    assert names[id(logits)] == "fc.out"
    pair = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))
    out = pair(tg.Tensor(np.ones((1, 2), dtype=np.float32)))
    assert sorted(module_output_names(forward_order(out)).values()) == ["0.out", "1.out"]
