"""The look of the drawings in one place: node styles per role, cluster tints, gradient edge colours."""
from __future__ import annotations

import math

FONT = "Helvetica"
GRAPH = {"fontname": FONT, "fontsize": "10", "nodesep": "0.25", "ranksep": "0.35"}
NODE = {"fontname": FONT, "fontsize": "10"}
EDGE = {"fontname": FONT, "fontsize": "9", "color": "#555555", "arrowsize": "0.7"}

ROLE = {
    "op": {"shape": "ellipse", "style": "filled", "fillcolor": "#e3ecfa", "color": "#4a6fa5"},
    "activation": {"shape": "box", "style": "filled", "fillcolor": "#ffffff", "color": "#444444"},
    "input": {"shape": "box", "style": "filled", "fillcolor": "#eeeeee", "color": "#444444"},
    "output": {"shape": "box", "style": "filled,bold", "fillcolor": "#d9f2d9", "color": "#2e7d32", "penwidth": "2"},
    "parameter": {"shape": "cylinder", "style": "filled", "fillcolor": "#fde9b3", "color": "#b58105"},
    "constant": {"shape": "plaintext", "fontsize": "9", "fontcolor": "#555555"},
    "module": {"shape": "box3d", "style": "filled", "fillcolor": "#e6f4ea", "color": "#2e7d32"},
    "composite": {"shape": "ellipse", "style": "filled", "fillcolor": "#d6e2f5", "color": "#4a6fa5",
                  "peripheries": "2"},
}
COMPOSITE_CLUSTER = {"style": "rounded,dashed", "color": "#4a6fa5"}
"""An expanded composition (draw(..., expand_composites=True)): a dashed frame around its primitives."""
PARAMETER_EDGE = {"color": "#b58105"}
HIGHLIGHT_NODE = {"color": "#d62728", "penwidth": "2.5"}
HIGHLIGHT_EDGE = {"color": "#d62728", "penwidth": "3"}
CLUSTER_TINTS = ("#f8f9fb", "#eef2f7", "#e4eaf2", "#dae2ed")


def cluster_style(depth: int) -> dict[str, str]:
    return {"style": "rounded,filled", "color": "#8a94a6", "fillcolor": CLUSTER_TINTS[min(depth, len(CLUSTER_TINTS) - 1)],
            "labeljust": "l", "fontsize": "10", "fontname": FONT}


def gradient_edge(size: float, smallest: float, largest: float) -> dict[str, str]:
    """Width and colour for an edge carrying a gradient of norm `size`: log-scaled between the graph's
    smallest and largest non-zero norms, grey and thin to red and thick; zero gradients dotted."""
    if size <= 0:
        return {"style": "dotted", "color": "#9e9e9e"}
    span = math.log(largest) - math.log(smallest) if largest > smallest else 0.0
    r = (math.log(size) - math.log(smallest)) / span if span else 1.0
    grey, red = (158, 158, 158), (215, 48, 31)
    rgb = [round(g + (d - g) * r) for g, d in zip(grey, red)]
    return {"penwidth": f"{1 + 3 * r:.2f}", "color": "#{:02x}{:02x}{:02x}".format(*rgb)}
