"""Matrix product with NumPy's batching rules: for C = A B, δ_A = δ Bᵀ and δ_B = Aᵀ δ
(batch axes that broadcasting added are summed back by the engine)."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import backend
from .. import tensor as _tensor  # Tensor, read at call time (tensor.py imports the ops once Tensor exists)
from ..autograd import Function
from ..errors import ShapeError
from .args import check_size, same_dtype
from .movement import reshape, unsqueeze


class MatMul(Function):
    rule_unicode = "C = A·B: δ_A = δ·Bᵀ, δ_B = Aᵀ·δ"
    rule_latex = r"\delta_A = \delta B^\top,\quad \delta_B = A^\top \delta"

    def forward(ctx, a, b):
        return backend.quietly(np.matmul, a, b)  # ∞·0 inside a product is NaN silently, as in PyTorch

    def backward(ctx, g):
        a, b = ctx.inputs
        return (g @ b.transpose(-1, -2) if ctx.needs_input_grad[0] else None,
                a.transpose(-1, -2) @ g if ctx.needs_input_grad[1] else None)


def operands(op: str, a: Any, b: Any, names: tuple = ("input", "other")) -> tuple:
    """Both operands as Tensors (NumPy arrays accepted) of one dtype: PyTorch multiplies matrices in one dtype
    and refuses mixed ones instead of promoting (SymPy operands mix with numbers)."""
    Tensor = _tensor.Tensor
    if isinstance(a, Tensor) and isinstance(b, Tensor):  # the common case, checked without building a dict
        da, db = a.data.dtype, b.data.dtype
        if da is db or da == db or da == object or db == object:
            return a, b
    pair = []
    for name, x in zip(names, (a, b)):
        if isinstance(x, np.ndarray):
            x = Tensor(x)
        elif not isinstance(x, Tensor):
            raise TypeError(f"{op}: {name} must be a Tensor (or a NumPy array), got {type(x).__name__}")
        pair.append(x)
    same_dtype(op, **{names[0]: pair[0].data, names[1]: pair[1].data})
    return tuple(pair)


def matmul(input: Any, other: Any):
    """A @ B for 1-D (vector) and n-D (batched) operands, checked so the error names both shapes."""
    return product("matmul", input, other)


def product(op: str, a: Any, b: Any):
    """matmul's work; errors name `op`, the function the user called (matmul, mm, bmm)."""
    a, b = operands(op, a, b)
    if a.ndim == 0 or b.ndim == 0:
        raise ShapeError(f"matmul: both operands need at least one dimension, got {a.shape} @ {b.shape}")
    k_a = a.shape[-1]
    k_b = b.shape[-2] if b.ndim >= 2 else b.shape[0]
    if k_a != k_b:
        raise ShapeError(f"matmul: inner dimensions differ: {a.shape} @ {b.shape}; (…, m×k) @ (…, k×n) "
                         f"needs a.shape[-1] == b.shape[-2], here {k_a} ≠ {k_b}")
    if a.ndim <= 2 and b.ndim <= 2:  # no batch dimensions; the output is smaller than an operand times k
        batch = ()
    else:
        try:
            batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
        except ValueError:
            raise ShapeError(f"matmul: batch dimensions of {a.shape} and {b.shape} do not broadcast") from None
    check_size(op, batch + a.shape[-2:-1] + b.shape[-1:], np.result_type(a.dtype, b.dtype))
    if a.ndim == 1 and b.ndim == 1:
        return reshape(MatMul.apply(unsqueeze(a, 0), unsqueeze(b, 1)), ())
    if a.ndim == 1:
        return reshape(MatMul.apply(unsqueeze(a, 0), b), b.shape[:-2] + (b.shape[-1],))
    if b.ndim == 1:
        return reshape(MatMul.apply(a, unsqueeze(b, 1)), a.shape[:-1])
    return MatMul.apply(a, b)


def bilinear(input1: Any, input2: Any, weight: Any, bias: Any = None):
    """y_k = x₁ᵀ A_k x₂ + b_k with weight A of shape (out, in1, in2), as torch.nn.functional.bilinear; the inputs
    (…, in1) and (…, in2) share their leading shape. One batched matmul (x₁A_k for every k), then a product with x₂."""
    op = "bilinear"
    input1, weight = operands(op, input1, weight, ("input1", "weight"))
    input2, _ = operands(op, input2, weight, ("input2", "weight"))
    if weight.ndim != 3:
        raise ShapeError(f"bilinear: weight must be 3-D (out_features, in1_features, in2_features), got {weight.shape}")
    out, in1, in2 = weight.shape
    if input1.ndim == 0 or input2.ndim == 0 or input1.shape[:-1] != input2.shape[:-1]:
        raise ShapeError(f"bilinear: input1 {input1.shape} and input2 {input2.shape} must have the same leading "
                         "(batch) dimensions")
    if input1.shape[-1] != in1 or input2.shape[-1] != in2:
        raise ShapeError(f"bilinear: inputs with {input1.shape[-1]} and {input2.shape[-1]} features do not fit weight "
                         f"{weight.shape} (in1_features {in1}, in2_features {in2})")
    lead = input1.shape[:-1]
    check_size(op, (out,) + lead + (max(in2, 1),), weight.dtype)  # the (out, n, in2) intermediate
    x1, x2 = reshape(input1, (-1, in1)), reshape(input2, (-1, in2))
    y = (product(op, x1, weight) * unsqueeze(x2, 0)).sum(-1).T  # (out, n, in2) · (1, n, in2) → (n, out)
    if bias is not None:
        bias = operands(op, bias, weight, ("bias", "weight"))[0]
        if bias.shape != (out,):
            raise ShapeError(f"bilinear: bias shape {bias.shape} must be ({out},) for weight {weight.shape}")
        y = y + bias
    return reshape(y, lead + (out,))
