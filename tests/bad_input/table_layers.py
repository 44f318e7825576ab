"""Valid constructions and forward calls of every layer in tinygrad_edu.nn; walk.cases() mutates constructor
arguments and forward inputs. PyTorch's layer gets our parameters (same state_dict names) before its forward.
The two layers PyTorch does not have are written here as small torch modules made of PyTorch's layers, so
their arguments are validated as PyTorch validates those layers."""
from __future__ import annotations

from typing import Any

import numpy as np

from .table_functional import (X, idx, locally_connected2d_ref, log_probs, max_pool_2x2, max_pool_2x2x2, pos,
                               prob, spp_ref)
from . import table_functional
from .walk import K, Mod, P, Spec


def locally_connected_layer(torch: Any) -> Any:
    class LocallyConnected2d(torch.nn.Module):
        def __init__(self, in_channels, out_channels, input_size, kernel_size, stride=1, padding=0, bias=True,
                     dtype=None):
            super().__init__()
            conv = torch.nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding, dtype=dtype)
            size = (input_size, input_size) if isinstance(input_size, int) else tuple(input_size)
            if len(size) != 2 or min(size) < 1:
                raise ValueError(f"input_size must be two positive ints, got {input_size}")
            probe = torch.nn.functional.unfold(torch.zeros((1, 1) + size), conv.kernel_size, padding=conv.padding,
                                               stride=conv.stride)
            oh = (size[0] + 2 * conv.padding[0] - conv.kernel_size[0]) // conv.stride[0] + 1
            ow = probe.shape[-1] // oh
            self.stride, self.padding = conv.stride, conv.padding
            self.weight = torch.nn.Parameter(torch.zeros((oh, ow, out_channels, in_channels) + conv.kernel_size,
                                                         dtype=conv.weight.dtype))
            self.bias = torch.nn.Parameter(torch.zeros(out_channels, oh, ow, dtype=conv.weight.dtype)) if bias else None

        def forward(self, x):
            return locally_connected2d_ref(torch)(x, self.weight, self.bias, self.stride, self.padding)
    return LocallyConnected2d


def spp_layer(torch: Any) -> Any:
    class SpatialPyramidPool2d(torch.nn.Module):
        def __init__(self, levels=(1, 2, 4), mode="max"):
            super().__init__()
            if mode not in ("max", "avg"):
                raise ValueError(f"mode must be 'max' or 'avg', got {mode!r}")
            if isinstance(levels, str):
                raise TypeError("levels must be ints")
            self.pools = [torch.nn.AdaptiveMaxPool2d(n) for n in levels]
            if not self.pools:
                raise ValueError("levels is empty")
            self.levels, self.mode = levels, mode

        def forward(self, x):
            return spp_ref(torch)(x, self.levels, self.mode)
    return SpatialPyramidPool2d


def lazy_layer(name: str) -> Any:
    """PyTorch's lazy layer, given nothing before its first forward: the walk hands PyTorch our state as built, and a
    lazy layer's is uninitialised (both sides then initialise at random; the specs compare shapes and dtypes)."""
    def make(torch: Any) -> Any:
        class Lazy(getattr(torch.nn, name)):
            def load_state_dict(self, state_dict: Any, strict: bool = True, assign: bool = False) -> Any:
                if self.has_uninitialized_params():
                    return None
                return super().load_state_dict(state_dict, strict, assign)
        Lazy.__name__ = name
        return Lazy
    return make


def layer(name: str, args: list, inputs: list, **kw: Any) -> Spec:
    return Spec(f"nn.{name}", args, inputs, **kw)


def x4() -> list:
    return [P("input", X(2, 4, 7, 7), "x")]


def specs() -> list[Spec]:
    table_functional.reseed(13)
    S: list[Spec] = []
    add = S.append
    add(layer("Linear", [P("in_features", 4, "count"), P("out_features", 5, "count"), K("bias", True, "flag")],
              [P("input", X(3, 4), "x")], names=("linear",)))
    add(layer("Bilinear", [P("in1_features", 4, "count"), P("in2_features", 2, "count"), P("out_features", 5, "count"),
                           K("bias", True, "flag")], [P("input1", X(3, 4), "x"), P("input2", X(3, 2), "x")],
              names=("bilinear",), skip=("out_features=1099511627776",)))  # PyTorch's meta bilinear never ends
    add(layer("Conv1d", [P("in_channels", 4, "count"), P("out_channels", 6, "count"),
                         P("kernel_size", 3, "size", spatial=1), K("stride", 1, "stride", spatial=1),
                         K("padding", 1, "padding", spatial=1), K("dilation", 1, "dilation", spatial=1),
                         K("groups", 2, "groups"), K("bias", True, "flag")],
              [P("input", X(2, 4, 9), "x")], names=("conv1d",),
              extra=[("padding='same'", "padding", {"padding": "same"}),
                     ("padding='same'+stride=2", "stride", {"padding": "same", "stride": 2})]))
    add(layer("Conv2d", [P("in_channels", 4, "count"), P("out_channels", 6, "count"), P("kernel_size", 3, "size"),
                         K("stride", 1, "stride"), K("padding", 1, "padding"), K("dilation", 1, "dilation"),
                         K("groups", 2, "groups"), K("bias", True, "flag")], x4(), names=("conv2d",),
              extra=[("padding='same'", "padding", {"padding": "same"}),
                     ("padding='same'+stride=2", "stride", {"padding": "same", "stride": 2}),
                     ("groups-not-dividing-out", "groups", {"out_channels": 5})]))
    add(layer("ConvTranspose2d", [P("in_channels", 4, "count"), P("out_channels", 6, "count"),
                                  P("kernel_size", 3, "size"), K("stride", 2, "stride"), K("padding", 1, "padding"),
                                  K("output_padding", 1, "padding"), K("groups", 2, "groups"),
                                  K("bias", True, "flag"), K("dilation", 1, "dilation")],
              [P("input", X(2, 4, 5, 5), "x")], names=("conv_transpose2d",),
              extra=[("output_padding=stride", "padding", {"output_padding": 2})]))
    add(layer("LocallyConnected2d", [P("in_channels", 3, "count"), P("out_channels", 2, "count"),
                                     P("input_size", (5, 5), "osize"), P("kernel_size", 2, "size"),
                                     K("stride", 1, "stride"), K("padding", 0, "padding"), K("bias", True, "flag")],
              [P("input", X(2, 3, 5, 5), "x")], theirs=locally_connected_layer, names=("locally_connected2d",),
              extra=[("input:wrong-size", "size", {"input": X(2, 3, 6, 6)})]))
    add(layer("MaxPool2d", [P("kernel_size", 3, "size"), K("stride", 2, "stride"), K("padding", 1, "padding"),
                            K("dilation", 1, "dilation"), K("return_indices", False, "flag"),
                            K("ceil_mode", False, "flag")], [P("input", X(2, 3, 8, 8), "x")], names=("max_pool2d",)))
    add(layer("AvgPool2d", [P("kernel_size", 3, "size"), K("stride", 2, "stride"), K("padding", 1, "padding"),
                            K("ceil_mode", False, "flag"), K("count_include_pad", True, "flag"),
                            K("divisor_override", 2, "count")], [P("input", X(2, 3, 8, 8), "x")],
              names=("avg_pool2d",)))
    add(layer("AdaptiveAvgPool2d", [P("output_size", (3, 2), "osize")], [P("input", X(2, 3, 7, 6), "x")],
              names=("adaptive_avg_pool2d",)))
    add(layer("AdaptiveMaxPool2d", [P("output_size", (3, 2), "osize"), K("return_indices", False, "flag")],
              [P("input", X(2, 3, 7, 6), "x")], names=("adaptive_max_pool2d",)))
    add(layer("SpatialPyramidPool2d", [K("levels", (1, 2, 4), "levels"), K("mode", "max", "mode")],
              [P("input", X(2, 3, 7, 6), "x")], theirs=spp_layer, names=("spatial_pyramid_pool2d",)))
    add(layer("MaxPool1d", [P("kernel_size", 3, "size", spatial=1), K("stride", 2, "stride", spatial=1),
                            K("padding", 1, "padding", spatial=1), K("dilation", 1, "dilation", spatial=1),
                            K("return_indices", False, "flag"), K("ceil_mode", False, "flag")],
              [P("input", X(2, 3, 9), "x")], names=("max_pool1d",)))
    add(layer("AvgPool1d", [P("kernel_size", 3, "size", spatial=1), K("stride", 2, "stride", spatial=1),
                            K("padding", 1, "padding", spatial=1), K("ceil_mode", False, "flag"),
                            K("count_include_pad", True, "flag")], [P("input", X(2, 3, 9), "x")],
              names=("avg_pool1d",)))
    add(layer("AdaptiveAvgPool1d", [P("output_size", 4, "osize", spatial=1)], [P("input", X(2, 3, 9), "x")],
              names=("adaptive_avg_pool1d",)))
    add(layer("AdaptiveMaxPool1d", [P("output_size", 4, "osize", spatial=1), K("return_indices", False, "flag")],
              [P("input", X(2, 3, 9), "x")], names=("adaptive_max_pool1d",)))
    pooled, where = max_pool_2x2(X(1, 2, 4, 4))
    add(layer("MaxUnpool2d", [P("kernel_size", 2, "size"), K("stride", 2, "stride"), K("padding", 0, "padding")],
              [P("input", pooled, "x"), P("indices", where, "idx", hi=16)], names=("max_unpool2d",),
              batch=("input", "indices")))
    add(layer("Conv3d", [P("in_channels", 4, "count"), P("out_channels", 6, "count"),
                         P("kernel_size", 3, "size", spatial=3), K("stride", 1, "stride", spatial=3),
                         K("padding", 1, "padding", spatial=3), K("dilation", 1, "dilation", spatial=3),
                         K("groups", 2, "groups"), K("bias", True, "flag")],
              [P("input", X(2, 4, 5, 6, 5), "x")], names=("conv3d",),
              extra=[("padding='same'", "padding", {"padding": "same"}),
                     ("padding='same'+stride=2", "stride", {"padding": "same", "stride": 2})]))
    add(layer("ConvTranspose3d", [P("in_channels", 4, "count"), P("out_channels", 6, "count"),
                                  P("kernel_size", 3, "size", spatial=3), K("stride", 2, "stride", spatial=3),
                                  K("padding", 1, "padding", spatial=3), K("output_padding", 1, "padding", spatial=3),
                                  K("groups", 2, "groups"), K("bias", True, "flag"),
                                  K("dilation", 1, "dilation", spatial=3)],
              [P("input", X(2, 4, 3, 4, 3), "x")], names=("conv_transpose3d",),
              extra=[("output_padding=stride", "padding", {"output_padding": 2})]))
    add(layer("MaxPool3d", [P("kernel_size", 3, "size", spatial=3), K("stride", 2, "stride", spatial=3),
                            K("padding", 1, "padding", spatial=3), K("dilation", 1, "dilation", spatial=3),
                            K("return_indices", False, "flag"), K("ceil_mode", False, "flag")],
              [P("input", X(2, 3, 6, 5, 6), "x")], names=("max_pool3d",)))
    add(layer("AvgPool3d", [P("kernel_size", 3, "size", spatial=3), K("stride", 2, "stride", spatial=3),
                            K("padding", 1, "padding", spatial=3), K("ceil_mode", False, "flag"),
                            K("count_include_pad", True, "flag"), K("divisor_override", 2, "count")],
              [P("input", X(2, 3, 6, 5, 6), "x")], names=("avg_pool3d",)))
    add(layer("AdaptiveAvgPool3d", [P("output_size", (2, 3, 2), "osize", spatial=3)],
              [P("input", X(2, 3, 5, 7, 6), "x")], names=("adaptive_avg_pool3d",)))
    add(layer("AdaptiveMaxPool3d", [P("output_size", (2, 3, 2), "osize", spatial=3),
                                    K("return_indices", False, "flag")],
              [P("input", X(2, 3, 5, 7, 6), "x")], names=("adaptive_max_pool3d",)))
    pooled3, where3 = max_pool_2x2x2(X(1, 2, 4, 4, 4))
    add(layer("MaxUnpool3d", [P("kernel_size", 2, "size", spatial=3), K("stride", 2, "stride", spatial=3),
                              K("padding", 0, "padding", spatial=3)],
              [P("input", pooled3, "x"), P("indices", where3, "idx", hi=64)], names=("max_unpool3d",),
              batch=("input", "indices")))
    add(layer("BatchNorm3d", [P("num_features", 3, "count"), K("eps", 1e-5, "eps"), K("momentum", 0.1, "prob"),
                              K("affine", True, "flag"), K("track_running_stats", True, "flag")],
              [P("input", X(4, 3, 3, 4, 4), "x")], names=("batch_norm",),
              extra=[("momentum=None", "size", {"momentum": None}),
                     ("input:one-value-per-channel", "size", {"input": X(1, 3, 1, 1, 1)})]))
    add(layer("InstanceNorm3d", [P("num_features", 3, "count"), K("eps", 1e-5, "eps"), K("momentum", 0.1, "prob"),
                                 K("affine", True, "flag"), K("track_running_stats", True, "flag")],
              [P("input", X(2, 3, 3, 4, 4), "x")], names=("instance_norm",),
              extra=[("affine=False", "size", {"affine": False, "track_running_stats": False})]))
    for name, shape, single in (("BatchNorm1d", (4, 3), (1, 3)), ("BatchNorm2d", (4, 3, 5, 5), (1, 3, 1, 1))):
        add(layer(name, [P("num_features", 3, "count"), K("eps", 1e-5, "eps"), K("momentum", 0.1, "prob"),
                         K("affine", True, "flag"), K("track_running_stats", True, "flag")],
                  [P("input", X(*shape), "x")], names=("batch_norm",),
                  extra=[("momentum=None", "size", {"momentum": None}),
                         ("input:one-value-per-channel", "size", {"input": X(*single)})]))
    add(layer("LayerNorm", [P("normalized_shape", (4,), "nshape"), K("eps", 1e-5, "eps"),
                            K("elementwise_affine", True, "flag"), K("bias", True, "flag")],
              [P("input", X(2, 3, 4), "x")], names=("layer_norm",),
              extra=[("normalized_shape=4", "size", {"normalized_shape": 4})]))
    add(layer("GroupNorm", [P("num_groups", 3, "groups"), P("num_channels", 6, "count"), K("eps", 1e-5, "eps"),
                            K("affine", True, "flag")], [P("input", X(2, 6, 3, 3), "x")], names=("group_norm",)))
    add(layer("LocalResponseNorm", [P("size", 3, "count"), K("alpha", 1e-2, "real"), K("beta", 0.75, "real"),
                                    K("k", 1.0, "real")], [P("input", X(2, 6, 4, 4), "x")],
              names=("local_response_norm",)))
    add(layer("Embedding", [P("num_embeddings", 10, "count"), P("embedding_dim", 4, "count"),
                            K("padding_idx", 1, "int")], [P("input", idx(10, 2, 3), "idx", hi=10)],
              names=("embedding",),
              extra=[("padding_idx=-1", "size", {"padding_idx": -1})]))
    add(layer("Flatten", [K("start_dim", 1, "dim"), K("end_dim", -1, "dim")], [P("input", X(2, 3, 4), "x")],
              names=("flatten",)))
    add(layer("Unflatten", [P("dim", 1, "dim"), P("unflattened_size", (2, 2), "shape")], [P("input", X(3, 4), "x")],
              names=("reshape",), extra=[("size-product-wrong", "size", {"unflattened_size": (3, 2)}),
                                         ("size:-1", "size", {"unflattened_size": (2, -1)})]))
    add(layer("Identity", [], [P("input", X(2, 3), "x")]))
    for name in ("ReLU", "Sigmoid", "Tanh", "ReLU6", "SELU", "SiLU", "Mish", "LogSigmoid"):
        # ReLU6 is hardtanh(x, 0, 6), in PyTorch as here: an error may name hardtanh
        add(layer(name, [], [P("input", X(2, 3, 4), "x")], names=(name.lower(),) + (("hardtanh",) * (name == "ReLU6"))))
    add(layer("LeakyReLU", [K("negative_slope", 0.2, "real")], [P("input", X(2, 3, 4), "x")], names=("leaky_relu",)))
    add(layer("ELU", [K("alpha", 0.7, "real")], [P("input", X(2, 3, 4), "x")], names=("elu",)))
    add(layer("CELU", [K("alpha", 0.7, "real")], [P("input", X(2, 3, 4), "x")], names=("celu",)))
    add(layer("GELU", [K("approximate", "tanh", "mode")], [P("input", X(2, 3, 4), "x")], names=("gelu",)))
    add(layer("Softplus", [K("beta", 2.0, "real"), K("threshold", 5.0, "real")], [P("input", X(2, 3, 4), "x")],
              names=("softplus",)))
    add(layer("Hardtanh", [K("min_val", -0.5, "real"), K("max_val", 0.8, "real")], [P("input", X(2, 3, 4), "x")],
              names=("hardtanh",), extra=[("min>max", "size", {"min_val": 1.0, "max_val": -1.0})]))
    for name in ("Softmax", "LogSoftmax", "Softmin"):
        add(layer(name, [K("dim", 1, "dim")], [P("input", X(2, 5), "x")],
                  names=({"Softmax": "softmax", "LogSoftmax": "log_softmax", "Softmin": "softmin"}[name],)))
    add(layer("Dropout", [K("p", 0.5, "prob")], [P("input", X(2, 3, 4), "x")], names=("dropout",), random=True))
    add(layer("CrossEntropyLoss", [K("weight", pos(5), "c"), K("ignore_index", -100, "int"),
                                   K("reduction", "mean", "mode"), K("label_smoothing", 0.1, "prob")],
              [P("input", X(4, 5), "x"), P("target", idx(5, 4), "idx", hi=5)], names=("cross_entropy",),
              batch=("input", "target")))
    add(layer("NLLLoss", [K("weight", pos(5), "c"), K("ignore_index", -100, "int"), K("reduction", "mean", "mode")],
              [P("input", log_probs(4, 5), "x"), P("target", idx(5, 4), "idx", hi=5)], names=("nll_loss",),
              batch=("input", "target")))
    for name, fn in (("MSELoss", "mse_loss"), ("L1Loss", "l1_loss")):
        add(layer(name, [K("reduction", "mean", "mode")], [P("input", X(3, 4), "x"), P("target", X(3, 4), "x")],
                  names=(fn,), batch=("input", "target")))
    add(layer("SmoothL1Loss", [K("reduction", "mean", "mode"), K("beta", 0.5, "eps")],
              [P("input", X(3, 4), "x"), P("target", X(3, 4), "x")], names=("smooth_l1_loss",),
              batch=("input", "target")))
    add(layer("HuberLoss", [K("reduction", "mean", "mode"), K("delta", 0.5, "eps")],
              [P("input", X(3, 4), "x"), P("target", X(3, 4), "x")], names=("huber_loss",), batch=("input", "target")))
    add(layer("BCELoss", [K("weight", pos(3, 4), "c"), K("reduction", "mean", "mode")],
              [P("input", prob(3, 4), "x"), P("target", prob(3, 4), "c")], names=("binary_cross_entropy",),
              batch=("input", "target")))
    add(layer("BCEWithLogitsLoss", [K("weight", pos(3, 4), "c"), K("reduction", "mean", "mode"),
                                    K("pos_weight", pos(4), "c")],
              [P("input", X(3, 4), "x"), P("target", prob(3, 4), "c")],
              names=("binary_cross_entropy_with_logits",), batch=("input", "target")))
    add(layer("KLDivLoss", [K("reduction", "batchmean", "mode"), K("log_target", False, "flag")],
              [P("input", log_probs(3, 5), "x"), P("target", prob(3, 5), "c")], names=("kl_div",),
              batch=("input", "target")))
    for dims, shape in ((1, (2, 3, 6)), (2, (2, 3, 4, 5))):
        for kind in ("Zero", "Constant", "Reflection", "Replication", "Circular"):
            name = f"{kind}Pad{dims}d"
            value = [P("value", 3.5, "scalar")] if kind == "Constant" else []
            args = [P("padding", 2, "padarg", spatial=dims)] + value
            add(layer(name, args, [P("input", X(*shape), "x")], names=("pad",),
                      extra=[("padding>=size", "padding", {"padding": 6})]))
    add(layer("Upsample", [K("scale_factor", 2.0, "scale"), K("mode", "nearest", "mode")],
              [P("input", X(1, 2, 4, 5), "x")], names=("interpolate", "upsample"),
              extra=[("size+scale_factor", "size", {"size": (8, 8)}),
                     ("mode=bilinear+align_corners", "mode", {"mode": "bilinear", "align_corners": True})]))
    add(layer("Upsample", [K("size", (8, 7), "osize"), K("mode", "bilinear", "mode")], [P("input", X(1, 2, 4, 5), "x")],
              names=("interpolate", "upsample"), tag="size"))
    for mode in ("bicubic", "area"):
        add(layer("Upsample", [K("scale_factor", 1.5, "scale"), K("mode", mode, "mode")],
                  [P("input", X(1, 2, 4, 5), "x")], names=("interpolate", "upsample"), tag=mode,
                  extra=[("input:3-d", "rank", {"input": X(1, 2, 5)})]))
    for name in ("UpsamplingNearest2d", "UpsamplingBilinear2d"):
        add(layer(name, [K("scale_factor", 2.0, "scale")], [P("input", X(1, 2, 4, 5), "x")],
                  names=("interpolate", "upsample")))
    # containers and the base class
    add(layer("Sequential", [P("m0", Mod("ReLU"), "modules"), P("m1", Mod("Tanh"), "modules")],
              [P("input", X(2, 3), "x")], names=("relu", "tanh")))  # an error may name the layer that failed
    add(layer("ModuleList", [P("modules", [Mod("ReLU"), Mod("Tanh")], "modules")], [], grad=False))
    add(layer("ModuleDict", [P("modules", {"a": Mod("ReLU"), "b": Mod("Tanh")}, "modules")], [], grad=False,
              extra=[("key-with-dot", "type", {"modules": {"a.b": Mod("ReLU")}}),
                     ("key-empty", "type", {"modules": {"": Mod("ReLU")}})]))
    add(layer("Module", [], [P("input", X(2, 3), "x")], names=("forward",)))
    add(layer("Parameter", [P("data", X(2, 3), "c")], [], grad=False))
    add(layer("Buffer", [P("data", X(2, 3), "c"), K("persistent", True, "flag")], [], grad=False))
    add(layer("Dropout1d", [K("p", 0.5, "prob")], [P("input", X(2, 3, 4), "x")], names=("dropout1d",), random=True))
    add(layer("Dropout2d", [K("p", 0.5, "prob")], [P("input", X(2, 3, 4, 4), "x")], names=("dropout2d",),
              random=True))
    for name, shape in (("InstanceNorm1d", (2, 3, 5)), ("InstanceNorm2d", (2, 3, 4, 4))):
        add(layer(name, [P("num_features", 3, "count"), K("eps", 1e-5, "eps"), K("momentum", 0.1, "prob"),
                         K("affine", True, "flag"), K("track_running_stats", True, "flag")],
                  [P("input", X(*shape), "x")], names=("instance_norm",),
                  extra=[("affine=False", "size", {"affine": False, "track_running_stats": False})]))
    add(layer("PReLU", [K("num_parameters", 3, "count"), K("init", 0.25, "real")], [P("input", X(2, 3, 4), "x")],
              names=("prelu",), extra=[("num_parameters=1", "size", {"num_parameters": 1})]))
    for name in ("Hardswish", "Hardsigmoid", "Softsign", "Tanhshrink"):
        add(layer(name, [], [P("input", X(2, 3, 4), "x")], names=(name.lower(),)))
    for name in ("Softshrink", "Hardshrink"):
        add(layer(name, [K("lambd", 0.5, "real")], [P("input", X(2, 3, 4), "x")], names=(name.lower(),)))
    add(layer("Threshold", [P("threshold", 0.1, "real"), P("value", 2.0, "real")], [P("input", X(2, 3, 4), "x")],
              names=("threshold",)))
    add(layer("GLU", [K("dim", -1, "dim")], [P("input", X(2, 3, 4), "x")], names=("glu",)))
    add(layer("Softmax2d", [], [P("input", X(2, 3, 4, 4), "x")], names=("softmax",)))
    add(layer("PixelShuffle", [P("upscale_factor", 2, "count")], [P("input", X(2, 8, 3, 3), "x")],
              names=("pixel_shuffle",)))
    add(layer("PixelUnshuffle", [P("downscale_factor", 2, "count")], [P("input", X(2, 2, 4, 6), "x")],
              names=("pixel_unshuffle",), skip=("N=0",)))  # see F.pixel_unshuffle in table_functional.py
    add(layer("Unfold", [P("kernel_size", 2, "size"), K("dilation", 1, "dilation"), K("padding", 0, "padding"),
                         K("stride", 1, "stride")], [P("input", X(2, 3, 6, 6), "x")], names=("unfold",)))
    add(layer("Fold", [P("output_size", (5, 5), "osize"), P("kernel_size", 2, "size"), K("dilation", 1, "dilation"),
                       K("padding", 0, "padding"), K("stride", 1, "stride")], [P("input", X(2, 12, 16), "x")],
              names=("fold",), extra=[("blocks-mismatch", "size", {"input": X(2, 12, 15)})]))
    add(layer("ParameterList", [P("values", [X(2, 3), X(3)], "xs")], [], grad=False))
    # (the walk turns arrays in lists into tensors, not those in dicts: the empty ParameterDict is its valid call;
    # tests/nn/test_parameter_containers.py holds the dict's bad inputs)
    add(layer("ParameterDict", [], [], grad=False))
    add(layer("LPPool2d", [P("norm_type", 2.0, "real"), P("kernel_size", 3, "size"), K("stride", 2, "stride"),
                           K("ceil_mode", False, "flag")], [P("input", pos(2, 3, 7, 7), "x")], names=("lp_pool2d",)))
    add(layer("LPPool1d", [P("norm_type", 2.0, "real"), P("kernel_size", 3, "size", spatial=1),
                           K("stride", 2, "stride", spatial=1), K("ceil_mode", False, "flag")],
              [P("input", pos(2, 3, 9), "x")], names=("lp_pool1d",)))
    add(layer("CosineSimilarity", [K("dim", 1, "dim"), K("eps", 1e-8, "eps")],
              [P("x1", X(3, 4), "x"), P("x2", X(3, 4), "x")], names=("cosine_similarity",), batch=("x1", "x2")))
    add(layer("PairwiseDistance", [K("p", 2.0, "real"), K("eps", 1e-6, "eps"), K("keepdim", False, "flag")],
              [P("x1", X(3, 4), "x"), P("x2", X(3, 4), "x")], names=("pairwise_distance",), batch=("x1", "x2")))
    add(layer("ConvTranspose1d", [P("in_channels", 4, "count"), P("out_channels", 6, "count"),
                                  P("kernel_size", 3, "size", spatial=1), K("stride", 2, "stride", spatial=1),
                                  K("padding", 1, "padding", spatial=1), K("output_padding", 1, "padding", spatial=1),
                                  K("groups", 2, "groups"), K("bias", True, "flag"),
                                  K("dilation", 1, "dilation", spatial=1)],
              [P("input", X(2, 4, 5), "x")], names=("conv_transpose1d",)))
    # margin, embedding and likelihood losses (nn/loss_extra.py); N=0 skipped for the multi-class hinges as in
    # table_functional.py (PyTorch's mean over an empty batch returns uninitialised memory)
    sign = lambda *shape: (X(*shape) > 0).astype("float32") * 2 - 1  # noqa: E731  (±1 labels)
    three = [P(n, X(4, 5), "x") for n in ("anchor", "positive", "negative")]
    add(layer("TripletMarginLoss", [K("margin", 1.0, "eps"), K("p", 2.0, "real"), K("eps", 1e-6, "eps"),
                                    K("swap", False, "flag"), K("reduction", "mean", "mode")], three,
              names=("triplet_margin_loss", "pairwise_distance"), batch=("anchor", "positive", "negative")))
    add(layer("TripletMarginWithDistanceLoss", [K("margin", 1.0, "eps"), K("swap", True, "flag"),
                                                K("reduction", "mean", "mode")], three,
              names=("triplet_margin_with_distance_loss", "pairwise_distance"),
              batch=("anchor", "positive", "negative")))
    add(layer("MarginRankingLoss", [K("margin", 0.5, "real"), K("reduction", "mean", "mode")],
              [P("input1", X(6), "x"), P("input2", X(6), "x"), P("target", sign(6), "x")],
              names=("margin_ranking_loss",), batch=("input1", "input2", "target")))
    add(layer("HingeEmbeddingLoss", [K("margin", 1.0, "real"), K("reduction", "mean", "mode")],
              [P("input", X(3, 4), "x"), P("target", sign(3, 4), "c")], names=("hinge_embedding_loss",),
              batch=("input", "target")))
    add(layer("SoftMarginLoss", [K("reduction", "mean", "mode")], [P("input", X(3, 4), "x"),
                                                                   P("target", sign(3, 4), "c")],
              names=("soft_margin_loss",), batch=("input", "target")))
    add(layer("MultiLabelSoftMarginLoss", [K("weight", pos(4), "c"), K("reduction", "mean", "mode")],
              [P("input", X(3, 4), "x"), P("target", prob(3, 4).round(), "c")],
              names=("multilabel_soft_margin_loss",), batch=("input", "target")))
    add(layer("CosineEmbeddingLoss", [K("margin", 0.2, "real"), K("reduction", "mean", "mode")],
              [P("input1", X(4, 5), "x"), P("input2", X(4, 5), "x"), P("target", sign(4), "c")],
              names=("cosine_embedding_loss",), batch=("input1", "input2", "target")))
    add(layer("MultiMarginLoss", [K("p", 1, "int"), K("margin", 1.0, "real"), K("weight", pos(5), "c"),
                                  K("reduction", "mean", "mode")],
              [P("input", X(4, 5), "x"), P("target", idx(5, 4), "idx", hi=5)], names=("multi_margin_loss",),
              batch=("input", "target"), skip=("N=0",), extra=[("p=2", "size", {"p": 2})]))
    add(layer("MultiLabelMarginLoss", [K("reduction", "mean", "mode")],
              [P("input", X(3, 5), "x"), P("target", idx(5, 3, 5), "idx", hi=5)], names=("multilabel_margin_loss",),
              batch=("input", "target"), skip=("N=0",)))
    add(layer("PoissonNLLLoss", [K("log_input", True, "flag"), K("full", True, "flag"), K("eps", 1e-8, "eps"),
                                 K("reduction", "mean", "mode")],
              [P("log_input", X(3, 4), "x"), P("target", idx(5, 3, 4).astype("float32"), "x")],
              names=("poisson_nll_loss",), batch=("log_input", "target")))
    add(layer("GaussianNLLLoss", [K("full", False, "flag"), K("eps", 1e-6, "eps"), K("reduction", "mean", "mode")],
              [P("input", X(3, 4), "x"), P("target", X(3, 4), "x"), P("var", pos(3, 4), "x")],
              names=("gaussian_nll_loss",), batch=("input", "target", "var")))
    # small layers (nn/layers_extra.py)
    add(layer("ChannelShuffle", [P("groups", 3, "count")], [P("input", X(2, 6, 3, 3), "x")],
              names=("channel_shuffle",)))
    add(layer("RMSNorm", [P("normalized_shape", (4,), "nshape"), K("eps", 1e-5, "eps"),
                          K("elementwise_affine", True, "flag")], [P("input", X(2, 3, 4), "x")], names=("rms_norm",),
              extra=[("normalized_shape=4", "size", {"normalized_shape": 4}), ("eps=None", "size", {"eps": None})]))
    for name, fn in (("AlphaDropout", "alpha_dropout"), ("FeatureAlphaDropout", "feature_alpha_dropout")):
        add(layer(name, [K("p", 0.5, "prob")], [P("input", X(2, 3, 4), "x")], names=(fn,), random=True))
    add(layer("Dropout3d", [K("p", 0.5, "prob")], [P("input", X(2, 3, 2, 2, 2), "x")], names=("dropout3d",),
              random=True))
    # 3-D padding, LPPool3d, MaxUnpool1d, RReLU, EmbeddingBag and the lazy layers (nn/padding3d.py,
    # nn/pooling_lp3d.py, nn/unpool1d.py, nn/activation_random.py, nn/embedding_bag.py, nn/lazy.py)
    x5 = [P("input", X(2, 2, 3, 4, 5), "x")]
    for name in ("ZeroPad3d", "ReflectionPad3d", "ReplicationPad3d", "CircularPad3d"):
        add(layer(name, [P("padding", (1, 2, 0, 1, 2, 0), "padarg", spatial=3)], x5, names=("pad",)))
    add(layer("ConstantPad3d", [P("padding", 1, "padarg", spatial=3), P("value", 2.5, "scalar")], x5,
              names=("pad",)))
    add(layer("LPPool3d", [P("norm_type", 2.0, "real"), P("kernel_size", 2, "size", spatial=3),
                           K("stride", 2, "stride", spatial=3), K("ceil_mode", False, "flag")],
              [P("input", pos(2, 3, 5, 4, 5), "x")], names=("lp_pool3d",)))
    add(layer("MaxUnpool1d", [P("kernel_size", 2, "size", spatial=1), K("stride", 2, "stride", spatial=1),
                              K("padding", 0, "padding", spatial=1)],
              [P("input", X(1, 2, 4), "x"), P("indices", np.array([[[0, 3, 4, 7], [1, 2, 5, 6]]]), "idx", hi=8)],
              names=("max_unpool1d",), batch=("input", "indices")))
    add(layer("RReLU", [K("lower", 0.1, "real"), K("upper", 0.3, "real")], [P("input", X(2, 3, 4), "x")],
              names=("rrelu",), random=True))
    add(layer("EmbeddingBag", [P("num_embeddings", 10, "count"), P("embedding_dim", 4, "count"),
                               K("mode", "sum", "mode"), K("padding_idx", 1, "int")],
              [P("input", idx(10, 2, 3), "idx", hi=10)], names=("embedding_bag",)))
    add(layer("LazyLinear", [P("out_features", 5, "count"), K("bias", True, "flag")], [P("input", X(3, 4), "x")],
              names=("linear", "LazyLinear"), random=True, theirs=lazy_layer("LazyLinear")))
    for dims, shape in ((1, (2, 4, 9)), (2, (2, 4, 7, 7)), (3, (2, 4, 5, 6, 5))):
        conv = [P("out_channels", 6, "count"), P("kernel_size", 3, "size", spatial=dims),
                K("stride", 1, "stride", spatial=dims), K("padding", 1, "padding", spatial=dims),
                K("groups", 2, "groups")]
        add(layer(f"LazyConv{dims}d", conv, [P("input", X(*shape), "x")], names=(f"conv{dims}d", f"LazyConv{dims}d"),
                  random=True, theirs=lazy_layer(f"LazyConv{dims}d")))
        add(layer(f"LazyConvTranspose{dims}d", conv, [P("input", X(*shape), "x")],
                  names=(f"conv_transpose{dims}d", f"LazyConvTranspose{dims}d"), random=True,
                  theirs=lazy_layer(f"LazyConvTranspose{dims}d")))
    for dims, shape in ((1, (4, 3, 5)), (2, (4, 3, 4, 4)), (3, (4, 3, 2, 3, 2))):
        for kind, fn in (("BatchNorm", "batch_norm"), ("InstanceNorm", "instance_norm")):
            add(layer(f"Lazy{kind}{dims}d", [K("eps", 1e-5, "eps"), K("momentum", 0.1, "prob")],
                      [P("input", X(*shape), "x")], names=(fn, f"Lazy{kind}{dims}d", f"{kind}{dims}d"), random=True,
                      theirs=lazy_layer(f"Lazy{kind}{dims}d")))
    return S
