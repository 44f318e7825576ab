"""Run derivations and account for every lecture ID: a plain table, a GitHub-renderable Markdown report
with the LaTeX formulas, or JSON; in Jupyter the Report shows as HTML with the formulas typeset (report_html)."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence, Union

from .claim import BUDGET, INDEXING, Claim, ClaimResult
from .derivation import Derivation, DerivationSet


@dataclass
class Row:
    derivation: Derivation
    result: ClaimResult


@dataclass
class Report:
    rows: list[Row]
    coverage: dict[str, str]
    """lecture ID → "verified", "FAILED", "not checkable: <reason>" or "missing"."""
    seconds: float
    reconstructed: dict[str, str] = field(default_factory=dict)
    """verified lecture ID → what of its formula is the digest's reconstruction rather than the seed's text."""

    def status(self, formula_id: str) -> str:
        """The coverage line's text: the status, and for a reconstructed formula what was reconstructed."""
        note = self.reconstructed.get(formula_id)
        status = self.coverage[formula_id]
        return f"{status} (against the digest's reconstruction of {note})" if note else status

    @property
    def passed(self) -> bool:
        return all(r.result.passed for r in self.rows) and not any(
            status in ("FAILED", "missing") for status in self.coverage.values())

    def __str__(self) -> str:
        return format_table(self)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """IPython's text/plain: the table, not a dump of every result."""
        printer.text(format_table(self))

    def _repr_html_(self) -> str:
        """Jupyter: per derivation its formula and claims, typeset as SVG (no MathJax, no network)."""
        from .report_html import report_html

        return report_html(self)

    def _repr_markdown_(self) -> str:
        """Front ends that prefer Markdown: the GitHub report, formulas as $…$ (Jupyter's MathJax typesets them)."""
        from .report_html import report_markdown

        return report_markdown(self)


def _selected(derivation: Derivation, claim: Claim, name: str) -> bool:
    return name in (derivation.id, claim.name) or name in claim.formulas


def run(derivations: DerivationSet, only: Union[str, Sequence[str], None] = None,
        progress: Optional[Callable[[Row, int, int], None]] = None, budget: Optional[float] = BUDGET) -> Report:
    """Check every claim (or those of the derivation / lecture ID / claim name `only`, or of any of a list of
    them) and account for each catalogued lecture ID; an ID with neither a claim nor a stated reason is "missing",
    which fails. `progress(row, done, total)` is called as each claim finishes; `budget` bounds each claim's
    simplification."""
    start = time.perf_counter()
    names = None if only is None else [only] if isinstance(only, str) else list(only)
    selected = [(d, c) for d in derivations.derivations for c in d.claims
                if names is None or any(_selected(d, c, name) for name in names)]
    for name in names or ():
        if not any(_selected(d, c, name) for d, c in selected) and \
                not any(name in d.not_checkable for d in derivations.derivations):
            raise ValueError(f"verify --only {name}: no derivation, claim or lecture ID of that name in "
                             f"{derivations.location}")
    rows = []
    for d, c in selected:
        rows.append(Row(d, c.check(budget=budget)))
        if progress is not None:
            progress(rows[-1], len(rows), len(selected))
    ids = list(derivations.catalog) or sorted({f for r in rows for f in r.result.claim.formulas}, key=_id_order)
    if names is not None:
        ids = [i for i in ids if i in names or any(i in r.result.claim.formulas for r in rows)]
    coverage = {i: _status(i, rows, derivations.derivations) for i in ids}
    reconstructed = {i: derivations.reconstructed[i] for i in ids
                     if coverage[i] == "verified" and i in derivations.reconstructed}
    return Report(rows, coverage, time.perf_counter() - start, reconstructed)


def _id_order(formula_id: str) -> tuple:
    digits = "".join(ch for ch in formula_id if ch.isdigit())
    return (formula_id.rstrip("0123456789"), int(digits) if digits else 0)


def _status(formula_id: str, rows: list[Row], derivations: list[Derivation]) -> str:
    results = [r.result for r in rows if formula_id in r.result.claim.formulas]
    if results:
        return "verified" if all(r.passed for r in results) else "FAILED"
    reasons = [d.not_checkable[formula_id] for d in derivations if formula_id in d.not_checkable]
    return f"not checkable: {reasons[0]}" if reasons else "missing"


def _sizes(result: ClaimResult) -> str:
    spot = f" + numeric at {result.spot.case}" if result.spot else ""
    return f"{len(result.cases)} exact{spot}"


def _outcome(result: ClaimResult) -> str:
    """ok (proved exactly), ok* (checked numerically only), FAIL (a counterexample), ERROR (the claim's code)."""
    if result.passed:
        return "ok" if result.proof in ("exact", "none") else "ok*"
    return "ERROR" if result.authoring_error else "FAIL"


def progress_line(row: Row, done: int, total: int) -> str:
    """`[ 3/70] ok    F46, F40  conv→conv: δ_r = …  0.17 s`: one claim's result as soon as it is known."""
    width = len(str(total))
    return (f"[{done:>{width}}/{total}] {_outcome(row.result):<5} {_clip(', '.join(row.result.claim.formulas), 16):<16} "
            f"{_clip(row.result.claim.statement, 60):<60} {row.result.seconds:.2f} s")


def _failure_text(row: Row) -> str:
    result = row.result
    failure = result.failure or (result.spot.failure if result.spot else None)
    kind = ("authoring error" if result.authoring_error else "exact" if result.failure
            else f"numeric (relative error {result.spot.max_error:.3g})")
    return f"{', '.join(result.claim.formulas)} [{row.derivation.id}] {result.claim.statement}\n  {kind} {failure}"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def format_table(report: Report) -> str:
    """Fixed-width table (ID, source, formula, sizes checked, result, time), then failures and coverage."""
    header = ("ID", "source", "formula", "sizes checked", "result", "time")
    body = [(_clip(", ".join(r.result.claim.formulas), 16), _clip(r.derivation.source, 34), _clip(r.result.claim.statement, 58),
             _clip(_sizes(r.result), 40), _outcome(r.result), f"{r.result.seconds:.2f} s") for r in report.rows]
    widths = [max(len(row[i]) for row in [header] + body) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in [header] + body]
    lines.insert(1, "  ".join("-" * w for w in widths))
    failures = [_failure_text(r) for r in report.rows if not r.result.passed]
    if failures:
        lines += ["", f"Failures ({INDEXING}):"] + failures
    lines += _numeric_only(report)
    if report.coverage:
        lines += ["", "Lecture formulas:"] + [f"  {i:<4} {report.status(i)}" for i in report.coverage]
    lines += ["", f"{_proof_summary(report)}; {_coverage_summary(report)}; "
                  f"{report.seconds:.1f} s — {'PASS' if report.passed else 'FAIL'}"]
    return "\n".join(lines)


def _numeric_only(report: Report) -> list[str]:
    notes = [f"  {', '.join(r.result.claim.formulas)} [{r.derivation.id}] {r.result.claim.statement}: {r.result.note}"
             for r in report.rows if r.result.passed and r.result.proof == "numeric"]
    return ["", "ok* = checked numerically only (0 at random rational points and at the spot size, not proved):"] + notes \
        if notes else []


def _proof_summary(report: Report) -> str:
    exact = sum(r.result.passed and r.result.proof in ("exact", "none") for r in report.rows)
    numeric = sum(r.result.passed and r.result.proof == "numeric" for r in report.rows)
    errors = sum(r.result.authoring_error for r in report.rows)
    text = f"{exact + numeric}/{len(report.rows)} claims hold"
    if numeric:
        text += f" ({numeric} numerically only)"
    return text + (f", {errors} with an authoring error" if errors else "")


def _coverage_summary(report: Report) -> str:
    statuses = list(report.coverage.values())
    verified = statuses.count("verified")
    unchecked = sum(s.startswith("not checkable") for s in statuses)
    bad = len(statuses) - verified - unchecked
    return f"{verified} lecture IDs verified, {unchecked} not checkable, {bad} failed or missing"


def _cell(latex: str) -> str:
    return "$" + latex.replace("|", r"\vert ").replace("\n", " ") + "$" if latex else ""


def _badge(result: ClaimResult) -> str:
    return {"ok": "✅", "ok*": "✅ (numeric only)", "FAIL": "❌", "ERROR": "❌ authoring error"}[_outcome(result)]


def format_markdown(report: Report) -> str:
    """A report that renders on GitHub: per derivation its source, formula ($$…$$), mapping and claims."""
    lines = ["# Lecture formulas, checked", "",
             f"{_proof_summary(report)}; {_coverage_summary(report)}; {report.seconds:.1f} s. "
             "Each claim is evaluated at random rational points and proved exactly (SymPy, the difference "
             "simplified to 0) at every listed size, and checked numerically (float64) at a larger one; "
             "ok* marks a claim whose simplification did not finish (checked numerically only).", ""]
    derivations = list(dict.fromkeys(r.derivation.id for r in report.rows))
    by_id = {r.derivation.id: r.derivation for r in report.rows}
    for did in derivations:
        d = by_id[did]
        lines += [f"## {d.title} (`{d.id}`)", "", f"Source: {d.source}", "", "$$", d.latex.strip(), "$$", "",
                  f"Index mapping: {d.mapping}", "", "| ID | claim | formula | sizes checked | result | time |",
                  "| --- | --- | --- | --- | --- | --- |"]
        for r in (row for row in report.rows if row.derivation.id == did):
            c = r.result.claim
            lines.append(f"| {', '.join(c.formulas)} | {c.statement.replace('|', '∣')} | {_cell(c.latex)} | "
                         f"{_sizes(r.result)} | {_badge(r.result)} | {r.result.seconds:.2f} s |")
        lines.append("")
    failures = [_failure_text(r) for r in report.rows if not r.result.passed]
    if failures:
        lines += ["## Failures", "", "```"] + failures + ["```", ""]
    if report.coverage:
        lines += ["## Every lecture formula", "", "| ID | status |", "| --- | --- |"]
        lines += [f"| {i} | {report.status(i).replace('|', '∣')} |" for i in report.coverage]
    return "\n".join(lines) + "\n"


def format_json(report: Report) -> str:
    def failure(r: ClaimResult) -> Optional[dict]:
        f = r.failure or (r.spot.failure if r.spot else None)
        return None if f is None else {"case": f.case, "index": list(f.index), "autograd": str(f.actual),
                                       "formula": str(f.expected), "difference": str(f.difference),
                                       "reason": f.reason, "authoring": f.authoring,
                                       "counterexample": None if f.counterexample is None else str(f.counterexample)}

    claims = [{"ids": list(r.result.claim.formulas), "derivation": r.derivation.id, "source": r.derivation.source,
               "statement": r.result.claim.statement, "latex": r.result.claim.latex, "sizes": r.result.cases,
               "numeric": None if r.result.spot is None else {"case": r.result.spot.case,
                                                             "max_relative_error": r.result.spot.max_error},
               "passed": r.result.passed, "proof": r.result.proof, "note": r.result.note, "seconds": round(r.result.seconds, 4), "failure": failure(r.result)}
              for r in report.rows]
    return json.dumps({"passed": report.passed, "seconds": round(report.seconds, 3), "claims": claims,
                       "coverage": report.coverage, "reconstructed": report.reconstructed}, indent=2,
                      ensure_ascii=False)


FORMATTERS = {"table": format_table, "markdown": format_markdown, "json": format_json}
