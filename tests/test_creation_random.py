"""creation_random.py: as_tensor / asarray (memory shared as torch shares it), scalar_tensor, logspace,
empty_strided against torch; randperm, normal (four overloads), bernoulli, multinomial, poisson, randint_like:
shapes and dtypes as torch's, distributions by their moments and frequencies, repeatable under tg.manual_seed and a
tg.Generator, bad input refused with torch's exception types and the op's name."""
import numpy as np
import pytest

import tinygrad_edu as tg

pytestmark = pytest.mark.torch
N = 20000


def _name(dtype):
    return str(dtype).replace("torch.", "")


def _same(ours, theirs, exact=True):
    assert str(ours.dtype) == _name(theirs.dtype) and tuple(ours.shape) == tuple(theirs.shape)
    if exact:
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    else:
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)


# ---- as_tensor, asarray ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fn", ["as_tensor", "asarray"])
def test_an_array_of_the_same_dtype_is_shared_as_in_torch(torch, fn):
    for module in (tg, torch):
        a = np.arange(4.0)
        t = getattr(module, fn)(a)
        a[0] = 7.0
        assert float(t[0]) == 7.0 and str(t.dtype).endswith("float64")
    a = np.arange(4.0)
    other = getattr(tg, fn)(a, dtype=tg.float32)  # a different dtype copies, as in torch
    a[0] = 7.0
    assert float(other[0]) == 0.0 and other.dtype == tg.float32


def test_as_tensor_returns_a_tensor_of_that_dtype_itself_and_converts_others(torch):
    t = tg.ones(2)
    assert tg.as_tensor(t) is t and tg.as_tensor(t, dtype=tg.float32) is t
    assert tg.as_tensor(t, dtype=tg.float64).dtype == tg.float64
    for data in ([1, 2], [1.0, 2.0], [[True], [False]], 3.5):
        _same(tg.as_tensor(data), torch.as_tensor(data))
    _same(tg.as_tensor([1, 2], dtype=tg.float64), torch.as_tensor([1, 2], dtype=torch.float64))


def test_asarray_copies_on_request_and_refuses_a_needed_copy(torch):
    a = np.arange(3.0)
    t = tg.asarray(a, copy=True)
    a[0] = 9.0
    assert float(t[0]) == 0.0
    assert tg.asarray(t) is t and tg.asarray([1.5, 2], requires_grad=True).requires_grad
    _same(tg.asarray([1, 2]), torch.asarray([1, 2]))
    for call in (lambda m: m.asarray(np.ones(2), dtype=m.float32, copy=False),
                 lambda m: m.asarray([1, 2], copy=False)):
        with pytest.raises(ValueError):
            call(torch)
        with pytest.raises(ValueError, match="asarray: copy=False"):
            call(tg)


def test_devices_other_than_the_cpu_are_refused():
    for call in (lambda: tg.as_tensor([1.0], device="cuda"), lambda: tg.scalar_tensor(1, device="cuda"),
                 lambda: tg.randperm(3, device="cuda")):
        with pytest.raises(Exception, match="cuda"):
            call()
    assert tg.as_tensor([1.0], device="cpu").dtype == tg.float32


# ---- scalar_tensor, logspace, empty_strided ----------------------------------------------------------------------
@pytest.mark.parametrize("args, kwargs", [((1,), {}), ((2.5,), {}), ((True,), {}), ((2,), {"dtype": "int64"}),
                                          ((0.1,), {"dtype": "float64"}), ((3,), {"requires_grad": True})])
def test_scalar_tensor_is_torchs(torch, args, kwargs):
    ours = tg.scalar_tensor(*args, **{k: getattr(tg, v) if k == "dtype" else v for k, v in kwargs.items()})
    theirs = torch.scalar_tensor(*args, **{k: getattr(torch, v) if k == "dtype" else v for k, v in kwargs.items()})
    _same(ours.detach(), theirs.detach())
    assert ours.requires_grad == theirs.requires_grad


def test_scalar_tensor_refuses_non_numbers():
    with pytest.raises(TypeError, match="scalar_tensor"):
        tg.scalar_tensor("1")


@pytest.mark.parametrize("args, kwargs", [((0, 2, 3), {}), ((-2, 2, 5), {"dtype": "float64"}), ((0, 3, 4), {"base": 2}),
                                          ((0, 3, 4), {"dtype": "int64"}), ((1, 1, 1), {}), ((0, 1, 0), {}),
                                          ((-1.5, 2.5, 9), {"base": 3.0})])
def test_logspace_is_torchs(torch, args, kwargs):
    ours = tg.logspace(*args, **{k: getattr(tg, v) if k == "dtype" else v for k, v in kwargs.items()})
    theirs = torch.logspace(*args, **{k: getattr(torch, v) if k == "dtype" else v for k, v in kwargs.items()})
    _same(ours, theirs, exact=False)


def test_logspace_refuses_negative_steps(torch):
    with pytest.raises(RuntimeError):
        torch.logspace(0, 1, -1)
    with pytest.raises(RuntimeError, match="steps"):
        tg.logspace(0, 1, -1)


@pytest.mark.parametrize("size, stride", [((2, 3), (1, 2)), ((2, 3), (3, 1)), ((4,), (2,)), ((0, 3), (3, 1)),
                                          ((2, 2), (0, 1))])
def test_empty_strided_has_torchs_shape_and_strides(torch, size, stride):
    ours, theirs = tg.empty_strided(size, stride), torch.empty_strided(size, stride)
    assert ours.shape == tuple(theirs.shape) and ours.dtype == tg.float32
    assert ours.stride() == theirs.stride()


def test_empty_strided_refuses_mismatched_strides(torch):
    with pytest.raises(RuntimeError):
        torch.empty_strided((2, 3), (1,))
    with pytest.raises(RuntimeError, match="empty_strided: mismatch"):
        tg.empty_strided((2, 3), (1,))


# ---- random draws: shapes, dtypes, distributions -------------------------------------------------------------------
@pytest.mark.parametrize("n, dtype", [(10, None), (1, None), (0, None), (7, "int32"), (5, "float32")])
def test_randperm_is_a_permutation_of_torchs_dtype(torch, n, dtype):
    ours = tg.randperm(n, **({"dtype": getattr(tg, dtype)} if dtype else {}))
    theirs = torch.randperm(n, **({"dtype": getattr(torch, dtype)} if dtype else {}))
    assert str(ours.dtype) == _name(theirs.dtype) and ours.shape == (n,)
    assert sorted(ours.tolist()) == list(range(n))


def test_randperm_is_uniform_over_positions():
    tg.manual_seed(0)
    counts = np.zeros((4, 4))
    for _ in range(2000):
        counts[np.arange(4), tg.randperm(4).numpy()] += 1
    assert np.abs(counts - 500).max() < 5 * np.sqrt(2000 * 0.25 * 0.75)


NORMAL_CALLS = [
    ("floats and size", lambda m: m.normal(2.0, 3.0, (N,))),
    ("floats, size, float64", lambda m: m.normal(2.0, 3.0, size=(N,), dtype=m.float64)),
    ("tensor mean", lambda m: m.normal(m.full((N,), 2.0), 3.0)),
    ("tensor std", lambda m: m.normal(2.0, m.full((N,), 3.0))),
    ("tensor mean and std", lambda m: m.normal(m.full((N,), 2.0), m.full((N,), 3.0))),
    ("float64 mean", lambda m: m.normal(m.full((N,), 2.0, dtype=m.float64), 3.0)),
    ("broadcast", lambda m: m.normal(m.full((N // 4, 1), 2.0), m.full((4,), 3.0))),
]


@pytest.mark.parametrize("what, call", NORMAL_CALLS, ids=[c[0] for c in NORMAL_CALLS])
def test_normal_overloads_give_torchs_shape_dtype_and_the_asked_moments(torch, what, call):
    tg.manual_seed(1)
    ours, theirs = call(tg), call(torch)
    assert str(ours.dtype) == _name(theirs.dtype) and ours.shape == tuple(theirs.shape)
    v = ours.numpy().astype(np.float64).ravel()
    assert abs(v.mean() - 2.0) < 5 * 3.0 / np.sqrt(v.size) and abs(v.var() - 9.0) < 5 * 9.0 * np.sqrt(2 / v.size)


@pytest.mark.parametrize("std_grad", [False, True])
def test_normal_is_in_the_graph_with_torchs_zero_gradients(torch, std_grad):
    """torch.normal is a sample, not an rsample: its result has a grad_fn, and δ_mean = δ_std = 0."""
    for module in (tg, torch):
        mean = module.tensor([0.5, -1.0, float("inf")], dtype=module.float64, requires_grad=True)
        std = module.tensor([1.0, 2.0, 0.5], dtype=module.float64, requires_grad=std_grad)
        out = module.normal(mean, std)
        assert out.requires_grad and out.dtype == mean.dtype
        (out[:2] * 3).sum().backward()
        np.testing.assert_array_equal(mean.grad.numpy(), np.zeros(3))
        assert (std.grad is None) != std_grad and (not std_grad or not std.grad.numpy().any())
    assert not tg.normal(tg.ones(2), 1.0).requires_grad


@pytest.mark.parametrize("call, error", [
    (lambda m: m.normal(0.0, -1.0, (2,)), RuntimeError),
    (lambda m: m.normal(m.zeros(2), m.full((2,), -1.0)), RuntimeError),
    (lambda m: m.normal(m.zeros(2), m.ones(3)), RuntimeError),
    (lambda m: m.normal(0.0, 1.0), TypeError),
    (lambda m: m.normal(m.zeros(2, dtype=m.int64), 1.0), RuntimeError),
])
def test_normal_refuses_what_torch_refuses(torch, call, error):
    with pytest.raises(error):
        call(torch)
    with pytest.raises(error, match="normal"):
        call(tg)


def test_bernoulli_draws_zeros_and_ones_in_the_input_dtype(torch):
    for dtype in ("float32", "float64"):
        p = tg.full((N,), 0.3, dtype=getattr(tg, dtype))
        ours, theirs = tg.bernoulli(p), torch.bernoulli(torch.full((N,), 0.3, dtype=getattr(torch, dtype)))
        assert str(ours.dtype) == _name(theirs.dtype) and set(np.unique(ours.numpy())) <= {0.0, 1.0}
        assert abs(ours.numpy().mean() - 0.3) < 5 * np.sqrt(0.21 / N)
    ones = tg.bernoulli(tg.zeros(100), p=1.0)
    assert (ones.numpy() == 1).all() and tg.bernoulli(np.ones(3)).dtype == tg.float64


@pytest.mark.parametrize("call, error", [
    (lambda m: m.bernoulli(m.tensor([2.0])), RuntimeError),
    (lambda m: m.bernoulli(m.tensor([0.5]), p=1.5), RuntimeError),
    (lambda m: m.bernoulli(m.tensor([1, 0])), (RuntimeError, NotImplementedError)),
])
def test_bernoulli_refuses_what_torch_refuses(torch, call, error):
    with pytest.raises(error):
        call(torch)
    with pytest.raises(RuntimeError, match="bernoulli"):
        call(tg)


@pytest.mark.parametrize("shape, k, replacement", [((5,), 3, False), ((5,), 8, True), ((3, 4), 4, False),
                                                   ((3, 4), 6, True), ((1, 2), 1, False)])
def test_multinomial_shapes_and_dtype_are_torchs(torch, shape, k, replacement):
    p = np.random.default_rng(0).random(shape) + 0.1
    ours = tg.multinomial(tg.tensor(p), k, replacement)
    theirs = torch.multinomial(torch.tensor(p), k, replacement)
    assert str(ours.dtype) == _name(theirs.dtype) and ours.shape == tuple(theirs.shape)
    assert ours.numpy().min() >= 0 and ours.numpy().max() < shape[-1]
    if not replacement:
        rows = ours.numpy().reshape(-1, k)
        assert all(len(set(r)) == k for r in rows.tolist())
    assert tg.tensor(p).multinomial(k, replacement).shape == ours.shape


def test_multinomial_frequencies_follow_the_weights():
    tg.manual_seed(2)
    weights = np.array([[1.0, 0.0, 3.0, 4.0], [0.0, 5.0, 0.0, 5.0]])
    draws = tg.multinomial(tg.tensor(weights), N, replacement=True).numpy()
    for row, w in zip(draws, weights):
        p = w / w.sum()
        freq = np.bincount(row, minlength=4) / N
        assert (freq[p == 0] == 0).all()
        assert np.all(np.abs(freq - p) < 5 * np.sqrt(p * (1 - p) / N) + 1e-12)
    # without replacement: the first pick follows the weights, the second the rest renormalised
    firsts = tg.multinomial(tg.tensor(np.tile([1.0, 2.0, 7.0], (N, 1))), 2).numpy()
    p = np.array([0.1, 0.2, 0.7])
    assert np.all(np.abs(np.bincount(firsts[:, 0], minlength=3) / N - p) < 5 * np.sqrt(p * (1 - p) / N))
    after_two = (firsts[:, 0] == 2)
    second = np.bincount(firsts[after_two, 1], minlength=3) / after_two.sum()
    assert abs(second[1] - 2 / 3) < 5 * np.sqrt(2 / 9 / after_two.sum())


@pytest.mark.parametrize("call", [
    lambda m: m.multinomial(m.tensor([-1.0, 2.0]), 1),
    lambda m: m.multinomial(m.tensor([0.0, 0.0]), 1),
    lambda m: m.multinomial(m.tensor([1.0, 2.0]), 3),
    lambda m: m.multinomial(m.ones(2, 2, 2), 1),
    lambda m: m.multinomial(m.ones(2), 0),
    lambda m: m.multinomial(m.tensor([1, 2]), 1),
    lambda m: m.multinomial(m.tensor([float("nan"), 1.0]), 1),
])
def test_multinomial_refuses_what_torch_refuses(torch, call):
    with pytest.raises(RuntimeError):
        call(torch)
    with pytest.raises(RuntimeError, match="multinomial"):
        call(tg)


def test_poisson_has_the_rates_as_means(torch):
    rates = np.array([0.5, 3.0, 20.0])
    ours = tg.poisson(tg.tensor(np.tile(rates, (N, 1)).tolist()))
    assert ours.dtype == tg.float32 and _name(torch.poisson(torch.ones(2)).dtype) == "float32"
    v = ours.numpy()
    assert (v == np.round(v)).all() and (v >= 0).all()
    assert np.all(np.abs(v.mean(axis=0) - rates) < 5 * np.sqrt(rates / N))
    assert tg.poisson(tg.zeros(3, dtype=tg.float64)).dtype == tg.float64
    for call in (lambda m: m.poisson(m.tensor([-1.0])), lambda m: m.poisson(m.tensor([1, 2]))):
        with pytest.raises((RuntimeError, NotImplementedError)):
            call(torch)
        with pytest.raises(RuntimeError, match="poisson"):
            call(tg)


@pytest.mark.parametrize("args", [(10,), (3, 10), (-5, 5)])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int64"])
def test_randint_like_keeps_the_input_dtype_and_bounds(torch, args, dtype):
    ours = tg.randint_like(tg.zeros(N, dtype=getattr(tg, dtype)), *args)
    theirs = torch.randint_like(torch.zeros(N, dtype=getattr(torch, dtype)), *args)
    assert str(ours.dtype) == _name(theirs.dtype) and ours.shape == tuple(theirs.shape)
    low, high = (0, args[0]) if len(args) == 1 else args
    assert set(np.unique(ours.numpy()).tolist()) == set(range(low, high))
    with pytest.raises(RuntimeError):
        torch.randint_like(torch.zeros(2), 5, 3)
    with pytest.raises(RuntimeError, match="randint_like"):
        tg.randint_like(tg.zeros(2), 5, 3)


# ---- seeded: tg.manual_seed and generator= ------------------------------------------------------------------------
DRAWS = {
    "randn": lambda **g: tg.randn(5, **g),
    "rand": lambda **g: tg.rand(2, 3, **g),
    "randint": lambda **g: tg.randint(0, 10, (6,), **g),
    "randperm": lambda **g: tg.randperm(8, **g),
    "normal": lambda **g: tg.normal(0.0, 1.0, (4,), **g),
    "normal of tensors": lambda **g: tg.normal(tg.zeros(4), tg.ones(4), **g),
    "bernoulli": lambda **g: tg.bernoulli(tg.full((20,), 0.5), **g),
    "multinomial": lambda **g: tg.multinomial(tg.ones(3, 5), 4, **g),
    "multinomial with replacement": lambda **g: tg.multinomial(tg.ones(5), 9, True, **g),
    "poisson": lambda **g: tg.poisson(tg.full((6,), 4.0), **g),
    "randint_like": lambda **g: tg.randint_like(tg.zeros(6), 100, **g),
}


@pytest.mark.parametrize("name", list(DRAWS))
def test_every_draw_repeats_under_manual_seed_and_a_seeded_generator(name):
    draw = DRAWS[name]
    tg.manual_seed(11)
    first = draw().numpy()
    tg.manual_seed(11)
    np.testing.assert_array_equal(draw().numpy(), first)
    g1, g2 = tg.Generator().manual_seed(3), tg.Generator().manual_seed(3)
    state = tg.get_rng_state()
    ours = draw(generator=g1).numpy()
    np.testing.assert_array_equal(draw(generator=g2).numpy(), ours)
    assert tg.get_rng_state().tolist() == state.tolist(), "a generator= draw leaves the global generator alone"


@pytest.mark.parametrize("name", ["randn", "randperm", "normal", "multinomial"])
def test_generator_must_be_a_generator(name):
    with pytest.raises(TypeError, match="generator"):
        DRAWS[name](generator=3)


# ---- found by the bad-input walk (tests/bad_input/table_creation_random.py) --------------------------------------
def test_poisson_takes_rates_numpy_refuses():
    """NumPy's sampler refuses λ ≳ 1e19 ("lam value too large"): there Poisson(λ) = λ + √λ·z, and ∞ stays ∞."""
    out = tg.poisson(tg.tensor([float("inf"), 1e20, 3e38, 0.0])).numpy()
    assert out[0] == np.inf and out[3] == 0.0
    np.testing.assert_allclose(out[1:3], [1e20, 3e38], rtol=1e-6)
    assert tg.poisson(tg.tensor(3.0)).shape == ()


def test_normal_takes_means_dtype_and_an_integer_std_as_torch(torch):
    pairs = [(np.float16, np.float32), (np.float32, np.float64), (np.float32, np.int64)]
    for m, s in pairs:
        ours = tg.normal(tg.Tensor(np.zeros(3, m)), tg.Tensor(np.ones(3, s)))
        theirs = torch.normal(torch.from_numpy(np.zeros(3, m)), torch.from_numpy(np.ones(3, s)))
        assert str(ours.dtype) == _name(theirs.dtype)
    with pytest.raises(RuntimeError, match="normal: expects all elements of std >= 0"):
        tg.normal(tg.zeros(2), tg.tensor([1.0, float("nan")]))
    with pytest.raises(RuntimeError, match="normal"):
        tg.normal(tg.zeros(2), float("nan"))


@pytest.mark.parametrize("dtype, low, high", [("bool", 0, 5), ("uint8", 0, 300), ("uint8", -3, -1), ("int32", 0, 2**40)])
def test_randint_like_bounds_must_fit_the_dtype_as_torch(torch, dtype, low, high):
    with pytest.raises(RuntimeError, match="out of bounds"):
        torch.randint_like(torch.zeros(3), low, high, dtype=getattr(torch, dtype))
    with pytest.raises(RuntimeError, match="randint_like: .* out of bounds"):
        tg.randint_like(tg.zeros(3), low, high, dtype=getattr(tg, dtype))
    assert set(tg.randint_like(tg.zeros(50), 2, dtype=tg.bool).tolist()) <= {False, True}


def test_conversions_name_their_op():
    for call, op in ((lambda: tg.as_tensor(None), "as_tensor"), (lambda: tg.asarray("abc"), "asarray"),
                     (lambda: tg.logspace("x", 2.0, 5), "logspace"), (lambda: tg.logspace(0.0, 2.0, -1), "logspace"),
                     (lambda: tg.empty_strided(None, (1,)), "empty_strided")):
        with pytest.raises((TypeError, RuntimeError), match=rf"^{op}:"):
            call()
    with pytest.raises(TypeError, match="asarray: argument 'copy'"):
        tg.asarray([1.0], copy="yes")
    with pytest.raises(TypeError, match="multinomial: argument 'replacement'"):
        tg.multinomial(tg.ones(5), 8, replacement=None)
    with pytest.raises(RuntimeError, match="multinomial: invalid multinomial distribution"):
        tg.multinomial(tg.zeros(0), 2, True)
