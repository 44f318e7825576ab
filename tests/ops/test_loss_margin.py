"""The margin and embedding losses (ops/loss_margin.py) against PyTorch: values in float32 and float64 for every
reduction (and the deprecated size_average/reduce), gradients of every float input, NaN propagation, Hypothesis
over hyper-parameters and multi-label targets, finite differences in float64, PyTorch's exception classes."""
import warnings

import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tests.helpers import assert_close, numeric_grad


def signs(rng, shape):
    return np.where(rng.random(shape) < 0.5, -1.0, 1.0)


def multilabel_targets(rng, n, c):
    """Rows of class indices (duplicates allowed) ended by −1 (or full), then arbitrary in-range fillers."""
    t = rng.integers(0, c, (n, c))
    for row, stop in zip(t, rng.integers(0, c + 1, n)):
        if stop < c:
            row[stop] = -1
    return t


# name → (inputs(rng): [(array, differentiable)], variants of keyword arguments)
CASES = {
    "triplet_margin_loss": (lambda r: [(r.standard_normal((4, 5)), True) for _ in range(3)],
                            [{}, {"margin": 0.5, "p": 1, "swap": True}, {"p": 3, "eps": 1e-3, "swap": True}]),
    "triplet_margin_with_distance_loss": (lambda r: [(r.standard_normal((4, 5)), True) for _ in range(3)],
                                          [{}, {"margin": 2.0, "swap": True}]),
    "margin_ranking_loss": (lambda r: [(r.standard_normal(6), True), (r.standard_normal(6), True),
                                       (signs(r, 6), True)], [{}, {"margin": 0.3}]),
    "hinge_embedding_loss": (lambda r: [(r.standard_normal((3, 4)), True),
                                        (r.choice([-1.0, 1.0, 0.0], (3, 4)), False)], [{}, {"margin": 0.5}]),
    "soft_margin_loss": (lambda r: [(r.standard_normal((3, 4)) * 3, True), (signs(r, (3, 4)), False)], [{}]),
    "multilabel_soft_margin_loss": (lambda r: [(r.standard_normal((3, 4)) * 3, True),
                                               (r.integers(0, 2, (3, 4)).astype(float), True)],
                                    [{}, {"weight": "w4"}]),
    "cosine_embedding_loss": (lambda r: [(np.vstack([np.zeros((1, 5)), r.standard_normal((3, 5))]), True),
                                         (r.standard_normal((4, 5)), True), (np.array([1.0, -1.0, -1.0, 1.0]), False)],
                              [{}, {"margin": 0.2}, {"margin": -0.5}]),
    "multi_margin_loss": (lambda r: [(r.standard_normal((4, 5)), True), (r.integers(0, 5, 4), False)],
                          [{}, {"p": 2, "margin": 0.5}, {"weight": "w5"}, {"p": 2, "weight": "w5", "margin": 2.0}]),
    "multilabel_margin_loss": (lambda r: [(r.standard_normal((3, 5)), True), (multilabel_targets(r, 3, 5), False)],
                               [{}]),
}
REDUCTIONS = ("none", "mean", "sum")


def run(torch, name, arrays, kw, dtype, torch_kw=None):
    """Our call and PyTorch's on the same arrays (floats cast to dtype); returns the outputs and leaf pairs."""
    ours_in, theirs_in = [], []
    for a, diff in arrays:
        a = a.astype(dtype) if a.dtype.kind == "f" else a
        ours_in.append(tg.Tensor(a.copy(), requires_grad=diff))
        theirs_in.append(torch.tensor(a.copy(), requires_grad=diff))
    kw = dict(kw)
    tkw = dict(kw if torch_kw is None else torch_kw)
    for k, v in list(kw.items()):
        if isinstance(v, str) and v.startswith("w"):  # a class weight of that length
            w = np.random.default_rng(3).uniform(0.2, 2.0, int(v[1:])).astype(dtype)
            kw[k], tkw[k] = tg.Tensor(w), torch.tensor(w)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = getattr(F, name)(*ours_in, **kw)
        yt = getattr(torch.nn.functional, name)(*theirs_in, **tkw)
    return y, yt, list(zip(ours_in, theirs_in))


def compare(torch, name, arrays, kw, dtype, torch_kw=None):
    y, yt, pairs = run(torch, name, arrays, kw, dtype, torch_kw)
    tight = dtype == np.float64
    rtol, atol = (1e-10, 1e-12) if tight else (2e-5, 2e-6)
    assert y.dtype == np.dtype(dtype)
    assert_close(y, yt, rtol=rtol, atol=atol)
    v = np.random.default_rng(1).standard_normal(y.shape).astype(dtype)
    y.backward(tg.Tensor(v))
    yt.backward(torch.tensor(v))
    for ours, theirs in pairs:
        if theirs.requires_grad:
            g = theirs.grad
            assert ours.grad is not None or g is None
            if g is None:
                continue
            scale = max(1.0, float(np.abs(g.numpy()).max()))
            # (a zero row in cosine_embedding_loss makes δ ~ 10⁵: the order of the float operations shows)
            assert_close(ours.grad, g, rtol=1e-8 if tight else 2e-4, atol=atol * 10 * scale)
        else:
            assert ours.grad is None


@pytest.mark.torch
@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_values_and_gradients_as_pytorch(torch, name, dtype):
    inputs, variants = CASES[name]
    for k, kw in enumerate(variants):
        for reduction in REDUCTIONS:
            compare(torch, name, inputs(np.random.default_rng(k)), dict(kw, reduction=reduction), dtype)


@pytest.mark.torch
@pytest.mark.parametrize("name", sorted(set(CASES) - {"triplet_margin_with_distance_loss"}))
def test_deprecated_size_average_and_reduce(torch, name):
    inputs, _ = CASES[name]
    for size_average, reduce in ((False, None), (None, False), (True, True), (False, True)):
        kw = {"size_average": size_average, "reduce": reduce}
        compare(torch, name, inputs(np.random.default_rng(5)), kw, np.float64)
        with pytest.warns(Warning, match="reduction="):
            getattr(F, name)(*[tg.Tensor(a) for a, _ in inputs(np.random.default_rng(5))], **kw)


@pytest.mark.torch
def test_a_custom_distance_function(torch):
    rng = np.random.default_rng(2)
    arrays = [(rng.standard_normal((4, 5)), True) for _ in range(3)]
    for swap in (False, True):
        compare(torch, "triplet_margin_with_distance_loss", arrays,
                {"distance_function": lambda a, b: 1 - F.cosine_similarity(a, b), "swap": swap}, np.float64,
                {"distance_function": lambda a, b: 1 - torch.nn.functional.cosine_similarity(a, b), "swap": swap})


@pytest.mark.torch
@given(p=st.sampled_from([1, 2, 3, 1.5]), margin=st.floats(0.1, 3.0), eps=st.sampled_from([0.0, 1e-6, 0.1]),
       swap=st.booleans(), same=st.booleans(), seed=st.integers(0, 999))
def test_triplet_over_hyper_parameters(torch, p, margin, eps, swap, same, seed):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((3, 4))
    pos = a.copy() if same else rng.standard_normal((3, 4))  # d(a, p) = ‖ε‖: the distance's own ε guard
    arrays = [(a, True), (pos, True), (rng.standard_normal((3, 4)), True)]
    compare(torch, "triplet_margin_loss", arrays, {"p": p, "margin": margin, "eps": eps, "swap": swap,
                                                   "reduction": "none"}, np.float64)


@pytest.mark.torch
@given(n=st.integers(1, 4), c=st.integers(1, 6), p=st.sampled_from([1, 2]), margin=st.floats(-1.0, 2.0),
       weighted=st.booleans(), seed=st.integers(0, 999))
def test_multi_margin_over_shapes(torch, n, c, p, margin, weighted, seed):
    rng = np.random.default_rng(seed)
    kw = {"p": p, "margin": margin, "reduction": "none", **({"weight": f"w{c}"} if weighted else {})}
    compare(torch, "multi_margin_loss", [(rng.standard_normal((n, c)), True), (rng.integers(0, c, n), False)], kw,
            np.float64)


@pytest.mark.torch
@given(n=st.integers(1, 4), c=st.integers(1, 6), seed=st.integers(0, 999))
def test_multilabel_margin_over_targets(torch, n, c, seed):
    """Targets ending early, full rows, duplicates and entries after the −1 (ignored)."""
    rng = np.random.default_rng(seed)
    arrays = [(rng.standard_normal((n, c)), True), (multilabel_targets(rng, n, c), False)]
    compare(torch, "multilabel_margin_loss", arrays, {"reduction": "none"}, np.float64)


@pytest.mark.torch
def test_unbatched_forms(torch):
    rng = np.random.default_rng(4)
    for reduction in REDUCTIONS:
        kw = {"reduction": reduction}
        compare(torch, "multi_margin_loss", [(rng.standard_normal(5), True), (np.array([2]), False)], kw, np.float64)
        compare(torch, "multi_margin_loss", [(rng.standard_normal(5), True), (np.array(2), False)], kw, np.float64)
        compare(torch, "multilabel_margin_loss", [(rng.standard_normal(5), True), (np.array([3, 0, -1, 4, 4]), False)],
                kw, np.float64)
        compare(torch, "cosine_embedding_loss", [(rng.standard_normal(5), True), (rng.standard_normal(5), True),
                                                 (np.array(-1.0), False)], dict(kw, margin=-1.0), np.float64)
        compare(torch, "multilabel_soft_margin_loss", [(rng.standard_normal(5), True), (np.ones(5), False)], kw,
                np.float64)
        compare(torch, "triplet_margin_loss", [(rng.standard_normal(5), True) for _ in range(3)], kw, np.float64)


@pytest.mark.torch
def test_broadcasting_targets_as_pytorch(torch):
    rng = np.random.default_rng(6)
    compare(torch, "margin_ranking_loss", [(rng.standard_normal((3, 4)), True), (rng.standard_normal((1, 4)), True),
                                           (signs(rng, (3, 1)), True)], {"reduction": "none"}, np.float64)
    compare(torch, "hinge_embedding_loss", [(rng.standard_normal((3, 4)), True), (signs(rng, (1, 4)), False)],
            {"reduction": "none"}, np.float64)


@pytest.mark.torch
def test_nan_and_infinity_as_pytorch(torch):
    rng = np.random.default_rng(7)
    x = rng.standard_normal((3, 4))
    x[0, 1], x[1, 2] = np.nan, np.inf
    for name, arrays in (
            ("margin_ranking_loss", [(x, True), (rng.standard_normal((3, 4)), True), (signs(rng, (3, 4)), False)]),
            ("hinge_embedding_loss", [(x, True), (signs(rng, (3, 4)), False)]),
            ("multilabel_soft_margin_loss", [(x, True), (rng.integers(0, 2, (3, 4)).astype(float), False)]),
            ("triplet_margin_loss", [(x, True)] + [(rng.standard_normal((3, 4)), True) for _ in range(2)]),
            ("cosine_embedding_loss", [(x, True), (rng.standard_normal((3, 4)), True), (signs(rng, 3), False)])):
        y, yt, _ = run(torch, name, arrays, {"reduction": "none"}, np.float64)
        np.testing.assert_array_equal(np.isnan(y.data), np.isnan(yt.detach().numpy()), err_msg=name)
        np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=1e-10, err_msg=name)


@pytest.mark.torch
def test_soft_margin_overflows_as_pytorch(torch):
    """log1p(exp(−yx)) as PyTorch computes it: ∞ with δ NaN past −yx ≈ 88 in float32, e^(−100) kept as a denormal."""
    x = np.array([-1000.0, 100.0, 0.0, 20.0], np.float32)
    y = np.array([1.0, 1.0, -1.0, -1.0], np.float32)
    compare(torch, "soft_margin_loss", [(x, True), (y, False)], {"reduction": "none"}, np.float32)
    out = F.soft_margin_loss(tg.Tensor(x), tg.Tensor(y), reduction="none")
    assert np.isinf(out.data[0]) and 0 < out.data[1] < 1e-40


def test_finite_differences():
    rng = np.random.default_rng(8)
    for name, (inputs, variants) in CASES.items():
        for kw in variants:
            arrays = inputs(rng)
            if name == "cosine_embedding_loss":  # away from the zero row, whose δ ~ 1/√ε a step of 10⁻⁶ cannot resolve
                arrays[0] = (arrays[0][0] + 0.5, True)
            kw = {k: (tg.Tensor(rng.uniform(0.2, 2, int(v[1:]))) if isinstance(v, str) else v) for k, v in kw.items()}
            for i, (a, diff) in enumerate(arrays):
                if not diff:
                    continue
                others = [tg.Tensor(b) for b, _ in arrays]

                def fn(t, i=i, others=others):
                    args = others[:i] + [t] + others[i + 1:]
                    return getattr(F, name)(*args, reduction="none", **kw)

                x = tg.Tensor(a.copy(), requires_grad=True)
                v = rng.standard_normal(fn(x).shape)
                fn(x).backward(tg.Tensor(v))
                assert_close(x.grad, numeric_grad(fn, x, v), rtol=1e-5, atol=1e-7)


def test_symbolic_value():
    import sympy

    a, b = sympy.symbols("a b")
    loss = F.multilabel_soft_margin_loss(tg.Tensor(np.array([a, b], object)), tg.Tensor(np.array([1, 0], object)))
    expected = (sympy.log(1 + sympy.exp(-a)) + sympy.log(1 + sympy.exp(b))) / 2
    assert sympy.simplify(loss.data.item() - expected) == 0


BAD = [
    ("triplet_margin_loss", lambda m, T: m.triplet_margin_loss(T(3, 2), T(3, 2), T(2))),
    ("triplet_margin_loss", lambda m, T: m.triplet_margin_loss(T(3, 2), T(3, 2), T(3, 2), margin=0.0)),
    ("triplet_margin_loss", lambda m, T: m.triplet_margin_loss(T(3, 2), T(3, 2), T(3, 2), reduction="avg")),
    ("triplet_margin_with_distance_loss", lambda m, T: m.triplet_margin_with_distance_loss(T(3, 2), T(3, 2), T(3, 2),
                                                                                            margin=-1.0)),
    ("margin_ranking_loss", lambda m, T: m.margin_ranking_loss(T(3), T(3), T(1, 3))),
    ("cosine_embedding_loss", lambda m, T: m.cosine_embedding_loss(T(3, 2), T(3, 2), T(3, 1))),
    ("cosine_embedding_loss", lambda m, T: m.cosine_embedding_loss(T(3), T(3), T(3))),
    ("multi_margin_loss", lambda m, T: m.multi_margin_loss(T(3, 4), T.long([0, 1, 4]))),
    ("multi_margin_loss", lambda m, T: m.multi_margin_loss(T(3, 4), T.long([0, 1]))),
    ("multi_margin_loss", lambda m, T: m.multi_margin_loss(T(3, 4), T.long([0, 1, 2]), p=3)),
    ("multi_margin_loss", lambda m, T: m.multi_margin_loss(T(2, 3, 4), T.long([0, 1]))),
    ("multi_margin_loss", lambda m, T: m.multi_margin_loss(T(3, 4), T.long([0, 1, 2]), weight=T(3))),
    ("multi_margin_loss", lambda m, T: m.multi_margin_loss(T(3, 4), T.int32([0, 1, 2]))),
    ("multilabel_margin_loss", lambda m, T: m.multilabel_margin_loss(T(2, 4), T.long([[3, 0, -1, 4], [0, 0, 0, 0]]))),
    ("multilabel_margin_loss", lambda m, T: m.multilabel_margin_loss(T(2, 4), T.long([[3, -2, -1, 1], [0, 0, 0, 0]]))),
    ("multilabel_margin_loss", lambda m, T: m.multilabel_margin_loss(T(2, 4), T.long([[3, 0, -1, 1]]))),
    ("soft_margin_loss", lambda m, T: m.soft_margin_loss(T(3), T.grad(3))),
]


class _Make:
    """T(*shape) random floats, T.long / T.int32 integer data, T.grad a float tensor requiring grad, on one side."""

    def __init__(self, lib, torch):
        self.lib, self.torch = lib, torch

    def __call__(self, *shape):
        a = np.random.default_rng(0).standard_normal(shape)
        return self.torch.tensor(a) if self.lib == "torch" else tg.Tensor(a)

    def long(self, data):
        return self.torch.tensor(data) if self.lib == "torch" else tg.Tensor(np.array(data, np.int64))

    def int32(self, data):
        if self.lib == "torch":
            return self.torch.tensor(data, dtype=self.torch.int32)
        return tg.Tensor(np.array(data, np.int32))

    def grad(self, *shape):
        t = self(*shape)
        return t.requires_grad_() if self.lib == "torch" else tg.Tensor(t.data, requires_grad=True)


@pytest.mark.torch
@pytest.mark.parametrize("k", range(len(BAD)), ids=[f"{n}-{i}" for i, (n, _) in enumerate(BAD)])
def test_errors_as_pytorch(torch, k):
    name, call = BAD[k]
    with pytest.raises(Exception) as theirs:
        call(torch.nn.functional, _Make("torch", torch))
    with pytest.raises(type(theirs.value).__mro__[0] if type(theirs.value) in (RuntimeError, ValueError, TypeError,
                                                                                IndexError) else Exception) as ours:
        call(F, _Make("ours", torch))
    assert name in str(ours.value)
