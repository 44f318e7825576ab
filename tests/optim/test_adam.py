"""Adam and AdamW take PyTorch's steps exactly (float64): betas, eps, weight decay (coupled and decoupled), AMSGrad,
maximize, groups; Adam's first step on SymPy numbers is the textbook w − η·g/(|g| + ε)."""
import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu.optim import Adam, AdamW

from .reference import run_against_torch

CONFIGS = [
    ("Adam", dict()),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("Adam", dict(lr=0.01, weight_decay=0.1, amsgrad=True, maximize=True)),
    ("Adam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("AdamW", dict()),
    ("AdamW", dict(lr=0.01, weight_decay=0.1)),
    ("AdamW", dict(lr=0.01, betas=(0.5, 0.9), weight_decay=0.3, amsgrad=True, maximize=True)),
]


@pytest.mark.torch
@pytest.mark.parametrize("name,kwargs", CONFIGS)
def test_steps_match_torch(torch, name, kwargs):
    run_against_torch(torch, name, kwargs)


@pytest.mark.torch
@pytest.mark.parametrize("name", ["Adam", "AdamW"])
def test_param_groups_with_their_own_options_match_torch(torch, name):
    run_against_torch(torch, name, dict(lr=0.01), group_options=dict(lr=0.1, betas=(0.5, 0.6), weight_decay=0.2))


@pytest.mark.torch
@given(name=st.sampled_from(["Adam", "AdamW"]), lr=st.floats(0, 1), beta1=st.floats(0, 0.999),
       beta2=st.floats(0, 0.9999), eps=st.floats(1e-10, 1e-2), weight_decay=st.floats(0, 0.5),
       amsgrad=st.booleans(), maximize=st.booleans())
def test_any_valid_hyper_parameters_match_torch(torch, name, lr, beta1, beta2, eps, weight_decay, amsgrad, maximize):
    run_against_torch(torch, name, dict(lr=lr, betas=(beta1, beta2), eps=eps, weight_decay=weight_decay,
                                        amsgrad=amsgrad, maximize=maximize), steps=4, rtol=1e-9)


def test_adamw_keeps_decoupled_weight_decay_after_loading_an_adam_state():
    p = tg.ones(2, dtype=np.float64, requires_grad=True)
    opt = AdamW([p])
    opt.load_state_dict(Adam([tg.ones(2, requires_grad=True)], weight_decay=0.01).state_dict())
    assert opt.param_groups[0]["decoupled_weight_decay"] is True


def test_first_step_on_symbols_is_the_textbook_rule():
    """m̂₁ = g and v̂₁ = g², so the first step is w − η·g/(√(g²) + ε), element by element."""
    w, g, eta, eps = sympy.symbols("w g eta epsilon", positive=True)
    weights = np.array([w, 2 * w], dtype=object)
    p = tg.Tensor(weights.copy(), requires_grad=True)
    p.grad = tg.Tensor(np.array([g, g * w], dtype=object))
    Adam([p], lr=eta, eps=eps).step()
    for after, before, grad in zip(p.data, weights, [g, g * w]):
        assert sympy.simplify(after - (before - eta * grad / (sympy.sqrt(grad ** 2) + eps))) == 0
