"""What Jupyter shows for the readers' results instead of dataclass dumps: a Step as a card (the rule typeset,
the gradients' statistics, small heat maps), the whole pass as the HTML stepper inline, and Markdown for
front ends that prefer it. Self-contained HTML: no scripts fetched, no network."""
from __future__ import annotations

import base64
import html
from typing import TYPE_CHECKING, Optional

import numpy as np

from .mathsvg import latex_svg
from .slices import grid_slice

if TYPE_CHECKING:
    from .gradflow import GradientFlow
    from .steps import Step, Steps

INLINE_HEIGHT = 640
CELL_PX = 9


def _e(text: object) -> str:
    from ..viz.labels import clean

    return html.escape(clean(text))


def _rule_html(step: "Step") -> str:
    svg = latex_svg(step.rule_latex) if step.rule_latex else None
    image = ""
    if svg is not None:
        data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        image = f'<img alt="{_e(step.rule_unicode)}" src="data:image/svg+xml;base64,{data}" style="max-width:100%">'
    text = _e(step.rule_unicode or "(no rule stated for this op)")
    return f'<div style="margin:6px 0">{image}<div style="color:#444;font-size:90%">rule: {text}</div></div>'


def _heat_table(title: str, array: Optional[np.ndarray]) -> str:
    """One 2-D slice of a gradient as a table of coloured cells (red > 0, blue < 0); a symbolic one as its entries'
    formulas; "" when empty."""
    from ..viz.labels import colour

    if array is None:
        return ""
    if array.dtype == object:
        from .formulas import element_formulas

        items = "".join(f"<li><code>{_e(where)}</code> = {_e(text)}</li>" for where, text in element_formulas(array))
        return (f'<figure style="margin:0 12px 0 0;display:inline-block;vertical-align:top"><figcaption '
                f'style="font-size:80%">{_e(title)}, per entry</figcaption><ul style="font-size:85%">{items}</ul>'
                '</figure>')
    window = grid_slice(array, 0, 16, 16)
    if window is None:
        return ""
    scale = window.scale or 1.0
    total = window.rows * window.cols - window.pad
    rows = []
    for r in range(window.rows):
        cells = []
        for c in range(window.cols):
            k = r * window.cols + c
            v = float(window.values[r, c])
            fill = "#ffffff" if k >= total else ("#fdd835" if not np.isfinite(v) else colour(v / scale))
            cells.append(f'<td style="background:{fill};width:{CELL_PX}px;height:{CELL_PX}px;padding:0" '
                         f'title="{v:.4g}"></td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    caption = f"{_e(title)}<br><small>{_e(window.label)}, max |δ| {window.scale:.3g}</small>"
    return (f'<figure style="margin:0 12px 0 0;display:inline-block;vertical-align:top"><figcaption '
            f'style="font-size:80%">{caption}</figcaption><table style="border-collapse:collapse;border:1px solid '
            f'#999">{"".join(rows)}</table></figure>')


def step_html(step: "Step", total: Optional[int] = None) -> str:
    """A Step as an HTML card: op, module and line, the rule typeset, δ in and out with statistics, heat maps."""
    of = f" of {total}" if total else ""
    module = f" in {' › '.join(_e(m) for m in step.module_path)}" if step.module_path else ""
    parts = [f"<div><b>step {step.index + 1}{of}: {_e(step.op)}</b>{module} "
             f'<span style="color:#555">at {_e(step.where())}</span></div>']
    if step.source_line:
        parts.append(f"<div><code>{_e(step.source_line)}</code></div>")
    parts.append(_rule_html(step))
    rows = [f"<tr><td>{_e(step.grad_name)} arrives at <b>{_e(step.output_name)}</b></td><td>{_e(step.stats_out)}"
            "</td></tr>"]
    for name, stats in zip(step.input_names, step.stats_in):
        shown = stats if stats is not None else "no gradient (needs none)"
        rows.append(f"<tr><td>→ <b>{_e(name)}</b></td><td>{_e(shown)}</td></tr>")
    parts.append(f'<table style="font-size:90%">{"".join(rows)}</table>')
    maps = [_heat_table(f"{step.grad_name} at {step.output_name}", step.grad_out)]
    maps += [_heat_table(f"→ {name}", g) for name, g in zip(step.input_names, step.grads_in)]
    parts.append("<div>" + "".join(maps) + "</div>")
    return '<div class="tinygrad-edu-step" style="font-family:sans-serif">' + "".join(parts) + "</div>"


def step_markdown(step: "Step") -> str:
    """A Step as Markdown: heading, line, the rule as LaTeX ($$…$$), a table of the gradients' statistics."""
    def cell(text: object) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    module = f" in {' › '.join(step.module_path)}" if step.module_path else ""
    lines = [f"**step {step.index + 1}: {cell(step.op)}**{cell(module)} at `{step.where()}`", ""]
    if step.source_line:
        lines += [f"`{step.source_line}`", ""]
    if step.rule_latex:
        lines += [f"$${step.rule_latex}$$", ""]
    elif step.rule_unicode:
        lines += [f"rule: {cell(step.rule_unicode)}", ""]
    lines += ["| gradient | statistics |", "| --- | --- |",
              f"| {cell(step.grad_name)} arrives at **{cell(step.output_name)}** | {cell(step.stats_out)} |"]
    for name, stats in zip(step.input_names, step.stats_in):
        lines.append(f"| → **{cell(name)}** | {cell(stats if stats is not None else 'no gradient (needs none)')} |")
    return "\n".join(lines)


def steps_html(steps: "Steps", height: int = INLINE_HEIGHT) -> str:
    """The whole HTML stepper inside the notebook: the page in an <iframe srcdoc> (its own document, so its
    script and styles cannot clash with the notebook's), arrow keys step once it has focus."""
    from .html import page

    if len(steps) == 0:
        return f"<p>{_e(repr(steps))}: nothing to step through</p>"
    document = page(steps)
    return (f'<iframe srcdoc="{html.escape(document, quote=True)}" style="width:100%;height:{height}px;'
            f'border:1px solid #ccc" title="backward pass of {_e(steps.label(steps.root))}"></iframe>')


def gradient_flow_html(flow: "GradientFlow") -> str:
    """The gradient-norm table as preformatted HTML (it lines up in columns)."""
    return f'<pre style="font-size:85%">{_e(str(flow))}</pre>'
