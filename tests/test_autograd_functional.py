"""tinygrad_edu.autograd.functional against torch.autograd.functional: jacobian, hessian, vjp, jvp, hvp, vhp, their
return structures (Tensor vs tuple), create_graph, strict mode, errors; finite differences in float64; a symbolic
Jacobian equal to the lecture's J."""
import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_edu as tg
import tinygrad_edu.autograd.functional as AF

small_shapes = hnp.array_shapes(min_dims=0, max_dims=2, max_side=3)


# functions written once, run on both engines (only operators and methods both have)
def f_single(x):
    return (x.tanh() * x.sum() + x * x).exp() * 0.1


def f_scalar(x):
    return (x * x * x).sum() + (x.tanh() * x).sum() * x.sum()


def f_pair(x, y):
    return (x.sum() * y).tanh(), (y * y).sum() + x.exp()


def f_pair_scalar(x, y):
    return (x * x).sum() * y.sum() + (y.tanh() * y).sum()


def same(torch, ours, theirs, rtol=1e-7, atol=1e-10):
    """Equal structure (Tensor where PyTorch gives a Tensor, tuples of the same lengths) and equal numbers."""
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, tg.Tensor), f"expected a Tensor, got {type(ours).__name__}"
        assert ours.shape == tuple(theirs.shape), f"shape {ours.shape} vs {tuple(theirs.shape)}"
        assert ours.dtype == np.dtype(str(theirs.dtype).replace("torch.", ""))
        np.testing.assert_allclose(ours.data.astype(np.float64), theirs.detach().numpy(), rtol=rtol, atol=atol)
    else:
        assert type(ours) is tuple and type(theirs) is tuple, f"{type(ours).__name__} vs {type(theirs).__name__}"
        assert len(ours) == len(theirs)
        for o, t in zip(ours, theirs):
            same(torch, o, t, rtol, atol)


def twin(torch, arrays):
    return tuple(tg.Tensor(a.copy()) for a in arrays), tuple(torch.tensor(a.copy()) for a in arrays)


def numeric_jacobian(fn, x, eps=1e-6):
    """∂fn/∂x (shape out.shape + x.shape) by central differences, float64."""
    out_shape = fn(tg.Tensor(x)).shape
    jac = np.zeros(out_shape + x.shape)
    with tg.no_grad():
        for i in np.ndindex(x.shape):
            up, down = x.copy(), x.copy()
            up[i] += eps
            down[i] -= eps
            jac[(Ellipsis,) + i] = (fn(tg.Tensor(up)).data - fn(tg.Tensor(down)).data) / (2 * eps)
    return jac


# ---- jacobian ---------------------------------------------------------------------------------------------------

@pytest.mark.torch
@given(small_shapes, st.integers(0, 2**31), st.booleans(), st.sampled_from(["reverse-mode", "forward-mode"]))
def test_jacobian_single_input_matches_torch(torch, shape, seed, vectorize, strategy):
    x = np.random.default_rng(seed).uniform(-1, 1, shape)
    (ours,), (theirs,) = twin(torch, [x])
    J = AF.jacobian(f_single, ours, vectorize=vectorize, strategy=strategy)
    same(torch, J, torch.autograd.functional.jacobian(f_single, theirs))
    assert not J.requires_grad


@pytest.mark.torch
@given(small_shapes, small_shapes, st.integers(0, 2**31), st.sampled_from(["reverse-mode", "forward-mode"]))
def test_jacobian_tuples_match_torch(torch, sx, sy, seed, strategy):
    rng = np.random.default_rng(seed)
    ours, theirs = twin(torch, [rng.uniform(-1, 1, sx), rng.uniform(-1, 1, sy)])
    J = AF.jacobian(f_pair, ours, strategy=strategy)
    same(torch, J, torch.autograd.functional.jacobian(f_pair, theirs))
    # one input in a tuple, one output: ((J,),) versus (J,) versus J
    same(torch, AF.jacobian(lambda a: a.tanh(), ours[:1]),
         torch.autograd.functional.jacobian(lambda a: a.tanh(), theirs[:1]))
    same(torch, AF.jacobian(lambda a, b: (a.tanh(),), ours),
         torch.autograd.functional.jacobian(lambda a, b: (a.tanh(),), theirs))


@given(hnp.array_shapes(min_dims=1, max_dims=2, max_side=3), st.integers(0, 2**31))
def test_jacobian_and_hessian_match_finite_differences(shape, seed):
    x = np.random.default_rng(seed).uniform(-1, 1, shape)
    J = AF.jacobian(f_single, tg.Tensor(x))
    np.testing.assert_allclose(J.data, numeric_jacobian(f_single, x), rtol=1e-5, atol=1e-8)
    H = AF.hessian(f_scalar, tg.Tensor(x))
    grad_fn = lambda t: AF.vjp(f_scalar, t)[1]  # noqa: E731 (the gradient, differenced once more)
    np.testing.assert_allclose(H.data, numeric_jacobian(grad_fn, x), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(H.data, np.swapaxes(H.data.reshape(x.size, x.size), 0, 1).reshape(H.shape), rtol=1e-10)


def test_jacobian_of_a_linear_map_is_its_matrix():
    A = np.random.default_rng(0).standard_normal((4, 3))
    J = AF.jacobian(lambda x: tg.Tensor(A) @ x, tg.Tensor(np.ones(3)))
    np.testing.assert_allclose(J.data, A, rtol=1e-12)
    assert J.dtype == np.float64
    Jf = AF.jacobian(lambda x: tg.Tensor(A.astype(np.float32)) @ x, tg.Tensor(np.ones(3, dtype=np.float32)))
    assert Jf.dtype == np.float32


@pytest.mark.torch
def test_jacobian_create_graph_is_differentiable(torch):
    x = np.array([0.3, -0.7, 1.1])
    ours = tg.Tensor(x.copy(), requires_grad=True)
    theirs = torch.tensor(x.copy(), requires_grad=True)
    J = AF.jacobian(f_single, ours, create_graph=True)
    Jt = torch.autograd.functional.jacobian(f_single, theirs, create_graph=True)
    assert J.requires_grad
    (J * J).sum().backward()
    (Jt * Jt).sum().backward()
    same(torch, ours.grad, theirs.grad)


def test_independent_inputs_give_zeros_or_refuse_when_strict():
    x, y = tg.Tensor(np.ones(2)), tg.Tensor(np.ones(3))
    J = AF.jacobian(lambda a, b: a * 2, (x, y))
    assert type(J) is tuple and J[1].shape == (2, 3) and not J[1].data.any()
    with pytest.raises(RuntimeError, match="Output 0 of the user-provided function is independent of input 1"):
        AF.jacobian(lambda a, b: a * 2, (x, y), strict=True)
    with pytest.raises(RuntimeError, match="does not require gradients"):
        AF.jacobian(lambda a: tg.Tensor(np.ones(2)), x, strict=True)
    assert not AF.jacobian(lambda a: tg.Tensor(np.ones(2)), x).data.any()
    _, vjp_y = AF.vjp(lambda a, b: (a * 2).sum(), (x, y))
    assert vjp_y[1].shape == (3,) and not vjp_y[1].data.any()
    with pytest.raises(RuntimeError, match="independent of input 1"):
        AF.vjp(lambda a, b: (a * 2).sum(), (x, y), strict=True)


def test_jacobian_errors():
    x = tg.Tensor(np.ones(2))
    with pytest.raises(ValueError, match="reverse-mode"):
        AF.jacobian(f_single, x, strategy="sideways")
    with pytest.raises(RuntimeError, match="strict=True.*vectorize"):
        AF.jacobian(f_single, x, strict=True, vectorize=True)
    with pytest.raises(RuntimeError, match='strict=True.*forward-mode'):
        AF.jacobian(f_single, x, strict=True, strategy="forward-mode")
    with pytest.raises(TypeError, match="inputs given to jacobian must be either a Tensor or a tuple"):
        AF.jacobian(f_single, [1.0, 2.0])
    with pytest.raises(TypeError, match="value at index 1"):
        AF.jacobian(f_pair, (x, 3.0))
    with pytest.raises(TypeError, match="outputs of the user-provided function"):
        AF.jacobian(lambda a: 1.0, x)
    np.testing.assert_allclose(AF.jacobian(lambda a: a * 3, np.ones(2)).data, 3 * np.eye(2))  # an ndarray input


# ---- hessian ----------------------------------------------------------------------------------------------------

@pytest.mark.torch
@given(small_shapes, small_shapes, st.integers(0, 2**31), st.sampled_from(["reverse-mode", "forward-mode"]))
def test_hessian_matches_torch(torch, sx, sy, seed, outer):
    rng = np.random.default_rng(seed)
    ours, theirs = twin(torch, [rng.uniform(-1, 1, sx), rng.uniform(-1, 1, sy)])
    same(torch, AF.hessian(f_pair_scalar, ours, outer_jacobian_strategy=outer),
         torch.autograd.functional.hessian(f_pair_scalar, theirs))
    same(torch, AF.hessian(f_scalar, ours[0]), torch.autograd.functional.hessian(f_scalar, theirs[0]))
    same(torch, AF.hessian(f_scalar, ours[:1]), torch.autograd.functional.hessian(f_scalar, theirs[:1]))


def test_hessian_errors_and_strict():
    x = tg.Tensor(np.ones(3))
    with pytest.raises(RuntimeError, match="should contain a single element"):
        AF.hessian(lambda a: a * a, x)
    with pytest.raises(RuntimeError, match="should return a single Tensor"):
        AF.hessian(lambda a: ((a * a).sum(),), x)
    with pytest.raises(RuntimeError, match="independent of the input"):  # a linear function has H = 0
        AF.hessian(lambda a: a.sum() * 2, x, strict=True)
    assert not AF.hessian(lambda a: a.sum() * 2, x).data.any()
    with pytest.raises(ValueError, match="outer_jacobian_strategy"):
        AF.hessian(f_scalar, x, outer_jacobian_strategy="sideways")


# ---- vector products --------------------------------------------------------------------------------------------

@pytest.mark.torch
@given(small_shapes, small_shapes, st.integers(0, 2**31))
def test_vjp_and_jvp_match_torch(torch, sx, sy, seed):
    rng = np.random.default_rng(seed)
    ours, theirs = twin(torch, [rng.uniform(-1, 1, sx), rng.uniform(-1, 1, sy)])
    outs = f_pair(*theirs)
    v_out_o, v_out_t = twin(torch, [rng.standard_normal(tuple(o.shape)) for o in outs])
    v_in_o, v_in_t = twin(torch, [rng.standard_normal(s) for s in (sx, sy)])
    TF = torch.autograd.functional
    same(torch, AF.vjp(f_pair, ours, v_out_o), TF.vjp(f_pair, theirs, v_out_t))
    same(torch, AF.jvp(f_pair, ours, v_in_o), TF.jvp(f_pair, theirs, v_in_t))
    # single Tensors in, a single Tensor out
    v1_o, v1_t = twin(torch, [rng.standard_normal(sx)])
    same(torch, AF.vjp(f_single, ours[0], v1_o[0]), TF.vjp(f_single, theirs[0], v1_t[0]))
    same(torch, AF.jvp(f_single, ours[0], v1_o[0]), TF.jvp(f_single, theirs[0], v1_t[0]))
    same(torch, AF.vjp(f_scalar, ours[0]), TF.vjp(f_scalar, theirs[0]))  # v = 1 for a one-element output


@pytest.mark.torch
@given(small_shapes, small_shapes, st.integers(0, 2**31))
def test_hvp_and_vhp_match_torch(torch, sx, sy, seed):
    rng = np.random.default_rng(seed)
    ours, theirs = twin(torch, [rng.uniform(-1, 1, sx), rng.uniform(-1, 1, sy)])
    v_o, v_t = twin(torch, [rng.standard_normal(s) for s in (sx, sy)])
    TF = torch.autograd.functional
    same(torch, AF.hvp(f_pair_scalar, ours, v_o), TF.hvp(f_pair_scalar, theirs, v_t))
    same(torch, AF.vhp(f_pair_scalar, ours, v_o), TF.vhp(f_pair_scalar, theirs, v_t))
    same(torch, AF.hvp(f_scalar, ours[0], v_o[0]), TF.hvp(f_scalar, theirs[0], v_t[0]))
    same(torch, AF.vhp(f_scalar, ours[0], v_o[0]), TF.vhp(f_scalar, theirs[0], v_t[0]))


def test_products_agree_with_the_jacobian_and_hessian():
    rng = np.random.default_rng(3)
    x, v, u = rng.uniform(-1, 1, (2, 3)), rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    J = AF.jacobian(f_single, tg.Tensor(x)).data.reshape(6, 6)
    H = AF.hessian(f_scalar, tg.Tensor(x)).data.reshape(6, 6)
    np.testing.assert_allclose(AF.jvp(f_single, tg.Tensor(x), tg.Tensor(v))[1].data.reshape(-1), J @ v.reshape(-1))
    np.testing.assert_allclose(AF.vjp(f_single, tg.Tensor(x), tg.Tensor(u))[1].data.reshape(-1), u.reshape(-1) @ J)
    np.testing.assert_allclose(AF.hvp(f_scalar, tg.Tensor(x), tg.Tensor(v))[1].data.reshape(-1), H @ v.reshape(-1))
    np.testing.assert_allclose(AF.vhp(f_scalar, tg.Tensor(x), tg.Tensor(v))[1].data.reshape(-1), v.reshape(-1) @ H)


@pytest.mark.torch
def test_create_graph_keeps_products_differentiable(torch):
    x = np.array([0.2, -0.4, 0.9])
    v = np.array([1.0, 2.0, -1.0])
    for name in ("vjp", "jvp", "hvp", "vhp"):
        fn = f_single if name in ("vjp", "jvp") else f_scalar
        ours, theirs = tg.Tensor(x.copy(), requires_grad=True), torch.tensor(x.copy(), requires_grad=True)
        out, res = getattr(AF, name)(fn, ours, tg.Tensor(v), create_graph=True)
        out_t, res_t = getattr(torch.autograd.functional, name)(fn, theirs, torch.tensor(v), create_graph=True)
        assert out.requires_grad and res.requires_grad
        (res * res).sum().backward()
        (res_t * res_t).sum().backward()
        same(torch, ours.grad, theirs.grad)
        out, res = getattr(AF, name)(fn, ours, tg.Tensor(v))
        assert not out.requires_grad and not res.requires_grad


def test_vector_product_errors():
    x = tg.Tensor(np.ones(3))
    with pytest.raises(RuntimeError, match="v can only be None"):
        AF.vjp(f_single, x)
    with pytest.raises(RuntimeError, match="v can only be None"):
        AF.jvp(f_single, x)
    with pytest.raises(RuntimeError, match=r"v has invalid size: should be \(3,\) but got \(2,\)"):
        AF.jvp(f_single, x, tg.Tensor(np.ones(2)))
    with pytest.raises(RuntimeError, match="v is a tuple of invalid length"):
        AF.hvp(f_pair_scalar, (x, x), (tg.Tensor(np.ones(3)),))
    with pytest.raises(RuntimeError, match="should contain a single Tensor"):
        AF.vjp(f_single, x, (tg.Tensor(np.ones(3)), tg.Tensor(np.ones(3))))
    with pytest.raises(RuntimeError, match="Entry 1 in v has invalid size"):
        AF.vhp(f_pair_scalar, (x, x), (tg.Tensor(np.ones(3)), tg.Tensor(np.ones(2))))
    for name in ("hvp", "vhp"):
        with pytest.raises(RuntimeError, match="should contain a single element"):
            getattr(AF, name)(f_single, x, x)
        with pytest.raises(RuntimeError, match="should return a single Tensor"):
            getattr(AF, name)(lambda a: (a.sum(),), x, x)
    with pytest.raises(TypeError, match="The v given to jvp"):
        AF.jvp(f_single, x, [1.0, 1.0, 1.0])


# ---- symbols ----------------------------------------------------------------------------------------------------

def test_symbolic_jacobian_is_the_lectures_J():
    """z = tanh(W x): J_ij = ∂z_i/∂x_j = W_ij (1 − tanh²(u_i)), u = W x, exactly; the Hessian of Σ x³ is
    6 diag(x)."""
    from tinygrad_edu.symbolic import symbols

    x, W = symbols("x", (3,)), symbols("W", (2, 3))
    J = AF.jacobian(lambda a: (W @ a).tanh(), x)
    assert J.shape == (2, 3) and J.dtype == object
    for i in range(2):
        u = sum(W.data[i, k] * x.data[k] for k in range(3))
        for j in range(3):
            assert sp.simplify(J.data[i, j] - W.data[i, j] * (1 - sp.tanh(u) ** 2)) == 0
    H = AF.hessian(lambda a: (a * a * a).sum(), x)
    for i in range(3):
        for j in range(3):
            assert sp.simplify(H.data[i, j] - (6 * x.data[i] if i == j else 0)) == 0


# ---- reachability -----------------------------------------------------------------------------------------------

def test_reachable_as_attribute_and_as_import():
    import importlib

    from tinygrad_edu.autograd.functional import jacobian

    assert tg.autograd.functional is AF and AF.jacobian is jacobian
    assert importlib.import_module("tinygrad_edu.autograd.functional") is AF
    assert set(AF.__all__) == {"vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"}
