"""What Jupyter shows for a Step, the whole pass and the gradient-flow table: HTML and Markdown, not dataclass
dumps; checked through IPython's display formatter, in headless Chromium and in a notebook run by nbclient."""
import html
import re

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.inspect import GradientFlow, steps
from tinygrad_edu.inspect.notebook import step_html, step_markdown, steps_html
from tests.inspect.chromium import Browser, find_chromium
from tests.inspect.models import cnn_loss, mlp_loss
from tests.required import missing


def formatted(obj):
    formatters = pytest.importorskip("IPython.core.formatters")
    data, _ = formatters.DisplayFormatter().format(obj)
    return data


def test_a_step_shows_as_a_card_with_its_rule_statistics_and_heat_maps(needs_matplotlib):
    model, loss = cnn_loss()
    recorded = steps(loss, names=model)
    conv = next(s for s in recorded if s.op == "conv2d")
    data = formatted(conv)
    assert {"text/html", "text/markdown", "text/plain"} <= set(data)
    card = data["text/html"]
    assert f"step {conv.index + 1}: conv2d" in card and "data:image/svg+xml;base64," in card
    assert html.escape(str(conv.stats_out)) in card and "Step(" not in card
    for name, stats in zip(conv.input_names, conv.stats_in):
        assert f"→ <b>{html.escape(name)}</b>" in card and html.escape(str(stats)) in card
    cells = re.findall(r'<td style="background:(#[0-9a-f]{6})', card)
    assert len(cells) > 16 and len(set(cells)) > 3
    markdown = data["text/markdown"]
    assert f"$${conv.rule_latex}$$" in markdown and "| gradient | statistics |" in markdown
    assert markdown.count("\n| ") == 3 + len(conv.input_names)


def test_names_in_the_card_are_escaped():
    x = tg.Tensor(np.array([1.0, 2.0]), requires_grad=True, name="<script>alert(1)</script>")
    y = tg.Tensor(np.array([1.0, 2.0]), requires_grad=True, name="a|b")
    step = steps((x * y).sum())[1]
    assert "<script>" not in step_html(step) and "&lt;script&gt;" in step_html(step)
    assert "a\\|b" in step_markdown(step)


def test_a_symbolic_step_has_no_heat_maps_but_its_rule():
    from tinygrad_edu.symbolic import symbols

    w = symbols("w", (2,))
    w.requires_grad = True
    recorded = steps((w * w).sum())
    card = step_html(recorded[0])
    assert "rule:" in card and "symbolic: per entry" in card and "<table style=\"border-collapse" not in card
    assert "<li><code>[1]</code> = 1</li>" in card, "δ copied to each entry, written out"
    assert "<li><code>[0]</code> = w₁</li>" in step_html(recorded[1]), "Mul hands each w the other: δ·w"


def test_gradient_flow_shows_as_its_table():
    model, loss = mlp_loss()
    loss.backward()
    flow = GradientFlow(model)
    flow.record()
    shown = formatted(flow)["text/html"]
    assert shown.startswith("<pre") and "gradient norms" in shown and "0.weight" in shown


def test_the_whole_pass_is_the_stepper_inside_an_iframe():
    model, loss = mlp_loss()
    recorded = steps(loss, names=model)
    frame = formatted(recorded)["text/html"]
    assert frame.startswith("<iframe srcdoc=") and "<script" not in frame
    document = html.unescape(re.search(r'srcdoc="([^"]*)"', frame).group(1))
    assert document.startswith("<!DOCTYPE html>") and 'id="stepper-data"' in document


@pytest.fixture(scope="module")
def browser():
    executable = find_chromium()
    if executable is None:
        missing("chromium", "apt-get install chromium; the inline stepper is loaded in it")
    opened = Browser(executable)
    yield opened
    opened.close()


def test_chromium_runs_the_inline_stepper(browser, tmp_path):
    model, loss = mlp_loss()
    recorded = steps(loss, names=model)
    path = tmp_path / "notebook-cell.html"
    path.write_text(f"<!DOCTYPE html><html><body><p>cell output</p>{steps_html(recorded)}</body></html>",
                    encoding="utf-8")
    browser.events.clear()
    browser.send("Page.navigate", {"url": path.resolve().as_uri()})
    browser.wait_for("Page.loadEventFired")
    inside = "document.querySelector('iframe').contentDocument"
    listed = browser.evaluate(f"{inside}.querySelectorAll('#steps li').length")
    assert listed == len(recorded)
    assert browser.evaluate(f"{inside}.getElementById('position').textContent").endswith(
        f"step 1 of {len(recorded)} · {recorded[0].op}")
    assert browser.errors() == []


NOTEBOOK_CODE = """
import numpy as np
import tinygrad_edu as tg
from tinygrad_edu.inspect import steps
x = tg.Tensor(np.array([1.0, -2.0]), requires_grad=True)
w = tg.Tensor(np.array([0.5, 3.0]), requires_grad=True)
loss = (x * w).tanh().sum()
recorded = steps(loss)
"""


VERIFY_CODE = """
from tinygrad_edu.symbolic import load
from tinygrad_edu.symbolic.verify import run
report = run(load(), only=["F38", "F53"])
report
"""


@pytest.fixture(scope="module")
def notebook(tmp_path_factory):
    """A notebook executed as a student would (nbclient, a python3 kernel): cells ending in a Step, the whole
    pass, and a verify report of two cheap claims."""
    try:
        import nbclient
        import nbformat
        from jupyter_client.kernelspec import KernelSpecManager
    except ImportError:
        missing("nbclient", "pip install nbclient ipykernel; the notebook test runs a kernel")
    if "python3" not in KernelSpecManager().find_kernel_specs():
        missing("ipykernel", "pip install ipykernel; the notebook test runs a python3 kernel")
    cells = [nbformat.v4.new_code_cell(NOTEBOOK_CODE), nbformat.v4.new_code_cell("recorded[0]"),
             nbformat.v4.new_code_cell("recorded"), nbformat.v4.new_code_cell(VERIFY_CODE)]
    executed = nbformat.v4.new_notebook(cells=cells)
    import os
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[2])
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYTHONPATH", root + os.pathsep + os.environ.get("PYTHONPATH", ""))
        nbclient.NotebookClient(executed, timeout=120, kernel_name="python3",
                                resources={"metadata": {"path": str(tmp_path_factory.mktemp("nb"))}}).execute()
    return executed


def test_a_notebook_run_by_nbclient_shows_html_for_steps(notebook):
    """Executed as a student would: cells that end in a Step and in the whole pass give HTML outputs."""
    step_output, steps_output = (cell.outputs[0]["data"] for cell in notebook.cells[1:3])
    assert {"text/html", "text/markdown"} <= set(step_output)
    assert "step 1: Sum" in step_output["text/html"] and "δ arrives at <b>loss</b>" in step_output["text/html"]
    assert steps_output["text/html"].startswith("<iframe srcdoc=")
    assert "backward pass of loss" in html.unescape(steps_output["text/html"])


def test_a_notebook_shows_a_verify_report_with_typeset_formulas(notebook):
    """A verify report as a cell's result: HTML with the claims, their status and the formulas as SVG images
    (LaTeX as alt text; no MathJax), Markdown with $…$ LaTeX, and the plain table."""
    (output,) = [o for o in notebook.cells[3].outputs if o["output_type"] == "execute_result"]
    data = output["data"]
    assert {"text/html", "text/markdown", "text/plain"} <= set(data)
    page = data["text/html"]
    assert re.findall(r'data-claim="([^"]*)" data-status="([^"]*)"', page) == [("F38", "ok"), ("F53, F10", "ok")]
    alts = re.findall(r'<img class="latex" alt="([^"]*)" src="data:image/svg\+xml;base64,', page)
    assert r"\langle A, B\rangle = \operatorname{tr}(A^{\top}B)" in alts and len(alts) >= 3
    assert "<script" not in page and "mathjax" not in page.lower()
    markdown = data["text/markdown"]
    assert r"$\langle A, B\rangle = \operatorname{tr}(A^{\top}B)$" in markdown and "| F53, F10 |" in markdown
    assert "✅" in markdown and "❌" not in markdown
    assert data["text/plain"].startswith("ID") and "F38" in data["text/plain"] and "PASS" in data["text/plain"]
