"""How long a ResNet-style graph of a few hundred nodes takes to draw and render (issue 5: "in a few seconds").

Six ResidualBlocks (8 channels, 6×6 input): ~450 nodes, collapsed by default to ~60. Prints seconds for
draw() alone and for draw + SVG layout, with every installed renderer, collapsed and fully expanded.

Run: python benchmarks/bench_viz.py [BLOCKS]   (default 6)
"""
from __future__ import annotations

import sys
import time

import tinygrad_edu as tg
from tinygrad_edu.nn import Sequential
from tinygrad_edu.nn.models import ResidualBlock
from tinygrad_edu.viz import draw, rendering


def stacked_resnet(blocks: int, channels: int = 8) -> tuple[tg.Tensor, Sequential]:
    """The loss of `blocks` residual blocks on one random image, after backward (gradients on the edges)."""
    tg.manual_seed(0)
    net = Sequential(*[ResidualBlock(channels) for _ in range(blocks)])
    loss = net(tg.randn(1, channels, 6, 6)).sum()
    loss.backward(retain_graph=True)
    return loss, net


def seconds(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def render_with(renderer: rendering.Renderer, graph) -> None:
    """Lay `graph` out to SVG with this renderer only."""
    everyone = rendering.renderers
    rendering.renderers = lambda: [renderer]
    try:
        rendering.pipe(graph, "svg")
    finally:
        rendering.renderers = everyone


def main(blocks: int) -> None:
    loss, net = stacked_resnet(blocks)
    full = draw(loss, names=net, grads=True, collapse=False).node_count
    installed = rendering.renderers()
    if not installed:
        print(rendering.HINT)
    for collapse in (None, False):
        kind = "collapsed (default)" if collapse is None else "expanded"
        view = draw(loss, names=net, grads=True, collapse=collapse)
        t_draw = seconds(lambda: draw(loss, names=net, grads=True, collapse=collapse))
        print(f"{blocks} blocks, {full} nodes in all, {kind}: {view.node_count} nodes drawn, draw() {t_draw:.3f} s")
        for renderer in installed:
            took = seconds(lambda: render_with(renderer, draw(loss, names=net, grads=True, collapse=collapse)))
            print(f"    draw + SVG by {renderer.name}: {took:.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 6)
