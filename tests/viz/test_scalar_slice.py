"""The scalar view of a slice (issue 14): every zoo model draws with `--level scalar`, from a slice chosen
automatically or given with --slice; the drawn elements are exactly the receptive field, labelled with their true
indices and the values of the tensor-level forward."""
import argparse
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu import functional as F
from tinygrad_edu.demos import MODELS, zoo_loss
from tinygrad_edu.viz import rendering as render
from tinygrad_edu.viz.command import add_parser
from tinygrad_edu.viz.graph_walk import walk
from tinygrad_edu.viz.labels import number
from tinygrad_edu.viz.receptive_field import dependencies
from tinygrad_edu.viz.slice_view import SliceTooLarge, sliced_view
from tinygrad_edu.viz.slicing import SliceError, parse_slice, select, windows

from .svgtools import counts, element_nodes

NODE = re.compile(r'^\s*(e(\d+)_(\d+)) \[label="([^"]*)"', re.M)
EDGE = re.compile(r'^\s*(e\d+_\d+) -> (e\d+_\d+) \[.*?(?:label|taillabel)=("[^"]*"|[^\s\]]+)', re.M)


def edge_labels(source: str) -> list[tuple[str, str, str, str]]:
    """(tail, head, weight entry or "", value text) of every edge in a sliced view's DOT source."""
    found = []
    for tail, head, label in EDGE.findall(source):
        weight, _, value = label.strip('"').rpartition(" = ")
        found.append((tail, head, weight, value))
    return found


def graph(*argv):
    parser = argparse.ArgumentParser(prog="tinygrad-edu")
    add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["graph", *argv])
    return args.run(args)


def element_labels(source: str) -> dict[str, tuple[str, list[int], str]]:
    """Node id → (tensor name, true index, value text) from a sliced view's DOT source (values shown)."""
    found = {}
    for node, _, _, label in NODE.findall(source):
        head, _, value = label.partition("\\n")
        name, _, index = head.partition("[")
        found[node] = (name, [int(i) for i in index.rstrip("]").split(",")] if index else [], value)
    return found


# ---- every zoo model, from the command line --------------------------------------------------------------------
@pytest.fixture(scope="module")
def auto_dot(tmp_path_factory):
    """Each zoo model drawn with `--level scalar --values` and no --slice, as DOT: model → (exit code, stdout, DOT)."""
    import contextlib
    import io

    out = tmp_path_factory.mktemp("auto")
    found = {}
    for model in MODELS:
        said = io.StringIO()
        with contextlib.redirect_stdout(said):
            code = graph("--model", model, "--level", "scalar", "--values", "-o", str(out / f"{model}.dot"))
        found[model] = (code, said.getvalue(), (out / f"{model}.dot").read_text(encoding="utf-8"))
    return found


@pytest.mark.parametrize("model", MODELS)
def test_every_zoo_model_draws_an_automatic_slice_under_the_limits(model, auto_dot):
    code, said, source = auto_dot[model]
    assert code == 0
    text = re.search(r"^slice: (\S+\[[^\]]*\]|\S+) — (.*)$", said, re.M)
    assert text and "chosen automatically" in said and "--slice" in said, said
    assert f"slice: {text.group(2).split(';')[0]}" in source.replace("\\n", "\n"), "the caption names the slice"
    nodes = element_labels(source)
    assert 0 < len(nodes) <= 150, "under --max-nodes"
    per_tensor: dict[str, int] = {}
    for name, _, _ in nodes.values():
        per_tensor[name] = per_tensor.get(name, 0) + 1
    assert max(per_tensor.values()) <= 64, "under --max-elements"
    assert text.group(1).split("[")[0] in per_tensor, "the sliced tensor is drawn"
    assert "not drawn" in source


@pytest.mark.parametrize("model", MODELS)
def test_the_automatic_slices_render(model, auto_dot, renderer):
    svg = render.pipe(auto_dot[model][2], "svg")
    import xml.etree.ElementTree as ET

    tree = ET.fromstring(svg)
    assert len(element_nodes(tree)) == len(element_labels(auto_dot[model][2]))
    assert counts(tree)["edge"] > 0


def test_the_automatic_slice_is_deterministic(auto_dot, tmp_path):
    assert graph("--model", "lenet5", "--level", "scalar", "--values", "-o", str(tmp_path / "again.dot")) == 0
    assert (tmp_path / "again.dot").read_text(encoding="utf-8") == auto_dot["lenet5"][2]


# ---- values and indices: the tensor-level forward ---------------------------------------------------------------
def _lenet_expected(model, x, name, index):
    """LeNet-5's first layers at one index, in plain NumPy from the weights (not through the recorded graph)."""
    w, b = model.c1.weight.data.astype(np.float64), model.c1.bias.data.astype(np.float64)
    x = x.astype(np.float64)

    def conv(n, o, i, j, bias=True):
        return float(np.sum(x[n, :, i:i + 5, j:j + 5] * w[o]) + (b[o] if bias else 0.0))

    n, c, i, j = index
    if name == "input":
        return float(x[n, c, i, j])
    if name == "conv2d":
        return conv(n, c, i, j, bias=False)
    if name == "c1.out":
        return conv(n, c, i, j)
    if name == "act1.out":
        return max(conv(n, c, i, j), 0.0)
    assert name == "s2.out"
    return max(max(conv(n, c, 2 * i + a, 2 * j + d), 0.0) for a in range(2) for d in range(2))


def _check_label(value_text, expected):
    assert value_text == number(expected) or float(value_text) == pytest.approx(expected, rel=6e-3, abs=1e-6)


def test_lenet5_labels_are_the_forwards_values_at_their_true_indices():
    root, model = zoo_loss("lenet5")
    x = next(t for t in walk(root).tensors if t.name == "input").data
    view = sliced_view(root, "c1.out[0, 0, 3:5, 2:5]", values=True, names=model)
    nodes = element_labels(view.source)
    inputs = {tuple(index) for name, index, _ in nodes.values() if name == "input"}
    assert inputs == {(0, 0, i, j) for i in range(3, 9) for j in range(2, 9)}, "exactly the receptive field"
    outputs = {tuple(i) for n, i, _ in nodes.values() if n == "c1.out"}
    assert outputs == {(0, 0, i, j) for i in (3, 4) for j in (2, 3, 4)}
    for name, index, value in nodes.values():
        _check_label(value, _lenet_expected(model, x, name, index))
    assert "weights the drawn elements depend on: c1.weight[0, 0, 0:5, 0:5] (of 6×1×5×5), c1.bias[0] (of 6)" in (
        view.caption), "the kernel of output channel 0 and its bias, nothing else"
    assert "inputs outside its receptive field not drawn" in view.caption
    w = model.c1.weight.data
    for tail, head, weight, label in edge_labels(view.source):
        if nodes[tail][0] == "input" and nodes[head][0] == "conv2d":
            (_, _, i, j), (_, o, p, q) = nodes[tail][1], nodes[head][1]
            assert label == number(w[o, 0, i - p, j - q]), "∂u/∂x is the kernel entry"
            assert weight == f"c1.weight[{o},0,{i - p},{j - q}]", "and says which"
    auto = sliced_view(root, values=True, names=model)
    assert auto.selection.text == "s2.out[0, 0, 0:2, 0:2]"
    for name, index, value in element_labels(auto.source).values():
        _check_label(value, _lenet_expected(model, x, name, index))


def test_digits_cnn_labels_match_a_fresh_tensor_forward():
    root, model = zoo_loss("digits-cnn")
    x = next(t for t in walk(root).tensors if t.name == "input")
    view = sliced_view(root, values=True, names=model)
    assert view.selection.name == "features.2.out"
    conv = model.features[0]
    with tg.no_grad():
        fresh = {"input": x.data, "features.0.out": F.conv2d(x, conv.weight, conv.bias, padding=1).data}
        fresh["features.1.out"] = np.maximum(fresh["features.0.out"], 0)
        fresh["features.2.out"] = F.max_pool2d(tg.Tensor(fresh["features.1.out"]), 2).data
    seen = set()
    for name, index, value in element_labels(view.source).values():
        if name in fresh:
            seen.add(name)
            _check_label(value, float(fresh[name][tuple(index)]))
    assert seen == set(fresh)


def test_a_relu_off_and_a_pools_losers_are_drawn_as_zero_couplings():
    x = tg.Tensor(np.array([[[[1.0, -5.0], [3.0, 2.0]]]]), requires_grad=True, name="x")
    view = sliced_view(F.max_pool2d(x.relu(), 2).sum(), "maxpool2d[0, 0, 0, 0]", values=True)
    assert view.element_count == 4 + 4 + 1
    dashed = view.source.count("style=dashed")
    assert view.coupling_count == 4 + 4 and dashed == 1 + 3, "relu(−5) and the three losers: structural zeros"


# ---- the receptive field is structural and exact ----------------------------------------------------------------
def test_dependencies_equal_probing_every_entry_alone():
    rng = np.random.default_rng(1)
    x = tg.Tensor(rng.normal(size=(1, 2, 7, 7)), requires_grad=True)
    w = tg.Tensor(rng.normal(size=(3, 2, 3, 3)), requires_grad=True)
    y = F.max_pool2d(F.conv2d(x, w, stride=2, padding=1).relu(), 2, 1)
    for fn, k in ((y._ctx, 0), (y._ctx.inputs[0]._ctx, 0), (y._ctx.inputs[0]._ctx.inputs[0]._ctx, 0)):
        out = fn._output()
        targets = np.array([0, 5, out.numel() - 1])
        found, count = dependencies(fn, k, targets, budget=10_000)
        data = fn.inputs[k].data
        expected = []
        for j in range(data.size):
            probed = data.copy()
            probed.flat[j] = np.nan
            arrays = [u.data for u in fn.inputs]
            arrays[k] = probed
            again = type(fn).__new__(type(fn))
            again.attrs = dict(fn.attrs)
            if np.isnan(again.forward(*arrays, **fn.attrs).ravel()[targets]).any():
                expected.append(j)
        assert expected and found.tolist() == expected and count == len(expected)
        assert dependencies(fn, k, targets, budget=len(expected) - 1)[0] is None


def test_a_slice_over_the_limits_names_the_limit_and_the_tensor():
    root, model = zoo_loss("lenet5")
    with pytest.raises(SliceTooLarge, match=r"c3\.out\[0, 0, 0, 0\].*of s2\.out \(2×6×14×14\), more than "
                                            r"max_elements=64") as err:
        sliced_view(root, "c3.out[0, 0, 0, 0]", names=model)
    assert err.value.found > 64 and err.value.what == "max_elements"
    with pytest.raises(SliceTooLarge, match="in all, more than max_nodes=20"):
        sliced_view(root, "c1.out[0, 0, 0:2, 0:2]", names=model, max_nodes=20)
    with pytest.raises(SliceTooLarge, match=r"of input \(2×1×32×32\), more than max_elements=64"):
        sliced_view(root, "s2.out[0, 0, 0:3, 0:3]", names=model)
    view = sliced_view(root, "s2.out[0, 0, 0:3, 0:3]", names=model, max_elements=100, max_nodes=300)
    assert view.element_count == 100 + 3 * 36 + 9, "10×10 inputs, 6×6 conv, bias-add and ReLU outputs, 3×3 pooled"


# ---- --slice: the syntax -------------------------------------------------------------------------------------------
SHAPES = {"c1.out": (2, 6, 28, 28), "v": (10,), "loss": (), "c1.out[1]": (3, 4)}


def test_a_slice_reads_as_numpy_indexing_with_true_indices():
    s = select(parse_slice("c1.out[0, -1, 3:5, ::9]", list(SHAPES)), SHAPES)
    assert s.axes == ((0,), (5,), (3, 4), (0, 9, 18, 27))
    assert s.text == "c1.out[0, 5, 3:5, 0:28:9]"
    assert s.describe() == "batch 0, channel 5, rows 3–4, cols 0–27 step 9 of c1.out (2×6×28×28)"
    assert select(parse_slice("c1.out[1]", list(SHAPES)), SHAPES).shape == (3, 4), "a name with brackets, whole"
    assert select(parse_slice("loss"), SHAPES).flat.tolist() == [0]
    assert select(parse_slice("c1.out[1, 2]"), SHAPES).count == 28 * 28, "axes left out are whole"


@pytest.mark.parametrize("text, message", [
    ("c1.out[0, 6]", r"c1\.out has shape 2×6×28×28: index 6 is out of range for axis 1 of size 6 \(0 ≤ i < 6"),
    ("c1.out[0, 0, 0, 0, 0]", r"4 axes, but the slice has 5 indices; expected NAME\[i, j, a:b, …\]"),
    ("c1.out[0, 0, 4:4]", r"the range 4:4 of axis 2 \(size 28\) is empty; a:b keeps a ≤ i < b"),
    ("c1.out[0, x]", r"cannot read 'x' as an index; expected NAME\[i, j, a:b, …\]: NumPy basic indexing"),
    ("c1.out[::-1]", r"step -1 in '::-1' must be positive"),
    ("conv[0]", r"no tensor named 'conv' in this graph; its tensors are c1\.out \(2×6×28×28\), v \(10\)"),
    ("[0, 0]", r"no tensor name before '\['"),
])
def test_bad_slices_name_the_option_the_shape_and_the_rule(text, message):
    with pytest.raises(SliceError, match=re.escape(f"--slice {text!r}") + ".*" + message):
        select(parse_slice(text, list(SHAPES)), SHAPES)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=1, max_size=4).flatmap(lambda shape: st.tuples(
    st.just(tuple(shape)),
    st.tuples(*[st.one_of(st.integers(-s, s - 1), st.tuples(st.integers(0, s - 1), st.integers(1, s),
                                                            st.integers(1, 3)))
                for s in shape]))))
def test_a_selection_is_numpys_basic_indexing_and_its_text_reads_back(case):
    shape, parts = case
    index = tuple(p if isinstance(p, int) else slice(min(p[0], p[1] - 1), p[1], p[2]) for p in parts)
    text = "t[" + ", ".join(str(p) if isinstance(p, int) else f"{p.start}:{p.stop}:{p.step}" for p in index) + "]"
    selection = select(parse_slice(text), {"t": shape})
    grid = np.arange(int(np.prod(shape))).reshape(shape)
    assert selection.flat.tolist() == np.asarray(grid[index]).ravel().tolist()
    again = select(parse_slice(selection.text), {"t": shape})
    assert again.axes == selection.axes


def test_automatic_windows_go_from_large_to_one_element():
    found = [w.text for w in windows("s2.out", (2, 6, 14, 14))]
    assert found == ["s2.out[0, 0, 0:4, 0:4]", "s2.out[0, 0, 0:3, 0:3]", "s2.out[0, 0, 0:2, 0:2]",
                     "s2.out[0, 0, 0, 0]"]
    assert [w.text for w in windows("f6.out", (2, 84))][-1] == "f6.out[0, 0]"
    assert [w.text for w in windows("loss", ())] == ["loss"]


def test_every_option_the_messages_name_exists(auto_dot, tmp_path, capsys):
    """Issue 14: the old refusal advised `max_elements`, which the command line does not take."""
    parser = argparse.ArgumentParser(prog="tinygrad-edu")
    known = {opt for action in add_parser(parser.add_subparsers(dest="command"))._actions
             for opt in action.option_strings}
    texts = [said for _, said, _ in auto_dot.values()]
    for argv in (["--slice", "c3.out[0, 0]"], ["--level", "scalar", "--max-elements", "8"], ["--slice", "s2.out[9]"]):
        assert graph("--model", "lenet5", *argv, "-o", str(tmp_path / "x.dot")) == 2
        texts.append(capsys.readouterr().err)
    advised = set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", "\n".join(texts)))
    assert {"--slice", "--max-elements", "--max-nodes", "--level"} <= advised <= known, advised - known
    assert "max_elements" not in "\n".join(texts)


def test_a_scripts_variable_can_be_sliced_by_its_name(tmp_path, capsys):
    script = tmp_path / "mine.py"
    script.write_text("import tinygrad_edu as tg\ntg.manual_seed(0)\n"
                      "x = tg.randn(3, 8, requires_grad=True)\nW = tg.randn(8, 4, requires_grad=True)\n"
                      "h = (x @ W).relu()\nloss = h.sum()\n", encoding="utf-8")
    out = tmp_path / "h.dot"
    assert graph("--script", str(script), "--tensor", "loss", "--slice", "h[1, 0:2]", "-o", str(out)) == 0
    assert "slice: h[1, 0:2] — batch 1, features 0–1 of h (3×4)" in capsys.readouterr().out
    nodes = element_labels(out.read_text(encoding="utf-8"))
    drawn = {(name, tuple(index)) for name, index, _ in nodes.values()}
    assert {("x", (1, j)) for j in range(8)} | {("h", (1, 0)), ("h", (1, 1))} <= drawn
    assert not any(name == "x" and index[0] != 1 for name, index in drawn), "other rows of x are not drawn"


def test_weights_and_symbolic_tensors_say_why_they_cannot_be_sliced():
    root, model = zoo_loss("lenet5")
    with pytest.raises(SliceError, match=r"--slice 'c1\.weight\[0\]': c1\.weight is a weight: weights are drawn as "
                                         r"numbers on the edge labels"):
        sliced_view(root, "c1.weight[0]", names=model)
    from tinygrad_edu.viz.lecture import conv_coupling_example

    with pytest.raises(SliceError, match="u holds SymPy expressions: symbolic graphs are small and drawn whole"):
        sliced_view(conv_coupling_example()[0], "u[0, 0, 1, 1]")


_DRIVER = """
import sys
from tinygrad_edu.cli import main
assert main(["graph", "--model", "lenet5", "--level", "scalar", "--values", "-o", sys.argv[1]]) == 0
"""


def test_the_slice_view_is_byte_identical_across_hash_seeds(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    written = []
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(root))
        out = tmp_path / f"{seed}.dot"
        subprocess.run([sys.executable, "-c", _DRIVER, str(out)], env=env, check=True, timeout=120, cwd=tmp_path,
                       capture_output=True)
        written.append(out.read_bytes())
    assert written[0] == written[1] and b"slice: batch 0" in written[0]


# ---- lecture notation, gradients and named weights on a slice (issue 14, item 3) ----------------------------------
def test_lecture_notation_names_the_elements_of_a_lenet5_slice():
    from tinygrad_edu.viz.notation import LEGEND

    root, model = zoo_loss("lenet5")
    view = sliced_view(root, "s2.out[0, 0, 0:2, 0:2]", names=model, notation="lecture")
    nodes = element_labels(view.source)
    assert {name for name, _, _ in nodes.values()} == {"z₁", "conv2d", "u₁", "z₂", "u₂"}, "conv2d: inside u₁'s op"
    assert {tuple(i) for n, i, _ in nodes.values() if n == "u₂"} == {(0, 0, i, j) for i in (0, 1) for j in (0, 1)}
    assert {tuple(i) for n, i, _ in nodes.values() if n == "z₁"} == {(0, 0, i, j) for i in range(8) for j in range(8)}
    for title in ("z₁: input  (2×1×32×32)", "u₁: c1.out = Add(…)", "z₂: act1.out = Relu(…)",
                  "u₂ = z₃: s2.out = MaxPool2d(…)"):
        assert f'label="{title}' in view.source
    code = {(tail, head): weight for tail, head, weight, _ in edge_labels(sliced_view(root, "s2.out[0, 0, 0:2, 0:2]",
                                                                                      names=model).source)}
    kernel = [(tail, head, weight) for tail, head, weight, _ in edge_labels(view.source) if nodes[tail][0] == "z₁"]
    assert len(kernel) == 16 * 25
    for tail, head, weight in kernel:
        assert weight.startswith("W₁[0,0,") and code[(tail, head)] == "c1." + weight.replace("W₁", "weight")
    assert LEGEND in view.caption and "W₁ = c1.weight[0, 0, 0:5, 0:5] (of 6×1×5×5), b₁ = c1.bias[0] (of 6)" in (
        view.caption)
    assert "u₁" not in sliced_view(root, "s2.out[0, 0, 0:2, 0:2]", names=model).source
    for alias in ("u₂[0, 0, 0:2, 0:2]", "u2[0, 0, 0:2, 0:2]"):  # the slice may name the tensor as the picture does
        assert sliced_view(root, alias, names=model, notation="lecture").source == view.source
    with pytest.raises(SliceError, match="no tensor named 'u2'"):
        sliced_view(root, "u2[0, 0, 0, 0]", names=model)


def _gradient_labels(source: str) -> dict[tuple[str, tuple[int, ...]], str]:
    """(tensor name, index) → the gradient text on its node (the line after the value, after `δ `)."""
    found = {}
    for _, _, _, label in NODE.findall(source):
        lines = label.split("\\n")
        name, _, index = lines[0].partition("[")
        if len(lines) > 1 and lines[-1].startswith(("δ", "∂")):
            found[(name, tuple(int(i) for i in index.rstrip("]").split(",")))] = lines[-1].split(" ")[-1]
    return found


def _small_cnn():
    tg.manual_seed(3)
    net = tg.nn.Sequential(tg.nn.Conv2d(1, 2, 3, padding=1), tg.nn.ReLU(), tg.nn.MaxPool2d(2), tg.nn.Flatten(),
                           tg.nn.Linear(18, 4))
    x = tg.Tensor(np.random.default_rng(3).normal(size=(2, 1, 6, 6)).astype(np.float32), requires_grad=True,
                  name="x")
    return net, x, np.array([1, 3])


def test_grads_are_the_full_backwards_gradients_at_the_drawn_indices():
    net, x, targets = _small_cnn()
    loss = F.cross_entropy(net(x), targets)
    loss.name = "loss"
    view = sliced_view(loss, "2.out[1, 1, 0:2, 0:2]", values=True, names=net, grads=True)
    shown = _gradient_labels(view.source)
    conv, fc = net[0], net[4]  # the same numbers again, every intermediate keeping its gradient
    reference = {"x": tg.Tensor(x.data, requires_grad=True)}
    reference["0.out"] = F.conv2d(reference["x"], conv.weight.detach(), conv.bias.detach(), padding=1)
    reference["1.out"] = reference["0.out"].relu()
    reference["2.out"] = F.max_pool2d(reference["1.out"], 2)
    for t in reference.values():
        t.retain_grad()
    F.cross_entropy(F.linear(reference["2.out"].flatten(1), fc.weight.detach(), fc.bias.detach()), targets).backward()
    assert {name for name, _ in shown} == {"x", "conv2d", "0.out", "1.out", "2.out"}
    checked = 0
    for (name, index), text in shown.items():
        if name in reference:
            expected = float(reference[name].grad.data[index])
            assert text == number(expected) or float(text) == pytest.approx(expected, rel=6e-3, abs=1e-7), name
            checked += 1
    assert checked == len(shown) - 16 and any(text != "0" for text in shown.values())
    assert "gradients δ = ∂loss/∂element: one backward pass of loss;" in view.caption
    widest = max(re.findall(r"penwidth=([\d.]+)", view.source), key=float)
    assert widest == "4.00", "the edge carrying the most gradient is the widest"
    assert x.grad is None and conv.weight.grad is None, "the view's backward writes no .grad"


def test_grads_of_a_tensor_that_is_not_a_scalar_are_those_of_its_sum():
    net, x, _ = _small_cnn()
    pooled = net[2](net[1](net[0](x)))
    view = sliced_view(pooled, "2.out[0, 0, 0, 0:2]", names=net, grads=True, notation="lecture")
    shown = _gradient_labels(view.source)
    assert shown[("u₂", (0, 0, 0, 0))] == "1" and shown[("u₂", (0, 0, 0, 1))] == "1"
    assert "δ₂ 1" in view.source and "∂E/∂z₂ " in view.source, "δ_r at u_r, ∂E/∂z_r at z_r"
    assert "(the sum of its 36 elements)" in view.caption


def test_after_a_backward_that_freed_the_graph_the_slice_says_which_gradients_it_cannot_show():
    net, x, targets = _small_cnn()
    loss = F.cross_entropy(net(x), targets)
    loss.backward()  # no retain_graph: the saved values are gone, the leaves hold .grad
    view = sliced_view(loss, "2.out[1, 1, 0, 0]", names=net, grads=True)
    shown = _gradient_labels(view.source)
    assert {name for name, _ in shown} == {"x"}
    for (_, index), text in shown.items():
        assert text == number(x.grad.data[index])
    assert "no gradient at conv2d, 0.out, 1.out, 2.out: the graph's saved values were freed" in view.caption
