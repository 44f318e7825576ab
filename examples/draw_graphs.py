"""Draw two pictures for a slide: LeNet-5's computation graph after one backward pass, and the lecture's
coupling picture (seed 000 §4.1.1: a 4×4 input, a 2×2 kernel J_αβ, stride 2 — 16 couplings).

Run: python examples/draw_graphs.py [OUT_DIR]     (default ./out; SVG, or DOT source without a renderer)
"""
import sys
from pathlib import Path

import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.nn.models import LeNet5
from tinygrad_edu.viz import draw, render
from tinygrad_edu.viz.lecture import conv_coupling_example

out = Path(sys.argv[1] if len(sys.argv) > 1 else "out")

# 1. LeNet-5 on a batch of two random 32×32 images, cross-entropy, backward (graph kept for drawing).
tg.manual_seed(0)
model = LeNet5()
images = tg.randn(2, 1, 32, 32)
images.name = "images"
loss = F.cross_entropy(model(images), np.array([3, 7]))
loss.name = "loss"
loss.backward(retain_graph=True)

# Every op, one cluster per layer, gradients on the edges, the path from C1's kernel to the loss in red.
print(render(draw(loss, names=model, grads=True, highlight=(model.c1.weight, loss)), out / "lenet5.svg"))
# The same graph with every layer collapsed to one node: the architecture at a glance.
print(render(draw(loss, names=model, collapse=True), out / "lenet5-layers.svg"))

# 2. u = conv2d(x, J, stride=2) on symbols, one node per element, one edge per ∂u_IJ/∂x_ij ≠ 0.
u, x, kernel = conv_coupling_example()
print(render(draw(u, expand=True), out / "conv-coupling.svg"))
