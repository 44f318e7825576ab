"""The exception classes of tinygrad_edu.errors: each error is an instance of the class PyTorch raises for the same
call (so `except RuntimeError` / `except TypeError` written for PyTorch catches ours) and of the class this
library raised before (ValueError for shapes, TypeError for dtypes, IndexError for out-of-range values)."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.errors import ArgumentTypeError, DtypeError, IndexRangeError, ShapeError


def test_the_classes_and_their_bases():
    assert issubclass(ShapeError, RuntimeError) and issubclass(ShapeError, ValueError)
    assert issubclass(DtypeError, TypeError) and issubclass(DtypeError, RuntimeError)
    assert issubclass(ArgumentTypeError, ShapeError) and issubclass(ArgumentTypeError, TypeError)
    assert issubclass(IndexRangeError, IndexError) and issubclass(IndexRangeError, RuntimeError)


x4 = np.ones((1, 2, 5, 5), np.float32)
w4 = np.ones((3, 2, 3, 3), np.float32)

# (name, call with our library or PyTorch's as `lib`/`Fn`, our class, the classes both must be instances of)
CALLS = [
    ("conv2d int64 input", lambda lib, Fn, t: Fn.conv2d(t(x4.astype(np.int64)), t(w4)), DtypeError,
     (TypeError, RuntimeError)),
    ("linear 3-D weight", lambda lib, Fn, t: Fn.linear(t(np.ones((2, 4), np.float32)),
                                                      t(np.ones((1, 3, 4), np.float32))),
     ShapeError, (RuntimeError, ValueError)),
    ("reshape to a wrong size", lambda lib, Fn, t: lib.reshape(t(np.ones((3, 4), np.float32)), (5, 5)), ShapeError,
     (RuntimeError, ValueError)),
    ("gelu approximate=None", lambda lib, Fn, t: Fn.gelu(t(x4), approximate=None), ArgumentTypeError,
     (TypeError, ValueError, RuntimeError)),
    ("pad mode=None", lambda lib, Fn, t: Fn.pad(t(x4), (1, 1), mode=None), ArgumentTypeError,
     (TypeError, ValueError)),
    ("one_hot class out of range", lambda lib, Fn, t: Fn.one_hot(t(np.array([0, 4])), num_classes=3),
     IndexRangeError, (IndexError, RuntimeError)),
]


@pytest.mark.parametrize("name, call, ours, shared", CALLS, ids=[c[0] for c in CALLS])
def test_our_error_has_our_class_and_the_old_one(name, call, ours, shared):
    with pytest.raises(ours) as info:
        call(tg, F, tg.tensor)
    assert all(isinstance(info.value, c) for c in shared)


@pytest.mark.torch
@pytest.mark.parametrize("name, call, ours, shared", CALLS, ids=[c[0] for c in CALLS])
def test_pytorchs_class_catches_ours(name, call, ours, shared, torch):
    with pytest.raises(Exception) as theirs:
        call(torch, torch.nn.functional, torch.from_numpy)
    with pytest.raises(type(theirs.value)):
        call(tg, F, tg.tensor)
