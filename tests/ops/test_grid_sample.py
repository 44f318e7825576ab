"""F.affine_grid / F.grid_sample: values and gradients (input and grid) against PyTorch and finite differences."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F
from tinygrad_edu.errors import ShapeError
from tests.helpers import assert_close, numeric_grad, rand64

LATTICE = [-3.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 3.25]


@st.composite
def cases(draw):
    nd = draw(st.sampled_from([4, 5]))
    mode = draw(st.sampled_from(["bilinear", "nearest", "bicubic"] if nd == 4 else ["bilinear", "nearest"]))
    pm = draw(st.sampled_from(["zeros", "border", "reflection"]))
    ac = draw(st.booleans())
    sp = tuple(draw(st.lists(st.integers(1, 4), min_size=nd - 2, max_size=nd - 2)))
    osp = tuple(draw(st.lists(st.integers(1, 3), min_size=nd - 2, max_size=nd - 2)))
    seed = draw(st.integers(0, 2**31))
    lattice = draw(st.booleans())  # grid points on pixel centres / edges: the kinks of the gradient
    return nd, mode, pm, ac, sp, osp, seed, lattice


@pytest.mark.torch
@given(cases())
def test_grid_sample_matches_torch(torch, case):
    nd, mode, pm, ac, sp, osp, seed, lattice = case
    rng = np.random.default_rng(seed)
    gshape = (2,) + osp + (nd - 2,)
    g = rng.choice(LATTICE, size=gshape) if lattice else rng.uniform(-3, 3, size=gshape)
    x, grid = rand64(rng, (2, 3) + sp), tg.Tensor(g, requires_grad=True)
    out = F.grid_sample(x, grid, mode=mode, padding_mode=pm, align_corners=ac)
    v = rng.normal(size=out.shape)
    (out * tg.Tensor(v)).sum().backward()
    tx, tgrid = torch.tensor(x.data, requires_grad=True), torch.tensor(g, requires_grad=True)
    ref = torch.nn.functional.grid_sample(tx, tgrid, mode=mode, padding_mode=pm, align_corners=ac)
    (ref * torch.tensor(v)).sum().backward()
    assert_close(out, ref, atol=1e-10)
    assert_close(x.grad, tx.grad, atol=1e-10)
    assert_close(grid.grad, tgrid.grad, atol=1e-9)


@pytest.mark.parametrize("mode,pm,ac", [("bilinear", "zeros", False), ("bilinear", "reflection", True),
                                        ("bilinear", "border", False), ("bicubic", "zeros", True),
                                        ("bicubic", "reflection", False)])
def test_grid_sample_gradients_finite_differences(mode, pm, ac):
    rng = np.random.default_rng(3)
    x, grid = rand64(rng, (1, 2, 3, 4)), rand64(rng, (1, 2, 3, 2), -1.4, 1.4)
    out = F.grid_sample(x, grid, mode, pm, ac)
    v = rng.normal(size=out.shape)
    (out * tg.Tensor(v)).sum().backward()
    np.testing.assert_allclose(x.grad.data, numeric_grad(lambda t: F.grid_sample(t, grid.detach(), mode, pm, ac), x, v),
                               atol=1e-7)
    np.testing.assert_allclose(grid.grad.data, numeric_grad(lambda t: F.grid_sample(x.detach(), t, mode, pm, ac),
                                                            grid, v), atol=1e-6)


def test_grid_sample_3d_finite_differences():
    rng = np.random.default_rng(4)
    x, grid = rand64(rng, (1, 2, 2, 3, 2)), rand64(rng, (1, 2, 1, 2, 3), -1.2, 1.2)
    out = F.grid_sample(x, grid, "bilinear", "border", True)
    v = rng.normal(size=out.shape)
    (out * tg.Tensor(v)).sum().backward()
    np.testing.assert_allclose(grid.grad.data, numeric_grad(lambda t: F.grid_sample(x.detach(), t, "bilinear",
                                                                                    "border", True), grid, v),
                               atol=1e-6)


def test_grid_sample_nearest_gives_the_grid_a_zero_gradient():
    rng = np.random.default_rng(5)
    x, grid = rand64(rng, (1, 1, 3, 3)), rand64(rng, (1, 2, 2, 2), -1, 1)
    F.grid_sample(x, grid, mode="nearest", align_corners=True).sum().backward()
    assert np.array_equal(grid.grad.data, np.zeros(grid.shape))


@pytest.mark.torch
@pytest.mark.parametrize("size,ac", [((2, 3, 4, 5), False), ((2, 3, 4, 5), True), ((2, 1, 1, 3), False),
                                     ((2, 3, 2, 3, 4), False), ((2, 3, 2, 3, 4), True)])
def test_affine_grid_matches_torch(torch, size, ac):
    rng = np.random.default_rng(6)
    k = len(size) - 2
    theta = rand64(rng, (2, k, k + 1))
    grid = F.affine_grid(theta, size, align_corners=ac)
    v = rng.normal(size=grid.shape)
    (grid * tg.Tensor(v)).sum().backward()
    tt = torch.tensor(theta.data, requires_grad=True)
    ref = torch.nn.functional.affine_grid(tt, size, align_corners=ac)
    (ref * torch.tensor(v)).sum().backward()
    assert_close(grid, ref, atol=1e-12)
    assert_close(theta.grad, tt.grad, atol=1e-10)
    np.testing.assert_allclose(theta.grad.data, numeric_grad(lambda t: F.affine_grid(t, size, ac), theta, v),
                               atol=1e-7)


@pytest.mark.torch
def test_spatial_transformer_gradient_reaches_theta(torch):
    rng = np.random.default_rng(7)
    x, theta = rand64(rng, (2, 3, 5, 6)), rand64(rng, (2, 2, 3), -0.8, 0.8)
    out = F.grid_sample(x, F.affine_grid(theta, (2, 3, 4, 4), align_corners=False), align_corners=False)
    out.square().sum().backward()
    tx, tt = torch.tensor(x.data, requires_grad=True), torch.tensor(theta.data, requires_grad=True)
    tf = torch.nn.functional
    ref = tf.grid_sample(tx, tf.affine_grid(tt, (2, 3, 4, 4), align_corners=False), align_corners=False)
    ref.square().sum().backward()
    assert_close(out, ref, atol=1e-10)
    assert_close(theta.grad, tt.grad, atol=1e-9)
    assert_close(x.grad, tx.grad, atol=1e-10)


def test_float32_stays_float32_and_identity_theta_reproduces_the_input():
    x = tg.randn(1, 2, 3, 4)
    theta = tg.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])
    out = F.grid_sample(x, F.affine_grid(theta, (1, 2, 3, 4), align_corners=False), align_corners=False)
    assert out.dtype == tg.float32
    np.testing.assert_allclose(out.data, x.data, atol=1e-6)


@pytest.mark.parametrize("call,message", [
    (lambda: F.grid_sample(tg.zeros(1, 1, 3, 3), tg.zeros(1, 2, 2, 3)), "grid must have shape"),
    (lambda: F.grid_sample(tg.zeros(2, 1, 3, 3), tg.zeros(1, 2, 2, 2)), "same batch size"),
    (lambda: F.grid_sample(tg.zeros(1, 1, 3), tg.zeros(1, 2, 2)), "4-D"),
    (lambda: F.grid_sample(tg.zeros(1, 1, 3, 3), tg.zeros(1, 2, 2, 2), mode="area"), "mode must be"),
    (lambda: F.grid_sample(tg.zeros(1, 1, 3, 3), tg.zeros(1, 2, 2, 2), padding_mode="wrap"), "padding_mode"),
    (lambda: F.grid_sample(tg.zeros(1, 1, 2, 3, 3), tg.zeros(1, 1, 2, 2, 3), mode="bicubic"), "bicubic"),
    (lambda: F.affine_grid(tg.zeros(1, 2, 3), (1, 1, 2, 3, 4)), "(N, 3, 4)"),
    (lambda: F.affine_grid(tg.zeros(2, 2, 3), (1, 1, 2, 3)), "N = 1"),
    (lambda: F.affine_grid(tg.zeros(1, 2, 3), (1, 2, 3)), "2-D and 3-D"),
])
def test_bad_input_names_the_op(call, message):
    with pytest.raises(ShapeError, match=message.replace("(", r"\(").replace(")", r"\)")) as info:
        call()
    assert str(info.value).split(":")[0] in ("grid_sample", "affine_grid")


def test_dtype_mismatch_is_a_type_error():
    with pytest.raises(TypeError, match="grid_sample: expected input and grid to have the same dtype"):
        F.grid_sample(tg.zeros(1, 1, 3, 3), tg.zeros(1, 2, 2, 2, dtype=tg.float64))


def test_symbolic_input_gives_the_bilinear_formula():
    from tinygrad_edu import symbolic

    x = symbolic.symbols("x", (1, 1, 2, 2))
    grid = tg.Tensor(np.array([[[[0.5, -0.5]]]]))  # x = 0.5, y = −0.5 → pixel (w, h) = (0.75, 0.25)
    out = F.grid_sample(x, grid, align_corners=True)
    a, b, c, d = x.data.reshape(-1)
    expected = 0.75 * 0.25 * a + 0.25 * 0.25 * c + 0.75 * 0.75 * b + 0.25 * 0.75 * d
    assert (out.data.reshape(-1)[0] - expected).expand().simplify() == 0


@pytest.mark.torch
@pytest.mark.parametrize("mode,pm", [("bilinear", "zeros"), ("bilinear", "reflection"), ("bicubic", "border")])
def test_second_derivatives_match_torch(torch, mode, pm):
    rng = np.random.default_rng(8)
    x, grid = rand64(rng, (1, 2, 3, 4)), rand64(rng, (1, 2, 2, 2), -1.2, 1.2)
    out = F.grid_sample(x, grid, mode, pm, align_corners=False)
    gx, gg = tg.autograd.grad((out * out).sum(), (x, grid), create_graph=True)
    (gx.sum() + (gg * gg).sum()).backward()
    tx, tgrid = torch.tensor(x.data, requires_grad=True), torch.tensor(grid.data, requires_grad=True)
    ref = torch.nn.functional.grid_sample(tx, tgrid, mode, pm, align_corners=False)
    tgx, tgg = torch.autograd.grad((ref * ref).sum(), (tx, tgrid), create_graph=True)
    (tgx.sum() + (tgg * tgg).sum()).backward()
    assert_close(x.grad, tx.grad, atol=1e-9)
    assert_close(grid.grad, tgrid.grad, atol=1e-8)


def test_align_corners_none_warns_at_the_callers_line_as_torch():
    with pytest.warns(UserWarning, match="align_corners=False") as record:
        F.grid_sample(tg.zeros(1, 1, 2, 2), tg.zeros(1, 1, 1, 2))
    assert record[0].filename == __file__
    with pytest.warns(UserWarning, match="align_corners=False") as record:
        with tg.no_grad():
            F.affine_grid(tg.zeros(1, 2, 3), (1, 1, 2, 2))
    assert record[0].filename == __file__
