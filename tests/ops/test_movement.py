"""Movement ops: reshape, permute, indexing with PyTorch's rules (ints first, then index tensors), cat, stack."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

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


# ---- indexing with PyTorch's rules ----------------------------------------------------------------
# PyTorch applies integers (and slices, None) first, then the index tensors: `x[0, :, idx]` keeps the slice
# axis first, where NumPy would move the index axis to the front.

@st.composite
def torch_index(draw):
    """A shape and an index mixing ints, slices, None, True/False, Ellipsis, index arrays (as lists, NumPy
    arrays or int64 tensors) and boolean masks; returned as (shape, [(kind, value)]) so each side can build it."""
    ndim = draw(st.integers(1, 4))
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=ndim, max_size=ndim)))
    mode = draw(st.sampled_from(["arrays", "arrays", "mask", "basic"]))
    common = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    ellipsis = draw(st.integers(0, 2)) == 0
    front = draw(st.integers(0, ndim)) if ellipsis else ndim - draw(st.integers(0, 1))
    back = draw(st.integers(0, ndim - front)) if ellipsis else 0
    items, mask_used = [], False

    def fill(dims):
        nonlocal mask_used
        d, out = dims[0] if dims else 0, []
        end = dims[-1] + 1 if dims else 0
        while d < end:
            if draw(st.integers(0, 5)) == 0:
                out.append(("none", None))
            if mode == "basic" and draw(st.integers(0, 7)) == 0:
                out.append(("bool", draw(st.booleans())))
            kinds = ["int", "int", "slice", "full"] + (["array"] * 3 if mode == "arrays" else [])
            if mode == "mask" and not mask_used:
                kinds += ["mask"] * 2
            kind, n = draw(st.sampled_from(kinds)), shape[d]
            if kind == "int":
                out.append(("int", draw(st.integers(-n, n - 1))))
            elif kind == "slice":
                out.append(("slice", slice(draw(st.none() | st.integers(-n, n)), draw(st.none() | st.integers(-n, n)),
                                            draw(st.none() | st.integers(1, 3)))))
            elif kind == "full":
                out.append(("slice", slice(None)))
            elif kind == "array":
                own = tuple(s if draw(st.booleans()) else 1 for s in common)[draw(st.integers(0, len(common))):]
                values = draw(st.lists(st.integers(-n, n - 1), min_size=int(np.prod(own)), max_size=int(np.prod(own))))
                form = draw(st.sampled_from(["list", "numpy", "tensor"] if len(own) == 1 else ["numpy", "tensor"]))
                out.append((form, np.array(values, dtype=np.int64).reshape(own)))
            else:
                k = draw(st.integers(1, min(2, end - d)))
                bits = draw(st.lists(st.booleans(), min_size=int(np.prod(shape[d:d + k])),
                                     max_size=int(np.prod(shape[d:d + k]))))
                out.append(("mask", np.array(bits).reshape(shape[d:d + k])))
                mask_used = True
                d += k - 1
            d += 1
        return out

    items = fill(list(range(front)))
    if ellipsis:
        items = items + [("ellipsis", Ellipsis)] + fill(list(range(ndim - back, ndim)))
    return shape, items


def _build(items, tensor_of):
    out = []
    for kind, v in items:
        if kind == "list":
            out.append(v.tolist())
        elif kind in ("numpy", "tensor", "mask"):
            out.append(tensor_of(v) if kind != "numpy" else v)
        else:
            out.append(v)
    return tuple(out)


@pytest.mark.torch
@settings(max_examples=80)
@given(case=torch_index(), seed=st.integers(0, 2**16))
def test_indexing_follows_pytorch_shape_order_and_gradient(torch, case, seed):
    shape, items = case
    rng = np.random.default_rng(seed)
    x = rand64(rng, shape)
    xt = to_torch(torch, x)
    try:
        yt = xt[_build(items, lambda a: torch.from_numpy(a))]
    except IndexError:
        with pytest.raises(IndexError):
            x[_build(items, tg.tensor)]
        return
    y = x[_build(items, tg.tensor)]
    assert_close(y, yt)
    w = rng.standard_normal(y.shape)
    (y * tg.tensor(w)).sum().backward()
    (yt * torch.from_numpy(w)).sum().backward()
    assert_close(x.grad, xt.grad)


INDEX_CASES = {
    "int_before_slice_and_array": lambda x: x[0, :, [2, 0, 2]],
    "arrays_split_by_a_slice": lambda x: x[[1, 0, 1], :, [3, 3, 0]],
    "int64_tensor": lambda x: x[:, tg.tensor(np.array([2, -1, 2]))],
    "bool_tensor": lambda x: x[tg.tensor(np.array([True, False]))],
    "negative_and_repeated": lambda x: x[..., np.array([[-1, -1], [0, -4]])],
    "int_tensor_scalar": lambda x: x[tg.tensor(np.int64(1)), :, np.array([1, 1])],
}


@pytest.mark.parametrize("name", sorted(INDEX_CASES))
def test_pytorch_indexing_gradient_matches_finite_differences(name):
    x = rand64(np.random.default_rng(3), (2, 3, 4))
    assert gradcheck(INDEX_CASES[name], [x])


def test_integer_then_array_keeps_the_slice_axis_first():
    x = tg.tensor(np.arange(24.0).reshape(2, 3, 4))
    y = x[0, :, [2, 0]]
    assert y.shape == (3, 2)
    np.testing.assert_array_equal(y.data, np.arange(12.0).reshape(3, 4)[:, [2, 0]])
    assert x[:, [0, 1], 0].shape == (2, 2)
    assert x[[0, 1], :, [1, 3]].shape == (2, 3)


def test_repeated_indices_accumulate_the_gradient():
    x = tg.tensor(np.arange(4.0), requires_grad=True)
    x[tg.tensor(np.array([1, 1, 3, 1]))].sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0, 3, 0, 1])


def test_symbolic_indexing_and_its_adjoint():
    import sympy

    a = sympy.symbols("a0:6")
    x = tg.Tensor(np.array(a, dtype=object).reshape(2, 3), requires_grad=True)
    y = x[1, [0, 0, 2]]
    assert list(y.data) == [a[3], a[3], a[5]]
    (y * tg.Tensor(np.array(sympy.symbols("d0:3"), dtype=object))).sum().backward()
    d = sympy.symbols("d0:3")
    assert list(x.grad.data.ravel()) == [0, 0, 0, d[0] + d[1], 0, d[2]]


def test_indexing_errors_name_getitem_the_index_and_the_shape():
    x = tg.ones(2, 3)
    with pytest.raises(IndexError, match=r"getitem: index 5 is out of range for dimension 0 with size 2 .*\(2, 3\)"):
        x[5]
    with pytest.raises(IndexError, match=r"getitem: index -4 is out of range for dimension 1 with size 3"):
        x[:, tg.tensor(np.array([0, -4]))]
    with pytest.raises(IndexError, match=r"getitem: too many indices for a tensor of shape \(2, 3\)"):
        x[0, 0, 0]
    with pytest.raises(IndexError, match=r"getitem: the mask of shape \(3,\) does not match .*dimension 0"):
        x[np.array([True, False, True])]
    with pytest.raises(IndexError, match=r"getitem: index tensors of shapes \(2,\), \(3,\) do not broadcast"):
        x[[0, 1], [0, 1, 2]]
    with pytest.raises(IndexError, match=r"getitem: tensors used as indices must be long, int, byte or bool"):
        x[np.array([0.0])]
    with pytest.raises(IndexError, match=r"getitem: only integers, slices"):
        x["a"]
    with pytest.raises(IndexError, match="single ellipsis"):
        x[..., ...]


def test_indexing_a_symbolic_tensor_down_to_one_entry_keeps_it_symbolic():
    import sympy

    t = tg.Tensor(np.array([sympy.Integer(3), sympy.Symbol("a")], dtype=object))
    assert t[0].dtype == object and t[np.array(0)].dtype == object and t[np.array(0)].item() == 3


@settings(max_examples=40, deadline=None)
@given(st.permutations(range(4)), st.sampled_from(["ints", "negative", "tuple", "numpy ints"]))
def test_permute_takes_every_spelling_of_dims_and_backward_applies_the_inverse(dims, spelling):
    """permute's fast path (plain ints 0..n−1) and its checked path give the same node; backward undoes it."""
    rng = np.random.default_rng(0)
    x = rand64(rng, (2, 3, 4, 5))
    given_dims = {"ints": tuple(dims), "negative": tuple(d - 4 for d in dims), "tuple": (tuple(dims),),
                  "numpy ints": tuple(np.int64(d) for d in dims)}[spelling]
    y = x.permute(*given_dims)
    assert y.shape == np.transpose(x.data, dims).shape
    weights = rng.standard_normal(y.shape)
    (y * tg.Tensor(weights)).sum().backward()
    assert_close(x.grad.data, np.transpose(weights, np.argsort(dims)))


def test_permute_still_refuses_what_is_not_a_permutation():
    with pytest.raises(IndexError, match="permute: dims"):
        tg.ones(2, 3).permute(0, 2)
    with pytest.raises(ValueError, match="not a permutation"):
        tg.ones(2, 3, 4).permute(0, 1)
    with pytest.raises(TypeError, match="permute"):
        tg.ones(2, 3).permute(1.0, 0)
    with pytest.raises(TypeError, match="permute"):
        tg.ones(2, 3).permute(True, False)


def test_gathering_with_equal_index_shapes_still_checks_ranges_and_broadcasting():
    x = rand64(np.random.default_rng(1), (3, 4))
    assert_close(x[np.array([2]), np.array([3])].data, x.data[[2], [3]])
    with pytest.raises(IndexError, match="index 4 is out of range for dimension 1 with size 4"):
        x[np.array([0]), np.array([4])]
    with pytest.raises(IndexError, match="index -4 is out of range for dimension 0 with size 3"):
        x[np.array([-4]), np.array([0])]
    with pytest.raises(IndexError, match="do not broadcast"):
        x[np.array([0, 1]), np.array([0, 1, 2])]


@st.composite
def _sum_to_case(draw):
    """A shape x, and a shape it broadcasts from: some leading axes dropped, some of the rest set to 1."""
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=1, max_size=5)))
    lead = draw(st.integers(0, len(shape)))
    target = tuple(1 if draw(st.booleans()) else d for d in shape[lead:])
    return shape, target


@settings(max_examples=80, deadline=None)
@given(case=_sum_to_case(), seed=st.integers(0, 2**32 - 1))
def test_sum_to_sums_exactly_the_broadcast_axes(case, seed):
    from tinygrad_edu.ops.movement import sum_to
    shape, target = case
    x = np.random.default_rng(seed).standard_normal(shape)
    lead = len(shape) - len(target)
    axes = tuple(range(lead)) + tuple(lead + i for i, d in enumerate(target) if d == 1 and shape[lead + i] != 1)
    want = x.sum(axis=axes, keepdims=True).reshape(target) if axes else x.reshape(target)
    got = sum_to(tg.Tensor(x), target)
    assert got.shape == target
    np.testing.assert_allclose(got.data, want, rtol=1e-12, atol=1e-12)


def test_a_negative_slice_step_reverses_as_numpy_and_its_gradient_flows_back():
    """PyTorch refuses x[::-1] ('step must be greater than zero'), so no ported code holds it; here it is NumPy's
    reversal (documented in the README), with the gradient scattered back to the reversed positions."""
    x = tg.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    y = x[:, ::-2]
    assert y.tolist() == [[2.0, 0.0], [5.0, 3.0]]
    (y * tg.tensor([[1.0, 10.0], [100.0, 1000.0]])).sum().backward()
    assert x.grad.tolist() == [[10.0, 0.0, 1.0], [1000.0, 0.0, 100.0]]
