"""Rprop takes PyTorch's steps (float64 exactly, float32 to 1e-4): etas, step-size bounds, maximize, groups;
the step sizes grow while the sign holds and shrink when it flips."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_edu as tg

from .reference import run_against_torch, torch_parity_tests

NAME = "Rprop"
CONFIGS = [
    dict(),
    dict(lr=0.1, etas=(0.3, 1.5)),
    dict(lr=0.05, step_sizes=(1e-3, 0.08)),
    dict(lr=0.01, maximize=True),
]


(test_steps_match_torch, test_trajectory_on_a_loss_matches_torch,
 test_param_groups_with_their_own_options_match_torch) = torch_parity_tests(NAME, CONFIGS)


@pytest.mark.torch
@given(lr=st.floats(0, 1), eta_minus=st.floats(0.01, 0.99), eta_plus=st.floats(1.01, 3.0),
       step_min=st.floats(0, 1e-3), step_max=st.floats(0.01, 10), maximize=st.booleans())
def test_any_valid_hyper_parameters_match_torch(torch, lr, eta_minus, eta_plus, step_min, step_max, maximize):
    run_against_torch(torch, NAME, dict(lr=lr, etas=(eta_minus, eta_plus), step_sizes=(step_min, step_max),
                                        maximize=maximize), steps=5, rtol=1e-9)


@pytest.mark.torch
@pytest.mark.parametrize("kwargs", [
    dict(lr=-1.0), dict(etas=(0.0, 1.2)), dict(etas=(0.5, 1.0)), dict(etas=(1.1, 1.2)),
])
def test_bad_hyper_parameters_raise_torchs_class(torch, kwargs):
    with pytest.raises(Exception) as theirs:
        getattr(torch.optim, NAME)([torch.ones(2, requires_grad=True)], **kwargs)
    with pytest.raises(type(theirs.value), match=NAME + ": Invalid"):
        getattr(tg.optim, NAME)([tg.ones(2, requires_grad=True)], **kwargs)
