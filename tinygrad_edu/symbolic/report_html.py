"""What Jupyter shows for a verify Report: self-contained HTML whose formulas are typeset as SVG images by
matplotlib's mathtext (inspect/mathsvg: no MathJax, no fonts, no network; LaTeX kept as the images' alt text,
or shown as code when mathtext cannot parse it), and Markdown with $…$ for front ends that prefer it (Jupyter
typesets that with its own MathJax)."""
from __future__ import annotations

import base64
import html
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .verify import Report, Row

_COLOURS = {"ok": "#1b5e20", "ok*": "#33691e", "FAIL": "#b71c1c", "ERROR": "#b71c1c"}


def _e(text: object) -> str:
    return html.escape(str(text))


def formula_html(latex: str, display: bool = False) -> str:
    """`latex` as an <img> of its SVG (alt = the LaTeX), or as <code> when mathtext cannot typeset it."""
    from ..inspect.mathsvg import latex_svg

    text = " ".join(latex.split())
    if not text:
        return ""
    svg = latex_svg(text)
    if svg is None:
        return f'<code class="latex">{_e(text)}</code>'
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    style = "display:block;margin:4px 0;max-width:100%" if display else "vertical-align:middle;max-width:100%"
    return f'<img class="latex" alt="{_e(text)}" src="data:image/svg+xml;base64,{data}" style="{style}">'


def _claim_row(row: "Row") -> str:
    from .verify import _failure_text, _outcome, _sizes

    result, claim = row.result, row.result.claim
    outcome = _outcome(result)
    detail = ""
    if not result.passed:
        detail = f'<pre style="margin:2px 0;white-space:pre-wrap">{_e(_failure_text(row))}</pre>'
    elif result.proof == "numeric":
        detail = f'<div style="font-size:85%">{_e(result.note)}</div>'
    cells = [f"<b>{_e(', '.join(claim.formulas))}</b>", _e(claim.statement), formula_html(claim.latex),
             _e(_sizes(result)),
             f'<span class="status" style="color:{_COLOURS[outcome]};font-weight:bold">{_e(outcome)}</span>{detail}',
             f"{result.seconds:.2f} s"]
    body = "".join(f'<td style="text-align:left;vertical-align:top">{cell}</td>' for cell in cells)
    return f'<tr data-claim="{_e(", ".join(claim.formulas))}" data-status="{_e(outcome)}">{body}</tr>'


def report_html(report: "Report") -> str:
    """The report as one HTML fragment: a verdict line, per derivation its source, formula and claims (ID,
    statement, formula, sizes, result, time), then every selected lecture ID's status."""
    from .verify import _coverage_summary, _proof_summary

    verdict = "PASS" if report.passed else "FAIL"
    parts = [f'<div class="tinygrad-edu-verify"><p><b style="color:{_COLOURS["ok" if report.passed else "FAIL"]}">'
             f"{verdict}</b> — {_e(_proof_summary(report))}; {_e(_coverage_summary(report))}; "
             f"{report.seconds:.1f} s</p>"]
    head = "".join(f'<th style="text-align:left">{h}</th>'
                   for h in ("ID", "claim", "formula", "sizes checked", "result", "time"))
    for derivation_id in dict.fromkeys(r.derivation.id for r in report.rows):
        rows = [r for r in report.rows if r.derivation.id == derivation_id]
        d = rows[0].derivation
        parts.append(f'<h4 style="margin:10px 0 2px">{_e(d.title)} (<code>{_e(d.id)}</code>)</h4>'
                     f'<div style="font-size:85%">Source: {_e(d.source)}. Index mapping: {_e(d.mapping)}</div>'
                     f"{formula_html(d.latex, display=True)}"
                     f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(_claim_row(r) for r in rows)}</tbody>"
                     "</table>")
    if report.coverage:
        items = "".join(f'<tr><td style="text-align:left"><b>{_e(i)}</b></td>'
                        f'<td style="text-align:left">{_e(report.status(i))}</td></tr>' for i in report.coverage)
        parts.append(f'<details><summary>lecture IDs ({len(report.coverage)})</summary><table>{items}</table>'
                     "</details>")
    return "".join(parts) + "</div>"


def report_markdown(report: "Report") -> str:
    """verify's Markdown report (formulas as $…$ and $$…$$), its headings three levels down to sit in a cell."""
    from .verify import format_markdown

    return re.sub(r"^(#+) ", lambda m: "#" * min(len(m.group(1)) + 2, 6) + " ", format_markdown(report), flags=re.M)
