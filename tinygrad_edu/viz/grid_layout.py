"""Where the expanded (scalar) view puts each element: every tensor as its own geometry — a 4×4 input as a 4×4
grid, a vector as a column, channels side by side — tensors in levels along the flow (inputs first), a level
holding one tensor stretched to the figure's height so a 2×2 output sits against the 2×2 blocks it reads, as
the lecture draws the coupling figure (seed 000 §4.1.1). Positions are pinned (Graphviz neato, `pos="x,y!"`),
so the picture is the same in every run and with every renderer."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

NODE_H = 0.32
"""Inches: an element's node holds one line of text; a second line (its value) adds LINE_H."""
LINE_H = 0.2
SPACE = 0.4
"""Inches between two neighbouring elements' nodes: room for an edge to pass between them."""
GAP = 2.3
"""Inches between two levels: room for the edge labels."""
STACK_GAP = 0.9
"""Inches between two tensors of one level (their titles sit in it)."""
MAX_STRETCH = 3.0


def grid_shape(shape: Sequence[int]) -> tuple[int, int, int]:
    """(blocks, rows, cols): the non-singleton axes as a grid — none: 1×1, one: a column, two: rows × cols, more:
    the leading ones flattened into blocks (channels) drawn side by side."""
    core = [int(s) for s in shape if s != 1]
    if not core:
        return 1, 1, 1
    if len(core) == 1:
        return 1, core[0], 1
    return int(np.prod(core[:-2], dtype=np.int64)), core[-2], core[-1]


def cell_of(shape: Sequence[int], flat: int) -> tuple[int, int, int]:
    """(block, row, col) of the element at flat (row-major) index `flat`."""
    blocks, rows, cols = grid_shape(shape)
    block, rest = divmod(flat, rows * cols)
    row, col = divmod(rest, cols)
    return block, row, col


@dataclass
class Box:
    """One tensor's grid: its cell pitch, size and top-left corner (inches, y down)."""

    blocks: int
    rows: int
    cols: int
    pitch_x: float
    pitch_y: float
    x: float = 0.0
    y: float = 0.0

    @property
    def block_width(self) -> float:
        return self.cols * self.pitch_x

    @property
    def width(self) -> float:
        return self.blocks * self.block_width + (self.blocks - 1) * 0.5 * self.pitch_x

    @property
    def height(self) -> float:
        return self.rows * self.pitch_y

    def element(self, shape: Sequence[int], flat: int) -> tuple[float, float]:
        """The centre of an element's cell."""
        block, row, col = cell_of(shape, flat)
        left = self.x + block * (self.block_width + 0.5 * self.pitch_x)
        return left + (col + 0.5) * self.pitch_x, self.y + (row + 0.5) * self.pitch_y


@dataclass
class GridLayout:
    """Boxes per drawn tensor (by its number), the figure's extent, and the gaps between levels."""

    boxes: dict[int, Box] = field(default_factory=dict)
    gaps: list[tuple[float, float]] = field(default_factory=list)
    top: float = 0.0
    bottom: float = 0.0


def layout(shapes: Sequence[Sequence[int]], levels: Sequence[int], cell_w: float, cell_h: float,
           flow: str = "LR") -> GridLayout:
    """Boxes for tensors of these shapes at these levels (0 = inputs): levels left to right (`flow="LR"`) or top to
    bottom ("TB"), the tensors of a level stacked across the flow, a lone tensor stretched to the tallest one."""
    count = max(levels, default=-1) + 1
    members: list[list[int]] = [[] for _ in range(count)]
    for n, level in enumerate(levels):
        members[level].append(n)
    natural = [Box(*grid_shape(s), cell_w, cell_h) for s in shapes]
    across = (lambda b: b.height) if flow == "LR" else (lambda b: b.width)
    tallest = max((across(b) for b in natural), default=cell_h)
    placed = GridLayout()
    along = 0.0
    for level, group in enumerate(members):
        boxes = [natural[n] for n in group]
        if len(boxes) == 1 and across(boxes[0]) > 0:
            factor = min(MAX_STRETCH, tallest / across(boxes[0]))
            boxes[0].pitch_x *= factor
            boxes[0].pitch_y *= factor
        extent = sum(across(b) for b in boxes) + STACK_GAP * (len(boxes) - 1)
        offset = -extent / 2
        depth = max(((b.width if flow == "LR" else b.height) for b in boxes), default=0.0)
        for n, box in zip(group, boxes):
            if flow == "LR":
                box.x, box.y = along + (depth - box.width) / 2, offset
            else:
                box.x, box.y = offset, along + (depth - box.height) / 2
            offset += across(box) + STACK_GAP
            placed.boxes[n] = box
        if level + 1 < count:
            placed.gaps.append((along + depth, along + depth + GAP))
        along += depth + GAP
    ys = [b.y for b in placed.boxes.values()] + [b.y + b.height for b in placed.boxes.values()]
    placed.top, placed.bottom = min(ys, default=0.0), max(ys, default=0.0)
    return placed


def pin(x: float, y: float) -> str:
    """A Graphviz `pos` pinning a node at (x, y) inches, y measured downwards here (Graphviz's y points up)."""
    return f"{x:.3f},{-y:.3f}!"
