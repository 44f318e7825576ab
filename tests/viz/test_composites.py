"""Compositions as one node (issue 14): F.cross_entropy, F.linear, F.batch_norm, … drawn as one node with their own
rule by default, expandable into their primitives; the calls found on the graph (inputs in argument order, one
output); each module call its own cluster (c1, c1#2)."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import functional as F
from tinygrad_edu import nn
from tinygrad_edu.autograd import composite, composite_rules
from tinygrad_edu.cli import main
from tinygrad_edu.graph import forward_order
from tinygrad_edu.viz import draw
from tinygrad_edu.viz.composites import composite_calls

from .svgtools import all_text, edges, groups, texts, to_svg

SVG = "{http://www.w3.org/2000/svg}"
PRIMITIVES = ("LogSoftmax", "GetItem", "Neg", "Div", "MatMul", "Permute")


def mlp_loss(seed=0):
    tg.manual_seed(seed)
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    images = tg.randn(5, 4)
    loss = F.cross_entropy(model(images), np.arange(5) % 2)
    return loss, model, images


def node_texts(svg):
    return {g.find(f"{SVG}title").text: texts(g) for g in groups(svg, "node")}


def test_cross_entropy_and_linear_are_one_node_each_by_default(renderer):
    loss, model, _ = mlp_loss()
    svg = to_svg(draw(loss, names=model, collapse=False))
    shown = [t[0] for t in node_texts(svg).values()]
    assert shown.count("cross_entropy") == 1 and shown.count("linear") == 2
    assert not set(PRIMITIVES) & set(shown)
    expanded = to_svg(draw(loss, names=model, collapse=False, expand_composites=True))
    every = [t[0] for t in node_texts(expanded).values()]
    assert set(PRIMITIVES) <= set(every) and "cross_entropy" not in every
    assert {"cross_entropy", "linear"} <= {texts(g)[0] for g in groups(expanded, "cluster")}, "a dashed frame each"


def test_a_composite_node_carries_its_own_rule():
    loss, model, _ = mlp_loss()
    svg = to_svg(draw(loss, names=model, show=("name", "rule"), collapse=False))
    text = all_text(svg)
    assert "δ_u = softmax(u) − y" in text and "δ_x = δ W" in text
    assert "δ_A = δ·Bᵀ" not in text, "MatMul's rule stays inside linear"
    tooltips = draw(loss, names=model).source
    assert 'tooltip="δ_u = softmax(u) − y' in tooltips


def test_the_loss_and_the_weights_stay_visible_around_the_composite_nodes(any_renderer):
    loss, model, images = mlp_loss()
    view = draw(loss, names=model, collapse=False)
    svg = to_svg(view)
    names = {k: v[0] for k, v in node_texts(svg).items()}
    by_text = {v: k for k, v in names.items()}
    linear_nodes = [k for k, v in names.items() if v == "linear"]
    into = {(names[t], names[h]) for t, h, _ in edges(svg)}
    assert ("0.weight", "linear") in into and ("0.bias", "linear") in into and ("images", "linear") in into
    assert (names[by_text["cross_entropy"]], "loss") in into, "the loss is drawn after its node"
    assert len(linear_nodes) == 2


def test_expanding_by_name_keeps_the_others_folded():
    loss, model, _ = mlp_loss()
    view = draw(loss, names=model, collapse=False, expand_composites=["linear"])
    assert view.composites == ["cross_entropy"] and "MatMul" in view.source and "LogSoftmax" not in view.source
    assert draw(loss, names=model, collapse=False).composites == ["cross_entropy", "linear", "linear"]


def test_composite_calls_find_inputs_in_argument_order_and_one_output():
    loss, model, images = mlp_loss()
    tensors = forward_order(loss)
    owner = composite_calls([t._ctx for t in tensors if t._ctx is not None], loss)
    calls = list({id(c): c for c in owner.values()}.values())
    assert sorted(c.name for c in calls) == ["cross_entropy", "linear", "linear"]
    first = next(c for c in calls if c.name == "linear" and c.inputs[0] is images)
    assert first.inputs == (images, model[0].weight, model[0].bias)
    assert sorted(fn.name for fn in first.members) == ["Add", "MatMul", "Permute"]
    assert first.rule_unicode == composite_rules["linear"][0] and first.rule_latex
    ce = next(c for c in calls if c.name == "cross_entropy")
    assert ce.output is loss and ce.scope[-1] == ("cross_entropy", "composite:cross_entropy")
    assert not composite_calls([t._ctx for t in tensors if t._ctx is not None], loss, expand=True)


def test_a_composite_returning_two_tensors_stays_expanded():
    @composite("halves", "δ_x = δ_a/2 + δ_b/2", r"\delta_x = (\delta_a + \delta_b)/2")
    def halves(x):
        half = x * 0.5
        return half.tanh(), half.exp()

    x = tg.Tensor([0.2, -0.4], requires_grad=True, dtype=tg.float64)
    a, b = halves(x)
    total = (a + b).sum()
    owner = composite_calls([t._ctx for t in forward_order(total) if t._ctx is not None], total)
    assert owner == {}, "two results leave the call: no one node can stand for it"
    from tinygrad_edu.inspect import steps

    assert {"Tanh", "Exp", "Mul"} <= {s.op for s in steps(total)}


def test_batch_norm_and_lrn_are_one_node():
    tg.manual_seed(1)
    x = tg.randn(2, 4, 3, 3, requires_grad=True)
    bn = nn.BatchNorm2d(4)
    y = F.local_response_norm(bn(x), size=3).sum()
    view = draw(y, collapse=False)
    assert view.composites == ["batch_norm", "local_response_norm"]
    assert view.node_count < draw(y, collapse=False, expand_composites=True).node_count - 20


# ---- each module call its own cluster ---------------------------------------------------------------------
class Twice(nn.Module):
    """One conv applied twice: two calls of c1, one set of weights."""

    def __init__(self) -> None:
        super().__init__()
        self.c1 = nn.Conv2d(1, 1, 3, padding=1)

    def forward(self, x):
        return self.c1(F.relu(self.c1(x)))


def test_two_calls_of_one_module_are_two_clusters_sharing_the_weights(renderer):
    tg.manual_seed(0)
    net = Twice()
    out = net(tg.randn(1, 1, 4, 4)).sum()
    svg = to_svg(draw(out, names=net, collapse=False))
    clusters = {texts(g)[0]: g for g in groups(svg, "cluster")}
    assert {"Twice", "c1: Conv2d", "c1#2: Conv2d"} <= set(clusters)
    lines = all_text(svg).split("\n")
    assert "c1.out" in lines and "c1.out#2" in lines
    assert lines.count("c1.weight") == 1, "one weight node, outside both calls"
    folded = draw(out, names=net, collapse=["c1"])
    assert folded.collapsed == ["c1#2: Conv2d", "c1: Conv2d"]


def test_module_outputs_count_calls_not_tensors():
    from tinygrad_edu.graph import call_scopes, module_output_names

    tg.manual_seed(0)
    net = Twice()
    x = tg.randn(1, 1, 4, 4)
    first = net.c1(x)
    out = net(x)
    names = module_output_names(forward_order(out))
    assert sorted(v for v in names.values() if v.startswith("c1")) == ["c1.out", "c1.out#2"]
    scopes = call_scopes([t._ctx for t in forward_order(out) if t._ctx is not None])
    assert {e[2] for s in scopes.values() for e in s if e[0] == "c1"} == {1, 2}, "the conv2d call inside each is numbered too"
    assert first._ctx.scope_calls != out._ctx.inputs[0]._ctx.scope_calls, "each call numbered by the engine"


# ---- the command line -----------------------------------------------------------------------------------
def test_graph_command_folds_and_expands_composites(tmp_path, capsys, any_renderer):
    folded, expanded = tmp_path / "folded.svg", tmp_path / "expanded.svg"
    assert main(["graph", "--model", "mlp", "--collapse", "none", "-o", str(folded)]) == 0
    assert main(["graph", "--model", "mlp", "--collapse", "none", "--expand-composites", "-o", str(expanded)]) == 0
    text = folded.read_text(encoding="utf-8")
    assert "cross_entropy" in text and "LogSoftmax" not in text
    assert "LogSoftmax" in expanded.read_text(encoding="utf-8")
    some = tmp_path / "some.svg"
    assert main(["graph", "--model", "mlp", "--collapse", "none", "--expand-composites", "linear",
                 "-o", str(some)]) == 0
    text = some.read_text(encoding="utf-8")
    assert "MatMul" in text and "LogSoftmax" not in text


@pytest.mark.parametrize("size", [2, 3])
def test_a_bare_cross_entropy_is_logits_one_node_and_the_loss(size):
    tg.manual_seed(size)
    logits = tg.randn(size, 4, requires_grad=True)
    loss = F.cross_entropy(logits, np.arange(size) % 4)
    view = draw(loss, collapse=False)
    assert view.composites == ["cross_entropy"] and view.node_count == 3  # logits → cross_entropy → loss
