"""The lecture's notation on a graph (seed 003 / F35–F47): layer r reads z_r and writes u_r = W_r z_r + b_r,
z_{r+1} = f(u_r), δ_r = ∂E/∂u_r; pooling layers have the identity as f; the loss is E."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import functional as F
from tinygrad_edu import nn
from tinygrad_edu.cli import main
from tinygrad_edu.viz import draw
from tinygrad_edu.viz.notation import LEGEND, lecture_names

from .svgtools import all_text, to_svg


def symbols(root):
    names = lecture_names(root)
    return names, {v: k for k, v in names.symbols.items()}


def test_an_mlp_is_u_z_w_b_and_e():
    tg.manual_seed(0)
    net = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    x = tg.randn(5, 3)
    loss = F.cross_entropy(net(x), np.arange(5) % 2)
    names, by_symbol = symbols(loss)
    assert names.layers == 2
    assert by_symbol["z₁"] == id(x) and by_symbol["W₁"] == id(net[0].weight) and by_symbol["b₂"] == id(net[2].bias)
    assert by_symbol["E"] == id(loss)
    assert names.deltas[by_symbol["u₁"]] == "δ₁" and names.deltas[by_symbol["z₂"]] == "∂E/∂z₂"


def test_plain_tensors_as_weights_and_a_bias_added_by_hand():
    rng = np.random.default_rng(0)
    x = tg.Tensor(rng.normal(size=(2, 3)))
    w1 = tg.Tensor(rng.normal(size=(4, 3)), requires_grad=True)
    b1 = tg.Tensor(rng.normal(size=4), requires_grad=True)
    w2 = tg.Tensor(rng.normal(size=(1, 4)), requires_grad=True)
    pre = x @ w1.T
    u1 = pre + b1
    out = (u1.sigmoid() @ w2.T).sum()
    names, by_symbol = symbols(out)
    assert by_symbol["W₁"] == id(w1) and by_symbol["b₁"] == id(b1) and by_symbol["W₂"] == id(w2)
    activation = out._ctx.inputs[0]._ctx.inputs[0]
    assert by_symbol["u₁"] == id(u1) and by_symbol["u₁ − b₁"] == id(pre) and by_symbol["z₂"] == id(activation)
    assert by_symbol["E"] == id(out)


def test_pooling_is_a_layer_and_flattening_keeps_the_symbol():
    tg.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(2 * 2 * 2, 3))
    loss = net(tg.randn(1, 1, 6, 6)).sum()
    names, by_symbol = symbols(loss)
    assert names.layers == 3
    assert {"z₁", "u₁", "z₂", "u₂ = z₃", "vec(z₃)", "W₃", "b₃", "u₃", "E"} <= set(by_symbol)
    assert names.deltas[by_symbol["u₂ = z₃"]] == "δ₂"


def test_batch_norm_wraps_the_pre_activation():
    from tinygrad_edu.nn.models import build

    tg.manual_seed(0)
    block = build("resnet-block")
    loss = block(tg.randn(2, 8, 8, 8)).sum()
    _, by_symbol = symbols(loss)
    assert {"BN(u₁)", "z₂", "BN(u₂)", "W₁", "W₂"} <= set(by_symbol)


def test_graphs_and_the_command_line_speak_the_lecture(tmp_path, any_renderer):
    tg.manual_seed(0)
    net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    loss = F.cross_entropy(net(tg.randn(2, 3)), np.array([0, 1]))
    lines = all_text(to_svg(draw(loss, names=net, notation="lecture", collapse=False))).split("\n")
    assert {"z₁", "W₁ (0.weight)", "u₁ (0.out)", "z₂ (1.out)", "u₂ (2.out)", "E (loss)"} <= set(lines)
    assert LEGEND in lines
    with pytest.raises(ValueError, match="notation"):
        draw(loss, notation="tensorial")
    out = tmp_path / "lenet.svg"
    assert main(["graph", "--model", "lenet5", "--notation", "lecture", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "W₁ (c1.weight)" in text and "u₂ = z₃ (s2.out)" in text and "vec(z₆) (flatten.out)" in text


def test_step_command_in_lecture_notation(capsys):
    assert main(["step", "--model", "mlp", "--text", "--notation", "lecture"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("backward pass of E (loss): 4 steps\n" + LEGEND)
    assert "δ₂ at u₂ (2.out)" in out and "→ W₂ (2.weight)" in out and "∂E/∂z₂ at z₂ (1.out)" in out


def test_the_expanded_view_heads_each_grid_with_its_symbol():
    from tinygrad_edu.viz.lecture import conv_coupling_example

    u, *_ = conv_coupling_example()
    source = draw(u, expand=True, notation="lecture").source
    assert 'label="z₁: x  (1×1×4×4)"' in source and 'label="u₁: u = Conv2d(…)  (1×1×2×2)"' in source
    assert "z₁" not in draw(u, expand=True).source
