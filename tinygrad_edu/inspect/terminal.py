"""The terminal stepper on a real terminal: curses (standard library, works over ssh) draws `tui.Stepper`'s
frames in colour and feeds it the keys."""
from __future__ import annotations

import locale
from typing import Any

from .steps import Steps
from .tui import Stepper


def run(steps: Steps) -> None:
    """Show the stepper full-screen on the terminal until the user presses q (needs a TTY)."""
    import curses

    locale.setlocale(locale.LC_ALL, "")
    encoding = locale.getpreferredencoding(False)
    stepper = Stepper(steps, ascii_only="utf" not in encoding.lower().replace("-", ""))
    curses.wrapper(_loop, stepper, encoding)


def _loop(screen: Any, stepper: Stepper, encoding: str) -> None:
    import curses

    styles = _styles(curses)
    curses.curs_set(0)
    screen.keypad(True)
    while not stepper.done:
        height, width = screen.getmaxyx()
        screen.erase()
        for y, line in enumerate(stepper.frame(width, height)):
            x = 0
            for text, style in line:
                text = text.encode(encoding, "replace").decode(encoding)
                if y == height - 1 and x + len(text) >= width:
                    text = text[:max(width - 1 - x, 0)]
                try:
                    screen.addstr(y, x, text, styles.get(style, 0))
                except curses.error:
                    pass
                x += len(text)
        screen.refresh()
        stepper.press(screen.getkey())


def _styles(curses: Any) -> dict[str, int]:
    """Curses attributes for each style name; colour when the terminal has it, bold/dim/reverse otherwise."""
    styles = {"title": curses.A_REVERSE, "bold": curses.A_BOLD, "dim": curses.A_DIM, "current": curses.A_REVERSE,
              "break": curses.A_BOLD, "warn": curses.A_BOLD, "key": curses.A_REVERSE, "rule": curses.A_BOLD}
    if not curses.has_colors():
        return styles
    curses.start_color()
    curses.use_default_colors()
    for pair, colour in enumerate((curses.COLOR_RED, curses.COLOR_BLUE, curses.COLOR_YELLOW, curses.COLOR_GREEN,
                                   curses.COLOR_MAGENTA, curses.COLOR_CYAN), start=1):
        curses.init_pair(pair, colour, -1)
    red, blue, yellow, green, magenta, cyan = (curses.color_pair(i) for i in range(1, 7))
    styles.update({"break": red | curses.A_BOLD, "warn": yellow | curses.A_BOLD, "rule": magenta | curses.A_BOLD,
                   "heat0": curses.A_DIM, "heat5": yellow | curses.A_BOLD})
    for level in range(1, 5):
        weight = curses.A_DIM if level == 1 else (curses.A_BOLD if level == 4 else 0)
        styles[f"heat{level}"] = red | weight
        styles[f"heat{-level}"] = blue | weight
    styles["title"] = cyan | curses.A_REVERSE | curses.A_BOLD
    styles["current"] = green | curses.A_REVERSE | curses.A_BOLD
    return styles
