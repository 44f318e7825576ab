import json

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra.numpy import arrays

import tinygrad_edu as tg
from tinygrad_edu.inspect.stats import GradStats, json_number


def test_numbers_of_a_known_array():
    s = GradStats.of(np.array([[3.0, 0.0], [-4.0, 0.0]], dtype=np.float32))
    assert s.shape == (2, 2) and s.norm == 5.0 and s.mean == -0.25 and s.min == -4.0 and s.max == 3.0
    assert s.zero_fraction == 0.5 and s.nonfinite == 0
    assert "‖·‖=5" in str(s) and "zeros=50%" in str(s)


def test_nonfinite_entries_are_counted_and_propagate():
    s = GradStats.of(np.array([1.0, np.nan, np.inf, -np.inf]))
    assert s.nonfinite == 3 and np.isnan(s.mean) and "NaN/Inf=3" in str(s)
    assert json.dumps(s.to_dict(), allow_nan=False)


def test_symbolic_empty_and_tensor_inputs():
    from tinygrad_edu.symbolic import symbols

    sym = GradStats.of(symbols("a", (2, 3)).data)
    assert sym.shape == (2, 3) and sym.is_symbolic and sym.norm is None and sym.nonfinite is None
    empty = GradStats.of(np.zeros((0, 3)))
    assert empty.norm == 0.0 and empty.mean is None and "empty" in str(empty)
    assert GradStats.of(tg.Tensor([1.0, 1.0])).norm == pytest.approx(2 ** 0.5)
    with pytest.raises(TypeError, match=r"shape \(2,\) has non-numeric dtype"):
        GradStats.of(np.array(["a", "b"]))


def test_json_number():
    assert [json_number(v) for v in (None, 1.5, np.nan, np.inf, -np.inf)] == [None, 1.5, "nan", "inf", "-inf"]


@given(arrays(np.float64, st.integers(1, 30), elements=st.floats(-1e6, 1e6)))
def test_property_matches_numpy(values):
    s = GradStats.of(values)
    assert s.norm == pytest.approx(np.linalg.norm(values), rel=1e-9, abs=1e-12)
    assert s.min <= s.mean + 1e-6 * (1 + abs(s.mean)) and s.mean <= s.max + 1e-6 * (1 + abs(s.mean))
    assert s.zero_fraction == np.mean(values == 0) and s.nonfinite == 0
