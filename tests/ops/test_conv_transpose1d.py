"""conv_transpose1d against PyTorch over stride, padding, output_padding, groups, dilation and unbatched input
(values and input/weight/bias gradients), the adjoint identity with conv1d, finite differences in float64,
SymPy values and PyTorch's errors."""
import numpy as np
import pytest
import sympy
from hypothesis import given, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.errors import ShapeError
from tests.helpers import assert_close, numeric_grad, rand64, to_torch


@st.composite
def cases(draw):
    groups = draw(st.integers(1, 2))
    c_in, c_out_g = groups * draw(st.integers(1, 2)), draw(st.integers(1, 2))
    k, s, d = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 2))
    p = draw(st.integers(0, 2))
    e = draw(st.integers(0, max(s, d) - 1))  # output_padding < stride or < dilation, as PyTorch allows
    length = draw(st.integers(1, 5))
    if (length - 1) * s - 2 * p + d * (k - 1) + e + 1 <= 0:
        p = 0
    return dict(c_in=c_in, c_out_g=c_out_g, k=k, s=s, d=d, p=p, e=e, length=length, groups=groups,
                batched=draw(st.booleans()), bias=draw(st.booleans()))


@pytest.mark.torch
@given(cases())
def test_as_pytorch(torch, c):
    rng = np.random.default_rng(c["k"] * 10 + c["length"])
    x = rand64(rng, ((2,) if c["batched"] else ()) + (c["c_in"], c["length"]))
    w = rand64(rng, (c["c_in"], c["c_out_g"], c["k"]))
    b = rand64(rng, (c["c_out_g"] * c["groups"],)) if c["bias"] else None
    args = (c["s"], c["p"], c["e"], c["groups"], c["d"])
    y = F.conv_transpose1d(x, w, b, *args)
    xt, wt = to_torch(torch, x), to_torch(torch, w)
    bt = to_torch(torch, b) if b is not None else None
    yt = torch.nn.functional.conv_transpose1d(xt, wt, bt, *args)
    assert_close(y, yt, rtol=1e-10, atol=1e-12)
    v = rng.standard_normal(y.shape)
    y.backward(tg.Tensor(v))
    yt.backward(torch.tensor(v))
    for ours, theirs in ((x, xt), (w, wt), (b, bt)):
        if ours is not None:
            assert_close(ours.grad, theirs.grad, rtol=1e-10, atol=1e-12)


def test_adjoint_of_conv1d_and_finite_differences():
    rng = np.random.default_rng(0)
    x, w = rand64(rng, (2, 3, 7)), rand64(rng, (3, 2, 3))
    y = rand64(rng, (2, 2, 3), requires_grad=False)
    kernel = w.transpose(0, 1)  # (2, 3, 3): conv1d's (out, in, k) is conv_transpose1d's (in, out, k)
    lhs = float((F.conv1d(x, kernel, stride=2) * y).sum().data)
    rhs = float((x * F.conv_transpose1d(y, kernel, stride=2)).sum().data)
    assert abs(lhs - rhs) < 1e-10
    v = rng.standard_normal((2, 2, 14))
    F.conv_transpose1d(x, w, stride=2, padding=1, output_padding=1).backward(tg.Tensor(v))
    assert_close(w.grad, numeric_grad(lambda t: F.conv_transpose1d(x, t, stride=2, padding=1, output_padding=1), w, v),
                 rtol=1e-6, atol=1e-8)


def test_symbolic_values():
    a, b = sympy.symbols("a b")
    x = tg.Tensor(np.array([[[a, b]]], dtype=object))
    w = tg.Tensor(np.array([[[1, 2]]], dtype=object))
    assert F.conv_transpose1d(x, w).data[0, 0].tolist() == [a, 2 * a + b, 2 * b]


def test_errors_name_the_op():
    with pytest.raises(ShapeError, match="conv_transpose1d.*expected input"):
        F.conv_transpose1d(tg.ones(1, 2, 3, 4), tg.ones(2, 1, 3))
    with pytest.raises(RuntimeError, match="conv_transpose1d.*in_channels"):
        F.conv_transpose1d(tg.ones(1, 3, 5), tg.ones(2, 1, 3))
    with pytest.raises(RuntimeError, match="conv_transpose1d.*output_padding"):
        F.conv_transpose1d(tg.ones(1, 2, 5), tg.ones(2, 1, 3), stride=2, output_padding=2)
    with pytest.raises(TypeError, match="conv_transpose1d"):
        F.conv_transpose1d(tg.ones(1, 2, 5, dtype=np.int64), tg.ones(2, 1, 3, dtype=np.int64))
