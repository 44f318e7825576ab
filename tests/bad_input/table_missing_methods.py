"""Valid calls of the tg.* functions added for torch.Tensor's missing methods: the top-level in-place forms
(tensor_inplace_family.py), aliases (tensor_method_aliases.py), number parts (ops/number_parts.py) and scatter views
(ops/scatter_views.py); walk.cases() mutates each into the bad inputs."""
from __future__ import annotations

from tinygrad_edu import tensor_inplace_family as family

from .table_functional import X, idx, pos, prob
from . import table_functional
from .walk import K, P, Spec

#: in-place forms whose input needs a domain (log_ of a positive, acosh_ of ≥ 1, ...) or extra arguments
_DOMAIN = {"log_": pos, "log2_": pos, "log10_": pos, "sqrt_": pos, "rsqrt_": pos, "log1p_": pos,
           "asin_": prob, "acos_": prob, "arcsin_": prob, "arccos_": prob, "atanh_": prob, "arctanh_": prob,
           "logit_": prob, "acosh_": lambda *s: pos(*s) + 1, "arccosh_": lambda *s: pos(*s) + 1}
_ARGS = {"clamp_": [K("min", -0.5, "scalar"), K("max", 0.5, "scalar")], "clamp_min_": [P("min", -0.5, "scalar")],
         "clamp_max_": [P("max", 0.5, "scalar")], "clip_": [K("min", -0.5, "scalar"), K("max", 0.5, "scalar")],
         "fill_": [P("value", 1.5, "scalar")], "xlogy_": [P("other", pos(3, 4), "x")],
         "celu_": [K("alpha", 1.0, "real")], "threshold_": [P("threshold", 0.1, "scalar"), P("value", 0.0, "scalar")]}
#: an in-place call writes into its input: the walk passes the rank+1 input (a stride-0 view) uncopied to our side
#: and copies it, already written, for PyTorch's, so that case compares our result with PyTorch's of another input
INPLACE_SKIP = ("input:rank+1",)
#: PyTorch 2.13's ldexp gradient is 0 for a negative integer exponent (it takes 2^other in integers); ours is 2^other
LDEXP_SKIP = ("other:negative", "other:very-negative")
#: PyTorch scales addr's vector gradients after the sum (α·(δ·vec2)), we before (Σ α·δ·vec2): α = ±∞ gives ±∞ there,
#: NaN here (∞ − ∞ inside the sum)
ADDR_SKIP = ("alpha=inf", "alpha=-inf")
#: not walked: integer-only (gcd_, lcm_), random (dropouts), index tuples (index_put_), other inputs (below)
_SEPARATE = {"gcd_", "lcm_", "index_put_", "ldexp_", "resize_as_", "dropout_", "alpha_dropout_",
             "feature_alpha_dropout_", "feature_dropout_", "addmv_", "rrelu_", "embedding_renorm_"}


def specs() -> list[Spec]:
    table_functional.reseed(14)
    S: list[Spec] = []
    add = S.append
    for name in family.FUNCTION_FORMS + family.FUNCTIONAL_FORMS:
        if name in _SEPARATE:
            continue
        data = _DOMAIN.get(name, X)(3, 4)
        add(Spec(f"tg.{name}", [P("input", data, "x")] + _ARGS.get(name, []), grad=False, huge=False,
                 skip=INPLACE_SKIP))
    for name in ("gcd_", "lcm_"):
        add(Spec(f"tg.{name}", [P("input", idx(9, 3, 4) + 1, "idx"), P("other", idx(9, 3, 4) + 1, "idx")],
                 grad=False, huge=False, skip=INPLACE_SKIP))
    add(Spec("tg.ldexp_", [P("input", X(3, 4), "x"), P("other", idx(4, 3, 4), "idx")], grad=False, huge=False, skip=INPLACE_SKIP))
    add(Spec("tg.resize_as_", [P("input", X(3, 4), "x"), P("the_template", X(2, 6), "x")], grad=False, huge=False, skip=INPLACE_SKIP))
    add(Spec("tg.dropout_", [P("input", X(3, 4), "x"), P("p", 0.0, "prob"), P("train", False, "flag")],
             grad=False, huge=False, skip=INPLACE_SKIP))
    for name in ("alpha_dropout_", "feature_alpha_dropout_", "feature_dropout_"):
        add(Spec(f"tg.{name}", [P("input", X(2, 3, 4), "x"), P("p", 0.0, "prob"), P("train", False, "flag")],
                 grad=False, huge=False, skip=INPLACE_SKIP))
    add(Spec("tg.addmv_", [P("input", X(3), "x"), P("mat", X(3, 4), "x"), P("vec", X(4), "x")], grad=False,
             huge=False, skip=INPLACE_SKIP))
    add(Spec("tg.rrelu_", [P("input", X(3, 4), "x"), P("lower", 0.1, "real"), P("upper", 0.3, "real"),
                           P("training", False, "flag")], grad=False, huge=False, skip=INPLACE_SKIP))
    add(Spec("tg.embedding_renorm_", [P("input", X(5, 3) * 3, "x"), P("indices", idx(5, 3), "idx"),
                                      P("max_norm", 1.0, "real"), P("norm_type", 2.0, "real")], grad=False,
             huge=False, skip=INPLACE_SKIP))
    add(Spec("tg.index_put_", [P("input", X(3, 4), "x"), P("indices", (idx(3, 2),), "idxs"),
                               P("values", X(2, 4), "x")], grad=False, huge=False, skip=INPLACE_SKIP))
    for name in ("rsqrt",):
        add(Spec(f"tg.{name}", [P("input", pos(3, 4), "x")]))
    add(Spec("tg.frexp", [P("input", X(3, 4), "x")]))
    add(Spec("tg.ldexp", [P("input", X(3, 4), "x"), P("other", idx(4, 3, 4), "idx")], skip=LDEXP_SKIP))
    for name in ("gcd", "lcm"):
        add(Spec(f"tg.{name}", [P("input", idx(9, 3, 4) + 1, "idx"), P("other", idx(9, 3, 4) + 1, "idx")], grad=False))
    add(Spec("tg.nextafter", [P("input", X(3, 4), "x"), P("other", X(3, 4), "x")], grad=False))
    for name in ("isposinf", "isneginf", "isreal"):
        add(Spec(f"tg.{name}", [P("input", X(3, 4), "x")], grad=False))
    add(Spec("tg.absolute", [P("input", X(3, 4), "x")]))
    for name in ("greater", "greater_equal", "less", "less_equal", "not_equal"):
        add(Spec(f"tg.{name}", [P("input", X(3, 4), "x"), P("other", X(3, 4), "x")], grad=False))
    add(Spec("tg.hardshrink", [P("input", X(3, 4), "x"), K("lambd", 0.5, "real")],
             skip=("lambd=nan", "lambd=inf")))  # F.hardshrink's own range check (the walk of F covers it)
    add(Spec("tg.prelu", [P("input", X(2, 3, 4), "x"), P("weight", pos(3), "x")]))
    add(Spec("tg.addr", [P("input", X(3, 4), "x"), P("vec1", X(3), "x"), P("vec2", X(4), "x"), K("beta", 0.5, "real"),
                         K("alpha", 2.0, "real")], skip=ADDR_SKIP))
    add(Spec("tg.diagflat", [P("input", X(2, 3), "x"), K("offset", 1, "int")]))
    add(Spec("tg.narrow_copy", [P("input", X(3, 4), "x"), P("dim", 1, "dim"), P("start", 1, "int"),
                                P("length", 2, "int")]))
    add(Spec("tg.select_scatter", [P("input", X(3, 4), "x"), P("src", X(4), "x"), P("dim", 0, "dim"),
                                   P("index", 1, "int")]))
    add(Spec("tg.slice_scatter", [P("input", X(3, 4), "x"), P("src", X(3, 2), "x"), K("dim", 1, "dim"),
                                  K("start", 0, "int"), K("end", 4, "int"), K("step", 2, "int")]))
    add(Spec("tg.diagonal_scatter", [P("input", X(3, 4), "x"), P("src", X(3), "x"), K("offset", 0, "int"),
                                     K("dim1", 0, "dim"), K("dim2", 1, "dim")]))
    add(Spec("tg.masked_scatter", [P("input", X(3, 4), "x"), P("mask", X(3, 4) > 0, "mask"),
                                   P("source", X(12), "x")]))
    add(Spec("tg.put", [P("input", X(3, 4), "x"), P("index", idx(12, 3), "idx"), P("source", X(3), "x"),
                        K("accumulate", True, "flag")]))
    add(Spec("tg.index_reduce", [P("input", X(3, 4), "x"), P("dim", 1, "dim"), P("index", idx(4, 3), "idx"),
                                 P("source", X(3, 3), "x"), P("reduce", "amax", "mode"),
                                 K("include_self", True, "flag")]))
    return S
