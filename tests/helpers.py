"""Small tools for the tests: float64 random inputs and a torch mirror of a tinygrad_edu tensor."""
import tracemalloc

import numpy as np

import tinygrad_edu as tg


def rand64(rng: np.random.Generator, shape, low=-2.0, high=2.0, requires_grad=True, name=None) -> tg.Tensor:
    return tg.Tensor(rng.uniform(low, high, shape), requires_grad=requires_grad, name=name)


def to_torch(torch, t: tg.Tensor):
    return torch.tensor(t.data, requires_grad=t.requires_grad)


def assert_close(ours, theirs, rtol=1e-6, atol=1e-9):
    theirs = theirs.detach().numpy() if hasattr(theirs, "detach") else np.asarray(theirs)
    ours = ours.data if isinstance(ours, tg.Tensor) else np.asarray(ours)
    assert ours.shape == theirs.shape, f"shape {ours.shape} vs {theirs.shape}"
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol)


def numeric_grad(fn, x, v, eps=1e-6):
    """∂(Σ v ⊙ fn(x))/∂x by central differences, in float64."""
    base, out = x.data.copy(), np.zeros(x.shape)
    with tg.no_grad():
        for i in np.ndindex(x.shape):
            vals = []
            for step in (eps, -eps):
                moved = base.copy()
                moved[i] += step
                vals.append(float((fn(tg.Tensor(moved)).data * v).sum()))
            out[i] = (vals[0] - vals[1]) / (2 * eps)
    return out


def peak_bytes(call) -> int:
    """The most memory (bytes, as tracemalloc sees it) that call() held at once: bounded-reading tests."""
    tracemalloc.start()
    try:
        call()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak
