"""Valid calls of every public tg.* tensor function (math, reductions, comparisons, sorting, shape and index ops,
products, creation); walk.cases() mutates each into the bad inputs."""
from __future__ import annotations

import numpy as np

from .table_functional import X, idx, pos
from .walk import DROP, K, P, Spec

# full reductions of a huge view would read terabytes without allocating: no "huge" call for them
FULL = {"huge": False}


def specs() -> list[Spec]:
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
    return S
