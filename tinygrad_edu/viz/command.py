"""`tinygrad-edu graph`: draw a zoo model's graph (forward, loss, backward), a tensor from your own script,
or the lecture's 4×4 / 2×2 / stride-2 coupling picture, and write it as SVG, PNG, PDF or DOT."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Optional

from ..demos import MODELS, zoo_loss
from .labels import shape_text
from .script import ScriptError, script_tensor

FORMATS = ("svg", "png", "pdf", "dot")


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the `graph` subcommand on an argparse subparsers object (its handler is in `run`)."""
    p = subparsers.add_parser("graph", help="draw the computation graph of a model, a script's tensor, or the "
                                            "lecture's coupling picture")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--model", choices=MODELS, help="a zoo model: forward on a random batch, loss, backward")
    source.add_argument("--script", metavar="PATH", help="run this Python file and draw its tensor --tensor")
    source.add_argument("--expand-conv-example", action="store_true",
                        help="the lecture's 4×4 input, 2×2 kernel, stride 2: 4 outputs, 16 couplings J_αβ")
    p.add_argument("--tensor", metavar="NAME", help="with --script: the global variable holding the tensor")
    p.add_argument("--level", choices=("tensor", "scalar"),
                   help="tensor (default): one node per tensor and op; scalar: one node per element — the whole graph "
                        "when every tensor has at most --max-elements elements, else a slice (see --slice)")
    p.add_argument("--slice", metavar="SLICE",
                   help="NAME[i, j, a:b, ...], with --level scalar (implied): draw only what these elements of tensor "
                        "NAME depend on, their receptive field back to the inputs, e.g. 'c1.out[0, 0, 0:4, 0:4]' (batch item 0, channel 0, "
                        "rows 0-3, cols 0-3); NumPy basic indexing, one integer or a:b range per axis, axes left out "
                        "taken whole; NAME as the picture titles tensors (c1.out, input, conv2d, ...; with --notation "
                        "lecture also u₁ or u1, z₂ or z2, ...). Default: the "
                        "deepest tensor whose slice fits --max-elements and --max-nodes, said on stdout and in the "
                        "caption")
    p.add_argument("--grads", action="store_true",
                   help="show gradient summaries and weigh edges by |gradient| (a scalar-level slice: each element's "
                        "gradient, from one backward pass)")
    p.add_argument("--values", action="store_true", help="show value summaries (and small heat maps)")
    p.add_argument("--rules", action="store_true", help="write each op's local derivative rule under its name")
    p.add_argument("--notation", choices=("code", "lecture"), default="code",
                   help="lecture: call the tensors u_r, z_r, W_r, b_r, E as the lecture does (layer r reads z_r, "
                        "u_r = W_r z_r + b_r, z_{r+1} = f(u_r)), each with its name in the code; on a scalar-level "
                        "slice its elements too (u₁[0,0,3,4], and W₁[…] on the edges)")
    p.add_argument("--expand-composites", metavar="NAMES", nargs="?", const="all",
                   help="draw compositions (cross_entropy, linear, batch_norm, …) as their primitives instead of one "
                        "node each: all of them, or the comma-separated names given"),
    p.add_argument("--collapse", metavar="NAMES",
                   help="comma-separated module names or classes to draw as one node; 'all' or 'none' "
                        "(default: collapse automatically past --max-nodes)")
    p.add_argument("--max-nodes", type=int, default=150,
                   help="tensor level: auto-collapse threshold; scalar level: the most elements a slice may draw in "
                        "all (default 150)")
    p.add_argument("--max-elements", type=int, default=64, metavar="N",
                   help="with --level scalar: the most elements drawn of one tensor (default 64)")
    p.add_argument("--timeout", type=float, default=120.0, metavar="SECONDS",
                   help="stop the --script, and the layout, after this many seconds each (default 120)")
    p.add_argument("--format", choices=FORMATS, help="output format (default: from -o's suffix, else svg)")
    p.add_argument("-o", "--output", metavar="PATH", help="where to write (default: ./<model or tensor>.<format>)")
    p.set_defaults(run=run)
    return p


def _collapse(text: Optional[str]) -> Any:
    if text is None:
        return None
    if text.strip().lower() == "all":
        return True
    if text.strip().lower() == "none":
        return False
    return [part.strip() for part in text.split(",") if part.strip()]


def expand_spec(text: Optional[str]) -> Any:
    """--expand-composites: absent → none, bare or 'all' → every composition, else the names listed."""
    if text is None:
        return False
    if text.strip().lower() == "all":
        return True
    return [part.strip() for part in text.split(",") if part.strip()]


def run(args: argparse.Namespace) -> int:
    """Build the graph the options ask for, draw it and write it; 0 on success, 1 when the user's script fails
    or the graph is too big to lay out, 2 on a usage error (a bad --slice, a slice over the limits)."""
    from . import draw, render
    from .lecture import CAPTION, conv_coupling_example
    from .rendering import LayoutError
    from .slice_view import SliceTooLarge

    try:
        if args.timeout <= 0:
            raise ValueError(f"--timeout must be a positive number of seconds, got {args.timeout:g}")
        if args.slice is not None and args.level == "tensor":
            raise ValueError("--slice draws elements, so it needs --level scalar (it implies it), not --level tensor")
        expand = args.level == "scalar" or args.slice is not None
        variables: Any = {}
        caption = None
        if args.expand_conv_example:
            caption = CAPTION
            root, names, stem, expand = conv_coupling_example()[0], None, "conv-coupling", True
        elif args.model:
            root, names = zoo_loss(args.model)
            stem = args.model
        else:
            root, names, variables = script_tensor("graph", args.script, args.tensor, args.timeout)
            stem = args.tensor
        show = ("name", "shape", "dtype", "rule") if args.rules else ("name", "shape", "dtype")
        if expand:
            graph = _scalar(args, root, names, variables, caption)
        else:
            graph = draw(root, show=show, values=args.values, grads=args.grads, collapse=_collapse(args.collapse),
                         names=names, max_nodes=args.max_nodes, variables=variables,
                         expand_composites=expand_spec(args.expand_composites), notation=args.notation,
                         caption=caption)
    except SliceTooLarge as err:
        print(_too_large(err), file=sys.stderr)
        return 2
    except ScriptError as err:
        print(err.report.rstrip("\n"), file=sys.stderr)
        return 1
    except ValueError as err:
        print(f"tinygrad-edu graph: {err}", file=sys.stderr)
        return 2
    suffix = Path(args.output).suffix.lstrip(".") if args.output else ""
    fmt = args.format or (suffix if suffix in FORMATS else "svg")
    try:
        result = render(graph, args.output or f"{stem}.{fmt}", fmt, timeout=args.timeout)
    except LayoutError as err:
        print(f"tinygrad-edu graph: {err}", file=sys.stderr)
        return 1
    print(result.message)
    return 0


def _scalar(args: argparse.Namespace, root: Any, names: Any, variables: Any, caption: Optional[str]) -> Any:
    """The scalar view, as viz.draw(level="scalar") draws it: the whole graph when it is small enough and no --slice is
    given, else the slice asked for or one chosen automatically; the slice drawn is said on stdout (and in the
    caption)."""
    import warnings

    from . import draw
    from .slice_view import AutomaticSlice

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AutomaticSlice)  # said below, in the command line's words
        view = draw(root, level="scalar", slice=args.slice, values=args.values, grads=args.grads, names=names,
                    variables=variables, max_elements=args.max_elements, max_nodes=args.max_nodes,
                    notation=args.notation, caption=caption)
    if view.selection is None:
        return view
    if view.chosen:
        err = view.too_large
        how = (f"chosen automatically, since {err.what} ({shape_text(err.shape)}) has {err.count} elements, "
               f"more than --max-elements {err.limit}; pick another with --slice NAME[i, j, a:b, …]")
    else:
        how = "as --slice asked"
    elements, couplings = view.element_count, view.coupling_count
    print(f"slice: {view.selection.text} — {view.selection.describe()}; {elements} element{'s' * (elements != 1)}, "
          f"{couplings} coupling{'s' * (couplings != 1)} ({how})")
    return view


def _too_large(err: Any) -> str:
    """The refusal of a slice over the limits: what it needs, which limit, and the ways out."""
    limit = f"--max-elements {err.limit}" if err.what == "max_elements" else f"--max-nodes {err.limit}"
    scope = f"of {err.tensor} ({shape_text(err.shape)})" if err.what == "max_elements" else "in all"
    lead = ("no slice of this graph is small enough to draw: even the smallest, " if err.auto else "the slice ")
    one = f"{err.selection.name}[{', '.join(['0'] * len(err.selection.shape))}]"
    fewer = "" if err.auto or err.selection.count == 1 else f" (one element: {one})"
    needs = ("selects" if err.tensor == err.selection.name and err.found == err.selection.count
             else "depends on at least")
    return (f"tinygrad-edu graph --level scalar: {lead}{err.selection.text} ({err.selection.describe()}), {needs} "
            f"{err.found} elements {scope}, more than {limit}. The scalar view draws one node per element: "
            f"choose fewer output elements or a tensor nearer the input with --slice NAME[i, j, a:b, …]{fewer}, raise "
            "--max-elements / --max-nodes, or draw --level tensor")
