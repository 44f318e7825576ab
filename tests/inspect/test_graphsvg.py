import re

import pytest

from tinygrad_edu import viz
from tinygrad_edu.inspect import steps
from tinygrad_edu.inspect.graphsvg import graph_picture, node_names, step_node
from tests.inspect.models import cnn_loss, mlp_loss


def node_texts(svg):
    """SVG node title → the texts drawn inside it."""
    groups = re.findall(r'<g id="node\d+" class="node">\s*<title>([^<]*)</title>(.*?)</g>\s*(?=<!--|<g|</g>)', svg, re.S)
    return {title: re.findall(r">([^<>]+)</text>", body) for title, body in groups}


@pytest.mark.parametrize("builder", [mlp_loss, cnn_loss])
def test_each_step_maps_to_the_node_drawn_for_its_op(builder):
    if viz.find_renderer("svg") is None:
        pytest.fail("no Graphviz renderer for SVG (apt-get install graphviz)")
    model, loss = builder()
    picture = graph_picture(loss, model)
    texts = node_texts(picture.svg)
    recorded = steps(loss, names=model)
    assert picture.svg.startswith("<svg") and "<!--" not in picture.svg
    assert len({step_node(picture, s.fn) for s in recorded}) == len(recorded)
    for step in recorded:
        assert texts[step_node(picture, step.fn)][0] == step.op
    assert recorded[0].op == "cross_entropy" and texts[step_node(picture, recorded[0].fn)][0] == "cross_entropy"


def test_names_cover_every_function_of_the_graph():
    model, loss = mlp_loss()
    names = node_names(loss, expand_composites=True)
    assert {id(s.fn) for s in steps(loss, expand_composites=True)} <= set(names)
    assert all(re.fullmatch(r"f\d+", n) for n in names.values())
    folded = node_names(loss)
    (call,) = {folded[id(fn)] for fn in steps(loss)[0].fn.members}
    assert re.fullmatch(r"m\d+", call), "cross_entropy's primitives are all one node"


def test_without_a_renderer_there_is_no_picture(monkeypatch):
    monkeypatch.setattr(viz, "find_renderer", lambda format="svg": None)
    model, loss = mlp_loss()
    assert graph_picture(loss, model) is None
