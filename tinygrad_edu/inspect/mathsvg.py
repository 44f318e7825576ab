"""A rule's LaTeX as a self-contained SVG (glyphs as paths, no fonts, no network), drawn by matplotlib's
mathtext; the commands mathtext lacks (matrices, cases, \\xrightarrow, \\Big/, \\# before a letter, ...) are
rewritten first into ones it has that say the same. None when matplotlib is absent or the formula is beyond
mathtext, so the page falls back to the rule's Unicode text."""
from __future__ import annotations

import io
import re
from functools import lru_cache
from typing import Optional

_PLAIN = ((r"\textstyle", ""), (r"\displaystyle", ""), (r"\tfrac", r"\frac"), (r"\dfrac", r"\frac"))
_CASES = re.compile(r"\\begin\{cases\}(.*?)\\end\{cases\}", re.S)
_MATRIX = re.compile(r"\\begin\{([pbBvV]?)matrix\}(.*?)\\end\{\1matrix\}", re.S)
_MATRIX_DELIMS = {"": (".", "."), "p": ("(", ")"), "b": ("[", "]"), "B": (r"\{", r"\}"), "v": ("|", "|"),
                  "V": (r"\Vert", r"\Vert")}
_CELL = re.compile(r"(?<!\\)&")
_ROW = re.compile(r"\\\\")
#: a row's invisible, zero-width strut: its cells inside \left(\sum … \right), so rows are at least that tall
_STRUT = r"\rlap{\phantom{\left(\sum %s\right)}}"
_ARROW = re.compile(r"\\x(right|left)arrow\s*")
_DELIM = r"\\\{|\\\}|\\\||\\langle|\\rangle|\\lfloor|\\rfloor|\\lceil|\\rceil|\\vert|\\Vert|[()\[\]|/.]"
_TOKENS = re.compile(rf"\\(?:Bigg|bigg|Big|big)(?P<side>[lrm]?)\s*(?P<delim>{_DELIM})|\\[{{}}&\\]|[{{}}&]")
_OPENERS = {"(", "[", r"\{", r"\langle", r"\lfloor", r"\lceil"}
_CLOSERS = {")", "]", r"\}", r"\rangle", r"\rfloor", r"\rceil"}
_ESCAPED_BEFORE_LETTER = re.compile(r"\\([#&])(?=[A-Za-z])")
_MATHREL = re.compile(r"\\mathrel\{([^{}]*)\}")
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_SHORT = re.compile(r"\\(le|ge)(?![a-zA-Z])")
_LOGIC = re.compile(r"\\(lor|land|lnot)(?![a-zA-Z])")
_LOGIC_NAMES = {"lor": r"\vee", "land": r"\wedge", "lnot": r"\neg"}
_FRAC_DIGITS = re.compile(r"\\frac\s*(\w)\s*(\w)")


def _cases(match: re.Match[str]) -> str:
    rows = [_CELL.split(row) for row in _ROW.split(match.group(1)) if row.strip()]
    parts = [rf"{row[0].strip()}\ ({row[1].strip()})" if len(row) > 1 else row[0].strip() for row in rows]
    return r"\{" + r";\ ".join(parts) + r"\}"


def _stack(rows: list[str]) -> str:
    """Rows stacked as nested rule-less fractions (top half over bottom half): evenly spaced and centred on the
    math axis, as an array's rows are (mathtext's \\substack is neither)."""
    if len(rows) == 1:
        return rows[0]
    half = (len(rows) + 1) // 2
    return rf"\genfrac{{}}{{}}{{0}}{{0}}{{{_stack(rows[:half])}}}{{{_stack(rows[half:])}}}"


def _column(cells: list[str], struts: list[str]) -> str:
    """One matrix column: centred cells, each row carrying an invisible zero-width strut as tall and deep as
    its tallest cell (so the columns' rows line up)."""
    return _stack([f"{strut}{{{cell}}}" for cell, strut in zip(cells, struts)])


def _matrix(match: re.Match[str]) -> str:
    """A (b/p/B/v/V)matrix as bracketed columns of stacked cells (mathtext has no arrays)."""
    rows = [[cell.strip() for cell in _CELL.split(row)] for row in _ROW.split(match.group(2))]
    if len(rows) > 1 and rows[-1] == [""]:
        rows.pop()
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    struts = [_STRUT % " ".join(f"{{{cell}}}" for cell in row) for row in rows]
    left, right = _MATRIX_DELIMS[match.group(1)]
    columns = r"\quad ".join(_column([row[j] for row in rows], struts) for j in range(width))
    return rf"\left{left}{columns}\right{right}"


def _group_end(text: str, start: int, opening: str = "{", closing: str = "}") -> int:
    """The index just past the balanced group opened by text[start] (== opening); len(text) if unclosed."""
    depth = 0
    for index in range(start, len(text)):
        char = text[index]
        if char == opening and (index == 0 or text[index - 1] != "\\"):
            depth += 1
        elif char == closing and (index == 0 or text[index - 1] != "\\"):
            depth -= 1
            if depth == 0:
                return index + 1
    return len(text)


def _arrows(text: str) -> str:
    """\\xrightarrow[below]{above} → \\underset{below}{\\overset{above}{\\longrightarrow}} (and \\xleftarrow)."""
    out, position = [], 0
    while (match := _ARROW.search(text, position)) is not None:
        out.append(text[position:match.start()])
        index, below, above = match.end(), "", ""
        if text.startswith("[", index):
            end = _group_end(text, index, "[", "]")
            below, index = text[index + 1:end - 1], end
        if text.startswith("{", index):
            end = _group_end(text, index)
            above, index = text[index + 1:end - 1], end
        arrow = rf"\long{match.group(1)}arrow"
        if above.strip():
            arrow = rf"\overset{{{above}}}{{{arrow}}}"
        if below.strip():
            arrow = rf"\underset{{{below}}}{{{arrow}}}"
        out.append(arrow)
        position = index
    return "".join(out) + text[position:]


def _sized_delimiters(text: str) -> str:
    """\\big( … \\big) (any \\big/\\Big/\\bigg/\\Bigg, l/r/m) → \\left( … \\right) when the two pair up inside
    one group, else the bare delimiter (\\Big/ → /)."""
    pieces: list[str] = []
    openers: list[tuple[int, int]] = []
    depth, last = 0, 0
    for match in _TOKENS.finditer(text):
        pieces.append(text[last:match.start()])
        last = match.end()
        delim = match.group("delim")
        if delim is None:
            token = match.group(0)
            pieces.append(token)
            if token == "{":
                depth += 1
            elif token == "}":
                depth -= 1
                openers = [o for o in openers if o[0] <= depth]
            elif token in ("&", r"\\"):
                openers = [o for o in openers if o[0] < depth]
            continue
        side = match.group("side")
        pieces.append("" if delim == "." else delim)
        if side == "l" or (not side and delim in _OPENERS):
            openers.append((depth, len(pieces) - 1))
        elif (side == "r" or (not side and delim in _CLOSERS)) and openers and openers[-1][0] == depth:
            opened = openers.pop()[1]
            pieces[opened] = r"\left" + (pieces[opened] or ".")
            pieces[-1] = r"\right" + delim
    pieces.append(text[last:])
    return "".join(pieces)


def mathtext_latex(latex: str) -> str:
    """Rewrite LaTeX that mathtext cannot parse (matrices, cases, \\xrightarrow, \\big…/\\Big…, \\textstyle,
    \\tfrac, \\mathrel, \\le, \\lor, \\frac12, \\# before a letter) into what it can, saying the same."""
    text = _MATRIX.sub(_matrix, latex)
    text = _CASES.sub(_cases, text)
    text = _arrows(text)
    text = _sized_delimiters(text)
    text = _ESCAPED_BEFORE_LETTER.sub(r"{\\\1}", text)
    text = _MATHREL.sub(r"\1", text)
    text = _SHORT.sub(r"\\\1q", text)
    text = _LOGIC.sub(lambda m: _LOGIC_NAMES[m.group(1)], text)
    for old, new in _PLAIN:
        text = text.replace(old, new)
    return _FRAC_DIGITS.sub(r"\\frac{\1}{\2}", text)


@lru_cache(maxsize=2048)
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
    except Exception:  # mathtext's parse errors are ValueErrors, but some inputs trip its layout code
        return None
    text = buffer.getvalue()
    return _METADATA.sub("", text[text.find("<svg"):])
