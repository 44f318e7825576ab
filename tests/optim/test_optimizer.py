"""Optimizer, the base class: param groups, per-parameter state, PyTorch's state_dict format (round trip, and a
PyTorch state_dict loads), zero_grad, step(closure), in-place updates and version counters, named errors."""
import copy

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.errors import ShapeError
from tinygrad_edu.optim import SGD, Adagrad, Adam, AdamW, Optimizer, RMSprop

from .reference import give_gradients, grouped, to_numpy, twin_parameters

CONFIGS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)),
    ("SGD", dict(lr=0.05, momentum=0.5, weight_decay=0.01, dampening=0.1)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
]

STATEFUL = [
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("AdamW", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, momentum=0.5, centered=True)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01)),
    ("Adamax", dict(lr=0.01, weight_decay=0.1)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("RAdam", dict(lr=0.01, weight_decay=0.1)),
    ("Adadelta", dict(lr=0.5, weight_decay=0.1)),
    ("Rprop", dict(lr=0.01)),
    ("ASGD", dict(lr=0.01, t0=1)),
]


@pytest.mark.torch
@pytest.mark.parametrize("name,kwargs", CONFIGS)
def test_steps_match_torch(torch, name, kwargs):
    """Through backward, as a training loop does."""
    rng = np.random.default_rng(0)
    start = rng.standard_normal((3, 4))
    ours = tg.Tensor(start.copy(), requires_grad=True)
    theirs = torch.tensor(start.copy(), requires_grad=True)
    opt = {"SGD": SGD, "Adam": Adam}[name]([ours], **kwargs)
    opt_t = getattr(torch.optim, name)([theirs], **kwargs)
    for _ in range(5):
        target = rng.standard_normal((3, 4))
        opt.zero_grad()
        opt_t.zero_grad()
        ((ours - tg.Tensor(target)) ** 2).sum().backward()
        ((theirs - torch.tensor(target)) ** 2).sum().backward()
        opt.step()
        opt_t.step()
        np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-12, atol=1e-14)


def test_parameters_without_gradient_are_left_alone():
    a, b = tg.ones(2, requires_grad=True), tg.ones(2, requires_grad=True)
    opt = SGD([a, b], lr=1.0)
    (a * 3).sum().backward()
    opt.step()
    assert a.data.tolist() == [-2.0, -2.0] and b.data.tolist() == [1.0, 1.0]
    assert b not in opt.state


def test_bad_hyper_parameters_are_named():
    p = tg.ones(2, requires_grad=True)
    with pytest.raises(ValueError, match=r"^SGD: Invalid learning rate: -1 "):
        SGD([p], lr=-1)
    with pytest.raises(ValueError, match="SGD: Nesterov momentum requires a momentum and zero dampening"):
        SGD([p], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="SGD: Nesterov momentum requires"):
        SGD([p], lr=0.1, momentum=0.9, dampening=0.1, nesterov=True)
    with pytest.raises(ValueError, match=r"Adam: Invalid beta parameter at index 0: 1\.0"):
        Adam([p], betas=(1.0, 0.9))
    with pytest.raises(ValueError, match=r"AdamW: Invalid beta parameter at index 1: -0\.1"):
        AdamW([p], betas=(0.9, -0.1))
    with pytest.raises(ValueError, match="empty parameter list"):
        Adam([])


@pytest.mark.parametrize("cls,kwargs,message", [
    (SGD, dict(momentum=-0.1), "SGD: Invalid momentum value: -0.1"),
    (SGD, dict(weight_decay=-1), "SGD: Invalid weight_decay value: -1"),
    (Adam, dict(lr=-1), "Adam: Invalid learning rate: -1"),
    (Adam, dict(eps=-1e-8), "Adam: Invalid epsilon value: -1e-08"),
    (Adam, dict(weight_decay=-1), "Adam: Invalid weight_decay value: -1"),
    (RMSprop, dict(alpha=-0.5), "RMSprop: Invalid alpha value: -0.5"),
    (RMSprop, dict(momentum=-1), "RMSprop: Invalid momentum value: -1"),
    (RMSprop, dict(eps=-1), "RMSprop: Invalid epsilon value: -1"),
    (Adagrad, dict(lr_decay=-1), "Adagrad: Invalid lr_decay value: -1"),
    (Adagrad, dict(initial_accumulator_value=-1), "Adagrad: Invalid initial_accumulator_value value: -1"),
    (Adagrad, dict(eps=-1), "Adagrad: Invalid epsilon value: -1"),
])
def test_every_hyper_parameter_rule_raises_value_error_naming_the_optimiser(cls, kwargs, message):
    with pytest.raises(ValueError, match="^" + message.replace(".", r"\.") + " "):
        cls([tg.ones(2, requires_grad=True)], **kwargs)


@pytest.mark.torch
@pytest.mark.parametrize("cls,kwargs", [(SGD, dict(lr=-1)), (SGD, dict(lr=0.1, nesterov=True)),
                                        (Adam, dict(betas=(1.0, 0.9))), (RMSprop, dict(alpha=-1)),
                                        (Adagrad, dict(lr_decay=-1))])
def test_pytorch_raises_value_error_for_the_same_hyper_parameters(torch, cls, kwargs):
    with pytest.raises(ValueError) as theirs:
        getattr(torch.optim, cls.__name__)([torch.ones(2, requires_grad=True)], **kwargs)
    with pytest.raises(ValueError) as ours:
        cls([tg.ones(2, requires_grad=True)], **kwargs)
    assert str(theirs.value) in str(ours.value)


def test_a_group_option_is_checked_too():
    with pytest.raises(ValueError, match="SGD: Invalid learning rate: -0.5"):
        SGD([{"params": [tg.ones(2, requires_grad=True)]}, {"params": [tg.ones(1, requires_grad=True)], "lr": -0.5}])


# ---- param groups -------------------------------------------------------------------------------------------------
def test_groups_take_their_own_options_and_defaults_fill_the_rest():
    base, head = tg.nn.Linear(3, 4), tg.nn.Linear(4, 2)
    opt = SGD([{"params": base.parameters()}, {"params": head.parameters(), "lr": 1e-3}], lr=0.1, momentum=0.9)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 1e-3]
    assert all(g["momentum"] == 0.9 and g["nesterov"] is False for g in opt.param_groups)
    assert [len(g["params"]) for g in opt.param_groups] == [2, 2]
    assert opt.defaults["lr"] == 0.1


def test_setting_a_groups_lr_changes_the_next_step():
    a, b = tg.ones(2, requires_grad=True), tg.ones(2, requires_grad=True)
    opt = SGD([{"params": [a]}, {"params": [b]}], lr=1.0)
    opt.param_groups[1]["lr"] = 0.5
    a.grad, b.grad = tg.ones(2), tg.ones(2)
    opt.step()
    assert a.data.tolist() == [0.0, 0.0] and b.data.tolist() == [0.5, 0.5]


def test_add_param_group_adds_parameters_with_defaults():
    a, b = tg.ones(2, requires_grad=True), tg.ones(3, requires_grad=True)
    opt = Adam([a], lr=0.01)
    opt.add_param_group({"params": b, "betas": (0.5, 0.9)})
    assert len(opt.param_groups[1]["params"]) == 1 and opt.param_groups[1]["params"][0] is b
    assert opt.param_groups[1]["lr"] == 0.01 and opt.param_groups[1]["betas"] == (0.5, 0.9)
    b.grad = tg.ones(3)
    opt.step()
    assert b in opt.state and a not in opt.state


@pytest.mark.parametrize("make,error,message", [
    (lambda p, q: SGD(p, lr=0.1), TypeError, "params should be an iterable of Tensors or dicts"),
    (lambda p, q: SGD([{"params": {p, q}}], lr=0.1), TypeError, "ordered collection"),
    (lambda p, q: SGD([p, np.ones(2)], lr=0.1), TypeError, "SGD can only optimize Tensors, but one of the params is "
                                                           "ndarray"),
    (lambda p, q: SGD([p * 2], lr=0.1), ValueError, "can't optimize a non-leaf Tensor"),
    (lambda p, q: SGD([{"params": [p]}, {"params": [q, p]}], lr=0.1), ValueError, "more than one parameter group"),
    (lambda p, q: SGD([{"params": [p]}, {"params": [("q", q)]}], lr=0.1), ValueError, "with names"),
    (lambda p, q: SGD([p], lr=0.1).add_param_group([q]), TypeError, "param_group must be a dict"),
])
def test_bad_parameter_lists_are_refused_as_pytorch_does(make, error, message):
    p, q = tg.ones(2, requires_grad=True), tg.ones(2, requires_grad=True)
    with pytest.raises(error, match=message):
        make(p, q)


def test_a_parameter_twice_in_one_group_warns():
    p = tg.ones(2, requires_grad=True)
    with pytest.warns(UserWarning, match="same parameter twice"):
        SGD([p, p], lr=0.1)


@pytest.mark.torch
def test_named_parameters_give_param_names_as_in_torch(torch):
    net = tg.nn.Linear(3, 2)
    theirs = torch.nn.Linear(3, 2)
    opt, opt_t = SGD(net.named_parameters(), lr=0.1), torch.optim.SGD(theirs.named_parameters(), lr=0.1)
    assert opt.param_groups[0]["param_names"] == opt_t.param_groups[0]["param_names"] == ["weight", "bias"]
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["weight", "bias"]
    assert [id(p) for p in opt.param_groups[0]["params"]] == [id(net.weight), id(net.bias)]


def test_repr_lists_the_groups_like_pytorch():
    text = repr(SGD([tg.ones(2, requires_grad=True)], lr=0.1, momentum=0.9))
    assert text.startswith("SGD (\nParameter Group 0\n") and "    lr: 0.1\n" in text and "    momentum: 0.9" in text
    assert text.endswith("\n)") and "params" not in text


# ---- state and state_dict -----------------------------------------------------------------------------------------
@pytest.mark.torch
@pytest.mark.parametrize("name,kwargs", STATEFUL)
def test_state_dict_has_pytorchs_layout(torch, name, kwargs):
    rng = np.random.default_rng(1)
    ours, theirs = twin_parameters(torch, rng)
    options = dict(lr=0.5)
    opt = getattr(tg.optim, name)(grouped(ours, options), **kwargs)
    opt_t = getattr(torch.optim, name)(grouped(theirs, options), **kwargs)
    for _ in range(2):
        give_gradients(torch, rng, ours, theirs, skip=(1,))
        opt.step()
        opt_t.step()
    mine, reference = opt.state_dict(), opt_t.state_dict()
    assert sorted(mine) == ["param_groups", "state"]
    assert [g["params"] for g in mine["param_groups"]] == [g["params"] for g in reference["param_groups"]] == [[0, 1],
                                                                                                            [2]]
    assert mine["state"].keys() == reference["state"].keys()
    for index, state in mine["state"].items():
        assert list(state) == list(reference["state"][index])
        for key, value in state.items():
            assert isinstance(value, np.ndarray)
            np.testing.assert_allclose(value, to_numpy(reference["state"][index][key]), rtol=1e-12, atol=1e-14)
    for group, group_t in zip(mine["param_groups"], reference["param_groups"]):
        assert {k: v for k, v in group_t.items() if k in group} == group


@pytest.mark.parametrize("name,kwargs", STATEFUL)
def test_state_round_trips_through_state_dict(name, kwargs):
    """A copy of the optimiser restored from a state_dict (deep-copied, as when saved) takes the same next steps."""
    rng = np.random.default_rng(2)
    start = [rng.standard_normal(s) for s in [(3, 4), (5,)]]
    first = [tg.Tensor(a.copy(), requires_grad=True) for a in start]
    opt = getattr(tg.optim, name)([{"params": first[:1]}, {"params": first[1:], "lr": 0.05}], **kwargs)
    grads = [[rng.standard_normal(a.shape) for a in start] for _ in range(6)]
    for step in range(3):
        for p, g in zip(first, grads[step]):
            p.grad = tg.Tensor(g)
        opt.step()
    saved = copy.deepcopy(opt.state_dict())
    second = [tg.Tensor(p.data.copy(), requires_grad=True) for p in first]
    restored = getattr(tg.optim, name)([{"params": second[:1]}, {"params": second[1:]}], **kwargs)
    restored.load_state_dict(saved)
    assert restored.param_groups[1]["lr"] == 0.05
    assert restored.param_groups[1]["params"][0] is second[1]
    for step in range(3, 6):
        for p, q, g in zip(first, second, grads[step]):
            p.grad, q.grad = tg.Tensor(g), tg.Tensor(g)
        opt.step()
        restored.step()
        for p, q in zip(first, second):
            np.testing.assert_array_equal(p.data, q.data)


def test_loaded_state_is_a_copy():
    p = tg.ones(2, dtype=np.float64, requires_grad=True)
    opt = SGD([p], lr=0.1, momentum=0.9)
    p.grad = tg.ones(2, dtype=np.float64)
    opt.step()
    saved = opt.state_dict()
    other = SGD([tg.ones(2, dtype=np.float64, requires_grad=True)], lr=0.1, momentum=0.9)
    other.load_state_dict(saved)
    assert other.state_dict()["state"][0]["momentum_buffer"] is not saved["state"][0]["momentum_buffer"]


@pytest.mark.torch
@pytest.mark.parametrize("convert", [True, False], ids=["arrays", "torch-tensors"])
@pytest.mark.parametrize("name,kwargs", STATEFUL)
def test_a_pytorch_state_dict_loads_and_training_continues_alike(torch, name, kwargs, convert):
    rng = np.random.default_rng(3)
    ours, theirs = twin_parameters(torch, rng)
    opt_t = getattr(torch.optim, name)(grouped(theirs, dict(lr=0.02)), **kwargs)
    for _ in range(3):
        give_gradients(torch, rng, ours, theirs)
        opt_t.step()
    for o, t in zip(ours, theirs):
        o.data[...] = t.detach().numpy()
    opt = getattr(tg.optim, name)(grouped(ours, dict(lr=0.7)), **kwargs)
    state = opt_t.state_dict()
    opt.load_state_dict(to_numpy(state) if convert else state)
    assert opt.param_groups[1]["lr"] == 0.02
    for _ in range(3):
        give_gradients(torch, rng, ours, theirs)
        opt.step()
        opt_t.step()
        for o, t in zip(ours, theirs):
            np.testing.assert_allclose(o.data, t.detach().numpy(), rtol=1e-12, atol=1e-14)


def test_loaded_floating_state_takes_the_parameters_dtype():
    p = tg.ones(2, requires_grad=True)
    opt = Adam([p])
    opt.load_state_dict({"state": {0: {"step": np.array(3.0), "exp_avg": np.ones(2), "exp_avg_sq": np.ones(2)}},
                         "param_groups": [dict(opt.state_dict()["param_groups"][0])]})
    assert opt.state[p]["exp_avg"].dtype == np.float32 and float(opt.state[p]["step"]) == 3.0


@pytest.mark.parametrize("groups,message", [
    (2, "different number of parameter groups"),
    (1, "doesn't match the size"),
])
def test_a_state_dict_that_does_not_fit_is_refused(groups, message):
    params = [tg.ones(2, requires_grad=True) for _ in range(3)]
    saved = SGD([{"params": params[:1]}, {"params": params[1:]}] if groups == 2 else params, lr=0.1).state_dict()
    with pytest.raises(ValueError, match=message):
        SGD([params[0], params[1]], lr=0.1).load_state_dict(saved)


# ---- zero_grad, step, in place, versions --------------------------------------------------------------------------
def test_zero_grad_sets_to_none_by_default_and_zeroes_in_place_on_request():
    a = tg.ones(3, requires_grad=True)
    opt = SGD([a], lr=0.1)
    (a * 2).sum().backward()
    grad = a.grad.data
    opt.zero_grad(set_to_none=False)
    assert a.grad.data is grad and grad.tolist() == [0.0, 0.0, 0.0]
    (a * 2).sum().backward()
    assert a.grad.data.tolist() == [2.0, 2.0, 2.0]
    opt.zero_grad()
    assert a.grad is None


def test_zero_grad_detaches_a_gradient_that_has_a_graph():
    x = tg.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    (x ** 3).sum().backward(create_graph=True)
    assert x.grad.requires_grad
    SGD([x], lr=0.1).zero_grad(set_to_none=False)
    assert not x.grad.requires_grad and x.grad.is_leaf and x.grad.data.tolist() == [0.0, 0.0]


def test_step_returns_the_closures_loss_and_the_closure_has_gradients_on():
    w = tg.Tensor(np.array([3.0]), requires_grad=True)
    opt = SGD([w], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (w ** 2).sum()
        loss.backward()
        return loss

    with tg.no_grad():
        loss = opt.step(closure)
    assert loss.item() == 9.0 and w.data.tolist() == [1.5]
    assert opt.step() is None


@pytest.mark.parametrize("name,kwargs", STATEFUL + [("SGD", dict(lr=0.1))])
def test_parameters_are_updated_in_place_and_keep_their_dtype(name, kwargs):
    p = tg.Tensor(np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3), requires_grad=True)
    array, view = p.data, p.data[0]
    before = view.copy()
    opt = getattr(tg.optim, name)([p], **kwargs)
    for _ in range(2):
        p.grad = tg.ones(2, 3)
        opt.step()
    assert p.data is array and p.dtype == np.float32
    assert not np.array_equal(view, before)
    assert all(v.dtype == np.float32 for k, v in opt.state[p].items() if k != "step")


def test_a_gradient_of_the_wrong_shape_is_named():
    p = tg.ones(2, 3, requires_grad=True)
    p.grad = tg.ones(3, 2)
    with pytest.raises(ShapeError, match=r"SGD.step: gradient shape \(3, 2\) ≠ parameter shape \(2, 3\)"):
        SGD([p], lr=0.1).step()


def test_a_subclass_without_a_rule_says_what_to_override():
    p = tg.ones(2, requires_grad=True)
    p.grad = tg.ones(2)
    with pytest.raises(TypeError, match="overriding _update"):
        Optimizer([p], {"lr": 0.1}).step()


@pytest.mark.parametrize("name,kwargs", STATEFUL + [("SGD", dict(lr=0.1))])
def test_each_step_bumps_the_version_of_updated_parameters_only(name, kwargs):
    a, b = tg.ones(2, requires_grad=True), tg.ones(2, requires_grad=True)
    opt = getattr(tg.optim, name)([a, b], **kwargs)
    before_a, before_b = a._version, b._version
    a.grad = tg.ones(2)
    opt.step()
    opt.step()
    assert a._version == before_a + 2 and b._version == before_b


def test_a_step_between_forward_and_backward_makes_backward_raise():
    w = tg.Tensor(np.array([1.0, 2.0]), requires_grad=True)
    opt = SGD([w], lr=0.1)
    w.grad = tg.ones(2, dtype=np.float64)
    loss = (w * w).sum()
    opt.step()
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        loss.backward()


@pytest.mark.torch
@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "Adagrad", "RMSprop", "Adamax", "NAdam", "RAdam",
                                  "Adadelta", "Rprop", "ASGD"])
def test_pytorch_s_implementation_flags_are_accepted_and_change_nothing(torch, name):
    """foreach=/fused=/capturable= pick PyTorch's kernels, not the update: a PyTorch line with them ports, and the
    step is the same as without them; differentiable=True is refused; an unknown keyword is PyTorch's TypeError."""
    def run(**flags):
        p = tg.nn.Parameter(tg.tensor([1.0, -2.0, 3.0], dtype=tg.float64))
        opt = getattr(tg.optim, name)([p], **flags)
        for _ in range(3):
            opt.zero_grad()
            (p * p).sum().backward()
            opt.step()
        return p.data.copy()

    plain = run()
    np.testing.assert_array_equal(run(foreach=False), plain)
    np.testing.assert_array_equal(run(foreach=True, capturable=False), plain)
    np.testing.assert_array_equal(run(fused=None, differentiable=False), plain)
    with pytest.raises(RuntimeError, match="differentiable=True"):
        run(differentiable=True)
    with pytest.raises(TypeError, match="unexpected keyword argument 'speedy'"):
        run(speedy=True)
    with pytest.raises(TypeError):
        getattr(torch.optim, name)([torch.nn.Parameter(torch.ones(2))], speedy=True)
