"""tinygrad_edu.nn.utils against torch.nn.utils: clipping by norm (p = 1, 2, 3, ∞, 0, −1) and by value, the total
norm, flattening to a vector and back; in place, unrecorded, with version counters bumped."""
import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_edu as tg
import tinygrad_edu.nn.utils as U

shapes = st.lists(hnp.array_shapes(min_dims=0, max_dims=3, max_side=4), min_size=1, max_size=4)
norm_types = st.sampled_from([1.0, 2.0, 3.0, math.inf, "inf", 0.5, 0.0, -1.0, -math.inf])
max_norms = st.floats(0.01, 20.0)


def twins(torch, rng, shape_list, with_grad=None, dtype=np.float64, scale=1.0):
    """Equal parameters with equal gradients, ours and PyTorch's; entries with with_grad[k] False get none."""
    ours, theirs = [], []
    for k, shape in enumerate(shape_list):
        w = rng.standard_normal(shape).astype(dtype)
        o, t = tg.Tensor(w.copy(), requires_grad=True), torch.tensor(w.copy(), requires_grad=True)
        if with_grad is None or with_grad[k]:
            g = (scale * rng.standard_normal(shape)).astype(dtype)
            o.grad, t.grad = tg.Tensor(g.copy()), torch.tensor(g.copy())
        ours.append(o)
        theirs.append(t)
    return ours, theirs


def assert_grads_equal(ours, theirs, rtol=1e-7):
    for o, t in zip(ours, theirs):
        assert (o.grad is None) == (t.grad is None)
        if o.grad is not None:
            assert o.grad.dtype == np.dtype(str(t.grad.dtype).replace("torch.", ""))
            np.testing.assert_allclose(o.grad.data, t.grad.numpy(), rtol=rtol, atol=1e-12)


@pytest.mark.torch
@given(shapes, norm_types, max_norms, st.integers(0, 2**31), st.booleans())
def test_clip_grad_norm_matches_torch(torch, shape_list, norm_type, max_norm, seed, skip_one):
    rng = np.random.default_rng(seed)
    with_grad = [not (skip_one and k == 0) for k in range(len(shape_list))]
    ours, theirs = twins(torch, rng, shape_list, with_grad)
    total = U.clip_grad_norm_(ours, max_norm, norm_type)
    expected = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type)
    assert isinstance(total, tg.Tensor) and total.shape == ()
    assert total.dtype == np.dtype(str(expected.dtype).replace("torch.", ""))
    np.testing.assert_allclose(total.data, expected.numpy(), rtol=1e-7)
    assert_grads_equal(ours, theirs)


@pytest.mark.torch
@given(st.sampled_from([1.0, 2.0, math.inf]), st.integers(0, 2**31))
def test_clip_grad_norm_float32_and_a_single_tensor(torch, norm_type, seed):
    rng = np.random.default_rng(seed)
    ours, theirs = twins(torch, rng, [(3, 4)], dtype=np.float32, scale=5.0)
    total = U.clip_grad_norm_(ours[0], 1.0, norm_type=norm_type)
    expected = torch.nn.utils.clip_grad_norm_(theirs[0], 1.0, norm_type=norm_type)
    assert total.dtype == np.float32
    np.testing.assert_allclose(total.data, expected.numpy(), rtol=1e-5)
    assert_grads_equal(ours, theirs, rtol=1e-5)


@pytest.mark.torch
def test_the_coefficient_is_pytorchs_and_never_enlarges(torch):
    p = tg.Tensor(np.zeros(2), requires_grad=True)
    p.grad = tg.Tensor(np.array([3.0, 4.0]))
    assert U.clip_grad_norm_([p], 1.0).item() == 5.0
    np.testing.assert_allclose(p.grad.data, np.array([3.0, 4.0]) / (5.0 + 1e-6), rtol=1e-15)
    p.grad = tg.Tensor(np.array([0.3, 0.4]))
    U.clip_grad_norm_([p], 1.0)
    np.testing.assert_array_equal(p.grad.data, [0.3, 0.4])  # coef clamped to 1


@pytest.mark.torch
@given(shapes, norm_types, st.integers(0, 2**31))
def test_get_total_norm_and_clip_grads_with_norm_match_torch(torch, shape_list, norm_type, seed):
    rng = np.random.default_rng(seed)
    ours, theirs = twins(torch, rng, shape_list)
    total = U.get_total_norm([p.grad for p in ours], norm_type)
    expected = torch.nn.utils.get_total_norm([p.grad for p in theirs], norm_type)
    np.testing.assert_allclose(total.data, expected.numpy(), rtol=1e-7)
    U.clip_grads_with_norm_(ours, 0.5, total)
    torch.nn.utils.clip_grads_with_norm_(theirs, 0.5, expected)
    assert_grads_equal(ours, theirs)


@pytest.mark.torch
@given(shapes, st.floats(0.0, 3.0), st.integers(0, 2**31))
def test_clip_grad_value_matches_torch(torch, shape_list, clip_value, seed):
    rng = np.random.default_rng(seed)
    ours, theirs = twins(torch, rng, shape_list, scale=2.0)
    assert U.clip_grad_value_(ours, clip_value) is None
    torch.nn.utils.clip_grad_value_(theirs, clip_value)
    assert_grads_equal(ours, theirs)


def test_clipping_is_in_place_unrecorded_and_bumps_versions():
    w = tg.Tensor(np.ones(3), requires_grad=True)
    (w * w * 10).sum().backward(create_graph=True)  # a gradient that is itself on a graph
    g = w.grad
    assert g.requires_grad
    before = g._version
    U.clip_grad_norm_(w, 1.0)
    assert w.grad is g and g._version == before + 1
    np.testing.assert_allclose(np.linalg.norm(g.data), 1.0, rtol=1e-5)
    U.clip_grad_value_([w], 0.1)
    assert w.grad is g and g._version == before + 2
    np.testing.assert_allclose(g.data, 0.1)


def test_a_gradient_saved_by_a_graph_cannot_be_clipped_silently():
    w = tg.Tensor(np.ones(3), requires_grad=True)
    (w * w).sum().backward(create_graph=True)
    uses_grad = (w.grad * w.grad).sum()  # saves w.grad for its backward
    U.clip_grad_norm_([w], 0.5)
    with pytest.raises(RuntimeError, match="in-place"):
        uses_grad.backward()


def test_clip_with_no_gradients_and_empty_inputs():
    w = tg.Tensor(np.ones(3), requires_grad=True)
    total = U.clip_grad_norm_([w], 1.0)
    assert total.item() == 0.0 and total.dtype == np.float32 and w.grad is None
    assert U.clip_grad_norm_([], 1.0).item() == 0.0
    with pytest.warns(UserWarning, match="empty generator"):
        U.clip_grad_norm_((p for p in []), 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        U.clip_grad_norm_([], 1.0)  # a list: no warning, as PyTorch
    U.clip_grad_value_([w], 1.0)
    assert w.grad is None


def test_clip_grad_norm_reads_a_generator_once():
    params = [tg.Tensor(np.ones(2), requires_grad=True) for _ in range(2)]
    for p in params:
        p.grad = tg.Tensor(np.full(2, 3.0))
    total = U.clip_grad_norm_((p for p in params), 1.0)
    np.testing.assert_allclose(total.item(), 6.0)
    for p in params:
        np.testing.assert_allclose(np.linalg.norm(p.grad.data), 1 / math.sqrt(2), rtol=1e-5)


@pytest.mark.torch
@pytest.mark.parametrize("bad", [math.inf, math.nan])
def test_error_if_nonfinite(torch, bad):
    p = tg.Tensor(np.ones(2), requires_grad=True)
    p.grad = tg.Tensor(np.array([1.0, bad]))
    t = torch.ones(2, dtype=torch.float64, requires_grad=True)
    t.grad = torch.tensor([1.0, bad], dtype=torch.float64)
    with pytest.raises(RuntimeError, match="non-finite") as ours:
        U.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)
    with pytest.raises(RuntimeError, match="non-finite"):
        torch.nn.utils.clip_grad_norm_([t], 1.0, error_if_nonfinite=True)
    assert "error_if_nonfinite=False" in str(ours.value)
    np.testing.assert_array_equal(p.grad.data, [1.0, bad])  # nothing changed
    total = U.clip_grad_norm_([p], 1.0)  # the default scales by the non-finite norm, as PyTorch
    expected = torch.nn.utils.clip_grad_norm_([t], 1.0)
    np.testing.assert_array_equal(total.data, expected.numpy())
    np.testing.assert_array_equal(p.grad.data, t.grad.numpy())


def test_wrong_types():
    with pytest.raises(TypeError, match="clip_grad_norm_"):
        U.clip_grad_norm_([np.ones(2)], 1.0)
    with pytest.raises(TypeError, match="expected torch.Tensor"):
        U.vector_to_parameters([1.0, 2.0], [tg.Tensor(np.ones(2), requires_grad=True)])
    with pytest.raises(ValueError, match="non-empty"):
        U.parameters_to_vector([])


@pytest.mark.torch
@given(shapes, st.integers(0, 2**31))
def test_parameters_to_vector_and_back_match_torch(torch, shape_list, seed):
    rng = np.random.default_rng(seed)
    ours, theirs = twins(torch, rng, shape_list)
    vec = U.parameters_to_vector(ours)
    expected = torch.nn.utils.parameters_to_vector(theirs)
    np.testing.assert_array_equal(vec.data, expected.detach().numpy())
    assert vec.requires_grad  # recorded, as PyTorch's cat
    n = vec.shape[0]
    new = rng.standard_normal(n + 2)  # a longer vector: the tail is ignored, as PyTorch
    versions = [p._version for p in ours]
    U.vector_to_parameters(tg.Tensor(new.copy()), ours)
    torch.nn.utils.vector_to_parameters(torch.tensor(new.copy()), theirs)
    for o, t, v in zip(ours, theirs, versions):
        assert o.shape == tuple(t.shape) and o.requires_grad
        np.testing.assert_array_equal(o.data, t.detach().numpy())
        assert o._version == v + 1


def test_parameters_to_vector_is_differentiable():
    a = tg.Tensor(np.arange(4.0).reshape(2, 2), requires_grad=True)
    b = tg.Tensor(np.arange(3.0), requires_grad=True)
    weights = np.arange(7.0)
    (U.parameters_to_vector([a, b]) * tg.Tensor(weights)).sum().backward()
    np.testing.assert_array_equal(a.grad.data, weights[:4].reshape(2, 2))
    np.testing.assert_array_equal(b.grad.data, weights[4:])


@pytest.mark.torch
def test_vector_to_parameters_errors_and_dtype(torch):
    p = tg.Tensor(np.zeros(3, dtype=np.float32), requires_grad=True)
    with pytest.raises(RuntimeError, match=r"shape \[3\] is invalid for input of size 2"):
        U.vector_to_parameters(tg.Tensor(np.ones(2)), [p])
    with pytest.raises(IndexError, match="0-d"):
        U.vector_to_parameters(tg.Tensor(np.array(1.0)), [p])
    t = torch.zeros(3, requires_grad=True)
    torch.nn.utils.vector_to_parameters(torch.ones(3, dtype=torch.float64), [t])
    U.vector_to_parameters(np.ones(3), [p])  # an ndarray where PyTorch takes a tensor
    assert p.dtype == np.float64 and str(t.dtype) == "torch.float64"


def test_a_graph_that_saved_a_parameter_sees_the_new_values():
    p = tg.Tensor(np.ones(2), requires_grad=True)
    y = (p * p).sum()
    U.vector_to_parameters(tg.Tensor(np.array([2.0, 3.0])), [p])
    with pytest.raises(RuntimeError, match="backward"):
        y.backward()


def test_reachable_as_attribute_and_import():
    import tinygrad_edu.nn.utils as by_import
    from tinygrad_edu.nn.utils import clip_grad_norm_

    assert tg.nn.utils is by_import and by_import.clip_grad_norm_ is clip_grad_norm_
    assert set(by_import.__all__) >= {"clip_grad_norm_", "clip_grad_value_", "parameters_to_vector",
                                      "vector_to_parameters", "get_total_norm", "clip_grads_with_norm_"}


def test_clip_grad_norm_deprecated_name_warns():
    p = tg.Tensor(np.ones(2), requires_grad=True)
    p.grad = tg.Tensor(np.full(2, 3.0))
    with pytest.warns(FutureWarning):
        U.clip_grad_norm(p, 1.0)
    np.testing.assert_allclose(np.linalg.norm(p.grad.data), 1.0, rtol=1e-5)


@pytest.mark.torch
def test_the_norm_of_no_gradients_has_the_default_dtype_as_torch(torch):
    """get_total_norm([]) / clip_grad_norm_ of parameters without gradients: 0 in the default dtype (float64 after
    set_default_dtype(float64), as torch; it was always float32)."""
    tg.set_default_dtype(tg.float64)
    torch.set_default_dtype(torch.float64)
    try:
        ours = tg.nn.utils.clip_grad_norm_([tg.nn.Parameter(tg.zeros(2))], 1.0)
        theirs = torch.nn.utils.clip_grad_norm_([torch.nn.Parameter(torch.zeros(2))], 1.0)
    finally:
        tg.set_default_dtype(tg.float32)
        torch.set_default_dtype(torch.float32)
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.") == "float64"
