"""tensor_inplace.py: index_add/index_copy/index_fill/scatter_reduce, the in-place forms (masked_fill_, exp_, ge_,
squeeze_, ...) and the logical/bitwise ops, against PyTorch; in-place semantics (self returned, version bumped,
a leaf that requires grad refused, a changed saved tensor makes backward raise)."""
import sys

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import tinygrad_edu as tg
from tests.helpers import assert_close, numeric_grad, rand64


def _pair(torch, shape=(3, 4), seed=0, low=-2.0, high=2.0):
    data = np.random.default_rng(seed).uniform(low, high, shape)
    return tg.tensor(data), torch.tensor(data)


def _same(ours, theirs):
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
    assert_close(ours, theirs)


IDX = np.array([2, 0, 2])

# (method, args for tg, args for torch) on a (3, 4) float64 tensor
INPLACE = [
    ("masked_fill_", lambda t: (t.data > 0 if isinstance(t, tg.Tensor) else t > 0, 1.5)),
    ("index_add_", lambda t: (0, _i(t, IDX), _like(t, np.ones((3, 4))))),
    ("index_copy_", lambda t: (1, _i(t, np.array([3, 1])), _like(t, np.full((3, 2), 7.0)))),
    ("index_fill_", lambda t: (1, _i(t, np.array([0, 2])), -1.0)),
    ("index_put_", lambda t: ((_i(t, np.array([0, 2])), _i(t, np.array([1, 1]))), _like(t, np.array([5.0, 6.0])))),
    ("scatter_", lambda t: (1, _i(t, np.array([[0, 1], [2, 3], [1, 1]])), _like(t, np.ones((3, 2)) * 9))),
    ("scatter_add_", lambda t: (0, _i(t, np.array([[0, 1, 2, 0], [0, 0, 0, 0]])), _like(t, np.ones((2, 4))))),
    ("tril_", lambda t: (1,)), ("triu_", lambda t: (-1,)),
    ("neg_", lambda t: ()), ("abs_", lambda t: ()), ("exp_", lambda t: ()), ("sigmoid_", lambda t: ()),
    ("tanh_", lambda t: ()), ("relu_", lambda t: ()), ("expm1_", lambda t: ()), ("erf_", lambda t: ()),
    ("ge_", lambda t: (0.5,)), ("gt_", lambda t: (_like(t, np.zeros(4)),)), ("le_", lambda t: (0.0,)),
    ("lt_", lambda t: (0.0,)), ("ne_", lambda t: (0.0,)), ("eq_", lambda t: (0.0,)),
    ("logical_and_", lambda t: (_like(t, np.array([0.0, 1, 2, 0])),)), ("logical_not_", lambda t: ()),
    ("logical_or_", lambda t: (_like(t, np.zeros(4)),)), ("logical_xor_", lambda t: (_like(t, np.ones(4)),)),
]


def _i(t, a):
    """a as a tensor of t's library (tinygrad_edu or torch)."""
    return tg.tensor(a) if isinstance(t, tg.Tensor) else sys.modules["torch"].tensor(a)


_like = _i


@pytest.mark.torch
@pytest.mark.parametrize("name, args", INPLACE, ids=[c[0] for c in INPLACE])
def test_inplace_values_self_version_and_gradient_match_pytorch(torch, name, args):
    x, tx = _pair(torch)
    before = x._version
    assert getattr(x, name)(*args(x)) is x
    getattr(tx, name)(*args(tx))
    _same(x, tx)
    assert x._version == before + 1
    if name.startswith("logical"):  # PyTorch does not record these in the graph (δ passes as if unchanged)
        return
    # on a non-leaf: the in-place result takes the node's place in the graph
    rng = np.random.default_rng(5)
    a = rand64(rng, (3, 4))
    ta = torch.tensor(a.data, requires_grad=True)
    h, th = a * 1.0, ta * 1.0
    getattr(h, name)(*args(h))
    getattr(th, name)(*args(th))
    v = rng.standard_normal((3, 4))
    (h * tg.tensor(v)).sum().backward()
    (th * torch.tensor(v)).sum().backward()
    assert_close(a.grad, ta.grad)


@pytest.mark.torch
@pytest.mark.parametrize("name, args", INPLACE[:10], ids=[c[0] for c in INPLACE[:10]])
def test_inplace_on_a_leaf_that_requires_grad_is_refused_outside_no_grad(torch, name, args):
    x = tg.randn(3, 4, dtype=tg.float64, requires_grad=True)
    tx = torch.randn(3, 4, dtype=torch.float64, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        getattr(x, name)(*args(x))
    with pytest.raises(RuntimeError, match="leaf"):
        getattr(tx, name)(*args(tx))
    with tg.no_grad():
        assert getattr(x, name)(*args(x)) is x


@pytest.mark.parametrize("change", [lambda h: h.exp_(), lambda h: h.masked_fill_(h.data > 0, 0.0),
                                    lambda h: h.index_add_(0, tg.tensor([1]), tg.ones(1, 3)),
                                    lambda h: h.ge_(0.0), lambda h: h.unsqueeze_(0), lambda h: h.uniform_()])
def test_changing_a_tensor_saved_for_backward_makes_backward_raise(change):
    a = tg.randn(2, 3, requires_grad=True)
    h = a * 2
    z = (h * h).sum()
    with tg.no_grad():
        change(h)
    with pytest.raises(RuntimeError, match="in-place"):
        z.backward()


@pytest.mark.torch
def test_shape_changing_inplace_views(torch):
    x, tx = _pair(torch, (3, 1, 4))
    for call in (lambda t: t.squeeze_(1), lambda t: t.unsqueeze_(0), lambda t: t.transpose_(0, 2),
                 lambda t: t.squeeze_(), lambda t: t.t_()):
        v = x._version
        assert call(x) is x and x._version == v + 1
        call(tx)
        _same(x, tx)
    a = tg.randn(3, 1, dtype=tg.float64, requires_grad=True)
    ta = torch.tensor(a.data, requires_grad=True)
    h, th = a * 3, ta * 3
    h.t_().unsqueeze_(0)
    th.t_().unsqueeze_(0)
    assert h.shape == tuple(th.shape) == (1, 1, 3)
    (h * h).sum().backward()
    (th * th).sum().backward()
    assert_close(a.grad, ta.grad)
    with pytest.raises(RuntimeError, match="leaf"):
        a.t_()
    with pytest.raises(RuntimeError, match="leaf"):
        ta.t_()


# ---- index_add / index_copy / index_fill / scatter_reduce (out of place), gradients ------------------------------
@pytest.mark.torch
@pytest.mark.parametrize("op, dim, index, src_shape", [
    ("index_add", 0, [2, 0, 2], (3, 4)), ("index_add", 1, [3], (3, 1)), ("index_add", -1, [], (3, 0)),
    ("index_copy", 0, [2, 0], (2, 4)), ("index_copy", 1, [1, 3, 0], (3, 3)),
])
def test_index_add_and_copy_gradients(torch, op, dim, index, src_shape):
    rng = np.random.default_rng(6)
    x, s = rand64(rng, (3, 4)), rand64(rng, src_shape)
    tx, ts = torch.tensor(x.data, requires_grad=True), torch.tensor(s.data, requires_grad=True)
    kw = {"alpha": 2.5} if op == "index_add" else {}
    out = getattr(x, op)(dim, tg.tensor(index, dtype=tg.int64), s, **kw)
    tout = getattr(tx, op)(dim, torch.tensor(index, dtype=torch.int64), ts, **kw)
    _same(out, tout)
    v = rng.standard_normal((3, 4))
    (out * tg.tensor(v)).sum().backward()
    (tout * torch.tensor(v)).sum().backward()
    assert_close(x.grad, tx.grad)
    assert_close(s.grad, ts.grad)
    np.testing.assert_allclose(s.grad.data, numeric_grad(
        lambda t: getattr(x.detach(), op)(dim, tg.tensor(index, dtype=tg.int64), t, **kw), s, v), atol=1e-6)
    _same(getattr(tg, op)(x.detach(), dim, tg.tensor(index, dtype=tg.int64), s.detach(), **kw),
          getattr(torch, op)(tx.detach(), dim, torch.tensor(index, dtype=torch.int64), ts.detach(), **kw))


@pytest.mark.torch
def test_index_fill_with_a_value_and_gradient(torch):
    rng = np.random.default_rng(7)
    x = rand64(rng, (3, 4))
    tx = torch.tensor(x.data, requires_grad=True)
    out, tout = x.index_fill(0, tg.tensor([1]), 4.0), tx.index_fill(0, torch.tensor([1]), 4.0)
    _same(out, tout)
    out.sum().backward()
    tout.sum().backward()
    assert_close(x.grad, tx.grad)


@pytest.mark.torch
@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_values_and_gradients(torch, reduce, include_self):
    rng = np.random.default_rng(8)
    x = tg.tensor(rng.uniform(0.5, 2, (4, 3)), requires_grad=True)
    src_data = rng.uniform(0.5, 2, (3, 3))
    src_data[1, 0] = src_data[0, 0]  # a tie, shared evenly by amax/amin as PyTorch
    s = tg.tensor(src_data, requires_grad=True)
    index = np.array([[0, 1, 0], [0, 2, 0], [3, 1, 1]])
    tx, ts = torch.tensor(x.data, requires_grad=True), torch.tensor(s.data, requires_grad=True)
    out = x.scatter_reduce(0, tg.tensor(index), s, reduce, include_self=include_self)
    tout = tx.scatter_reduce(0, torch.tensor(index), ts, reduce, include_self=include_self)
    _same(out, tout)
    v = rng.standard_normal((4, 3))
    (out * tg.tensor(v)).sum().backward()
    (tout * torch.tensor(v)).sum().backward()
    assert_close(x.grad, tx.grad)
    assert_close(s.grad, ts.grad)
    if reduce not in ("amax", "amin"):  # ties make max not differentiable there
        np.testing.assert_allclose(s.grad.data, numeric_grad(lambda t: x.detach().scatter_reduce(
            0, tg.tensor(index), t, reduce, include_self=include_self), s, v), atol=1e-6)
    y, ty = x.detach().clone(), tx.detach().clone()
    assert y.scatter_reduce_(0, tg.tensor(index), s.detach(), reduce, include_self=include_self) is y
    ty.scatter_reduce_(0, torch.tensor(index), ts.detach(), reduce, include_self=include_self)
    _same(y, ty)


@pytest.mark.torch
@pytest.mark.parametrize("reduce", ["sum", "mean", "amax", "amin", "prod"])
def test_scatter_reduce_on_integers(torch, reduce):
    x, s, i = np.array([1, 2, 3]), np.array([-4, 5, -6]), np.array([0, 0, 1])
    _same(tg.tensor(x).scatter_reduce(0, tg.tensor(i), tg.tensor(s), reduce),
          torch.tensor(x).scatter_reduce(0, torch.tensor(i), torch.tensor(s), reduce))


@pytest.mark.torch
@pytest.mark.parametrize("call, exc", [
    (lambda t, m: t.index_add(0, m.tensor([3]), m.ones(1, 4, dtype=m.float64)), RuntimeError),
    (lambda t, m: t.index_add(0, m.tensor([0]), m.ones(2, 4, dtype=m.float64)), RuntimeError),
    (lambda t, m: t.index_add(0, m.tensor([0]), m.ones(1, 4)), RuntimeError),
    (lambda t, m: t.index_copy(1, m.tensor([0.0]), m.ones(3, 1, dtype=m.float64)), RuntimeError),
    (lambda t, m: t.scatter_reduce(0, m.tensor([[0]]), t, "maximum"), RuntimeError),
    (lambda t, m: t.exp().long().exp_(), RuntimeError),
    (lambda t, m: t.bitwise_and(t), RuntimeError),
])
def test_bad_input_raises_pytorchs_exception_class(torch, call, exc):
    x, tx = _pair(torch)
    with pytest.raises(exc):
        call(x, tg)
    with pytest.raises(exc):
        call(tx, torch)


# ---- logical and bitwise -------------------------------------------------------------------------------------
@pytest.mark.torch
@pytest.mark.parametrize("name", ["logical_and", "logical_or", "logical_xor", "bitwise_and", "bitwise_or",
                                  "bitwise_xor"])
@pytest.mark.parametrize("dtypes", [(np.int64, np.int64), (np.int32, np.int64), (np.bool_, np.bool_),
                                    (np.uint8, np.uint8)])
def test_logical_and_bitwise_match_pytorch(torch, name, dtypes):
    rng = np.random.default_rng(9)
    a, b = rng.integers(0, 6, (3, 4)).astype(dtypes[0]), rng.integers(0, 6, (4,)).astype(dtypes[1])
    _same(getattr(tg, name)(tg.tensor(a), tg.tensor(b)), getattr(torch, name)(torch.tensor(a), torch.tensor(b)))
    _same(getattr(tg.tensor(a), name)(tg.tensor(b)), getattr(torch.tensor(a), name)(torch.tensor(b)))
    x, tx = tg.tensor(a), torch.tensor(a)
    getattr(x, name + "_")(tg.tensor(b))
    getattr(tx, name + "_")(torch.tensor(b))
    _same(x, tx)


@pytest.mark.torch
def test_not_and_the_operators(torch):
    a = np.array([[0, 3, -2], [5, 0, 1]])
    b = np.array([True, False, True])
    for ours, theirs in [(tg.tensor(a), torch.tensor(a)), (tg.tensor(b), torch.tensor(b))]:
        _same(ours.logical_not(), theirs.logical_not())
        _same(ours.bitwise_not(), theirs.bitwise_not())
        _same(~ours, ~theirs)
        _same(ours & ours, theirs & theirs)
        _same(ours | 1, theirs | 1)
        _same(ours ^ ours, theirs ^ theirs)
    _same(tg.logical_not(tg.tensor([0.0, 2.5])), torch.logical_not(torch.tensor([0.0, 2.5])))
    _same(tg.tensor([0.0, 2.5]).logical_and(tg.tensor([1, 1])),
          torch.tensor([0.0, 2.5]).logical_and(torch.tensor([1, 1])))


@pytest.mark.torch
@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("reduce", ["add", "multiply"])
def test_scatter__with_the_older_reduce_argument(torch, reduce):
    x, tx = _pair(torch, (2, 3))
    index = np.array([[0, 0], [2, 1]])
    src = np.random.default_rng(10).uniform(1, 2, (2, 2))
    x.scatter_(1, tg.tensor(index), tg.tensor(src), reduce=reduce)
    tx.scatter_(1, torch.tensor(index), torch.tensor(src), reduce=reduce)
    _same(x, tx)
    x.scatter_(1, tg.tensor(index), 2.0, reduce=reduce)
    tx.scatter_(1, torch.tensor(index), 2.0, reduce=reduce)
    _same(x, tx)
    with pytest.raises(RuntimeError):
        x.scatter_(1, tg.tensor(index), 2.0, reduce="max")


@pytest.mark.torch
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_prod_gradient_with_zeros_as_pytorch(torch, include_self):
    x = np.array([[0.0, 2.0, 3.0], [1.5, 0.0, 2.0]])
    src = np.array([[4.0, 0.0, 5.0], [0.0, 0.0, 2.0]])
    index = np.array([[0, 1, 2], [0, 1, 0]])
    a, s = tg.tensor(x, requires_grad=True), tg.tensor(src, requires_grad=True)
    ta, ts = torch.tensor(x, requires_grad=True), torch.tensor(src, requires_grad=True)
    out = a.scatter_reduce(1, tg.tensor(index), s, "prod", include_self=include_self)
    tout = ta.scatter_reduce(1, torch.tensor(index), ts, "prod", include_self=include_self)
    _same(out, tout)
    out.sum().backward()
    tout.sum().backward()
    assert_close(a.grad, ta.grad)
    assert_close(s.grad, ts.grad)


@pytest.mark.torch
@pytest.mark.parametrize("reduce", ["prod", "amax", "amin"])
@pytest.mark.parametrize("include_self", [False, True])
@pytest.mark.parametrize("src", [[0.1, 0.1, 0.1, 0.7, 0.7], [np.inf, 2.0, 3.0, -np.inf, np.nan],
                                 [np.inf, 0.0, 3.0, 0.5, 0.0]])
def test_scatter_reduce_values_are_the_reduction_itself_when_recording(torch, reduce, include_self, src):
    """Recording a graph does not change the values (they were a mean of the tied entries, an ulp off, and
    ∞ − ∞ = NaN where PyTorch gives ±∞), and no NumPy warning leaks."""
    import warnings

    index = np.array([0, 0, 0, 1, 1])
    s = tg.tensor(np.array(src), requires_grad=True)
    x = tg.full((2,), 0.7, dtype=tg.float64, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = x.scatter_reduce(0, tg.tensor(index), s, reduce, include_self=include_self)
        ours.backward(tg.tensor(np.array([1.5, -2.0])))
    theirs = torch.full((2,), 0.7, dtype=torch.float64).scatter_reduce(
        0, torch.tensor(index), torch.tensor(np.array(src)), reduce, include_self=include_self)
    np.testing.assert_array_equal(ours.data, theirs.numpy())


# ---- scatter_reduce amax/amin gradients: PyTorch's rule to the bit -------------------------------------------
SPECIAL = np.array([0.0, 1.0, 2.0, -1.5, np.nan, np.inf, -np.inf])


def _torch_scatter_reduce_grads(torch, x, src, dim, index, reduce, include_self, g):
    tx = torch.tensor(x, requires_grad=True)
    ts = torch.tensor(src, requires_grad=True)
    tx.scatter_reduce(dim, torch.tensor(index), ts, reduce, include_self=include_self).backward(torch.tensor(g))
    return tx.grad.numpy(), ts.grad.numpy()


def _our_scatter_reduce_grads(x, src, dim, index, reduce, include_self, g):
    a, s = tg.tensor(x, requires_grad=True), tg.tensor(src, requires_grad=True)
    a.scatter_reduce(dim, tg.tensor(index), s, reduce, include_self=include_self).backward(tg.tensor(g))
    return a.grad.data, s.grad.data


@pytest.mark.torch
@pytest.mark.parametrize("include_self", [False, True])
@pytest.mark.parametrize("case, x, src, index, g, want_x, want_src", [
    # self's value ties two src entries: PyTorch counts it (N = 3) even without include_self, so src gets δ/3 each
    ("self ties src", [1.0, 5.0, 3.0], [5.0, 5.0, 2.0], [1, 1, 0], [2.0, 3.0, 4.0],
     {False: [0, 0, 4], True: [0, 1, 4]}, {False: [1, 1, 2], True: [1, 1, 2]}),
    # a NaN self where nothing is written: y = x there, yet δ_x = 0·δ/0 = NaN (as PyTorch)
    ("NaN self, not written", [np.nan, 0.0, 3.0], [2.0, 1.0, 1.0], [1, 1, 1], [2.0, 3.0, 4.0],
     {False: [np.nan, 0, 4], True: [np.nan, 0, 4]}, {False: [3, 0, 0], True: [3, 0, 0]}),
    # a NaN src makes y NaN: N = 0 there and every entry taking part gets NaN
    ("NaN src", [1.0, 0.0, 3.0], [np.nan, 1.0, 1.0], [0, 1, 1], [2.0, 3.0, 4.0],
     {False: [0, 0, 4], True: [np.nan, 0, 4]}, {False: [np.nan, 1.5, 1.5], True: [np.nan, 1.5, 1.5]}),
])
def test_scatter_reduce_amax_gradient_is_pytorchs_rule(torch, include_self, case, x, src, index, g, want_x,
                                                       want_src):
    """The hand-computed values (PyTorch 2.13's) and PyTorch itself: the self-tie case fails with δ shared
    among the entries that take part only (src getting δ/2 each)."""
    args = (np.array(x), np.array(src), 0, np.array(index), "amax", include_self, np.array(g))
    gx, gs = _our_scatter_reduce_grads(*args)
    np.testing.assert_array_equal(gx, np.array(want_x[include_self], float))
    np.testing.assert_array_equal(gs, np.array(want_src[include_self], float))
    tx, ts = _torch_scatter_reduce_grads(torch, *args)
    np.testing.assert_array_equal(gx, tx)
    np.testing.assert_array_equal(gs, ts)


@st.composite
def _scatter_cases(draw):
    """A 2-D self and src of values with many ties (0, 1, 2, −1.5, NaN, ±∞), an index along dim, an upstream δ
    with ∞ and NaN in it."""
    rows, cols = draw(st.integers(1, 3)), draw(st.integers(1, 4))
    dim = draw(st.integers(0, 1))
    src_shape = (draw(st.integers(1, 4)), cols) if dim == 0 else (rows, draw(st.integers(1, 5)))

    def arr(shape, hi=len(SPECIAL) - 1):
        n = int(np.prod(shape))
        return np.array(draw(st.lists(st.integers(0, hi), min_size=n, max_size=n))).reshape(shape)

    x, src, g = SPECIAL[arr((rows, cols))], SPECIAL[arr(src_shape)], SPECIAL[arr((rows, cols))]
    index = arr(src_shape, (rows if dim == 0 else cols) - 1)
    return x, src, dim, index, g


@pytest.mark.torch
@settings(max_examples=150, deadline=None)
@given(case=_scatter_cases(), reduce=st.sampled_from(["amax", "amin"]), include_self=st.booleans(),
       dtype=st.sampled_from([np.float32, np.float64]))
def test_scatter_reduce_amax_amin_gradients_are_pytorchs_bit_for_bit(torch, case, reduce, include_self, dtype):
    """Values, δ_x and δ_src equal PyTorch's, NaN for NaN, over ties between src entries, between self and src,
    NaN and ±∞ values and an upstream δ holding ±∞ and NaN."""
    x, src, dim, index, g = case
    args = (x.astype(dtype), src.astype(dtype), dim, index, reduce, include_self, g.astype(dtype))
    gx, gs = _our_scatter_reduce_grads(*args)
    tx, ts = _torch_scatter_reduce_grads(torch, *args)
    assert gx.dtype == tx.dtype and gs.dtype == ts.dtype
    np.testing.assert_array_equal(gx, tx)
    np.testing.assert_array_equal(gs, ts)


def test_scatter_reduce_amax_gradient_without_ties_is_the_finite_difference():
    """Away from ties the rule is the derivative: finite differences in float64 for self and src."""
    rng = np.random.default_rng(3)
    x, src = rng.standard_normal((3, 4)), rng.standard_normal((5, 4))
    index = rng.integers(0, 3, (5, 4))
    v = rng.standard_normal((3, 4))
    for include_self in (False, True):
        a, s = tg.tensor(x, requires_grad=True), tg.tensor(src, requires_grad=True)
        (a.scatter_reduce(0, tg.tensor(index), s, "amax", include_self=include_self) * tg.tensor(v)).sum().backward()
        np.testing.assert_allclose(s.grad.data, numeric_grad(lambda t: tg.tensor(x).scatter_reduce(
            0, tg.tensor(index), t, "amax", include_self=include_self), s, v), atol=1e-7)
        np.testing.assert_allclose(a.grad.data, numeric_grad(lambda t: t.scatter_reduce(
            0, tg.tensor(index), tg.tensor(src), "amax", include_self=include_self), a, v), atol=1e-7)


@given(st.lists(st.tuples(st.integers(1, 4), st.integers(0, 6)), min_size=1, max_size=3))
def test_overlaps_itself_says_whether_two_entries_share_memory(dims):
    """The quick stride test, with its exact fallback, against every entry's offset counted."""
    from tinygrad_edu.tensor_inplace import overlaps_itself

    shape = tuple(n for n, _ in dims)
    strides = tuple(8 * s for _, s in dims)
    base = np.zeros(1 + sum((n - 1) * s for n, s in dims))
    view = np.lib.stride_tricks.as_strided(base, shape, strides)
    offsets = {sum(i * s for i, s in zip(index, strides)) for index in np.ndindex(*shape)}
    assert overlaps_itself(view) == (len(offsets) < view.size)


@pytest.mark.torch
@pytest.mark.parametrize("call", [lambda m: m.tensor([True, False]).neg_(), lambda m: -m.tensor([True]),
                                  lambda m: m.zeros(2).fill_(None), lambda m: m.zeros(2).fill_("a"),
                                  lambda m: m.zeros(2).fill_(m.zeros(2))],
                         ids=["neg_-bool", "minus-bool", "fill_-None", "fill_-str", "fill_-1d"])
def test_bad_values_for_neg_and_fill_refuse_as_torch(torch, call):
    """fill_(None) filled NaN silently, fill_(a 1-d tensor) filled where torch refuses, -bool_tensor raised NumPy's
    TypeError naming no op: each raises PyTorch's class, with the op's name."""
    with pytest.raises(Exception) as theirs:
        call(torch)
    with pytest.raises(type(theirs.value)) as ours:
        call(tg)
    assert "fill_" in str(ours.value) or "neg" in str(ours.value)
