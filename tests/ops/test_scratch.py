"""ops/scratch.py: buffers reused across kernel calls, never shared between two arrays in use."""
import json
import os
import platform
import subprocess
import sys
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinygrad_edu.ops import scratch
from tinygrad_edu.ops.scratch import Workspace

LENT_FROM = scratch.MIN_BYTES  # the library's limit (tests/ops/conftest.py lends everything to the kernels' tests)
BIG = LENT_FROM // 4  # float32 entries of the smallest pooled array


@pytest.fixture(autouse=True)
def empty_pool():
    saved = scratch.MIN_BYTES
    scratch.MIN_BYTES = LENT_FROM
    scratch.release()
    yield
    scratch.release()
    scratch.MIN_BYTES = saved


def test_a_returned_buffer_is_lent_again_for_the_same_size():
    with Workspace() as ws:
        first = ws.empty((BIG,), np.float32)
        address = first.__array_interface__["data"][0]
    assert scratch.cached_bytes() == first.nbytes
    with Workspace() as ws:
        again = ws.empty((2, BIG // 2), np.float32)
        assert again.__array_interface__["data"][0] == address and again.shape == (2, BIG // 2)
        assert scratch.cached_bytes() == 0


def test_zeros_are_zero_after_a_dirty_use():
    with Workspace() as ws:
        ws.empty((BIG,), np.float32).fill(np.nan)
    with Workspace() as ws:
        assert not ws.zeros((BIG,), np.float32).any()


def test_small_and_object_arrays_are_not_kept():
    with Workspace() as ws:
        ws.empty((10,), np.float32)
        ws.empty((BIG,), object)
    assert scratch.cached_bytes() == 0


def test_an_exception_returns_the_buffers():
    with pytest.raises(ZeroDivisionError):
        with Workspace() as ws:
            ws.empty((BIG,), np.float64)
            1 / 0
    assert scratch.cached_bytes() == BIG * 8


def test_the_pool_is_bounded_and_drops_the_least_recently_returned_first(monkeypatch):
    unit = BIG * 4
    monkeypatch.setattr(scratch, "MAX_BYTES", 5 * unit)
    kept = []
    for n in range(1, 6):
        with Workspace() as ws:
            ws.empty((BIG * n,), np.float32)
        kept.append(sorted(b.nbytes for b in scratch._pool.free))
        assert scratch.cached_bytes() <= scratch.MAX_BYTES
    assert kept == [[unit], [unit, 2 * unit], [2 * unit, 3 * unit], [4 * unit], [5 * unit]]


def test_a_smaller_array_takes_the_front_of_the_most_recent_buffer_at_most_twice_its_size():
    with Workspace() as ws:
        old = ws.empty((BIG * 3,), np.float32).__array_interface__["data"][0]
        recent = ws.empty((BIG * 9 // 4,), np.float32).__array_interface__["data"][0]
    with Workspace() as ws:
        assert ws.empty((BIG * 3 // 2,), np.float32).__array_interface__["data"][0] == recent
        assert ws.empty((BIG,), np.float64).__array_interface__["data"][0] == old  # 8·BIG of 12·BIG bytes
    with Workspace() as ws:
        ws.empty((BIG * 3,), np.float32)
    with Workspace() as ws:  # 4·BIG bytes is less than half of either buffer (9·BIG, 12·BIG): a new one
        assert ws.empty((BIG,), np.float32).__array_interface__["data"][0] not in (old, recent)
    assert scratch.cached_bytes() == (12 + 9 + 4) * BIG


def test_threads_keep_their_own_buffers():
    with Workspace() as ws:
        mine = ws.empty((BIG,), np.float32).__array_interface__["data"][0]
    seen = []

    def other() -> None:
        with Workspace() as w:
            seen.append(w.empty((BIG,), np.float32).__array_interface__["data"][0])

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert seen and seen[0] != mine and scratch.cached_bytes() == BIG * 4


sizes = st.sampled_from([BIG, BIG * 2, BIG * 3])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.booleans(), sizes, st.sampled_from([np.float32, np.float64, np.int64])), min_size=1,
                max_size=12))
def test_arrays_in_use_never_share_memory(plan):
    """Borrow in nested workspaces (True: open a new inner one first); every live array keeps the values it was
    given until its workspace ends, whatever is borrowed after it."""
    stack, live = [], []
    try:
        for k, (nest, n, dtype) in enumerate(plan):
            if nest or not stack:
                stack.append(Workspace().__enter__())
            a = stack[-1].empty((n,), dtype)
            a.fill(k)
            live.append((len(stack), a, k))
            for _, other, value in live:
                assert (other == value).all()
            if k % 3 == 2 and len(stack) > 1:
                depth = len(stack)
                stack.pop().__exit__(None, None, None)
                live = [entry for entry in live if entry[0] < depth]
    finally:
        while stack:
            stack.pop().__exit__(None, None, None)


FAULTS_CHILD = """
import json, resource
import tinygrad_edu as tg
from tinygrad_edu import nn
from tinygrad_edu.nn.models import LeNet5

tg.manual_seed(0)
model = LeNet5()
opt = tg.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
x, y = tg.randn(64, 1, 32, 32), tg.randint(0, 10, (64,))

def step():
    opt.zero_grad()
    nn.functional.cross_entropy(model(x), y).backward()
    opt.step()

for _ in range(6):
    step()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(4):
    step()
print(json.dumps((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 4))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
                    reason="counts glibc's page faults")
def test_a_training_step_maps_no_fresh_memory_with_the_default_malloc():
    """Without keep_freed_memory (the default), a LeNet-5 step at batch 64 faulted ~2,100 pages in (12.7 ms against
    8.6): kernels' scratch arrays mapped anew each call, and, once they were pooled, every array above 128 KiB,
    because glibc raises its mmap threshold only after freeing a block that large (scratch._new_buffer)."""
    env = {k: v for k, v in os.environ.items() if k != "TINYGRAD_EDU_KEEP_MEMORY"}
    done = subprocess.run([sys.executable, "-c", FAULTS_CHILD], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) < 300
