"""backend.py: the array functions behind the elementwise ops, on numbers and on SymPy values."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu import backend

# shapes on both sides of relu's row trick: trailing axes of < 64 entries (scalar loop), 64 … 8192 (one row
# per trailing block) and more (rows cut at an axis boundary)
SHAPES = st.sampled_from([(), (5,), (63,), (64,), (3, 70), (2, 3, 4, 5), (2, 9000), (4, 3, 50, 60), (1, 8193)])
DTYPES = st.sampled_from([np.float16, np.float32, np.float64, np.int8, np.int32, np.int64])


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


@settings(max_examples=60, deadline=None)
@given(shape=SHAPES, dtype=DTYPES, seed=st.integers(0, 2**32 - 1))
def test_relu_is_max_against_zero_bit_for_bit(shape, dtype, seed):
    rng = np.random.default_rng(seed)
    a = np.asarray(np.clip(rng.standard_normal(shape) * 50, -120, 120)).astype(dtype)
    if np.dtype(dtype).kind == "f" and a.size:  # NaN, ±∞ and ±0 scattered through the array
        special = np.array([np.nan, -np.nan, np.inf, -np.inf, 0.0, -0.0], dtype)
        where = rng.random(shape) < 0.2
        a[where] = rng.choice(special, size=int(where.sum()))
    assert _same_bits(backend.relu(a), np.maximum(a, np.zeros((), dtype)))


def test_relu_of_a_non_contiguous_view_and_its_input_untouched():
    a = np.arange(-6000, 6000, dtype=np.float32).reshape(40, 300)
    before = a.copy()
    view = a[:, ::2]
    assert _same_bits(backend.relu(view), np.maximum(view, np.float32(0)))
    assert _same_bits(backend.relu(a), np.maximum(a, np.float32(0)))
    assert _same_bits(a, before)


def test_relu_result_is_a_fresh_writeable_array():
    a = -np.ones((8, 100), np.float32)
    out = backend.relu(a)
    out[0, 0] = 7  # the cached zero row must not be what the caller gets back
    assert backend.relu(a)[0, 0] == 0 and np.all(backend.relu(-np.ones((8, 100), np.float32)) == 0)


@pytest.mark.parametrize("value", [-2, 0, 3])
def test_relu_on_sympy_values(value):
    import sympy
    x = sympy.Symbol("x")
    a = np.array([x, sympy.Integer(value)], dtype=object)
    out = backend.relu(a)
    assert out[0] == sympy.Max(x, 0) and out[1] == max(value, 0)


@pytest.mark.torch
@pytest.mark.parametrize("data", [[1j], [1, 2j], 1j, [[1.0, 1j]], [np.complex128(1j)], [np.complex64(1j), 2.0]],
                         ids=["list", "mixed", "scalar", "nested", "numpy-complex128", "numpy-complex64"])
def test_python_complex_numbers_get_torchs_default_complex_dtype(torch, data):
    """tg.tensor([1j]) was complex128 where torch.tensor gives complex64 (the default float's partner)."""
    assert str(tg.tensor(data).dtype) == str(torch.tensor(data).dtype).removeprefix("torch.")


def test_the_legacy_constructor_refuses_complex_numbers_as_torch():
    """torch.Tensor([1j]) is a TypeError ("must be real number, not complex"), not a silently real tensor."""
    with pytest.raises(TypeError, match="real number"):
        tg.Tensor([1j])
