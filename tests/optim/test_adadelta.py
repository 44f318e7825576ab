"""Adadelta takes PyTorch's steps (float64 exactly, float32 to 1e-4): lr, rho, eps, weight decay, maximize,
groups."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_edu as tg

from .reference import run_against_torch, torch_parity_tests

NAME = "Adadelta"
CONFIGS = [
    dict(),
    dict(lr=0.5, rho=0.5, eps=1e-4),
    dict(lr=1.0, weight_decay=0.1),
    dict(lr=2.0, rho=0.95, weight_decay=0.05, maximize=True),
]


(test_steps_match_torch, test_trajectory_on_a_loss_matches_torch,
 test_param_groups_with_their_own_options_match_torch) = torch_parity_tests(NAME, CONFIGS)


@pytest.mark.torch
@given(lr=st.floats(0, 2), rho=st.floats(0, 1), eps=st.floats(1e-10, 1e-2), weight_decay=st.floats(0, 0.5),
       maximize=st.booleans())
def test_any_valid_hyper_parameters_match_torch(torch, lr, rho, eps, weight_decay, maximize):
    run_against_torch(torch, NAME, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize),
                      steps=4, rtol=1e-9)


@pytest.mark.torch
@pytest.mark.parametrize("kwargs", [
    dict(lr=-1.0), dict(rho=1.5), dict(rho=-0.1), dict(eps=-1e-3), dict(weight_decay=-0.1),
])
def test_bad_hyper_parameters_raise_torchs_class(torch, kwargs):
    with pytest.raises(Exception) as theirs:
        getattr(torch.optim, NAME)([torch.ones(2, requires_grad=True)], **kwargs)
    with pytest.raises(type(theirs.value), match=NAME + ": Invalid"):
        getattr(tg.optim, NAME)([tg.ones(2, requires_grad=True)], **kwargs)
