"""Attention layers with PyTorch's names, parameter layout, initialisation and reprs: MultiheadAttention (packed
in_proj_weight (3E, E) or q/k/v_proj_weight when kdim/vdim differ, out_proj), TransformerEncoderLayer (post- or
pre-norm, relu/gelu) and TransformerEncoder (a stack of copies). Compositions of linear, matmul, softmax,
dropout and layer_norm, so backward and second derivatives come from those ops."""
from __future__ import annotations

import copy
from typing import Any, Callable, Optional, Union

import numpy as np

from .. import functional as F
from ..errors import ArgumentTypeError, IndexRangeError, ShapeError
from ..ops.attention import multi_head_attention_forward
from ..tensor import Tensor
from . import validate
from .container import ModuleList
from .init import constant_, xavier_normal_, xavier_uniform_
from .layers import Dropout, Linear
from .module import Module
from .normalization import LayerNorm
from .parameter import Parameter


class NonDynamicallyQuantizableLinear(Linear):
    """MultiheadAttention's out_proj: a Linear under PyTorch's class name (so reprs and checkpoints match)."""


class MultiheadAttention(Module):
    """Attention with num_heads heads of embed_dim/num_heads features each: forward(query, key, value,
    key_padding_mask=None, need_weights=True, attn_mask=None, average_attn_weights=True, is_causal=False)
    → (output, weights or None), inputs (L, N, E) or batch_first (N, L, E) or unbatched (L, E)."""

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False, kdim: Optional[int] = None,
                 vdim: Optional[int] = None, batch_first: bool = False, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        layer = "MultiheadAttention"
        self.embed_dim = validate.integer(layer, "embed_dim", embed_dim, 1)
        self.num_heads = validate.integer(layer, "num_heads", num_heads, 1)
        self.kdim = self.embed_dim if kdim is None else validate.integer(layer, "kdim", kdim, 1)
        self.vdim = self.embed_dim if vdim is None else validate.integer(layer, "vdim", vdim, 1)
        self._qkv_same_embed_dim = self.kdim == self.embed_dim and self.vdim == self.embed_dim
        self.dropout = validate.real(layer, "dropout", dropout, 0.0, 1.0)
        if not isinstance(batch_first, (bool, np.bool_)):
            raise ArgumentTypeError(f"{layer}: batch_first should be of type bool, got: {type(batch_first).__name__}")
        self.batch_first = bool(batch_first)
        self.head_dim = self.embed_dim // self.num_heads
        if self.head_dim * self.num_heads != self.embed_dim:
            raise ShapeError(f"{layer}: embed_dim must be divisible by num_heads, got embed_dim {self.embed_dim} "
                            f"and num_heads {self.num_heads}")
        validate.device(layer, device)
        dtype = validate.float_dtype(layer, dtype)
        E = self.embed_dim
        empty = lambda *shape: Parameter(validate.empty(layer, shape, dtype))  # noqa: E731
        if self._qkv_same_embed_dim:
            self.in_proj_weight = empty(3 * E, E)
            self.q_proj_weight = self.k_proj_weight = self.v_proj_weight = None
        else:
            self.q_proj_weight, self.k_proj_weight, self.v_proj_weight = empty(E, E), empty(E, self.kdim), \
                empty(E, self.vdim)
            self.in_proj_weight = None
        self.in_proj_bias = empty(3 * E) if bias else None
        self.out_proj = NonDynamicallyQuantizableLinear(E, E, bias=bias, dtype=dtype)
        self.bias_k, self.bias_v = (empty(1, 1, E), empty(1, 1, E)) if add_bias_kv else (None, None)
        self.add_zero_attn = bool(add_zero_attn)
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        """PyTorch's: Xavier-uniform projections, zero biases, Xavier-normal bias_k and bias_v."""
        if self._qkv_same_embed_dim:
            xavier_uniform_(self.in_proj_weight)
        else:
            for w in (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
                xavier_uniform_(w)
        if self.in_proj_bias is not None:
            constant_(self.in_proj_bias, 0.0)
            constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            xavier_normal_(self.bias_k)
            xavier_normal_(self.bias_v)

    def forward(self, query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Optional[Tensor] = None,
                need_weights: bool = True, attn_mask: Optional[Tensor] = None, average_attn_weights: bool = True,
                is_causal: bool = False) -> tuple[Tensor, Optional[Tensor]]:
        query, key, value = (validate.tensor_input("MultiheadAttention", t) for t in (query, key, value))
        batched = query.ndim == 3
        if self.batch_first and batched:
            query, key, value = (t.transpose(0, 1) for t in (query, key, value))
        out, weights = multi_head_attention_forward(
            query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight, self.in_proj_bias, self.bias_k,
            self.bias_v, self.add_zero_attn, self.dropout, self.out_proj.weight, self.out_proj.bias,
            training=self.training, key_padding_mask=key_padding_mask, need_weights=need_weights,
            attn_mask=attn_mask, use_separate_proj_weight=not self._qkv_same_embed_dim,
            q_proj_weight=self.q_proj_weight, k_proj_weight=self.k_proj_weight, v_proj_weight=self.v_proj_weight,
            average_attn_weights=average_attn_weights, is_causal=is_causal)
        if self.batch_first and batched:
            out = out.transpose(0, 1)
        return out, weights


def _activation(layer: str, activation: Union[str, Callable]) -> Callable:
    if activation == "relu":
        return F.relu
    if activation == "gelu":
        return F.gelu
    if callable(activation):
        return activation
    if not isinstance(activation, str):
        raise TypeError(f"{layer}: activation must be 'relu', 'gelu' or a callable, got {type(activation).__name__}")
    raise ShapeError(f"{layer}: activation should be relu/gelu (or a callable), not {activation!r}")


class TransformerEncoderLayer(Module):
    """Self-attention then a two-layer feed-forward block, each with a residual and a LayerNorm after it (or before
    it with norm_first=True), as torch.nn.TransformerEncoderLayer."""

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048, dropout: float = 0.1,
                 activation: Union[str, Callable] = "relu", layer_norm_eps: float = 1e-5, batch_first: bool = False,
                 norm_first: bool = False, bias: bool = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        kw = dict(device=device, dtype=dtype)
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first,
                                            **kw)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, **kw)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, **kw)
        self.norm_first = bool(norm_first)
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.activation = _activation("TransformerEncoderLayer", activation)

    def forward(self, src: Tensor, src_mask: Optional[Tensor] = None, src_key_padding_mask: Optional[Tensor] = None,
                is_causal: bool = False) -> Tensor:
        x = validate.tensor_input("TransformerEncoderLayer", src)
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            return x + self._ff_block(self.norm2(x))
        x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal))
        return self.norm2(x + self._ff_block(x))

    def _sa_block(self, x: Tensor, mask: Optional[Tensor], key_padding_mask: Optional[Tensor],
                  is_causal: bool) -> Tensor:
        out = self.self_attn(x, x, x, attn_mask=mask, key_padding_mask=key_padding_mask, need_weights=False,
                             is_causal=is_causal)[0]
        return self.dropout1(out)

    def _ff_block(self, x: Tensor) -> Tensor:
        return self.dropout2(self.linear2(self.dropout(self.activation(self.linear1(x)))))


class TransformerEncoder(Module):
    """num_layers copies of encoder_layer applied in turn, then an optional final norm."""

    def __init__(self, encoder_layer: TransformerEncoderLayer, num_layers: int, norm: Optional[Module] = None,
                 enable_nested_tensor: bool = True, mask_check: bool = True) -> None:
        super().__init__()
        if not isinstance(encoder_layer, Module):
            raise TypeError(f"TransformerEncoder: encoder_layer must be a Module (a TransformerEncoderLayer), got "
                            f"{type(encoder_layer).__name__}")
        self.num_layers = validate.integer("TransformerEncoder", "num_layers", num_layers)
        if self.num_layers <= 0:  # PyTorch: IndexError, from reading its first layer
            raise IndexRangeError(f"TransformerEncoder: num_layers must be positive (there is no layer 0 to read), "
                                  f"got {num_layers}")
        self.layers = ModuleList([copy.deepcopy(encoder_layer) for _ in range(self.num_layers)])
        self.norm = norm
        self.enable_nested_tensor, self.mask_check = bool(enable_nested_tensor), bool(mask_check)

    def forward(self, src: Tensor, mask: Optional[Tensor] = None, src_key_padding_mask: Optional[Tensor] = None,
                is_causal: Optional[bool] = None) -> Tensor:
        x = validate.tensor_input("TransformerEncoder", src)
        causal = bool(is_causal) if is_causal is not None else _is_causal_mask(mask)
        for layer in self.layers:
            x = layer(x, src_mask=mask, src_key_padding_mask=src_key_padding_mask, is_causal=causal)
        return x if self.norm is None else self.norm(x)


def _is_causal_mask(mask: Optional[Any]) -> bool:
    """Whether mask is the square subsequent mask (PyTorch's _detect_is_causal_mask)."""
    if mask is None or mask.ndim != 2 or mask.shape[0] != mask.shape[1]:
        return False
    data = mask.data if isinstance(mask, Tensor) else np.asarray(mask)
    above = np.triu(np.ones(data.shape, dtype=bool), 1)
    if data.dtype == bool:
        return bool(np.array_equal(data, above))
    return bool(np.array_equal(data, np.where(above, -np.inf, 0.0)))


__all__ = ["MultiheadAttention", "NonDynamicallyQuantizableLinear", "TransformerEncoderLayer", "TransformerEncoder"]
