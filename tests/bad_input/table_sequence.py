"""Valid calls of the recurrent layers (nn/recurrent.py), the attention layers (nn/attention.py) and their functions
(ops/attention.py); walk.cases() mutates each into the bad inputs and every call is judged against PyTorch. The
sequence layers skip "huge" (torch.nn.LSTM(3, 4, 2**40) never ends on PyTorch's side); TransformerEncoder's
encoder_layer is our built layer, which PyTorch's side rebuilds as its own with the same hyper-parameters."""
from __future__ import annotations

from typing import Any

from .table_functional import X
from . import table_functional
from .walk import K, P, Spec


def encoder(torch: Any) -> Any:
    """torch.nn.TransformerEncoder taking our TransformerEncoderLayer (rebuilt as PyTorch's); anything else as is."""
    import tinygrad_edu.nn as nn

    def make(encoder_layer: Any, num_layers: Any, norm: Any = None, **kw: Any) -> Any:
        if isinstance(encoder_layer, nn.TransformerEncoderLayer):
            a, lin = encoder_layer.self_attn, encoder_layer.linear1
            encoder_layer = torch.nn.TransformerEncoderLayer(
                a.embed_dim, a.num_heads, lin.out_features, encoder_layer.dropout.p,
                "gelu" if encoder_layer.activation is nn.functional.gelu else "relu", encoder_layer.norm1.eps,
                a.batch_first, encoder_layer.norm_first, lin.bias is not None)
        return torch.nn.TransformerEncoder(encoder_layer, num_layers, norm, **kw)
    return make


def layer(name: str, args: list, inputs: list, **kw: Any) -> Spec:
    return Spec(f"nn.{name}", args, inputs, **kw)


def specs() -> list[Spec]:
    table_functional.reseed(15)
    import tinygrad_edu.nn as nn
    S: list[Spec] = []
    add = S.append
    for name in ("RNNCell", "LSTMCell", "GRUCell"):
        extra = [("nonlinearity", "mode", {"nonlinearity": "relu"})] if name == "RNNCell" else []
        add(layer(name, [P("input_size", 3, "count"), P("hidden_size", 4, "count"), K("bias", True, "flag")],
                  [P("input", X(2, 3), "x")], batch=("input",), extra=extra,
                  skip=("huge",) if name == "LSTMCell" else ()))
    add(layer("RNNCellBase", [P("input_size", 3, "count"), P("hidden_size", 4, "count"), P("bias", True, "flag"),
                              P("num_chunks", 2, "count")], [], grad=False))
    seq = [K("num_layers", 2, "count"), K("bias", True, "flag"), K("batch_first", False, "flag"),
           K("dropout", 0.0, "prob"), K("bidirectional", True, "flag")]
    for name in ("RNN", "LSTM", "GRU"):
        extra = [("batch_first", "size", {"batch_first": True, "input": X(2, 3, 3)})]
        if name == "RNN":
            extra.append(("nonlinearity", "mode", {"nonlinearity": "relu"}))
        if name == "LSTM":
            extra.append(("proj_size", "size", {"proj_size": 2}))
        add(layer(name, [P("input_size", 3, "count"), P("hidden_size", 4, "count")] + seq,
                  [P("input", X(3, 2, 3), "x")], skip=("huge",), extra=extra))
    add(layer("RNNBase", [P("mode", "GRU", "mode"), P("input_size", 3, "count"), P("hidden_size", 4, "count")] + seq,
              [], grad=False, skip=("huge",)))
    mha = [P("embed_dim", 4, "count"), P("num_heads", 2, "count"), K("dropout", 0.0, "prob"), K("bias", True, "flag"),
           K("add_bias_kv", False, "flag"), K("add_zero_attn", False, "flag"), K("kdim", 4, "count"),
           K("vdim", 4, "count"), K("batch_first", False, "flag")]
    add(layer("MultiheadAttention", mha, [P("query", X(3, 2, 4), "x"), P("key", X(2, 2, 4), "x"),
                                          P("value", X(2, 2, 4), "x")],
              names=("multi_head_attention_forward",), skip=("huge",),
              extra=[("kdim+vdim", "size", {"kdim": 3, "vdim": 5, "key": X(2, 2, 3), "value": X(2, 2, 5)}),
                     ("add_bias_kv+add_zero_attn", "size", {"add_bias_kv": True, "add_zero_attn": True})]))
    enc = [P("d_model", 4, "count"), P("nhead", 2, "count"), K("dim_feedforward", 6, "count"),
           K("dropout", 0.0, "prob"), K("activation", "relu", "mode"), K("layer_norm_eps", 1e-5, "eps"),
           K("batch_first", False, "flag"), K("norm_first", False, "flag")]
    add(layer("TransformerEncoderLayer", enc, [P("src", X(3, 2, 4), "x")], skip=("huge",),
              names=("MultiheadAttention", "multi_head_attention_forward", "layer_norm", "linear"),
              extra=[("norm_first", "size", {"norm_first": True}), ("gelu", "mode", {"activation": "gelu"})]))
    built = nn.TransformerEncoderLayer(4, 2, 6, 0.0)
    add(layer("TransformerEncoder", [P("encoder_layer", built, "modules"), P("num_layers", 2, "count")],
              [P("src", X(3, 2, 4), "x")], theirs=encoder, skip=("huge",),
              names=("TransformerEncoderLayer", "MultiheadAttention", "multi_head_attention_forward", "layer_norm",
                     "linear")))
    add(Spec("F.scaled_dot_product_attention", [P("query", X(2, 2, 3, 4), "x"), P("key", X(2, 2, 5, 4), "x"),
                                                P("value", X(2, 2, 5, 6), "x"), K("dropout_p", 0.0, "real"),
                                                K("is_causal", False, "flag"), K("scale", None, "real"),
                                                K("enable_gqa", False, "flag")],
             batch=("query", "key", "value"),
             extra=[("is_causal", "mode", {"is_causal": True}),
                    ("attn_mask:bool", "size", {"attn_mask": X(3, 5) > 0}),
                    ("attn_mask:float", "size", {"attn_mask": X(3, 5)})]))
    add(Spec("F.multi_head_attention_forward",
             [P("query", X(3, 2, 4), "x"), P("key", X(2, 2, 4), "x"), P("value", X(2, 2, 4), "x"),
              P("embed_dim_to_check", 4, "count"), P("num_heads", 2, "count"), P("in_proj_weight", X(12, 4), "x"),
              P("in_proj_bias", X(12), "x"), P("bias_k", X(1, 1, 4), "x"), P("bias_v", X(1, 1, 4), "x"),
              P("add_zero_attn", False, "flag"), P("dropout_p", 0.0, "real"), P("out_proj_weight", X(4, 4), "x"),
              P("out_proj_bias", X(4), "x"), K("training", False, "flag"), K("need_weights", True, "flag")],
             skip=("huge",),
             extra=[("need_weights=False", "mode", {"need_weights": False}),
                    ("key_padding_mask", "size", {"key_padding_mask": X(2, 2) > 0.5}),
                    ("attn_mask", "size", {"attn_mask": X(3, 2)})]))
    return S
