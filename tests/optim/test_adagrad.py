"""Adagrad takes PyTorch's steps exactly (float64): lr_decay, weight decay, initial accumulator, eps, maximize."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu.optim import Adagrad

from .reference import run_against_torch

CONFIGS = [
    dict(),
    dict(lr=0.1, lr_decay=0.05),
    dict(lr=0.1, weight_decay=0.1, initial_accumulator_value=0.5),
    dict(lr=0.1, eps=1e-3, maximize=True),
]


@pytest.mark.torch
@pytest.mark.parametrize("kwargs", CONFIGS)
def test_steps_match_torch(torch, kwargs):
    run_against_torch(torch, "Adagrad", kwargs)


@pytest.mark.torch
def test_param_groups_with_their_own_options_match_torch(torch):
    run_against_torch(torch, "Adagrad", dict(lr=0.1), group_options=dict(lr=0.5, lr_decay=0.1))


@pytest.mark.torch
@given(lr=st.floats(0, 1), lr_decay=st.floats(0, 1), weight_decay=st.floats(0, 0.5),
       initial_accumulator_value=st.floats(0, 2), eps=st.floats(1e-10, 1e-2), maximize=st.booleans())
def test_any_valid_hyper_parameters_match_torch(torch, lr, lr_decay, weight_decay, initial_accumulator_value, eps,
                                                maximize):
    run_against_torch(torch, "Adagrad", dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay, eps=eps,
                                             initial_accumulator_value=initial_accumulator_value, maximize=maximize),
                      steps=4, rtol=1e-9)


@pytest.mark.torch
def test_state_exists_from_construction_as_in_torch(torch):
    p = tg.ones(2, 3, requires_grad=True)
    opt = Adagrad([p], initial_accumulator_value=0.25)
    theirs = torch.optim.Adagrad([torch.ones(2, 3, requires_grad=True)], initial_accumulator_value=0.25)
    assert opt.state[p].keys() == theirs.state_dict()["state"][0].keys()
    assert float(opt.state[p]["step"]) == 0.0 and (opt.state[p]["sum"] == 0.25).all()
