"""bounded: a time limit for SymPy work that holds on any thread (a forked worker, killed when time is up)."""
import threading
import time

import pytest
import sympy

from tinygrad_edu.symbolic.bounded import TIMED_OUT, WorkerError, bounded


def slow(seconds):
    time.sleep(seconds)
    return "done"


def test_a_quick_job_returns_its_result_through_the_worker():
    x = sympy.Symbol("x")
    assert bounded(sympy.expand, ((x + 1) ** 2,), 5) == x ** 2 + 2 * x + 1


def test_a_slow_job_times_out_on_time():
    start = time.perf_counter()
    assert bounded(slow, (30,), 0.5) is TIMED_OUT
    assert time.perf_counter() - start < 3


def test_the_limit_holds_off_the_main_thread():
    outcome = {}

    def run():
        start = time.perf_counter()
        outcome["value"] = bounded(slow, (30,), 0.5)
        outcome["seconds"] = time.perf_counter() - start

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(10)
    assert outcome["value"] is TIMED_OUT and outcome["seconds"] < 3


def test_an_error_in_the_job_is_raised_with_its_traceback():
    with pytest.raises(WorkerError, match="ZeroDivisionError"):
        bounded(lambda: 1 / 0, (), 5)


def test_no_limit_runs_inline():
    assert bounded(slow, (0,), None) == "done"
