"""The terminal stepper's state and picture: where we are in the backward pass, the rule, the gradients as
grids, and what each key does. Frames are (text, style) lines, so they are tested without a terminal;
`terminal.run` draws them with curses."""
from __future__ import annotations

import textwrap
from typing import Any, Optional

import numpy as np

from ..viz.labels import shape_text
from .formulas import formula_lines
from .slices import GridSlice, grid_slice, levels
from .steps import Step, Steps

Segment = tuple[str, str]
Line = list[Segment]

FOOTER = ("n/→ next  p/← prev  g goto  Home/End  b break on op  c/r next/prev break  f first NaN  [ ] slice  "
          "e explain  q quit")
FOOTER_ASCII = ("n/> next  p/< prev  g goto  Home/End  b break on op  c/r next/prev break  f first NaN  [ ] slice  "
                "e explain  q quit")
FOOTERS = (FOOTER, "n/→ next  p/← prev  g goto  Home/End  b break  c/r breaks  f NaN  [ ] slice  e explain  q quit",
           "n/→ next  p/← prev  g goto  b break  c/r breaks  f NaN  [ ] slice  e explain  q quit",
           "n/→ next  p/← prev  g goto  b break  c/r breaks  e explain  q quit",
           "n/→ next  p/← prev  g goto  b break  c/r breaks  q quit", "n next  p prev  g goto  q quit", "n p g q")
"""The key line, longest first: the frame shows the longest that fits, so "q quit" is always on screen."""
CELLS = {0: "··", 1: "░░", 2: "▒▒", 3: "▓▓", 4: "██", 5: "!!"}
CELLS_ASCII = {0: "..", 1: "--", 2: "==", 3: "##", 4: "@@", 5: "!!"}
LEGEND = "grid: ░▒▓█ = |δ| up to the grid's max (red > 0, blue < 0), ·· = 0, !! = NaN/Inf"
LEGEND_ASCII = "grid: - = # @ = |d| up to the grid's max (red > 0, blue < 0), .. = 0, !! = NaN/Inf"
MAX_GRID = 16


class Stepper:
    """What the screen shows and how keys change it. Keys are curses key names ("n", "KEY_RIGHT", "\\n")."""

    def __init__(self, steps: Steps, ascii_only: bool = False) -> None:
        if len(steps) == 0:
            raise ValueError("tui.Stepper: the backward pass has no steps (the tensor was not made by any op)")
        self.steps = steps
        self.ascii_only = ascii_only
        self.slice = 0
        self.message = ""
        self.typing: Optional[str] = None
        self.typing_for = "goto"
        self.explanation: Optional[str] = None
        self.done = False
        if steps.position < 0:
            steps.goto(0)

    @property
    def step(self) -> Step:
        current = self.steps.current
        assert current is not None
        return current

    # ---- keys -----------------------------------------------------------------------------------
    def press(self, key: str) -> None:
        """Apply one key press."""
        self.message = ""
        if self.typing is not None:
            text = self._edit(key, " ,:-" if self.typing_for == "explain" else "")
            if text is not None:
                self._explain(text) if self.typing_for == "explain" else self._goto(text)
            return
        self.explanation = None
        action = _ACTIONS.get(key)
        if action is not None:
            action(self)
        elif key != "KEY_RESIZE":
            self.message = f"key {key!r} does nothing here; the keys are listed below"

    def _edit(self, key: str, also: str) -> Optional[str]:
        """One key of the line being typed (digits and the characters in `also`): the finished text on Enter,
        else None (Backspace edits, Esc cancels, any other key says what to type)."""
        assert self.typing is not None
        if len(key) == 1 and (key.isdigit() or key in also):
            self.typing += key
        elif key in ("KEY_BACKSPACE", "\x7f", "\b"):
            self.typing = self.typing[:-1]
        elif key == "\x1b":
            self.typing = None
        elif key in ("\n", "\r", "KEY_ENTER"):
            text, self.typing = self.typing, None
            return text
        elif self.typing_for == "explain":
            self.message = f"explain: type the entry's indices then Enter (Esc cancels), not {key!r}"
        else:
            self.message = f"goto: type digits then Enter (Esc cancels), not {key!r}"
        return None

    def _goto(self, text: str) -> None:
        if not text:
            self.message = "goto: no step number typed"
            return
        number, total = int(text), len(self.steps)
        if 1 <= number <= total:
            self.steps.goto(number - 1)
        else:
            self.message = f"goto: there is no step {number}; the steps are 1 to {total}"

    def next(self) -> None:
        if self.steps.next() is None:
            self.message = f"at the last step ({len(self.steps)}): the backward pass ends here"

    def prev(self) -> None:
        if self.steps.position <= 0:
            self.message = "at the first step: the backward pass starts here"
        else:
            self.steps.prev()

    def first(self) -> None:
        self.steps.goto(0)

    def last(self) -> None:
        self.steps.goto(len(self.steps) - 1)

    def start_goto(self) -> None:
        self.typing, self.typing_for = "", "goto"

    def start_explain(self) -> None:
        if not any(g is not None for g in self.step.grads_in):
            self.message = f"explain: step {self.step.index + 1} ({self.step.op}) hands no gradient to any input"
            return
        self.typing, self.typing_for = "", "explain"

    def _explain(self, text: str) -> None:
        """Explain the entry typed as its indices ("0 0 3 4" or "0,0,3,4"), after "k:" for input number k (default:
        the first input that gets a gradient)."""
        head, _, tail = text.rpartition(":")
        try:
            k = int(head) if head.strip() else None
            index = tuple(int(part) for part in tail.replace(",", " ").split())
        except ValueError:
            self.message = f"explain: {text!r} is not indices such as 0 0 3 4 (or 1: 0 2 for input 1)"
            return
        try:
            self.explanation = str(self.step.explain(index, input=k))
        except (IndexError, ValueError) as err:
            self.message = f"explain: {err}"

    def toggle_breakpoint(self) -> None:
        op = self.step.op
        found = [p for p in self.steps.breakpoints if p.op == op and p.module is None and p.condition is None]
        if found:
            for point in found:
                self.steps.remove_breakpoint(point)
            self.message = f"breakpoint on {op} removed"
        else:
            self.steps.break_on(op=op)
            self.message = f"breakpoint on {op} set: c / r jump to the next / previous {op}"

    def forward_to_break(self) -> None:
        if not self.steps.breakpoints:
            self.message = "no breakpoints: press b on a step to break on its op"
        elif self.steps.continue_() is None:
            self.message = "no later step hits a breakpoint"

    def back_to_break(self) -> None:
        if not self.steps.breakpoints:
            self.message = "no breakpoints: press b on a step to break on its op"
        elif self.steps.reverse_continue() is None:
            self.message = "no earlier step hits a breakpoint"

    def first_nonfinite(self) -> None:
        bad = self.steps.first_nonfinite()
        if bad is None:
            self.message = "no NaN or Inf anywhere in this backward pass"
        else:
            self.steps.goto(bad.index)
            self.message = f"first NaN/Inf: step {bad.index + 1} ({bad.op})"

    def next_slice(self) -> None:
        self.slice += 1

    def prev_slice(self) -> None:
        self.slice = max(self.slice - 1, 0)

    def quit(self) -> None:
        self.done = True

    # ---- the picture ----------------------------------------------------------------------------
    def frame(self, width: int, height: int) -> list[Line]:
        """The screen as `height` lines of (text, style) segments, each line exactly `width` characters."""
        if width < 40 or height < 10:
            return [_fit([("too small: need 40×10", "warn")], width)] + \
                   [[(" " * width, "")] for _ in range(height - 1)]
        body = height - 3
        left = max(24, min(40, width // 3))
        right = width - left - 1
        lines = [_fit([(self._header(width), "title")], width)]
        if self.explanation is not None:  # the sum takes the whole width
            shown = self._explanation_lines(width, body)
            lines += [_fit(shown[row] if row < len(shown) else [], width) for row in range(body)]
        else:
            position = self._position_lines(left, body)
            detail = self._detail_lines(right, body)
            for row in range(body):
                segs = position[row] if row < len(position) else []
                segs2 = detail[row] if row < len(detail) else []
                lines.append(_fit(segs, left) + [("|" if self.ascii_only else "│", "dim")] + _fit(segs2, right))
        prompt = self.message
        if self.typing is not None:
            shapes = " ".join(f"{k}:{shape_text(g.shape)}"
                              for k, g in enumerate(self.step.grads_in) if g is not None)
            prompt = f"goto step: {self.typing}_  (Enter jumps, Esc cancels)" if self.typing_for == "goto" else \
                f"explain entry [input:] indices: {self.typing}_  (inputs {shapes}; Enter, Esc cancels)"
        lines.append(_fit([(prompt, "warn" if self.typing is None else "bold")], width))
        lines.append(_fit([(self._footer(width), "key")], width))
        return lines

    def _footer(self, width: int) -> str:
        """The longest key line that fits `width` (ASCII arrows in ASCII mode)."""
        for text in FOOTERS:
            text = text.replace("→", ">").replace("←", "<") if self.ascii_only else text
            if len(text) <= width:
                return text
        return FOOTERS[-1]

    def text(self, width: int = 120, height: int = 40) -> str:
        """The frame as plain text (what capture-pane shows without colours)."""
        return "\n".join("".join(text for text, _ in line).rstrip() for line in self.frame(width, height))

    def _header(self, width: int) -> str:
        """Where we are first ("step 15 of 28", counted 1…N), then what is stepped and the breakpoints, parts
        dropped from the end rather than cut when the terminal is narrow."""
        root = self.steps.root
        shape = "×".join(str(n) for n in root.shape) or "scalar"
        points = "; ".join(str(p) for p in self.steps.breakpoints) or "no breakpoints"
        bar = " | " if self.ascii_only else " │ "
        parts = [f" step {self.steps.position + 1} of {len(self.steps)}: {self.step.op}",
                 f"backward of {self.steps.label(root)} ({shape})", points, "tinygrad-edu step"]
        while len(parts) > 1 and len(bar.join(parts)) > width:
            parts.pop()
        return bar.join(parts)

    def _position_lines(self, width: int, height: int) -> list[Line]:
        n = len(self.steps)
        pos = self.steps.position
        start = min(max(pos - height // 2, 0), max(n - height, 0))
        lines = []
        for step in self.steps[start:start + height]:
            here = step.index == pos
            stop = any(p.hits(step) for p in self.steps.breakpoints)
            marker = (">" if self.ascii_only else "▶") if here else " "
            dot = ("*" if self.ascii_only else "●") if stop else " "
            where = step.module or ""
            bad = " !" if step.has_nonfinite else ""
            lines.append([(marker, "current" if here else ""), (dot, "break"),
                          (f"{step.index + 1:>3} {step.op:<12} {where}{bad}", "current" if here else "")])
        return lines

    def _detail_lines(self, width: int, height: int) -> list[Line]:
        step = self.step
        scope = " › ".join(step.module_path) if not self.ascii_only else " > ".join(step.module_path)
        lines: list[Line] = [[(step.op, "bold"), (f" in {scope}" if scope else " (outside any module)", ""),
                              (f"   at {step.where()}", "dim")]]
        if step.source_line:
            lines.append([(f"  {step.source_line}", "dim")])
        rule = step.rule_unicode or "(no rule stated for this op)"
        wrapped = textwrap.wrap("rule: " + rule, width=max(width - 1, 20), subsequent_indent="      ")
        lines.extend([[(part, "rule")] for part in wrapped])
        lines.append([])
        arrives = [(f"{step.grad_name} arrives at ", ""), (step.output_name, "bold")]
        lines.extend(_wrap_stats(arrives, str(step.stats_out), "", width))
        lines.extend([(text, "")] for text in formula_lines(step.grad_out, step.grad_name, "    ", 4, width - 1))
        for name, stats, grad in zip(step.input_names, step.stats_in, step.grads_in):
            text = str(stats) if stats is not None else "no gradient (needs none)"
            style = "warn" if stats is not None and stats.nonfinite else ""
            lines.extend(_wrap_stats([("  → ", ""), (name, "bold")], text, style, width))
            lines.extend([(text, "")] for text in formula_lines(grad, "", "      ", 4, width - 1))
        lines.append([])
        grids = [(f"{step.grad_name} at {step.output_name}", step.grad_out)]
        grids += [(f"→ {name}", g) for name, g in zip(step.input_names, step.grads_in) if g is not None]
        lines.extend(self._grid_band(grids, width, height - len(lines) - 1))
        lines.append([(LEGEND_ASCII if self.ascii_only else LEGEND, "dim")])
        return lines

    def _explanation_lines(self, width: int, height: int) -> list[Line]:
        """Step.explain of the typed entry in place of the step's detail (any key returns to it)."""
        assert self.explanation is not None
        lines: list[Line] = []
        for k, text in enumerate(self.explanation.splitlines()):
            indent = "      " if text.startswith("  ") else "    "
            parts = textwrap.wrap(text, width=max(width - 1, 20), subsequent_indent=indent) or [""]
            lines.extend([[(part, "rule" if k == 0 else "")] for part in parts])
        if len(lines) > height - 1:
            lines = lines[:height - 2] + [[("… (Step.explain in Python shows all of it)", "dim")]]
        return lines + [[("any key returns to the step", "dim")]]

    def _grid_band(self, grids: list[tuple[str, np.ndarray]], width: int, room: int) -> list[Line]:
        """The gradients' grids side by side (wrapping to a second band when needed), within `room` lines."""
        bands: list[list[Line]] = []
        band: list[Line] = []
        used = 0
        rows_left = room
        for title, array in grids:
            block = self._block(title, array, width, rows_left)
            if block is None:
                continue
            if band and used + _width(block) > width:
                bands.append(band)
                rows_left -= len(band)
                band, used = [], 0
                block = self._block(title, array, width, rows_left)
                if block is None:
                    break
            band = _beside(band, block, used)
            used += _width(block)
        if band:
            bands.append(band)
        return [line for b in bands for line in b][:max(room, 0)]

    def _block(self, title: str, array: np.ndarray, width: int, rows_left: int) -> Optional[list[Line]]:
        """One gradient's grid (title, slice line, cells) fitting `rows_left` lines, or None (no room, symbolic)."""
        if rows_left < 3:
            return None
        window = grid_slice(array, self.slice, min(MAX_GRID, rows_left - 2), min(MAX_GRID, max((width - 2) // 2, 1)))
        return None if window is None else _grid_block(title, window, CELLS_ASCII if self.ascii_only else CELLS)


def _width(block: list[Line]) -> int:
    """Columns a grid block takes, with two of space after it."""
    return max(sum(len(text) for text, _ in line) for line in block) + 2


def _grid_block(title: str, window: GridSlice, cells: dict[int, str]) -> list[Line]:
    where = f"{window.label} {window.number + 1}/{window.count}" if window.count > 1 else window.label
    cut = " (cut)" if window.truncated else ""
    lines: list[Line] = [[(title, "bold")], [(f"{where}{cut} max|δ| {window.scale:.3g}", "dim")]]
    level = levels(window)
    total = window.rows * window.cols
    for r in range(window.rows):
        row: Line = []
        for c in range(window.cols):
            if r * window.cols + c >= total - window.pad:
                row.append(("  ", ""))
            else:
                v = int(level[r, c])
                row.append((cells[abs(v)], f"heat{v}"))
        lines.append(row)
    return lines


def _beside(band: list[Line], block: list[Line], offset: int) -> list[Line]:
    """Put `block` to the right of `band`, whose blocks so far take `offset` columns."""
    merged = []
    for i in range(max(len(band), len(block))):
        left = band[i] if i < len(band) else []
        left = _fit(left, offset) if offset else []
        right = block[i] if i < len(block) else []
        merged.append(left + right)
    return merged


def _wrap_stats(head: Line, text: str, style: str, width: int, indent: str = "      ") -> list[Line]:
    """`head` then the statistics `text` (fields apart by two spaces), wrapped between fields so that a narrow
    pane loses no field (zeros=… last of all: the dead-ReLU share)."""
    lines: list[Line] = []
    line, used = list(head), sum(len(t) for t, _ in head)
    for n, part in enumerate(p for p in text.split("  ") if p):
        piece = ("   " if n == 0 else "  ") + part
        if used + len(piece) > width and used > len(indent):
            lines.append(line)
            line, used, piece = [(indent, "")], len(indent), part
        line.append((piece, style))
        used += len(piece)
    lines.append(line)
    return lines


def _fit(line: Line, width: int) -> Line:
    """Cut or pad the segments to exactly `width` characters."""
    out: Line = []
    used = 0
    for text, style in line:
        if used >= width:
            break
        piece = text[:width - used]
        out.append((piece, style))
        used += len(piece)
    if used < width:
        out.append((" " * (width - used), ""))
    return out


_ACTIONS: dict[str, Any] = {
    "n": Stepper.next, " ": Stepper.next, "j": Stepper.next, "KEY_RIGHT": Stepper.next, "KEY_DOWN": Stepper.next,
    "p": Stepper.prev, "k": Stepper.prev, "KEY_LEFT": Stepper.prev, "KEY_UP": Stepper.prev,
    "KEY_HOME": Stepper.first, "KEY_END": Stepper.last, "g": Stepper.start_goto, "e": Stepper.start_explain,
    "b": Stepper.toggle_breakpoint,
    "c": Stepper.forward_to_break, "r": Stepper.back_to_break, "f": Stepper.first_nonfinite,
    "]": Stepper.next_slice, "[": Stepper.prev_slice, "q": Stepper.quit,
}
