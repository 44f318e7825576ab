"""Valid calls of the tg.* statistics (ops/statistics.py) and gamma/Bessel functions (ops/gamma_functions.py);
walk.cases() mutates each into the bad inputs (sizes, dims, dtypes, NaN/Inf, empty, wrong types) and every call is
judged against PyTorch."""
from __future__ import annotations

import numpy as np

from .table_functional import X, pos
from . import table_functional
from .walk import K, P, Spec


def specs() -> list[Spec]:
    table_functional.reseed(16)
    S: list[Spec] = []
    add = S.append
    for name in ("std_mean", "var_mean"):
        add(Spec(f"tg.{name}", [P("input", X(3, 4), "x"), K("dim", 1, "dim"), K("keepdim", False, "flag"),
                                K("correction", 1, "real")], names=(name[:3],),
                 extra=[("correction>n", "size", {"correction": 7})]))
    add(Spec("tg.kthvalue", [P("input", X(3, 4), "x"), P("k", 2, "count"), K("dim", 1, "dim"),
                             K("keepdim", False, "flag")], extra=[("k>size", "size", {"k": 5})]))
    # PyTorch's mode sorts with a plain < that NaN breaks (its answer with NaN present follows no rule); ours counts
    # NaN as one value, the largest (documented in ops/statistics.py)
    add(Spec("tg.mode", [P("input", X(3, 4), "x"), K("dim", 1, "dim"), K("keepdim", False, "flag")],
             skip=("input:nan",)))
    add(Spec("tg.msort", [P("input", X(3, 4), "x")], names=("sort",)))
    for name in ("quantile", "nanquantile"):
        add(Spec(f"tg.{name}", [P("input", X(3, 4), "x"), P("q", 0.3, "prob"), K("dim", 1, "dim"),
                                K("keepdim", False, "flag"), K("interpolation", "linear", "mode")],
                 extra=[("q:tensor", "size", {"q": np.array([0.2, 0.9], np.float32)}),
                        ("interpolation=nearest", "mode", {"interpolation": "nearest"})]))
    add(Spec("tg.cov", [P("input", X(3, 5), "x"), K("correction", 1, "int")],
             extra=[("fweights", "size", {"fweights": np.array([1, 2, 0, 1, 3])}),
                    ("aweights", "size", {"aweights": pos(5)})]))
    add(Spec("tg.corrcoef", [P("input", X(3, 5), "x")], names=("cov",)))
    add(Spec("tg.histogram", [P("input", X(3, 5), "x"), P("bins", 4, "count")], grad=False, names=("histogram",),
             extra=[("bins:edges", "size", {"bins": np.array([-1.0, 0.0, 0.5, 2.0], np.float32)})]))
    for name in ("lgamma", "digamma", "i0"):
        add(Spec(f"tg.{name}", [P("input", X(2, 3, 4) * 3, "x")]))
    # n = 2⁴⁰: n! overflows; PyTorch's values there are its inf·0 accidents (−∞ or NaN), ours NaN or ±∞
    add(Spec("tg.polygamma", [P("n", 1, "int"), P("input", pos(2, 3, 4), "x")], skip=("n=1099511627776",)))
    add(Spec("tg.mvlgamma", [P("input", pos(2, 3, 4) + 2, "x"), P("p", 2, "count")]))
    return S
