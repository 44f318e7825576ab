"""RMSprop takes PyTorch's steps exactly (float64): alpha, eps, weight decay, momentum, centring, maximize, groups."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from .reference import run_against_torch

CONFIGS = [
    dict(),
    dict(lr=0.01, alpha=0.9),
    dict(lr=0.01, centered=True),
    dict(lr=0.01, momentum=0.9),
    dict(lr=0.01, momentum=0.5, centered=True, weight_decay=0.1, eps=1e-4),
    dict(lr=0.01, maximize=True, momentum=0.3),
]


@pytest.mark.torch
@pytest.mark.parametrize("kwargs", CONFIGS)
def test_steps_match_torch(torch, kwargs):
    run_against_torch(torch, "RMSprop", kwargs)


@pytest.mark.torch
def test_param_groups_with_their_own_options_match_torch(torch):
    run_against_torch(torch, "RMSprop", dict(lr=0.01), group_options=dict(lr=0.05, alpha=0.5, weight_decay=0.1))


@pytest.mark.torch
@given(lr=st.floats(0, 1), alpha=st.floats(0.01, 0.999), eps=st.floats(1e-10, 1e-2), weight_decay=st.floats(0, 0.5),
       momentum=st.floats(0, 0.99), centered=st.booleans(), maximize=st.booleans())
def test_any_valid_hyper_parameters_match_torch(torch, lr, alpha, eps, weight_decay, momentum, centered, maximize):
    """α ≥ 0.01: at α = 0 the centred variance g² − g² is 0 up to PyTorch's fused multiply-add, NaN there."""
    kwargs = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum, centered=centered,
                  maximize=maximize)
    run_against_torch(torch, "RMSprop", kwargs, steps=4, rtol=1e-9)
