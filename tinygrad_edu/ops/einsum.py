"""Tensor products: einsum (one Function over np.einsum whose backward is again an einsum, so it
differentiates any number of times and runs on SymPy values) and PyTorch's strict mm / bmm."""
from __future__ import annotations

import string
from typing import Any

import numpy as np
from ..lazy_sympy import sympy

from ..autograd import Function
from ..errors import ShapeError
from .args import check_size, same_dtype
from .linalg import operands, product
from .movement import broadcast_to

LETTERS = string.ascii_uppercase + string.ascii_lowercase


def _constant(kind: str, n: int, like: np.ndarray) -> np.ndarray:
    """A ones vector or an identity matrix of size n, in like's number kind (SymPy integers on object arrays)."""
    shape = (n,) if kind == "ones" else (n, n)
    pattern = np.ones(shape, dtype=bool) if kind == "ones" else np.eye(n, dtype=bool)
    if like.dtype == object:
        return np.where(pattern, sympy.Integer(1), sympy.Integer(0)).astype(object)
    return pattern.astype(like.dtype)


class Einsum(Function):
    """y = einsum(equation, *operands) with an explicit equation (letters only, no repeated output letter)."""

    rule_unicode = "δ_k = einsum of δ with the other operands, back to operand k's subscripts (∂y/∂x_k is linear)"
    rule_latex = r"\delta_k = \operatorname{einsum}(\delta, x_{j \ne k} \to \text{subscripts}_k)"

    def forward(ctx, *arrays, equation):
        if len(arrays) == 1:  # np.einsum may return a view (a diagonal, a transpose): copy, as torch.einsum
            return np.array(np.einsum(equation, arrays[0]))
        with np.errstate(all="ignore"):  # ∞·0 and ∞ − ∞ in the contraction give NaN silently, as in PyTorch
            return np.asarray(np.einsum(equation, *arrays, optimize=all(a.dtype != object for a in arrays)))

    def backward(ctx, g):
        lhs, out = ctx.attrs["equation"].split("->")
        terms = lhs.split(",")
        return tuple(_operand_grad(g, ctx.inputs, terms, out, k) if ctx.needs_input_grad[k] else None
                     for k in range(len(terms)))


def _operand_grad(g, inputs, terms: list[str], out: str, k: int):
    """∂/∂x_k of Σ δ·y: einsum of δ and the other operands into x_k's subscripts. A letter repeated in x_k
    (a diagonal) is renamed and tied back by an identity matrix; a letter found nowhere else (summed over
    x_k alone) gets a ones vector, which broadcasts δ along it."""
    Tensor = type(g)
    fresh = iter(c for c in LETTERS if c not in "".join(terms) + out)
    parts, operands = [out], [g]
    for j, (term, x) in enumerate(zip(terms, inputs)):
        if j != k:
            parts.append(term)
            operands.append(x)
    target, seen = [], set()
    sizes = dict(zip(terms[k], inputs[k].shape))
    for c in terms[k]:
        if c in seen:
            new = next(fresh)
            parts.append(c + new)
            operands.append(Tensor._make(_constant("eye", sizes[c], g.data), False))
            c = new
        seen.add(c)
        target.append(c)
    present = set("".join(parts))
    for c in target:
        if c not in present:
            parts.append(c)
            operands.append(Tensor._make(_constant("ones", sizes[c], g.data), False))
    return Einsum.apply(*operands, equation=",".join(parts) + "->" + "".join(target))


def _parse(equation: str, shapes: list[tuple[int, ...]]) -> tuple[list[str], str]:
    """Explicit letter subscripts per operand and for the output: '...' spelled out with unused letters
    (right-aligned, as broadcasting), the implicit output (ellipsis, then letters used once, sorted) made explicit."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        raise ShapeError(f"einsum: the equation {equation!r} has {len(terms)} operand(s) but {len(shapes)} "
                         "were given")
    for part in terms + [rhs]:
        bad = set(part.replace("...", "")) - set(LETTERS)
        if bad or part.count("...") > 1:
            raise ShapeError(f"einsum: invalid subscripts {part!r} in {equation!r}: use letters and at most one '...'")
    spare = [c for c in LETTERS if c not in eq][::-1]
    width = 0
    for term, shape in zip(terms, shapes):
        named = len(term.replace("...", ""))
        if ("..." in term and named > len(shape)) or ("..." not in term and named != len(shape)):
            raise ShapeError(f"einsum: the subscripts {term!r} do not match the {len(shape)} dimensions of an "
                             f"operand of shape {shape}" + ("" if "..." in term else " and no ellipsis was given"))
        width = max(width, len(shape) - named)
    ell = "".join(spare[:width][::-1])
    explicit = [t.replace("...", ell[width - (len(s) - len(t.replace("...", ""))):]) for t, s in zip(terms, shapes)]
    if arrow:
        out = rhs.replace("...", ell)
    else:
        joined = "".join(t.replace("...", "") for t in terms)
        out = ell + "".join(sorted(c for c in set(joined) if joined.count(c) == 1))
    for c in out:
        if out.count(c) > 1:
            raise ShapeError(f"einsum: output subscript {c} appears more than once in {equation!r}")
        if c not in "".join(explicit):
            raise ShapeError(f"einsum: output subscript {c} does not appear in any input of {equation!r}")
    return explicit, out


def einsum(equation: str, *operands: Any):
    """Einstein summation as torch.einsum: explicit ('ij,jk->ik') or implicit ('ij,jk') output, '...' for
    broadcast dimensions, operands as arguments or one list. Size-1 dimensions broadcast as in PyTorch."""
    from ..tensor import Tensor

    if not isinstance(equation, str):
        raise TypeError(f"einsum: the equation must be a string such as 'ij,jk->ik', got {equation!r}")
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    tensors = []
    for x in operands:
        if not isinstance(x, (Tensor, np.ndarray)):
            raise TypeError(f"einsum: operands must be Tensors or NumPy arrays, got {type(x).__name__}")
        tensors.append(x if isinstance(x, Tensor) else Tensor(x))
    same_dtype("einsum", **{f"operand {k}": t.data for k, t in enumerate(tensors)})
    terms, out = _parse(equation, [t.shape for t in tensors])
    size: dict[str, int] = {}
    for term, t in zip(terms, tensors):
        for c, n in zip(term, t.shape):
            have = size.get(c, 1)
            if have != 1 and n not in (1, have):
                raise ShapeError(f"einsum: subscript {c} has size {n} for an operand of shape {t.shape}, which does "
                                 f"not broadcast with the size {have} seen before ({equation!r})")
            size[c] = n if have == 1 else have
    check_size("einsum", tuple(size[c] for c in out), tensors[0].dtype if tensors else np.float32)
    tensors = [broadcast_to(t, tuple(size[c] for c in term)) for term, t in zip(terms, tensors)]
    return Einsum.apply(*tensors, equation=",".join(terms) + "->" + out)


def mm(input: Any, mat2: Any):
    """Matrix product of two matrices, strictly 2-D (no broadcasting), as torch.mm."""
    input, mat2 = operands("mm", input, mat2, ("input", "mat2"))
    for name, x in (("input", input), ("mat2", mat2)):
        if x.ndim != 2:
            raise ShapeError(f"mm: {name} must be a matrix, got shape {x.shape}")
    if input.shape[1] != mat2.shape[0]:
        raise ShapeError(f"mm: input {input.shape} and mat2 {mat2.shape} cannot be multiplied ({input.shape[1]} ≠ "
                         f"{mat2.shape[0]})")
    return product("mm", input, mat2)


def bmm(input: Any, mat2: Any):
    """Batched matrix product of (b, n, m) and (b, m, p), strictly 3-D with equal batch sizes, as torch.bmm."""
    input, mat2 = operands("bmm", input, mat2, ("input", "mat2"))
    shapes = [input.shape, mat2.shape]
    for name, shape in zip(("input", "mat2"), shapes):
        if len(shape) != 3:
            raise ShapeError(f"bmm: {name} must be a 3-D tensor (batch, rows, columns), got shape {shape}")
    if shapes[0][0] != shapes[1][0] or shapes[0][2] != shapes[1][1]:
        raise ShapeError(f"bmm: expected mat2 of shape ({shapes[0][0]}, {shapes[0][2]}, p) for input of shape "
                         f"{shapes[0]}, got {shapes[1]}")
    return product("bmm", input, mat2)
