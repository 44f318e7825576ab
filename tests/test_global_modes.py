"""global_modes.py: inference_mode as torch's (context, decorator, no graph, is_inference_mode_enabled,
Tensor.is_inference, inference_mode(False) inside it), use_deterministic_algorithms' flag, and the BLAS thread
count (threadpoolctl when importable, os.cpu_count() otherwise; set_num_threads refuses without it)."""
import os
import sys
import threading
import types

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import global_modes

pytestmark = pytest.mark.torch


def test_inference_mode_is_torchs(torch):
    for m in (tg, torch):
        w = m.ones(2, requires_grad=True)
        with m.inference_mode():
            y = w * 2
            assert m.is_inference_mode_enabled() and not m.is_grad_enabled()
            assert not y.requires_grad and y.is_inference() and m.zeros(1).is_inference()
            with m.inference_mode(False):
                assert not m.is_inference_mode_enabled() and m.is_grad_enabled()
                assert not m.ones(1).is_inference() and (w * 2).requires_grad
            assert m.is_inference_mode_enabled()
        assert not m.is_inference_mode_enabled() and m.is_grad_enabled()
        assert y.is_inference() and not w.is_inference() and not (w * 2).is_inference()


def test_inference_mode_false_turns_grad_on_even_inside_no_grad(torch):
    for m in (tg, torch):
        with m.no_grad():
            with m.inference_mode(False):
                assert m.is_grad_enabled()
            assert not m.is_grad_enabled()


def test_inference_mode_decorates_and_restores_after_an_exception(torch):
    for m in (tg, torch):
        @m.inference_mode()
        def f(x):
            return m.is_inference_mode_enabled(), (x * 2).requires_grad

        assert f(m.ones(1, requires_grad=True)) == (True, False) and f.__name__ == "f"

        @m.inference_mode
        def bare():
            return m.is_inference_mode_enabled()

        assert bare() and bare.__name__ == "bare"
        with pytest.raises(ZeroDivisionError):
            with m.inference_mode():
                1 / 0
        assert not m.is_inference_mode_enabled() and m.is_grad_enabled()


def test_inference_mode_costs_nothing_outside_it():
    """The marking constructors are installed only while a block is open."""
    plain = tg.Tensor.__dict__["_make"], tg.Tensor.__init__
    with tg.inference_mode():
        assert tg.Tensor.__init__ is not plain[1]
        with tg.inference_mode():
            pass
        assert tg.Tensor.__init__ is not plain[1]
    assert (tg.Tensor.__dict__["_make"], tg.Tensor.__init__) == plain


def test_inference_mode_is_thread_local():
    seen = {}
    inside, done = threading.Event(), threading.Event()

    def other():
        inside.wait()
        seen["enabled"] = tg.is_inference_mode_enabled()
        seen["tensor"] = tg.ones(1).is_inference()
        done.set()

    worker = threading.Thread(target=other)
    worker.start()
    with tg.inference_mode():
        inside.set()
        done.wait(5)
    worker.join()
    assert seen == {"enabled": False, "tensor": False}


def test_inference_mode_refuses_a_non_bool(torch):
    with pytest.raises(TypeError, match="inference_mode: argument 'mode' must be bool"):
        tg.inference_mode(1)


def test_deterministic_flag_is_stored_as_torchs(torch):
    try:
        for m in (tg, torch):
            assert not m.are_deterministic_algorithms_enabled()
            m.use_deterministic_algorithms(True, warn_only=True)
            assert m.are_deterministic_algorithms_enabled() and m.is_deterministic_algorithms_warn_only_enabled()
            m.use_deterministic_algorithms(False)
            assert not m.are_deterministic_algorithms_enabled()
            assert not m.is_deterministic_algorithms_warn_only_enabled()
            for bad in (lambda: m.use_deterministic_algorithms(1),
                        lambda: m.use_deterministic_algorithms(True, warn_only=1)):
                with pytest.raises(TypeError):
                    bad()
    finally:
        tg.use_deterministic_algorithms(False)
        torch.use_deterministic_algorithms(False)


def test_get_num_threads_is_the_cpu_count_without_threadpoolctl(monkeypatch):
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)  # import fails
    assert tg.get_num_threads() == os.cpu_count()
    with pytest.raises(RuntimeError, match="set_num_threads: needs threadpoolctl"):
        tg.set_num_threads(1)


def _fake_threadpoolctl(threads):
    calls = []
    module = types.ModuleType("threadpoolctl")
    module.threadpool_info = lambda: [{"user_api": "blas", "num_threads": threads[0]},
                                      {"user_api": "openmp", "num_threads": 99}]

    def threadpool_limits(limits, user_api):
        calls.append((limits, user_api))
        threads[0] = limits
        return object()

    module.threadpool_limits = threadpool_limits
    return module, calls


def test_threadpoolctl_is_read_and_used_when_importable(monkeypatch):
    threads = [3]
    module, calls = _fake_threadpoolctl(threads)
    monkeypatch.setitem(sys.modules, "threadpoolctl", module)
    monkeypatch.setattr(global_modes, "_limits", [])
    assert tg.get_num_threads() == 3
    tg.set_num_threads(2)
    assert calls == [(2, "blas")] and tg.get_num_threads() == 2


@pytest.mark.parametrize("bad, error", [(0, ValueError), (-2, ValueError), (1.5, TypeError), (True, TypeError)])
def test_set_num_threads_refuses_bad_counts(torch, bad, error):
    if isinstance(bad, int) and not isinstance(bad, bool):
        with pytest.raises(RuntimeError):
            torch.set_num_threads(bad)
    with pytest.raises(error, match="set_num_threads"):
        tg.set_num_threads(bad)
    with pytest.raises(RuntimeError, match="set_num_threads"):  # torch's class for every bad count
        tg.set_num_threads(bad)


def test_num_threads_is_a_positive_int():
    n = tg.get_num_threads()
    assert isinstance(n, int) and n >= 1
    np.ones((4, 4)) @ np.ones((4, 4))
