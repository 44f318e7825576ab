import re
import xml.etree.ElementTree as ET

import pytest

import tinygrad_edu.functional  # noqa: F401  (loads every op family, so every rule is checked)
from tinygrad_edu.autograd import Function
from tinygrad_edu.inspect.mathsvg import latex_svg, mathtext_latex


def every_function():
    found, stack = [], [Function]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            found.append(sub)
            stack.append(sub)
    return found


RULES = sorted({(cls.__name__, cls.rule_latex) for cls in every_function()
                if isinstance(getattr(cls, "rule_latex", None), str) and cls.rule_latex})


def test_the_library_states_rules_to_render():
    assert len(RULES) >= 20 and any(name == "Conv2d" for name, _ in RULES)


@pytest.mark.parametrize("name, latex", RULES, ids=[name for name, _ in RULES])
def test_every_rule_of_the_library_renders_as_svg(name, latex, needs_matplotlib):
    svg = latex_svg(latex)
    assert svg is not None, f"{name}: mathtext cannot draw {mathtext_latex(latex)!r}"
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg") and "<path" in svg
    assert "http" not in re.sub(r'xmlns(:\w+)?="[^"]*"', "", svg), "the SVG refers to something on the network"


@pytest.mark.parametrize("latex, rewritten", [
    (r"\textstyle\sum_j \delta_j", r"\sum_j \delta_j"),
    (r"\tfrac{1}{s^2}", r"\frac{1}{s^2}"),
    (r"\delta_x[k] \mathrel{+}= \delta", r"\delta_x[k] += \delta"),
    (r"y \odot \big(\delta\big)", r"y \odot (\delta)"),
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
