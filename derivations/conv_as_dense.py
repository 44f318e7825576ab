"""Seeds 002 and 004: convolution is linear, a dense layer whose matrix is sparse (zero outside the window)
and shared (one J_αβ at every position); the locally connected layer is the unshared case; the transposed
convolution is that matrix transposed, i.e. the adjoint, and is computed by the seed's scatter loop."""
import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.symbolic import Claim, Derivation
from tinygrad_edu.symbolic.sums import conv, correlate, out_size, pad

GRID = [{"n": 3, "k": 2, "s": 1, "p": 0, "C": 1, "O": 1}, {"n": 4, "k": 2, "s": 2, "p": 0, "C": 2, "O": 1},
        {"n": 3, "k": 3, "s": 1, "p": 1, "C": 1, "O": 2}, {"n": 5, "k": 3, "s": 2, "p": 1, "C": 1, "O": 1}]
SPOT = {"n": 8, "k": 3, "s": 2, "p": 1, "C": 2, "O": 3}


def tap_incidence(case):
    """E[row, col, tap] = 1 when output row (o, i, j) reads input col (c, a, b) through kernel tap (o, c, p, q)."""
    n, k, s, p, C, O = (case[key] for key in ("n", "k", "s", "p", "C", "O"))
    m = out_size(n, k, s, p)
    E = np.zeros((O * m * m, C * n * n, O * C * k * k), dtype=int)
    for o, c, i, j, a, b in np.ndindex(O, C, m, m, k, k):
        row, col = s * i + a - p, s * j + b - p
        if 0 <= row < n and 0 <= col < n:
            E[(o * m + i) * m + j, (c * n + row) * n + col, ((o * C + c) * k + a) * k + b] = 1
    return E


def conv_matrix(w, case):
    """M = Σ_taps w_tap E_tap (NumPy on the weight's entries): the dense matrix of the convolution, sparse (only a
    window's columns) and shared (the same w_tap in every row)."""
    return np.tensordot(tap_incidence(case), w.ravel(), axes=([2], [0]))


def sparse_shared_dense(case, numbers):
    """conv2d(x, W) = M x with M zero outside each window and one weight shared by every position; through M the
    gradients are ∂E/∂x = Mᵀδ and ∂E/∂w_tap = Σ_{rows, cols} δ_row E_tap x_col, the sum over the positions
    sharing the weight (F52, F18)."""
    n, C, O, k = case["n"], case["C"], case["O"], case["k"]
    x = numbers.tensor("x", (1, C, n, n))
    W = numbers.tensor("w", (O, C, k, k))
    y = F.conv2d(x, W, stride=case["s"], padding=case["p"])
    delta = numbers.delta("delta", y.shape)
    y.backward(delta)
    E, M = tap_incidence(case), conv_matrix(W.data, case)
    xs, ds = x.data.ravel(), delta.data.ravel()
    shared_grad = np.einsum("r,rct,c->t", ds, E.astype(x.data.dtype), xs)
    return (np.concatenate([y.data.ravel(), x.grad.data.ravel(), W.grad.data.ravel()]),
            np.concatenate([M @ xs, M.T @ ds, shared_grad]))


def locally_connected(case, numbers):
    """y_oij = Σ_{c,p,q} W_{ij,ocpq} x_{c, s·i+p, s·j+q} + b_oij, a weight per position (F19), and its gradients
    ∂E/∂W_{ij,ocpq} = δ_oij x_{c,s·i+p,s·j+q}, ∂E/∂b_oij = δ_oij, ∂E/∂x_cab = Σ_{o,i,j: s·i+p = a, s·j+q = b} δ_oij
    W_{ij,ocpq}; with every position's weight equal it is the convolution's index sum; its parameter count is the
    positions × conv's (F18)."""
    n, C, O, k, s, p = (case[key] for key in ("n", "C", "O", "k", "s", "p"))
    m = out_size(n, k, s, p)
    x = numbers.tensor("x", (1, C, n, n))
    W, b = numbers.tensor("w", (m, m, O, C, k, k)), numbers.tensor("b", (O, m, m))
    y = F.locally_connected2d(x, W, b, stride=s, padding=p)
    delta = numbers.delta("delta", y.shape)
    y.backward(delta)
    xp = pad(x.data[0], p)
    expected = numbers.zeros((1, O, m, m))
    weight_grad = numbers.zeros(W.shape)
    input_grad = numbers.zeros((C, n + 2 * p, n + 2 * p))
    for o, i, j in np.ndindex(O, m, m):
        window = (slice(None), slice(s * i, s * i + k), slice(s * j, s * j + k))
        expected[0, o, i, j] = (W.data[i, j, o] * xp[window]).sum() + b.data[o, i, j]
        weight_grad[i, j, o] = delta.data[0, o, i, j] * xp[window]
        input_grad[window] = input_grad[window] + delta.data[0, o, i, j] * W.data[i, j, o]
    input_grad = input_grad[:, p:p + n, p:p + n]
    shared = numbers.tensor("v", (O, C, k, k))
    tiled = tg.Tensor(np.broadcast_to(shared.data, (m, m, O, C, k, k)).copy())
    unshared_as_conv = F.locally_connected2d(x, tiled, stride=s, padding=p)
    counts = np.array([W.data.size, m * m * shared.data.size])
    return (np.concatenate([y.data.ravel(), W.grad.data.ravel(), b.grad.data.ravel(), x.grad.data.ravel(),
                            unshared_as_conv.data.ravel(), counts]),
            np.concatenate([expected.ravel(), weight_grad.ravel(), delta.data.ravel(), input_grad.ravel(),
                            conv(x.data[0], shared.data, stride=s, padding=p).ravel(), counts[::-1]]))


def adjoint(case, numbers):
    """conv_transpose2d(y, W) = Mᵀ y, so ⟨conv2d(x, W), y⟩ = ⟨x, conv_transpose2d(y, W)⟩ = yᵀ M x, and its own
    backward under E = ⟨D, Mᵀy⟩: ∂E/∂y = M D, ∂E/∂w_tap = Σ_{rows, cols} y_row E_tap D_col (F32)."""
    n, C, O, k, s, p = (case[key] for key in ("n", "C", "O", "k", "s", "p"))
    m = out_size(n, k, s, p)
    x, W = numbers.tensor("x", (1, C, n, n)), numbers.tensor("w", (O, C, k, k))
    y = numbers.tensor("y", (1, O, m, m))
    back = F.conv_transpose2d(y, W, stride=s, padding=p, output_padding=n - ((m - 1) * s - 2 * p + k))
    D = numbers.delta("D", back.shape)
    back.backward(D)
    left = (F.conv2d(x, W, stride=s, padding=p) * y).sum()
    right = (x * back).sum()
    E, M = tap_incidence(case), conv_matrix(W.data, case)
    ys, xs, Ds = y.data.ravel(), x.data.ravel(), D.data.ravel()
    inner = ys @ (M @ xs)
    return (np.concatenate([[left.data[()], right.data[()]], back.data.ravel(), y.grad.data.ravel(),
                            W.grad.data.ravel()]),
            np.concatenate([[inner, inner], M.T @ ys, M @ Ds, np.einsum("r,rct,c->t", ys, E.astype(ys.dtype), Ds)]))


def scatter_loop(case, numbers):
    """The seed's pseudo-code: for every input (i, j) and tap (k, l), y[s·i + k, s·j + l] += x[i, j]·w[k, l], over
    channels (F61); stride s inserts s − 1 gaps: a fractionally-strided conv (F33). Its backward by the same loop:
    ∂E/∂x[c, i, j] = Σ_{o,k,l} δ[o, s·i + k, s·j + l] w[c, o, k, l], ∂E/∂w[c, o, k, l] = Σ_{i,j} x[c, i, j] δ[o, s·i + k,
    s·j + l]."""
    n, C, O, k, s = case["n"], case["C"], case["O"], case["k"], case["s"]
    x, w = numbers.tensor("x", (1, C, n, n)), numbers.tensor("w", (C, O, k, k))
    y = F.conv_transpose2d(x, w, stride=s)
    delta = numbers.delta("delta", y.shape)
    y.backward(delta)
    size = (n - 1) * s + k
    out = numbers.zeros((1, O, size, size))
    dx, dw = numbers.zeros(x.shape), numbers.zeros(w.shape)
    X, Wt, D = x.data[0], w.data, delta.data[0]
    for i, j, a, b in np.ndindex(n, n, k, k):
        out[0, :, s * i + a, s * j + b] += (X[:, i, j][:, None] * Wt[:, :, a, b]).sum(axis=0)
        dx[0, :, i, j] += (D[:, s * i + a, s * j + b][None, :] * Wt[:, :, a, b]).sum(axis=1)
        dw[:, :, a, b] += X[:, i, j][:, None] * D[:, s * i + a, s * j + b][None, :]
    return (np.concatenate([y.data.ravel(), x.grad.data.ravel(), w.grad.data.ravel()]),
            np.concatenate([out.ravel(), dx.ravel(), dw.ravel()]))


def zero_insertion(case, numbers):
    """Fractionally-strided conv (stride 1/s): insert s − 1 zeros between inputs, pad by k − 1, and correlate with
    the flipped kernel (index sums); equal to conv_transpose2d with stride s (F33)."""
    n, k, s = case["n"], case["k"], case["s"]
    x, w = numbers.tensor("x", (1, 1, n, n)), numbers.tensor("w", (1, 1, k, k))
    spread = numbers.zeros((1, (n - 1) * s + 1, (n - 1) * s + 1))
    spread[0, ::s, ::s] = x.data[0, 0]
    flipped = np.ascontiguousarray(w.data[:, :, ::-1, ::-1])
    return F.conv_transpose2d(x, w, stride=s), correlate(spread, flipped, padding=k - 1)[None]


CONV_AS_DENSE = Derivation(
    id="conv-as-dense",
    title="Convolution as a sparse, shared dense layer; locally connected and transposed convolution",
    source="004 §linearity, transposed conv (004_6302a0de90c7a1db.txt); 002 §transposed conv; 001 §locally connected",
    latex=r"\operatorname{conv}(x) = M x,\ M_{(o,i,j),(c,a,b)} = \sum_{pq} W_{ocpq}\,\delta_{a,si+p}\,\delta_{b,sj+q},"
          r"\quad \operatorname{conv}^{\top}(y) = M^{\top} y,\quad \langle \operatorname{conv}(x), y\rangle = "
          r"\langle x, \operatorname{conv}^{\top}(y)\rangle",
    mapping="Row (o, i, j) of M is output entry [0, o, i, j] in C-order, column (c, a, b) input entry [0, c, a, b]; "
            "the locally connected weight is (out_h, out_w, C_out, C_in, kh, kw), one conv weight per position; "
            "conv_transpose2d's weight is (C_in, C_out, k, k) as in PyTorch.",
    claims=[
        Claim("F52,F18,F4", "conv2d(x) = M x, M sparse and shared; ∂E/∂W through M = conv2d's",
              r"\operatorname{conv}(x) = Mx,\ \frac{\partial E}{\partial W} = \sum_{\text{positions}} "
              r"\frac{\partial E}{\partial M}", sparse_shared_dense, grid=GRID, spot=SPOT, name="conv-matrix",
              ops=("Conv2d", "ConvTranspose2d", "Conv2dWeight")),
        Claim("F19,F18", "locally connected: a weight per position, its three gradients; shared weights give conv",
              r"y_{oij} = \sum_{cpq} W_{ij,ocpq}\,x_{c,si+p,sj+q} + b_{oij},\ "
              r"\frac{\partial E}{\partial W_{ij,ocpq}} = \delta_{oij}\,x_{c,si+p,sj+q}", locally_connected, grid=GRID,
              spot=SPOT, name="locally-connected", ops=("Unfold", "MatMul")),
        Claim("F32", "transposed conv = Mᵀy, the adjoint; its backward: ∂E/∂y = M D, ∂E/∂w = Σ y E D",
              r"\langle \operatorname{conv}(x), y\rangle = \langle x, \operatorname{conv}^{\top}(y)\rangle,\ "
              r"\frac{\partial E}{\partial y} = M D", adjoint, grid=GRID, spot=SPOT, name="adjoint",
              ops=("ConvTranspose2d", "Conv2d", "Conv2dWeight")),
        Claim("F61", "transposed conv = the scatter loop y[s·i + k, s·j + l] += x[i, j]·w[k, l], and its backward",
              r"y_{si+k,\,sj+l} \mathrel{+}= x_{ij}\,w_{kl}", scatter_loop,
              grid=[{"n": 2, "k": 2, "s": 2, "C": 1, "O": 1}, {"n": 3, "k": 3, "s": 2, "C": 2, "O": 1},
                    {"n": 2, "k": 3, "s": 1, "C": 1, "O": 2}], spot={"n": 7, "k": 3, "s": 2, "C": 3, "O": 2},
              ops=("ConvTranspose2d", "Conv2d", "Conv2dWeight")),
        Claim("F33", "fractionally strided: zeros inserted, then correlate with the flipped kernel",
              r"\operatorname{conv}^{\top}_{s}(x) = \operatorname{rot}_{180}(w) \star \operatorname{pad}_{k-1}"
              r"(x \uparrow s)", zero_insertion,
              grid=[{"n": 2, "k": 2, "s": 2}, {"n": 3, "k": 3, "s": 2}, {"n": 2, "k": 2, "s": 3}],
              spot={"n": 9, "k": 4, "s": 2}, ops=("ConvTranspose2d",)),
    ],
)
