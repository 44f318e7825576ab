"""Seeds 002 and 004 on channel structure: pointwise (1×1), depthwise (groups = channels), grouped and
depthwise-separable convolutions, their formulas and their parameter counts."""
import numpy as np

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.nn import Conv2d, Linear
from tinygrad_edu.symbolic import Claim, Derivation
from tinygrad_edu.symbolic.sums import conv, conv_input_grad, conv_weight_grad


def parameters(module):
    return sum(p.data.size for p in module.parameters())


def pointwise(case, numbers):
    """y_oij = Σ_c w_oc x_cij: a 1×1 conv is a dense layer across channels at each pixel (F57)."""
    C, O, n = case["C"], case["O"], case["n"]
    x, w = numbers.tensor("x", (1, C, n, n)), numbers.tensor("w", (O, C))
    y = F.conv2d(x, w.reshape(O, C, 1, 1))
    per_pixel = F.linear(x.permute(0, 2, 3, 1), w).permute(0, 3, 1, 2)
    by_sum = np.einsum("oc,cij->oij", w.data, x.data[0])
    return np.concatenate([y.data.ravel(), per_pixel.data.ravel()]), np.concatenate([by_sum.ravel(), by_sum.ravel()])


def grouped(case, numbers):
    """Output channel o of group g = o // (O/G) reads only input channels of group g:
    y_oij = Σ_{c<C/G} Σ_pq w_{o,c,p,q} x_{g·C/G + c, s·i+p, s·j+q}; G = C is depthwise (F51, F58, F59). Its gradients
    keep the groups apart: ∂E/∂x of group g sums only over group g's outputs, ∂E/∂w_ocpq = Σ_ij δ_oij x_{gC/G+c,…}."""
    C, O, G, n, k = case["C"], case["O"], case["G"], case["n"], case["k"]
    s, p = case.get("s", 1), case.get("p", 0)
    x, w = numbers.tensor("x", (1, C, n, n)), numbers.tensor("w", (O, C // G, k, k))
    y = F.conv2d(x, w, stride=s, padding=p, groups=G)
    delta = numbers.delta("delta", y.shape)
    y.backward(delta)
    X, Wt, D = x.data[0], w.data, delta.data[0]
    return (np.concatenate([y.data.ravel(), x.grad.data.ravel(), w.grad.data.ravel()]),
            np.concatenate([conv(X, Wt, s, p, groups=G).ravel(), conv_input_grad(D, Wt, (n, n), s, p, groups=G).ravel(),
                            conv_weight_grad(D, X, (k, k), s, p, groups=G).ravel()]))


def group_parameters(case, numbers):
    """A grouped conv has C_in·C_out·k²/G weights: the parameters divided by G (F59); a conv layer has
    U·V·D·P + P parameters (F26)."""
    C, O, G, k = case["C"], case["O"], case["G"], case["k"]
    grouped_layer, full = Conv2d(C, O, k, groups=G, bias=False), Conv2d(C, O, k)
    return np.array([parameters(grouped_layer), parameters(full)]), np.array([C * O * k * k // G, k * k * C * O + O])


def separable_is_factorised(case, numbers):
    """Depthwise then pointwise = one conv whose weight factorises, W_ocpq = P_oc D_cpq (F60, F57, F58), and its
    gradients by the chain of index sums: h = D ⋆ x (per channel), g_cij = Σ_o P_oc δ_oij, ∂E/∂P_oc = Σ_ij δ_oij h_cij,
    ∂E/∂D_cpq = Σ_ij g_cij x_{c,i+p,j+q}, ∂E/∂x = the depthwise transposed sum of g."""
    C, O, n, k = case["C"], case["O"], case["n"], case["k"]
    x = numbers.tensor("x", (1, C, n, n))
    depth, point = numbers.tensor("d", (C, 1, k, k)), numbers.tensor("p", (O, C, 1, 1))
    y = F.conv2d(F.conv2d(x, depth, groups=C), point)
    delta = numbers.delta("delta", y.shape)
    y.backward(delta)
    X, Dw, P, D = x.data[0], depth.data, point.data[:, :, 0, 0], delta.data[0]
    factorised = P[:, :, None, None] * Dw[:, 0][None]
    h = conv(X, Dw, groups=C)
    g = np.einsum("oc,oij->cij", P, D)
    return (np.concatenate([y.data.ravel(), point.grad.data.ravel(), depth.grad.data.ravel(), x.grad.data.ravel()]),
            np.concatenate([conv(X, factorised).ravel(), np.einsum("oij,cij->oc", D, h).ravel(),
                            conv_weight_grad(g, X, (k, k), groups=C).ravel(),
                            conv_input_grad(g, Dw, (n, n), groups=C).ravel()]))


def multiply_adds(case, numbers):
    """The work, counted as multiply-adds per output position: a full conv C·C_out·k², a grouped one C·C_out·k²/G,
    a separable one C·k² + C·C_out (F59, F60), read off autograd: on an input of ones, Σ ∂(Σy)/∂w counts every
    multiply-add w·x of the layer once."""
    C, O, G, k, n = case["C"], case["O"], case["G"], case["k"], case["n"]
    counts = []
    for weights in ([(O, C, k, k, 1)], [(O, C // G, k, k, G)], [(C, 1, k, k, C), (O, C, 1, 1, 1)]):
        total, size = 0, n
        for out, per_group, kh, kw, groups in weights:
            ones = tg.Tensor(np.ones((1, per_group * groups, size, size)))
            w = tg.Tensor(np.ones((out, per_group, kh, kw)), requires_grad=True)
            h = F.conv2d(ones, w, groups=groups)
            h.sum().backward()
            total += int(w.grad.data.sum()) // (h.shape[2] * h.shape[3])
            size = h.shape[2]
        counts.append(total)
    return np.array(counts), np.array([C * O * k * k, C * O * k * k // G, C * k * k + C * O])


def separable_savings(case, numbers):
    """Parameters C·k² + C·C_out instead of C·C_out·k²: ratio 1/C_out + 1/k² (3×3, C_out = 64: ≈ 0.127) (F60)."""
    C, O, k = case["C"], case["O"], case["k"]
    separable = parameters(Conv2d(C, C, k, groups=C, bias=False)) + parameters(Conv2d(C, O, 1, bias=False))
    full = parameters(Conv2d(C, O, k, bias=False))
    ratio = numbers.constant(separable) / full
    return np.array([separable, full, ratio], dtype=object if numbers.symbolic else float), np.array(
        [C * k * k + C * O, C * O * k * k, numbers.constant(1) / O + numbers.constant(1) / k ** 2],
        dtype=object if numbers.symbolic else float)


def dense_versus_conv(case, numbers):
    """Weight sharing gives few parameters: a conv layer's weights do not grow with the image, a dense layer's
    do (F18)."""
    n, C, O, k = case["n"], case["C"], case["O"], case["k"]
    m = n - k + 1
    dense = Linear(C * n * n, O * m * m, bias=False)
    conv = Conv2d(C, O, k, bias=False)
    return np.array([parameters(conv), parameters(dense)]), np.array([O * C * k * k, C * n * n * O * m * m])


SEPARABLE = Derivation(
    id="separable",
    title="Pointwise, depthwise, grouped and depthwise-separable convolution",
    source="004 §pointwise, depthwise, grouped, separable (004_6302a0de90c7a1db.txt); 002 §conv layer parameters",
    latex=r"y_{oij} = \sum_c w_{oc} x_{cij},\quad y_{cij} = \sum_{pq} w_{cpq} x_{c,i+p,j+q},\quad "
          r"\frac{Ck^2 + C C_{\text{out}}}{C C_{\text{out}} k^2} = \frac{1}{C_{\text{out}}} + \frac{1}{k^2}",
    mapping="0-based NCHW throughout; weights as PyTorch: (C_out, C_in/groups, k, k); a 1×1 weight w_oc is "
            "weight[o, c, 0, 0].",
    claims=[
        Claim("F57", "pointwise conv y_oij = Σ_c w_oc x_cij = a dense layer per pixel", r"y_{oij} = \sum_c w_{oc}x_{cij}",
              pointwise, grid=[{"C": 1, "O": 2, "n": 2}, {"C": 3, "O": 2, "n": 2}], spot={"C": 16, "O": 8, "n": 6}),
        Claim("F58,F59,F51", "grouped conv: group g's outputs read group g's inputs, gradients stay in the group",
              r"y_{oij} = \sum_{c<C/G}\sum_{pq} w_{ocpq}\,x_{g C/G + c,\,i+p,\,j+q}", grouped,
              grid=[{"C": 2, "O": 2, "G": 2, "n": 3, "k": 2}, {"C": 4, "O": 2, "G": 2, "n": 3, "k": 2},
                    {"C": 3, "O": 6, "G": 3, "n": 3, "k": 3}, {"C": 2, "O": 2, "G": 2, "n": 4, "k": 2, "s": 2, "p": 1},
                    {"C": 4, "O": 4, "G": 2, "n": 3, "k": 2, "p": 1}],
              spot={"C": 8, "O": 12, "G": 4, "n": 12, "k": 3, "p": 1}, name="grouped",
              ops=("Conv2d", "ConvTranspose2d", "Conv2dWeight")),
        Claim("F59,F26", "grouped conv has C_in·C_out·k²/G weights; a conv layer U·V·D·P + P parameters",
              r"\#W = \frac{C_{\text{in}} C_{\text{out}} k^2}{G},\quad UVDP + P", group_parameters,
              grid=[{"C": 4, "O": 8, "G": g, "k": 3} for g in (1, 2, 4)], spot={"C": 96, "O": 256, "G": 2, "k": 5}),
        Claim("F60,F57,F58", "depthwise then pointwise = conv with W_ocpq = P_oc D_cpq; gradients of P, D and x",
              r"W_{ocpq} = P_{oc} D_{cpq}", separable_is_factorised,
              grid=[{"C": 1, "O": 1, "n": 3, "k": 2}, {"C": 2, "O": 3, "n": 3, "k": 2}],
              spot={"C": 6, "O": 5, "n": 9, "k": 3}, name="separable", ops=("Conv2d", "ConvTranspose2d", "Conv2dWeight")),
        Claim("F59,F60", "multiply-adds per position: C·C_out·k², grouped /G, separable C·k² + C·C_out",
              r"C C_{\text{out}} k^2,\ \frac{C C_{\text{out}} k^2}{G},\ C k^2 + C C_{\text{out}}", multiply_adds,
              grid=[{"C": 4, "O": 8, "G": 2, "k": 3, "n": 4}, {"C": 6, "O": 6, "G": 3, "k": 2, "n": 3}],
              spot={"C": 32, "O": 64, "G": 4, "k": 3, "n": 5}, name="multiply-adds", ops=("Conv2dWeight",)),
        Claim("F60", "separable parameters C·k² + C·C_out, ratio 1/C_out + 1/k² (≈ 0.127 for 3×3, C_out = 64)",
              r"\frac{1}{C_{\text{out}}} + \frac{1}{k^2}", separable_savings,
              grid=[{"C": 32, "O": 64, "k": 3}, {"C": 3, "O": 8, "k": 5}], spot={"C": 128, "O": 64, "k": 3}),
        Claim("F18", "weight sharing: conv weights O·C·k², a dense layer's C·n²·O·m²",
              r"OCk^2 \ll C n^2 \cdot O m^2", dense_versus_conv,
              grid=[{"n": 8, "C": 1, "O": 2, "k": 3}], spot={"n": 16, "C": 3, "O": 4, "k": 5}),
    ],
)
