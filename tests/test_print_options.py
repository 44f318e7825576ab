"""print_options.py: a Tensor's repr is torch's (digits, integer mode, scientific notation, summarising with '...',
line wrapping, which dtypes show), and tg.set_printoptions changes it as torch.set_printoptions does."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg

pytestmark = pytest.mark.torch


@pytest.fixture
def options(torch):
    """Restore both libraries' print options after a test."""
    yield
    tg.set_printoptions(profile="default")
    torch.set_printoptions(profile="default")


def _same(torch, make):
    ours, theirs = repr(make(tg)), repr(make(torch)).replace("torch.", "")
    assert ours == theirs, f"\n{ours}\n{theirs}"


VALUES = [
    lambda m: m.tensor([1.0, 2.5]),
    lambda m: m.tensor([1, 2]),
    lambda m: m.tensor([True, False]),
    lambda m: m.tensor(3.25),
    lambda m: m.tensor(7),
    lambda m: m.tensor([[1e-5, 1.0], [3.0, 4.0]]),
    lambda m: m.tensor([1e10, 1.0]),
    lambda m: m.tensor([float("nan"), float("inf"), -float("inf"), 1.0]),
    lambda m: m.tensor([-0.0, 0.0]),
    lambda m: m.tensor([1.0, 2.0], dtype=m.float64),
    lambda m: m.tensor([1.0, 2.0], dtype=m.float16),
    lambda m: m.tensor([1, 2], dtype=m.int32),
    lambda m: m.tensor([1, 2], dtype=m.uint8),
    lambda m: m.tensor([]),
    lambda m: m.zeros(0, 3),
    lambda m: m.zeros(0, dtype=m.int64),
    lambda m: m.tensor([1.123456789] * 30),
    lambda m: m.arange(2000.0).reshape(40, 50),
    lambda m: m.arange(2000).reshape(10, 10, 20),
    lambda m: m.arange(24.0).reshape(2, 3, 4) / 7,
    lambda m: m.ones(2, requires_grad=True),
    lambda m: m.linspace(-1, 1, 1500, dtype=m.float64),
]


@pytest.mark.parametrize("make", VALUES)
def test_repr_is_torchs(torch, make):
    _same(torch, make)


@given(st.lists(st.floats(-1e6, 1e6, width=32), min_size=1, max_size=12), st.integers(1, 3))
def test_repr_is_torchs_for_any_float32_values(torch, values, rows):
    data = np.array(values * rows, dtype=np.float32).reshape(rows, -1)
    assert repr(tg.tensor(data)) == repr(torch.tensor(data))


@pytest.mark.parametrize("kwargs", [
    {"precision": 2}, {"precision": 8}, {"threshold": 5}, {"edgeitems": 1, "threshold": 10},
    {"linewidth": 40}, {"profile": "short"}, {"profile": "full"}, {"sci_mode": True}, {"sci_mode": False},
    {"profile": "short", "precision": 6}, {"edgeitems": 0, "threshold": 3},
])
@pytest.mark.parametrize("make", [
    lambda m: m.tensor([1.123456789, 2.5, 3.0, -4.25, 5.5, 6.0, 7.125, 8.0]),
    lambda m: m.arange(2000.0).reshape(40, 50) / 3,
    lambda m: m.arange(30).reshape(5, 6),
    lambda m: m.tensor([0.001, 12345.0]),
], ids=["floats", "big", "ints", "spread"])
def test_set_printoptions_changes_repr_as_torchs(torch, options, kwargs, make):
    tg.set_printoptions(**kwargs)
    torch.set_printoptions(**kwargs)
    _same(torch, make)


def test_profile_default_restores_and_get_printoptions_round_trips(torch, options):
    tg.set_printoptions(precision=2, threshold=5)
    saved = tg.get_printoptions()
    assert saved == {"precision": 2, "threshold": 5, "edgeitems": 3, "linewidth": 80, "sci_mode": None}
    tg.set_printoptions(profile="default")
    assert repr(tg.tensor([1.12345])) == "tensor([1.1235])"
    tg.set_printoptions(**saved)
    assert repr(tg.tensor([1.12345])) == "tensor([1.12])" and "..." in repr(tg.arange(10))


def test_str_is_repr_and_symbolic_tensors_still_print(options):
    import sympy

    t = tg.tensor([1.5, 2.0])
    assert str(t) == repr(t) == "tensor([1.5000, 2.0000])"
    x = sympy.Symbol("x")
    assert repr(tg.tensor(np.array([x, 2 * x], dtype=object))) == "tensor([x, 2*x])"


@pytest.mark.parametrize("kwargs, match", [
    ({"profile": "long"}, "set_printoptions: profile must be one of"),
    ({"precision": "2"}, "set_printoptions: precision must be a non-negative int"),
    ({"precision": -1}, "set_printoptions: precision must be a non-negative int"),
    ({"threshold": "many"}, "set_printoptions: threshold must be a number"),
    ({"sci_mode": 1}, "set_printoptions: sci_mode must be True, False or None"),
])
def test_bad_options_name_the_function(options, kwargs, match):
    with pytest.raises((TypeError, ValueError), match=match):
        tg.set_printoptions(**kwargs)
    assert repr(tg.tensor([1.0])) == "tensor([1.])"
