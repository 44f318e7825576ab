"""Where the user's code is: which files belong to the engine, and the (file, line) of the user's code that is
running now (recorded on every node, so that errors and views can point at the line that made an op)."""
from __future__ import annotations

import os
import sys
from typing import Any, Optional

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
_EXAMPLE_CODE = tuple(os.path.join(_PACKAGE_DIR, *p) for p in (("nn", "models.py"), ("demos.py",)))


def is_example_file(filename: str) -> bool:
    """The model zoo and the command line's demos: example code, written like a user's script, so their
    lines count as user code (a zoo model's ops point at its forward)."""
    return filename.startswith(_EXAMPLE_CODE)


def is_engine_file(filename: str) -> bool:
    """A file of the engine itself (tinygrad_edu, its example code excepted)."""
    return filename.startswith(_PACKAGE_DIR) and not is_example_file(filename)


def _user_site() -> Optional[tuple[str, int]]:
    """Where the user's code recorded the op now being applied: the innermost frame outside the engine
    (is_engine_file, decided once per file). This runs once per op: a cache by (code, instruction) spares
    reading the line number (a walk of the code's line table) and keeps one site tuple per line, not per node."""
    frame = sys._getframe(2)
    while frame is not None:
        code = frame.f_code
        user = _FILE_IS_USER.get(code.co_filename)
        if user is None:
            user = _FILE_IS_USER[code.co_filename] = not is_engine_file(code.co_filename)
        if user:
            hit = _SITES.get((id(code), frame.f_lasti))
            return hit[1] if hit is not None else _new_site(code, frame)
        frame = frame.f_back
    return None


def _new_site(code: Any, frame: Any) -> tuple[str, int]:
    site = (code.co_filename, frame.f_lineno)
    if len(_SITES) >= _SITES_MAX:
        _SITES.clear()
    _SITES[id(code), frame.f_lasti] = (code, site)  # holds the code object: its id names no other while cached
    return site


_FILE_IS_USER: dict[str, bool] = {}
_SITES: dict[tuple[int, int], tuple[Any, tuple[str, int]]] = {}
_SITES_MAX = 4096


def user_site() -> Optional[tuple[str, int]]:
    """(file, line) of the user's code now running (the innermost frame outside the engine)."""
    return _user_site()
