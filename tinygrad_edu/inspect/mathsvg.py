"""A rule's LaTeX as a self-contained SVG (glyphs as paths, no fonts, no network), drawn by matplotlib's
mathtext; the few commands mathtext lacks are rewritten to ones it has first. None when matplotlib is absent
or the formula is beyond mathtext, so the page falls back to the rule's Unicode text."""
from __future__ import annotations

import io
import re
from functools import lru_cache
from typing import Optional

_PLAIN = ((r"\textstyle", ""), (r"\displaystyle", ""), (r"\tfrac", r"\frac"), (r"\dfrac", r"\frac"),
          (r"\big(", "("), (r"\big)", ")"), (r"\Big(", "("), (r"\Big)", ")"), (r"\bigl(", "("), (r"\bigr)", ")"))
_CASES = re.compile(r"\\begin\{cases\}(.*?)\\end\{cases\}", re.S)
_MATHREL = re.compile(r"\\mathrel\{([^{}]*)\}")
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_SHORT = re.compile(r"\\(le|ge)(?![a-zA-Z])")
_LOGIC = re.compile(r"\\(lor|land|lnot)(?![a-zA-Z])")
_LOGIC_NAMES = {"lor": r"\vee", "land": r"\wedge", "lnot": r"\neg"}
_FRAC_DIGITS = re.compile(r"\\frac\s*(\w)\s*(\w)")


def _cases(match: re.Match[str]) -> str:
    rows = [row.split("&") for row in match.group(1).split(r"\\")]
    parts = [rf"{row[0].strip()}\ ({row[1].strip()})" if len(row) > 1 else row[0].strip() for row in rows]
    return r"\{" + r";\ ".join(parts) + r"\}"


def mathtext_latex(latex: str) -> str:
    """Rewrite LaTeX that mathtext cannot parse (\\textstyle, \\tfrac, \\big, \\mathrel, \\le, \\lor, \\frac12,
    cases) into what it can."""
    text = _CASES.sub(_cases, latex)
    text = _MATHREL.sub(r"\1", text)
    text = _SHORT.sub(r"\\\1q", text)
    text = _LOGIC.sub(lambda m: _LOGIC_NAMES[m.group(1)], text)
    for old, new in _PLAIN:
        text = text.replace(old, new)
    return _FRAC_DIGITS.sub(r"\\frac{\1}{\2}", text)


@lru_cache(maxsize=256)
def latex_svg(latex: str, fontsize: float = 15.0) -> Optional[str]:
    """The formula as an SVG document string, or None (no matplotlib, or mathtext cannot parse it)."""
    if not latex.strip():
        return None
    try:
        from matplotlib.figure import Figure
    except ImportError:
        return None
    figure = Figure()
    figure.text(0, 0, f"${mathtext_latex(latex)}$", fontsize=fontsize)
    buffer = io.StringIO()
    try:
        figure.savefig(buffer, format="svg", bbox_inches="tight", pad_inches=0.03, transparent=True,
                       metadata={"Date": None})
    except ValueError:
        return None
    text = buffer.getvalue()
    return _METADATA.sub("", text[text.find("<svg"):])
