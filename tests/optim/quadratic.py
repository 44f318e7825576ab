"""Ours and PyTorch's optimiser side by side on the same loss, E(w) = Σ_i ½·(A_i w_i − b_i)² + Σ_i 0.1·|w_i|³ with the
gradients each engine's autograd computes: the parameter trajectories must agree at every step."""
import numpy as np

import tinygrad_edu as tg

SHAPES = [(4, 3), (3,), ()]


def _loss(engine, params, targets, scales):
    total = 0
    for w, b, a in zip(params, targets, scales):
        r = w * a - b
        total = total + (r * r).sum() * 0.5 + (w.abs() ** 3).sum() * 0.1
    return total


def run_on_quadratic(torch, name, kwargs, dtype=np.float64, steps=12, rtol=None, seed=0):
    """`steps` steps of tg.optim.<name>(**kwargs) and torch.optim.<name>(**kwargs) on the loss above, from the same
    start; rtol 1e-10 in float64 and 1e-4 in float32 unless given."""
    rtol = rtol if rtol is not None else (1e-10 if dtype == np.float64 else 1e-4)
    rng = np.random.default_rng(seed)
    starts = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    targets = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    scales = [rng.uniform(0.5, 2.0, s).astype(dtype) for s in SHAPES]
    ours = [tg.Tensor(a.copy(), requires_grad=True) for a in starts]
    theirs = [torch.tensor(a.copy(), requires_grad=True) for a in starts]
    opt = getattr(tg.optim, name)(ours, **kwargs)
    opt_t = getattr(torch.optim, name)(theirs, **kwargs)
    tb, ta = [tg.Tensor(b) for b in targets], [tg.Tensor(a) for a in scales]
    tb_t, ta_t = [torch.tensor(b) for b in targets], [torch.tensor(a) for a in scales]
    for step in range(steps):
        opt.zero_grad()
        opt_t.zero_grad()
        _loss(tg, ours, tb, ta).backward()
        _loss(torch, theirs, tb_t, ta_t).backward()
        opt.step()
        opt_t.step()
        for o, t in zip(ours, theirs):
            assert o.dtype == dtype
            np.testing.assert_allclose(o.data, t.detach().numpy(), rtol=rtol, atol=rtol * 1e-2,
                                       err_msg=f"{name}({kwargs}) {np.dtype(dtype).name} step {step + 1}")
    return opt, opt_t
