"""Label text for Graphviz: escaping for plain and HTML-like labels (any tensor or module name is safe),
numbers, subscripts, value summaries and small heat-map tables."""
from __future__ import annotations

import math
import re
from typing import Any, Callable, Sequence

import graphviz
import numpy as np

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")
_SUBSCRIPT = str.maketrans("0123456789,", "₀₁₂₃₄₅₆₇₈₉‚")
_SYMBOL_INDEX = re.compile(r"(?<=[^\W\d_])_(\d[\d,]*)")


DOT_LIMIT = 16384
"""Bytes: dot refuses a quoted or HTML-like string longer than this ("longer than 16384?")."""
TEXT_LIMIT = 1024
"""Bytes of one escaped piece of text (a name, a rule) in a label; longer ones end in an ellipsis."""


def clean(text: Any) -> str:
    """`text` as a string that any renderer and any UTF-8 file take: line ends as \\n, tabs as spaces,
    control characters and lone surrogates (not encodable in UTF-8) as U+FFFD."""
    return _CONTROL.sub("\ufffd", str(text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))


def _fitted(text: str, escape: Callable[[str], str], limit: int) -> str:
    """escape(text), or escape(the longest prefix of text + "…") when that is over `limit` bytes in the DOT
    file (a double quote costs two: the graphviz package writes it as \\")."""
    def size(s: str) -> int:
        return len(s.encode("utf-8")) + s.count('"')

    escaped = escape(text)
    if size(escaped) <= limit:
        return escaped
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if size(escape(text[:middle] + "…")) <= limit:
            low = middle
        else:
            high = middle - 1
    return escape(text[:low] + "…")


def _escape_plain(s: str) -> str:
    return s.replace("\\", "\\\\").replace("\n", "\\n")


def _escape_html(s: str) -> str:
    s = s.replace("\\", "\\\\").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return s.replace("\n", "<BR/>")


def plain(text: Any, limit: int = TEXT_LIMIT) -> str:
    """A DOT escString showing `text` literally: backslashes doubled, newlines as line breaks, never
    read as an HTML label (the quotes are escaped by the graphviz package when it quotes the string);
    cut with an ellipsis past `limit` bytes."""
    return graphviz.nohtml(_fitted(clean(text), _escape_plain, limit))


def html(text: Any, limit: int = TEXT_LIMIT) -> str:
    """Text for inside an HTML-like label: & < > " escaped, newlines as <BR/>, backslashes doubled
    (dot expands escString sequences such as \\N even inside HTML labels); cut with an ellipsis past `limit` bytes."""
    return _fitted(clean(text), _escape_html, limit)


def html_table(rows: Sequence[str], bold_first: bool = False) -> str:
    """An HTML-like label as a borderless one-column table (used when a row is itself a table). Past dot's
    DOT_LIMIT, nested tables (heat maps) are dropped first, then trailing rows give way to "…"."""
    def build(kept: Sequence[str]) -> str:
        cells = []
        for i, row in enumerate(kept):
            body = f"<B>{row}</B>" if bold_first and i == 0 else row
            cells.append(f"<TR><TD>{body}</TD></TR>")
        return '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">' + "".join(cells) + "</TABLE>>"

    budget = DOT_LIMIT - 64
    label = build(rows)
    if len(label.encode("utf-8")) <= budget:
        return label
    rows = [r for r in rows if not r.startswith("<TABLE")]
    while len(rows) > 1 and len(build(rows + ["…"]).encode("utf-8")) > budget:
        rows = rows[:-1]
    return build(rows + ["…"])


def number(value: Any, digits: int = 3) -> str:
    """A number in `digits` significant digits (integers and exact values as they are)."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(v) or math.isinf(v):
        return str(v)
    return f"{v:.{digits}g}"


def shape_text(shape: Sequence[int]) -> str:
    return "×".join(str(s) for s in shape) if len(shape) else "scalar"


def subscripted(base: str, index: Sequence[int]) -> str:
    """`x` and (0, 1) → x₀₁ (indices ≥ 10 separated by commas); the lecture's x_{ij}."""
    if not index:
        return base
    sep = "" if all(i < 10 for i in index) else ","
    return base + sep.join(str(i) for i in index).translate(_SUBSCRIPT)


def pretty_symbols(text: str) -> str:
    """SymPy's `J_01*x_23` → `J₀₁*x₂₃`: symbol indices written as subscripts."""
    return _SYMBOL_INDEX.sub(lambda m: m.group(1).translate(_SUBSCRIPT), text)


def shorten(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def summary(data: np.ndarray) -> str:
    """One line about an array's values: the value itself when small, else ‖·‖, min and max."""
    if data.dtype == object:
        if data.size <= 3:
            return "= " + shorten(", ".join(pretty_symbols(str(e)) for e in data.ravel()))
        return f"symbolic, {data.size} expressions"
    if data.size == 0:
        return "empty"
    if data.size == 1:
        return "= " + number(data.reshape(())[()])
    values = data.astype(np.float64)
    norm = float(np.sqrt(np.sum(values * values)))
    return f"‖·‖ {number(norm)}  min {number(values.min())}  max {number(values.max())}"


def heat_map_shape(data: np.ndarray, limit: int = 16) -> tuple[int, int] | None:
    """(rows, cols) when the array, singleton axes dropped, is 1-D or 2-D and small enough to draw."""
    if data.dtype == object or data.dtype.kind not in "biuf" or data.size < 2:
        return None
    core = [s for s in data.shape if s != 1]
    if len(core) == 1 and core[0] <= limit:
        return 1, core[0]
    if len(core) == 2 and core[0] <= limit and core[1] <= limit:
        return core[0], core[1]
    return None


def colour(fraction: float) -> str:
    """A diverging colour for a value in [−1, 1]: blue below zero, white at zero, red above."""
    f = max(-1.0, min(1.0, fraction))
    end = (33, 102, 172) if f < 0 else (178, 24, 43)
    mix = [round(255 + (c - 255) * abs(f)) for c in end]
    return "#{:02x}{:02x}{:02x}".format(*mix)


def heat_map(data: np.ndarray, cell: int = 8) -> str | None:
    """A small HTML table, one coloured cell per entry (scaled by the largest |value|), or None if too big.
    Cells are not fixed-size: they stretch to the label's width (fixed empty cells crash some dot builds)."""
    grid = heat_map_shape(data)
    if grid is None:
        return None
    values = data.astype(np.float64).reshape(grid)
    scale = float(np.max(np.abs(values))) or 1.0
    rows = []
    for r in range(grid[0]):
        cells = "".join(f'<TD BGCOLOR="{colour(v / scale)}" WIDTH="{cell}" HEIGHT="{cell}"></TD>' for v in values[r])
        rows.append(f"<TR>{cells}</TR>")
    return '<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0" COLOR="#999999">' + "".join(rows) + "</TABLE>"
