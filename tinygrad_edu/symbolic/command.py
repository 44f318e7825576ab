"""`tinygrad-edu verify [PATH] [--only ID] [--format table|markdown|json] [-o FILE]`: check the lecture's
formulas against autograd and exit non-zero if any claim fails or a lecture ID is unaccounted for."""
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
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    """0 when every selected claim holds and every lecture ID is verified or explained, 1 otherwise,
    2 on a usage error."""
    from .derivation import load
    from .verify import FORMATTERS
    from .verify import run as run_derivations

    try:
        report = run_derivations(load(args.path), only=args.only)
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
