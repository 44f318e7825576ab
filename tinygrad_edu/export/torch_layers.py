"""Our layers as PyTorch's own: for each layer class with a torch.nn twin, the twin built with the same
hyper-parameters (its weights are loaded afterwards from our state dict, under the same names)."""
from __future__ import annotations

import warnings
from typing import Any, Callable, Optional

import torch

from .. import nn
from ..errors import ShapeError
from ..nn.attention import NonDynamicallyQuantizableLinear

Factory = Callable[[Any], torch.nn.Module]


def _bias(m: Any) -> bool:
    return m.bias is not None


def _conv(cls: type) -> Factory:
    def make(m: Any) -> torch.nn.Module:
        return cls(m.in_channels, m.out_channels, m.kernel_size, m.stride, m.padding, m.dilation, m.groups, _bias(m),
                   m.padding_mode)
    return make


def _conv_transpose(m: Any) -> torch.nn.Module:
    return torch.nn.ConvTranspose2d(m.in_channels, m.out_channels, m.kernel_size, m.stride, m.padding,
                                    m.output_padding, m.groups, _bias(m), m.dilation)


def _batch_norm(cls: type) -> Factory:
    def make(m: Any) -> torch.nn.Module:
        if m.affine and m.bias is None:
            raise ShapeError(f"to_torch: {type(m).__name__}(bias=False) has no torch.nn twin (PyTorch's batch norm "
                             "learns γ and β together)")
        return cls(m.num_features, m.eps, m.momentum, m.affine, m.track_running_stats)
    return make


def _same_args(cls: type, *names: str) -> Factory:
    def make(m: Any) -> torch.nn.Module:
        return cls(*(getattr(m, n) for n in names))
    return make


def _embedding(m: Any) -> torch.nn.Module:
    return torch.nn.Embedding(m.num_embeddings, m.embedding_dim, m.padding_idx, m.max_norm, m.norm_type,
                              m.scale_grad_by_freq)


def _rnn(m: Any) -> torch.nn.Module:
    kw = dict(num_layers=m.num_layers, bias=m.bias, batch_first=m.batch_first, dropout=m.dropout,
              bidirectional=m.bidirectional)
    if isinstance(m, nn.RNN):
        return torch.nn.RNN(m.input_size, m.hidden_size, nonlinearity=m.nonlinearity, **kw)
    if isinstance(m, nn.LSTM):
        return torch.nn.LSTM(m.input_size, m.hidden_size, proj_size=m.proj_size, **kw)
    return torch.nn.GRU(m.input_size, m.hidden_size, **kw)


def _cell(cls: type) -> Factory:
    def make(m: Any) -> torch.nn.Module:
        if cls is torch.nn.RNNCell:
            return cls(m.input_size, m.hidden_size, m.bias, m.nonlinearity)
        return cls(m.input_size, m.hidden_size, m.bias)
    return make


def _attention(m: Any) -> torch.nn.Module:
    return torch.nn.MultiheadAttention(m.embed_dim, m.num_heads, m.dropout, m.in_proj_bias is not None,
                                       m.bias_k is not None, m.add_zero_attn, m.kdim, m.vdim, m.batch_first)


def _encoder_layer(m: Any) -> torch.nn.Module:
    from .. import functional as F

    activation = {F.relu: "relu", F.gelu: "gelu"}.get(m.activation)
    if activation is None:
        raise ShapeError(f"to_torch: TransformerEncoderLayer with the activation {m.activation!r} has no torch.nn "
                         "twin (PyTorch's layer would call it on torch tensors): use 'relu' or 'gelu'")
    return torch.nn.TransformerEncoderLayer(m.self_attn.embed_dim, m.self_attn.num_heads, m.linear1.out_features,
                                            m.dropout.p, activation, m.norm1.eps, m.self_attn.batch_first,
                                            m.norm_first, m.linear1.bias is not None)


def _encoder(m: Any) -> torch.nn.Module:
    norm = None
    if m.norm is not None:
        norm = torch_layer(m.norm)
        if norm is None:
            raise ShapeError(f"to_torch: TransformerEncoder's norm {type(m.norm).__name__} has no torch.nn twin")
    with warnings.catch_warnings():  # PyTorch's note that its nested-tensor fast path is off: not the user's concern
        warnings.simplefilter("ignore", UserWarning)
        return torch.nn.TransformerEncoder(_encoder_layer(m.layers[0]), m.num_layers, norm, m.enable_nested_tensor,
                                           m.mask_check)


FACTORIES: dict[type, Factory] = {
    nn.Linear: lambda m: torch.nn.Linear(m.in_features, m.out_features, _bias(m)),
    nn.Conv1d: _conv(torch.nn.Conv1d),
    nn.Conv2d: _conv(torch.nn.Conv2d),
    nn.ConvTranspose2d: _conv_transpose,
    nn.BatchNorm1d: _batch_norm(torch.nn.BatchNorm1d),
    nn.BatchNorm2d: _batch_norm(torch.nn.BatchNorm2d),
    nn.LayerNorm: lambda m: torch.nn.LayerNorm(m.normalized_shape, m.eps, m.elementwise_affine, _bias(m)),
    nn.GroupNorm: lambda m: torch.nn.GroupNorm(m.num_groups, m.num_channels, m.eps, m.affine),
    nn.LocalResponseNorm: _same_args(torch.nn.LocalResponseNorm, "size", "alpha", "beta", "k"),
    nn.MaxPool1d: _same_args(torch.nn.MaxPool1d, "kernel_size", "stride", "padding", "dilation", "return_indices",
                             "ceil_mode"),
    nn.MaxPool2d: _same_args(torch.nn.MaxPool2d, "kernel_size", "stride", "padding", "dilation", "return_indices",
                             "ceil_mode"),
    nn.AvgPool1d: _same_args(torch.nn.AvgPool1d, "kernel_size", "stride", "padding", "ceil_mode",
                             "count_include_pad"),
    nn.AvgPool2d: _same_args(torch.nn.AvgPool2d, "kernel_size", "stride", "padding", "ceil_mode", "count_include_pad",
                             "divisor_override"),
    nn.AdaptiveAvgPool1d: _same_args(torch.nn.AdaptiveAvgPool1d, "output_size"),
    nn.AdaptiveAvgPool2d: _same_args(torch.nn.AdaptiveAvgPool2d, "output_size"),
    nn.AdaptiveMaxPool2d: _same_args(torch.nn.AdaptiveMaxPool2d, "output_size", "return_indices"),
    nn.Flatten: _same_args(torch.nn.Flatten, "start_dim", "end_dim"),
    nn.Unflatten: _same_args(torch.nn.Unflatten, "dim", "unflattened_size"),
    nn.Identity: lambda m: torch.nn.Identity(),
    nn.Dropout: _same_args(torch.nn.Dropout, "p"),
    nn.Embedding: _embedding,
    nn.ReLU: lambda m: torch.nn.ReLU(),
    nn.Sigmoid: lambda m: torch.nn.Sigmoid(),
    nn.Tanh: lambda m: torch.nn.Tanh(),
    nn.LeakyReLU: _same_args(torch.nn.LeakyReLU, "negative_slope"),
    nn.Softmax: _same_args(torch.nn.Softmax, "dim"),
    nn.LogSoftmax: _same_args(torch.nn.LogSoftmax, "dim"),
    nn.Softmin: _same_args(torch.nn.Softmin, "dim"),
    nn.ELU: _same_args(torch.nn.ELU, "alpha"),
    nn.CELU: _same_args(torch.nn.CELU, "alpha"),
    nn.SELU: lambda m: torch.nn.SELU(),
    nn.GELU: _same_args(torch.nn.GELU, "approximate"),
    nn.SiLU: lambda m: torch.nn.SiLU(),
    nn.Mish: lambda m: torch.nn.Mish(),
    nn.Softplus: _same_args(torch.nn.Softplus, "beta", "threshold"),
    nn.LogSigmoid: lambda m: torch.nn.LogSigmoid(),
    nn.Hardtanh: _same_args(torch.nn.Hardtanh, "min_val", "max_val"),
    nn.ReLU6: lambda m: torch.nn.ReLU6(),
    nn.PReLU: _same_args(torch.nn.PReLU, "num_parameters", "init"),
    nn.Hardswish: lambda m: torch.nn.Hardswish(),
    nn.Hardsigmoid: lambda m: torch.nn.Hardsigmoid(),
    nn.Threshold: _same_args(torch.nn.Threshold, "threshold", "value"),
    nn.MaxPool3d: _same_args(torch.nn.MaxPool3d, "kernel_size", "stride", "padding", "dilation", "return_indices",
                             "ceil_mode"),
    nn.AdaptiveMaxPool1d: _same_args(torch.nn.AdaptiveMaxPool1d, "output_size", "return_indices"),
    nn.AdaptiveMaxPool3d: _same_args(torch.nn.AdaptiveMaxPool3d, "output_size", "return_indices"),
    nn.Dropout1d: _same_args(torch.nn.Dropout1d, "p"),
    nn.Dropout2d: _same_args(torch.nn.Dropout2d, "p"),
    nn.Dropout3d: _same_args(torch.nn.Dropout3d, "p"),
    nn.AlphaDropout: _same_args(torch.nn.AlphaDropout, "p"),
    nn.FeatureAlphaDropout: _same_args(torch.nn.FeatureAlphaDropout, "p"),
    nn.RNNCell: _cell(torch.nn.RNNCell),
    nn.LSTMCell: _cell(torch.nn.LSTMCell),
    nn.GRUCell: _cell(torch.nn.GRUCell),
    nn.RNN: _rnn,
    nn.LSTM: _rnn,
    nn.GRU: _rnn,
    NonDynamicallyQuantizableLinear: lambda m: torch.nn.modules.linear.NonDynamicallyQuantizableLinear(
        m.in_features, m.out_features, _bias(m)),
    nn.MultiheadAttention: _attention,
    nn.TransformerEncoderLayer: _encoder_layer,
    nn.TransformerEncoder: _encoder,
}


def torch_layer(module: Any) -> Optional[torch.nn.Module]:
    """The torch.nn twin of a layer of exactly one of our classes (a subclass may change forward: None)."""
    make = FACTORIES.get(type(module))
    if make is None:
        return None
    layer = make(module)
    layer.train(module.training)
    return layer
