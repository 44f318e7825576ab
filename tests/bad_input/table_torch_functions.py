"""Valid calls of the tg.* functions of ops/joining.py, grids.py, products.py, searching.py, integration.py,
distance_matrix.py (and F.pdist) and of torch_functions.py (the torch.* forms of F ops); walk.cases() mutates each
into the bad inputs. The forms that are the F.* function itself reuse its row of table_functional.py under tg.*."""
from __future__ import annotations

import dataclasses

import numpy as np

from . import table_functional
from .table_functional import X, idx, pos, prob
from .walk import K, P, Spec

#: torch.X is F.X (the same function here): F's row, called as tg.X against torch.X
SAME_AS_F = ("conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "avg_pool1d",
             "adaptive_avg_pool1d", "pixel_shuffle", "pixel_unshuffle", "cosine_similarity", "pairwise_distance",
             "bilinear")
#: torch.X calls F.X with torch's own signature (F's documented extensions hold for it too)
CALLS_F = ("max_pool1d", "max_pool2d", "max_pool3d", "adaptive_max_pool1d", "layer_norm", "group_norm", "celu", "selu",
           "threshold")


def _sorted(*shape: int) -> np.ndarray:
    return np.sort(X(*shape), axis=-1)


def specs() -> list[Spec]:
    table_functional.reseed(18)
    S: list[Spec] = []
    add = S.append
    for spec in table_functional.specs():
        if spec.path[2:] in SAME_AS_F:
            add(dataclasses.replace(spec, path="tg." + spec.path[2:]))
    # joining
    for name in ("hstack", "vstack", "row_stack", "dstack", "column_stack"):
        add(Spec(f"tg.{name}", [P("tensors", [X(2, 3), X(2, 3), X(2, 3)], "xs")], huge=False))
    add(Spec("tg.concat", [P("tensors", [X(2, 3), X(2, 3)], "xs"), K("dim", 1, "dim")], huge=False))
    add(Spec("tg.concatenate", [P("tensors", [X(2, 3), X(2, 3)], "xs"), K("axis", 1, "dim")], huge=False))
    for name in ("atleast_1d", "atleast_2d", "atleast_3d"):
        add(Spec(f"tg.{name}", [P("input", X(3), "x")]))
    add(Spec("tg.block_diag", [P("a", X(2, 3), "x"), P("b", X(3), "x"), P("c", X(1, 1), "x")], huge=False,
             extra=[("a:3-d", "rank", {"a": X(1, 2, 3)})]))
    # grids
    add(Spec("tg.meshgrid", [P("a", X(3), "x"), P("b", X(2), "x"), K("indexing", "ij", "mode")], huge=False,
             extra=[("xy", "mode", {"indexing": "xy"})]))
    add(Spec("tg.cartesian_prod", [P("a", X(3), "x"), P("b", X(2), "x")], huge=False))
    add(Spec("tg.combinations", [P("input", X(4), "x"), K("r", 2, "int"), K("with_replacement", False, "flag")],
             huge=False))
    add(Spec("tg.broadcast_tensors", [P("a", X(3, 1), "x"), P("b", X(1, 4), "x")],
             extra=[("unbroadcastable", "size", {"b": X(2, 4)})]))
    add(Spec("tg.broadcast_shapes", [P("a", (3, 1), "shape"), P("b", (1, 4), "shape")], grad=False,
             extra=[("unbroadcastable", "size", {"b": (2, 4)})]))
    for name in ("tril_indices", "triu_indices"):
        add(Spec(f"tg.{name}", [P("row", 3, "int"), P("col", 4, "int"), P("offset", 1, "int")], grad=False))
    add(Spec("tg.unravel_index", [P("indices", idx(6, 5), "idx", hi=6), P("shape", (2, 3), "shape")], grad=False))
    # products
    add(Spec("tg.tensordot", [P("a", X(2, 3, 4), "x"), P("b", X(3, 4, 5), "x"), K("dims", 2, "int")], huge=False,
             extra=[("dims:lists", "size", {"dims": ([1, 2], [0, 1])}), ("dims:mismatch", "size", {"dims": ([0], [0])}),
                    ("dims:too-many", "size", {"dims": 4})]))
    add(Spec("tg.chain_matmul", [P("a", X(2, 3), "x"), P("b", X(3, 4), "x"), P("c", X(4, 2), "x")], huge=False))
    add(Spec("tg.vander", [P("x", X(4), "x"), K("N", 3, "int"), K("increasing", False, "flag")], huge=False))
    # searching
    add(Spec("tg.searchsorted", [P("sorted_sequence", _sorted(2, 5), "c"), P("input", X(2, 3), "c"),
                                 K("out_int32", False, "flag"), K("right", False, "flag")], grad=False,
             batch=("sorted_sequence", "input"), extra=[("side=right", "mode", {"side": "right"}),
                                                        ("side=bogus", "mode", {"side": "bogus"}),
                                                        ("side-vs-right", "mode", {"side": "left", "right": True})]))
    add(Spec("tg.bucketize", [P("input", X(2, 3), "c"), P("boundaries", _sorted(5), "c"),
                              K("out_int32", False, "flag"), K("right", False, "flag")], grad=False))
    add(Spec("tg.isin", [P("elements", idx(5, 2, 3), "idx", hi=5), P("test_elements", idx(5, 4), "idx", hi=5),
                         K("invert", False, "flag")], grad=False))
    # integration
    for name in ("trapezoid", "trapz", "cumulative_trapezoid"):
        add(Spec(f"tg.{name}", [P("y", X(2, 5), "x"), P("x", np.cumsum(pos(5)), "x"), K("dim", -1, "dim")],
                 batch=("y",)))
        add(Spec(f"tg.{name}", [P("y", X(2, 5), "x"), K("dx", 0.5, "real"), K("dim", 0, "dim")], tag="dx"))
    # distance matrices
    add(Spec("tg.cdist", [P("x1", X(2, 3, 4), "x"), P("x2", X(2, 5, 4), "x"), K("p", 2.0, "real")],
             batch=("x1", "x2"), extra=[("p=-1", "size", {"p": -1.0}), ("p=1", "size", {"p": 1.0})]))
    add(Spec("tg.cdist", [P("x1", X(2, 30, 4), "x"), P("x2", X(2, 5, 4), "x"), K("p", 2.0, "real")], tag="mm",
             batch=("x1", "x2"), rtol=1e-5))  # more than 25 points: PyTorch's (and our) matrix-product form
    for path in ("tg.pdist", "F.pdist"):  # no N = 0 call: PyTorch's pdist backward crashes the process on it
        add(Spec(path, [P("input", X(4, 3), "x"), K("p", 2.0, "real")], skip=("N=0",),
                 extra=[("p=-1", "size", {"p": -1.0})]))
    # the torch.* forms with their own signatures
    for name, dims in (("max_pool1d", 1), ("max_pool2d", 2), ("max_pool3d", 3)):
        add(Spec(f"tg.{name}", [P("input", X(2, 3, *(6,) * dims), "x"), P("kernel_size", 2, "size", spatial=dims),
                                K("stride", 2, "stride", spatial=dims), K("padding", 1, "padding", spatial=dims)]))
    add(Spec("tg.adaptive_max_pool1d", [P("input", X(2, 3, 9), "x"), P("output_size", 4, "osize", spatial=1)]))
    add(Spec("tg.batch_norm", [P("input", X(4, 3, 5), "x"), P("weight", X(3), "x"), P("bias", X(3), "x"),
                               P("running_mean", X(3), "c"), P("running_var", pos(3), "c"),
                               P("training", False, "flag"), P("momentum", 0.1, "real"), P("eps", 1e-5, "eps"),
                               P("cudnn_enabled", False, "flag")]))
    add(Spec("tg.instance_norm", [P("input", X(2, 3, 5), "x"), P("weight", X(3), "x"), P("bias", X(3), "x"),
                                  P("running_mean", X(3), "c"), P("running_var", pos(3), "c"),
                                  P("use_input_stats", True, "flag"), P("momentum", 0.1, "real"),
                                  P("eps", 1e-5, "eps"), P("cudnn_enabled", False, "flag")]))
    add(Spec("tg.layer_norm", [P("input", X(2, 3, 4), "x"), P("normalized_shape", (4,), "nshape"),
                               K("weight", X(4), "x"), K("bias", X(4), "x"), K("eps", 1e-5, "eps")]))
    add(Spec("tg.group_norm", [P("input", X(2, 6, 3), "x"), P("num_groups", 3, "groups"), K("weight", X(6), "x"),
                               K("bias", X(6), "x"), K("eps", 1e-5, "eps")]))
    for name in ("dropout", "alpha_dropout", "feature_alpha_dropout"):
        add(Spec(f"tg.{name}", [P("input", X(2, 3, 4), "x"), P("p", 0.5, "prob"), P("train", False, "flag")]))
    add(Spec("tg.embedding", [P("weight", X(10, 4), "x"), P("indices", idx(10, 2, 3), "idx", hi=10),
                              K("padding_idx", -1, "int")], batch=("indices",)))
    add(Spec("tg.celu", [P("input", X(2, 3), "x"), K("alpha", 1.0, "real")]))
    add(Spec("tg.selu", [P("input", X(2, 3), "x")]))
    add(Spec("tg.threshold", [P("input", X(2, 3), "x"), P("threshold", 0.1, "scalar"), P("value", 0.0, "scalar")]))
    # rtol: with a float32 target and a float64 input, both compute xlogy(y, y) in float32 (PyTorch's formula), whose
    # last-bit differences between NumPy's and PyTorch's log the cancellation in the sum lifts to ~10⁻⁵
    add(Spec("tg.kl_div", [P("input", np.log(prob(3, 5)), "x"), P("target", prob(3, 5), "c"),
                           K("reduction", 1, "int")], batch=("input", "target"), rtol=2e-5))
    add(Spec("tg.binary_cross_entropy_with_logits", [P("input", X(3, 4), "x"), P("target", prob(3, 4), "c"),
                                                     K("reduction", 2, "int")], batch=("input", "target")))
    sign = np.where(X(4) > 0, 1.0, -1.0).astype(np.float32)
    add(Spec("tg.cosine_embedding_loss", [P("input1", X(4, 5), "x"), P("input2", X(4, 5), "x"),
                                          P("target", sign, "c"), K("margin", 0.1, "real"), K("reduction", 0, "int")],
             batch=("input1", "input2", "target")))
    add(Spec("tg.hinge_embedding_loss", [P("input", X(4), "x"), P("target", sign, "c"), K("margin", 1.0, "real"),
                                         K("reduction", 1, "int")], batch=("input", "target")))
    add(Spec("tg.margin_ranking_loss", [P("input1", X(4), "x"), P("input2", X(4), "x"), P("target", sign, "c"),
                                        K("margin", 0.1, "real"), K("reduction", 1, "int")],
             batch=("input1", "input2", "target")))
    add(Spec("tg.triplet_margin_loss", [P("anchor", X(4, 5), "x"), P("positive", X(4, 5), "x"),
                                        P("negative", X(4, 5), "x"), K("margin", 1.0, "real"),
                                        K("reduction", 1, "int")],
             batch=("anchor", "positive", "negative")))
    add(Spec("tg.poisson_nll_loss", [P("input", X(3, 4), "x"), P("target", idx(5, 3, 4).astype(np.float32), "c"),
                                     P("log_input", True, "flag"), P("full", False, "flag"), P("eps", 1e-8, "eps"),
                                     P("reduction", 1, "int")], batch=("input", "target")))
    add(Spec("tg.constant_pad_nd", [P("input", X(2, 3, 4), "x"), P("pad", (1, 2), "padlist"),
                                    K("value", 0.5, "scalar")], names=("pad",)))
    add(Spec("tg.log1p", [P("input", pos(2, 3), "x")]))
    add(Spec("tg.expm1", [P("input", X(2, 3), "x")]))
    add(Spec("tg.rsub", [P("input", X(2, 3), "x"), P("other", X(2, 3), "x"), K("alpha", 2, "scalar")],
             names=("sub",), batch=("input", "other")))
    add(Spec("tg.split_with_sizes", [P("input", X(5, 3), "x"), P("split_sizes", (2, 3), "shape"),
                                     K("dim", 0, "dim")], huge=False))
    return S
