import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra.numpy import arrays

import tinygrad_edu as tg
from tinygrad_edu.autograd import Function
from tinygrad_edu.inspect import AnomalyError, detect_anomaly
from tests.inspect.models import mlp_loss

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def line_of(t: tg.Tensor) -> int:
    return t._ctx.site[1]


def log_times_zero(x):
    return x.log() * 0


def test_log_of_zero_in_forward_names_op_line_and_traceback():
    x = tg.Tensor([0.0, 1.0], requires_grad=True)
    with pytest.raises(AnomalyError) as caught:
        with detect_anomaly():
            log_times_zero(x)
    err = caught.value
    assert err.op == "Log" and err.phase == "forward"
    assert err.site[0] == __file__ and "return x.log() * 0" in str(err)
    assert "1 Inf" in str(err) and "shape (2,)" in str(err)
    assert [f.function for f in err.traceback][-2:] == ["test_log_of_zero_in_forward_names_op_line_and_traceback",
                                                        "log_times_zero"]
    assert err.traceback[-1].line == err.site[1]


@pytest.mark.parametrize("make, op, what", [
    (lambda x: (x - 2).sqrt(), "Sqrt", "NaN"),
    (lambda x: (x - 1) / (x - 1), "Div", "NaN"),
    (lambda x: (x * 30).exp(), "Exp", "Inf"),
])
def test_sqrt_of_negative_zero_over_zero_and_overflow_in_forward(make, op, what):
    x = tg.Tensor([1.0, 3.0], requires_grad=True)
    with pytest.raises(AnomalyError, match=rf"{op} forward produced 1 {what} in its output of shape \(2,\)") as caught:
        with detect_anomaly():
            make(x)
    assert caught.value.site == (__file__, caught.value.traceback[-1].line)
    assert caught.value.traceback[-1].function == "<lambda>"


def test_backward_nan_from_sqrt_at_zero_times_zero():
    x = tg.Tensor([0.0, 4.0], requires_grad=True)
    with pytest.raises(AnomalyError) as caught:
        with detect_anomaly():
            root = x.sqrt(); line = line_of(root)  # noqa: E702
            loss = (root * tg.Tensor([0.0, 1.0])).sum()
            loss.backward()
    err = caught.value
    assert err.op == "Sqrt" and err.phase == "backward" and err.site == (__file__, line)
    assert "root = x.sqrt()" in str(err) and "gradient for input 0 (shape (2,))" in str(err)
    assert "1 NaN" in str(err) and "finite gradient δ of shape (2,)" in str(err)


def test_without_the_block_the_nan_reaches_the_gradient():
    x = tg.Tensor([0.0, 4.0], requires_grad=True)
    (x.sqrt() * tg.Tensor([0.0, 1.0])).sum().backward()
    assert np.isnan(x.grad.data[0])


def test_nothing_stays_installed_after_the_block_even_on_errors():
    before = list(Function._observers)
    x = tg.Tensor([1.0, 2.0], requires_grad=True)
    with detect_anomaly():
        kept = x * 2
        assert len(Function._observers) == len(before) + 1 and kept._hooks
    assert Function._observers == before and kept._hooks == []
    with pytest.raises(AnomalyError):
        with detect_anomaly():
            alive = x * 3
            (x - 5).log()
    assert Function._observers == before and alive._hooks == []
    with pytest.raises(KeyError):
        with detect_anomaly():
            raise KeyError("not ours")
    assert Function._observers == before


def test_clean_training_step_is_unchanged_inside_the_block():
    model, loss = mlp_loss()
    loss.backward()
    expected = {n: p.grad.data.copy() for n, p in model.named_parameters()}
    model.zero_grad()
    with detect_anomaly() as detector:
        model2, loss2 = mlp_loss()
        loss2.backward()
        frames = [f.function for f in detector.traceback(loss2._ctx)]
        assert frames[-2:] == ["test_clean_training_step_is_unchanged_inside_the_block", "mlp_loss"]
    for n, p in model2.named_parameters():
        np.testing.assert_array_equal(p.grad.data, expected[n])


def test_forward_false_lets_forward_through_and_poisoned_inputs_are_named():
    x = tg.Tensor([np.nan, 1.0], requires_grad=True)
    with pytest.raises(AnomalyError, match=r"input 0 of shape \(2,\) already held 1 NaN"):
        with detect_anomaly():
            x * 2
    with detect_anomaly(forward=False):
        y = (x * 2).sum()
    assert np.isnan(y.item())


def test_non_finite_gradient_arriving_from_outside():
    x = tg.Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(AnomalyError, match=r"Exp backward: the gradient δ of shape \(2,\) arriving .* 1 Inf"):
        with detect_anomaly():
            x.exp().backward(gradient=np.array([np.inf, 0.0]))


def test_symbolic_values_are_not_flagged():
    from tinygrad_edu.symbolic import symbols

    with detect_anomaly():
        w = symbols("w", (2,))
        (w.log() * w).sum().backward()
    assert w.grad is not None


def test_a_block_cannot_be_entered_twice():
    block = detect_anomaly()
    with block:
        with pytest.raises(RuntimeError, match="already active"):
            block.__enter__()


_FINITE_SUMMABLE = st.floats(-1e300, 1e300)  # six of them still sum to a finite number
_ENTRIES = st.one_of(_FINITE_SUMMABLE, st.sampled_from([np.inf, -np.inf, np.nan]))


@given(arrays(np.float64, st.integers(1, 6), elements=_ENTRIES))
def test_property_forward_flags_exactly_the_non_finite_outputs(values):
    x = tg.Tensor(values, requires_grad=True)
    bad = int(np.count_nonzero(~np.isfinite(values * 0.5)))
    if bad:
        with pytest.raises(AnomalyError, match="Mul forward produced"):
            with detect_anomaly():
                x * 0.5
    else:
        with detect_anomaly():
            (x * 0.5).sum().backward()
        np.testing.assert_array_equal(x.grad.data, np.full(values.shape, 0.5))
