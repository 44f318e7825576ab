"""Valid calls of every public tg.* tensor function (math, reductions, comparisons, sorting, shape and index ops,
products, creation); walk.cases() mutates each into the bad inputs."""
from __future__ import annotations

import numpy as np

from .table_functional import X, idx, pos, prob
from . import table_functional
from .walk import DROP, K, P, Spec

# full reductions of a huge view would read terabytes without allocating: no "huge" call for them
FULL = {"huge": False}


def specs() -> list[Spec]:
    table_functional.reseed(17)
    S: list[Spec] = []
    add = S.append
    for name in ("abs", "exp", "sqrt", "sigmoid", "tanh", "relu", "clone"):
        add(Spec(f"tg.{name}", [P("input", X(2, 3, 4), "x")]))
    add(Spec("tg.log", [P("input", pos(2, 3, 4), "x")], extra=[("input:negative", "nan", {"input": -pos(2, 3)})]))
    for name in ("isnan", "isinf", "isfinite"):
        add(Spec(f"tg.{name}", [P("input", X(2, 3, 4), "x")], grad=False))
    add(Spec("tg.t", [P("input", X(3, 4), "x")], names=("transpose",),
             extra=[("input:3-d", "rank", {"input": X(2, 3, 4)})]))
    for name in ("eq", "ne", "lt", "le", "gt", "ge"):
        add(Spec(f"tg.{name}", [P("input", X(3, 4), "x"), P("other", X(3, 4), "x")], grad=False,
                 extra=[("other:scalar", "type", {"other": 0.5}),
                        ("other:unbroadcastable", "size", {"other": X(3, 5)})]))
    for name in ("maximum", "minimum"):
        add(Spec(f"tg.{name}", [P("input", X(3, 4), "x"), P("other", X(3, 4), "x")],
                 extra=[("other:unbroadcastable", "size", {"other": X(3, 5)})]))
    add(Spec("tg.clamp", [P("input", X(3, 4), "x"), K("min", -0.5, "scalar"), K("max", 0.5, "scalar")],
             extra=[("min>max", "size", {"min": 1.0, "max": -1.0}), ("no-bounds", "type", {"min": None, "max": None}),
                    ("min:tensor", "type", {"min": X(3, 4)})]))
    add(Spec("tg.clip", [P("input", X(3, 4), "x"), K("min", -0.5, "scalar"), K("max", 0.5, "scalar")]))
    add(Spec("tg.clamp_min", [P("input", X(3, 4), "x"), P("min", -0.5, "scalar")]))
    add(Spec("tg.clamp_max", [P("input", X(3, 4), "x"), P("max", 0.5, "scalar")]))
    add(Spec("tg.where", [P("condition", X(3, 4) > 0, "mask"), P("input", X(3, 4), "x"), P("other", X(3, 4), "x")],
             batch=("condition", "input", "other"),
             extra=[("other:scalar", "type", {"other": 0.0}),
                    ("condition-only", "type", {"input": DROP, "other": DROP})]))
    for name in ("isclose", "allclose"):
        add(Spec(f"tg.{name}", [P("input", X(3, 4), "x"), P("other", X(3, 4), "x"), K("rtol", 1e-5, "eps"),
                                K("atol", 1e-8, "eps"), K("equal_nan", False, "flag")], grad=False,
                 extra=[("other:unbroadcastable", "size", {"other": X(3, 5)})]))
    for name in ("any", "all"):
        add(Spec(f"tg.{name}", [P("input", X(3, 4), "x"), K("dim", 1, "dim"), K("keepdim", False, "flag")], grad=False))
    for name in ("max", "min"):
        add(Spec(f"tg.{name}", [P("input", X(3, 4), "x"), P("dim", 1, "dim"), K("keepdim", False, "flag")],
                 extra=[("input:N=0-reduce-dim0", "size", {"input": X(0, 4), "dim": 0})]))
        add(Spec(f"tg.{name}", [P("input", X(3, 4), "x")], tag="full", **FULL,
                 extra=[("input:empty", "size", {"input": X(0, 4)})]))
        add(Spec(f"tg.{name}", [P("input", X(3, 4), "x"), P("other", X(3, 4), "x")], tag="binary",
                 names=({"max": "maximum", "min": "minimum"}[name],)))
    for name in ("amax", "amin", "argmax", "argmin"):
        add(Spec(f"tg.{name}", [P("input", X(3, 4), "x"), K("dim", 1, "dim"), K("keepdim", False, "flag")],
                 extra=[("input:empty-dim", "size", {"input": X(3, 0)})]))
    for name in ("sum", "mean"):
        add(Spec(f"tg.{name}", [P("input", X(3, 4), "x"), K("dim", 1, "dim"), K("keepdim", False, "flag"),
                                K("dtype", None, "dtype")],
                 extra=[("dim=(0,0)", "dim", {"dim": (0, 0)}), ("dim=(0,1)", "dim", {"dim": (0, 1)})]))
        add(Spec(f"tg.{name}", [P("input", X(3, 4), "x")], tag="full", **FULL))
    add(Spec("tg.prod", [P("input", X(3, 4), "x"), K("dim", 1, "dim"), K("keepdim", False, "flag"),
                         K("dtype", None, "dtype")]))
    add(Spec("tg.norm", [P("input", X(3, 4), "x"), K("p", 2, "real"), K("dim", 1, "dim"), K("keepdim", False, "flag")],
             extra=[("p='fro'", "mode", {"p": "fro"}), ("p='nuc'", "mode", {"p": "nuc", "dim": (0, 1)}),
                    ("p='bogus'", "mode", {"p": "bogus"}), ("p=0", "size", {"p": 0}), ("p=-1", "size", {"p": -1})]))
    for name in ("std", "var"):
        add(Spec(f"tg.{name}", [P("input", X(3, 4), "x"), K("dim", 1, "dim"), K("keepdim", False, "flag"),
                                K("correction", 1, "real")],
                 extra=[("correction>n", "size", {"correction": 7}), ("one-element", "size", {"input": X(3, 1)})]))
    add(Spec("tg.logsumexp", [P("input", X(3, 4), "x"), P("dim", 1, "dim"), K("keepdim", False, "flag")]))
    for name in ("softmax", "log_softmax"):
        add(Spec(f"tg.{name}", [P("input", X(2, 5), "x"), P("dim", 1, "dim"), K("dtype", None, "dtype")]))
    add(Spec("tg.cumsum", [P("input", X(3, 4), "x"), P("dim", 1, "dim"), K("dtype", None, "dtype")]))
    for name in ("sort", "argsort"):
        add(Spec(f"tg.{name}", [P("input", X(3, 4), "x"), K("dim", 1, "dim"), K("descending", False, "flag")]))
    # PyTorch leaves the order of tied entries in topk unspecified (its int64 kernel differs from the float one):
    # the integer input, which has ties, is not a comparison of results
    add(Spec("tg.topk", [P("input", X(3, 4), "x"), P("k", 2, "count"), K("dim", 1, "dim"), K("largest", True, "flag"),
                         K("sorted", True, "flag")], extra=[("k>size", "size", {"k": 5}), ("k=0", "size", {"k": 0})],
             skip=("input:int64",)))
    # elementwise math, rounding, trigonometry (ops/math_extra.py, ops/trig.py)
    # an alias may name the op it stands for in its errors (as swapaxes names transpose)
    alias = {"arcsin": "asin", "arccos": "acos", "arctan": "atan", "arcsinh": "asinh", "arccosh": "acosh",
             "arctanh": "atanh", "arctan2": "atan2", "negative": "neg", "subtract": "sub", "multiply": "mul",
             "divide": "div", "true_divide": "div", "floor_divide": "div"}
    names = {n: (a,) for n, a in alias.items()}
    for name in ("floor", "ceil", "trunc", "fix", "frac", "sin", "cos", "tan", "atan", "arctan", "sinh", "cosh",
                 "asinh", "arcsinh", "sign", "sgn", "square", "reciprocal", "exp2", "deg2rad", "rad2deg", "neg",
                 "negative", "positive"):
        add(Spec(f"tg.{name}", [P("input", X(2, 3, 4), "x")], names=names.get(name, ())))
    # sinc's δ near an extremum of sinc cancels in float32: PyTorch's order of operations differs in the last digits
    add(Spec("tg.sinc", [P("input", X(2, 3, 4), "x")], rtol=1e-3))
    add(Spec("tg.signbit", [P("input", X(2, 3, 4), "x")], grad=False))
    for name in ("asin", "arcsin", "acos", "arccos", "atanh", "arctanh", "logit"):
        add(Spec(f"tg.{name}", [P("input", prob(2, 3, 4), "x")], names=names.get(name, ())))
    add(Spec("tg.erf", [P("input", X(2, 3, 4) * 2, "x")]))
    add(Spec("tg.erfc", [P("input", X(2, 3, 4) * 4, "x")], extra=[("input:tail", "size", {"input": X(3, 4) * 9})]))
    add(Spec("tg.erfinv", [P("input", prob(2, 3, 4) * 2 - 1, "x")],
             extra=[("input:outside-[-1,1]", "nan", {"input": X(3, 4) * 3}),
                    ("input:plus-minus-1", "nan", {"input": np.array([-1.0, 1.0, 0.0], np.float32)})]))
    for name in ("acosh", "arccosh"):
        add(Spec(f"tg.{name}", [P("input", pos(2, 3, 4) + 1, "x")], names=names.get(name, ())))
    for name in ("log2", "log10"):
        add(Spec(f"tg.{name}", [P("input", pos(2, 3, 4), "x")]))
    add(Spec("tg.round", [P("input", X(2, 3, 4), "x"), K("decimals", 1, "int")]))
    add(Spec("tg.nan_to_num", [P("input", X(3, 4), "x"), K("nan", 0.0, "real")]))
    for name in ("add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "remainder", "fmod",
                 "floor_divide", "atan2", "arctan2", "hypot", "logaddexp", "logaddexp2", "fmax", "fmin", "copysign",
                 "pow"):
        add(Spec(f"tg.{name}", [P("input", X(3, 4), "x"), P("other", X(3, 4), "x")], names=names.get(name, ()),
                 extra=[("other:unbroadcastable", "size", {"other": X(3, 5)})]))
    add(Spec("tg.add", [P("input", X(3, 4), "x"), P("other", X(3, 4), "x"), K("alpha", 0.5, "scalar")], tag="alpha"))
    add(Spec("tg.div", [P("input", X(3, 4), "x"), P("other", X(3, 4), "x"), K("rounding_mode", "floor", "mode")],
             tag="rounding", extra=[("rounding_mode='trunc'", "mode", {"rounding_mode": "trunc"})]))
    add(Spec("tg.float_power", [P("input", pos(3, 4), "x"), P("exponent", X(3, 4), "x")]))
    add(Spec("tg.xlogy", [P("input", X(3, 4), "x"), P("other", pos(3, 4), "x")]))
    add(Spec("tg.heaviside", [P("input", X(3, 4), "x"), P("values", X(3, 4), "x")], grad=False))
    add(Spec("tg.lerp", [P("input", X(3, 4), "x"), P("end", X(3, 4), "x"), P("weight", 0.3, "scalar")]))
    for name in ("addcmul", "addcdiv"):
        add(Spec(f"tg.{name}", [P("input", X(3, 4), "x"), P("tensor1", X(3, 4), "x"), P("tensor2", pos(3, 4), "x"),
                                K("value", 0.5, "scalar")]))
    # products, diagonals, scans and statistics (ops/linalg_extra.py)
    for name in ("dot", "vdot"):
        add(Spec(f"tg.{name}", [P("input", X(4), "x"), P("other" if name == "vdot" else "tensor", X(4), "x")],
                 huge=False, extra=[("size-mismatch", "size", {"input": X(3)})]))
    add(Spec("tg.inner", [P("input", X(3, 4), "x"), P("other", X(2, 4), "x")], huge=False))
    for name in ("outer", "ger"):
        add(Spec(f"tg.{name}", [P("input", X(3), "x"), P("vec2", X(4), "x")], huge=False, names=("outer",)))
    add(Spec("tg.mv", [P("input", X(3, 4), "x"), P("vec", X(4), "x")], huge=False))
    add(Spec("tg.addmm", [P("input", X(3, 5), "x"), P("mat1", X(3, 4), "x"), P("mat2", X(4, 5), "x"),
                          K("beta", 0.5, "scalar"), K("alpha", 2.0, "scalar")], huge=False, names=("mm",),
             skip=("alpha=inf",)))  # PyTorch's fused BLAS product with α = ∞ sums ±∞·aᵢₖbₖⱼ terms in its own order
    add(Spec("tg.addmv", [P("input", X(3), "x"), P("mat", X(3, 4), "x"), P("vec", X(4), "x"),
                          K("beta", 0.5, "scalar"), K("alpha", 2.0, "scalar")], huge=False, names=("mv",),
             skip=("alpha=inf",)))
    for name in ("addbmm", "baddbmm"):
        add(Spec(f"tg.{name}", [P("input", X(3, 5) if name == "addbmm" else X(2, 3, 5), "x"),
                                P("batch1", X(2, 3, 4), "x"), P("batch2", X(2, 4, 5), "x")], huge=False,
                 names=("bmm",)))
    add(Spec("tg.kron", [P("input", X(2, 3), "x"), P("other", X(3, 2), "x")], huge=False))
    add(Spec("tg.cross", [P("input", X(4, 3), "x"), P("other", X(4, 3), "x"), K("dim", 1, "dim")],
             batch=("input", "other"), names=("roll",)))
    add(Spec("tg.diagonal", [P("input", X(3, 4, 2), "x"), K("offset", 1, "int"), K("dim1", 0, "dim"),
                             K("dim2", 1, "dim")]))
    add(Spec("tg.diag", [P("input", X(3, 4), "x"), K("diagonal", 1, "int")], names=("diagonal",)))
    add(Spec("tg.diag_embed", [P("input", X(2, 3), "x"), K("offset", 1, "int"), K("dim1", 0, "dim"),
                               K("dim2", 2, "dim")], huge=False))
    add(Spec("tg.trace", [P("input", X(3, 4), "x")], names=("diagonal",), **FULL))
    for name in ("cummax", "cummin", "cumprod", "logcumsumexp"):
        add(Spec(f"tg.{name}", [P("input", X(3, 4), "x"), P("dim", 1, "dim")]))
    add(Spec("tg.diff", [P("input", X(3, 4), "x"), K("n", 1, "int"), K("dim", 1, "dim")]))
    for name in ("median", "nanmedian"):
        add(Spec(f"tg.{name}", [P("input", X(3, 4), "x"), P("dim", 1, "dim"), K("keepdim", False, "flag")]))
    for name in ("nansum", "nanmean"):
        add(Spec(f"tg.{name}", [P("input", X(3, 4), "x"), K("dim", 1, "dim"), K("keepdim", False, "flag")],
                 names=("sum",)))
    add(Spec("tg.count_nonzero", [P("input", X(3, 4), "x"), K("dim", 1, "dim")], grad=False, names=("sum",)))
    add(Spec("tg.aminmax", [P("input", X(3, 4), "x"), K("dim", 1, "dim"), K("keepdim", False, "flag")],
             names=("amin", "amax")))
    add(Spec("tg.dist", [P("input", X(3, 4), "x"), P("other", X(3, 4), "x"), K("p", 2, "real")], names=("norm",),
             **FULL))
    add(Spec("tg.renorm", [P("input", X(3, 4), "x"), P("p", 2, "real"), P("dim", 0, "dim"), P("maxnorm", 1.0, "real")],
             names=("norm",)))
    # shape and index ops
    add(Spec("tg.reshape", [P("input", X(3, 4, 2), "x"), P("shape", (4, 6), "reshape")],
             extra=[("shape=(-1,)", "size", {"shape": (-1,)}), ("shape=(0,-1)", "size", {"shape": (0, -1)})]))
    add(Spec("tg.flatten", [P("input", X(3, 4, 2), "x"), K("start_dim", 1, "dim"), K("end_dim", -1, "dim")],
             extra=[("start>end", "dim", {"start_dim": 2, "end_dim": 1})]))
    add(Spec("tg.permute", [P("input", X(3, 4, 2), "x"), P("dims", (2, 0, 1), "perm")]))
    add(Spec("tg.transpose", [P("input", X(3, 4, 2), "x"), P("dim0", 0, "dim"), P("dim1", 2, "dim")]))
    # swapaxes and swapdims are transpose under other names: an error may name transpose
    add(Spec("tg.swapaxes", [P("input", X(3, 4, 2), "x"), P("axis0", 0, "dim"), P("axis1", 2, "dim")],
             names=("transpose",)))
    add(Spec("tg.swapdims", [P("input", X(3, 4, 2), "x"), K("dim0", 0, "dim"), K("dim1", 2, "dim")],
             names=("transpose",)))
    add(Spec("tg.squeeze", [P("input", X(3, 1, 2), "x"), K("dim", 1, "dim")],
             extra=[("dim=(0,1)", "dim", {"dim": (0, 1)})]))
    add(Spec("tg.unsqueeze", [P("input", X(3, 4), "x"), P("dim", 2, "dim")], extra=[("dim=3", "dim", {"dim": 3})]))
    add(Spec("tg.movedim", [P("input", X(3, 4, 2), "x"), P("source", 0, "dim"), P("destination", 2, "dim")],
             extra=[("source=(0,0)", "dim", {"source": (0, 0), "destination": (1, 2)})]))
    add(Spec("tg.narrow", [P("input", X(3, 4), "x"), P("dim", 1, "dim"), P("start", 1, "int"), P("length", 2, "int")],
             extra=[("start+length>size", "size", {"start": 3, "length": 2}), ("start=-1", "size", {"start": -1}),
                    ("start=-5", "size", {"start": -5})]))
    add(Spec("tg.flip", [P("input", X(3, 4), "x"), P("dims", (0,), "dims")]))
    add(Spec("tg.roll", [P("input", X(3, 4), "x"), P("shifts", 1, "int"), P("dims", 0, "dim")],
             extra=[("shifts-dims-length", "size", {"shifts": (1, 2), "dims": (0,)})]))
    add(Spec("tg.chunk", [P("input", X(6, 4), "x"), P("chunks", 4, "count"), K("dim", 0, "dim")], grad=False))
    add(Spec("tg.split", [P("tensor", X(4, 6), "x"), P("split_size_or_sections", 4, "count"), K("dim", 1, "dim")],
             grad=False, extra=[("sections-sum-wrong", "size", {"split_size_or_sections": [2, 2]}),
                                ("sections", "size", {"split_size_or_sections": [2, 4]})]))
    for name in ("cat", "stack"):
        add(Spec(f"tg.{name}", [P("tensors", [X(2, 3), X(2, 3), X(2, 3)], "xs"), K("dim", 0, "dim")], huge=False,
                 grad=False))
    for name in ("tril", "triu"):
        add(Spec(f"tg.{name}", [P("input", X(3, 4), "x"), K("diagonal", 1, "int")],
                 extra=[("input:1-d", "rank", {"input": X(4)})]))
    add(Spec("tg.gather", [P("input", X(3, 4), "x"), P("dim", 1, "dim"), P("index", idx(4, 3, 2), "idx", hi=4)],
             batch=("input", "index")))
    src_idx = np.array([[0, 2], [3, 1], [1, 0]])
    add(Spec("tg.scatter", [P("input", X(3, 4), "x"), P("dim", 1, "dim"), P("index", src_idx, "idx", hi=4),
                            P("src", X(3, 2), "x")], batch=("input", "index", "src"),
             extra=[("value=2.0", "type", {"src": DROP, "value": 2.0})]))
    add(Spec("tg.scatter_add", [P("input", X(3, 4), "x"), P("dim", 1, "dim"), P("index", idx(4, 3, 2), "idx", hi=4),
                                P("src", X(3, 2), "x")], batch=("input", "index", "src")))
    add(Spec("tg.index_select", [P("input", X(3, 4), "x"), P("dim", 0, "dim"), P("index", idx(3, 5), "idx", hi=3)],
             extra=[("index:2-d", "rank", {"index": idx(3, 2, 2)})]))
    add(Spec("tg.index_put", [P("input", X(3, 4), "x"), P("indices", (np.array([0, 2]),), "idxs"),
                              P("values", X(2, 4), "x"), K("accumulate", False, "flag")],
             extra=[("indices:out-of-range", "size", {"indices": (np.array([0, 3]),)}),
                    ("indices:float", "dtype", {"indices": (np.array([0.0, 2.0]),)}),
                    ("indices:bool-mask", "dtype", {"indices": (np.array([True, False, True]),)}),
                    ("indices:too-many", "size", {"indices": (np.array([0]), np.array([1]), np.array([0]))}),
                    ("values:unbroadcastable", "size", {"values": X(3, 4)}),
                    ("indices:None", "type", {"indices": None})]))
    add(Spec("tg.masked_fill", [P("input", X(3, 4), "x"), P("mask", X(3, 4) > 0, "mask"), P("value", 0.5, "scalar")],
             batch=("input", "mask"), extra=[("value:tensor-1-d", "type", {"value": X(2)})]))
    add(Spec("tg.matmul", [P("input", X(3, 4), "x"), P("other", X(4, 5), "x")],
             extra=[("other:mismatch", "size", {"other": X(3, 5)}), ("1-d@1-d", "rank", {"input": X(4), "other": X(4)}),
                    ("batched", "rank", {"input": X(2, 3, 4), "other": X(4, 5)})]))
    add(Spec("tg.mm", [P("input", X(3, 4), "x"), P("mat2", X(4, 5), "x")],
             extra=[("mat2:mismatch", "size", {"mat2": X(3, 5)})]))
    add(Spec("tg.bmm", [P("input", X(2, 3, 4), "x"), P("mat2", X(2, 4, 5), "x")], batch=("input", "mat2"),
             extra=[("mat2:batch-mismatch", "size", {"mat2": X(3, 4, 5)})]))
    add(Spec("tg.einsum", [P("equation", "ij,jk->ik", "equation"), P("a", X(3, 4), "x"), P("b", X(4, 5), "x")],
             batch=("a",), extra=[("operands:mismatch", "size", {"b": X(3, 5)}),
                                  ("operands:too-few", "size", {"b": DROP})]))
    # utility tensor functions (tinygrad_edu/tensor_utility.py, tensor_inplace.py)
    add(Spec("tg.tile", [P("input", X(2, 3), "x"), P("dims", (2, 1), "shape")]))
    add(Spec("tg.unbind", [P("input", X(3, 4), "x"), K("dim", 1, "dim")], grad=False))
    add(Spec("tg.unflatten", [P("input", X(2, 12), "x"), P("dim", 1, "dim"), P("sizes", (3, 4), "shape")],
             extra=[("sizes:-1", "size", {"sizes": (3, -1)}), ("sizes:wrong", "size", {"sizes": (5, 3)})]))
    add(Spec("tg.moveaxis", [P("input", X(3, 4, 2), "x"), P("source", 0, "dim"), P("destination", 2, "dim")]))
    add(Spec("tg.tensor_split", [P("input", X(7, 2), "x"), P("indices_or_sections", 3, "count"), K("dim", 0, "dim")],
             grad=False, extra=[("indices", "size", {"indices_or_sections": [1, 5]})]))
    add(Spec("tg.hsplit", [P("input", X(4, 6), "x"), P("sections", 2, "count")], grad=False))
    add(Spec("tg.vsplit", [P("input", X(4, 6), "x"), P("sections", 2, "count")], grad=False))
    add(Spec("tg.dsplit", [P("input", X(2, 3, 4), "x"), P("sections", 2, "count")], grad=False))
    add(Spec("tg.select", [P("input", X(3, 4), "x"), P("dim", 1, "dim"), P("index", 2, "int")]))
    add(Spec("tg.repeat_interleave", [P("input", X(2, 3), "x"), P("repeats", 2, "count"), K("dim", 1, "dim")]))
    add(Spec("tg.rot90", [P("input", X(3, 4), "x"), P("k", 1, "int"), P("dims", (0, 1), "dims")]))
    for name in ("fliplr", "flipud", "ravel"):
        add(Spec(f"tg.{name}", [P("input", X(3, 4), "x")]))
    add(Spec("tg.broadcast_to", [P("input", X(3, 1), "x"), P("size", (2, 3, 4), "shape")]))
    add(Spec("tg.take", [P("input", X(3, 4), "x"), P("index", idx(12, 5), "idx", hi=12)]))
    add(Spec("tg.take_along_dim", [P("input", X(3, 4), "x"), P("indices", idx(4, 3, 2), "idx", hi=4),
                                   K("dim", 1, "dim")], batch=("input", "indices")))
    for name in ("argwhere", "nonzero", "unique", "unique_consecutive"):
        add(Spec(f"tg.{name}", [P("input", X(3, 4), "x")], grad=False))
    add(Spec("tg.masked_select", [P("input", X(3, 4), "x"), P("mask", X(3, 4) > 0, "mask")], batch=("input", "mask")))
    add(Spec("tg.bincount", [P("input", idx(5, 10), "idx", hi=5), K("minlength", 0, "int")], grad=False))
    add(Spec("tg.histc", [P("input", X(10), "x"), K("bins", 4, "count"), K("min", -1.0, "real"),
                          K("max", 1.0, "real")], grad=False))
    add(Spec("tg.equal", [P("input", X(3, 4), "x"), P("other", X(3, 4), "x")], grad=False))
    for name in ("logical_and", "logical_or", "logical_xor"):
        add(Spec(f"tg.{name}", [P("input", X(3, 4), "x"), P("other", X(3, 4), "x")], grad=False))
    for name in ("bitwise_and", "bitwise_or", "bitwise_xor"):
        add(Spec(f"tg.{name}", [P("input", idx(4, 3, 4), "idx", hi=4), P("other", idx(4, 3, 4), "idx", hi=4)],
                 grad=False))
    add(Spec("tg.logical_not", [P("input", X(3, 4), "x")], grad=False))
    add(Spec("tg.bitwise_not", [P("input", idx(4, 3, 4), "idx", hi=4)], grad=False))
    for name in ("index_add", "index_copy"):
        add(Spec(f"tg.{name}", [P("input", X(3, 4), "x"), P("dim", 0, "dim"), P("index", np.array([2, 0]), "idx", hi=3),
                                P("source", X(2, 4), "x")]))
    add(Spec("tg.index_fill", [P("input", X(3, 4), "x"), P("dim", 1, "dim"), P("index", np.array([2, 0]), "idx", hi=4),
                               P("value", 0.5, "scalar")]))
    add(Spec("tg.scatter_reduce", [P("input", X(3, 4), "x"), P("dim", 1, "dim"), P("index", src_idx, "idx", hi=4),
                                   P("src", X(3, 2), "x"), P("reduce", "amax", "mode")],
             batch=("input", "index", "src")))
    # creation
    for name in ("zeros", "ones", "empty", "rand", "randn"):
        add(Spec(f"tg.{name}", [P("size0", 2, "count"), P("size1", 3, "count"), K("dtype", None, "dtype")],
                 random=name in ("empty", "rand", "randn"), grad=False,
                 extra=[("size:tuple", "type", {"size0": (2, 3), "size1": DROP})]))
    add(Spec("tg.full", [P("size", (2, 3), "shape"), P("fill_value", 1.5, "scalar"), K("dtype", None, "dtype")],
             grad=False))
    add(Spec("tg.arange", [P("start", 0, "scalar"), P("end", 5, "scalar"), P("step", 1, "scalar"),
                           K("dtype", None, "dtype")], grad=False,
             extra=[("step=0", "size", {"step": 0}), ("step-wrong-sign", "size", {"step": -1}),
                    ("float-steps", "type", {"start": 0.0, "end": 1.0, "step": 0.1}),
                    ("huge", "huge", {"end": 1 << 42})]))
    add(Spec("tg.linspace", [P("start", 0.0, "scalar"), P("end", 1.0, "scalar"), P("steps", 5, "count"),
                             K("dtype", None, "dtype")], grad=False))
    add(Spec("tg.eye", [P("n", 3, "count"), P("m", 4, "count"), K("dtype", None, "dtype")], grad=False))
    add(Spec("tg.randint", [P("low", 0, "int"), P("high", 5, "int"), P("size", (2, 3), "shape")], random=True,
             grad=False, extra=[("low>=high", "size", {"low": 5, "high": 5})]))
    for name in ("zeros_like", "ones_like", "empty_like", "rand_like", "randn_like"):
        add(Spec(f"tg.{name}", [P("input", X(2, 3), "x"), K("dtype", None, "dtype")], grad=False,
                 random=name in ("empty_like", "rand_like", "randn_like")))
    add(Spec("tg.full_like", [P("input", X(2, 3), "x"), P("fill_value", 1.5, "scalar"), K("dtype", None, "dtype")],
             grad=False))
    add(Spec("tg.tensor", [P("data", X(2, 3), "np"), K("dtype", None, "dtype")], grad=False,
             extra=[("data:nested-ragged", "size", {"data": [[1.0, 2.0], [3.0]]}),
                    ("data:python-ints", "dtype", {"data": [1, 2, 3]}),
                    ("data:python-bools", "dtype", {"data": [True, False]})]))
    add(Spec("tg.from_numpy", [P("ndarray", X(2, 3), "np")], grad=False,
             extra=[("ndarray:object", "dtype", {"ndarray": np.array(["a", "b"], dtype=object)})]))
    # torch.channel_shuffle and torch.rms_norm (ops/channel_shuffle.py, ops/rms_norm.py)
    add(Spec("tg.channel_shuffle", [P("input", X(2, 6, 3, 3), "x"), P("groups", 3, "count")],
             extra=[("channels-not-divisible", "size", {"groups": 4})]))
    add(Spec("tg.rms_norm", [P("input", X(2, 3, 4), "x"), P("normalized_shape", (4,), "nshape"),
                             K("weight", X(4), "x"), K("eps", 1e-5, "eps")], extra=[("eps=None", "size", {"eps": None})]))
    return S
