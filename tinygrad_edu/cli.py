"""The `tinygrad-edu` command line: one subcommand per job (demo, train, graph, verify, step). Each job's
module registers its own subcommand with `add_parser(subparsers)`; this file only gathers them."""
from __future__ import annotations

import argparse
import importlib
import sys
from typing import Optional, Sequence

from . import __version__

_COMMAND_MODULES = (".viz.command", ".symbolic.command", ".inspect.command")


def _demo(args: argparse.Namespace) -> int:
    from .demo import run

    run()
    return 0


def _train(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .train import plot_history, train_digits

    model, history = train_digits(epochs=args.epochs, batch_size=args.batch_size, lr=args.lr, seed=args.seed,
                                  augment=not args.no_augment, progress=not args.quiet)
    print(f"held-out accuracy {history.test_accuracy[-1]:.2%} after {args.epochs} epochs in {history.seconds:.1f} s")
    if args.save:
        model.save(args.save)
        print(f"weights saved to {args.save}")
    if args.plot:
        written = plot_history(history, Path(args.plot))
        print(f"plot saved to {written}" if written else "plot skipped: pip install 'tinygrad_edu[plot]' for matplotlib")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tinygrad-edu", description="See and check how convolutional networks learn.")
    parser.add_argument("--version", action="version", version=f"tinygrad-edu {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser("demo", help="a symbolic gradient checked exactly, then an MLP trained on numbers")
    demo.set_defaults(run=_demo)
    train = commands.add_parser("train", help="train a LeNet-style CNN on the 8×8 handwritten digits")
    train.add_argument("--epochs", type=int, default=25)
    train.add_argument("--batch-size", type=int, default=32)
    train.add_argument("--lr", type=float, default=3e-3)
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--no-augment", action="store_true", help="no random one-pixel shifts")
    train.add_argument("--save", metavar="PATH", help="write the trained weights as .npz")
    train.add_argument("--plot", metavar="PNG", help="write loss and accuracy curves (needs matplotlib)")
    train.add_argument("--quiet", action="store_true", help="no progress bar")
    train.set_defaults(run=_train)
    for module in _COMMAND_MODULES:
        try:
            importlib.import_module(module, __package__).add_parser(commands)
        except ModuleNotFoundError as err:
            if not err.name or not err.name.startswith("tinygrad_edu"):
                raise
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
