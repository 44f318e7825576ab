"""The allocator setting: opt-in (importing the library leaves malloc alone), on with keep_freed_memory() or
TINYGRAD_EDU_KEEP_MEMORY=1, and it removes the page faults of re-allocating a large buffer such as a conv
step's columns (counted, not timed)."""
import os
import platform
import subprocess
import sys

import pytest

from tinygrad_edu.allocator import keep_freed_memory

glibc = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")

_STEP = """
import resource, numpy as np, tinygrad_edu as tg
for _ in range(2):
    np.ones(6 << 20)  # 48 MiB: above glibc's largest dynamic mmap threshold (32 MiB)
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(5):
    np.ones(6 << 20)
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _faults(keep) -> int:
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    env.pop("TINYGRAD_EDU_KEEP_MEMORY", None)
    if keep is not None:
        env["TINYGRAD_EDU_KEEP_MEMORY"] = keep
    return int(subprocess.run([sys.executable, "-c", _STEP], env=env, capture_output=True, text=True,
                              check=True).stdout)


@glibc
def test_on_when_called_and_off_on_request(monkeypatch):
    monkeypatch.delenv("TINYGRAD_EDU_KEEP_MEMORY", raising=False)
    assert keep_freed_memory()
    monkeypatch.setenv("TINYGRAD_EDU_KEEP_MEMORY", "0")
    assert not keep_freed_memory()


@glibc
def test_importing_leaves_malloc_alone_and_the_setting_stops_page_faults():
    kept, default, returned = _faults("1"), _faults(None), _faults("0")
    assert kept < 100 < min(default, returned), (kept, default, returned)
