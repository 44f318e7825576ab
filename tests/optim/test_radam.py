"""RAdam takes PyTorch's steps (float64 exactly, float32 to 1e-4) on both sides of ρ_t = 5: betas, weight
decay (coupled and decoupled), maximize, groups."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_edu as tg

from .reference import run_against_torch, torch_parity_tests

NAME = "RAdam"
CONFIGS = [
    dict(),
    dict(lr=0.01, betas=(0.8, 0.9), eps=1e-6),
    dict(lr=0.01, weight_decay=0.1),
    dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True),
    dict(lr=0.05, betas=(0.5, 0.6), maximize=True),
]


(test_steps_match_torch, test_trajectory_on_a_loss_matches_torch,
 test_param_groups_with_their_own_options_match_torch) = torch_parity_tests(NAME, CONFIGS)


@pytest.mark.torch
@given(lr=st.floats(0, 1), beta1=st.floats(0, 0.999), beta2=st.floats(0, 0.999), eps=st.floats(1e-10, 1e-2),
       weight_decay=st.floats(0, 0.5), decoupled=st.booleans(), maximize=st.booleans())
def test_any_valid_hyper_parameters_match_torch(torch, lr, beta1, beta2, eps, weight_decay, decoupled, maximize):
    run_against_torch(torch, NAME, dict(lr=lr, betas=(beta1, beta2), eps=eps, weight_decay=weight_decay,
                                        decoupled_weight_decay=decoupled, maximize=maximize), steps=4, rtol=1e-9)


@pytest.mark.torch
@pytest.mark.parametrize("kwargs", [
    dict(lr=-1.0), dict(eps=-1e-3), dict(betas=(-0.1, 0.9)), dict(betas=(0.9, 1.0)), dict(weight_decay=-0.1),
])
def test_bad_hyper_parameters_raise_torchs_class(torch, kwargs):
    with pytest.raises(Exception) as theirs:
        getattr(torch.optim, NAME)([torch.ones(2, requires_grad=True)], **kwargs)
    with pytest.raises(type(theirs.value), match=NAME + ": Invalid"):
        getattr(tg.optim, NAME)([tg.ones(2, requires_grad=True)], **kwargs)
