"""memory.check_allocation: exact byte counts (no int64 overflow), a refusal that names the op, the shape and
the bytes, and the error types PyTorch (RuntimeError) and NumPy (MemoryError) users catch."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

from tinygrad_edu import memory
from tinygrad_edu.errors import ShapeError


@given(shape=st.lists(st.integers(0, 10**7), min_size=0, max_size=4),
       dtype=st.sampled_from([np.float32, np.float64, np.int64, np.uint8, np.float16]))
def test_nbytes_is_exact_python_arithmetic(shape, dtype):
    expected = np.dtype(dtype).itemsize
    for s in shape:
        expected *= s
    assert memory.nbytes(shape, dtype) == expected


def test_sizes_past_int64_do_not_wrap():
    assert memory.nbytes((10**10, 10**10), np.float64) == 8 * 10**20


def test_refusal_names_the_op_the_shape_and_the_bytes():
    with pytest.raises(memory.AllocationError) as info:
        memory.check_allocation("Linear", (10**6, 10**6), np.float32, available=10**9)
    message = str(info.value)
    assert message.startswith("Linear: an array of shape (1000000, 1000000) and dtype float32 needs "
                              "4,000,000,000,000 bytes (3.6 TiB), more than the 1,000,000,000 bytes")
    assert isinstance(info.value, MemoryError) and isinstance(info.value, RuntimeError)
    assert isinstance(info.value, ValueError) and isinstance(info.value, ShapeError)


def test_what_fits_passes_and_returns_the_bytes():
    assert memory.check_allocation("op", (3, 4), np.float64, available=96) == 96
    with pytest.raises(memory.AllocationError, match="needs 97 bytes"):
        memory.check_allocation("op", (97,), np.uint8, available=96)


def test_available_memory_is_read_from_the_machine():
    have = memory.available_bytes()
    assert have is not None and 0 < have
    total = {line.split(":")[0]: int(line.split()[1]) * 1024 for line in open("/proc/meminfo") if ":" in line}
    assert have <= total["MemTotal"] + total.get("SwapTotal", 0)


def test_the_machine_limit_is_used_by_default():
    with pytest.raises(memory.AllocationError, match="more than the .* bytes .* of memory available"):
        memory.check_allocation("op", (1 << 62,), np.float64)
