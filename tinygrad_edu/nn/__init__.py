"""Layers and models with PyTorch's names, parameter names, shapes and initialisations."""
from . import functional, init, utils
from .conv import Conv1d, Conv2d, ConvTranspose2d, LocallyConnected2d
from .layers import Dropout, Flatten, Identity, LeakyReLU, Linear, ReLU, Sigmoid, Tanh
from .layers import Embedding, Unflatten
from .activation import (CELU, ELU, GELU, SELU, Hardtanh, LogSigmoid, LogSoftmax, Mish, ReLU6, SiLU, Softmax, Softmin,
                         Softplus)
from .loss import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, KLDivLoss, L1Loss, MSELoss, NLLLoss,
                   SmoothL1Loss)
from .padding import (CircularPad1d, CircularPad2d, ConstantPad1d, ConstantPad2d, ReflectionPad1d, ReflectionPad2d,
                      ReplicationPad1d, ReplicationPad2d, ZeroPad1d, ZeroPad2d)
from .upsampling import Upsample, UpsamplingBilinear2d, UpsamplingNearest2d
from .container import ModuleDict, ModuleList, Sequential
from .module import Module
from .normalization import BatchNorm1d, BatchNorm2d, GroupNorm, LayerNorm, LocalResponseNorm
from .parameter import Parameter
from .pooling import (AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool2d, AvgPool1d, AvgPool2d, MaxPool1d, MaxPool2d,
                      MaxUnpool2d, SpatialPyramidPool2d)

__all__ = ["init", "Module", "Sequential", "ModuleList", "Parameter", "Linear", "Flatten", "Identity", "ReLU",
           "Sigmoid", "Tanh", "LeakyReLU", "Dropout", "Conv1d", "Conv2d", "ConvTranspose2d", "LocallyConnected2d",
           "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d", "SpatialPyramidPool2d", "MaxPool1d", "AvgPool1d",
           "MaxUnpool2d", "AdaptiveMaxPool2d", "AdaptiveAvgPool1d", "BatchNorm2d", "LocalResponseNorm",
           "ModuleDict", "BatchNorm1d", "LayerNorm", "GroupNorm", "Embedding", "Unflatten",
           "Softmax", "LogSoftmax", "Softmin", "ELU", "CELU", "SELU", "GELU", "SiLU", "Mish", "Softplus", "LogSigmoid",
           "Hardtanh", "ReLU6", "CrossEntropyLoss", "NLLLoss", "MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss",
           "BCELoss", "BCEWithLogitsLoss", "KLDivLoss", "ZeroPad1d", "ZeroPad2d", "ConstantPad1d", "ConstantPad2d",
           "ReflectionPad1d", "ReflectionPad2d", "ReplicationPad1d", "ReplicationPad2d", "CircularPad1d",
           "CircularPad2d", "Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d"]
