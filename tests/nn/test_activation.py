"""Activation modules: PyTorch's constructors, reprs and outputs; Softmax() without dim warns as PyTorch."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn
from tests.helpers import assert_close, rand64, to_torch

MODULES = [
    ("ReLU", (), {"inplace": True}), ("Sigmoid", (), {}), ("Tanh", (), {}), ("LeakyReLU", (0.2,), {}),
    ("LeakyReLU", (), {"inplace": True}), ("Softmax", (1,), {}), ("LogSoftmax", (), {"dim": 0}), ("Softmin", (1,), {}),
    ("ELU", (0.5,), {}), ("CELU", (), {"alpha": 2.0}), ("SELU", (), {}), ("GELU", ("tanh",), {}), ("GELU", (), {}),
    ("SiLU", (), {}), ("Mish", (), {}), ("Softplus", (2.0, 5.0), {}), ("LogSigmoid", (), {}),
    ("Hardtanh", (-0.5, 2.0), {}), ("Hardtanh", (), {"min_value": -2.0}), ("ReLU6", (), {"inplace": True}),
]


@pytest.mark.torch
@pytest.mark.parametrize("name,args,kwargs", MODULES, ids=[f"{m[0]}{i}" for i, m in enumerate(MODULES)])
def test_module_matches_torch_in_repr_output_and_gradient(torch, name, args, kwargs):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # Hardtanh's min_value spelling
        ours, theirs = getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    x = rand64(np.random.default_rng(0), (3, 4), -4, 4)
    xt = to_torch(torch, x)
    y, yt = ours(x), theirs(xt.clone() if kwargs.get("inplace") else xt)
    assert_close(y, yt, rtol=1e-12, atol=1e-14)
    y.sum().backward()
    yt.sum().backward()
    assert_close(x.grad, xt.grad, rtol=1e-12, atol=1e-14)


@pytest.mark.torch
@pytest.mark.parametrize("name", ["Softmax", "LogSoftmax", "Softmin"])
def test_softmax_module_without_dim_uses_pytorchs_implicit_dim_and_points_the_warning_at_the_caller(torch, name):
    x = rand64(np.random.default_rng(1), (2, 3, 4, 5))
    with pytest.warns(UserWarning, match="Implicit dimension choice") as caught:
        y = getattr(nn, name)()(x)
    assert caught[0].filename == __file__
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_close(y, getattr(torch.nn, name)()(to_torch(torch, x)), rtol=1e-12)
    assert_close(y, getattr(nn, name)(1)(x))


def test_inplace_modules_leave_their_input_alone():
    x = tg.Tensor(np.array([-1.0, 2.0]))
    y = nn.ReLU(inplace=True)(x)
    assert y.data.tolist() == [0.0, 2.0] and x.data.tolist() == [-1.0, 2.0]


def test_hardtanh_refuses_inverted_bounds():
    with pytest.raises(ValueError, match="Hardtanh: min_val 1.0 must not exceed max_val -1.0"):
        nn.Hardtanh(1.0, -1.0)


def test_the_old_home_still_exports_the_lecture_activations():
    from tinygrad_edu.nn import layers

    assert layers.ReLU is nn.ReLU and layers.LeakyReLU is nn.LeakyReLU and layers.Tanh is nn.Tanh
