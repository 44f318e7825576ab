"""Layers and models with PyTorch's names, parameter names, shapes and initialisations."""
from . import init
from .conv import Conv1d, Conv2d, ConvTranspose2d, LocallyConnected2d
from .layers import Dropout, Flatten, Identity, LeakyReLU, Linear, ReLU, Sigmoid, Tanh
from .module import Module, ModuleList, Sequential
from .normalization import BatchNorm2d, LocalResponseNorm
from .parameter import Parameter
from .pooling import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d, SpatialPyramidPool2d

__all__ = ["init", "Module", "Sequential", "ModuleList", "Parameter", "Linear", "Flatten", "Identity", "ReLU",
           "Sigmoid", "Tanh", "LeakyReLU", "Dropout", "Conv1d", "Conv2d", "ConvTranspose2d", "LocallyConnected2d",
           "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d", "SpatialPyramidPool2d", "BatchNorm2d", "LocalResponseNorm"]
