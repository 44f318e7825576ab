"""Vanishing gradients, measured: an 8-layer sigmoid MLP against the same stack with ReLU, on random
digits-like data (8×8 images, 10 classes). Both use He initialisation, so only the activation differs.
σ'(u) ≤ 1/4 shrinks δ at every layer on its way back (δ_r = ⟨W_{r+1}, δ_{r+1}⟩ ∇f(u_r)), so the first
layer's gradient is orders of magnitude below the last's; ReLU passes δ through unchanged where u > 0.

Run: python examples/gradient_flow.py [--steps 20] [--plot gradient_flow.png]
"""
from __future__ import annotations

import argparse
import math
from typing import Optional

import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import nn, optim
from tinygrad_edu.inspect import GradientFlow

ACTIVATIONS = {"sigmoid": nn.Sigmoid, "relu": nn.ReLU}


def deep_mlp(activation: str, depth: int = 8, width: int = 32, inputs: int = 64, classes: int = 10) -> nn.Sequential:
    """`depth` Linear layers with the activation between them; weights N(0, 2/fan_in) (He), biases 0."""
    layers: list[nn.Module] = []
    fan = inputs
    for _ in range(depth - 1):
        layers += [nn.Linear(fan, width), ACTIVATIONS[activation]()]
        fan = width
    layers.append(nn.Linear(fan, classes))
    model = nn.Sequential(*layers)
    for layer in model:
        if isinstance(layer, nn.Linear):
            nn.init.normal_(layer.weight, 0.0, math.sqrt(2.0 / layer.in_features))
            nn.init.zeros_(layer.bias)
    return model


def digits_like(n: int, seed: int) -> tuple[tg.Tensor, np.ndarray]:
    """n random 8×8 'images' flattened to 64 intensities in [0, 1], and random labels 0..9."""
    rng = np.random.default_rng(seed)
    return tg.Tensor(rng.uniform(0.0, 1.0, (n, 64)).astype(np.float32)), rng.integers(0, 10, n)


def train(activation: str, steps: int = 20, seed: int = 0, depth: int = 8) -> GradientFlow:
    """SGD on one fixed batch, recording every parameter's gradient norm before each step."""
    tg.manual_seed(seed)
    model = deep_mlp(activation, depth)
    images, labels = digits_like(128, seed)
    optimizer = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    flow = GradientFlow(model)
    with flow.track(optimizer):
        for _ in range(steps):
            optimizer.zero_grad()
            F.cross_entropy(model(images), labels).backward()
            optimizer.step()
    return flow


def first_and_last_weights(flow: GradientFlow) -> tuple[str, str]:
    weights = [name for name in flow.names if name.endswith("weight")]
    return weights[0], weights[-1]


def main(steps: int = 20, plot: Optional[str] = None) -> dict[str, float]:
    ratios = {}
    for activation in ACTIVATIONS:
        flow = train(activation, steps)
        first, last = first_and_last_weights(flow)
        ratios[activation] = flow.ratio(first, last, index=0)
        print(f"\n== {activation}: 8 layers, gradient norms at the first step ==")
        print(flow.table(index=0))
        print(f"‖∂L/∂{last}‖ / ‖∂L/∂{first}‖ = {ratios[activation]:.3g} at the first step, "
              f"{flow.ratio(first, last):.3g} after {steps} steps")
        if plot:
            path = plot.replace(".png", f"_{activation}.png") if plot.endswith(".png") else f"{plot}_{activation}.png"
            try:
                print("plot:", flow.plot(path, index=0, title=f"8-layer {activation} MLP"))
            except ImportError as err:
                print(err)
    print(f"\nthe sigmoid stack's first layer gets {ratios['sigmoid']:.0f}× less gradient than its last; "
          f"with ReLU the factor is {ratios['relu']:.2g}")
    return ratios


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--plot", metavar="PNG", help="also write one plot per activation (needs matplotlib)")
    options = parser.parse_args()
    main(options.steps, options.plot)
