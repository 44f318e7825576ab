"""A verify Report in Jupyter (symbolic/report_html.py): HTML with each formula typeset as an SVG image (no MathJax,
nothing fetched), Markdown with $…$, the table as text/plain; `run(only=[...])` picks a few claims for a cell."""
import base64
import re
import xml.etree.ElementTree as ET

import pytest

from tests.required import missing
from tests.symbolic.test_derivation import write
from tinygrad_edu.symbolic import load
from tinygrad_edu.symbolic.report_html import formula_html, report_html
from tinygrad_edu.symbolic.verify import format_table, run

IMAGE = re.compile(r'<img class="latex" alt="([^"]*)" src="data:image/svg\+xml;base64,([^"]+)"')


@pytest.fixture(scope="module")
def two_claims():
    """Two cheap claims of the shipped derivations: ⟨A, B⟩ = tr(AᵀB) (F38) and ReLU's δ (F53, F10)."""
    return run(load(), only=["F38", "F53"])


@pytest.fixture
def needs_matplotlib():
    """matplotlib (a default dependency) typesets the formulas: skipped without it, failed under CI."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        missing("matplotlib", "pip install matplotlib; it typesets the formulas")


def formatted(obj):
    formatters = pytest.importorskip("IPython.core.formatters")
    data, _ = formatters.DisplayFormatter().format(obj)
    return data


def test_only_takes_a_list_and_selects_their_union(two_claims):
    assert [r.result.claim.formulas for r in two_claims.rows] == [("F38",), ("F53", "F10")]
    assert two_claims.coverage == {"F10": "verified", "F38": "verified", "F53": "verified"} and two_claims.passed
    with pytest.raises(ValueError, match="--only F99: no derivation"):
        run(load(), only=["F38", "F99"])


def test_html_shows_each_claim_with_its_status_and_typeset_formula(two_claims, needs_matplotlib):
    page = two_claims._repr_html_()
    assert re.findall(r'data-claim="([^"]*)" data-status="([^"]*)"', page) == [("F38", "ok"), ("F53, F10", "ok")]
    assert ">PASS</b>" in page and "dense-backprop" in page and "<script" not in page.lower()
    images = IMAGE.findall(page)
    alts = [alt for alt, _ in images]
    assert r"\langle A, B\rangle = \operatorname{tr}(A^{\top}B)" in alts, "the claim's LaTeX is the image's alt text"
    assert any(alt.startswith("u_r = W_r z_r + b_r") for alt in alts), "the derivation's formula, displayed"
    for _, data in images:
        svg = ET.fromstring(base64.b64decode(data))
        assert svg.tag.endswith("svg") and len(list(svg.iter("{http://www.w3.org/2000/svg}path"))) >= 3
    for url in re.findall(r"https?://\S{0,40}", page):
        pytest.fail(f"the report links to {url}")
    assert "mathjax" not in page.lower()


def test_markdown_has_the_formulas_as_dollar_latex_for_jupyters_own_mathjax(two_claims):
    text = two_claims._repr_markdown_()
    assert text.startswith("### Lecture formulas, checked") and "\n#### Backpropagation" in text
    assert r"| F38 | ⟨A, B⟩ = Σ a_ij b_ij = tr(AᵀB) | $\langle A, B\rangle = \operatorname{tr}(A^{\top}B)$ |" in text
    assert "| F53, F10 |" in text and "✅" in text and "$$\nu_r = W_r z_r" in text


def test_ipython_shows_html_markdown_and_the_table_as_text(two_claims, needs_matplotlib):
    data = formatted(two_claims)
    assert {"text/html", "text/markdown", "text/plain"} <= set(data)
    assert data["text/plain"] == format_table(two_claims) == str(two_claims)
    assert data["text/plain"].splitlines()[0].split() == ["ID", "source", "formula", "sizes", "checked", "result", "time"]


def test_a_failed_claim_shows_fail_its_counterexample_and_escapes_text(tmp_path, needs_matplotlib):
    write(tmp_path, "bad.py", "bad", op="+ 1")
    report = run(load(tmp_path))
    report.rows[0].result.claim.statement = "x <b>bold</b> & more"
    page = report_html(report)
    assert 'data-status="FAIL"' in page and ">FAIL</b>" in page and "#b71c1c" in page
    assert "autograd − formula = -1" in page, "the failure is spelled out under the status"
    assert "x &lt;b&gt;bold&lt;/b&gt; &amp; more" in page and "<b>bold</b>" not in page
    assert "<td style=\"text-align:left\"><b>F1</b></td><td style=\"text-align:left\">FAILED</td>" in page


def test_latex_mathtext_cannot_parse_is_shown_as_code():
    assert formula_html(r"\notacommand{1&2} < 3") == r'<code class="latex">\notacommand{1&amp;2} &lt; 3</code>'
    assert formula_html("  ") == ""
