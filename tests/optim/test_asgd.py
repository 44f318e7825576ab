"""ASGD takes PyTorch's steps (float64 exactly, float32 to 1e-4): the decaying rate, λ, α, averaging from t0
on (state['ax']), weight decay, maximize, groups."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_edu as tg

from .reference import run_against_torch, torch_parity_tests

NAME = "ASGD"
CONFIGS = [
    dict(),
    dict(lr=0.05, lambd=1e-2, alpha=0.5, t0=2),
    dict(lr=0.05, t0=0, weight_decay=0.1),
    dict(lr=0.02, lambd=0.1, t0=3, maximize=True),
]


(test_steps_match_torch, test_trajectory_on_a_loss_matches_torch,
 test_param_groups_with_their_own_options_match_torch) = torch_parity_tests(NAME, CONFIGS)


@pytest.mark.torch
@given(lr=st.floats(0, 0.5), lambd=st.floats(0, 0.5), alpha=st.floats(0, 1), t0=st.integers(0, 6),
       weight_decay=st.floats(0, 0.5), maximize=st.booleans())
def test_any_valid_hyper_parameters_match_torch(torch, lr, lambd, alpha, t0, weight_decay, maximize):
    run_against_torch(torch, NAME, dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                                        maximize=maximize), steps=6, rtol=1e-9)


@pytest.mark.torch
@pytest.mark.parametrize("kwargs", [
    dict(lr=-1.0), dict(weight_decay=-0.1),
])
def test_bad_hyper_parameters_raise_torchs_class(torch, kwargs):
    with pytest.raises(Exception) as theirs:
        getattr(torch.optim, NAME)([torch.ones(2, requires_grad=True)], **kwargs)
    with pytest.raises(type(theirs.value), match=NAME + ": Invalid"):
        getattr(tg.optim, NAME)([tg.ones(2, requires_grad=True)], **kwargs)
