"""SGD takes PyTorch's steps exactly (float64): momentum, dampening, Nesterov, weight decay, maximize, groups."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from .reference import run_against_torch

CONFIGS = [
    dict(),
    dict(lr=0.1),
    dict(lr=0.1, momentum=0.9),
    dict(lr=0.1, momentum=0.9, nesterov=True),
    dict(lr=0.05, momentum=0.5, weight_decay=0.01, dampening=0.1),
    dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.1, maximize=True),
    dict(lr=0.1, maximize=True),
]


@pytest.mark.torch
@pytest.mark.parametrize("kwargs", CONFIGS)
def test_steps_match_torch(torch, kwargs):
    run_against_torch(torch, "SGD", kwargs)


@pytest.mark.torch
def test_param_groups_with_their_own_options_match_torch(torch):
    run_against_torch(torch, "SGD", dict(lr=0.1, momentum=0.9), group_options=dict(lr=0.01, nesterov=True))


@pytest.mark.torch
@given(lr=st.floats(0, 1), momentum=st.floats(0, 0.99), dampening=st.floats(0, 1), weight_decay=st.floats(0, 0.5),
       nesterov=st.booleans(), maximize=st.booleans())
def test_any_valid_hyper_parameters_match_torch(torch, lr, momentum, dampening, weight_decay, nesterov, maximize):
    if nesterov:
        momentum, dampening = max(momentum, 0.01), 0.0
    run_against_torch(torch, "SGD", dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                         nesterov=nesterov, maximize=maximize), steps=4, rtol=1e-9)
