"""std_mean … histogram (ops/statistics.py): values, dtypes, shapes, named tuples and gradients against PyTorch
(ties in kthvalue and mode: the same index, so the same gradient), finite differences in float64, all five quantile
interpolations with scalar and 1-D q, cov's weights, and errors naming the op and the rule."""
import warnings

import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
from tests.helpers import assert_close, numeric_grad

rng = np.random.default_rng(11)


def R(*shape):
    return rng.standard_normal(shape)


def _both(torch, fn, *arrays):
    """fn on tg and on torch tensors of the same float64 arrays (requires_grad), and the input leaves."""
    ours = [tg.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    return fn(tg, *ours), fn(torch, *theirs), ours, theirs


# name: (call on the module, operand arrays); each returns one differentiable tensor
CALLS = {
    "std_mean": (lambda m, a: sum(m.std_mean(a, 1, keepdim=True)), (R(3, 4),)),
    "std_mean_all": (lambda m, a: m.std_mean(a, correction=0)[0] * m.std_mean(a)[1], (R(3, 4),)),
    "var_mean": (lambda m, a: m.var_mean(a, (0, 2), correction=2)[0] + m.var_mean(a, 0)[1].sum(), (R(4, 2, 3),)),
    "var_mean_unbiased": (lambda m, a: m.var_mean(a, 1, False)[0], (R(3, 4),)),
    "kthvalue": (lambda m, a: m.kthvalue(a, 2, 0).values, (R(5, 3),)),
    "kthvalue_keepdim": (lambda m, a: m.kthvalue(a, 4, -1, True).values, (R(2, 3, 6),)),
    "mode": (lambda m, a: m.mode(a.round(), 1).values, (R(3, 8) * 2,)),
    "msort": (lambda m, a: m.msort(a), (R(4, 3),)),
    "quantile": (lambda m, a: m.quantile(a, 0.3), (R(3, 5),)),
    "quantile_vector_dim": (lambda m, a, q: m.quantile(a, q, dim=1, keepdim=True), (R(3, 5), np.array([0., .2, 1]))),
    "nanquantile": (lambda m, a: m.nanquantile(a, 0.7, 0), (R(5, 3),)),
    "cov": (lambda m, a: m.cov(a), (R(3, 6),)),
    "cov_1d": (lambda m, a: m.cov(a, correction=0), (R(6),)),
    "corrcoef": (lambda m, a: m.corrcoef(a), (R(3, 6),)),
}


@pytest.mark.torch
@pytest.mark.parametrize("name", list(CALLS))
def test_values_and_gradients_match_pytorch(torch, name):
    fn, arrays = CALLS[name]
    ours, theirs, xs, ts = _both(torch, fn, *arrays)
    assert_close(ours, theirs, rtol=1e-10, atol=1e-12)
    v = rng.standard_normal(ours.shape)
    (ours * tg.tensor(v)).sum().backward()
    (theirs * torch.tensor(v)).sum().backward()
    for x, t in zip(xs, ts):
        if x.grad is not None or t.grad is not None:
            assert_close(x.grad, t.grad, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", [n for n in CALLS if n != "quantile_vector_dim"])
def test_gradients_match_finite_differences(name):
    fn, arrays = CALLS[name]
    x = tg.tensor(arrays[0], requires_grad=True)
    y = fn(tg, x)
    v = rng.standard_normal(y.shape)
    (y * tg.tensor(v)).sum().backward()
    if name == "mode":  # piecewise constant in the rounded input: the gradient is that of the chosen entry
        return
    np.testing.assert_allclose(x.grad.data, numeric_grad(lambda t: fn(tg, t), x, v), rtol=1e-5, atol=1e-7)


@pytest.mark.torch
@given(st.integers(1, 40), st.integers(0, 2**31 - 1), st.booleans(), st.sampled_from([np.float32, np.float64]))
def test_kthvalue_picks_pytorchs_index_among_ties(torch, n, seed, nans, dtype):
    g = np.random.default_rng(seed)
    a = g.integers(0, 4, (3, n)).astype(dtype)
    if nans:
        a[g.random(a.shape) < 0.2] = np.nan
    k = int(g.integers(1, n + 1))
    x, t = tg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    ours, theirs = tg.kthvalue(x, k, 1), torch.kthvalue(t, k, 1)
    np.testing.assert_array_equal(ours.indices.data, theirs.indices.numpy())
    np.testing.assert_array_equal(ours.values.data, theirs.values.detach().numpy())
    assert ours.values.dtype == dtype and ours.indices.dtype == tg.int64
    ours.values.sum().backward()
    theirs.values.sum().backward()
    np.testing.assert_array_equal(x.grad.data, t.grad.numpy())


@pytest.mark.torch
@given(st.integers(1, 16), st.integers(0, 2**31 - 1), st.sampled_from([np.float32, np.float64, np.int64]))
def test_mode_value_and_index_as_pytorch(torch, n, seed, dtype):
    g = np.random.default_rng(seed)
    a = g.integers(-2, 3, (4, n)).astype(dtype)
    ours, theirs = tg.mode(tg.tensor(a), -1), torch.mode(torch.tensor(a), -1)
    np.testing.assert_array_equal(ours.values.data, theirs.values.numpy())
    np.testing.assert_array_equal(ours.indices.data, theirs.indices.numpy())
    assert ours.values.dtype == a.dtype and type(ours).__name__ == "mode"


@pytest.mark.torch
@given(st.integers(17, 300), st.integers(0, 2**31 - 1), st.integers(2, 30))
def test_mode_on_long_rows_picks_pytorchs_index(torch, n, seed, distinct):
    a = np.random.default_rng(seed).integers(0, distinct, (3, n)).astype(np.float64)
    x, t = tg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    ours, theirs = tg.mode(x, 1, keepdim=True), torch.mode(t, 1, keepdim=True)
    np.testing.assert_array_equal(ours.values.data, theirs.values.detach().numpy())
    np.testing.assert_array_equal(ours.indices.data, theirs.indices.numpy())
    ours.values.sum().backward()
    theirs.values.sum().backward()
    np.testing.assert_array_equal(x.grad.data, t.grad.numpy())


@pytest.mark.torch
@given(st.integers(1, 400), st.integers(0, 2**31 - 1), st.booleans())
def test_the_sort_order_is_pytorchs_with_ties_and_nan(torch, n, seed, nans):
    from tinygrad_edu.ops.statistics import _torch_sort_order

    g = np.random.default_rng(seed)
    a = g.integers(0, int(g.integers(1, 8)), (4, n)).astype(np.float64)
    if nans:
        a[g.random(a.shape) < 0.2] = np.nan
    np.testing.assert_array_equal(_torch_sort_order(a), torch.sort(torch.tensor(a)).indices.numpy())


@pytest.mark.torch
@given(st.integers(17, 200), st.integers(0, 2**31 - 1), st.sampled_from(["linear", "midpoint", "nearest"]))
def test_quantile_gradient_at_ties_in_long_rows_is_pytorchs(torch, n, seed, interpolation):
    g = np.random.default_rng(seed)
    a = g.integers(0, 6, (3, n)).astype(np.float64)
    q = g.random(5)
    x, t = tg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    ours = tg.quantile(x, tg.tensor(q), 1, interpolation=interpolation)
    theirs = torch.quantile(t, torch.tensor(q), 1, interpolation=interpolation)
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-14)
    ours.sum().backward()
    theirs.sum().backward()
    np.testing.assert_allclose(x.grad.data, t.grad.numpy(), rtol=1e-12, atol=1e-15)


@pytest.mark.torch
@given(st.sampled_from(["linear", "lower", "higher", "midpoint", "nearest"]), st.integers(1, 30),
       st.integers(0, 2**31 - 1), st.booleans(), st.sampled_from([np.float32, np.float64]),
       st.sampled_from([None, 0, 1, -1]), st.booleans(), st.booleans())
def test_quantile_and_nanquantile_as_pytorch(torch, interpolation, n, seed, vector, dtype, dim, keepdim, nans):
    g = np.random.default_rng(seed)
    a = g.integers(0, 4, (3, n)).astype(dtype) + (g.random((3, n)) < 0.5) * g.standard_normal((3, n)).astype(dtype)
    if nans:
        a[g.random(a.shape) < 0.25] = np.nan
    q = g.random(4).astype(dtype) if vector else float(g.choice([0, 0.25, 0.5, 1 / 3, 1, g.random()]))
    q_ours, q_theirs = (tg.tensor(q), torch.tensor(q)) if vector else (q, q)
    for name in ("quantile", "nanquantile"):
        x, t = tg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
        ours = getattr(tg, name)(x, q_ours, dim, keepdim, interpolation=interpolation)
        theirs = getattr(torch, name)(t, q_theirs, dim, keepdim, interpolation=interpolation)
        assert ours.shape == tuple(theirs.shape) and ours.dtype == dtype
        # PyTorch's lerp kernel fuses its multiply-add: an ulp of the operands apart where the result cancels
        ulp = np.finfo(dtype).eps * np.nanmax(np.abs(a), initial=1)
        np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=2 * np.finfo(dtype).eps, atol=2 * ulp)
        v = g.standard_normal(ours.shape).astype(dtype)
        (ours * tg.tensor(v)).sum().backward()
        (theirs * torch.tensor(v)).sum().backward()
        np.testing.assert_allclose(x.grad.data, t.grad.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.torch
def test_quantile_0d_and_methods(torch):
    assert_close(tg.tensor(3.).quantile(0.5), torch.tensor(3.).quantile(0.5))
    x = R(2, 3)
    assert_close(tg.tensor(x).quantile(tg.tensor([0.5], dtype=tg.float64), keepdim=True), torch.tensor(x).quantile(
        torch.tensor([0.5], dtype=torch.float64), keepdim=True))
    assert_close(tg.tensor(x).nanquantile(0.2, 1), torch.tensor(x).nanquantile(0.2, 1))
    assert_close(tg.tensor(x).msort(), torch.tensor(x).msort())
    assert_close(tg.tensor(x).kthvalue(2).values, torch.tensor(x).kthvalue(2).values)
    assert_close(tg.tensor(x).mode(0).values, torch.tensor(x).mode(0).values)
    assert_close(tg.tensor(x).cov(), torch.tensor(x).cov())
    assert_close(tg.tensor(x).corrcoef(), torch.tensor(x).corrcoef())


@pytest.mark.torch
@given(st.integers(0, 2**31 - 1), st.booleans(), st.booleans(), st.integers(0, 2))
def test_cov_with_weights_as_pytorch(torch, seed, use_f, use_a, correction):
    g = np.random.default_rng(seed)
    a = g.standard_normal((3, 5))
    f = g.integers(0, 4, 5) if use_f else None
    w = g.random(5) + 0.1 if use_a else None
    x, t = tg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    kwargs = dict(correction=correction)
    if f is not None and (f * (1 if w is None else w)).sum() == 0:
        with pytest.raises(RuntimeError, match="cov: the weights sum to zero"):
            tg.cov(x, fweights=tg.tensor(f), aweights=None if w is None else tg.tensor(w), **kwargs)
        return
    with warnings.catch_warnings():  # Σw ≤ correction: both warn (checked below) and give NaN/∞
        warnings.simplefilter("ignore")
        ours = tg.cov(x, fweights=None if f is None else tg.tensor(f), aweights=None if w is None else tg.tensor(w),
                      **kwargs)
        theirs = torch.cov(t, fweights=None if f is None else torch.tensor(f),
                           aweights=None if w is None else torch.tensor(w), **kwargs)
    if not np.isfinite(theirs.detach().numpy()).all():
        np.testing.assert_array_equal(np.isfinite(ours.data), np.isfinite(theirs.detach().numpy()))
        return
    assert_close(ours, theirs, rtol=1e-10, atol=1e-12)
    ours.sum().backward()
    theirs.sum().backward()
    assert_close(x.grad, t.grad, rtol=1e-9, atol=1e-12)


def test_cov_warns_when_the_degrees_of_freedom_run_out():
    with pytest.warns(RuntimeWarning, match="cov: degrees of freedom"):
        out = tg.cov(tg.tensor([[1.0], [2.0]]))
    assert np.isnan(out.data).all()
    with pytest.warns(RuntimeWarning, match="cov: degrees of freedom"):
        tg.cov(tg.tensor([[1.0, 2.0]]), fweights=tg.tensor([1, 0]))


@pytest.mark.torch
def test_dtypes_and_return_types(torch):
    ints = np.array([[1, 2, 4], [3, 1, 1]])
    assert tg.cov(tg.tensor(ints)).dtype == tg.float32 == np.dtype(str(torch.cov(torch.tensor(ints)).dtype)[6:])
    assert tg.corrcoef(tg.tensor(ints)).dtype == tg.float32
    k = tg.kthvalue(tg.tensor([3, 1, 2]), 1)
    assert type(k).__name__ == "kthvalue" and k.values.dtype == tg.int64 and k.values.item() == 1
    assert k.indices.item() == 1
    s = tg.std_mean(tg.tensor([1., 2, 4]))
    assert type(s) is tuple and len(s) == 2
    assert tg.kthvalue(tg.tensor(5.), 1).indices.item() == 0


@pytest.mark.torch
@given(st.integers(1, 30), st.integers(1, 8), st.integers(0, 2**31 - 1), st.booleans(), st.booleans(),
       st.sampled_from([np.float32, np.float64]))
def test_histogram_as_pytorch(torch, n, bins, seed, weighted, density, dtype):
    g = np.random.default_rng(seed)
    a = (g.standard_normal(n) * 3).round(1).astype(dtype)
    w = g.random(n).astype(dtype) if weighted else None
    rng_arg = (-2.0, 2.5) if seed % 2 else None
    ours = tg.histogram(tg.tensor(a), bins, range=rng_arg, weight=None if w is None else tg.tensor(w),
                        density=density)
    theirs = torch.histogram(torch.tensor(a), bins, range=rng_arg, weight=None if w is None else torch.tensor(w),
                             density=density)
    assert type(ours).__name__ == "histogram" and ours.hist.dtype == dtype
    np.testing.assert_array_equal(ours.bin_edges.data, theirs.bin_edges.numpy())
    np.testing.assert_allclose(ours.hist.data, theirs.hist.numpy(), rtol=1e-5)
    edges = np.sort(g.standard_normal(bins + 1)).astype(dtype)
    ours = tg.histogram(tg.tensor(a), tg.tensor(edges))
    np.testing.assert_allclose(ours.hist.data, torch.histogram(torch.tensor(a), torch.tensor(edges)).hist.numpy())


@pytest.mark.parametrize("call, error, words", [
    (lambda: tg.kthvalue(tg.tensor([1., 2]), 3), RuntimeError, "kthvalue: k = 3"),
    (lambda: tg.kthvalue(tg.tensor([1., 2]), 1.5), TypeError, "kthvalue: argument 'k'"),
    (lambda: tg.kthvalue(tg.tensor([True]), 1), TypeError, "kthvalue: not implemented for dtype bool"),
    (lambda: tg.kthvalue(tg.tensor([1., 2]), 1, 2), IndexError, "kthvalue"),
    (lambda: tg.quantile(tg.tensor([1, 2]), 0.5), RuntimeError, "quantile: input must be float"),
    (lambda: tg.quantile(tg.tensor([1., 2]), 1.5), RuntimeError, "q values must be in the range [0, 1]"),
    (lambda: tg.quantile(tg.tensor([1., 2]), 0.5, interpolation="cubic"), RuntimeError, "interpolation must be"),
    (lambda: tg.quantile(tg.tensor([1., 2]), tg.tensor([0.5], dtype=tg.float64)), RuntimeError, "input's dtype"),
    (lambda: tg.nanquantile(tg.tensor([]), 0.5), RuntimeError, "nanquantile: input tensor must be non-empty"),
    (lambda: tg.quantile(tg.tensor([1., 2]), tg.tensor([[0.5]])), RuntimeError, "q must be a scalar or 1-D"),
    (lambda: tg.mode(tg.zeros(0)), IndexError, "mode"),
    (lambda: tg.cov(tg.zeros(2, 2, 2)), RuntimeError, "cov: expected input to have two or fewer dimensions"),
    (lambda: tg.cov(tg.zeros(2, 3), fweights=tg.tensor([1., 2, 3])), RuntimeError, "fweights to have integral"),
    (lambda: tg.cov(tg.zeros(2, 3), fweights=tg.tensor([1, 2])), RuntimeError, "same numel"),
    (lambda: tg.cov(tg.zeros(2, 3), aweights=tg.tensor([1., -2, 3])), RuntimeError, "negative values"),
    (lambda: tg.cov(tg.tensor([[True, False]])), RuntimeError, "cov: bool dtype is not supported"),
    (lambda: tg.std_mean(tg.tensor([1, 2])), RuntimeError, "std_mean: only floating-point inputs"),
    (lambda: tg.var_mean(tg.tensor([1, 2])), TypeError, "var_mean: only floating-point inputs"),
    (lambda: tg.kthvalue(tg.tensor([[1., 2]]), 1, None), TypeError, "kthvalue: dim must be a single int"),
    (lambda: tg.histogram(tg.tensor([1., 2]), 0), RuntimeError, "histogram: bins must be > 0"),
    (lambda: tg.histogram(tg.tensor([1, 2]), 2), RuntimeError, "histogram: input must be float"),
    (lambda: tg.histogram(tg.tensor([1., 2]), 2, range=(3., 1.)), RuntimeError, "must not exceed"),
])
def test_bad_input_names_the_op_and_the_rule(call, error, words):
    with pytest.raises(error, match=None) as info:
        call()
    assert words in str(info.value)


def test_symbolic_inputs_through_the_compositions():
    from tinygrad_edu.symbolic import symbols
    import sympy

    u = symbols("u", (2, 3))
    c = tg.cov(u)
    x, y = u.data[0], u.data[1]
    want = sum((x[i] - sum(x) / 3) * (y[i] - sum(y) / 3) for i in range(3)) / 2
    assert sympy.simplify(c.data[0, 1] - want) == 0
    s, m = tg.var_mean(u, 1)
    assert sympy.simplify(m.data[0] - sum(x) / 3) == 0
    with pytest.raises(TypeError, match="kthvalue: symbolic entries have no order"):
        tg.kthvalue(u, 1)


def test_kthvalue_on_large_tied_rows_is_vectorised_and_consistent():
    a = rng.integers(0, 3, (200, 301)).astype(np.float64)
    out = tg.kthvalue(tg.tensor(a), 150, 1)
    np.testing.assert_array_equal(out.values.data, np.sort(a, 1)[:, 149])
    np.testing.assert_array_equal(np.take_along_axis(a, out.indices.data[:, None], 1)[:, 0], out.values.data)
