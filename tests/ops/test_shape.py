"""Shape ops (ops/shape.py) and products (ops/einsum.py): PyTorch's values, dtypes and errors, gradients by
finite differences in float64 and against PyTorch, SymPy values through the same code, and `x[key] = v`."""
import numpy as np
import pytest
import sympy
from hypothesis import given, strategies as st

import tinygrad_edu as tg
from tinygrad_edu.errors import ShapeError
from tinygrad_edu.inspect import gradcheck
from tests.helpers import assert_close, rand64, to_torch


def _idx(lib, values):
    """An int64 index tensor in either library."""
    return lib.tensor(np.array(values, dtype=np.int64))


# Each case runs on a (2, 3, 4) float64 tensor in both libraries: `lib` is tg or torch.
CASES = {
    "flip": lambda x, lib: x.flip(0, 2),
    "flip_list": lambda x, lib: lib.flip(x, [1]),
    "roll": lambda x, lib: x.roll(1, 2),
    "roll_two_dims": lambda x, lib: lib.roll(x, (1, -2), (0, 2)),
    "roll_flat": lambda x, lib: x.roll(5),
    "repeat": lambda x, lib: x.repeat(2, 1, 3),
    "repeat_new_dims": lambda x, lib: x.repeat(2, 1, 2, 1),
    "expand_minus_one": lambda x, lib: x[:, :1].expand(3, -1, 4, -1),
    "expand_as": lambda x, lib: x[:1].expand_as(x),
    "chunk": lambda x, lib: lib.cat(x.chunk(3, 2)[::-1], 2),
    "split_size": lambda x, lib: x.split(3, -1)[1],
    "split_sections": lambda x, lib: lib.split(x, [1, 2], 1)[1],
    "narrow": lambda x, lib: x.narrow(-1, -3, 2),
    "gather": lambda x, lib: x.gather(1, _idx(lib, [[[0, 2, 2, 1]], [[1, 1, 0, 0]]])),
    "gather_repeats": lambda x, lib: lib.gather(x, 2, _idx(lib, np.zeros((2, 2, 5), dtype=np.int64) + [0, 3, 3, 1, 3])),
    "scatter_src": lambda x, lib: x.scatter(1, _idx(lib, [[[2, 0, 1, 0]], [[0, 1, 2, 2]]]), x[:, :1].flip(2) * 3),
    "scatter_value": lambda x, lib: x.scatter(2, _idx(lib, [[[3], [0], [1]], [[1], [1], [2]]]), 7.0),
    "scatter_add": lambda x, lib: x.scatter_add(0, _idx(lib, [[[1, 0, 1, 1]], [[1, 1, 1, 0]]]), x[:, :1] ** 2),
    "index_select": lambda x, lib: x.index_select(2, _idx(lib, [3, 0, 3])),
    "index_select_fn": lambda x, lib: lib.index_select(x, 0, _idx(lib, [1, 1])),
    "masked_fill": lambda x, lib: x.masked_fill(x > 0.5, -1.0),
    "masked_fill_broadcast": lambda x, lib: lib.masked_fill(x, lib.tensor(np.array([True, False, True, False])), 2.0),
    "tril": lambda x, lib: x.tril(),
    "triu_offset": lambda x, lib: lib.triu(x, 1),
    "tril_negative": lambda x, lib: x.tril(-1),
    "movedim": lambda x, lib: x.movedim((0, 1), (2, 0)),
    "movedim_int": lambda x, lib: lib.movedim(x, 0, -1),
    "swapaxes": lambda x, lib: x.swapaxes(0, 2),
    "swapdims": lambda x, lib: lib.swapdims(x, 1, 2),
    "t": lambda x, lib: x[0].t(),
    "clone": lambda x, lib: x.clone() * x,
    "contiguous": lambda x, lib: x.transpose(0, 1).contiguous(),
    "view_as": lambda x, lib: x.view_as(x.reshape(6, 4)),
    "reshape_as": lambda x, lib: x.reshape_as(x.reshape(4, 6)),
    "mm": lambda x, lib: lib.mm(x[0], x[1].t()),
    "bmm": lambda x, lib: x.bmm(x.transpose(1, 2)),
    "matmul_method": lambda x, lib: x.matmul(x[0].t()),
    "index_put": lambda x, lib: x.index_put((_idx(lib, [0, 1, 1]), _idx(lib, [2, 0, 2])), x[0, 0] * 2),
    "index_put_accumulate": lambda x, lib: x.index_put((_idx(lib, [1, 1]),), x[0] * x[0], accumulate=True),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradient_matches_finite_differences(name):
    x = rand64(np.random.default_rng(11), (2, 3, 4))
    assert gradcheck(lambda t: CASES[name](t, tg), [x])


@pytest.mark.torch
@pytest.mark.parametrize("name", sorted(CASES))
def test_values_and_gradient_match_torch(torch, name):
    rng = np.random.default_rng(12)
    x = rand64(rng, (2, 3, 4))
    xt = to_torch(torch, x)
    y, yt = CASES[name](x, tg), CASES[name](xt, torch)
    assert_close(y, yt)
    assert y.dtype == x.dtype
    w = rng.standard_normal(y.shape)
    (y * tg.tensor(w)).sum().backward()
    (yt * torch.from_numpy(w)).sum().backward()
    assert_close(x.grad, xt.grad)


@pytest.mark.torch
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3), data=st.data())
def test_roll_flip_repeat_chunk_split_match_torch(torch, shape, data):
    x = tg.tensor(np.arange(float(np.prod(shape))).reshape(shape))
    xt = torch.from_numpy(x.data.copy())
    n = len(shape)
    dims = data.draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=n, unique_by=lambda d: d % n))
    shifts = data.draw(st.lists(st.integers(-6, 6), min_size=len(dims), max_size=len(dims)))
    assert_close(x.roll(shifts, dims), xt.roll(shifts, dims))
    assert_close(x.flip(dims), xt.flip(dims))
    reps = data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n + 2))
    assert_close(x.repeat(*reps), xt.repeat(*reps))
    d, k = dims[0], data.draw(st.integers(1, 5))
    for ours, theirs in zip(x.chunk(k, d), xt.chunk(k, d)):
        assert_close(ours, theirs)
    assert len(x.chunk(k, d)) == len(xt.chunk(k, d))
    for ours, theirs in zip(x.split(k, d), xt.split(k, d)):
        assert_close(ours, theirs)


@pytest.mark.torch
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3), data=st.data(), seed=st.integers(0, 2**16))
def test_gather_and_scatter_match_torch(torch, shape, data, seed):
    rng = np.random.default_rng(seed)
    n = len(shape)
    dim = data.draw(st.integers(-n, n - 1))
    d = dim % n
    index_shape = [data.draw(st.integers(1, s)) if k != d else data.draw(st.integers(1, 5)) for k, s in
                   enumerate(shape)]
    index = rng.integers(0, shape[d], index_shape)
    x, src = rand64(rng, shape), rand64(rng, index_shape)
    xt, srct = to_torch(torch, x), to_torch(torch, src)
    for op in ("gather", "scatter_add") + (("scatter",) if _unique_targets(index, d) else ()):
        args = (dim, tg.tensor(index)) + ((src,) if op != "gather" else ())
        targs = (dim, torch.from_numpy(index)) + ((srct,) if op != "gather" else ())
        y, yt = getattr(x, op)(*args), getattr(xt, op)(*targs)
        assert_close(y, yt)
        w = rng.standard_normal(y.shape)
        x.grad = src.grad = xt.grad = srct.grad = None
        (y * tg.tensor(w)).sum().backward()
        (yt * torch.from_numpy(w)).sum().backward()
        assert_close(x.grad, xt.grad)
        if op != "gather":
            assert_close(src.grad, srct.grad)


def _unique_targets(index, d):
    """scatter with two writes to one place is unspecified in PyTorch: compare values only without them."""
    other = np.indices(index.shape)
    places = np.stack([index if k == d else other[k] for k in range(index.ndim)]).reshape(index.ndim, -1)
    return len({tuple(p) for p in places.T}) == places.shape[1]


@pytest.mark.torch
def test_scatter_with_repeated_targets_gives_every_source_its_gradient(torch):
    x, src = tg.zeros(3, requires_grad=True), tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x.scatter(0, tg.tensor([2, 2, 0]), src)
    assert y.data[1] == 0 and y.data[0] == 3 and y.data[2] in (1, 2)
    (y * tg.tensor([10.0, 20.0, 30.0])).sum().backward()
    xt, srct = torch.zeros(3, requires_grad=True), torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (xt.scatter(0, torch.tensor([2, 2, 0]), srct) * torch.tensor([10.0, 20.0, 30.0])).sum().backward()
    assert_close(src.grad, srct.grad)
    assert_close(x.grad, xt.grad)


def test_masked_fill_and_triangles_keep_infinities_out():
    x = tg.tensor([[np.inf, 1.0], [2.0, -np.inf]], requires_grad=True)
    y = x.masked_fill(tg.tensor([[True, False], [False, True]]), 0.0)
    np.testing.assert_array_equal(y.data, [[0, 1], [2, 0]])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[0, 1], [1, 0]])
    np.testing.assert_array_equal(tg.tensor([[1.0, np.inf], [2.0, 3.0]]).tril().data, [[1, 0], [2, 3]])


@pytest.mark.torch
@pytest.mark.parametrize("equation, shapes", [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),
    ("ba", [(2, 3)]),
    ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]),
    ("iij->ji", [(2, 2, 3)]),
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]),
    ("...ij,...jk->...ik", [(5, 1, 2, 3), (4, 3, 2)]),
    ("i...", [(3, 2, 2)]),
    ("ij->", [(2, 3)]),
    ("ij->j", [(2, 3)]),
    ("i,j->ij", [(2,), (3,)]),
    ("ij,ij->ij", [(1, 3), (2, 3)]),
    ("i j , j k -> i k", [(2, 3), (3, 2)]),
    ("ab,bc,cd->ad", [(2, 3), (3, 2), (2, 2)]),
    ("bchw,oc->bohw", [(2, 3, 2, 2), (4, 3)]),
])
def test_einsum_matches_torch_with_gradients(torch, equation, shapes):
    rng = np.random.default_rng(13)
    xs = [rand64(rng, s) for s in shapes]
    xts = [to_torch(torch, x) for x in xs]
    y, yt = tg.einsum(equation, *xs), torch.einsum(equation, *xts)
    assert_close(y, yt)
    w = rng.standard_normal(y.shape)
    (y * tg.tensor(w)).sum().backward()
    (yt * torch.from_numpy(w)).sum().backward()
    for x, xt in zip(xs, xts):
        assert_close(x.grad, xt.grad)
    assert gradcheck(lambda *ts: tg.einsum(equation, list(ts)), [rand64(rng, s) for s in shapes])


def test_einsum_second_derivative_and_symbolic_values():
    x = tg.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=tg.float64, requires_grad=True)
    (g,) = tg.grad(tg.einsum("ij,ji->", x, x), [x], create_graph=True)
    np.testing.assert_allclose(g.data, 2 * x.data.T)
    (h,) = tg.grad(g[0, 1], [x])
    np.testing.assert_array_equal(h.data, [[0, 0], [2, 0]])
    a = np.array(sympy.symbols("a0:4"), dtype=object).reshape(2, 2)
    s = tg.Tensor(a, requires_grad=True)
    tg.einsum("ii->", s).backward()
    assert s.grad.data.tolist() == [[1, 0], [0, 1]]
    assert tg.einsum("ij,jk->ik", s, s).data[0, 1] == a[0, 0] * a[0, 1] + a[0, 1] * a[1, 1]


def test_symbolic_shape_ops_and_their_gradients():
    a = sympy.symbols("a0:6")
    d = sympy.symbols("d0:6")
    x = tg.Tensor(np.array(a, dtype=object).reshape(2, 3), requires_grad=True)
    delta = tg.Tensor(np.array(d, dtype=object).reshape(2, 3))
    assert x.flip(1).data[0].tolist() == [a[2], a[1], a[0]]
    assert x.roll(1, 1).data[1].tolist() == [a[5], a[3], a[4]]
    assert x.tril().data.tolist() == [[a[0], 0, 0], [a[3], a[4], 0]]
    y = x.gather(1, tg.tensor([[2, 2, 0], [1, 0, 0]]))
    (y * delta).sum().backward()
    assert x.grad.data.tolist() == [[d[2], 0, d[0] + d[1]], [d[4] + d[5], d[3], 0]]
    x.grad = None
    z = x.scatter(1, tg.tensor([[1], [0]]), tg.Tensor(np.array([[sympy.Symbol("s")], [sympy.Symbol("t")]])))
    assert z.data.tolist() == [[a[0], sympy.Symbol("s"), a[2]], [sympy.Symbol("t"), a[4], a[5]]]
    (z * delta).sum().backward()
    assert x.grad.data.tolist() == [[d[0], 0, d[2]], [0, d[4], d[5]]]


def test_casts_follow_pytorch_dtypes_and_leave_the_graph():
    x = tg.tensor([1.7, -2.2], requires_grad=True)
    assert x.long().dtype == np.int64 and x.long().tolist() == [1, -2] and not x.long().requires_grad
    assert x.int().dtype == np.int32 and x.bool().dtype == np.bool_ and not x.bool().requires_grad
    h = x.half()
    assert h.dtype == np.float16 and h.requires_grad
    h.sum().backward()
    assert x.grad.dtype == np.float32 and x.grad.tolist() == [1, 1]
    assert x.type_as(tg.zeros(1, dtype=tg.float64)).dtype == np.float64
    assert x.contiguous() is x


def test_copies_do_not_share_memory_but_views_do():
    x = tg.arange(6.0).reshape(2, 3)
    for copy in (x.clone(), x.flip(0), x.roll(0, 0), x.repeat(1, 1), x.index_select(0, tg.tensor([0, 1]))):
        copy.data[...] = -1
        assert x.data.min() == 0
    x.narrow(1, 0, 1).data[...] = 9
    assert x.data[0, 0] == 9


def test_setitem_writes_in_place_and_bumps_the_version():
    x = tg.zeros(2, 3)
    x[0, [0, 2]] = 5
    x[1] = tg.tensor([1.0, 2.0, 3.0])
    x[x > 4] = -1
    np.testing.assert_array_equal(x.data, [[-1, 0, -1], [1, 2, 3]])
    assert x._version == 3
    w = tg.ones(2, 3, requires_grad=True)
    with tg.no_grad():
        w[:, 1] = 0.5
    assert w.is_leaf and w.data[1, 1] == 0.5


def test_setitem_errors_follow_pytorch():
    w = tg.ones(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match="setitem: a leaf .*requires grad.*in-place operation"):
        w[0] = 1.0
    with pytest.raises(ShapeError, match=r"setitem: a value of shape \(2,\) cannot be broadcast .*\(3,\)"):
        tg.zeros(2, 3)[0] = np.ones(2)
    with pytest.raises(RuntimeError, match="expanded view"):
        tg.zeros(1, 3).expand(2, 3)[0, 0] = 1.0
    with pytest.raises(IndexError, match="getitem: index 3 is out of range"):
        tg.zeros(3)[3] = 1.0


def test_setitem_on_a_saved_input_makes_backward_raise():
    w, x = tg.ones(3, requires_grad=True), tg.ones(3)
    y = (w * x).sum()
    x[0] = 2.0
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        y.backward()


@pytest.mark.torch
def test_setitem_in_the_graph_matches_torch(torch):
    rng = np.random.default_rng(14)
    w, v = rand64(rng, (3, 4)), rand64(rng, (2,))
    wt, vt = to_torch(torch, w), to_torch(torch, v)
    ys = []
    for lib, a, b in ((tg, w, v), (torch, wt, vt)):
        y = a * 2
        y[1, ::2] = b * b
        y[0, lib.tensor(np.array([3, 1]))] = b
        z = lib.zeros(2, 4, dtype=lib.float64)
        z[1] = b[0]
        ((y * y).sum() + (z * z).sum() * 3).backward()
        ys.append(y)
    assert_close(ys[0], ys[1])
    assert not ys[0].is_leaf
    assert_close(w.grad, wt.grad)
    assert_close(v.grad, vt.grad)


def test_shape_op_errors_name_the_op():
    x = tg.ones(2, 3)
    with pytest.raises(ShapeError, match=r"expand: the expanded size \(4\) must match the existing size \(3\)"):
        x.expand(2, 4)
    with pytest.raises(ShapeError, match="expand: the size −1 is not allowed in a leading"):
        x.expand(-1, 2, 3)
    with pytest.raises(ShapeError, match="repeat: the number of repeats"):
        x.repeat(2)
    with pytest.raises(ShapeError, match=r"split: split sizes \[1, 1\] must .*sum exactly to 3"):
        x.split([1, 1], 1)
    with pytest.raises(ShapeError, match="chunk: chunks must be greater than 0"):
        x.chunk(0)
    with pytest.raises(ShapeError, match=r"narrow: start \(2\) \+ length \(2\) exceeds dimension size \(3\)"):
        x.narrow(1, 2, 2)
    with pytest.raises(IndexError, match="narrow: start 5 is out of range"):
        x.narrow(1, 5, 0)
    with pytest.raises(IndexError, match="gather: index 3 is out of bounds for dimension 1 with size 3"):
        x.gather(1, tg.tensor([[3]]))
    with pytest.raises(RuntimeError, match="scatter: index -1 is out of bounds"):
        x.scatter(0, tg.tensor([[-1]]), 1.0)
    with pytest.raises(ShapeError, match="gather: the index tensor must have the same number of dimensions"):
        x.gather(0, tg.tensor([0]))
    with pytest.raises(TypeError, match="gather: expected an integer"):
        x.gather(0, tg.tensor([[0.0]]))
    with pytest.raises(TypeError, match="masked_fill: only boolean masks"):
        x.masked_fill(tg.tensor([1, 0, 1]), 0.0)
    with pytest.raises(IndexError, match="index_select: the index must be a vector"):
        x.index_select(0, tg.tensor([[0]]))
    with pytest.raises(ShapeError, match="tril: the input must have at least 2 dimensions"):
        tg.ones(3).tril()
    with pytest.raises(ShapeError, match=r"t: expects a tensor with <= 2 dimensions"):
        tg.ones(2, 2, 2).t()
    with pytest.raises(ShapeError, match="movedim: .*same number"):
        x.movedim(0, (0, 1))
    with pytest.raises(ShapeError, match="flip: dim 0 appears multiple times"):
        x.flip(0, -2)
    with pytest.raises(ShapeError, match=r"mm: mat2 must be a matrix, got shape \(3,\)"):
        tg.mm(x, tg.ones(3))
    with pytest.raises(ShapeError, match="bmm: input must be a 3-D tensor"):
        tg.bmm(x, x)
    with pytest.raises(ShapeError, match=r"bmm: expected mat2 of shape \(2, 3, p\)"):
        tg.bmm(tg.ones(2, 2, 3), tg.ones(1, 3, 2))
    with pytest.raises(ShapeError, match="einsum: subscript j has size 2 .* does not broadcast with the size 3"):
        tg.einsum("ij,jk->ik", x, x)
    with pytest.raises(ShapeError, match="einsum: the equation 'ij,jk' has 2 operand"):
        tg.einsum("ij,jk", x)
    with pytest.raises(ValueError, match="einsum: output subscript k does not appear"):
        tg.einsum("ij->k", x)
    with pytest.raises(ShapeError, match="einsum: the subscripts 'ijk' do not match the 2 dimensions"):
        tg.einsum("ijk", x)


def test_function_forms_take_numpy_arrays():
    a = np.arange(6.0).reshape(2, 3)
    assert tg.flip(a, 0).tolist() == a[::-1].tolist()
    assert tg.gather(a, 1, np.array([[0], [2]])).tolist() == [[0.0], [5.0]]
    assert tg.einsum("ij->j", a).tolist() == [3.0, 5.0, 7.0]
    assert tg.masked_fill(a, a > 3, 0.0).tolist() == [[0, 1, 2], [3, 0, 0]]
    assert isinstance(tg.clone(a), tg.Tensor) and tg.t(a).shape == (3, 2)


@pytest.mark.torch
def test_index_select_on_a_scalar_takes_exactly_one_index(torch):
    """A 0-d input has one entry: index_select takes one index value (as a 1-vector or 0-d), else raises as PyTorch."""
    for index in ([0], 0):
        ours = tg.index_select(tg.tensor(2.0), 0, tg.tensor(index))
        theirs = torch.index_select(torch.tensor(2.0), 0, torch.tensor(index))
        assert ours.shape == tuple(theirs.shape) and float(ours.sum()) == 2.0
    for index in ([0, 0, 0], []):
        with pytest.raises(RuntimeError):
            torch.index_select(torch.tensor(2.0), 0, torch.tensor(index, dtype=torch.long))
        with pytest.raises(RuntimeError, match="only 1 value"):
            tg.index_select(tg.tensor(2.0), 0, tg.tensor(index, dtype=tg.int64))


@pytest.mark.torch
def test_contiguous_of_a_transposed_view_is_a_contiguous_copy_as_torch(torch):
    """x.t().contiguous() returned the view itself: stride() was the view's (1, 3), and an
    in-place change of the result wrote into x (PyTorch: a contiguous copy whose change leaves x)."""
    results = []
    for m in (torch, tg):
        x = m.arange(6.0).reshape(2, 3)
        y = x.t().contiguous()
        facts = (tuple(y.stride()), x.contiguous() is x)
        y.add_(10)
        results.append((facts, x.tolist(), y.tolist()))
    assert results[1] == results[0]
    w = tg.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    (w.t().contiguous() * tg.tensor(np.arange(6.0).reshape(3, 2))).sum().backward()
    np.testing.assert_array_equal(w.grad.data, np.arange(6.0).reshape(3, 2).T)
