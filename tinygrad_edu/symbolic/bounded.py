"""Run a slow SymPy job with a time limit that works from any thread: the job runs in a forked worker process,
which is killed when the time is up (SymPy's simplify cannot be interrupted from inside, and signal.alarm only
works on the main thread). Without fork (Windows, macOS spawn) the job runs inline, unbounded."""
from __future__ import annotations

import multiprocessing
import traceback
from typing import Any, Callable, Optional

TIMED_OUT = object()
"""What `bounded` returns when the job did not finish in time."""


class WorkerError(RuntimeError):
    """The job raised inside the worker; the message carries the worker's traceback."""


def _child(job: Callable[..., Any], args: tuple, connection: Any) -> None:
    try:
        result = (True, job(*args))
    except BaseException:  # reported to the parent, which raises it there
        result = (False, traceback.format_exc())
    try:
        connection.send(result)
    except Exception:  # an unpicklable result: report why instead
        connection.send((False, traceback.format_exc()))
    connection.close()


def _fork_context() -> Optional[Any]:
    try:
        return multiprocessing.get_context("fork")
    except ValueError:
        return None


def bounded(job: Callable[..., Any], args: tuple = (), seconds: Optional[float] = None) -> Any:
    """`job(*args)` if it finishes within `seconds` (None: no limit, run inline), else TIMED_OUT. The arguments
    reach the forked worker without pickling; the result comes back pickled."""
    context = _fork_context() if seconds is not None else None
    if context is None:
        return job(*args)
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(target=_child, args=(job, args, sender), daemon=True)
    worker.start()
    sender.close()
    try:
        if not receiver.poll(max(seconds, 0.0)):
            return TIMED_OUT
        try:
            ok, value = receiver.recv()
        except EOFError:
            raise WorkerError("the worker process died without a result") from None
        if not ok:
            raise WorkerError(value)
        return value
    finally:
        receiver.close()
        if worker.is_alive():
            worker.kill()
        worker.join()
