"""tg.linalg.multi_dot / vecdot / cross / diagonal / matmul against PyTorch (values and gradients)."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.errors import ShapeError
from tests.helpers import assert_close
from tests.linalg.cases import check_grad

L = tg.linalg


@pytest.mark.torch
@pytest.mark.parametrize("shapes", [[(4,), (4, 2), (2, 5), (5,)], [(3, 10), (10, 2), (2, 8)], [(2, 3), (3, 4)]])
def test_multi_dot(torch, shapes):
    rng = np.random.default_rng(0)
    arrays = [rng.normal(size=s) for s in shapes]
    for k in range(len(arrays)):
        check_grad(torch, lambda *ts: L.multi_dot(list(ts)), lambda *ts: torch.linalg.multi_dot(list(ts)), *arrays,
                   argnum=k, second=False)


def test_multi_dot_picks_the_cheap_order():
    # (ab)c costs 5,000 + 2,500 multiplications, a(bc) 25,000 + 50,000
    a, b, c = (tg.ones(*s, requires_grad=True) for s in ((10, 100), (100, 5), (5, 50)))
    out = L.multi_dot([a, b, c])
    assert out._ctx.inputs[0].shape == (10, 5)
    with pytest.raises(ShapeError, match="cannot be multiplied"):
        L.multi_dot([tg.ones(2, 3), tg.ones(2, 3)])
    with pytest.raises(ShapeError, match="at least 2 tensors"):
        L.multi_dot([tg.ones(2, 3)])


@pytest.mark.torch
def test_vecdot_cross_diagonal_matmul(torch):
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(2, 3)), rng.normal(size=(4, 1, 3))
    check_grad(torch, L.vecdot, torch.linalg.vecdot, x, y, second=False)
    check_grad(torch, lambda a, b: L.vecdot(a, b, dim=0), lambda a, b: torch.linalg.vecdot(a, b, dim=0),
               rng.normal(size=(3, 2)), rng.normal(size=(3, 2)), second=False)
    check_grad(torch, L.cross, torch.linalg.cross, x, rng.normal(size=(2, 3)), second=False)
    with pytest.raises(ShapeError, match="same number of dimensions"):
        L.cross(x, rng.normal(size=(3,)))
    a = rng.normal(size=(2, 3, 4))
    check_grad(torch, lambda t: L.diagonal(t, offset=1), lambda t: torch.linalg.diagonal(t, offset=1), a)
    assert_close(L.matmul(a, a.transpose(0, 2, 1)), torch.linalg.matmul(torch.tensor(a), torch.tensor(a).mT))


@pytest.mark.torch
@pytest.mark.parametrize("shapes", [[(2, 5), (5, 3), (3, 4)], [(4, 2), (2, 6), (6, 1)], [(3, 3), (3, 3), (3, 3), (3, 2)]])
def test_multi_dot_multiplies_in_torchs_order_so_inf_and_nan_land_as_torchs(torch, shapes):
    """One order for chain_matmul and multi_dot (ops/products.multiplied_in_order): ∞·0 makes NaN only where the
    order puts it, so the order shows in the non-finite entries."""
    rng = np.random.default_rng(1)
    arrays = [rng.standard_normal(s) for s in shapes]
    arrays[0][0, 0], arrays[-1][-1, -1], arrays[1][:, 0] = np.inf, -np.inf, 0.0
    ours = L.multi_dot([tg.tensor(a) for a in arrays]).data
    theirs = torch.linalg.multi_dot([torch.tensor(a) for a in arrays]).numpy()
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs))
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, equal_nan=True)
