"""The model zoo as the export tests use it: every model models.build knows (read from its own error message,
so a new zoo model is tested without editing this list), with an input shape and non-trivial BN statistics."""
from __future__ import annotations

import ast

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.nn.models import build

INPUTS = {"lenet5": (2, 1, 32, 32), "digits-cnn": (2, 1, 8, 8), "alexnet-small": (2, 3, 32, 32),
          "resnet-block": (2, 8, 8, 8), "inception-block": (2, 8, 8, 8), "separable-block": (2, 8, 8, 8)}
#: extra configurations of zoo classes: MNIST-sized LeNet-5 (padded C1), classic LeNet-5 (tanh, average
#: pooling), a strided residual block with its projection shortcut, a separable block with batch norm
VARIANTS = {"lenet5-mnist": ("lenet5", dict(input_size=28), (2, 1, 28, 28)),
            "lenet5-classic": ("lenet5", dict(classic=True), (2, 1, 32, 32)),
            "resnet-block-stride2": ("resnet-block", dict(out_channels=16, stride=2), (2, 8, 9, 9))}


def zoo_names() -> list[str]:
    try:
        build("no such model")
    except ValueError as err:
        return ast.literal_eval(str(err)[str(err).index("["):])
    raise AssertionError("models.build accepted an unknown name")


def zoo_cases() -> list:
    names = zoo_names()
    assert set(names) <= set(INPUTS), f"new zoo models {set(names) - set(INPUTS)}: give them an input shape here"
    cases = [pytest.param(n, {}, INPUTS[n], id=n) for n in names]
    cases += [pytest.param(name, kwargs, shape, id=key) for key, (name, kwargs, shape) in VARIANTS.items()]
    return cases


def zoo_model(name: str, kwargs: dict, seed: int = 0):
    """The model with random running statistics in its batch norms (so eval mode is not the identity)."""
    tg.manual_seed(seed)
    model = build(name, **kwargs)
    rng = np.random.default_rng(seed)
    for module in model.modules():
        if getattr(module, "running_var", None) is not None:
            module.running_mean.data[...] = rng.standard_normal(module.running_mean.shape)
            module.running_var.data[...] = rng.uniform(0.5, 2.0, module.running_var.shape)
            module.weight.data[...] = rng.uniform(0.5, 1.5, module.weight.shape)
            module.bias.data[...] = rng.standard_normal(module.bias.shape)
    return model
