"""Every test of the ops runs its kernels on dirty scratch buffers: ops/scratch.py lends every array it is asked
for (no size limit) and fills each `empty` one with NaN (integers with their largest value) before the kernel
sees it, as a buffer left over from another call could hold. A kernel that reads a scratch entry before writing it
turns a result into NaN, and the test comparing it fails."""
import numpy as np
import pytest

from tinygrad_edu.ops import scratch


def _poisoned(empty):
    def lend(self, shape, dtype):
        out = empty(self, shape, dtype)
        if out.dtype.kind == "f" or out.dtype.kind == "c":
            out.fill(np.nan)
        elif out.dtype.kind in "iu":
            out.fill(np.iinfo(out.dtype).max)
        return out

    return lend


@pytest.fixture(scope="package", autouse=True)
def dirty_scratch():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scratch, "MIN_BYTES", 0)
        patch.setattr(scratch.Workspace, "empty", _poisoned(scratch.Workspace.empty))
        yield
    scratch.release()
