import importlib
import pkgutil
import re
import time
import xml.etree.ElementTree as ET

import pytest

import tinygrad_edu.functional  # noqa: F401  (loads every op family, so every rule is checked)
import tinygrad_edu.nn  # noqa: F401
import tinygrad_edu.ops
from tinygrad_edu.autograd import Function, composite_rules
from tinygrad_edu.inspect.mathsvg import latex_svg, mathtext_latex
from tinygrad_edu.symbolic.derivation import load
from tinygrad_edu.symbolic.report_html import formula_html

for _module in pkgutil.walk_packages(tinygrad_edu.ops.__path__, "tinygrad_edu.ops."):
    importlib.import_module(_module.name)


def every_function():
    found, stack = [], [Function]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            found.append(sub)
            stack.append(sub)
    return found


def shipped_formulas() -> dict[str, str]:
    """Every formula the project shows: each Function's and composite's rule, each shipped derivation's
    formula and each of its claims' (LaTeX → where it comes from)."""
    found: dict[str, str] = {}
    for cls in every_function():
        if isinstance(getattr(cls, "rule_latex", None), str) and cls.rule_latex:
            found.setdefault(cls.rule_latex, f"{cls.__module__}.{cls.__name__}")
    for name, (_, latex) in composite_rules.items():
        if latex:
            found.setdefault(latex, f"composite {name}")
    for derivation in load().derivations:
        if derivation.latex:
            found.setdefault(derivation.latex, f"derivation {derivation.id}")
        for claim in derivation.claims:
            if claim.latex:
                found.setdefault(claim.latex, f"{derivation.id} {','.join(claim.formulas)}")
    return found


FORMULAS = sorted(shipped_formulas().items(), key=lambda item: item[1])
RULES = sorted({(cls.__name__, cls.rule_latex) for cls in every_function()
                if isinstance(getattr(cls, "rule_latex", None), str) and cls.rule_latex})
USE = re.compile(r'<use xlink:href="#([^"]+)" transform="translate\(([-\d.e]+) ([-\d.e]+)\)')


def glyphs(svg: str) -> list[tuple[str, float]]:
    """(glyph id, baseline y) of every glyph the SVG draws, the delimiters (STIX size variants) left out."""
    return [(g, float(y)) for g, _, y in USE.findall(svg) if not g.startswith("STIX")]


def assert_typeset(latex: str, source: str) -> str:
    svg = latex_svg(latex)
    assert svg is not None, f"{source}: mathtext cannot draw {mathtext_latex(latex)!r} (from {latex!r})"
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg") and "<path" in svg and "<use" in svg
    assert "http" not in re.sub(r'xmlns(:\w+)?="[^"]*"', "", svg), "the SVG refers to something on the network"
    return svg


def test_the_project_ships_formulas_of_every_kind():
    sources = [source for _, source in FORMULAS]
    assert len(FORMULAS) >= 120
    assert any(s.endswith(".Conv2d") for s in sources) and any(s.startswith("composite ") for s in sources)
    assert any(s.startswith("derivation ") for s in sources) and sum(" F" in s for s in sources) >= 40


def test_the_whole_collection_typesets_quickly_and_is_cached(needs_matplotlib):
    # first in the file: it times the cold pass, and the tests below find every formula cached
    latex_svg.cache_clear()
    start = time.perf_counter()
    first = [latex_svg(latex) for latex, _ in FORMULAS]
    cold = time.perf_counter() - start
    start = time.perf_counter()
    again = [latex_svg(latex) for latex, _ in FORMULAS]
    warm = time.perf_counter() - start
    assert None not in first and again == first
    assert cold < 0.25 * len(FORMULAS), f"{len(FORMULAS)} formulas took {cold:.1f} s"
    assert warm < 0.05, f"cached formulas took {warm:.3f} s"


@pytest.mark.parametrize("latex, source", FORMULAS, ids=[source for _, source in FORMULAS])
def test_every_shipped_formula_typesets(latex, source, needs_matplotlib):
    assert_typeset(latex, source)
    assert_typeset(" ".join(latex.split()), source)  # as the verify report passes it


def test_rules_of_the_library_are_among_them():
    assert len(RULES) >= 20 and {latex for _, latex in RULES} <= {latex for latex, _ in FORMULAS}


MATRIX = r"\begin{bmatrix}0&0&0\\-0.5&0&0.5\\0&0&0\end{bmatrix}"


def test_bmatrix_becomes_bracketed_columns_of_aligned_rows(needs_matplotlib):
    rewritten = mathtext_latex(MATRIX)
    assert "bmatrix" not in rewritten and "&" not in rewritten
    assert rewritten.startswith(r"\left[") and rewritten.endswith(r"\right]")
    assert rewritten.count(r"\genfrac") == 3 * 2  # rows 1–2 over row 3, row 1 over row 2, per column
    drawn = glyphs(assert_typeset(MATRIX, "bmatrix"))
    assert len(drawn) == 3 + 8 + 3  # every visible character of the cells, none of the invisible struts
    assert len({y for _, y in drawn}) == 3  # the cells of a row share one baseline
    row = sorted(drawn, key=lambda g: g[1])
    assert len({g for g, _ in row}) == 4  # 0, −, ., 5


def test_matrix_rows_line_up_when_their_cells_differ_in_height(needs_matplotlib):
    latex = r"\begin{bmatrix}a&x&0\\-0.5&\frac{a}{b}&0.5\\0&y_j&0\\\end{bmatrix}"
    drawn = glyphs(assert_typeset(latex, "bmatrix"))
    # three rows (the trailing \\ adds none), the subscript j, the fraction's a and b: six baselines; without
    # the row struts the fraction's depth would lift x above a and 0 (seven)
    assert len({y for _, y in drawn}) == 6


@pytest.mark.parametrize("rows", [2, 3, 4, 5])
def test_matrix_rows_are_evenly_spaced(rows, needs_matplotlib):
    latex = r"\begin{bmatrix}" + r"\\".join(f"{i}&-{i}" for i in range(1, rows + 1)) + r"\end{bmatrix}"
    baselines = sorted({y for _, y in glyphs(assert_typeset(latex, "bmatrix"))})
    gaps = [b - a for a, b in zip(baselines, baselines[1:])]
    assert len(baselines) == rows and max(gaps) - min(gaps) < 0.01 * max(gaps), gaps


def test_matrix_cells_keep_their_rewrites_and_escaped_ampersands():
    text = mathtext_latex(r"\begin{vmatrix}a \le b & \#n\\ \tfrac12 & c\end{vmatrix}")
    assert text.startswith(r"\left|") and r"\leq" in text and r"\frac{1}{2}" in text and "{\\#}n" in text


def test_escaped_hash_before_a_letter_is_drawn(needs_matplotlib):
    latex = r"\#W = \frac{C_{\text{in}} C_{\text{out}} k^2}{G}"
    assert mathtext_latex(latex).startswith(r"{\#}W")
    assert mathtext_latex(r"\#1 + \#\text{ties}") == r"\#1 + \#\text{ties}"
    drawn = glyphs(assert_typeset(latex, "#"))
    assert len(drawn) >= len("#W=CinCoutk2G")


def test_big_delimiters_pair_into_left_right_or_drop_their_size(needs_matplotlib):
    latex = r"b = a\Big/\Big(k + \sum_{j=0}^{n} a_j^2\Big)^{\beta}"
    assert mathtext_latex(latex) == r"b = a/\left(k + \sum_{j=0}^{n} a_j^2\right)^{\beta}"
    assert_typeset(latex, r"\Big/")
    assert mathtext_latex(r"\bigl[ x \bigr]_{0} \bigm| \big. y") == r"\left[ x \right]_{0} |  y"
    assert mathtext_latex(r"{\big( a} b\big)") == r"{( a} b)"  # never paired across a group
    assert mathtext_latex(r"\bigcup_i \bigoplus_j") == r"\bigcup_i \bigoplus_j"


def test_xrightarrow_becomes_an_annotated_long_arrow(needs_matplotlib):
    latex = r"n \xrightarrow{\text{conv}^{\top}, s=2} 2n"
    assert mathtext_latex(latex) == r"n \overset{\text{conv}^{\top}, s=2}{\longrightarrow} 2n"
    assert mathtext_latex(r"\xleftarrow[b]{a} \xrightarrow{}") == \
        r"\underset{b}{\overset{a}{\longleftarrow}} \longrightarrow"
    drawn = glyphs(assert_typeset(latex, r"\xrightarrow"))
    assert len(drawn) >= len("nconvT,s=2→2n") and len({y for _, y in drawn}) >= 3


@pytest.mark.parametrize("latex", [MATRIX + r",\ ", r"\#W", r"a\Big/b", r"n \xrightarrow{\text{pool}} n/2"])
def test_the_verify_report_shows_them_as_images_with_the_original_latex_as_alt(latex, needs_matplotlib):
    shown = formula_html(latex)
    text = " ".join(latex.split())
    assert shown.startswith('<img class="latex"') and "<code" not in shown
    assert f'alt="{text}"' in shown.replace("&amp;", "&").replace("&#x27;", "'")


@pytest.mark.parametrize("latex, rewritten", [
    (r"\textstyle\sum_j \delta_j", r"\sum_j \delta_j"),
    (r"\tfrac{1}{s^2}", r"\frac{1}{s^2}"),
    (r"\delta_x[k] \mathrel{+}= \delta", r"\delta_x[k] += \delta"),
    (r"y \odot \big(\delta\big)", r"y \odot \left(\delta\right)"),
    (r"u \le 0, v \ge{1}, \left", r"u \leq 0, v \geq{1}, \left"),
    (r"\begin{cases}1 & u > 0\\ a & u \le 0\end{cases}", r"\{1\ (u > 0);\ a\ (u \leq 0)\}"),
    (r"x > h \lor h < l \land \lnot m", r"x > h \vee h < l \wedge \neg m"),
    (r"\frac12 \tfrac 3 4 + \frac{1}{s}", r"\frac{1}{2} \frac{3}{4} + \frac{1}{s}"),
])
def test_rewrites_into_what_mathtext_parses(latex, rewritten):
    assert mathtext_latex(latex) == rewritten


def test_nothing_to_draw_or_beyond_mathtext_gives_none():
    assert latex_svg("") is None and latex_svg("   ") is None
    assert latex_svg(r"\notacommand{x}") is None
