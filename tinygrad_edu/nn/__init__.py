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
from .parameter import Buffer, Parameter
from .dropout import Dropout1d, Dropout2d
from .instancenorm import InstanceNorm1d, InstanceNorm2d
from .activation_extra import (GLU, Hardshrink, Hardsigmoid, Hardswish, PReLU, Softmax2d, Softshrink, Softsign,
                               Tanhshrink, Threshold)
from .pixelshuffle import PixelShuffle, PixelUnshuffle
from .fold import Fold, Unfold
from .parameter_containers import ParameterDict, ParameterList
from .pooling_lp import LPPool1d, LPPool2d
from .distance import CosineSimilarity, PairwiseDistance
from .conv_transpose1d import ConvTranspose1d
from .pooling import (AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool2d, AvgPool1d, AvgPool2d, MaxPool1d, MaxPool2d,
                      MaxUnpool2d, SpatialPyramidPool2d)

__all__ = ["init", "Module", "Sequential", "ModuleList", "Parameter", "Buffer", "Linear", "Flatten", "Identity", "ReLU",
           "Sigmoid", "Tanh", "LeakyReLU", "Dropout", "Conv1d", "Conv2d", "ConvTranspose2d", "LocallyConnected2d",
           "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d", "SpatialPyramidPool2d", "MaxPool1d", "AvgPool1d",
           "MaxUnpool2d", "AdaptiveMaxPool2d", "AdaptiveAvgPool1d", "BatchNorm2d", "LocalResponseNorm",
           "ModuleDict", "BatchNorm1d", "LayerNorm", "GroupNorm", "Embedding", "Unflatten",
           "Softmax", "LogSoftmax", "Softmin", "ELU", "CELU", "SELU", "GELU", "SiLU", "Mish", "Softplus", "LogSigmoid",
           "Hardtanh", "ReLU6", "CrossEntropyLoss", "NLLLoss", "MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss",
           "BCELoss", "BCEWithLogitsLoss", "KLDivLoss", "ZeroPad1d", "ZeroPad2d", "ConstantPad1d", "ConstantPad2d",
           "ReflectionPad1d", "ReflectionPad2d", "ReplicationPad1d", "ReplicationPad2d", "CircularPad1d",
           "CircularPad2d", "Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d"]
__all__ += ["Dropout1d", "Dropout2d"]
__all__ += ["InstanceNorm1d", "InstanceNorm2d"]
__all__ += ["PReLU", "Hardswish", "Hardsigmoid", "Softsign", "Softshrink", "Hardshrink", "Tanhshrink",
            "Threshold", "GLU", "Softmax2d"]
__all__ += ["PixelShuffle", "PixelUnshuffle"]
__all__ += ["Unfold", "Fold", "ParameterList", "ParameterDict"]
__all__ += ["LPPool1d", "LPPool2d"]
__all__ += ["CosineSimilarity", "PairwiseDistance"]
__all__ += ["ConvTranspose1d"]
from .pooling import AdaptiveMaxPool1d
__all__ += ["AdaptiveMaxPool1d"]
from .layers import Bilinear
__all__ += ["Bilinear"]
from .conv3d import Conv3d, ConvTranspose3d
from .pooling3d import AdaptiveAvgPool3d, AdaptiveMaxPool3d, AvgPool3d, MaxPool3d, MaxUnpool3d
from .norm3d import BatchNorm3d, InstanceNorm3d
__all__ += ["Conv3d", "ConvTranspose3d", "MaxPool3d", "AvgPool3d", "AdaptiveAvgPool3d", "AdaptiveMaxPool3d",
            "MaxUnpool3d", "BatchNorm3d", "InstanceNorm3d"]
from .loss_extra import (CosineEmbeddingLoss, GaussianNLLLoss, HingeEmbeddingLoss, MarginRankingLoss,
                         MultiLabelMarginLoss, MultiLabelSoftMarginLoss, MultiMarginLoss, PoissonNLLLoss,
                         SoftMarginLoss, TripletMarginLoss, TripletMarginWithDistanceLoss)
__all__ += ["TripletMarginLoss", "TripletMarginWithDistanceLoss", "MarginRankingLoss", "CosineEmbeddingLoss",
            "HingeEmbeddingLoss", "MultiLabelSoftMarginLoss", "MultiMarginLoss", "MultiLabelMarginLoss",
            "SoftMarginLoss", "PoissonNLLLoss", "GaussianNLLLoss"]
from .layers_extra import AlphaDropout, ChannelShuffle, Dropout3d, FeatureAlphaDropout, RMSNorm
__all__ += ["ChannelShuffle", "RMSNorm", "AlphaDropout", "FeatureAlphaDropout", "Dropout3d"]
from .recurrent import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase
from .attention import MultiheadAttention, TransformerEncoder, TransformerEncoderLayer
__all__ += ["RNNCellBase", "RNNCell", "LSTMCell", "GRUCell", "RNNBase", "RNN", "LSTM", "GRU", "MultiheadAttention",
            "TransformerEncoderLayer", "TransformerEncoder"]
from .padding3d import CircularPad3d, ConstantPad3d, ReflectionPad3d, ReplicationPad3d, ZeroPad3d
from .pooling_lp3d import LPPool3d
from .unpool1d import MaxUnpool1d
from .activation_random import RReLU
from .embedding_bag import EmbeddingBag
from .lazy import (LazyBatchNorm1d, LazyBatchNorm2d, LazyBatchNorm3d, LazyConv1d, LazyConv2d, LazyConv3d,
                   LazyConvTranspose1d, LazyConvTranspose2d, LazyConvTranspose3d, LazyInstanceNorm1d,
                   LazyInstanceNorm2d, LazyInstanceNorm3d, LazyLinear, UninitializedBuffer, UninitializedParameter)
__all__ += ["CircularPad3d", "ConstantPad3d", "ReflectionPad3d", "ReplicationPad3d", "ZeroPad3d", "LPPool3d",
            "MaxUnpool1d", "RReLU", "EmbeddingBag", "LazyLinear", "LazyConv1d", "LazyConv2d", "LazyConv3d",
            "LazyConvTranspose1d", "LazyConvTranspose2d", "LazyConvTranspose3d", "LazyBatchNorm1d", "LazyBatchNorm2d",
            "LazyBatchNorm3d", "LazyInstanceNorm1d", "LazyInstanceNorm2d", "LazyInstanceNorm3d"]
