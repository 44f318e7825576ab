"""`tinygrad-edu verify [PATH] [--only ID] [--format table|markdown|json] [-o FILE] [--budget S] [--quiet]`: check
the lecture's formulas against autograd and exit non-zero if any claim fails or a lecture ID is unaccounted for.
A progress line per claim goes to standard error as it finishes; the report goes to standard output."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the `verify` subcommand on an argparse subparsers object (its handler is in `run`)."""
    p = subparsers.add_parser("verify", help="check the lecture's formulas against autograd, symbolically")
    p.add_argument("path", nargs="?", metavar="PATH",
                   help="a folder of derivation files or one file (default: the shipped derivations)")
    p.add_argument("--only", metavar="ID", help="one derivation id, lecture ID (e.g. F39) or claim name")
    p.add_argument("--format", choices=("table", "markdown", "json"), default="table")
    p.add_argument("-o", "--output", metavar="FILE", help="write the report here instead of standard output")
    p.add_argument("--budget", type=float, default=None, metavar="SECONDS",
                   help="simplification time per claim before it counts as checked numerically only (default 20)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines on standard error")
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    """0 when every selected claim holds and every lecture ID is verified or explained, 1 otherwise,
    2 on a usage error."""
    from .claim import BUDGET
    from .derivation import load
    from .verify import FORMATTERS, progress_line
    from .verify import run as run_derivations

    def show(row: Any, done: int, total: int) -> None:
        print(progress_line(row, done, total), file=sys.stderr, flush=True)

    budget = BUDGET if getattr(args, "budget", None) is None else args.budget
    try:
        report = run_derivations(load(args.path), only=args.only, budget=budget,
                                 progress=None if getattr(args, "quiet", False) else show)
    except ValueError as err:
        print(f"tinygrad-edu verify: {err}", file=sys.stderr)
        return 2
    text = FORMATTERS[args.format](report)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"{'PASS' if report.passed else 'FAIL'}: report written to {args.output}")
    else:
        print(text)
    return 0 if report.passed else 1
