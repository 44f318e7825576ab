"""The `tinygrad-edu` command line: one subcommand per job (demo, train, graph, verify, step). Each job's
module registers its own subcommand with `add_parser(subparsers)`; this file only gathers them."""
from __future__ import annotations

import argparse
import importlib
import sys
from typing import Optional, Sequence

from . import __version__

_COMMAND_MODULES = (".train", ".viz.command", ".symbolic.command", ".inspect.command", ".export.command")


def _demo(args: argparse.Namespace) -> int:
    from .demo import run

    run()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tinygrad-edu", description="See and check how convolutional networks learn.")
    parser.add_argument("--version", action="version", version=f"tinygrad-edu {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser("demo", help="a symbolic gradient checked exactly, then an MLP trained on numbers")
    demo.set_defaults(run=_demo)
    for module in _COMMAND_MODULES:
        importlib.import_module(module, __package__).add_parser(commands)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
