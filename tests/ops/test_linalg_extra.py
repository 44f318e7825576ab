"""dot … dist (ops/linalg_extra.py): values, dtypes, named tuples and gradients against PyTorch (NaN in the scans
and medians, integer inputs), finite differences in float64, SymPy values through the compositions, and PyTorch's
exception classes."""
import numpy as np
import pytest
import sympy
from hypothesis import given, settings, strategies as st

import tinygrad_edu as tg
from tinygrad_edu.symbolic import symbols
from tests.helpers import assert_close, numeric_grad, to_torch

rng = np.random.default_rng(7)


def R(*shape):
    return rng.standard_normal(shape)


# name: (call on the module (tg or torch), operand arrays)
CALLS = {
    "dot": (lambda m, a, b: m.dot(a, b), (R(4), R(4))),
    "vdot": (lambda m, a, b: m.vdot(a, b), (R(4), R(4))),
    "inner": (lambda m, a, b: m.inner(a, b), (R(2, 3, 4), R(5, 4))),
    "outer": (lambda m, a, b: m.outer(a, b), (R(3), R(4))),
    "ger": (lambda m, a, b: m.ger(a, b), (R(3), R(4))),
    "mv": (lambda m, a, b: m.mv(a, b), (R(3, 4), R(4))),
    "addmm": (lambda m, c, a, b: m.addmm(c, a, b, beta=0.5, alpha=-2), (R(1, 5), R(3, 4), R(4, 5))),
    "addmv": (lambda m, c, a, b: m.addmv(c, a, b, beta=2), (R(3), R(3, 4), R(4))),
    "addbmm": (lambda m, c, a, b: m.addbmm(c, a, b, alpha=3), (R(3, 5), R(2, 3, 4), R(2, 4, 5))),
    "baddbmm": (lambda m, c, a, b: m.baddbmm(c, a, b, beta=0.25), (R(2, 3, 5), R(2, 3, 4), R(2, 4, 5))),
    "kron": (lambda m, a, b: m.kron(a, b), (R(2, 3), R(3, 2, 2))),
    "cross": (lambda m, a, b: m.cross(a, b, dim=0), (R(3, 4), R(3, 4))),
    "cross_default_dim": (lambda m, a, b: m.cross(a, b), (R(2, 3), R(2, 3))),
    "diagonal": (lambda m, a: m.diagonal(a, 1, 2, 0), (R(3, 4, 5),)),
    "diagonal_negative": (lambda m, a: m.diagonal(a, -2), (R(4, 3),)),
    "diag_1d": (lambda m, a: m.diag(a, -1), (R(4),)),
    "diag_2d": (lambda m, a: m.diag(a, 2), (R(3, 5),)),
    "diag_embed": (lambda m, a: m.diag_embed(a, 1, 0, 2), (R(2, 3),)),
    "trace": (lambda m, a: m.trace(a), (R(3, 4),)),
    "cumprod": (lambda m, a: m.cumprod(a, 1), (R(3, 4),)),
    "logcumsumexp": (lambda m, a: m.logcumsumexp(a, 0), (R(4, 3),)),
    "cummax": (lambda m, a: m.cummax(a, 1).values, (R(3, 5),)),
    "cummin": (lambda m, a: m.cummin(a, 0).values, (R(5, 3),)),
    "median_dim": (lambda m, a: m.median(a, 1).values, (R(3, 6),)),
    "median_all": (lambda m, a: m.median(a), (R(3, 4),)),
    "nanmedian": (lambda m, a: m.nanmedian(a, 0, keepdim=True).values, (R(5, 3),)),
    "nansum": (lambda m, a: m.nansum(a, 1), (R(3, 4),)),
    "nanmean": (lambda m, a: m.nanmean(a), (R(3, 4),)),
    "aminmax": (lambda m, a: m.aminmax(a, dim=1).max, (R(3, 4),)),
    "diff": (lambda m, a, b: m.diff(a, 2, 0, prepend=b), (R(4, 3), R(1, 3))),
    "dist": (lambda m, a, b: m.dist(a, b, 3), (R(3, 4), R(4))),
    "renorm": (lambda m, a: m.renorm(a, 2, 0, 1.5), (R(4, 3) * 2,)),
    "renorm_p1": (lambda m, a: m.renorm(a, 1, 1, 2.0), (R(3, 4) * 2,)),
    "dist_inf": (lambda m, a, b: m.dist(a, b, float("inf")), (R(3, 4), R(3, 4))),
}


@pytest.mark.torch
@pytest.mark.parametrize("name", list(CALLS))
def test_values_and_gradients_as_pytorch(torch, name):
    call, arrays = CALLS[name]
    ours = [tg.tensor(a, requires_grad=True) for a in arrays]
    theirs = [to_torch(torch, t) for t in ours]
    y, yt = call(tg, *ours), call(torch, *theirs)
    assert_close(y, yt, rtol=1e-12, atol=1e-14)
    assert y.dtype == np.float64
    w = R(*y.shape)
    (y * tg.tensor(w)).sum().backward()
    (yt * torch.tensor(w)).sum().backward()
    for o, t in zip(ours, theirs):
        assert_close(o.grad, t.grad, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", list(CALLS))
def test_finite_differences(name):
    call, arrays = CALLS[name]
    ours = [tg.tensor(a, requires_grad=True) for a in arrays]
    w = R(*call(tg, *ours).shape)
    (call(tg, *ours) * tg.tensor(w)).sum().backward()
    for k, t in enumerate(ours):
        def f(x, k=k):
            args = [o.detach() for o in ours]
            args[k] = x
            return call(tg, *args)
        np.testing.assert_allclose(t.grad.data, numeric_grad(f, t, w), rtol=1e-6, atol=1e-8)


@pytest.mark.torch
def test_methods_are_the_functions(torch):
    a, b, m = tg.tensor(R(3)), tg.tensor(R(3)), tg.tensor(R(2, 3, 4))
    at, bt, mt = torch.tensor(a.data), torch.tensor(b.data), torch.tensor(m.data)
    assert_close(a.dot(b), at.dot(bt))
    assert_close(a.outer(b), at.outer(bt))
    assert_close(a.cross(b), at.cross(bt))
    assert_close(m.mT, mt.mT)
    assert_close(m.mH, mt.mH)
    assert_close(m[0].H, mt[0].H)
    assert_close(m.diagonal(0, 1, 2), mt.diagonal(0, 1, 2))
    assert_close(m.cumprod(2), mt.cumprod(2))
    assert_close(m.median(), mt.median())
    assert_close(m.diff(), mt.diff())
    assert_close(m.count_nonzero(), mt.count_nonzero())
    assert_close(m[0].trace(), mt[0].trace())
    with pytest.raises(RuntimeError):
        a.mT
    with pytest.raises(RuntimeError):
        m.H


NAN = np.nan


@pytest.mark.torch
@pytest.mark.parametrize("name", ["cummax", "cummin", "median", "nanmedian"])
def test_nan_ties_and_named_tuples_as_pytorch(torch, name):
    x = np.array([[1.0, 3.0, NAN, 2.0, 5.0, 5.0], [2.0, 2.0, -1.0, 4.0, 4.0, -3.0], [NAN, NAN, 1.0, 0.0, 1.0, 0.0],
                  [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]])
    ours, theirs = getattr(tg, name)(tg.tensor(x), 1), getattr(torch, name)(torch.tensor(x), 1)
    assert type(ours).__name__ == name and ours._fields == ("values", "indices")
    np.testing.assert_array_equal(ours.values.data, theirs.values.numpy())
    np.testing.assert_array_equal(ours.indices.data, theirs.indices.numpy())
    assert ours.indices.dtype == np.int64
    if name in ("median", "nanmedian"):
        np.testing.assert_array_equal(getattr(tg, name)(tg.tensor(x)).data, getattr(torch, name)(torch.tensor(x)))


@pytest.mark.torch
@settings(max_examples=40, deadline=None)
@given(data=st.lists(st.sampled_from([-2.0, -1.0, 0.0, 1.0, 2.0, 3.5, NAN]), min_size=1, max_size=9),
       name=st.sampled_from(["cummax", "cummin", "median", "nanmedian"]))
def test_random_scans_and_medians_with_ties_and_nan_as_pytorch(torch, data, name):
    x = np.array(data)
    ours, theirs = getattr(tg, name)(tg.tensor(x), 0), getattr(torch, name)(torch.tensor(x), 0)
    np.testing.assert_array_equal(ours.values.data, theirs.values.numpy())
    np.testing.assert_array_equal(ours.indices.data, theirs.indices.numpy())


@pytest.mark.torch
def test_integer_inputs_and_nan_reductions_as_pytorch(torch):
    i = np.array([[3, 0, 2], [1, 5, 0]])
    for name, args in (("cumprod", (1,)), ("trace", ()), ("count_nonzero", ()), ("median", ()), ("diff", ()),
                       ("cummax", (0,)), ("nansum", ()), ("dot", None)):
        if args is None:
            ours, theirs = tg.dot(tg.tensor(i[0]), tg.tensor(i[1])), torch.dot(torch.tensor(i[0]), torch.tensor(i[1]))
        else:
            ours, theirs = getattr(tg, name)(tg.tensor(i), *args), getattr(torch, name)(torch.tensor(i), *args)
        if name == "cummax":
            ours, theirs = ours.values, theirs.values
        assert str(ours.dtype) == str(theirs.dtype).replace("torch.", ""), name
        np.testing.assert_array_equal(ours.data, theirs.numpy())
    x = np.array([[NAN, 1.0, 2.0], [NAN, NAN, NAN]])
    np.testing.assert_array_equal(tg.nansum(tg.tensor(x), 1).data, torch.nansum(torch.tensor(x), 1).numpy())
    np.testing.assert_array_equal(tg.nanmean(tg.tensor(x), 1).data, torch.nanmean(torch.tensor(x), 1).numpy())
    np.testing.assert_array_equal(tg.diff(tg.tensor([True, False, False])).data,
                                  torch.diff(torch.tensor([True, False, False])).numpy())
    lo, hi = tg.aminmax(tg.tensor(x[0]))
    assert np.isnan(lo.data) and np.isnan(hi.data)


@pytest.mark.torch
def test_cumprod_gradient_with_zeros_as_pytorch(torch):
    x = tg.tensor([[2.0, 0.0, 3.0, 0.0, 4.0], [1.5, -2.0, 0.0, 1.0, 3.0]], dtype=tg.float64, requires_grad=True)
    xt = to_torch(torch, x)
    x.cumprod(1).sum().backward()
    xt.cumprod(1).sum().backward()
    assert_close(x.grad, xt.grad)


@pytest.mark.torch
def test_logcumsumexp_does_not_overflow_and_keeps_minus_infinity(torch):
    x = np.array([1000.0, 1000.0, -np.inf, 0.0], dtype=np.float32)
    assert_close(tg.logcumsumexp(tg.tensor(x), 0), torch.logcumsumexp(torch.tensor(x), 0), rtol=1e-6)


def test_symbolic_values_through_the_compositions():
    a, b = symbols("a", 3), symbols("b", 3)
    c = tg.cross(a, b)
    (a1, a2, a3), (b1, b2, b3) = a.data, b.data
    assert [sympy.expand(e) for e in c.data] == [a2 * b3 - a3 * b2, a3 * b1 - a1 * b3, a1 * b2 - a2 * b1]
    assert sympy.expand(tg.dot(a, b).data[()] - (a1 * b1 + a2 * b2 + a3 * b3)) == 0
    m = symbols("m", (2, 2))
    t = tg.trace(m)
    assert t.data[()] == m.data[0, 0] + m.data[1, 1]
    t.backward()
    assert m.grad.data.tolist() == [[1, 0], [0, 1]]
    p = tg.cumprod(a, 0)
    assert sympy.expand(p.data[2] - a1 * a2 * a3) == 0


@pytest.mark.torch
def test_bad_inputs_raise_pytorchs_classes(torch):
    cases = [
        (lambda m: m.dot(m.ones(3), m.ones(4)), RuntimeError),
        (lambda m: m.dot(m.ones(2, 2), m.ones(2, 2)), RuntimeError),
        (lambda m: m.mv(m.ones(2, 3), m.ones(2)), RuntimeError),
        (lambda m: m.cross(m.ones(2, 4), m.ones(2, 4), dim=1), RuntimeError),
        (lambda m: m.diagonal(m.ones(3), 0), IndexError),
        (lambda m: m.diagonal(m.ones(3, 3), 0, 1, 1), RuntimeError),
        (lambda m: m.trace(m.ones(2, 2, 2)), RuntimeError),
        (lambda m: m.cumprod(m.ones(2, 2), 5), IndexError),
        (lambda m: m.median(m.ones(2, 0), 1), IndexError),
        (lambda m: m.diff(m.ones(3), -1), RuntimeError),
        (lambda m: m.addmm(m.ones(2, 2), m.ones(2, 2), m.ones(2, 2, dtype=m.float64)), RuntimeError),
        (lambda m: m.logcumsumexp(m.tensor([1, 2]), 0), RuntimeError),
    ]
    for call, cls in cases:
        with pytest.raises(cls):
            call(torch)
        with pytest.raises(cls):
            call(tg)


DIAGONAL_CASES = [((3, 3), 0, 0, 1), ((3, 4), 1, 0, 1), ((4, 3), -1, 0, 1), ((2, 3, 4), 0, 1, 2), ((2, 3, 4), 1, 2, 0)]


@pytest.mark.torch
@pytest.mark.parametrize("shape, offset, dim1, dim2", DIAGONAL_CASES)
def test_in_place_on_a_diagonal_changes_the_tensor_as_torch(torch, shape, offset, dim1, dim2):
    """diagonal() is a view in PyTorch: x.diagonal().zero_() zeroes x's diagonal (here it changed a copy)."""
    values = np.arange(float(np.prod(shape))).reshape(shape)
    x, xt = tg.tensor(values), torch.tensor(values)
    x.diagonal(offset, dim1, dim2).mul_(-1)
    xt.diagonal(offset, dim1, dim2).mul_(-1)
    np.testing.assert_array_equal(x.data, xt.numpy())


@pytest.mark.torch
@pytest.mark.parametrize("shape, offset, dim1, dim2", DIAGONAL_CASES)
def test_in_place_on_a_diagonal_of_a_graph_tensor_reaches_its_gradient_as_torch(torch, shape, offset, dim1, dim2):
    values = np.arange(float(np.prod(shape))).reshape(shape) / 7
    results = []
    for m in (torch, tg):
        x = m.tensor(values, requires_grad=True)
        y = x * 1
        y.diagonal(offset, dim1, dim2).mul_(3)
        (y * y).sum().backward()
        results.append((y.detach().numpy() if m is torch else y.data, x.grad.numpy() if m is torch else x.grad.data))
    for theirs, ours in zip(results[0], results[1]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


@pytest.mark.torch
def test_diag_of_a_matrix_is_a_copy_as_torch(torch):
    """torch.diag is not a view (unlike diagonal): zeroing it leaves the matrix."""
    x, xt = tg.arange(9.0).reshape(3, 3), torch.arange(9.0).reshape(3, 3)
    tg.diag(x).zero_()
    x.diag().zero_()
    torch.diag(xt).zero_()
    np.testing.assert_array_equal(x.data, xt.numpy())
