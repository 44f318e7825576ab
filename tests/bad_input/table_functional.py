"""Valid calls of every public functional op (tinygrad_edu.functional = nn.functional); walk.cases() mutates
each into the bad inputs. The references for the three ops PyTorch does not have are written here with
PyTorch's own ops (so their hyper-parameters are validated as PyTorch validates the ops they are made of)."""
from __future__ import annotations

from typing import Any

import numpy as np

from .walk import K, P, Spec

rng = np.random.default_rng(12)


def reseed(seed: int) -> None:
    """Start the draws of X, pos, prob, idx afresh: each table's specs() calls this first with its own seed, so its
    values do not depend on which tables drew before it (the test selection, the import order)."""
    global rng
    rng = np.random.default_rng(seed)


def X(*shape: int) -> np.ndarray:
    return rng.standard_normal(shape).astype(np.float32)


def pos(*shape: int) -> np.ndarray:
    return rng.uniform(0.5, 2.0, shape).astype(np.float32)


def prob(*shape: int) -> np.ndarray:
    return rng.uniform(0.05, 0.95, shape).astype(np.float32)


def idx(hi: int, *shape: int) -> np.ndarray:
    return rng.integers(0, hi, shape).astype(np.int64)


def log_probs(*shape: int) -> np.ndarray:
    z = X(*shape)
    return (z - np.log(np.exp(z).sum(-1, keepdims=True))).astype(np.float32)


def max_pool_2x2x2(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Values and flat per-volume indices d·H·W + h·W + w of a 2×2×2 max pool (stride 2), as torch's return_indices."""
    n, c, d, h, w = x.shape
    win = x.reshape(n, c, d // 2, 2, h // 2, 2, w // 2, 2).transpose(0, 1, 2, 4, 6, 3, 5, 7)
    k = win.reshape(n, c, d // 2, h // 2, w // 2, 8).argmax(-1)
    t = np.arange(d // 2)[:, None, None] * 2 + k // 4
    i = np.arange(h // 2)[None, :, None] * 2 + (k // 2) % 2
    j = np.arange(w // 2)[None, None, :] * 2 + k % 2
    values = np.take_along_axis(win.reshape(n, c, d // 2, h // 2, w // 2, 8), k[..., None], -1)[..., 0]
    return values, ((t * h + i) * w + j).astype(np.int64)


def max_pool_2x2(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Values and flat per-plane indices of a 2×2 max pool (stride 2), as torch's return_indices."""
    n, c, h, w = x.shape
    win = x.reshape(n, c, h // 2, 2, w // 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n, c, h // 2, w // 2, 4)
    k = win.argmax(-1)
    i = np.arange(h // 2)[:, None] * 2 + k // 2
    j = np.arange(w // 2)[None, :] * 2 + k % 2
    return np.take_along_axis(win, k[..., None], -1)[..., 0], (i * w + j).astype(np.int64)


def conv2d_weight_ref(torch: Any) -> Any:
    def conv2d_weight(input, grad_output, kernel_size, stride=1, padding=0, dilation=1, groups=1):
        ks = (kernel_size, kernel_size) if isinstance(kernel_size, int) else tuple(kernel_size)
        size = (grad_output.shape[1], input.shape[1] // groups) + ks
        return torch.nn.grad.conv2d_weight(input, size, grad_output, stride, padding, dilation, groups)
    return conv2d_weight


def locally_connected2d_ref(torch: Any) -> Any:
    def locally_connected2d(input, weight, bias=None, stride=1, padding=0):
        n, oh, ow, c_out, kh, kw = input.shape[0], weight.shape[0], weight.shape[1], weight.shape[2], *weight.shape[4:]
        cols = torch.nn.functional.unfold(input, (kh, kw), padding=padding, stride=stride)
        if cols.shape[-1] != oh * ow:
            raise RuntimeError("locally_connected2d reference: weight does not match the output grid")
        out = torch.einsum("nkl,lok->nol", cols, weight.reshape(oh * ow, c_out, -1)).reshape(n, c_out, oh, ow)
        return out if bias is None else out + bias
    return locally_connected2d


def spp_ref(torch: Any) -> Any:
    def spatial_pyramid_pool2d(input, levels=(1, 2, 4), mode="max"):
        pool = {"max": torch.nn.functional.adaptive_max_pool2d, "avg": torch.nn.functional.adaptive_avg_pool2d}[mode]
        if isinstance(levels, str):
            raise TypeError("levels must be ints")
        return torch.cat([pool(input, n).flatten(-3 if input.dim() == 3 else 1) for n in levels], -1)
    return spatial_pyramid_pool2d


def unary(name: str, *extra: Any, **kw: Any) -> Spec:
    return Spec(f"F.{name}", [P("input", X(2, 3, 4), "x"), *extra], **kw)


def specs() -> list[Spec]:
    reseed(12)
    S: list[Spec] = []
    add = S.append
    add(Spec("F.linear", [P("input", X(3, 4), "x"), P("weight", X(5, 4), "x"), P("bias", X(5), "x")]))
    add(Spec("F.bilinear", [P("input1", X(3, 4), "x"), P("input2", X(3, 2), "x"), P("weight", X(5, 4, 2), "x"),
                            P("bias", X(5), "x")]))
    add(Spec("F.conv1d", [P("input", X(2, 4, 9), "x"), P("weight", X(6, 2, 3), "x"), P("bias", X(6), "x"),
                         K("stride", 1, "stride", spatial=1), K("padding", 1, "padding", spatial=1),
                         K("dilation", 1, "dilation", spatial=1), K("groups", 2, "groups")],
             extra=[("padding='same'+stride=2", "stride", {"padding": "same", "stride": 2}),
                    ("weight:in-channels", "size", {"weight": X(6, 3, 3)})]))
    conv2d = [P("input", X(2, 4, 7, 7), "x"), P("weight", X(6, 2, 3, 3), "x"), P("bias", X(6), "x"),
              K("stride", 1, "stride"), K("padding", 1, "padding"), K("dilation", 1, "dilation"),
              K("groups", 2, "groups")]
    add(Spec("F.conv2d", conv2d,
             extra=[("padding='same'", "padding", {"padding": "same"}),
                    ("padding='same'+stride=2", "stride", {"padding": "same", "stride": 2}),
                    ("padding='valid'", "padding", {"padding": "valid"}),
                    ("weight:in-channels", "size", {"weight": X(6, 3, 3, 3)}),
                    ("weight:kernel-0", "size", {"weight": X(6, 2, 0, 3)}),
                    ("weight:kernel-too-big", "size", {"weight": X(6, 2, 11, 3)}),
                    ("bias:wrong-length", "size", {"bias": X(5)}),
                    ("groups=4-out-channels-6", "groups", {"groups": 4, "weight": X(6, 1, 3, 3)})]))
    add(Spec("F.conv_transpose2d",
             [P("input", X(2, 4, 5, 5), "x"), P("weight", X(4, 3, 3, 3), "x"), P("bias", X(6), "x"),
              K("stride", 2, "stride"), K("padding", 1, "padding"), K("output_padding", 1, "padding"),
              K("groups", 2, "groups"), K("dilation", 1, "dilation")],
             extra=[("output_padding=stride", "padding", {"output_padding": 2}),
                    ("weight:in-channels", "size", {"weight": X(3, 3, 3, 3)}),
                    ("padding-too-big", "padding", {"padding": 5})]))
    add(Spec("F.conv2d_weight", [P("input", X(2, 4, 7, 7), "x"), P("grad_output", X(2, 6, 7, 7), "x"),
                                P("kernel_size", 3, "size"), K("stride", 1, "stride"), K("padding", 1, "padding"),
                                K("dilation", 1, "dilation"), K("groups", 2, "groups")],
             theirs=conv2d_weight_ref, batch=("input", "grad_output"),
             extra=[("grad_output:wrong-size", "size", {"grad_output": X(2, 6, 5, 5)})]))
    for name in ("relu", "sigmoid", "tanh", "relu6", "selu", "silu", "mish", "logsigmoid"):
        add(unary(name))
    add(unary("gelu", K("approximate", "tanh", "mode")))
    add(unary("leaky_relu", K("negative_slope", 0.2, "real")))
    add(unary("elu", K("alpha", 0.7, "real")))
    add(unary("celu", K("alpha", 0.7, "real"), extra=[("alpha=0", "size", {"alpha": 0.0})]))
    add(unary("softplus", K("beta", 2.0, "real"), K("threshold", 5.0, "real"),
              extra=[("beta=0", "size", {"beta": 0.0})]))
    add(unary("hardtanh", K("min_val", -0.5, "real"), K("max_val", 0.8, "real"),
              extra=[("min>max", "size", {"min_val": 1.0, "max_val": -1.0})]))
    for name in ("softmax", "log_softmax", "softmin"):
        add(Spec(f"F.{name}", [P("input", X(2, 5), "x"), K("dim", 1, "dim"), K("dtype", None, "dtype")]))
    add(Spec("F.cross_entropy", [P("input", X(4, 5), "x"), P("target", idx(5, 4), "idx", hi=5),
                                 K("weight", pos(5), "c"), K("ignore_index", -100, "int"),
                                 K("reduction", "mean", "mode"), K("label_smoothing", 0.1, "prob")],
             batch=("input", "target"),
             extra=[("target:probabilities", "dtype", {"target": prob(4, 5)}),
                    ("target:probabilities-wrong-shape", "size", {"target": prob(4, 6)}),
                    ("input:1-d", "rank", {"input": X(5), "target": np.asarray(2)}),
                    ("weight:wrong-length", "size", {"weight": pos(3)}),
                    ("target:ignored-class", "size", {"target": np.array([0, 3, 3, 1]), "ignore_index": 3}),
                    ("target:all-ignored", "size", {"target": np.array([3, 3, 3, 3]), "ignore_index": 3})]))
    add(Spec("F.nll_loss", [P("input", log_probs(4, 5), "x"), P("target", idx(5, 4), "idx", hi=5),
                            K("weight", pos(5), "c"), K("ignore_index", -100, "int"), K("reduction", "mean", "mode")],
             batch=("input", "target"),
             extra=[("input:4-d", "rank", {"input": log_probs(2, 5, 3, 3), "target": idx(5, 2, 3, 3)}),
                    ("target:all-ignored", "size", {"target": np.array([3, 3, 3, 3]), "ignore_index": 3})]))
    for name in ("mse_loss", "l1_loss"):
        add(Spec(f"F.{name}", [P("input", X(3, 4), "x"), P("target", X(3, 4), "x"), K("reduction", "mean", "mode")],
                 batch=("input", "target"),
                 extra=[("target:broadcast", "size", {"target": X(1, 4)}),
                        ("target:unbroadcastable", "size", {"target": X(3, 5)})]))
    add(Spec("F.smooth_l1_loss", [P("input", X(3, 4), "x"), P("target", X(3, 4), "x"),
                                  K("reduction", "mean", "mode"), K("beta", 0.5, "eps")], batch=("input", "target")))
    add(Spec("F.huber_loss", [P("input", X(3, 4), "x"), P("target", X(3, 4), "x"),
                              K("reduction", "mean", "mode"), K("delta", 0.5, "eps")], batch=("input", "target")))
    add(Spec("F.binary_cross_entropy", [P("input", prob(3, 4), "x"), P("target", prob(3, 4), "c"),
                                        K("weight", pos(3, 4), "c"), K("reduction", "mean", "mode")],
             batch=("input", "target", "weight"),
             extra=[("input:out-of-[0,1]", "size", {"input": X(3, 4) * 3}),
                    ("input:exact-0-and-1", "nan", {"input": np.array([[0, 1, 0.5, 1]] * 3, np.float32)})]))
    add(Spec("F.binary_cross_entropy_with_logits",
             [P("input", X(3, 4), "x"), P("target", prob(3, 4), "c"), K("weight", pos(3, 4), "c"),
              K("reduction", "mean", "mode"), K("pos_weight", pos(4), "c")], batch=("input", "target", "weight")))
    add(Spec("F.kl_div", [P("input", log_probs(3, 5), "x"), P("target", prob(3, 5), "c"),
                          K("reduction", "batchmean", "mode"), K("log_target", False, "flag")],
             batch=("input", "target")))
    add(Spec("F.one_hot", [P("tensor", idx(4, 5), "idx", hi=4), K("num_classes", 4, "count")], grad=False,
             extra=[("num_classes=-1", "size", {"num_classes": -1}),
                    ("num_classes-too-small", "size", {"num_classes": 2})]))
    add(Spec("F.pad", [P("input", X(1, 2, 4, 5), "x"), P("pad", (1, 2, 1, 0), "padlist"),
                       K("mode", "constant", "mode"), K("value", 0.5, "scalar")]))
    for mode in ("reflect", "replicate", "circular"):
        add(Spec("F.pad", [P("input", X(1, 2, 4, 5), "x"), P("pad", (1, 2, 1, 0), "padlist"), K("mode", mode, "mode")],
                 tag=mode, extra=[("pad>=size", "padding", {"pad": (5, 5, 0, 0)}),
                                  ("input:2-d", "rank", {"input": X(4, 5)})]))
    add(Spec("F.interpolate", [P("input", X(1, 2, 4, 5), "x"), K("size", (8, 7), "osize"),
                               K("mode", "nearest", "mode")], tag="size",
             extra=[("size+scale_factor", "size", {"scale_factor": 2.0}),
                    ("neither", "size", {"size": None})]))
    add(Spec("F.interpolate", [P("input", X(1, 2, 4, 5), "x"), K("scale_factor", 2.0, "scale"),
                               K("mode", "bilinear", "mode"), K("align_corners", False, "flag")], tag="scale",
             extra=[("mode=nearest", "mode", {"mode": "nearest", "align_corners": None}),
                    ("align_corners+nearest", "mode", {"mode": "nearest", "align_corners": True}),
                    ("mode=bicubic", "mode", {"mode": "bicubic"})]))
    add(Spec("F.interpolate", [P("input", X(1, 2, 5, 7), "x"), K("size", (9, 4), "osize"),
                               K("mode", "bicubic", "mode"), K("align_corners", True, "flag")], tag="bicubic",
             extra=[("input:3-d", "rank", {"input": X(1, 2, 5)}), ("input:5-d", "rank", {"input": X(1, 2, 3, 4, 5)}),
                    ("antialias", "mode", {"antialias": True}), ("mode=lanczos", "mode", {"mode": "lanczos"}),
                    ("input:uint8", "dtype", {"input": (np.abs(X(1, 2, 5, 7)) * 50).astype(np.uint8)})]))
    add(Spec("F.interpolate", [P("input", X(1, 2, 5, 7), "x"), K("scale_factor", 0.6, "scale"),
                               K("mode", "area", "mode")], tag="area",
             extra=[("align_corners+area", "mode", {"align_corners": False}),
                    ("input:3-d", "rank", {"input": X(1, 2, 7)}), ("input:5-d", "rank", {"input": X(1, 2, 3, 4, 5)}),
                    ("scale_factor=(0.5,0.6,0.7)", "size", {"scale_factor": (0.5, 0.6, 0.7)}),
                    ("scale_factor:upsample", "size", {"scale_factor": 2.5})]))
    add(Spec("F.max_pool2d", [P("input", X(2, 3, 8, 8), "x"), P("kernel_size", 3, "size"), K("stride", 2, "stride"),
                              K("padding", 1, "padding"), K("dilation", 1, "dilation"), K("ceil_mode", False, "flag"),
                              K("return_indices", False, "flag")],
             extra=[("padding>kernel/2", "padding", {"padding": 2}),
                    ("ceil_mode=True", "size", {"ceil_mode": True, "padding": 0}),
                    ("return_indices=True", "size", {"return_indices": True}),
                    ("kernel>input", "size", {"kernel_size": 9, "padding": 0})]))
    add(Spec("F.avg_pool2d", [P("input", X(2, 3, 8, 8), "x"), P("kernel_size", 3, "size"), K("stride", 2, "stride"),
                              K("padding", 1, "padding"), K("ceil_mode", False, "flag"),
                              K("count_include_pad", True, "flag"), K("divisor_override", 2, "count")],
             extra=[("padding>kernel/2", "padding", {"padding": 2}),
                    ("ceil_mode+no-pad-count", "size", {"ceil_mode": True, "count_include_pad": False})]))
    add(Spec("F.adaptive_avg_pool2d", [P("input", X(2, 3, 7, 6), "x"), P("output_size", (3, 2), "osize")],
             extra=[("output_size=(None,2)", "size", {"output_size": (None, 2)}),
                    ("output_size>input", "size", {"output_size": (9, 9)})]))
    add(Spec("F.adaptive_max_pool2d", [P("input", X(2, 3, 7, 6), "x"), P("output_size", (3, 2), "osize"),
                                       K("return_indices", False, "flag")],
             extra=[("return_indices=True", "size", {"return_indices": True})]))
    add(Spec("F.spatial_pyramid_pool2d", [P("input", X(2, 3, 7, 6), "x"), K("levels", (1, 2, 4), "levels"),
                                          K("mode", "max", "mode")], theirs=spp_ref,
             extra=[("mode=avg", "mode", {"mode": "avg"})]))
    pooled, where = max_pool_2x2(X(1, 2, 4, 4))
    add(Spec("F.max_unpool2d", [P("input", pooled, "x"), P("indices", where, "idx", hi=16),
                                P("kernel_size", 2, "size"), K("stride", 2, "stride"), K("padding", 0, "padding")],
             batch=("input", "indices"),
             extra=[("output_size=(5,5)", "size", {"output_size": (5, 5)}),
                    ("output_size-too-small", "size", {"output_size": (3, 3)}),
                    ("indices:shape-mismatch", "size", {"indices": where[:, :1]})]))
    conv3d = [P("input", X(2, 4, 5, 6, 5), "x"), P("weight", X(6, 2, 3, 2, 3), "x"), P("bias", X(6), "x"),
              K("stride", 1, "stride", spatial=3), K("padding", 1, "padding", spatial=3),
              K("dilation", 1, "dilation", spatial=3), K("groups", 2, "groups")]
    add(Spec("F.conv3d", conv3d,
             extra=[("padding='same'", "padding", {"padding": "same"}),
                    ("padding='same'+stride=2", "stride", {"padding": "same", "stride": 2}),
                    ("padding='valid'", "padding", {"padding": "valid"}),
                    ("weight:in-channels", "size", {"weight": X(6, 3, 3, 2, 3)}),
                    ("weight:kernel-too-big", "size", {"weight": X(6, 2, 9, 2, 3)})]))
    add(Spec("F.conv_transpose3d",
             [P("input", X(2, 4, 3, 4, 3), "x"), P("weight", X(4, 3, 3, 2, 3), "x"), P("bias", X(6), "x"),
              K("stride", 2, "stride", spatial=3), K("padding", 1, "padding", spatial=3),
              K("output_padding", 1, "padding", spatial=3), K("groups", 2, "groups"),
              K("dilation", 1, "dilation", spatial=3)],
             extra=[("output_padding=stride", "padding", {"output_padding": 2}),
                    ("padding-too-big", "padding", {"padding": 5})]))
    add(Spec("F.max_pool3d", [P("input", X(2, 3, 6, 5, 6), "x"), P("kernel_size", 3, "size", spatial=3),
                              K("stride", 2, "stride", spatial=3), K("padding", 1, "padding", spatial=3),
                              K("dilation", 1, "dilation", spatial=3), K("ceil_mode", False, "flag"),
                              K("return_indices", False, "flag")],
             extra=[("ceil_mode=True", "size", {"ceil_mode": True, "padding": 0}),
                    ("return_indices=True", "size", {"return_indices": True})]))
    add(Spec("F.avg_pool3d", [P("input", X(2, 3, 6, 5, 6), "x"), P("kernel_size", 3, "size", spatial=3),
                              K("stride", 2, "stride", spatial=3), K("padding", 1, "padding", spatial=3),
                              K("ceil_mode", False, "flag"), K("count_include_pad", True, "flag"),
                              K("divisor_override", 2, "count")],
             extra=[("ceil_mode+no-pad-count", "size", {"ceil_mode": True, "count_include_pad": False})]))
    add(Spec("F.adaptive_avg_pool3d", [P("input", X(2, 3, 5, 7, 6), "x"), P("output_size", (2, 3, 2), "osize",
                                                                             spatial=3)],
             extra=[("output_size=(None,3,2)", "size", {"output_size": (None, 3, 2)})]))
    add(Spec("F.adaptive_max_pool3d", [P("input", X(2, 3, 5, 7, 6), "x"), P("output_size", (2, 3, 2), "osize",
                                                                             spatial=3),
                                       K("return_indices", False, "flag")],
             extra=[("return_indices=True", "size", {"return_indices": True})]))
    pooled3, where3 = max_pool_2x2x2(X(1, 2, 4, 4, 4))
    add(Spec("F.max_unpool3d", [P("input", pooled3, "x"), P("indices", where3, "idx", hi=64),
                                P("kernel_size", 2, "size", spatial=3), K("stride", 2, "stride", spatial=3),
                                K("padding", 0, "padding", spatial=3)],
             batch=("input", "indices"),
             extra=[("output_size=(5,5,5)", "size", {"output_size": (5, 5, 5)}),
                    ("output_size-too-small", "size", {"output_size": (3, 3, 3)})]))
    add(Spec("F.max_pool1d", [P("input", X(2, 3, 9), "x"), P("kernel_size", 3, "size", spatial=1),
                              K("stride", 2, "stride", spatial=1), K("padding", 1, "padding", spatial=1),
                              K("dilation", 1, "dilation", spatial=1), K("ceil_mode", False, "flag"),
                              K("return_indices", False, "flag")]))
    add(Spec("F.avg_pool1d", [P("input", X(2, 3, 9), "x"), P("kernel_size", 3, "size", spatial=1),
                              K("stride", 2, "stride", spatial=1), K("padding", 1, "padding", spatial=1),
                              K("ceil_mode", False, "flag"), K("count_include_pad", True, "flag")]))
    add(Spec("F.adaptive_avg_pool1d", [P("input", X(2, 3, 9), "x"), P("output_size", 4, "osize", spatial=1)]))
    add(Spec("F.adaptive_max_pool1d", [P("input", X(2, 3, 9), "x"), P("output_size", 4, "osize", spatial=1),
                                       K("return_indices", False, "flag")]))
    add(Spec("F.dropout", [P("input", X(2, 3, 4), "x"), K("p", 0.5, "prob"), K("training", False, "flag")]))
    add(Spec("F.dropout", [P("input", X(2, 3, 4), "x"), K("p", 1.0, "prob"), K("training", True, "flag")], tag="p=1",
             skip=("p=-0.1", "p=1.5", "p=nan", "p='0.5'", "p=None", "training=None", "training=2", "training='yes'")))
    add(Spec("F.local_response_norm", [P("input", X(2, 6, 4, 4), "x"), P("size", 3, "count"), K("alpha", 1e-2, "real"),
                                       K("beta", 0.75, "real"), K("k", 1.0, "real")],
             extra=[("input:2-d", "rank", {"input": X(2, 6)})]))
    add(Spec("F.batch_norm", [P("input", X(4, 3, 5, 5), "x"), P("running_mean", X(3), "c"),
                              P("running_var", pos(3), "c"), K("weight", X(3), "x"), K("bias", X(3), "x"),
                              K("training", True, "flag"), K("momentum", 0.1, "prob"), K("eps", 1e-5, "eps")],
             extra=[("training=False", "size", {"training": False}),
                    ("N=1-training", "size", {"input": X(1, 3, 1, 1)}),
                    ("running_var:negative-eval", "size", {"running_var": -pos(3), "training": False})]))
    add(Spec("F.unfold", [P("input", X(2, 3, 6, 6), "x"), P("kernel_size", 2, "size"), K("dilation", 1, "dilation"),
                          K("padding", 0, "padding"), K("stride", 1, "stride")]))
    add(Spec("F.fold", [P("input", X(2, 12, 16), "x"), P("output_size", (5, 5), "osize"), P("kernel_size", 2, "size"),
                        K("dilation", 1, "dilation"), K("padding", 0, "padding"), K("stride", 1, "stride")],
             extra=[("blocks-mismatch", "size", {"input": X(2, 12, 15)}),
                    ("channels-not-divisible", "size", {"input": X(2, 13, 16)})]))
    add(Spec("F.locally_connected2d", [P("input", X(2, 3, 5, 5), "x"), P("weight", X(4, 4, 2, 3, 2, 2), "x"),
                                       P("bias", X(2, 4, 4), "x"), K("stride", 1, "stride"),
                                       K("padding", 0, "padding")],
             theirs=locally_connected2d_ref,
             extra=[("weight:wrong-grid", "size", {"weight": X(3, 3, 2, 3, 2, 2)})]))
    add(Spec("F.layer_norm", [P("input", X(2, 3, 4), "x"), P("normalized_shape", (4,), "nshape"),
                              K("weight", X(4), "x"), K("bias", X(4), "x"), K("eps", 1e-5, "eps")],
             extra=[("normalized_shape=4", "size", {"normalized_shape": 4})]))
    add(Spec("F.group_norm", [P("input", X(2, 6, 3, 3), "x"), P("num_groups", 3, "groups"), K("weight", X(6), "x"),
                              K("bias", X(6), "x"), K("eps", 1e-5, "eps")]))
    add(Spec("F.embedding", [P("input", idx(10, 2, 3), "idx", hi=10), P("weight", X(10, 4), "x"),
                             K("padding_idx", 1, "int")],
             extra=[("padding_idx=-1", "size", {"padding_idx": -1}),
                    ("padding_idx=10", "size", {"padding_idx": 10})]))
    for name, shape in (("dropout1d", (2, 3, 4)), ("dropout2d", (2, 3, 4, 4))):
        add(Spec(f"F.{name}", [P("input", X(*shape), "x"), K("p", 0.5, "prob"), K("training", False, "flag")]))
        add(Spec(f"F.{name}", [P("input", X(*shape), "x"), K("p", 1.0, "prob"), K("training", True, "flag")],
                 tag="p=1", skip=("p=-0.1", "p=1.5", "p=nan", "p='0.5'", "p=None", "training=None", "training=2",
                                  "training='yes'")))
    add(Spec("F.instance_norm", [P("input", X(2, 3, 4, 4), "x"), K("running_mean", X(3), "c"),
                                 K("running_var", pos(3), "c"), K("weight", X(3), "x"), K("bias", X(3), "x"),
                                 K("use_input_stats", True, "flag"), K("momentum", 0.1, "prob"), K("eps", 1e-5, "eps")],
             extra=[("use_input_stats=False", "size", {"use_input_stats": False}),
                    ("one-position", "size", {"input": X(2, 3, 1, 1)})]))
    add(Spec("F.prelu", [P("input", X(2, 3, 4), "x"), P("weight", pos(3), "x")],
             extra=[("weight:one", "size", {"weight": pos(1)}), ("weight:wrong-length", "size", {"weight": pos(4)})]))
    for name in ("hardswish", "hardsigmoid", "softsign", "tanhshrink"):
        add(unary(name))
    for name in ("softshrink", "hardshrink"):
        add(unary(name, K("lambd", 0.5, "real"), extra=[("lambd=-1", "size", {"lambd": -1.0})]))
    add(unary("threshold", P("threshold", 0.1, "real"), P("value", 2.0, "real")))
    add(Spec("F.glu", [P("input", X(2, 3, 4), "x"), K("dim", -1, "dim")],
             extra=[("odd-dim", "size", {"dim": 1})]))
    add(Spec("F.pixel_shuffle", [P("input", X(2, 8, 3, 3), "x"), P("upscale_factor", 2, "count")],
             extra=[("channels-not-divisible", "size", {"input": X(2, 6, 3, 3)})]))
    # N=0: PyTorch returns an empty input unchanged, (0, 2, 4, 6); the rule gives (0, 8, 2, 3), as here
    # (tests/ops/test_pixel_shuffle.py::test_an_empty_batch_keeps_the_rule_s_shape)
    add(Spec("F.pixel_unshuffle", [P("input", X(2, 2, 4, 6), "x"), P("downscale_factor", 2, "count")], skip=("N=0",),
             extra=[("height-not-divisible", "size", {"input": X(2, 2, 3, 6)})]))
    add(Spec("F.lp_pool2d", [P("input", pos(2, 3, 7, 7), "x"), P("norm_type", 2.0, "real"), P("kernel_size", 3, "size"),
                             K("stride", 2, "stride"), K("ceil_mode", False, "flag")],
             extra=[("ceil_mode=True", "size", {"ceil_mode": True}), ("kernel>input", "size", {"kernel_size": 9})]))
    add(Spec("F.lp_pool1d", [P("input", pos(2, 3, 9), "x"), P("norm_type", 2.0, "real"),
                             P("kernel_size", 3, "size", spatial=1), K("stride", 2, "stride", spatial=1),
                             K("ceil_mode", False, "flag")]))
    add(Spec("F.normalize", [P("input", X(3, 4), "x"), K("p", 2.0, "real"), K("dim", 1, "dim"), K("eps", 1e-12, "eps")],
             extra=[("input:zero-row", "size", {"input": np.zeros((3, 4), np.float32)})]))
    add(Spec("F.cosine_similarity", [P("x1", X(3, 4), "x"), P("x2", X(3, 4), "x"), K("dim", 1, "dim"),
                                     K("eps", 1e-8, "eps")], batch=("x1", "x2"),
             extra=[("x2:broadcast", "size", {"x2": X(1, 4)}), ("x2:unbroadcastable", "size", {"x2": X(3, 5)})]))
    add(Spec("F.pairwise_distance", [P("x1", X(3, 4), "x"), P("x2", X(3, 4), "x"), K("p", 2.0, "real"),
                                     K("eps", 1e-6, "eps"), K("keepdim", False, "flag")], batch=("x1", "x2"),
             extra=[("x2:broadcast", "size", {"x2": X(1, 4)}), ("x2:unbroadcastable", "size", {"x2": X(3, 5)})]))
    add(Spec("F.conv_transpose1d",
             [P("input", X(2, 4, 5), "x"), P("weight", X(4, 3, 3), "x"), P("bias", X(6), "x"),
              K("stride", 2, "stride", spatial=1), K("padding", 1, "padding", spatial=1),
              K("output_padding", 1, "padding", spatial=1), K("groups", 2, "groups"),
              K("dilation", 1, "dilation", spatial=1)],
             extra=[("output_padding=stride", "padding", {"output_padding": 2}),
                    ("weight:in-channels", "size", {"weight": X(3, 3, 3)}),
                    ("padding-too-big", "padding", {"padding": 5})]))
    # margin, embedding and likelihood losses (ops/loss_margin.py, ops/loss_regression.py); N=0 skipped for the
    # multi-class hinges: PyTorch's mean over an empty batch returns uninitialised memory (ours is NaN, as mean())
    sign = lambda *shape: np.where(rng.random(shape) < 0.5, -1.0, 1.0).astype(np.float32)  # noqa: E731
    add(Spec("F.triplet_margin_loss", [P("anchor", X(4, 5), "x"), P("positive", X(4, 5), "x"),
                                       P("negative", X(4, 5), "x"), K("margin", 1.0, "eps"), K("p", 2.0, "real"),
                                       K("eps", 1e-6, "eps"), K("swap", False, "flag"), K("reduction", "mean", "mode")],
             batch=("anchor", "positive", "negative"),
             extra=[("swap=True", "size", {"swap": True}), ("negative:1-d", "rank", {"negative": X(5)})]))
    add(Spec("F.triplet_margin_with_distance_loss",
             [P("anchor", X(4, 5), "x"), P("positive", X(4, 5), "x"), P("negative", X(4, 5), "x"),
              K("margin", 1.0, "eps"), K("swap", False, "flag"), K("reduction", "mean", "mode")],
             batch=("anchor", "positive", "negative"), extra=[("swap=True", "size", {"swap": True})]))
    add(Spec("F.margin_ranking_loss", [P("input1", X(6), "x"), P("input2", X(6), "x"), P("target", sign(6), "x"),
                                       K("margin", 0.5, "real"), K("reduction", "mean", "mode")],
             batch=("input1", "input2", "target"), extra=[("target:2-d", "rank", {"target": sign(1, 6)})]))
    add(Spec("F.hinge_embedding_loss", [P("input", X(3, 4), "x"), P("target", sign(3, 4), "c"),
                                        K("margin", 1.0, "real"), K("reduction", "mean", "mode")],
             batch=("input", "target")))
    add(Spec("F.soft_margin_loss", [P("input", X(3, 4), "x"), P("target", sign(3, 4), "c"),
                                    K("reduction", "mean", "mode")], batch=("input", "target")))
    add(Spec("F.multilabel_soft_margin_loss", [P("input", X(3, 4), "x"), P("target", prob(3, 4).round(), "c"),
                                               K("weight", pos(4), "c"), K("reduction", "mean", "mode")],
             batch=("input", "target")))
    add(Spec("F.cosine_embedding_loss", [P("input1", X(4, 5), "x"), P("input2", X(4, 5), "x"),
                                         P("target", sign(4), "c"), K("margin", 0.2, "real"),
                                         K("reduction", "mean", "mode")], batch=("input1", "input2", "target"),
             extra=[("unbatched", "rank", {"input1": X(5), "input2": X(5), "target": sign()})]))
    add(Spec("F.multi_margin_loss", [P("input", X(4, 5), "x"), P("target", idx(5, 4), "idx", hi=5), K("p", 1, "int"),
                                     K("margin", 1.0, "real"), K("weight", pos(5), "c"),
                                     K("reduction", "mean", "mode")], batch=("input", "target"), skip=("N=0",),
             extra=[("p=2", "size", {"p": 2}), ("p=3", "size", {"p": 3}), ("weight:wrong-length", "size",
                                                                          {"weight": pos(3)})]))
    add(Spec("F.multilabel_margin_loss", [P("input", X(3, 5), "x"),
                                          P("target", np.array([[3, 0, -1, 1, 1], [4, 4, 2, 0, 1], [-1, 0, 0, 0, 0]]),
                                            "idx", hi=5), K("reduction", "mean", "mode")], batch=("input", "target"),
             skip=("N=0",),
             extra=[("target:wrong-shape", "size", {"target": idx(5, 3, 4)})]))
    add(Spec("F.poisson_nll_loss", [P("input", X(3, 4), "x"), P("target", idx(5, 3, 4).astype(np.float32), "x"),
                                    K("log_input", True, "flag"), K("full", True, "flag"), K("eps", 1e-8, "eps"),
                                    K("reduction", "mean", "mode")], batch=("input", "target"),
             extra=[("log_input=False", "size", {"log_input": False, "input": pos(3, 4)})]))
    add(Spec("F.gaussian_nll_loss", [P("input", X(3, 4), "x"), P("target", X(3, 4), "x"), P("var", pos(3, 4), "x"),
                                     K("full", False, "flag"), K("eps", 1e-6, "eps"), K("reduction", "mean", "mode")],
             batch=("input", "target", "var"),
             # var:float16 skipped: the engine's cast of δ_var (~10¹⁰ at a variance of 0 raised to eps) back to
             # float16 overflows with a NumPy warning in backward_pass.py (PyTorch: −∞ silently); the walk's judge
             # agrees with PyTorch, tests/ops/test_silent_nonfinite.py does not
             skip=("var:float16",),
             extra=[("var:homoscedastic", "size", {"var": pos(3)}), ("var:(3,1)", "size", {"var": pos(3, 1)}),
                    ("var:wrong-size", "size", {"var": pos(2, 4)}), ("var:float", "type", {"var": 0.5})]))
    # small layers' functional forms (ops/channel_shuffle.py, ops/rms_norm.py, ops/alpha_dropout.py, dropout3d)
    add(Spec("F.channel_shuffle", [P("input", X(2, 6, 3, 3), "x"), P("groups", 3, "count")],
             extra=[("channels-not-divisible", "size", {"groups": 4}), ("input:2-d", "rank", {"input": X(2, 6)})]))
    add(Spec("F.rms_norm", [P("input", X(2, 3, 4), "x"), P("normalized_shape", (4,), "nshape"),
                            K("weight", X(4), "x"), K("eps", 1e-5, "eps")],
             extra=[("eps=None", "size", {"eps": None}), ("normalized_shape=4", "size", {"normalized_shape": 4})]))
    for name in ("alpha_dropout", "feature_alpha_dropout"):
        add(Spec(f"F.{name}", [P("input", X(2, 3, 4), "x"), K("p", 0.5, "prob"), K("training", False, "flag")]))
        add(Spec(f"F.{name}", [P("input", X(2, 3, 4), "x"), K("p", 1.0, "prob"), K("training", True, "flag")],
                 tag="p=1", skip=("p=-0.1", "p=1.5", "p=nan", "p='0.5'", "p=None", "training=None", "training=2",
                                  "training='yes'")))
    add(Spec("F.dropout3d", [P("input", X(2, 3, 2, 2, 2), "x"), K("p", 0.5, "prob"), K("training", False, "flag")]))
    add(Spec("F.dropout3d", [P("input", X(2, 3, 2, 2, 2), "x"), K("p", 1.0, "prob"), K("training", True, "flag")],
             tag="p=1", skip=("p=-0.1", "p=1.5", "p=nan", "p='0.5'", "p=None", "training=None", "training=2",
                              "training='yes'")))
    # spatial transformer, *_with_indices, max_unpool1d, lp_pool3d, random and in-place activations, embedding_bag
    # (ops/grid_sample.py, ops/pool_with_indices.py, ops/activation_random.py, ops/activation_inplace.py,
    # ops/embedding_bag.py)
    grid = rng.uniform(-1.2, 1.2, (2, 3, 4, 2)).astype(np.float32)
    add(Spec("F.grid_sample", [P("input", X(2, 3, 5, 6), "x"), P("grid", grid, "x"), K("mode", "bilinear", "mode"),
                               K("padding_mode", "zeros", "mode"), K("align_corners", False, "flag")],
             batch=("input", "grid"),
             extra=[("mode=bicubic", "mode", {"mode": "bicubic"}), ("mode=nearest", "mode", {"mode": "nearest"}),
                    ("padding_mode=reflection", "mode", {"padding_mode": "reflection"}),
                    ("grid:wrong-last", "size", {"grid": X(2, 3, 4, 3)}),
                    ("input:5-d", "rank", {"input": X(2, 3, 2, 5, 6)})]))
    add(Spec("F.affine_grid", [P("theta", X(2, 2, 3), "x"), P("size", (2, 3, 4, 5), "shape"),
                               K("align_corners", False, "flag")],
             extra=[("theta:3-d-affine", "size", {"size": (2, 3, 2, 4, 5)}),
                    ("size:wrong-batch", "size", {"size": (3, 3, 4, 5)})]))
    for name, shape, spatial in (("max_pool1d_with_indices", (2, 3, 9), 1), ("max_pool2d_with_indices", (2, 3, 8, 8), 2),
                                 ("max_pool3d_with_indices", (2, 3, 6, 5, 6), 3)):
        add(Spec(f"F.{name}", [P("input", X(*shape), "x"), P("kernel_size", 3, "size", spatial=spatial),
                               K("stride", 2, "stride", spatial=spatial), K("padding", 1, "padding", spatial=spatial),
                               K("dilation", 1, "dilation", spatial=spatial), K("ceil_mode", False, "flag")],
                 names=(name.replace("_with_indices", ""),)))
    for name, shape, size, spatial in (("adaptive_max_pool1d_with_indices", (2, 3, 9), 4, 1),
                                       ("adaptive_max_pool2d_with_indices", (2, 3, 7, 6), (3, 2), 2),
                                       ("adaptive_max_pool3d_with_indices", (2, 3, 5, 7, 6), (2, 3, 2), 3)):
        add(Spec(f"F.{name}", [P("input", X(*shape), "x"), P("output_size", size, "osize", spatial=spatial)],
                 names=(name.replace("_with_indices", ""),)))
    add(Spec("F.max_unpool1d", [P("input", X(1, 2, 4), "x"), P("indices", np.array([[[0, 3, 4, 7], [1, 2, 5, 6]]]),
                                                               "idx", hi=8),
                                P("kernel_size", 2, "size", spatial=1), K("stride", 2, "stride", spatial=1),
                                K("padding", 0, "padding", spatial=1)],
             batch=("input", "indices"),
             extra=[("output_size=(9,)", "size", {"output_size": (9,)}),
                    ("output_size-too-small", "size", {"output_size": (6,)})]))
    add(Spec("F.lp_pool3d", [P("input", pos(2, 3, 5, 4, 5), "x"), P("norm_type", 2.0, "real"),
                             P("kernel_size", 2, "size", spatial=3), K("stride", 2, "stride", spatial=3),
                             K("ceil_mode", False, "flag")]))
    add(unary("rrelu", K("lower", 0.1, "real"), K("upper", 0.3, "real"), K("training", False, "flag"),
              extra=[("lower>upper", "size", {"lower": 0.5, "upper": 0.2})]))
    for name, extra in (("relu_", []), ("elu_", [K("alpha", 0.7, "real")]), ("celu_", [K("alpha", 0.7, "real")]),
                        ("selu_", []), ("leaky_relu_", [K("negative_slope", 0.2, "real")]),
                        ("hardtanh_", [K("min_val", -0.5, "real"), K("max_val", 0.8, "real")]),
                        ("threshold_", [P("threshold", 0.1, "real"), P("value", 2.0, "real")]),
                        ("rrelu_", [K("lower", 0.1, "real"), K("upper", 0.3, "real")])):
        # input:rank+1 is a stride-0 view the walk passes uncopied (running.py's _is_view_of_nothing), so the
        # in-place write would reach PyTorch's input too; tests/ops/test_activation_inplace.py covers any rank
        add(unary(name, *extra, grad=False, skip=("input:rank+1",)))
    add(Spec("F.gumbel_softmax", [P("logits", X(3, 5), "x"), K("tau", 1.0, "real"), K("hard", False, "flag"),
                                  K("dim", -1, "dim")], random=True))
    add(Spec("F.embedding_bag", [P("input", idx(10, 8), "idx", hi=10), P("weight", X(10, 4), "x"),
                                 P("offsets", np.array([0, 3, 3, 6]), "idx", hi=8), K("mode", "sum", "mode"),
                                 K("per_sample_weights", X(8), "x"), K("padding_idx", 1, "int")],
             extra=[("mode=max", "mode", {"mode": "max", "per_sample_weights": None}),
                    ("mode=mean+weights", "mode", {"mode": "mean"}),
                    ("2-d-input", "rank", {"input": idx(10, 2, 4), "offsets": None, "per_sample_weights": X(2, 4)})]))
    return S
