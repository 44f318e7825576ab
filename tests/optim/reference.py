"""Run one of our optimisers and PyTorch's side by side on the same float64 parameters and gradients."""
import numpy as np
import pytest

import tinygrad_edu as tg

from .quadratic import run_on_quadratic

SHAPES = [(3, 4), (5,), ()]


def twin_parameters(torch, rng):
    """Equal float64 parameters: ours and PyTorch's (three tensors, one of them 0-d)."""
    starts = [np.asarray(rng.standard_normal(shape), dtype=np.float64) for shape in SHAPES]
    return ([tg.Tensor(a.copy(), requires_grad=True) for a in starts],
            [torch.tensor(a.copy(), requires_grad=True) for a in starts])


def grouped(params, group_options):
    """All parameters in one list, or two groups, the second with its own options."""
    if group_options is None:
        return list(params)
    return [{"params": params[:2]}, {"params": params[2:], **group_options}]


def give_gradients(torch, rng, ours, theirs, skip=()):
    """The same random gradient on both sides; parameters whose index is in `skip` get none this step."""
    for i, (o, t) in enumerate(zip(ours, theirs)):
        if i in skip:
            o.grad, t.grad = None, None
            continue
        g = np.asarray(rng.standard_normal(o.shape), dtype=np.float64)
        o.grad, t.grad = tg.Tensor(g.copy()), torch.tensor(g.copy())


def to_numpy(value):
    """A PyTorch state value (tensor, or a container of them) as NumPy."""
    if hasattr(value, "detach"):
        return value.detach().numpy()
    if isinstance(value, dict):
        return {k: to_numpy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(to_numpy(v) for v in value)
    return value


def assert_same_state(opt, opt_t, rtol=1e-12, atol=1e-14):
    """Our state_dict equals PyTorch's: same indices, same state names, same numbers."""
    ours, theirs = opt.state_dict(), opt_t.state_dict()
    assert ours["state"].keys() == theirs["state"].keys()
    for index, state in ours["state"].items():
        assert state.keys() == theirs["state"][index].keys()
        for name, value in state.items():
            np.testing.assert_allclose(np.asarray(value, dtype=np.float64), to_numpy(theirs["state"][index][name]),
                                       rtol=rtol, atol=atol, err_msg=f"state[{index}][{name!r}]")
    for group, group_t in zip(ours["param_groups"], theirs["param_groups"]):
        assert group["params"] == group_t["params"]
        for key, value in group.items():
            assert value == group_t[key], key


def run_against_torch(torch, name, kwargs, group_options=None, steps=6, seed=0, rtol=1e-12):
    """`steps` steps of tg.optim.<name> and torch.optim.<name>; parameters (and states) agree after every step.
    From the third step on, the 0-d parameter has no gradient every other step (it must stay put). Random
    hyper-parameters get a looser rtol: near-cancelling ones (RMSprop centred with small α) amplify rounding."""
    rng = np.random.default_rng(seed)
    ours, theirs = twin_parameters(torch, rng)
    opt = getattr(tg.optim, name)(grouped(ours, group_options), **kwargs)
    opt_t = getattr(torch.optim, name)(grouped(theirs, group_options), **kwargs)
    for step in range(steps):
        give_gradients(torch, rng, ours, theirs, skip=(2,) if step >= 2 and step % 2 else ())
        opt.step()
        opt_t.step()
        for o, t in zip(ours, theirs):
            np.testing.assert_allclose(o.data, t.detach().numpy(), rtol=rtol, atol=1e-14,
                                       err_msg=f"{name}({kwargs}) step {step + 1}")
    assert_same_state(opt, opt_t, rtol=rtol)
    return opt, opt_t, ours, theirs


def torch_parity_tests(name: str, configs: list) -> tuple:
    """The three tests every optimiser file runs against PyTorch, for the optimiser `name`: its steps under each of
    `configs`, its trajectory on a quadratic loss in float64 and float32, and two param groups with their own
    options (configs[1] and lr=0.03, maximize=True). Assign them to test_* names at a test module's top level."""
    @pytest.mark.torch
    @pytest.mark.parametrize("kwargs", configs)
    def test_steps_match_torch(torch, kwargs):
        run_against_torch(torch, name, kwargs, steps=10)

    @pytest.mark.torch
    @pytest.mark.parametrize("dtype", [np.float64, np.float32])
    @pytest.mark.parametrize("kwargs", configs)
    def test_trajectory_on_a_loss_matches_torch(torch, kwargs, dtype):
        run_on_quadratic(torch, name, kwargs, dtype=dtype, steps=12)

    @pytest.mark.torch
    def test_param_groups_with_their_own_options_match_torch(torch):
        run_against_torch(torch, name, configs[1], group_options=dict(lr=0.03, maximize=True), steps=10)

    return (test_steps_match_torch, test_trajectory_on_a_loss_matches_torch,
            test_param_groups_with_their_own_options_match_torch)
