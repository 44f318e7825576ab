"""Where in the user's code an op was recorded: the line's text, and the chain of user frames (library,
standard-library and installed-package frames left out) that anomaly reports print."""
from __future__ import annotations

import linecache
import os
import sys
import sysconfig
from dataclasses import dataclass
from typing import Optional

from ..autograd import is_engine_file, is_example_file

_LIBRARY_DIRS = tuple(sorted({os.path.abspath(p) + os.sep for key in ("stdlib", "platstdlib", "purelib", "platlib")
                              if (p := sysconfig.get_paths().get(key))}))


@dataclass(frozen=True)
class Frame:
    """One frame of the user's code: file, line, function."""

    filename: str
    line: int
    function: str

    @property
    def text(self) -> Optional[str]:
        return source_line((self.filename, self.line))

    def __str__(self) -> str:
        code = f"\n    {self.text}" if self.text else ""
        return f'  File "{self.filename}", line {self.line}, in {self.function}{code}'


def source_line(site: Optional[tuple[str, int]]) -> Optional[str]:
    """The text of a file's line, stripped (None if the file cannot be read)."""
    if site is None:
        return None
    text = linecache.getline(site[0], site[1]).strip()
    return text or None


def is_user_file(filename: str) -> bool:
    """Not the engine itself, not the standard library, not an installed package, not frozen/bootstrap code."""
    if filename.startswith("<") and filename not in ("<stdin>", "<string>"):
        return False
    path = os.path.abspath(filename)
    return is_example_file(path) or not (is_engine_file(path) or path.startswith(_LIBRARY_DIRS))


def user_frames(limit: int = 8) -> tuple[Frame, ...]:
    """The innermost `limit` user frames of the current call stack, outermost first."""
    found: list[Frame] = []
    frame = sys._getframe(1)
    while frame is not None and len(found) < limit:
        code = frame.f_code
        if is_user_file(code.co_filename):
            found.append(Frame(code.co_filename, frame.f_lineno, code.co_name))
        frame = frame.f_back
    return tuple(reversed(found))
