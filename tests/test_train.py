"""Training on the digits: seeded runs repeat exactly, the schedule is the cosine, the command line saves
weights and curves, bad options are refused."""
import math

import numpy as np
import pytest

from tinygrad_edu.cli import main
from tinygrad_edu.nn.models import DigitsCNN
from tinygrad_edu.train import accuracy, cosine_lr, train_digits


def _quiet(**kwargs):
    return train_digits(progress=False, echo=lambda line: None, **kwargs)


def test_a_seeded_run_repeats_exactly_and_learns():
    model_a, first = _quiet(epochs=3, seed=3)
    model_b, second = _quiet(epochs=3, seed=3)
    assert first.loss == second.loss and first.test_accuracy == second.test_accuracy
    for (name, a), (_, b) in zip(model_a.state_dict().items(), model_b.state_dict().items()):
        np.testing.assert_array_equal(a, b, err_msg=name)
    assert first.loss[1] < first.loss[0]
    assert first.test_accuracy[-1] > 0.8  # ten classes: chance is 0.1
    _, other_seed = _quiet(epochs=3, seed=4)
    assert other_seed.loss != first.loss


def test_cosine_schedule_starts_at_lr_and_halves_midway():
    assert cosine_lr(0.1, 0, 10) == 0.1
    assert math.isclose(cosine_lr(0.1, 5, 10), 0.05)
    rates = [cosine_lr(0.1, e, 10) for e in range(10)]
    assert all(a > b > 0 for a, b in zip(rates, rates[1:]))


def test_accuracy_counts_correct_argmax_in_eval_mode_and_restores_the_mode():
    model = DigitsCNN()
    images = np.random.default_rng(0).normal(size=(600, 1, 8, 8)).astype(np.float32)
    model.eval()
    predicted = model(images).data.argmax(1)
    labels = predicted.copy()
    labels[::4] = (labels[::4] + 1) % 10
    model.train()
    assert accuracy(model, images, labels, batch_size=256) == pytest.approx(0.75)
    assert model.training


@pytest.mark.parametrize("kwargs", [dict(epochs=0), dict(batch_size=0), dict(lr=0.0), dict(lr=float("nan"))])
def test_bad_options_are_refused_naming_them(kwargs):
    with pytest.raises(ValueError, match="train_digits: need epochs ≥ 1"):
        _quiet(**kwargs)


def test_the_command_saves_weights_and_curves(tmp_path, capsys):
    weights, curves = tmp_path / "w.npz", tmp_path / "curves.png"
    assert main(["train", "--epochs", "1", "--quiet", "--save", str(weights), "--plot", str(curves)]) == 0
    out = capsys.readouterr().out
    assert "held-out accuracy" in out and str(weights) in out
    restored, fresh = DigitsCNN(), DigitsCNN()
    restored.load(weights)
    assert restored.state_dict().keys() == fresh.state_dict().keys()
    assert any(not np.array_equal(a, b) for a, b in zip(restored.state_dict().values(), fresh.state_dict().values()))
    pytest.importorskip("matplotlib")
    assert curves.read_bytes().startswith(b"\x89PNG")


def test_the_command_reports_bad_options(capsys):
    assert main(["train", "--epochs", "0", "--quiet"]) == 2
    assert "tinygrad-edu train: train_digits: need epochs ≥ 1" in capsys.readouterr().err
