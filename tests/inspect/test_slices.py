import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra.numpy import arrays, array_shapes

from tinygrad_edu.inspect.slices import grid_slice, leading_count, levels

finite = st.floats(-1e6, 1e6, allow_nan=False, width=64)


@given(arrays(np.float64, array_shapes(min_dims=2, max_dims=4, max_side=6), elements=finite),
       st.integers(0, 50), st.integers(1, 8), st.integers(1, 8))
def test_a_slice_is_the_leading_index_of_the_last_two_axes_cut_to_size(data, leading, max_rows, max_cols):
    window = grid_slice(data, leading, max_rows, max_cols)
    squeezed = data
    while squeezed.ndim > 2 and squeezed.shape[-1] == 1:
        squeezed = squeezed[..., 0]
    if squeezed.ndim == 1:
        return
    count = leading_count(squeezed.shape)
    full = squeezed.reshape(count, *squeezed.shape[-2:])[leading % count]
    expected = full[:max_rows, :max_cols]
    np.testing.assert_array_equal(window.values, expected)
    assert window.truncated == (expected.shape != full.shape)
    assert (window.number, window.count) == (leading % count, count)
    assert window.scale == (np.abs(expected).max() if expected.size else 0.0)


@given(arrays(np.float64, array_shapes(min_dims=1, max_dims=3, max_side=7), elements=finite))
def test_levels_keep_sign_zero_and_the_largest_cell(data):
    window = grid_slice(data, 0, 16, 16)
    level = levels(window)
    assert np.array_equal(np.sign(level), np.sign(window.values).astype(int))
    assert np.all(np.abs(level) <= 4)
    if window.scale > 0:
        assert np.abs(level).max() == 4


def test_a_vector_wraps_into_rows_and_marks_the_filler():
    window = grid_slice(np.arange(1.0, 11.0), max_cols=4)
    assert window.values.shape == (3, 4) and window.pad == 2 and not window.truncated
    np.testing.assert_array_equal(window.values.ravel()[:10], np.arange(1.0, 11.0))


def test_trailing_unit_axes_are_dropped_so_nc11_shows_as_n_by_c():
    window = grid_slice(np.arange(6.0).reshape(2, 3, 1, 1))
    assert window.values.shape == (2, 3) and window.count == 1


def test_scalar_symbolic_empty_and_bad_sizes():
    assert grid_slice(np.float64(2.5)).values.tolist() == [[2.5]]
    assert grid_slice(np.array([1, 2], dtype=object)) is None
    assert grid_slice(np.zeros((0, 3))) is None
    with pytest.raises(ValueError, match="max_rows and max_cols must be at least 1, got 0 × 4"):
        grid_slice(np.ones((2, 2)), max_rows=0, max_cols=4)


def test_non_finite_cells_get_their_own_level_and_do_not_set_the_scale():
    window = grid_slice(np.array([[1.0, np.nan], [-np.inf, -2.0]]))
    assert window.scale == 2.0
    assert levels(window).tolist() == [[2, 5], [5, -4]]
