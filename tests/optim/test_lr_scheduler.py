"""Learning-rate schedulers: the rates (and OneCycleLR's momentum) equal PyTorch's, step by step, for two param groups
with different rates; state_dict round trips; bad arguments are named."""
import copy
import warnings

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu.optim import SGD, Adam, lr_scheduler

SGD_MOMENTUM = ("SGD", dict(lr=0.1, momentum=0.9))
ADAM = ("Adam", dict(lr=0.01, betas=(0.9, 0.99)))


def twin_optimizers(torch, optimizer=SGD_MOMENTUM):
    """Ours and PyTorch's, each with two param groups, the second at its own rate."""
    name, kwargs = optimizer
    ours = [tg.ones(2, requires_grad=True), tg.ones(3, requires_grad=True)]
    theirs = [torch.ones(2, requires_grad=True), torch.ones(3, requires_grad=True)]
    opt = getattr(tg.optim, name)([{"params": ours[:1]}, {"params": ours[1:], "lr": 0.03}], **kwargs)
    opt_t = getattr(torch.optim, name)([{"params": theirs[:1]}, {"params": theirs[1:], "lr": 0.03}], **kwargs)
    return opt, opt_t


def momenta(optimizer):
    return [g["betas"][0] if "betas" in g else g["momentum"] for g in optimizer.param_groups]


def assert_same_schedule(torch, name, kwargs, steps, optimizer=SGD_MOMENTUM, momentum=False):
    """Step both `steps` times (optimiser first, as PyTorch asks); rates equal PyTorch's exactly after each step."""
    opt, opt_t = twin_optimizers(torch, optimizer)
    sched = getattr(lr_scheduler, name)(opt, **kwargs)
    sched_t = getattr(torch.optim.lr_scheduler, name)(opt_t, **kwargs)
    rates = [sched.get_last_lr()]
    assert rates[0] == sched_t.get_last_lr()
    for step in range(steps):
        opt.step()
        opt_t.step()
        sched.step()
        sched_t.step()
        rates.append(sched.get_last_lr())
        assert rates[-1] == sched_t.get_last_lr(), f"{name}({kwargs}) step {step + 1}"
        assert [g["lr"] for g in opt.param_groups] == rates[-1]
        assert sched.last_epoch == sched_t.last_epoch
        if momentum:
            assert momenta(opt) == momenta(opt_t), f"{name}({kwargs}) momentum at step {step + 1}"
    return sched, rates


SCHEDULES = [
    ("StepLR", dict(step_size=3, gamma=0.5), 20),
    ("StepLR", dict(step_size=1), 5),
    ("MultiStepLR", dict(milestones=[2, 5, 5, 9], gamma=0.3), 12),
    ("ExponentialLR", dict(gamma=0.9), 15),
    ("CosineAnnealingLR", dict(T_max=10, eta_min=0.001), 30),
    ("CosineAnnealingLR", dict(T_max=7), 21),
    ("CosineAnnealingLR", dict(T_max=1, eta_min=0.01), 3),
    ("LambdaLR", dict(lr_lambda=lambda epoch: 0.95 ** epoch), 10),
    ("LambdaLR", dict(lr_lambda=[lambda epoch: 1 / (epoch + 1), lambda epoch: min(1.0, (epoch + 1) / 4)]), 10),
    ("LinearLR", dict(), 8),
    ("LinearLR", dict(start_factor=0.25, end_factor=0.9, total_iters=6), 10),
    ("CosineAnnealingWarmRestarts", dict(T_0=4), 13),
    ("CosineAnnealingWarmRestarts", dict(T_0=3, T_mult=2, eta_min=0.01), 30),
]


@pytest.mark.torch
@pytest.mark.parametrize("name,kwargs,steps", SCHEDULES)
def test_rates_equal_torchs(torch, name, kwargs, steps):
    assert_same_schedule(torch, name, kwargs, steps)


def test_cosine_annealing_follows_the_closed_form_and_its_period():
    """η_t = η_min + (η₀ − η_min)(1 + cos(πt/T_max))/2 for t = 0 … 3·T_max (the recursion agrees with it)."""
    opt = SGD([tg.ones(2, requires_grad=True)], lr=0.1)
    sched = lr_scheduler.CosineAnnealingLR(opt, T_max=6, eta_min=0.002)
    rates = [sched.get_last_lr()[0]]
    for _ in range(18):
        opt.step()
        sched.step()
        rates.append(sched.get_last_lr()[0])
    expected = [0.002 + 0.098 * (1 + np.cos(np.pi * t / 6)) / 2 for t in range(19)]
    np.testing.assert_allclose(rates, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.torch
@given(T_max=st.integers(1, 12), eta_min=st.floats(0, 0.05), lr=st.floats(0.06, 1.0))
def test_cosine_annealing_equals_torch_over_three_periods(torch, T_max, eta_min, lr):
    assert_same_schedule(torch, "CosineAnnealingLR", dict(T_max=T_max, eta_min=eta_min), 3 * T_max,
                         optimizer=("SGD", dict(lr=lr)))


# ---- OneCycleLR ---------------------------------------------------------------------------------------------------
ONE_CYCLE = [
    (dict(max_lr=0.5, total_steps=25), SGD_MOMENTUM),
    (dict(max_lr=[0.5, 0.1], total_steps=30, pct_start=0.25, div_factor=10.0, final_div_factor=100.0), SGD_MOMENTUM),
    (dict(max_lr=0.05, epochs=4, steps_per_epoch=6, anneal_strategy="linear"), ADAM),
    (dict(max_lr=0.05, total_steps=20, three_phase=True), ADAM),
    (dict(max_lr=0.2, total_steps=20, three_phase=True, anneal_strategy="linear", base_momentum=[0.8, 0.7],
          max_momentum=0.97), SGD_MOMENTUM),
    (dict(max_lr=0.2, total_steps=12, cycle_momentum=False), ("SGD", dict(lr=0.1))),
]


@pytest.mark.torch
@pytest.mark.parametrize("kwargs,optimizer", ONE_CYCLE)
def test_one_cycle_rates_and_momentum_equal_torchs(torch, kwargs, optimizer):
    total = kwargs.get("total_steps") or kwargs["epochs"] * kwargs["steps_per_epoch"]
    sched, _ = assert_same_schedule(torch, "OneCycleLR", kwargs, total, optimizer=optimizer,
                                    momentum=kwargs.get("cycle_momentum", True))
    with pytest.raises(ValueError, match=f"OneCycleLR: Tried to step {total + 1} times. The specified number of "
                                         f"total steps is {total}"):
        sched.step()


@pytest.mark.torch
@given(total_steps=st.integers(2, 40), pct_start=st.floats(0.05, 0.95), div_factor=st.floats(1.5, 50),
       final_div_factor=st.floats(1.5, 1e4), three_phase=st.booleans(), anneal=st.sampled_from(["cos", "linear"]),
       adam=st.booleans())
def test_one_cycle_equals_torch_for_any_valid_arguments(torch, total_steps, pct_start, div_factor, final_div_factor,
                                                         three_phase, anneal, adam):
    spans = [pct_start * total_steps - 1, total_steps * (1 - pct_start), total_steps * (1 - 2 * pct_start) + 1]
    assume(all(span != 0 for span in spans))
    kwargs = dict(max_lr=0.3, total_steps=total_steps, pct_start=pct_start, div_factor=div_factor,
                  final_div_factor=final_div_factor, three_phase=three_phase, anneal_strategy=anneal)
    assert_same_schedule(torch, "OneCycleLR", kwargs, total_steps, optimizer=ADAM if adam else SGD_MOMENTUM,
                         momentum=True)


def test_one_cycle_peaks_at_max_lr_and_ends_at_the_final_rate():
    opt = Adam([tg.ones(2, requires_grad=True)])
    sched = lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=10, pct_start=0.5, div_factor=4.0,
                                    final_div_factor=10.0)
    rates = [sched.get_last_lr()[0]]
    betas = [opt.param_groups[0]["betas"][0]]
    for _ in range(9):
        opt.step()
        sched.step()
        rates.append(sched.get_last_lr()[0])
        betas.append(opt.param_groups[0]["betas"][0])
    assert rates[0] == 0.25 and max(rates) == rates[4] == 1.0 and abs(rates[-1] - 0.025) < 1e-15
    assert betas[0] == 0.95 and min(betas) == betas[4] == 0.85 and betas[-1] == 0.95


# ---- ReduceLROnPlateau --------------------------------------------------------------------------------------------
PLATEAU_METRICS = [1.0, 0.9, 0.9, 0.95, 0.91, 0.9, 0.8, 0.8, 0.8, 0.8, 0.85, 0.8, 0.79999, 0.8, 0.8, 0.8, 0.8, 0.8,
                   0.8, 0.8, 0.8]


@pytest.mark.torch
@pytest.mark.parametrize("kwargs", [
    dict(patience=2),
    dict(mode="max", factor=0.5, patience=1, threshold=0.01),
    dict(factor=0.5, patience=1, threshold=0.05, threshold_mode="abs", cooldown=2),
    dict(mode="max", factor=0.2, patience=0, threshold_mode="abs", min_lr=[0.01, 0.001]),
    dict(factor=0.1, patience=0, min_lr=0.02, eps=1e-3),
])
def test_reduce_on_plateau_equals_torch(torch, kwargs):
    opt, opt_t = twin_optimizers(torch)
    sched = lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
    sched_t = torch.optim.lr_scheduler.ReduceLROnPlateau(opt_t, **kwargs)
    assert sched.get_last_lr() == sched_t.get_last_lr()
    changes = 0
    for metric in PLATEAU_METRICS:
        before = sched.get_last_lr()
        sched.step(tg.tensor(metric, dtype=tg.float64) if changes % 2 else metric)
        sched_t.step(metric)
        assert sched.get_last_lr() == sched_t.get_last_lr() == [g["lr"] for g in opt.param_groups]
        assert (sched.best, sched.num_bad_epochs, sched.cooldown_counter) == (
            sched_t.best, sched_t.num_bad_epochs, sched_t.cooldown_counter)
        changes += before != sched.get_last_lr()
    assert changes > 0


# ---- state, explicit epochs, errors -------------------------------------------------------------------------------
@pytest.mark.parametrize("name,kwargs", [
    ("StepLR", dict(step_size=3, gamma=0.5)),
    ("CosineAnnealingLR", dict(T_max=5, eta_min=0.001)),
    ("OneCycleLR", dict(max_lr=0.5, total_steps=20)),
    ("CosineAnnealingWarmRestarts", dict(T_0=3, T_mult=2)),
    ("LinearLR", dict(total_iters=8)),
])
def test_state_dict_round_trips(name, kwargs):
    """A scheduler restored from a state_dict (with its optimiser's) continues the same sequence."""
    def fresh():
        opt = SGD([{"params": [tg.ones(2, requires_grad=True)]}, {"params": [tg.ones(1, requires_grad=True)],
                                                                   "lr": 0.05}], lr=0.1, momentum=0.9)
        return opt, getattr(lr_scheduler, name)(opt, **kwargs)

    opt, sched = fresh()
    for _ in range(6):
        sched.step()
    saved_opt, saved = copy.deepcopy(opt.state_dict()), copy.deepcopy(sched.state_dict())
    assert "optimizer" not in saved and saved["last_epoch"] == 6
    opt2, sched2 = fresh()
    sched2.load_state_dict(saved)
    opt2.load_state_dict(saved_opt)
    for _ in range(6):
        sched.step()
        sched2.step()
        assert sched.get_last_lr() == sched2.get_last_lr() == [g["lr"] for g in opt2.param_groups]


def test_lambda_lr_saves_a_callable_objects_attributes_but_not_functions():
    class Warmup:
        def __init__(self):
            self.length = 4

        def __call__(self, epoch):
            return min(1.0, (epoch + 1) / self.length)

    opt = SGD([{"params": [tg.ones(1, requires_grad=True)]}, {"params": [tg.ones(1, requires_grad=True)]}], lr=0.1)
    sched = lr_scheduler.LambdaLR(opt, [Warmup(), lambda epoch: 1.0])
    saved = sched.state_dict()
    assert saved["lr_lambdas"] == [{"length": 4}, None]
    saved["lr_lambdas"][0] = {"length": 2}
    sched.load_state_dict(saved)
    assert sched.lr_lambdas[0].length == 2 and "lr_lambdas" in saved


@pytest.mark.torch
@pytest.mark.parametrize("name,kwargs", [
    ("StepLR", dict(step_size=3, gamma=0.5)),
    ("MultiStepLR", dict(milestones=[2, 4], gamma=0.5)),
    ("ExponentialLR", dict(gamma=0.8)),
    ("CosineAnnealingLR", dict(T_max=6)),
    ("LinearLR", dict(total_iters=4)),
])
def test_an_explicit_epoch_jumps_there_by_the_closed_form_as_torch(torch, name, kwargs):
    opt, opt_t = twin_optimizers(torch)
    sched = getattr(lr_scheduler, name)(opt, **kwargs)
    sched_t = getattr(torch.optim.lr_scheduler, name)(opt_t, **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for epoch in [5, 2, 9]:
            sched_t.step(epoch)
            with pytest.warns(UserWarning, match="epoch parameter"):
                sched.step(epoch)
            np.testing.assert_allclose(sched.get_last_lr(), sched_t.get_last_lr(), rtol=1e-15)


@pytest.mark.torch
def test_warm_restarts_take_fractional_epochs_as_torch(torch):
    opt, opt_t = twin_optimizers(torch)
    sched = lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=2, eta_min=0.001)
    sched_t = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt_t, T_0=2, T_mult=2, eta_min=0.001)
    for epoch in np.arange(0, 14, 0.25):
        sched.step(float(epoch))
        sched_t.step(float(epoch))
        assert sched.get_last_lr() == sched_t.get_last_lr()


@pytest.mark.parametrize("make,error,message", [
    (lambda o: lr_scheduler.StepLR("sgd", step_size=2), TypeError, "StepLR: str is not an Optimizer"),
    (lambda o: lr_scheduler.StepLR(o, step_size=0), ValueError, "StepLR: step_size must be a positive integer"),
    (lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=0), ValueError, "CosineAnnealingLR: T_max must be positive"),
    (lambda o: lr_scheduler.LinearLR(o, start_factor=0), ValueError, "LinearLR: Starting multiplicative factor"),
    (lambda o: lr_scheduler.LinearLR(o, end_factor=2), ValueError, "LinearLR: Ending multiplicative factor"),
    (lambda o: lr_scheduler.LambdaLR(o, [lambda e: 1.0] * 3), ValueError, "LambdaLR: expected 2 lr_lambdas"),
    (lambda o: lr_scheduler.StepLR(o, step_size=2, last_epoch=4), KeyError, "initial_lr"),
    (lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.1), ValueError, "either total_steps OR"),
    (lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=0), ValueError, "positive integer total_steps"),
    (lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=5, pct_start=1), ValueError, "pct_start"),
    (lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=20, pct_start=0.05), ValueError,
     r"OneCycleLR: phase 1 of the schedule spans 0 steps \(pct_start·total_steps − 1 = 0.05·20 − 1 = 0\)"),
    (lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=20, pct_start=1.0), ValueError,
     "phase 2 of the schedule spans 0 steps"),
    (lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=5, anneal_strategy="exp"), ValueError,
     "anneal_strategy must be one of 'cos' or 'linear'"),
    (lambda o: lr_scheduler.OneCycleLR(o, max_lr=[0.1], total_steps=5), ValueError,
     "max_lr must have the same length as optimizer.param_groups"),
    (lambda o: lr_scheduler.ReduceLROnPlateau(o, factor=1.0), ValueError, "Factor should be < 1.0"),
    (lambda o: lr_scheduler.ReduceLROnPlateau(o, mode="up"), ValueError, "mode 'up' is unknown"),
    (lambda o: lr_scheduler.ReduceLROnPlateau(o, threshold_mode="pct"), ValueError, "threshold mode 'pct'"),
    (lambda o: lr_scheduler.ReduceLROnPlateau(o, min_lr=[0.1]), ValueError, "expected 2 min_lrs"),
    (lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=0), ValueError, "positive integer T_0"),
    (lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=0), ValueError, "T_mult >= 1"),
])
def test_bad_arguments_are_named(make, error, message):
    opt = SGD([{"params": [tg.ones(1, requires_grad=True)]}, {"params": [tg.ones(1, requires_grad=True)]}], lr=0.1)
    with pytest.raises(error, match=message):
        make(opt)


def test_one_cycle_needs_a_momentum_to_cycle():
    from tinygrad_edu.optim import Adagrad

    with pytest.raises(ValueError, match="optimizer must support momentum or beta1"):
        lr_scheduler.OneCycleLR(Adagrad([tg.ones(1, requires_grad=True)]), max_lr=0.1, total_steps=5)


def test_a_scheduler_sets_initial_lr_and_reads_base_lrs():
    opt = SGD([{"params": [tg.ones(1, requires_grad=True)]}, {"params": [tg.ones(1, requires_grad=True)], "lr": 0.5}],
              lr=0.1)
    sched = lr_scheduler.ExponentialLR(opt, gamma=0.5)
    assert sched.base_lrs == [0.1, 0.5] and [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert sched.last_epoch == 0 and sched.get_last_lr() == [0.1, 0.5]


# ---- ConstantLR, MultiplicativeLR, PolynomialLR, CyclicLR, SequentialLR, ChainedScheduler ------------------------
MORE_SCHEDULES = [
    ("ConstantLR", dict(), 30),
    ("ConstantLR", dict(factor=0.5, total_iters=7), 30),
    ("ConstantLR", dict(factor=1.0, total_iters=0), 30),
    ("MultiplicativeLR", dict(lr_lambda=lambda epoch: 0.95), 30),
    ("MultiplicativeLR", dict(lr_lambda=[lambda epoch: 0.9, lambda epoch: 1.0 if epoch % 3 else 0.5]), 30),
    ("PolynomialLR", dict(), 30),
    ("PolynomialLR", dict(total_iters=20, power=2.0), 30),
    ("PolynomialLR", dict(total_iters=12, power=0.5), 30),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=4), 40),
    ("CyclicLR", dict(base_lr=[0.01, 0.001], max_lr=[0.1, 0.05], step_size_up=3, step_size_down=5,
                      mode="triangular2"), 40),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=5, mode="exp_range", gamma=0.97), 40),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=2, scale_fn=lambda x: 1 / (1 + x), scale_mode="iterations",
                      base_momentum=[0.7, 0.75], max_momentum=0.95), 30),
]


@pytest.mark.torch
@pytest.mark.parametrize("name,kwargs,steps", MORE_SCHEDULES)
def test_more_schedules_equal_torchs(torch, name, kwargs, steps):
    assert_same_schedule(torch, name, kwargs, steps, momentum=name == "CyclicLR")


@pytest.mark.torch
@pytest.mark.parametrize("mode", ["triangular", "triangular2", "exp_range"])
def test_cyclic_cycles_adams_beta1_as_torch(torch, mode):
    assert_same_schedule(torch, "CyclicLR", dict(base_lr=0.001, max_lr=0.01, step_size_up=3, mode=mode, gamma=0.9),
                         35, optimizer=ADAM, momentum=True)


@pytest.mark.torch
@given(step_size_up=st.integers(1, 8), step_size_down=st.one_of(st.none(), st.integers(1, 8)),
       mode=st.sampled_from(["triangular", "triangular2", "exp_range"]), gamma=st.floats(0.5, 1.0),
       base_lr=st.floats(1e-4, 0.05), span=st.floats(0.0, 1.0), adam=st.booleans())
def test_cyclic_equals_torch_for_any_valid_arguments(torch, step_size_up, step_size_down, mode, gamma, base_lr, span,
                                                      adam):
    kwargs = dict(base_lr=base_lr, max_lr=base_lr + span, step_size_up=step_size_up, step_size_down=step_size_down,
                  mode=mode, gamma=gamma)
    assert_same_schedule(torch, "CyclicLR", kwargs, 30, optimizer=ADAM if adam else SGD_MOMENTUM, momentum=True)


@pytest.mark.torch
@given(factor=st.floats(0.01, 1.0), total_iters=st.integers(0, 35), power=st.floats(0.1, 3.0))
def test_constant_and_polynomial_equal_torch_for_any_valid_arguments(torch, factor, total_iters, power):
    assert_same_schedule(torch, "ConstantLR", dict(factor=factor, total_iters=total_iters), 32)
    assert_same_schedule(torch, "PolynomialLR", dict(total_iters=max(total_iters, 1), power=power), 32)


def _composite(module, opt, kind):
    if kind == "sequential":
        return module.SequentialLR(opt, [module.LinearLR(opt, start_factor=0.1, total_iters=4),
                                         module.ExponentialLR(opt, gamma=0.9),
                                         module.CosineAnnealingLR(opt, T_max=6)], milestones=[5, 15])
    if kind == "chained":
        return module.ChainedScheduler([module.ConstantLR(opt, factor=0.5, total_iters=6),
                                        module.ExponentialLR(opt, gamma=0.95), module.MultiStepLR(opt, [10, 20])])
    return module.SequentialLR(opt, [module.ChainedScheduler([module.StepLR(opt, 4, 0.5),
                                                              module.PolynomialLR(opt, total_iters=20)]),
                                     module.ConstantLR(opt, factor=0.2, total_iters=3)], milestones=[9])


@pytest.mark.torch
@pytest.mark.filterwarnings("ignore:Detected call of `lr_scheduler.step\\(\\)` before")
@pytest.mark.parametrize("kind", ["sequential", "chained", "nested"])
def test_composite_schedules_equal_torchs(torch, kind):
    opt, opt_t = twin_optimizers(torch)
    sched, sched_t = _composite(lr_scheduler, opt, kind), _composite(torch.optim.lr_scheduler, opt_t, kind)
    assert sched.get_last_lr() == sched_t.get_last_lr()
    for step in range(32):
        opt.step()
        opt_t.step()
        sched.step()
        sched_t.step()
        assert sched.get_last_lr() == sched_t.get_last_lr() == [g["lr"] for g in opt.param_groups], f"step {step}"


@pytest.mark.parametrize("kind", ["sequential", "chained", "cyclic", "multiplicative"])
def test_more_state_dicts_round_trip(kind):
    """A scheduler restored from its state_dict (with its optimiser's) continues the same sequence."""
    def fresh():
        opt = SGD([{"params": [tg.ones(2, requires_grad=True)]}, {"params": [tg.ones(1, requires_grad=True)],
                                                                   "lr": 0.05}], lr=0.1, momentum=0.9)
        if kind == "cyclic":
            return opt, lr_scheduler.CyclicLR(opt, 0.01, 0.1, step_size_up=3, mode="triangular2")
        if kind == "multiplicative":
            return opt, lr_scheduler.MultiplicativeLR(opt, lambda epoch: 0.9)
        return opt, _composite(lr_scheduler, opt, kind)

    opt, sched = fresh()
    for _ in range(7):
        sched.step()
    saved_opt, saved = copy.deepcopy(opt.state_dict()), copy.deepcopy(sched.state_dict())
    assert "optimizer" not in saved
    opt2, sched2 = fresh()
    sched2.load_state_dict(saved)
    opt2.load_state_dict(saved_opt)
    for _ in range(10):
        sched.step()
        sched2.step()
        assert sched.get_last_lr() == sched2.get_last_lr() == [g["lr"] for g in opt2.param_groups]
        assert [g["momentum"] for g in opt.param_groups] == [g["momentum"] for g in opt2.param_groups]


def _bad(module, opt, other, case):
    if case == "constant-factor":
        return module.ConstantLR(opt, factor=1.5)
    if case == "lambdas":
        return module.MultiplicativeLR(opt, [lambda e: 1.0] * 3)
    if case == "not-callable":
        return module.MultiplicativeLR(opt, 0.9)
    if case == "no-schedulers":
        return module.SequentialLR(opt, [], milestones=[])
    if case == "milestones":
        return module.SequentialLR(opt, [module.ConstantLR(opt), module.ConstantLR(opt)], milestones=[])
    if case == "plateau":
        return module.ChainedScheduler([module.ReduceLROnPlateau(opt)])
    if case == "other-optimizer":
        return module.SequentialLR(opt, [module.ConstantLR(opt), module.ConstantLR(other)], milestones=[2])
    if case == "not-a-scheduler":
        return module.ChainedScheduler([module.ConstantLR(opt), 3], optimizer=opt)
    if case == "cyclic-mode":
        return module.CyclicLR(opt, 0.01, 0.1, mode="sawtooth")
    if case == "cyclic-momentum":
        return module.CyclicLR(other, 0.01, 0.1)
    return module.CyclicLR(opt, [0.01], 0.1)


@pytest.mark.torch
@pytest.mark.parametrize("case", ["constant-factor", "lambdas", "not-callable", "no-schedulers", "milestones",
                                  "plateau", "other-optimizer", "not-a-scheduler", "cyclic-mode", "cyclic-momentum",
                                  "cyclic-groups"])
def test_more_bad_arguments_raise_torchs_class(torch, case):
    from tinygrad_edu.optim import Adagrad

    opt, opt_t = twin_optimizers(torch)
    other, other_t = Adagrad([tg.ones(1, requires_grad=True)]), torch.optim.Adagrad([torch.ones(1, requires_grad=True)])
    with pytest.raises(Exception) as theirs:
        _bad(torch.optim.lr_scheduler, opt_t, other_t, case)
    with pytest.raises(type(theirs.value)) as ours:
        _bad(lr_scheduler, opt, other, case)
    assert str(ours.value).split(":")[0] in {"ConstantLR", "MultiplicativeLR", "SequentialLR", "ChainedScheduler",
                                             "CyclicLR"}
