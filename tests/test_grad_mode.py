"""grad_mode.py: no_grad, enable_grad, set_grad_enabled (thread-local, as contexts and decorators)."""
import threading

import tinygrad_edu as tg


def test_no_grad_records_nothing_and_enable_grad_reenables():
    x = tg.randn(2, requires_grad=True)
    with tg.no_grad():
        y = x * 2
        with tg.enable_grad():
            z = x * 2
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad and z.grad_fn is not None


def test_no_grad_works_as_a_decorator():
    @tg.no_grad()
    def f(x):
        return x * 2

    assert not f(tg.randn(2, requires_grad=True)).requires_grad


def test_grad_mode_is_thread_local():
    seen = {}

    def other_thread():
        seen["enabled"] = tg.is_grad_enabled()

    with tg.no_grad():
        t = threading.Thread(target=other_thread)
        t.start()
        t.join()
        assert not tg.is_grad_enabled()
    assert seen["enabled"] is True
