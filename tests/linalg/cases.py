"""Shared inputs and gradient checks for the tg.linalg tests: batched float64 matrices of the kinds the ops
need (general, symmetric, positive-definite), and one check of an op's gradient against central differences and
against PyTorch (first and second order)."""
import numpy as np

import tinygrad_edu as tg
from tests.helpers import assert_close, numeric_grad


def general(rng, shape=(2, 3, 3)):
    """Well-conditioned batched matrices (the identity's multiple plus noise)."""
    n = shape[-1]
    return rng.normal(size=shape) + (2 * np.eye(n) if shape[-1] == shape[-2] else 0)


def spd(rng, shape=(2, 3, 3)):
    x = rng.normal(size=shape)
    return x @ np.swapaxes(x, -1, -2) + shape[-1] * np.eye(shape[-1])


def symmetric(rng, shape=(2, 3, 3)):
    x = rng.normal(size=shape)
    return x + np.swapaxes(x, -1, -2)


def sym(x):
    """The symmetric part, for the ops that read one triangle: finite differences move both entries."""
    return (x + x.mT) * 0.5


def check_grad(torch, tg_fn, torch_fn, *arrays, argnum=0, seed=0, rtol=1e-5, atol=1e-7, second=True):
    """Σ v⊙f's gradient with respect to arrays[argnum]: equal to central differences (float64) and, when
    torch_fn is given, to PyTorch's, value and gradient; with second, also a second derivative vs PyTorch."""
    rng = np.random.default_rng(seed)
    ts = [tg.Tensor(a, requires_grad=(i == argnum)) for i, a in enumerate(arrays)]
    y = tg_fn(*ts)
    v = rng.normal(size=y.shape)
    (y * tg.Tensor(v)).sum().backward()
    moved = lambda x: tg_fn(*[x if i == argnum else t for i, t in enumerate(ts)])  # noqa: E731
    fd = numeric_grad(moved, ts[argnum], v)
    np.testing.assert_allclose(ts[argnum].grad.data, fd, rtol=rtol, atol=atol)
    if torch_fn is None:
        return
    tts = [torch.tensor(a, requires_grad=(i == argnum)) for i, a in enumerate(arrays)]
    ty = torch_fn(*tts)
    assert_close(y, ty, rtol=1e-9, atol=1e-10)
    (ty * torch.tensor(v)).sum().backward()
    theirs = tts[argnum].grad
    assert_close(ts[argnum].grad, np.zeros(arrays[argnum].shape) if theirs is None else theirs, rtol=1e-8, atol=1e-10)
    if not second:
        return
    w = rng.normal(size=arrays[argnum].shape)
    x = tg.Tensor(arrays[argnum], requires_grad=True)
    g = tg.grad((tg_fn(*[x if i == argnum else t.detach() for i, t in enumerate(ts)]) * tg.Tensor(v)).sum(), x,
                create_graph=True)[0]
    h = tg.grad((g * tg.Tensor(w)).sum(), x)[0] if g.requires_grad else np.zeros(x.shape)  # f linear in x
    tx = torch.tensor(arrays[argnum], requires_grad=True)
    others = [t.detach() for t in tts]
    tgrad = torch.autograd.grad((torch_fn(*[tx if i == argnum else o for i, o in enumerate(others)])
                                 * torch.tensor(v)).sum(), tx, create_graph=True)[0]
    th = torch.autograd.grad((tgrad * torch.tensor(w)).sum(), tx)[0] if tgrad.requires_grad else torch.zeros(x.shape)
    assert_close(h, torch.zeros(x.shape) if th._is_zerotensor() else th, rtol=1e-7, atol=1e-9)
