"""Running the user's own script for `graph --script` and `step --script`: as `python script.py` would (its
folder on sys.path, `__name__ == "__main__"`), within a time limit, and when it raises, its own traceback
(the frames from the script down, none of ours) so the user fixes their code rather than our options."""
from __future__ import annotations

import builtins
import os
import signal
import sys
import threading
import traceback
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Iterator, Optional


class ScriptError(Exception):
    """The user's script failed (raised, or ran out of time); `report` is what to print: their traceback."""

    def __init__(self, report: str) -> None:
        super().__init__(report)
        self.report = report


class _OutOfTime(BaseException):
    """Raised inside the script by the timer (a BaseException, so the script's `except Exception` lets it by)."""


@contextmanager
def _time_limit(seconds: Optional[float]) -> Iterator[bool]:
    """Interrupt the block after `seconds` (SIGALRM; yields False where that is unavailable: not the main
    thread, or Windows)."""
    usable = bool(seconds) and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield False
        return

    def expire(signum: int, frame: Any) -> None:
        raise _OutOfTime()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, float(seconds))  # type: ignore[arg-type]
    try:
        yield True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _user_traceback(tb: Optional[TracebackType]) -> Optional[TracebackType]:
    """The traceback from the script's own frame down (this file's frames dropped)."""
    here = os.path.abspath(__file__)
    while tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename) == here:
        tb = tb.tb_next
    return tb


def _last_line(tb: Optional[TracebackType], path: str) -> str:
    """"line 12: while True: ..." for the script's innermost frame in `tb` (where it was when stopped)."""
    found = ""
    for frame, line in traceback.walk_tb(tb):
        if os.path.abspath(frame.f_code.co_filename) == os.path.abspath(path):
            text = traceback.FrameSummary(path, line, frame.f_code.co_name).line or ""
            found = f" (it was at line {line}: {text.strip()})" if text else f" (it was at line {line})"
    return found


def run_script(command: str, path: Optional[str], timeout: Optional[float] = None) -> dict[str, Any]:
    """Run the file at `path` as a main program and return its globals. Raises ValueError when there is no
    such file, ScriptError (with the script's traceback) when it raises or runs over `timeout` seconds."""
    if not path or not Path(path).is_file():
        raise ValueError(f"{command} --script: {path} is not a file")
    source = Path(path).read_bytes()
    try:
        code = compile(source, path, "exec")
    except SyntaxError as err:
        raise ScriptError("".join(traceback.format_exception_only(type(err), err))) from None
    namespace: dict[str, Any] = {"__name__": "__main__", "__file__": path, "__builtins__": builtins,
                                 "__package__": None, "__spec__": None}
    folder = str(Path(path).resolve().parent)
    saved_argv, saved_path = sys.argv, list(sys.path)
    sys.argv = [path]
    sys.path.insert(0, folder)
    try:
        with _time_limit(timeout):
            exec(code, namespace)
    except _OutOfTime as err:
        where = _last_line(err.__traceback__, path)
        raise ScriptError(f"{command} --script: {path} did not finish within {timeout:g} s{where}; make it do "
                          f"less (a smaller batch, fewer steps) or give it longer with --timeout SECONDS") from None
    except SystemExit as err:
        if err.code not in (None, 0):
            raise ScriptError(f"{command} --script: {path} exited with status {err.code!r}") from None
    except Exception as err:  # noqa: BLE001 - the user's own error, shown as Python would show it
        tb = _user_traceback(err.__traceback__)
        report = "".join(traceback.format_exception(type(err), err, tb))
        raise ScriptError(report) from None
    finally:
        sys.argv = saved_argv
        sys.path[:] = saved_path
    return namespace


def script_tensor(command: str, path: Optional[str], name: Optional[str],
                  timeout: Optional[float] = None) -> tuple[Any, Any, dict[str, Any]]:
    """(tensor, module or None, variables): run the user's script and take its global tensor `name`, the
    script's one Module if it has exactly one (it names the parameters), and its globals (they name the
    tensors: the script's `x`, `w`, `loss`). Errors name `command` and what is missing."""
    from ..nn import Module
    from ..tensor import Tensor

    if not name:
        raise ValueError(f"{command} --script needs --tensor NAME (the global variable holding the tensor)")
    found = run_script(command, path, timeout)
    if name not in found or not isinstance(found[name], Tensor):
        tensors = sorted(k for k, v in found.items() if isinstance(v, Tensor) and not k.startswith("_"))
        raise ValueError(f"{command} --script: {path} defines no global tensor {name!r}; its tensors are {tensors}")
    modules = [v for v in found.values() if isinstance(v, Module)]
    return found[name], (modules[0] if len(modules) == 1 else None), found
