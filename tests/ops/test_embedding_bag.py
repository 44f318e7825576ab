"""F.embedding_bag: sum / mean / max over bags given as rows of a 2-D input or by offsets, with per_sample_weights,
padding_idx, include_last_offset and empty bags: values and gradients (weight and per-sample weights) against
PyTorch and finite differences; bad input names the op."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F
from tinygrad_edu.errors import ShapeError
from tests.helpers import assert_close, numeric_grad, rand64


@st.composite
def bags(draw):
    mode = draw(st.sampled_from(["sum", "mean", "max"]))
    two_d = draw(st.booleans())
    seed = draw(st.integers(0, 2**31))
    rng = np.random.default_rng(seed)
    if two_d:
        indices, offsets = rng.integers(0, 7, size=(draw(st.integers(1, 4)), draw(st.integers(1, 5)))), None
    else:
        n = draw(st.integers(0, 9))
        indices = rng.integers(0, 7, size=n)
        cuts = sorted(draw(st.lists(st.integers(0, n), min_size=0, max_size=4)))
        offsets = np.array([0] + cuts, dtype=np.int64)
    include_last = not two_d and draw(st.booleans())
    if include_last:
        offsets = np.append(offsets, indices.size)
    padding_idx = draw(st.sampled_from([None, 2]))
    weights = mode == "sum" and draw(st.booleans())
    return mode, indices, offsets, include_last, padding_idx, weights, seed


@pytest.mark.torch
@given(bags())
def test_embedding_bag_matches_torch(torch, case):
    mode, indices, offsets, include_last, padding_idx, weights, seed = case
    rng = np.random.default_rng(seed)
    w = rand64(rng, (7, 3))
    psw = rand64(rng, indices.shape) if weights else None
    out = F.embedding_bag(tg.Tensor(indices), w, None if offsets is None else tg.Tensor(offsets), mode=mode,
                          per_sample_weights=psw, include_last_offset=include_last, padding_idx=padding_idx)
    tw = torch.tensor(w.data, requires_grad=True)
    tpsw = torch.tensor(psw.data, requires_grad=True) if weights else None
    ref = torch.nn.functional.embedding_bag(torch.tensor(indices), tw,
                                            None if offsets is None else torch.tensor(offsets), mode=mode,
                                            per_sample_weights=tpsw, include_last_offset=include_last,
                                            padding_idx=padding_idx)
    assert_close(out, ref, atol=1e-12)
    v = rng.normal(size=out.shape)
    (out * tg.Tensor(v)).sum().backward()
    (ref * torch.tensor(v)).sum().backward()
    assert_close(w.grad if w.grad is not None else np.zeros(w.shape), tw.grad, atol=1e-12)
    if weights:
        assert_close(psw.grad, tpsw.grad, atol=1e-12)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_gradients_finite_differences(mode):
    rng = np.random.default_rng(0)
    w = rand64(rng, (5, 3))
    indices, offsets = tg.tensor([0, 3, 3, 1, 4, 2]), tg.tensor([0, 2, 2, 5])
    psw = rand64(rng, (6,)) if mode == "sum" else None
    out = F.embedding_bag(indices, w, offsets, mode=mode, per_sample_weights=psw)
    v = rng.normal(size=out.shape)
    (out * tg.Tensor(v)).sum().backward()
    grad = numeric_grad(lambda t: F.embedding_bag(indices, t, offsets, mode=mode, per_sample_weights=psw), w, v)
    np.testing.assert_allclose(w.grad.data, grad, atol=1e-8)
    if psw is not None:
        grad = numeric_grad(lambda t: F.embedding_bag(indices, w.detach(), offsets, mode=mode, per_sample_weights=t),
                            psw, v)
        np.testing.assert_allclose(psw.grad.data, grad, atol=1e-8)


def test_empty_bags_give_zeros():
    out = F.embedding_bag(tg.tensor([1, 2]), tg.ones(4, 2), tg.tensor([0, 0, 2]), mode="max")
    np.testing.assert_array_equal(out.data, [[0, 0], [1, 1], [0, 0]])


@pytest.mark.parametrize("call,error,message", [
    (lambda: F.embedding_bag(tg.tensor([[0, 1]]), tg.ones(3, 2), tg.tensor([0])), ShapeError, "offsets has to be None"),
    (lambda: F.embedding_bag(tg.tensor([0, 1]), tg.ones(3, 2)), ShapeError, "offsets has to be a 1-D"),
    (lambda: F.embedding_bag(tg.tensor([0, 1]), tg.ones(3, 2), tg.tensor([1])), ShapeError, "offsets\\[0\\]"),
    (lambda: F.embedding_bag(tg.tensor([0, 5]), tg.ones(3, 2), tg.tensor([0])), IndexError, "index 5"),
    (lambda: F.embedding_bag(tg.tensor([0, 1]), tg.ones(3, 2), tg.tensor([0]), mode="prod"), ShapeError, "mode"),
    (lambda: F.embedding_bag(tg.tensor([0, 1]), tg.ones(3, 2), tg.tensor([0]), mode="mean",
                             per_sample_weights=tg.ones(2)), ShapeError, "only supported for mode='sum'"),
    (lambda: F.embedding_bag(tg.tensor([0, 1]), tg.ones(3, 2), tg.tensor([0]), mode="sum",
                             per_sample_weights=tg.ones(3)), ShapeError, "same shape as input"),
    (lambda: F.embedding_bag(tg.tensor([0.0, 1.0]), tg.ones(3, 2), tg.tensor([0])), TypeError, "integers"),
])
def test_bad_input_names_the_op(call, error, message):
    with pytest.raises(error, match="embedding_bag: .*" + message):
        call()


def test_include_last_offset_ends_the_last_bag_at_the_last_offset():
    weight = tg.Tensor(np.arange(10.0).reshape(10, 1))
    out = F.embedding_bag(tg.tensor(list(range(9))), weight, tg.tensor([0, 3, 3, 8]), mode="sum",
                          include_last_offset=True)
    np.testing.assert_array_equal(out.data.ravel(), [3.0, 0.0, 25.0])
