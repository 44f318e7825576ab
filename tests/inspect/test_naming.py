import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn
from tinygrad_edu.inspect.naming import forward_order, parameter_names, tensor_labels


def test_labels_prefer_names_then_parameters_then_numbers():
    layer = nn.Linear(2, 2)
    x = tg.Tensor(np.ones((1, 2)), name="x")
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
