"""What a sliced scalar view writes on its nodes and edges: each element by its tensor's name (the code's c1.out, or
the lecture's u₁ with notation="lecture") and its true index, its value and its gradient δ; each coupling as the
weight entry it is (c1.weight[0,0,2,3] = 0.12, or W₁[0,0,2,3] = 0.12) or as its number."""
from __future__ import annotations

from typing import Optional

import numpy as np

from ..tensor import Tensor
from . import labels
from .edge_weights import WeightEntry
from .graph_walk import GraphData, gradients
from .notation import LEGEND, check_notation, lecture_names


_PLAIN_DIGITS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")


def index_text(name: str, shape: tuple[int, ...], flat: int) -> str:
    """`c1.out[0,0,3,4]`: a name and the true (0-based) index of the flat entry; a scalar is its name alone."""
    if not shape:
        return name
    return f"{name}[{','.join(str(int(i)) for i in np.unravel_index(flat, shape))}]"


def element_symbol(symbol: str) -> str:
    """The lecture symbol an element is indexed on: `u₂` for `u₂ = z₃` (a pooling output is both), `(u₁ − b₁)`."""
    symbol = symbol.split(" = ")[0]
    return f"({symbol})" if " " in symbol else symbol


class Speller:
    """Names the picture's elements and couplings in one notation, with values and gradients as asked; `names`
    maps tensor id → its name in the code (the names --slice takes)."""

    def __init__(self, graph: GraphData, names: dict[int, str], notation: str = "code", grads: bool = False) -> None:
        check_notation(notation, "viz scalar view")
        self.graph, self.names, self.notation, self.wants_grads = graph, names, notation, grads
        lecture = lecture_names(graph.root, graph.tensors) if notation == "lecture" else None
        self.symbols = lecture.symbols if lecture else {}
        self.deltas = lecture.deltas if lecture else {}
        self._grads: Optional[dict[int, np.ndarray]] = None

    @property
    def grads(self) -> Optional[dict[int, np.ndarray]]:
        """Tensor id → its gradient from one backward pass of the root (run on first use); None when not asked."""
        if self.wants_grads and self._grads is None:
            self._grads = gradients(self.graph).tensors
        return self._grads

    def aliases(self) -> dict[str, str]:
        """In lecture notation, what a slice may call a tensor instead of its code name: `u₁` and `u1` → `c1.out`
        (the symbols its elements are labelled with; a symbol two tensors share is left out)."""
        found: dict[str, list[str]] = {}
        for key, symbol in self.symbols.items():
            if key in self.names:
                base = element_symbol(symbol)
                for alias in {base, base.translate(_PLAIN_DIGITS)}:
                    found.setdefault(alias, []).append(self.names[key])
        return {alias: names[0] for alias, names in found.items() if len(set(names)) == 1}

    def base(self, t: Tensor) -> str:
        """What an element of `t` is called before its index: the lecture's symbol when it has one, else the code's."""
        symbol = self.symbols.get(id(t))
        return element_symbol(symbol) if symbol else self.names[id(t)]

    def title(self, t: Tensor) -> str:
        """A tensor's heading: `c1.out = Add(…)`, in lecture notation `u₁: c1.out = Add(…)`."""
        name = self.names[id(t)]
        head = f"{name} = {t._ctx.name}(…)" if t._ctx is not None else name
        symbol = self.symbols.get(id(t))
        return f"{symbol}: {head}" if symbol else head

    def element(self, t: Tensor, flat: int, values: bool) -> str:
        """An element's label: its name and true index, then its value and its gradient when asked."""
        lines = [index_text(self.base(t), t.shape, flat)]
        if values:
            lines.append(labels.number(t.data.flat[flat]))
        if self.grads is not None:
            g = self.gradient(t, flat)
            if g is not None:
                lines.append(f"{self.deltas.get(id(t), 'δ')} {labels.number(g)}")
        return "\n".join(lines)

    def gradient(self, t: Tensor, flat: int) -> Optional[float]:
        """∂root/∂ this element from the view's one backward pass; None when `t` has none (it needs no gradient)."""
        if self.grads is None or id(t) not in self.grads:
            return None
        return float(self.grads[id(t)].flat[flat])

    def weight(self, entry: WeightEntry) -> str:
        """`c1.weight[0,0,2,3]`, in lecture notation `W₁[0,0,2,3]`."""
        return index_text(self.base(entry.weight), entry.weight.shape, entry.index)

    def edge(self, value: float, entry: Optional[WeightEntry]) -> str:
        """A coupling's label: `c1.weight[0,0,2,3] = 0.12` when it is that weight entry, else the number."""
        return labels.number(value) if entry is None else f"{self.weight(entry)} = {labels.number(value)}"

    def weight_name(self, w: Tensor, drawn: str) -> str:
        """A weight in the caption: its drawn part (`c1.weight[0, 0, 0:5, 0:5]`), led by its lecture symbol."""
        symbol = self.symbols.get(id(w))
        return f"{symbol} = {drawn}" if symbol else drawn

    def caption(self, drawn: list[Tensor]) -> list[str]:
        """Lines saying what the notation and the gradients are."""
        lines = []
        if self.notation == "lecture":
            lines.append(f"{LEGEND}; indices 0-based, in the code's axis order (NCHW)")
        if self.grads is not None:
            root = self.names.get(id(self.graph.root), "the output")
            whole = "" if self.graph.root.numel() == 1 else f" (the sum of its {self.graph.root.numel()} elements)"
            what = "δ_r = ∂E/∂u_r, ∂E/∂z_r" if self.notation == "lecture" else f"δ = ∂{root}/∂element"
            lines.append(f"gradients {what}: one backward pass of {root}{whole}; edges weighted by |δ_out · ∂out/∂in|")
            off = [self.names[id(t)] for t in drawn if id(t) not in self.grads and not t.requires_grad]
            freed = [self.names[id(t)] for t in drawn if id(t) not in self.grads and t.requires_grad]
            if off:
                lines.append(f"no gradient at {', '.join(off)}: requires_grad is off there")
            if freed:
                lines.append(f"no gradient at {', '.join(freed)}: the graph's saved values were freed (run "
                             "backward(retain_graph=True), or draw before backward)")
        return lines
