"""Valid calls of the tg.* tensor functions of creation_random.py (as_tensor, asarray, scalar_tensor, logspace,
empty_strided and the random draws randperm, normal, bernoulli, multinomial, poisson, randint_like) and of
dtype_utils.py (numel, the is_* predicates, result_type); walk.cases() mutates each into the bad inputs. Random
draws (and empty_strided, uninitialised in PyTorch) compare shape and dtype only."""
from __future__ import annotations

from typing import Any

import numpy as np

from .table_functional import X, idx, pos, prob
from . import table_functional
from .walk import Dt, K, P, Spec


def _result_type(torch: Any) -> Any:
    """torch.result_type's dtype as NumPy's (ours are numpy.dtype objects)."""
    return lambda *a, **k: np.dtype(str(torch.result_type(*a, **k)).replace("torch.", ""))


def specs() -> list[Spec]:
    table_functional.reseed(20)
    S: list[Spec] = []
    add = S.append
    # creation (creation_random.py)
    add(Spec("tg.as_tensor", [P("data", X(3, 4), "np"), K("dtype", Dt("float64"), "dtype")], grad=False,
             extra=[("data:python-floats", "dtype", {"data": [1.0, 2.5]}),
                    ("data:ragged", "size", {"data": [[1.0, 2.0], [3.0]]})]))
    add(Spec("tg.as_tensor", [P("data", X(3, 4), "x"), K("dtype", Dt("float64"), "dtype")], tag="tensor"))
    add(Spec("tg.asarray", [P("obj", X(3, 4), "np"), K("dtype", Dt("float64"), "dtype"), K("copy", True, "flag"),
                            K("requires_grad", False, "flag")], grad=False,
             extra=[("copy=False-needs-copy", "type", {"copy": False}),
                    ("obj:python-ints", "dtype", {"obj": [1, 2, 3], "dtype": None})]))
    add(Spec("tg.scalar_tensor", [P("s", 1.5, "scalar"), K("dtype", Dt("float64"), "dtype")], grad=False))
    add(Spec("tg.logspace", [P("start", 0.0, "real"), P("end", 2.0, "real"), P("steps", 5, "count"),
                             K("base", 10.0, "real"), K("dtype", Dt("float64"), "dtype")], grad=False,
             extra=[("base=2", "size", {"base": 2.0}), ("base=-2", "size", {"base": -2.0})]))
    add(Spec("tg.empty_strided", [P("size", (2, 3), "shape"), P("stride", (1, 2), "shape"),
                                  K("dtype", Dt("float64"), "dtype")], grad=False, random=True,
             extra=[("stride:too-short", "size", {"stride": (1,)}), ("stride:overlapping", "stride", {"stride": (0, 0)})]))
    # random draws
    add(Spec("tg.randperm", [P("n", 5, "count"), K("dtype", Dt("int32"), "dtype")], grad=False, random=True))
    add(Spec("tg.normal", [P("mean", X(3, 4), "x"), P("std", pos(3, 4), "x")], random=True, tag="tensor,tensor",
             extra=[("std:negative", "size", {"std": -pos(3, 4)}), ("unbroadcastable", "size", {"std": pos(2, 4)})]))
    add(Spec("tg.normal", [P("mean", X(3, 4), "x"), P("std", 0.5, "real")], random=True, tag="tensor,float",
             extra=[("std=-1", "size", {"std": -1.0})]))
    add(Spec("tg.normal", [P("mean", 0.5, "real"), P("std", pos(3, 4), "x")], random=True, tag="float,tensor"))
    add(Spec("tg.normal", [P("mean", 0.5, "real"), P("std", 2.0, "real"), P("size", (2, 3), "shape"),
                           K("dtype", Dt("float64"), "dtype")], random=True, grad=False, tag="float,float",
             extra=[("std=-1", "size", {"std": -1.0})]))
    add(Spec("tg.bernoulli", [P("input", prob(3, 4), "x")], random=True, grad=False,
             extra=[("input:above-1", "size", {"input": prob(3, 4) + 1})]))
    add(Spec("tg.bernoulli", [P("input", X(3, 4), "x"), K("p", 0.3, "prob")], random=True, grad=False, tag="p"))
    add(Spec("tg.multinomial", [P("input", pos(2, 5), "x"), P("num_samples", 3, "count"),
                                K("replacement", False, "flag")], random=True, grad=False,
             extra=[("too-many-without-replacement", "size", {"num_samples": 6}),
                    ("input:negative", "size", {"input": -pos(2, 5)}),
                    ("input:zero-row", "size", {"input": np.zeros((2, 5), np.float32)})]))
    add(Spec("tg.multinomial", [P("input", pos(5), "x"), P("num_samples", 8, "count"), K("replacement", True, "flag")],
             random=True, grad=False, tag="replacement"))
    add(Spec("tg.poisson", [P("input", pos(3, 4), "x")], random=True, grad=False,
             extra=[("input:negative", "size", {"input": -pos(3, 4)}),
                    ("input:huge-rates", "size", {"input": np.array([1e20, 3e38, 2.0], np.float32)})]))
    add(Spec("tg.randint_like", [P("input", X(3, 4), "x"), P("low", 0, "int"), P("high", 5, "int"),
                                 K("dtype", Dt("int64"), "dtype")], random=True, grad=False,
             extra=[("low>=high", "size", {"low": 5, "high": 5})]))
    add(Spec("tg.randint_like", [P("input", idx(5, 3, 4), "idx", hi=5), P("high", 5, "int")], random=True,
             grad=False, tag="high"))
    # tensor predicates and dtype questions (dtype_utils.py): they answer with a Python value, not a tensor, so
    # the huge case (compared by shape and dtype) does not apply
    for name in ("numel", "is_floating_point", "is_complex", "is_signed"):
        add(Spec(f"tg.{name}", [P("input", X(3, 4), "x")], grad=False, huge=False))
    add(Spec("tg.is_nonzero", [P("input", X(1), "x")], grad=False, huge=False,
             extra=[("input:zero", "size", {"input": np.zeros(1, np.float32)})]))
    add(Spec("tg.is_same_size", [P("input", X(3, 4), "x"), P("other", X(3, 4), "x")], grad=False, huge=False,
             extra=[("other:different", "size", {"other": X(4, 3)})]))
    add(Spec("tg.result_type", [P("tensor1", X(3, 4), "x"), P("tensor2", 2.5, "scalar")], grad=False, huge=False,
             theirs=_result_type, extra=[("tensor2:int", "dtype", {"tensor2": 2}),
                                         ("tensor2:complex", "dtype", {"tensor2": 1j})]))
    add(Spec("tg.result_type", [P("tensor1", idx(5, 3, 4), "idx", hi=5), P("tensor2", X(3), "x")], grad=False,
             huge=False, theirs=_result_type, tag="tensors",
             extra=[("0-d-float", "dtype", {"tensor2": np.array(1.5)}),
                    ("uint8-int8", "dtype", {"tensor1": idx(5, 3).astype(np.uint8),
                                             "tensor2": idx(5, 3).astype(np.int8)})]))
    return S
