"""The allocator setting: on by default on glibc, off with TINYGRAD_EDU_KEEP_MEMORY=0, and it removes the
page faults of a repeated conv step (counted by the kernel, not timed)."""
import os
import platform
import subprocess
import sys

import pytest

from tinygrad_edu.allocator import keep_freed_memory

glibc = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")

_STEP = """
import resource, numpy as np, tinygrad_edu as tg
from tinygrad_edu import functional as F
x = tg.randn(32, 16, 32, 32, requires_grad=True); w = tg.randn(32, 16, 3, 3, requires_grad=True)
g = np.ones((32, 32, 32, 32), np.float32)
for _ in range(3):
    F.conv2d(x, w, padding=1).backward(g)
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(5):
    F.conv2d(x, w, padding=1).backward(g)
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _faults(keep: str) -> int:
    env = dict(os.environ, TINYGRAD_EDU_KEEP_MEMORY=keep, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    return int(subprocess.run([sys.executable, "-c", _STEP], env=env, capture_output=True, text=True,
                              check=True).stdout)


@glibc
def test_on_by_default_and_off_on_request(monkeypatch):
    assert keep_freed_memory()
    monkeypatch.setenv("TINYGRAD_EDU_KEEP_MEMORY", "0")
    assert not keep_freed_memory()


@glibc
def test_repeated_conv_steps_stop_faulting_pages_in():
    kept, returned = _faults("1"), _faults("0")
    assert kept < 100 < returned, (kept, returned)
