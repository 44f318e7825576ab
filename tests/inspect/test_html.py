import itertools
import json
import re

import numpy as np
import pytest
import sympy
from hypothesis import given, settings, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import viz
from tinygrad_edu.inspect import steps
from tinygrad_edu.inspect.html import CELL_BUDGET, heat_map, page, page_data, script_json, write_html
from tinygrad_edu.inspect.slices import grid_slice
from tests.inspect.chromium import Browser, find_chromium
from tests.inspect.models import cnn_loss, mlp_loss
from tests.required import missing


def embedded_data(html: str) -> dict:
    raw = re.search(r'<script type="application/json" id="stepper-data">(.*?)</script>', html, re.S).group(1)
    return json.loads(raw)


def test_a_heat_map_holds_each_slice_divided_by_its_scale():
    rng = np.random.default_rng(0)
    grad = rng.standard_normal((2, 3, 5, 4))
    found = heat_map("δ", grad, "stats")
    assert found["count"] == 6 and len(found["slices"]) == 6
    for k, s in enumerate(found["slices"]):
        window = grid_slice(grad, k, 32, 32)
        assert (s["rows"], s["cols"], s["label"]) == (5, 4, window.label)
        np.testing.assert_allclose(np.array(s["values"]) * s["scale"], window.values.ravel(), atol=1e-4 * s["scale"])
        assert max(abs(v) for v in s["values"]) == 1.0


def test_heat_maps_mark_nan_keep_a_budget_and_skip_symbols():
    nan = heat_map("δ", np.array([[1.0, np.nan], [np.inf, -0.5]]), "")
    assert nan["slices"][0]["values"] == [1.0, None, None, -0.5]
    big = heat_map("δ", np.ones((64, 64, 32, 32)), "")
    assert sum(s["rows"] * s["cols"] for s in big["slices"]) <= CELL_BUDGET and big["count"] == 64 * 64
    assert heat_map("δ", np.array([sympy.Symbol("a")], dtype=object), "s")["slices"] == []


def test_page_data_has_a_rule_image_and_a_graph_node_for_every_step(needs_matplotlib):
    model, loss = cnn_loss()
    recorded = steps(loss, names=model)
    html = page(recorded, names=model)
    data = embedded_data(html)
    assert len(data["steps"]) == len(recorded) and data["graph"] is True
    for step, shown in zip(recorded, data["steps"]):
        assert shown["op"] == step.op and shown["output"] == step.output_name
        assert data["rules"][shown["rule"]].startswith("data:image/svg+xml;base64,")
        assert f"<title>{shown['node']}</title>" in html
        assert len(shown["heat"]) == 1 + sum(g is not None for g in step.grads_in)


def test_the_page_needs_no_network():
    model, loss = mlp_loss()
    html = page(steps(loss, names=model), names=model)
    assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', html)
    assert "<link" not in html and not re.search(r"<script[^>]*\bsrc=", html)
    words = re.sub(r'"data":"[A-Za-z0-9+/=]*"', '"data":""', html)  # the arrays' base64 can spell anything
    assert "cdn" not in words.lower() and "@import" not in html
    urls = set(re.findall(r"(?:https?:)?//[\w.-]+\.\w+[^\s\"'<>)]*", html))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, urls


def test_without_a_renderer_the_page_lists_the_steps(monkeypatch):
    monkeypatch.setattr(viz, "find_renderer", lambda format="svg": None)
    model, loss = mlp_loss()
    html = page(steps(loss, names=model), names=model)
    assert "The graph is not drawn: no Graphviz renderer found" in html and "<svg" not in html.split('id="graph"')[1][:200]
    assert all(s["node"] is None for s in embedded_data(html)["steps"])


def test_without_matplotlib_the_rule_is_shown_as_unicode_text(monkeypatch):
    import tinygrad_edu.inspect.html as html

    monkeypatch.setattr(html, "latex_svg", lambda latex: None)
    model, loss = mlp_loss()
    data = embedded_data(page(steps(loss, names=model), names=model, graph=False))
    assert data["rules"] == [] and all(s["rule"] == -1 and s["rule_unicode"] for s in data["steps"])


def test_a_tensor_name_cannot_break_out_of_the_page(tmp_path):
    x = tg.Tensor(np.array([1.0, 2.0]), requires_grad=True, name="</script><b>x")
    loss = (x * x).sum()
    loss.name = "<loss & co>"
    html = write_html(steps(loss), tmp_path / "p.html").read_text(encoding="utf-8")
    assert "<title>backward pass of &lt;loss &amp; co&gt;" in html
    assert embedded_data(html)["steps"][1]["inputs"][0]["name"] == "</script><b>x"


def test_breakpoints_and_the_cursor_carry_into_the_page():
    model, loss = mlp_loss()
    recorded = steps(loss, names=model)
    recorded.break_on(op="linear")
    recorded.continue_()
    data = page_data(recorded, None)
    assert data["breakpoints"] == ["linear"] and data["start"] == recorded.position > 0


# ---- the page in a real browser ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def browser():
    executable = find_chromium()
    if executable is None:
        missing("chromium", "apt-get install chromium; the HTML stepper is loaded in it")
    opened = Browser(executable)
    yield opened
    opened.close()


def load(browser, path, fragment=""):
    browser.events.clear()
    browser.send("Page.navigate", {"url": path.resolve().as_uri() + fragment})
    browser.wait_for("Page.loadEventFired")


def state(browser):
    return browser.evaluate("""({step: Number(document.body.dataset.step),
        node: (document.querySelector('#graph g.node.current title') || {}).textContent || null,
        listed: document.querySelector('#steps li.current').textContent,
        heading: document.querySelector('#detail h2').textContent,
        maps: document.querySelectorAll('#detail canvas').length,
        ruleWidth: (document.querySelector('.rule img') || {}).naturalWidth || 0,
        slice: (document.querySelector('.map .legend') || {}).textContent || '',
        breaks: document.getElementById('breaks').textContent,
        message: document.getElementById('message').textContent})""")


def test_the_browser_check_sees_console_errors_and_exceptions(browser, tmp_path):
    path = tmp_path / "broken.html"
    path.write_text("<!DOCTYPE html><script>console.error('boom'); notDefinedAnywhere();</script>")
    load(browser, path)
    found = browser.errors()
    assert len(found) >= 2 and any("boom" in e for e in found) and any("notDefinedAnywhere" in e for e in found)


def test_chromium_loads_the_page_and_arrow_keys_step(browser, tmp_path, needs_matplotlib):
    model, loss = cnn_loss()
    recorded = steps(loss, names=model)
    path = write_html(recorded, tmp_path / "cnn.html", names=model)
    data = embedded_data(path.read_text(encoding="utf-8"))
    load(browser, path)
    first = state(browser)
    assert first["step"] == 0 and first["node"] == data["steps"][0]["node"] and first["ruleWidth"] > 0
    browser.press("ArrowRight", 39)
    browser.press("ArrowRight", 39)
    now = state(browser)
    assert now["step"] == 2 and now["node"] == data["steps"][2]["node"]
    header = browser.evaluate("document.getElementById('position').textContent")
    assert f" · step 3 of {len(recorded)} · {recorded[2].op}" in header
    assert now["heading"].startswith(recorded[2].op) and now["listed"].strip().startswith(f"3 {recorded[2].op}")
    browser.press("ArrowLeft", 37)
    assert state(browser)["step"] == 1
    browser.press("End", 35)
    assert state(browser)["step"] == len(recorded) - 1
    assert browser.errors() == []
    fetched = browser.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    assert all(url.startswith(("file:", "data:", "blob:")) for url in fetched), fetched


def test_chromium_breakpoints_slices_and_the_url_fragment(browser, tmp_path):
    model, loss = cnn_loss()
    recorded = steps(loss, names=model)
    convs = [s.index for s in recorded if s.op == "conv2d"]
    path = write_html(recorded, tmp_path / "cnn.html", names=model)
    load(browser, path, f"#step={convs[0] + 1}")
    shown = state(browser)
    assert shown["step"] == convs[0] and shown["heading"].startswith("conv2d in SmallCNN")
    assert shown["maps"] == 4 and "(1/" in shown["slice"], "δ, and the gradients of x, W and b"
    browser.press("]", 221)
    assert "(2/" in state(browser)["slice"]
    browser.press("b", 66)
    assert state(browser)["breaks"] == "break on conv2d"
    browser.press("c", 67)
    assert state(browser)["step"] == convs[1]
    browser.press("c", 67)
    assert state(browser)["message"] == "no later step hits a breakpoint"
    browser.press("r", 82)
    assert state(browser)["step"] == convs[0]
    assert browser.errors() == []


def test_chromium_shows_a_poisoned_pass_without_errors(browser, tmp_path):
    x = tg.Tensor(np.array([1.0, -1.0, 4.0]), requires_grad=True, name="x")
    with np.errstate(invalid="ignore"):
        loss = (x.sqrt() * 2.0).sum()
    path = write_html(steps(loss), tmp_path / "nan.html")
    load(browser, path)
    browser.press("End", 35)
    assert state(browser)["heading"].startswith("Sqrt")
    assert browser.evaluate("document.querySelector('#steps li.nonfinite') !== null")
    assert browser.errors() == []


HOSTILE_NAMES = ["<!--<script>", "</script><b>x", "a\u2028b\u2029c", "lone\ud800", "</SCRIPT >&amp;", "<![CDATA[", "-->"]


def test_the_embedded_data_is_inert_whatever_the_names():
    found = script_json({"names": HOSTILE_NAMES})
    assert not set(found) & {"<", ">", "&", "\u2028", "\u2029"} and found.isascii()
    assert json.loads(found)["names"] == HOSTILE_NAMES


def test_chromium_loads_a_page_whose_names_are_hostile(browser, tmp_path):
    xs = [tg.Tensor(np.array([1.0, 2.0]) * (k + 1), requires_grad=True, name=name) for k, name in enumerate(HOSTILE_NAMES)]
    loss = xs[0]
    for x in xs[1:]:
        loss = loss * x
    loss = loss.sum()
    loss.name = "<!--<script>loss\ud800"
    recorded = steps(loss)
    path = write_html(recorded, tmp_path / "hostile.html")
    load(browser, path)
    assert browser.errors() == []
    assert browser.evaluate("document.querySelectorAll('#steps li').length") == len(recorded)
    assert browser.evaluate("document.title").startswith("backward pass of <!--<script>loss\ufffd")
    browser.press("End", 35)
    shown = browser.evaluate("document.querySelector('#detail table.stats').textContent")
    for name in HOSTILE_NAMES[:2]:
        assert name in shown
    assert state(browser)["step"] == len(recorded) - 1 and browser.errors() == []


def test_a_graph_too_slow_to_lay_out_leaves_the_page_with_the_list_and_the_reason(monkeypatch):
    import subprocess

    from tinygrad_edu.viz import rendering

    if rendering.find_renderer("svg") is None:
        pytest.skip("needs a renderer to time out")

    def slow(*args, **kwargs):
        raise subprocess.TimeoutExpired(args[0], kwargs["timeout"])

    monkeypatch.setattr(rendering.subprocess, "run", slow)
    model, loss = mlp_loss()
    html = page(steps(loss, names=model), names=model, timeout=0.5)
    assert "The graph is not drawn: the graph has" in html and "within 0.5 s" in html
    assert len(embedded_data(html)["steps"]) == len(steps(loss))


# ---- compositions and the lecture's notation in the page (issue 14) -------------------------------------------
def test_the_page_starts_at_the_cross_entropy_node_in_lecture_notation():
    from tinygrad_edu.demos import zoo_loss

    loss, net = zoo_loss("lenet5")
    recorded = steps(loss, names=net, notation="lecture")
    html = page(recorded, names=net)
    data = embedded_data(html)
    first, second = data["steps"][:2]
    assert first["op"] == "cross_entropy" and first["primitives"][0] == "Div"
    assert "softmax(u) − y" in first["rule_unicode"]
    if data["graph"]:
        title = re.search(rf"<title>{first['node']}</title>(.*?)</g>", html, re.S).group(1)
        assert ">cross_entropy<" in title, "the step's node is the one cross_entropy node"
        picture = html[html.index("<svg"):html.index("</svg>")]
        assert "LogSoftmax" not in picture and "W₁ (c1.weight)" in picture
    assert second["grad_name"] == "δ₇" and second["heat"][0]["title"] == "δ₇ at u₇ (output.out)"
    assert [i["name"] for i in second["inputs"]] == ["z₇ (act6.out)", "W₇ (output.weight)", "b₇ (output.bias)"]


def test_chromium_shows_a_composite_step_with_its_primitives(browser, tmp_path):
    model, loss = mlp_loss()
    recorded = steps(loss, names=model, notation="lecture")
    path = write_html(recorded, tmp_path / "mlp.html", names=model)
    load(browser, path)
    shown = state(browser)
    assert shown["heading"] == "cross_entropy" and shown["step"] == 0
    detail = browser.evaluate("document.getElementById('detail').textContent")
    assert "one composition of 5 ops: Div, Sum, Neg, GetItem, LogSoftmax" in detail
    browser.press("ArrowRight", 39)
    detail = browser.evaluate("document.getElementById('detail').textContent")
    assert "δ₃ arrives at u₃ (4.out)" in detail and "→ W₃ (4.weight)" in detail
    assert browser.errors() == []


# ---- the formula per element: clicking a gradient cell shows its sum (issue 14, item 4) ------------------------
def lenet5_page(tmp_path):
    from tinygrad_edu.demos import zoo_loss

    loss, net = zoo_loss("lenet5")
    recorded = steps(loss, names=net)
    return loss, recorded, write_html(recorded, tmp_path / "lenet5.html", names=net)


def click_cell(browser, map_index, row, col):
    """A real mouse click on cell (row, col) of heat map `map_index` of the current step."""
    box = browser.evaluate(f"""(function () {{
        const c = document.querySelector('#detail canvas[data-map="{map_index}"]');
        c.scrollIntoView({{block: "center", inline: "center"}});
        const r = c.getBoundingClientRect();
        return {{x: r.x, y: r.y, cell: Number(c.dataset.cell)}}; }})()""")
    x, y = box["x"] + (col + 0.5) * box["cell"], box["y"] + (row + 0.5) * box["cell"]
    for kind in ("mousePressed", "mouseReleased"):
        browser.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1})


def test_the_lenet5_page_with_its_arrays_stays_small(tmp_path):
    _, recorded, path = lenet5_page(tmp_path)
    assert path.stat().st_size < 5_000_000
    data = embedded_data(path.read_text(encoding="utf-8"))
    kinds = {m["explain"]["kind"] for s in data["steps"] for m in s["heat"][1:] if "explain" in m}
    assert kinds >= {"conv_x", "conv_w", "bias", "linear_x", "linear_w", "local", "view", "maxpool"}
    assert all(s["delta"] is not None for s in data["steps"])


def test_the_expanded_lenet5_page_explains_every_shown_cell_and_stays_small(tmp_path):
    """--expand-composites: the primitives without a generator (the bias Add of a (N, 6, 28, 28) map, LogSoftmax,
    GetItem, …) get every shown cell's terms precomputed, and the page stays under 5 MB."""
    from tinygrad_edu.demos import zoo_loss

    loss, net = zoo_loss("lenet5")
    path = write_html(steps(loss, names=net, expand_composites=True), tmp_path / "expanded.html", names=net,
                      graph=False)
    assert path.stat().st_size < 5_000_000
    data = embedded_data(path.read_text(encoding="utf-8"))
    kinds = [(s["op"], m["explain"]["kind"], m["explain"].get("reason")) for s in data["steps"] for m in s["heat"][1:]]
    assert all(kind != "none" for _, kind, _ in kinds), kinds
    assert ("LogSoftmax", "table", None) in kinds and ("GetItem", "table", None) in kinds


def test_a_map_too_costly_for_the_fallback_says_so(monkeypatch):
    import tinygrad_edu.inspect.explain_page as explain_page

    monkeypatch.setattr(explain_page, "GENERIC_WORK", 10)
    x = tg.Tensor(np.random.default_rng(3).normal(size=(2, 3)), requires_grad=True, name="x")
    data = page_data(steps((F.softmax(x, 1) * 2.0).sum()), None)
    (softmax,) = [s for s in data["steps"] if s["op"] == "Softmax"]
    spec = softmax["heat"][1]["explain"]
    assert spec["kind"] == "none" and "take too long to precompute" in spec["reason"]
    monkeypatch.setattr(explain_page, "GENERIC_WORK", 10**9)
    data = page_data(steps((F.softmax(x, 1) * 2.0).sum()), None)
    assert [s for s in data["steps"] if s["op"] == "Softmax"][0]["heat"][1]["explain"]["kind"] == "table"


def test_chromium_clicking_a_conv_input_gradient_cell_shows_its_sum_with_the_numbers(browser, tmp_path):
    """The second conv (c3) of LeNet-5: δ at its input s2.out, entry [0, 0, 3, 4] = Σ_{o,p,q} W[o, 0, p, q]·δ[0, o, 3−p, 4−q];
    the page's terms, their numbers and the total against the tensors in Python."""
    _, recorded, path = lenet5_page(tmp_path)
    conv = [s for s in recorded if s.op == "conv2d" and s.grads_in[0] is not None][-1]
    assert conv.module == "c3"
    load(browser, path, f"#step={conv.index + 1}")
    click_cell(browser, 1, 3, 4)
    shown = browser.evaluate("""(function () {
        const box = document.getElementById('explain');
        return {rule: box.querySelector('.rule-text').textContent, sum: box.querySelector('.sum').textContent,
                total: Number(box.querySelector('.total').dataset.total),
                count: Number(box.querySelector('.total').dataset.count), text: box.textContent,
                deltaSlice: Number(document.querySelector('#detail canvas[data-map="0"]').dataset.slice),
                terms: Array.from(box.querySelectorAll('li.term')).map(li => ({text: li.textContent,
                    coef: Number(li.dataset.coef), up: Number(li.dataset.up), product: Number(li.dataset.product),
                    ci: JSON.parse(li.dataset.coefIndex), ui: JSON.parse(li.dataset.upIndex)}))}; })()""")
    expected = conv.explain((0, 0, 3, 4), input=0)
    w, delta = conv.fn.inputs[1].data, conv.grad_out
    assert shown["rule"] == expected.rule
    assert shown["rule"].startswith("δ_s2.out[0, 0, 3, 4] = Σ_{o,p,q} c3.weight[o, 0, p, q]·δ[0, o, 3−p, 4−q]")
    assert shown["count"] == len(expected.terms) == 16 * 4 * 5, "p ≤ 3 keeps 3 − p inside δ's 10 rows"
    value = float(conv.grads_in[0][0, 0, 3, 4])
    assert shown["total"] == pytest.approx(expected.total, rel=1e-12)
    assert shown["total"] == pytest.approx(value, rel=1e-5), "the page's exact sum is the gradient entry"
    assert len(shown["terms"]) == 8 and f"+ {16 * 4 * 5 - 8} more terms" in shown["text"]
    largest = {(t.coefficient_index, t.upstream_index) for t in expected.largest()}
    assert {(tuple(t["ci"]), tuple(t["ui"])) for t in shown["terms"]} == largest
    for t in shown["terms"]:
        ci, ui = tuple(t["ci"]), tuple(t["ui"])
        assert t["coef"] == float(w[ci]) and t["up"] == float(delta[ui]) and t["product"] == t["coef"] * t["up"]
        assert ci[1] == 0 and ui[:2] == (0, ci[0]) and ui[2:] == (3 - ci[2], 4 - ci[3])
        assert f"c3.weight[{ci[0]}, 0, {ci[2]}, {ci[3]}]·δ[0, {ci[0]}, {ui[2]}, {ui[3]}]" in t["text"]
    first = shown["terms"][0]
    assert shown["sum"].startswith("= " + browser.evaluate(f"factor({first['coef']})") + "·")
    top = max(expected.terms, key=lambda t: abs(t.product))
    assert shown["deltaSlice"] == top.upstream_index[1], "the δ map shows the channel of the largest term"
    assert browser.errors() == []


GENERATORS = {"lenet5": {"conv_x", "conv_w", "bias", "linear_x", "linear_w", "local", "view", "maxpool"},
              "cnn": {"conv_x", "conv_w", "bias", "linear_x", "linear_w", "local", "view", "maxpool", "table"},
              "mlp-expanded": {"table", "local", "view"},
              "conv-geometry": {"conv_x", "conv_w", "bias", "local", "table"},
              "norm-net": {"conv_x", "conv_w", "bias", "linear_x", "linear_w", "local", "view", "table"},
              "norm-net-expanded": {"conv_x", "conv_w", "local", "view", "table"}}


def norm_net_pass(expand: bool = False):
    """Ops with no rule of their own (the Jacobian fallback): batch_norm in training and eval, dropout in training
    and eval, pad, interpolate, softmax, a max along a dim, cat, and a conv_transpose2d; or with expand_composites
    their primitives."""
    rng = np.random.default_rng(10)
    tg.manual_seed(10)
    x = tg.Tensor(rng.normal(size=(2, 2, 4, 4)), requires_grad=True, name="x")
    w = tg.Tensor(rng.normal(size=(3, 2, 3, 3)), requires_grad=True, name="W")
    b = tg.Tensor(rng.normal(size=(3,)), requires_grad=True, name="b")
    gamma = tg.Tensor(rng.uniform(0.5, 1.5, 3), requires_grad=True, name="gamma")
    beta = tg.Tensor(rng.normal(size=3), requires_grad=True, name="beta")
    wt = tg.Tensor(rng.normal(size=(3, 2, 2, 2)), requires_grad=True, name="Wt")
    fc = tg.Tensor(rng.normal(size=(3, 24)), requires_grad=True, name="V")
    u = F.conv2d(F.pad(x, (1, 1, 1, 1)), w, b)
    u = F.batch_norm(u, None, None, gamma, beta, training=True)
    u = F.dropout(F.relu(u), 0.3, training=True)
    u = F.batch_norm(u, tg.Tensor(np.zeros(3)), tg.Tensor(np.ones(3)), gamma, None, training=False)
    u = F.dropout(u, 0.3, training=False)
    v = F.conv_transpose2d(F.avg_pool2d(u, 2), wt, stride=2)
    z = tg.cat([F.interpolate(v[:, :, ::2, ::2], scale_factor=2), v.max(dim=1, keepdim=True).values], dim=1)
    p = F.softmax(F.linear(z[:, :, 1:3].flatten(1), fc), 1)
    return steps((p * tg.Tensor(rng.normal(size=p.shape))).sum(), expand_composites=expand)


def conv_geometry_pass():
    """Stride 2, padding 2, dilation 2, groups 2 and a bias: every branch of the page's conv generators."""
    rng = np.random.default_rng(9)
    x = tg.Tensor(rng.normal(size=(2, 4, 9, 9)), requires_grad=True, name="x")
    w = tg.Tensor(rng.normal(size=(4, 2, 3, 3)), requires_grad=True, name="W")
    b = tg.Tensor(rng.normal(size=(4,)), requires_grad=True, name="b")
    return steps((F.conv2d(x, w, b, stride=2, padding=2, dilation=2, groups=2).tanh() ** 2).sum())


@pytest.mark.parametrize("model", sorted(GENERATORS))
def test_chromium_every_term_generator_agrees_with_step_explain(browser, tmp_path, model):
    """No shown gradient cell of any step is left without its sum, and for every input gradient of every step, the
    page's sum behind its middle and last shown cells equals the entry and Step.explain's terms: conv δ_x and ∂E/∂W,
    biases, linear, ReLU/tanh, reshape, max pooling, cross-entropy, and the precomputed table (average pooling; the
    primitives of an expanded pass: MatMul, Add, Permute, …; the Jacobian fallback: batch_norm, dropout, pad,
    interpolate, softmax, conv_transpose2d, LogSoftmax, GetItem, …)."""
    if model == "lenet5":
        _, recorded, path = lenet5_page(tmp_path)
    elif model == "conv-geometry":
        recorded = conv_geometry_pass()
        path = write_html(recorded, tmp_path / "conv.html", graph=False)
    elif model.startswith("norm-net"):
        recorded = norm_net_pass(model.endswith("expanded"))
        path = write_html(recorded, tmp_path / f"{model}.html", graph=False)
    else:
        net, loss = (cnn_loss if model == "cnn" else mlp_loss)()
        recorded = steps(loss, names=net, expand_composites=model.endswith("expanded"))
        path = write_html(recorded, tmp_path / f"{model}.html", names=net, graph=False)
    shown = embedded_data(path.read_text("utf-8"))["steps"]
    unexplained = [(s["op"], m["input"], m["explain"]["reason"]) for s in shown for m in s["heat"][1:]
                   if m["explain"]["kind"] == "none"]
    assert unexplained == [], "every shown gradient cell has its sum"
    load(browser, path)
    checked = set()
    for step in recorded:
        for map_index, last in itertools.product(range(1, 1 + sum(g is not None for g in step.grads_in)), (0, 1)):
            found = browser.evaluate(f"""(function () {{
                const m = data.steps[{step.index}].heat[{map_index}], last = {last} ? m.slices.length - 1 : 0;
                const s = m.slices[last], cell = {last} ? s.rows * s.cols - s.pad - 1 : Math.floor((s.rows * s.cols - s.pad) / 2);
                const r = explainCell({step.index}, {map_index}, last, Math.floor(cell / s.cols), cell % s.cols);
                return {{index: r.index, total: r.explained ? r.total : null, count: r.explained ? r.terms.length : -1,
                         kind: r.explained ? r.kind : null, input: m.input, shown: r.approx, scale: s.scale}}; }})()""")
            k, index = found["input"], tuple(found["index"])
            assert abs(found["shown"] - float(step.grads_in[k][index])) <= 1e-4 * found["scale"], "the cell is that entry"
            assert found["kind"] is not None, (step.op, k)
            expected = step.explain(index, input=k)
            scale = sum(abs(float(t.product)) for t in expected.terms)
            assert found["count"] == len(expected.terms), (step.op, k)
            assert abs(found["total"] - float(step.grads_in[k][index])) <= 1e-5 * max(scale, 1e-12), (step.op, k)
            checked.add(found["kind"])
    assert checked == GENERATORS[model]
    assert browser.errors() == []


@settings(max_examples=30, deadline=None)
@given(lead=st.lists(st.integers(1, 5), max_size=2), tail=st.lists(st.integers(1, 40), max_size=2),
       seed=st.integers(0, 2**16))
def test_each_heat_map_cell_names_the_entry_it_shows(lead, tail, seed):
    """explain_page.cell_index (and stepper.html's cellIndex, its copy) inverts heat_map: scalars, vectors wrapped
    into rows, trailing 1-axes dropped, cut windows, several slices."""
    from tinygrad_edu.inspect.explain_page import shown_entries

    grad = np.random.default_rng(seed).standard_normal(tuple(lead + tail))
    shown = heat_map("δ", grad, "")
    entries = iter(shown_entries(grad, shown["slices"]))
    for s in shown["slices"]:
        for cell in range(s["rows"] * s["cols"] - s["pad"]):
            assert abs(s["values"][cell] * s["scale"] - grad[next(entries)]) <= 1e-4 * s["scale"]
    assert next(entries, None) is None
