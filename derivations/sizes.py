"""Output sizes and receptive fields (seeds 001, 002, 003, 004) against the shapes the library's ops actually
produce: narrow, wide, equal-width and general convolution, pooling halving, transposed-conv doubling,
dilation's effective kernel, the receptive-field recursion and LeNet-5's stated shapes."""
import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.nn import Flatten, Linear
from tinygrad_edu.nn.models import LeNet5
from tinygrad_edu.symbolic import Claim, Derivation
from tinygrad_edu.symbolic.sums import conv, conv_input_grad, conv_weight_grad


def conv_output_size(case, numbers):
    """n − m + 1 (narrow), n + m − 1 (wide), n (equal-width, odd m), ⌊(n − m + 2p)/s⌋ + 1 (general), on both axes
    of a rectangular input (F25); d = p + 2α, d' = (d − H)/β + 1 (F45, F9)."""
    n, m, kind = case["n"], case["m"], case["kind"]
    s, p = {"narrow": (1, 0), "wide": (1, m - 1), "equal": (1, (m - 1) // 2)}.get(kind, (case.get("s"), case.get("p")))
    y = F.conv2d(tg.zeros(1, 1, n, n + 1), tg.zeros(1, 1, m, m), stride=s, padding=p)
    formula = {"narrow": lambda k: k - m + 1, "wide": lambda k: k + m - 1, "equal": lambda k: k,
               "general": lambda k: (k - m + 2 * p) // s + 1}[kind]
    return np.array(y.shape[2:]), np.array([formula(n), formula(n + 1)])


def dilated_conv(case, numbers):
    """Dilation (d_h, d_w) puts d − 1 holes between taps: effective size m + (m − 1)(d − 1) per axis; the dilated
    conv is the index sum u_ij = Σ_pq w_pq x_{s·i + d_h·p, s·j + d_w·q}, and its gradients ∂E/∂w_pq = Σ_ij δ_ij
    x_{s·i+d_h·p, s·j+d_w·q}, ∂E/∂x by the same taps (F34, F63)."""
    n, (mh, mw), (dh, dw) = case["n"], case["m"], case["d"]
    s, p = case.get("s", 1), case.get("p", 0)
    x, w = numbers.tensor("x", (1, 1, n, n)), numbers.tensor("w", (1, 1, mh, mw))
    y = F.conv2d(x, w, stride=s, padding=p, dilation=(dh, dw))
    delta = numbers.delta("delta", y.shape)
    y.backward(delta)
    spans = [mh + (mh - 1) * (dh - 1), mw + (mw - 1) * (dw - 1)]
    sizes = [(n + 2 * p - span) // s + 1 for span in spans]
    if list(y.shape[2:]) != sizes:  # the library's size is already wrong: compare the sizes alone
        return np.array(y.shape[2:]), np.array(sizes)
    X, Wt, D = x.data[0], w.data, delta.data[0]
    return (np.concatenate([list(y.shape[2:]), y.data.ravel(), x.grad.data.ravel(), w.grad.data.ravel()]),
            np.concatenate([sizes, conv(X, Wt, s, p, (dh, dw)).ravel(),
                            conv_input_grad(D, Wt, (n, n), s, p, (dh, dw)).ravel(),
                            conv_weight_grad(D, X, (mh, mw), s, p, (dh, dw)).ravel()]))


def receptive_field_by_autograd(layers, numbers):
    """The span of input positions whose gradient is non-zero for the centre output of a conv1d stack."""
    length = 1 + sum(d * (f - 1) * int(np.prod([s for _, s, _ in layers[:i]])) for i, (f, _, d) in enumerate(layers))
    length += 4 * int(np.prod([s for _, s, _ in layers]))
    x = numbers.tensor("x", (1, 1, length))
    y = x
    for index, (f, s, d) in enumerate(layers):
        y = F.conv1d(y, numbers.tensor(f"w{index}", (1, 1, f), requires_grad=False), stride=s, dilation=d)
    pick = np.zeros(y.shape, dtype=int)
    pick[0, 0, y.shape[2] // 2] = 1
    y.backward(tg.Tensor(pick.astype(x.data.dtype)))
    touched = np.nonzero(np.array([g != 0 for g in x.grad.data[0, 0]]))[0]
    return int(touched[-1] - touched[0] + 1)


def receptive_field(case, numbers):
    """r_{k−1} = s_k r_k + (f_k − s_k), r_L = 1, with f_k the effective kernel d(f − 1) + 1 (F63)."""
    layers = case["layers"]
    r = 1
    for f, s, d in reversed(layers):
        f_eff = d * (f - 1) + 1
        r = s * r + (f_eff - s)
    return np.array([receptive_field_by_autograd(layers, numbers)]), np.array([r])


def k3d2_is_k5(case, numbers):
    """One kernel-3 layer sees 3 inputs, two see 5, and a kernel 3 with dilation 2 sees as many as a kernel 5."""
    one = receptive_field_by_autograd([(3, 1, 1)], numbers)
    two = receptive_field_by_autograd([(3, 1, 1), (3, 1, 1)], numbers)
    dilated = receptive_field_by_autograd([(3, 1, 2)], numbers)
    five = receptive_field_by_autograd([(5, 1, 1)], numbers)
    return np.array([one, two, dilated]), np.array([3, 5, five])


def pool_and_transpose(case, numbers):
    """Max pooling k = 2, s = 2 halves each side (F11); a stride-2 transposed conv doubles it:
    (n − 1)·s − 2p + k + output_padding = 2n with p = ⌊(k − 1)/2⌋ and output_padding = k mod 2 (F61)."""
    n, k = case["n"], case["k"]
    x = tg.zeros(1, 1, n, n)
    pooled = F.max_pool2d(x, 2, 2)
    up = F.conv_transpose2d(x, tg.zeros(1, 1, k, k), stride=2, padding=(k - 1) // 2, output_padding=k % 2)
    return np.array([*pooled.shape[2:], *up.shape[2:]]), np.array([n // 2, n // 2, 2 * n, 2 * n])


def lenet5_shapes(case, numbers):
    """32×32 → 28×28×6 → 14×14×6 → 10×10×16 → 5×5×16 → 120 → 84 → 10 (F28), read off LeNet5's own layers."""
    model = LeNet5(classic=case["classic"])
    x = tg.zeros(1, 1, 32, 32)
    shapes = []
    for layer in (model.c1, model.s2, model.c3, model.s4, model.c5, Flatten(), model.f6, model.output):
        x = layer(x)
        shapes.append(tuple(x.shape[1:]))
    stated = [(6, 28, 28), (6, 14, 14), (16, 10, 10), (16, 5, 5), (120, 1, 1), (120,), (84,), (10,)]
    return (np.array([len(s) for s in shapes] + [v for s in shapes for v in s]),
            np.array([len(s) for s in stated] + [v for s in stated for v in s]))


LENET_TABLE = ([(i, (i + k) % 6) for i in range(6) for k in range(3)]
               + [(6 + i, (i + k) % 6) for i in range(6) for k in range(4)]
               + [(12 + r, c) for r, cols in enumerate([(0, 1, 3, 4), (1, 2, 4, 5), (0, 2, 3, 5)]) for c in cols]
               + [(15, c) for c in range(6)])
"""LeCun's C3 connection table (output map, input map): 6 maps read 3 neighbouring S2 maps, 6 read 4, 3 read 4
non-neighbouring, 1 reads all 6 — 60 pairs [reconstructed: the seed names the table, its numbers are lost]."""


def lenet5_c3_parameters(case, numbers):
    """C3's parameter count read off the library: all 6×16 channel pairs (as LeNet5 builds it) give
    16·(6·5·5 + 1) = 2416; with LeCun's table of 60 pairs, C3's kernel keeps 60·25 entries, plus 16 biases = 1516
    (F28)."""
    c3 = LeNet5().c3
    full = sum(p.numel() for p in c3.parameters())
    mask = np.zeros((16, 6, 1, 1))
    for out, inp in LENET_TABLE:
        mask[out, inp] = 1
    kept = np.broadcast_to(mask, c3.weight.shape)  # the kernel entries the table keeps, as C3's own shape
    table = int(np.count_nonzero(kept)) + c3.bias.numel()
    return np.array([full, table, len(LENET_TABLE)]), np.array([16 * (6 * 5 * 5 + 1), 60 * 25 + 16, 60])


def dense_weights(case, numbers):
    """A dense unit on a 100×100×3 image has 100·100·3 = 30000 weights (F20)."""
    layer = Linear(case["h"] * case["w"] * case["c"], 1, bias=False)
    return np.array([layer.weight.shape[1]]), np.array([30000 if case["h"] == 100 else case["h"] * case["w"] * case["c"]])


GENERAL = [{"kind": "general", "n": n, "m": m, "s": s, "p": p}
           for n, m, s, p in [(5, 3, 2, 0), (6, 3, 2, 1), (7, 2, 2, 1), (8, 3, 1, 1), (9, 4, 3, 2)]]
SIZES = Derivation(
    id="sizes",
    title="Output sizes and receptive fields",
    source="002 §output size (002_c9af1d17aa284651.txt); 003 §padding; 004 §receptive field, dilation",
    latex=r"n' = \left\lfloor \frac{n - m + 2p}{s} \right\rfloor + 1,\quad m_{\text{eff}} = m + (m-1)(d-1),\quad "
          r"r_{k-1} = s_k r_k + (f_k - s_k),\ r_L = 1",
    mapping="n is the input side, m the kernel, s the stride, p the zero padding per side (seed 003's β, α); the "
            "receptive field is read off autograd: the span of inputs with a non-zero gradient for one output.",
    claims=[
        Claim("F25,F9,F45", "narrow n−m+1, wide n+m−1, equal-width n, general ⌊(n−m+2p)/s⌋+1",
              r"n' = \lfloor (n - m + 2p)/s \rfloor + 1", conv_output_size,
              grid=[{"kind": k, "n": n, "m": m} for k in ("narrow", "wide") for n, m in [(4, 2), (5, 3)]]
              + [{"kind": "equal", "n": n, "m": m} for n, m in [(4, 3), (5, 5)]] + GENERAL,
              spot={"kind": "general", "n": 64, "m": 7, "s": 3, "p": 3}, name="output-size"),
        Claim("F34", "dilation (d_h, d_w): m taps span m + (m−1)(d−1); forward and gradients as index sums",
              r"m_{\text{eff}} = m + (m-1)(d-1),\ u_{ij} = \sum_{pq} w_{pq} x_{si+d_hp,\,sj+d_wq}", dilated_conv,
              grid=[{"n": 5, "m": (2, 2), "d": (2, 2)}, {"n": 7, "m": (3, 2), "d": (2, 3), "s": 2, "p": 1},
                    {"n": 6, "m": (2, 3), "d": (3, 1)}],
              spot={"n": 20, "m": (3, 2), "d": (3, 2), "p": 2}, name="dilation",
              ops=("Conv2d", "ConvTranspose2d", "Conv2dWeight")),
        Claim("F63,F34", "receptive field r_{k−1} = s_k r_k + (f_k − s_k), r_L = 1 (dilated f: d(f−1)+1)",
              r"r_{k-1} = s_k r_k + (f_k - s_k)", receptive_field,
              grid=[{"layers": [(3, 1, 1)]}, {"layers": [(3, 1, 1), (3, 1, 1)]}, {"layers": [(3, 2, 1), (3, 1, 1)]},
                    {"layers": [(2, 2, 1), (3, 1, 1), (3, 2, 1)]}, {"layers": [(3, 1, 2), (3, 1, 1)]}],
              spot={"layers": [(5, 2, 1), (3, 2, 2), (3, 1, 1), (2, 2, 1)]}, name="receptive-field"),
        Claim("F63,F34", "two kernel-3 layers see 5 inputs; k3d2 ≡ k5", r"r(\text{k3d2}) = r(\text{k5}) = 5",
              k3d2_is_k5, grid=[{}], spot={}),
        Claim("F11,F61", "max pool k=2, s=2 halves each side; stride-2 transposed conv doubles it",
              r"n \xrightarrow{\text{pool}} n/2,\quad n \xrightarrow{\text{conv}^{\top}, s=2} 2n", pool_and_transpose,
              grid=[{"n": 4, "k": 2}, {"n": 6, "k": 3}, {"n": 8, "k": 4}], spot={"n": 32, "k": 3}),
        Claim("F28", "LeNet-5: 32×32 → 28×28×6 → 14×14×6 → 10×10×16 → 5×5×16 → 120 → 84 → 10",
              r"32^2 \to 28^2{\times}6 \to 14^2{\times}6 \to 10^2{\times}16 \to 5^2{\times}16 \to 120 \to 84 \to 10",
              lenet5_shapes, grid=[{"classic": True}], spot={"classic": False}),
        Claim("F28", "LeNet-5 C3 parameters: 16·(6·25 + 1) = 2416 with every channel pair; 60·25 + 16 = 1516 with "
              "LeCun's table of 60 pairs (the table is reconstructed)",
              r"16\,(6 \cdot 5^2 + 1) = 2416,\quad 60 \cdot 5^2 + 16 = 1516", lenet5_c3_parameters, grid=[{}],
              name="lenet5-c3"),
        Claim("F20", "a dense unit on a 100×100×3 image has 30000 weights", r"100 \cdot 100 \cdot 3 = 30000",
              dense_weights, grid=[{"h": 100, "w": 100, "c": 3}], spot={"h": 32, "w": 32, "c": 3}),
    ],
)
