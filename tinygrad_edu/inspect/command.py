"""`tinygrad-edu step`: step through the backward pass of a zoo model or of a tensor from your own script,
full-screen in the terminal, as one HTML page (--html), or as plain text when stdout is not a terminal."""
from __future__ import annotations

import argparse
import sys
from typing import Any

from ..demos import MODELS, zoo_loss
from ..viz.command import expand_spec
from ..viz.script import ScriptError, script_tensor


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the `step` subcommand on an argparse subparsers object (its handler is in `run`)."""
    p = subparsers.add_parser("step", help="step through a backward pass: rule, incoming and outgoing gradients "
                                           "at every node (terminal, HTML or text)")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--model", choices=MODELS,
                        help="a zoo model: forward on a random batch, then the loss (default: lenet5)")
    source.add_argument("--script", metavar="PATH", help="run this Python file and step through its tensor --tensor")
    p.add_argument("--tensor", metavar="NAME", help="with --script: the global variable holding a scalar tensor")
    p.add_argument("--html", metavar="OUT", help="write one self-contained HTML page instead of the terminal view")
    p.add_argument("--break-on", metavar="OP", action="append", default=[],
                   help="break at steps of this op (e.g. Conv2d); repeatable. The terminal view opens at the first "
                        "one; the text listing shows only those steps")
    p.add_argument("--text", action="store_true", help="print the steps as text even on a terminal")
    p.add_argument("--notation", choices=("code", "lecture"), default="code",
                   help="lecture: call the tensors u_r, z_r, W_r, b_r, E and the gradients δ_r = ∂E/∂u_r as the "
                        "lecture does, each with its name in the code")
    p.add_argument("--expand-composites", metavar="NAMES", nargs="?", const="all",
                   help="step through compositions (cross_entropy, linear, batch_norm, …) primitive by primitive "
                        "instead of as one step each: all of them, or the comma-separated names given")
    p.add_argument("--timeout", type=float, default=120.0, metavar="SECONDS",
                   help="stop the --script, and the graph's layout for --html, after this many seconds each "
                        "(default 120)")
    p.set_defaults(run=run)
    return p


def text_listing(steps: Any, only_breaks: bool) -> str:
    """Every step (or only those hitting a breakpoint) as the text `str(step)` gives, one block each."""
    chosen = [s for s in steps if not only_breaks or any(p.hits(s) for p in steps.breakpoints)]
    head = f"backward pass of {steps.label(steps.root)}: {len(steps)} steps"
    if only_breaks:
        head += f", {len(chosen)} at breakpoints ({'; '.join(str(p) for p in steps.breakpoints)})"
    if getattr(steps, "notation", "code") == "lecture":
        from ..viz.notation import LEGEND

        head += "\n" + LEGEND
    return "\n\n".join([head] + [str(s) for s in chosen])


def run(args: argparse.Namespace) -> int:
    """Record the backward pass and show it as the options ask; 0 on success, 1 when the user's script fails,
    2 on a usage error."""
    from . import steps as record

    try:
        if args.tensor and not args.script:
            raise ValueError("step --tensor goes with --script PATH")
        if args.timeout <= 0:
            raise ValueError(f"--timeout must be a positive number of seconds, got {args.timeout:g}")
        if args.script:
            root, names, variables = script_tensor("step", args.script, args.tensor, args.timeout)
        else:
            (root, names), variables = zoo_loss(args.model or "lenet5"), {}
        recorded = record(root, names=names, variables=variables,
                          expand_composites=expand_spec(args.expand_composites), notation=args.notation)
        for op in args.break_on:
            recorded.break_on(op=op)
    except ScriptError as err:
        print(err.report.rstrip("\n"), file=sys.stderr)
        return 1
    except (ValueError, RuntimeError, TypeError) as err:
        print(f"tinygrad-edu step: {err}", file=sys.stderr)
        return 2
    if args.html:
        from .html import write_html

        path = write_html(recorded, args.html, names=names, timeout=args.timeout)
        print(f"wrote {path} ({len(recorded)} steps): open it in a browser, ←/→ step")
        return 0
    if args.text or not (sys.stdout.isatty() and sys.stdin.isatty()):
        print(text_listing(recorded, only_breaks=bool(args.break_on)))
        return 0
    from .terminal import run as show

    if recorded.breakpoints:
        recorded.continue_()
    show(recorded)
    return 0
