"""Movement ops: reshape, permute, indexing (basic and integer arrays with repeats), cat, stack."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
from tinygrad_edu.inspect import gradcheck
from tests.helpers import assert_close, rand64, to_torch

CASES = {
    "reshape": lambda x: x.reshape(4, 6),
    "view_inferred": lambda x: x.reshape(-1, 3),
    "transpose": lambda x: x.transpose(0, 2),
    "permute": lambda x: x.permute(2, 0, 1),
    "T": lambda x: x.T,
    "flatten": lambda x: x.flatten(1),
    "unsqueeze": lambda x: x.unsqueeze(1),
    "squeeze": lambda x: x.unsqueeze(0).squeeze(0),
    "slice": lambda x: x[:, 1:, ::2],
    "int_index": lambda x: x[1, 2],
    "negative_step": lambda x: x[..., ::-1],
    "repeated_int_array": lambda x: x[[0, 1, 0, 0]],
    "pair_of_arrays": lambda x: x[np.array([0, 1, 1]), np.array([2, 0, 2])],
    "bool_mask": lambda x: x[x.data > 0],
    "expand": lambda x: x[:, :1].expand(2, 5, 4),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_movement_gradient_matches_finite_differences(name):
    x = rand64(np.random.default_rng(7), (2, 3, 4))
    assert gradcheck(CASES[name], [x])


@pytest.mark.parametrize("name", sorted(set(CASES) - {"T", "expand"}))
def test_movement_matches_torch(torch, name):
    x = rand64(np.random.default_rng(8), (2, 3, 4))
    xt = to_torch(torch, x)
    fn = CASES[name]
    if name == "negative_step":
        y, yt = fn(x), xt.flip(-1)
    elif name == "bool_mask":
        y, yt = fn(x), xt[torch.tensor(x.data > 0)]
    else:
        y, yt = fn(x), fn(xt)
    assert_close(y, yt)
    (y * y).sum().backward()
    (yt * yt).sum().backward()
    assert_close(x.grad, xt.grad)


@given(n=st.integers(1, 4), dim=st.integers(-3, 2), seed=st.integers(0, 2**16))
def test_cat_and_stack_gradients(n, dim, seed):
    rng = np.random.default_rng(seed)
    d = dim % 3
    parts = [rand64(rng, tuple(k + 1 if i == d else 2 for i in range(3))) for k in range(n)]
    out = tg.cat(parts, dim)
    assert out.shape[d] == sum(p.shape[d] for p in parts)
    assert gradcheck(lambda *ps: tg.cat(list(ps), dim), parts)
    same = [rand64(rng, (2, 3)) for _ in range(n)]
    assert tg.stack(same, dim % 3).shape[dim % 3] == n
    assert gradcheck(lambda *ps: tg.stack(list(ps), dim % 3), same)


def test_cat_and_stack_match_torch(torch):
    rng = np.random.default_rng(9)
    a, b = rand64(rng, (2, 3)), rand64(rng, (2, 5))
    at, bt = to_torch(torch, a), to_torch(torch, b)
    y, yt = tg.cat([a, b], 1), torch.cat([at, bt], 1)
    assert_close(y, yt)
    (y * y).sum().backward()
    (yt * yt).sum().backward()
    assert_close(b.grad, bt.grad)
    assert_close(tg.stack([a, a], 1), torch.stack([at, at], 1))


def test_bad_shapes_name_the_op():
    with pytest.raises(ValueError, match=r"reshape: cannot view shape \(2, 3\) \(6 entries\) as \(4,\)"):
        tg.ones(2, 3).reshape(4)
    with pytest.raises(ValueError, match="cat: shapes"):
        tg.cat([tg.ones(2, 3), tg.ones(3, 3)], 1)
    with pytest.raises(ValueError, match="stack: all tensors must have the same shape"):
        tg.stack([tg.ones(2), tg.ones(3)])
    with pytest.raises(ValueError, match="permute"):
        tg.ones(2, 3).permute(0, 0)
    with pytest.raises(IndexError, match="getitem"):
        tg.ones(2, 3)[5]
