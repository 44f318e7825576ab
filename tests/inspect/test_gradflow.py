import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import nn, optim
from tinygrad_edu.inspect import GradientFlow

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "gradient_flow.py"


def load_example():
    spec = importlib.util.spec_from_file_location("gradient_flow_example", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def small_model():
    tg.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 2, bias=False)).double()


def backward_once(model, seed=0):
    x = tg.Tensor(np.random.default_rng(seed).standard_normal((5, 4)))
    F.cross_entropy(model(x), np.array([0, 1, 1, 0, 1])).backward()


def test_record_reads_each_parameters_gradient_norm_grouped_by_module():
    model = small_model()
    flow = GradientFlow(model)
    assert flow.modules == {"0 (Linear)": ["0.weight", "0.bias"], "2 (Linear)": ["2.weight"]}
    backward_once(model)
    got = flow.record()
    for name, p in model.named_parameters():
        assert got[name] == pytest.approx(np.linalg.norm(p.grad.data), rel=1e-12)
    assert flow.module_norms()["0 (Linear)"] == pytest.approx(np.hypot(got["0.weight"], got["0.bias"]))
    model.zero_grad()
    assert all(np.isnan(v) for v in flow.record(step=7).values())
    assert flow.steps == [0, 7] and len(flow) == 2 and len(flow.norms("2.weight")) == 2


def test_track_records_before_every_optimizer_step_and_restores_it():
    model = small_model()
    opt = optim.SGD(model.parameters(), lr=0.5)
    flow = GradientFlow(model)
    seen = []
    with flow.track(opt):
        for i in range(3):
            opt.zero_grad()
            backward_once(model, i)
            seen.append(np.linalg.norm(model[0].weight.grad.data))
            opt.step()
    np.testing.assert_allclose(flow.norms("0.weight"), seen, rtol=1e-12)
    assert "step" not in vars(opt)
    opt.zero_grad()
    backward_once(model)
    opt.step()
    assert len(flow) == 3


def test_table_lists_every_parameter_with_its_norm():
    model = small_model()
    flow = GradientFlow(model)
    backward_once(model)
    flow.record()
    text = flow.table()
    lines = text.splitlines()
    assert len(lines) == 2 + 3 and lines[2].startswith("0 (Linear)") and "2.weight" in lines[4]
    assert f"{np.linalg.norm(model[2].weight.grad.data):.2e}" in lines[4] and "█" in lines[4]
    assert str(flow) == text


def test_errors_name_what_is_wrong():
    model = small_model()
    flow = GradientFlow(model)
    with pytest.raises(ValueError, match="nothing recorded yet"):
        flow.table()
    backward_once(model)
    flow.record()
    with pytest.raises(IndexError, match=r"record 5 is out of range -1\.\.0 \(1 records\)"):
        flow.at(5)
    with pytest.raises(KeyError, match="no parameter '9.weight'"):
        flow.norms("9.weight")
    with pytest.raises(TypeError, match="expected an nn.Module"):
        GradientFlow([1, 2])
    with pytest.raises(ValueError, match="has no parameters"):
        GradientFlow(nn.ReLU())


def test_plot_writes_an_image(tmp_path, needs_matplotlib):
    model = small_model()
    flow = GradientFlow(model)
    for i in range(2):
        model.zero_grad()
        backward_once(model, i)
        flow.record()
    path = flow.plot(tmp_path / "flow.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_without_matplotlib_says_how_to_get_it(tmp_path, monkeypatch):
    model = small_model()
    flow = GradientFlow(model)
    backward_once(model)
    flow.record()
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"needs matplotlib.*\(pip install matplotlib\)"):
        flow.plot(tmp_path / "flow.png")


def test_example_shows_vanishing_gradients_in_the_sigmoid_stack_only():
    example = load_example()
    sigmoid = example.train("sigmoid", steps=2, seed=0)
    relu = example.train("relu", steps=2, seed=0)
    first, last = example.first_and_last_weights(sigmoid)
    assert (first, last) == ("0.weight", "14.weight")
    assert sigmoid.ratio(first, last, index=0) > 100, sigmoid.table(0)
    assert relu.ratio(first, last, index=0) < 10, relu.table(0)
    sigmoid_weights = [sigmoid.at(0)[n] for n in sigmoid.names if n.endswith("weight")]
    assert all(a < b for a, b in zip(sigmoid_weights, sigmoid_weights[1:])), "δ shrinks at every sigmoid layer"
