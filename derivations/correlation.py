"""Seeds 001, 002, 004 on filtering: true convolution (kernel flipped) in 1-D and 2-D, its commutativity,
cross-correlation (what every CNN formula and PyTorch's conv2d compute), the mean filter and the worked
edge and Laplacian filters."""
import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.symbolic import Claim, Derivation


def flipped(w):
    """w rotated by 180° in its last two axes, by integer-array indexing (a graph op, so gradients flow)."""
    rows, cols = np.arange(w.shape[-2])[::-1], np.arange(w.shape[-1])[::-1]
    return w[..., rows[:, None], cols[None, :]]


def convolution_1d(case, numbers):
    """y_t = Σ_{k=1}^{K} w_k x_{t−k+1} (full, zero outside) = conv1d of x with the reversed kernel, padding K−1;
    `decay` uses the seed's filter w = (1, 1/2, 1/4)."""
    n, K = case["n"], case["K"]
    x = numbers.tensor("x", (1, 1, n))
    if case.get("decay"):
        w = tg.Tensor(np.array([[[numbers.constant(2.0 ** -k) for k in range(K)]]], dtype=x.data.dtype))
    else:
        w = numbers.tensor("w", (1, 1, K))
    y = F.conv1d(x, w[..., np.arange(K)[::-1]], padding=K - 1)
    xs, ws = x.data[0, 0], w.data[0, 0]
    expected = [sum(ws[k] * xs[t - k] for k in range(K) if 0 <= t - k < n) for t in range(n + K - 1)]
    return y.data[0, 0], np.array(expected, dtype=x.data.dtype)


def convolution_2d(n, U, numbers, x=None, w=None):
    """(x ∗ w)_ij = Σ_{u,v} w_uv x_{i−u+1, j−v+1}: the full 2-D convolution as an index sum (0-based here)."""
    out = numbers.zeros((n + U - 1, n + U - 1))
    for i in range(n + U - 1):
        for j in range(n + U - 1):
            out[i, j] = sum(w[u, v] * x[i - u, j - v] for u in range(U) for v in range(U)
                            if 0 <= i - u < n and 0 <= j - v < n)
    return out


def convolution_2d_claim(case, numbers):
    n, U = case["n"], case["U"]
    x, w = numbers.tensor("x", (1, 1, n, n)), numbers.tensor("w", (1, 1, U, U))
    y = F.conv2d(x, flipped(w), padding=U - 1)
    return y.data[0, 0], convolution_2d(n, U, numbers, x.data[0, 0], w.data[0, 0])


def commutativity(case, numbers):
    """x ∗ w = w ∗ x for the full (zero-padded) convolution: both orders through conv2d equal the one index sum
    Σ_uv w_uv x_{i−u+1, j−v+1}."""
    n, U = case["n"], case["U"]
    x, w = numbers.tensor("x", (1, 1, n, n)), numbers.tensor("w", (1, 1, U, U))
    by_sum = convolution_2d(n, U, numbers, x.data[0, 0], w.data[0, 0])
    return (np.stack([F.conv2d(x, flipped(w), padding=U - 1).data[0, 0], F.conv2d(w, flipped(x), padding=n - 1).data[0, 0]]),
            np.stack([by_sum, by_sum]))


def cross_correlation(case, numbers):
    """y_ij = Σ_{u,v} w_uv x_{i+u−1, j+v−1} is conv2d, and equals the convolution with the kernel rotated 180°
    (cut to the valid positions)."""
    n, U = case["n"], case["U"]
    x, w = numbers.tensor("x", (1, 1, n, n)), numbers.tensor("w", (1, 1, U, U))
    y = F.conv2d(x, w)
    m = n - U + 1
    by_sum = numbers.zeros((m, m))
    for i in range(m):
        for j in range(m):
            by_sum[i, j] = sum(w.data[0, 0, u, v] * x.data[0, 0, i + u, j + v] for u in range(U) for v in range(U))
    rotated = w.data[0, 0, ::-1, ::-1]
    via_convolution = convolution_2d(n, U, numbers, x.data[0, 0], rotated)[U - 1:n, U - 1:n]
    return np.stack([y.data[0, 0], y.data[0, 0]]), np.stack([by_sum, via_convolution])


def mean_filter(case, numbers):
    """Every weight 1/(U·V): conv2d with the 3×3 filter of 1/9 is the window mean (1/U²) Σ_{u,v} x_{i+u, j+v}, and
    its backward spreads δ/U² over each window."""
    n, U = case["n"], case["U"]
    x = numbers.tensor("x", (1, 1, n, n))
    weight = tg.Tensor(np.full((1, 1, U, U), numbers.constant(1) / U ** 2, dtype=x.data.dtype))
    y = F.conv2d(x, weight)
    delta = numbers.delta("delta", y.shape)
    y.backward(delta)
    m, area, X, D = n - U + 1, numbers.constant(U ** 2), x.data[0, 0], delta.data[0, 0]
    means, spread = numbers.zeros((m, m)), numbers.zeros((n, n))
    for i, j, u, v in np.ndindex(m, m, U, U):
        means[i, j] += X[i + u, j + v] / area
        spread[i + u, j + v] += D[i, j] / area
    return np.concatenate([y.data.ravel(), x.grad.data.ravel()]), np.concatenate([means.ravel(), spread.ravel()])


def worked_filters(case, numbers):
    """Seed 001: the edge filter [[0,0,0],[−0.5,0,0.5],[0,0,0]] gives 0.5 where the right neighbour is 1 and the left
    0; the Laplacian [[1,1,1],[1,−8,1],[1,1,1]] has centre −8, sums to 0 and is 0 on a flat region."""
    n = case["n"]
    image = np.zeros((n, n), dtype=int)
    image[:, case["edge"]:] = 1
    x = tg.Tensor(image.astype(float if not numbers.symbolic else object)[None, None] * numbers.constant(1))
    half = numbers.constant(0.5)
    edge = tg.Tensor(np.array([[[[0, 0, 0], [-half, 0, half], [0, 0, 0]]]], dtype=x.data.dtype))
    laplacian = tg.Tensor(np.array([[[[1, 1, 1], [1, -8, 1], [1, 1, 1]]]], dtype=x.data.dtype))
    edges, curvature = F.conv2d(x, edge), F.conv2d(x, laplacian)
    col = case["edge"] - 2
    return (np.array([edges.data[0, 0, 0, col], laplacian.data.sum(), laplacian.data[0, 0, 1, 1],
                      curvature.data[0, 0, 0, 0]], dtype=x.data.dtype),
            np.array([half, 0, -8, 0], dtype=x.data.dtype))


GRID = [{"n": 3, "U": 2}, {"n": 4, "U": 3}, {"n": 4, "U": 2}, {"n": 5, "U": 3}]

CORRELATION = Derivation(
    id="correlation",
    title="Convolution, cross-correlation and filters",
    source="002 §1-D and 2-D convolution, cross-correlation (002_c9af1d17aa284651.txt); 001 §filters",
    latex=r"(x * w)_{ij} = \sum_{u,v} w_{uv}\,x_{i-u+1,j-v+1},\quad (x \star w)_{ij} = \sum_{u,v} w_{uv}\,"
          r"x_{i+u-1,j+v-1} = (x * \operatorname{rot}_{180}w)_{ij}",
    mapping="1-based i, j, u, v of seed 002 are 0-based array indices here (i−u+1 becomes i−u); F.conv2d is "
            "cross-correlation, so the true convolution is conv2d with the kernel flipped and padding U−1.",
    claims=[
        Claim("F21", "1-D convolution y_t = Σ_k w_k x_{t−k+1}, including the decaying filter (1, 1/2, 1/4)",
              r"y_t = \sum_{k=1}^{K} w_k x_{t-k+1}", convolution_1d,
              grid=[{"n": 3, "K": 2}, {"n": 4, "K": 3}, {"n": 5, "K": 3, "decay": True}],
              spot={"n": 40, "K": 5}, ops=("Conv2d",)),
        Claim("F22", "2-D convolution y_ij = Σ_uv w_uv x_{i−u+1, j−v+1}", r"y_{ij} = \sum_{u,v} w_{uv}x_{i-u+1,j-v+1}",
              convolution_2d_claim, grid=GRID, spot={"n": 10, "U": 4}, ops=("Conv2d",)),
        Claim("F22", "convolution commutes: x ∗ w = w ∗ x", r"x * w = w * x", commutativity, grid=GRID,
              spot={"n": 9, "U": 4}, name="commutativity", ops=("Conv2d",)),
        Claim("F24,F50", "cross-correlation y_ij = Σ w_uv x_{i+u−1, j+v−1} = convolution with the kernel rotated 180°",
              r"x \star w = x * \operatorname{rot}_{180} w", cross_correlation, grid=GRID, spot={"n": 10, "U": 3},
              name="flip", ops=("Conv2d",)),
        Claim("F23", "mean filter: weights 1/(U·V) give the window mean; δ spread as δ/(U·V)", r"w_{uv} = \frac{1}{UV}",
              mean_filter, grid=[{"n": 3, "U": 3}, {"n": 4, "U": 2}, {"n": 5, "U": 3}], spot={"n": 12, "U": 3},
              ops=("Conv2d", "ConvTranspose2d")),
        Claim("F7", "edge filter gives 0.5 at a 0→1 edge; Laplacian centre −8, sum 0, 0 on a flat region",
              r"\begin{bmatrix}0&0&0\\-0.5&0&0.5\\0&0&0\end{bmatrix},\ "
              r"\begin{bmatrix}1&1&1\\1&-8&1\\1&1&1\end{bmatrix}", worked_filters,
              grid=[{"n": 10, "edge": 5}, {"n": 6, "edge": 3}], spot={"n": 10, "edge": 6}, ops=("Conv2d",)),
    ],
)
