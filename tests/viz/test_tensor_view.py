"""The tensor-level picture: exact node and edge counts, clusters per module call, collapsing, Parameters
apart, gradients on edges, and the highlighted path — checked on the SVG that dot really writes."""
import re

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import functional as F
from tinygrad_edu.nn import Linear, ReLU, Sequential
from tinygrad_edu.viz import draw

from .svgtools import all_text, counts, groups, texts, tiny_graph, to_svg


def mlp_loss(seed=0):
    tg.manual_seed(seed)
    model = Sequential(Linear(4, 3), ReLU(), Linear(3, 2))
    x = tg.randn(5, 4)
    x.name = "x"
    loss = F.cross_entropy(model(x), np.arange(5) % 2)
    loss.name = "loss"
    return loss, model


def test_tiny_graph_has_exact_nodes_and_edges(renderer):
    y, *_ = tiny_graph()
    svg = to_svg(draw(y, variables={}))
    assert counts(svg) == {"node": 9, "edge": 8, "cluster": 0}
    text = all_text(svg)
    for word in ("a", "b", "c", "Mul", "Add", "Sum", "output", "2 float32", "scalar float32"):
        assert word in text.split("\n") or word in text


def test_op_rule_and_values_are_shown(any_renderer):
    y, *_ = tiny_graph()
    text = all_text(to_svg(draw(y, show=("name", "shape", "dtype", "rule"), values=True)))
    assert "δ_a = δ·b, δ_b = δ·a" in text
    assert "= 22" in text


def test_sequential_model_draws_one_cluster_per_module_call(renderer):
    loss, model = mlp_loss()
    svg = to_svg(draw(loss, names=model))
    labels = {texts(g)[0] for g in groups(svg, "cluster")}
    assert labels == {"Sequential", "0: Linear", "1: ReLU", "2: Linear"}
    text = all_text(svg)
    assert "0.weight" in text and "2.bias" in text


def test_parameters_are_cylinders_apart_from_activations():
    loss, model = mlp_loss()
    source = draw(loss, names=model).source
    assert source.count("shape=cylinder") == len(list(model.parameters())) == 4


def test_a_collapsed_module_becomes_one_node_with_its_edges(any_renderer):
    loss, model = mlp_loss()
    full = draw(loss, names=model, collapse=False, expand_composites=True)
    folded = draw(loss, names=model, collapse=["0"], expand_composites=True)
    # Linear 0 holds weight, bias, Permute, Wᵀ, MatMul, x Wᵀ, Add, x Wᵀ + b: 8 nodes become 1
    assert folded.node_count == full.node_count - 8 + 1
    # with F.linear as one node (the default), it holds weight, bias, linear, x Wᵀ + b: 4 nodes become 1
    assert draw(loss, names=model, collapse=["0"]).node_count == draw(loss, names=model, collapse=False).node_count - 3
    assert folded.collapsed == ["0: Linear"]
    svg = to_svg(folded)
    module = [g for g in groups(svg, "node") if "0: Linear" in texts(g)]
    assert len(module) == 1 and "3 ops, 15 weights" in texts(module[0])
    module_id = module[0].find("{http://www.w3.org/2000/svg}title").text
    ins = [g for g in groups(svg, "edge") if g.find("{http://www.w3.org/2000/svg}title").text.endswith(f"->{module_id}")]
    outs = [g for g in groups(svg, "edge") if g.find("{http://www.w3.org/2000/svg}title").text.startswith(f"{module_id}->")]
    assert len(ins) == 1 and len(outs) == 1  # x in, the activation out to ReLU
    assert "0: Linear" not in {texts(g)[0] for g in groups(svg, "cluster")}


def test_collapse_by_class_name_and_all():
    loss, model = mlp_loss()
    by_class = draw(loss, names=model, collapse="Linear")
    assert by_class.collapsed == ["0: Linear", "2: Linear"]
    everything = draw(loss, names=model, collapse=True)
    assert everything.collapsed == ["0: Linear", "1: ReLU", "2: Linear"]
    with pytest.raises(ValueError, match="'conv9'.*module calls are"):
        draw(loss, collapse=["conv9"])


def test_highlight_marks_exactly_the_path_from_a_weight_to_the_loss():
    y, a, b, c = tiny_graph()
    source = draw(y, highlight=(a, y)).source
    red = [line for line in source.splitlines() if "#d62728" in line]
    assert sum("->" in line for line in red) == 6  # a→Mul→ab→Add→abc→Sum→y
    assert sum("->" not in line for line in red) == 7
    assert not any(line.lstrip().startswith("t1 ") for line in red)  # b is not on the path
    assert draw(y, highlight=c).source.count("#d62728") == 5 + 4


def test_highlight_refuses_tensors_off_the_graph_and_missing_paths():
    y, a, *_ = tiny_graph()
    with pytest.raises(ValueError, match="not in the graph"):
        draw(y, highlight=(tg.Tensor([1.0]), y))
    with pytest.raises(ValueError, match="no path"):
        draw(y, highlight=(y, a))


def test_gradients_weigh_edges_without_touching_grad():
    loss, model = mlp_loss()
    source = draw(loss, grads=True, values=True).source
    widths = [float(w) for w in re.findall(r"penwidth=([\d.]+)", source)]
    assert len(widths) >= 10 and max(widths) > min(widths)
    assert "δ ‖·‖" in source
    assert all(p.grad is None for p in model.parameters())


def test_gradients_of_a_freed_graph_come_from_grad():
    loss, model = mlp_loss()
    loss.backward()
    source = draw(loss, grads=True, names=model).source
    assert source.count("δ ‖·‖") == 4  # the four Parameters hold .grad; the rest was freed


def test_small_tensors_get_a_heat_map_and_show_is_checked():
    y, *_ = tiny_graph()
    assert "BGCOLOR" in draw(y, values=True).source
    with pytest.raises(ValueError, match="show="):
        draw(y, show=("name", "colour"))


def test_symbolic_graph_draws(any_renderer):
    x = tg.symbolic.symbols("x", (2,))
    y = (x * x).sum()
    text = all_text(to_svg(draw(y, values=True, grads=True)))
    assert "x₁**2 + x₂**2" in text or "x₁²" in text or "x₁**2" in text


def stacked_resnet(blocks=6, channels=8):
    from tinygrad_edu.nn.models import ResidualBlock

    tg.manual_seed(0)
    net = Sequential(*[ResidualBlock(channels) for _ in range(blocks)])
    loss = net(tg.randn(1, channels, 6, 6)).sum()
    loss.name = "loss"
    return loss, net


def test_a_resnet_of_a_few_hundred_nodes_collapses_and_renders(any_renderer):
    """447 nodes with every primitive; past 150 each block's 24 layer calls fold to one node each, leaving 63 to
    draw. (How long that takes is measured in benchmarks/bench_viz.py, not asserted here.) With batch norm as
    one node (the default; conv2d too, a composition since issue 14) the graph has 123 nodes and needs no folding."""
    loss, net = stacked_resnet()
    assert draw(loss, collapse=False, expand_composites=True).node_count == 447
    default = draw(loss, names=net)
    assert default.node_count == 123 and default.collapsed == [] and len(default.composites) == 24
    view = draw(loss, names=net, grads=True, expand_composites=True)
    svg = to_svg(view)
    assert len(view.collapsed) == 24 and all(re.fullmatch(r"[0-5]\.(conv|bn)[12]: \w+", c) for c in view.collapsed)
    assert view.node_count == counts(svg)["node"] == 63
    assert "modules collapsed" in all_text(svg)


def test_tensors_take_the_callers_variable_names_and_module_outputs_theirs(any_renderer):
    tg.manual_seed(0)
    model = Sequential(Linear(4, 3), ReLU(), Linear(3, 2))
    images = tg.randn(5, 4)
    logits = model(images)
    loss = F.cross_entropy(logits, np.arange(5) % 2)
    lines = all_text(to_svg(draw(loss, names=model, collapse=False))).split("\n")
    assert {"images", "logits", "loss", "0.out", "1.out", "0.weight"} <= set(lines)
    assert "input" not in lines and "output" not in lines
    plain = all_text(to_svg(draw(loss, names=model, collapse=False, variables={}))).split("\n")
    assert "input" in plain and "cross_entropy.out" in plain and "2.out" in plain and "images" not in plain
