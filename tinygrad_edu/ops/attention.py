"""Scaled dot-product attention, softmax(Q Kᵀ·scale + mask) V, as torch.nn.functional.scaled_dot_product_attention
(its math reference): a composition of matmul, masked_fill, softmax and dropout, so backward and second
derivatives come from those ops. A query row whose keys are all masked gets zero weights (PyTorch's safe
softmax), not NaN."""
from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np

from ..autograd import composite
from ..errors import DtypeError, ShapeError
from .args import flag, integer, number, tensor_arg
from .compare import where
from .movement import cat
from .normalization import dropout
from .softmax import softmax

_OP = "scaled_dot_product_attention"


def _operands(query: Any, key: Any, value: Any) -> tuple:
    q, k, v = (tensor_arg(t, _OP) for t in (query, key, value))
    for name, t in (("query", q), ("key", k), ("value", v)):
        if t.ndim < 2:
            raise ShapeError(f"{_OP}: {name} must have at least 2 dimensions (…, sequence, features), got shape "
                             f"{t.shape}")
        if t.dtype.kind != "f" and t.dtype != object:
            raise DtypeError(f"{_OP}: {name} must be floating point, got dtype {t.dtype}")
    if not q.dtype == k.dtype == v.dtype:
        raise DtypeError(f"{_OP}: Expected query, key, and value to have the same dtype, but got query.dtype: "
                         f"{q.dtype} key.dtype: {k.dtype} and value.dtype: {v.dtype} instead.")
    if k.shape[-1] != q.shape[-1]:
        raise ShapeError(f"{_OP}: query {q.shape} and key {k.shape} must have the same last dimension (E), for "
                         f"Q Kᵀ")
    if k.shape[-2] != v.shape[-2]:
        raise ShapeError(f"{_OP}: key {k.shape} and value {v.shape} must have the same sequence length S "
                         f"(dimension −2)")
    return q, k, v


def _grouped(q: Any, k: Any, v: Any) -> tuple:
    """enable_gqa: key and value heads (dimension −3) repeated so each serves Hq/Hkv query heads."""
    if q.ndim < 3 or k.ndim < 3 or v.ndim < 3:
        raise ShapeError(f"{_OP}: enable_gqa needs a head dimension (−3) in query {q.shape}, key {k.shape} and "
                         f"value {v.shape}")
    hq, hk, hv = q.shape[-3], k.shape[-3], v.shape[-3]
    if hq % hk or hq % hv:
        raise ShapeError(f"{_OP}: Number of heads in key ({hk}) and value ({hv}) must divide the number of heads "
                         f"in query ({hq})")
    return k.repeat_interleave(hq // hk, -3), v.repeat_interleave(hq // hv, -3)


def _causal(L: int, S: int) -> np.ndarray:
    """The lower-left-aligned causal mask (query i sees keys 0 … i), PyTorch's ones(L, S).tril()."""
    return np.tril(np.ones((L, S), dtype=bool))


@composite(_OP, "y = softmax(Q Kᵀ·s + M) V: δ_V = Aᵀδ, δ_A = δ Vᵀ, δ_Z = A ⊙ (δ_A − Σⱼ δ_A A), "
           "δ_Q = s·δ_Z K, δ_K = s·δ_Zᵀ Q",
           r"\delta_V = A^\top\delta,\ \delta_Z = A \odot (\delta V^\top - \textstyle\sum_j (\delta V^\top)_j A_j),"
           r"\ \delta_Q = s\,\delta_Z K,\ \delta_K = s\,\delta_Z^\top Q")
def scaled_dot_product_attention(query: Any, key: Any, value: Any, attn_mask: Optional[Any] = None,
                                 dropout_p: float = 0.0, is_causal: bool = False, scale: Optional[float] = None,
                                 enable_gqa: bool = False) -> Any:
    """softmax(Q Kᵀ·scale + mask) V over query (…, L, E), key (…, S, E), value (…, S, Ev) → (…, L, Ev); a
    bool mask keeps the True pairs, a float mask is added; scale defaults to 1/√E; dropout on the weights always
    applies (as PyTorch: pass 0 in eval)."""
    q, k, v = _operands(query, key, value)
    number(_OP, "dropout_p", dropout_p)
    if not 0.0 <= dropout_p <= 1.0:
        raise ShapeError(f"{_OP}: dropout_p must lie in [0, 1], got {dropout_p}")
    if flag(_OP, "is_causal", is_causal) and attn_mask is not None:
        raise ShapeError(f"{_OP}: Explicit attn_mask should not be set when is_causal=True")
    if flag(_OP, "enable_gqa", enable_gqa):
        k, v = _grouped(q, k, v)
    if scale is not None:
        number(_OP, "scale", scale)
    s = 1.0 / math.sqrt(q.shape[-1]) if scale is None else scale
    L, S = q.shape[-2], k.shape[-2]
    root = math.sqrt(abs(s))  # PyTorch's CPU kernel scales Q by ±√|scale| and K by √|scale|: its rounding and NaNs
    try:
        scores = (q * (root if s >= 0 else -root)) @ (k * root).transpose(-2, -1)
    except ValueError as error:
        raise ShapeError(f"{_OP}: the batch dimensions of query {q.shape} and key {k.shape} don't broadcast "
                         f"({error})") from None
    keep = _causal(L, S) if is_causal else None
    if attn_mask is not None:
        mask = tensor_arg(attn_mask, _OP)
        try:
            np.broadcast_shapes(mask.shape, scores.shape)
        except ValueError:
            raise ShapeError(f"{_OP}: attn_mask of shape {mask.shape} does not broadcast to the attention weights' "
                             f"shape {scores.shape} (…, L, S)") from None
        if mask.dtype == bool:
            keep = mask.data
        elif mask.dtype.kind == "f" or mask.dtype == object:
            scores = scores + mask
        else:
            raise DtypeError(f"{_OP}: attn_mask must be bool or floating point, got dtype {mask.dtype}")
    if keep is not None:
        scores = scores.masked_fill(np.logical_not(keep), -math.inf)
    dead = None
    if scores.dtype != object:
        dead = np.isneginf(scores.data).all(-1, keepdims=True)  # rows without a key: zero weights, not NaN
        if dead.any():
            scores = where(dead, 0.0, scores)
        else:
            dead = None
    weights = softmax(scores, -1) if scores.data.size else scores  # no query or no key: an empty product
    if dead is not None:
        weights = where(dead, 0.0, weights)
    if dropout_p > 0:
        weights = dropout(weights, dropout_p, True)
    out = weights @ v
    return out


_MHA = "multi_head_attention_forward"


def _canonical_mask(mask: Any, name: str, like: Any) -> Any:
    """A mask as an additive float Tensor: bool True → −∞ (that key is left out), a float mask as it is."""
    if mask is None:
        return None
    m = tensor_arg(mask, _MHA)
    if m.dtype == bool:
        return type(m)(np.where(m.data, -np.inf, 0.0).astype(like.dtype))
    if m.dtype.kind != "f" and m.dtype != object:
        raise ShapeError(f"{_MHA}: only bool and floating types of {name} are supported, got dtype {m.dtype}")
    return m


def _pad_key(t: Any) -> Any:
    """One more key column (value 0) at the end of the last dimension: room for bias_k or the zero key."""
    return cat([t, type(t)(np.zeros(t.shape[:-1] + (1,), dtype=t.dtype))], -1)


def _shape_check(query: Any, key: Any, value: Any, key_padding_mask: Any, attn_mask: Any, num_heads: int) -> bool:
    """Whether the call is batched ((L, N, E) query) or not ((L, E)), with PyTorch's rules for the others."""
    if query.ndim not in (2, 3):
        raise ShapeError(f"{_MHA}: query should be unbatched 2D or batched 3D tensor but received {query.ndim}-D "
                        f"query tensor")
    batched = query.ndim == 3
    if key.ndim != query.ndim or value.ndim != query.ndim:
        raise ShapeError(f"{_MHA}: For {'batched (3-D)' if batched else 'unbatched (2-D)'} `query`, expected `key` "
                        f"and `value` to be {query.ndim}-D but found {key.ndim}-D and {value.ndim}-D tensors "
                        f"respectively")
    if key_padding_mask is not None and key_padding_mask.ndim != query.ndim - 1:
        raise ShapeError(f"{_MHA}: For {'batched (3-D)' if batched else 'unbatched (2-D)'} `query`, expected "
                        f"`key_padding_mask` to be `None` or {query.ndim - 1}-D but found "
                        f"{key_padding_mask.ndim}-D tensor instead")
    if attn_mask is not None and attn_mask.ndim not in (2, 3):
        raise ShapeError(f"{_MHA}: For {'batched (3-D)' if batched else 'unbatched (2-D)'} `query`, expected "
                        f"`attn_mask` to be `None`, 2-D or 3-D but found {attn_mask.ndim}-D tensor instead")
    if not batched and attn_mask is not None and attn_mask.ndim == 3:
        expected = (num_heads, query.shape[0], key.shape[0])
        if tuple(attn_mask.shape) != expected:
            raise ShapeError(f"{_MHA}: Expected `attn_mask` shape to be {expected} but got {tuple(attn_mask.shape)}")
    return batched


def multi_head_attention_forward(query: Any, key: Any, value: Any, embed_dim_to_check: int, num_heads: int,
                                 in_proj_weight: Optional[Any], in_proj_bias: Optional[Any], bias_k: Optional[Any],
                                 bias_v: Optional[Any], add_zero_attn: bool, dropout_p: float, out_proj_weight: Any,
                                 out_proj_bias: Optional[Any], training: bool = True,
                                 key_padding_mask: Optional[Any] = None, need_weights: bool = True,
                                 attn_mask: Optional[Any] = None, use_separate_proj_weight: bool = False,
                                 q_proj_weight: Optional[Any] = None, k_proj_weight: Optional[Any] = None,
                                 v_proj_weight: Optional[Any] = None, static_k: Optional[Any] = None,
                                 static_v: Optional[Any] = None, average_attn_weights: bool = True,
                                 is_causal: bool = False) -> tuple:
    """PyTorch's multi-head attention on time-first (L, N, E) inputs (or unbatched (L, E)): project Q, K, V,
    split E into num_heads heads, attend per head, concatenate, project out. Returns (output, weights) with the
    weights (N, L, S) averaged over heads (or (N, H, L, S)), None when need_weights=False."""
    query, key, value = (tensor_arg(t, _MHA) for t in (query, key, value))
    num_heads = integer(_MHA, "num_heads", num_heads)
    if num_heads < 1:
        raise ShapeError(f"{_MHA}: num_heads must be positive, got {num_heads}")
    in_proj_weight, q_proj_weight, k_proj_weight, v_proj_weight, out_proj_weight = (
        _param(w, name, 2, query) for w, name in ((in_proj_weight, "in_proj_weight"), (q_proj_weight, "q_proj_weight"),
                                                  (k_proj_weight, "k_proj_weight"), (v_proj_weight, "v_proj_weight"),
                                                  (out_proj_weight, "out_proj_weight")))
    in_proj_bias, out_proj_bias = _param(in_proj_bias, "in_proj_bias", 1, query), \
        _param(out_proj_bias, "out_proj_bias", 1, query)
    bias_k, bias_v = _param(bias_k, "bias_k", 3, query), _param(bias_v, "bias_v", 3, query)
    needed = (("q_proj_weight", q_proj_weight), ("k_proj_weight", k_proj_weight), ("v_proj_weight", v_proj_weight)) \
        if use_separate_proj_weight else (("in_proj_weight", in_proj_weight),)
    for name, w in needed + (("out_proj_weight", out_proj_weight),):
        if w is None:
            raise TypeError(f"{_MHA}: {name} must be a Tensor, got None")
    kpm = None if key_padding_mask is None else tensor_arg(key_padding_mask, _MHA)
    mask = None if attn_mask is None else tensor_arg(attn_mask, _MHA)
    batched = _shape_check(query, key, value, kpm, mask, num_heads)
    if not batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        kpm = None if kpm is None else kpm.unsqueeze(0)
    L, N, E = query.shape
    kpm = _canonical_mask(kpm, "key_padding_mask", query)
    if is_causal and mask is None:
        raise ShapeError(f"{_MHA}: Need attn_mask if specifying the is_causal hint. You may use the Transformer "
                         f"module method `generate_square_subsequent_mask` to create this mask.")
    if is_causal and kpm is None and not need_weights:
        mask = None  # the hint says the mask is causal: attention uses its own causal mask
    else:
        mask = _canonical_mask(mask, "attn_mask", query)
        is_causal = False
    if E != embed_dim_to_check:
        raise ShapeError(f"{_MHA}: was expecting embedding dimension of {embed_dim_to_check}, but got {E}")
    head = E // num_heads
    if head * num_heads != E:
        raise ShapeError(f"{_MHA}: embed_dim {E} not divisible by num_heads {num_heads}")
    if use_separate_proj_weight and key.shape[:2] != value.shape[:2]:
        raise ShapeError(f"{_MHA}: key's sequence and batch dims {key.shape[:2]} do not match value's "
                        f"{value.shape[:2]}")
    if not use_separate_proj_weight and key.shape != value.shape:
        raise ShapeError(f"{_MHA}: key shape {key.shape} does not match value shape {value.shape}")
    if not use_separate_proj_weight and in_proj_weight.shape != (3 * E, E):
        raise ShapeError(f"{_MHA}: in_proj_weight has shape {in_proj_weight.shape}, expected (3·embed_dim, "
                         f"embed_dim) = {(3 * E, E)}")
    if in_proj_bias is not None and in_proj_bias.shape != (3 * E,):
        raise ShapeError(f"{_MHA}: in_proj_bias has shape {in_proj_bias.shape}, expected (3·embed_dim,) = {(3 * E,)}")
    if out_proj_weight.shape != (E, E) or (out_proj_bias is not None and out_proj_bias.shape != (E,)):
        raise ShapeError(f"{_MHA}: out_proj_weight {out_proj_weight.shape} and out_proj_bias "
                         f"{None if out_proj_bias is None else out_proj_bias.shape} must be {(E, E)} and {(E,)}")
    weights = (in_proj_weight.chunk(3) if not use_separate_proj_weight
               else (q_proj_weight, k_proj_weight, v_proj_weight))
    if use_separate_proj_weight and any(w.shape[0] != E for w in weights):
        raise ShapeError(f"{_MHA}: q/k/v_proj_weight must have embed_dim = {E} rows, got "
                         f"{[w.shape for w in weights]}")
    biases = (None,) * 3 if in_proj_bias is None else in_proj_bias.chunk(3)
    for name, x, w in zip(("query", "key", "value"), (query, key, value), weights):
        if x.shape[-1] != w.shape[-1]:
            raise ShapeError(f"{_MHA}: {name} has {x.shape[-1]} features, its projection weight {w.shape} expects "
                             f"{w.shape[-1]}")
    for name, x in (("query", query), ("key", key), ("value", value)):
        if x.dtype != weights[0].dtype and x.dtype != object:
            raise DtypeError(f"{_MHA}: {name} has dtype {x.dtype} but the projection weights {weights[0].dtype}; "
                             f"convert one of them (.float() / .double())")
    q, k, v = (_linear(x, w, b) for x, w, b in zip((query, key, value), weights, biases))
    S = key.shape[0]
    if mask is not None:
        expected = (L, S) if mask.ndim == 2 else (N * num_heads, L, S)
        if tuple(mask.shape) != expected:
            raise ShapeError(f"{_MHA}: The shape of the {mask.ndim}D attn_mask is {tuple(mask.shape)}, but should "
                             f"be {expected}.")
        mask = mask.unsqueeze(0) if mask.ndim == 2 else mask
    if (bias_k is None) != (bias_v is None):
        raise ShapeError(f"{_MHA}: bias_k and bias_v must be given together")
    if bias_k is not None:
        for name, b in (("bias_k", bias_k), ("bias_v", bias_v)):
            if (1,) * (3 - b.ndim) + b.shape != (1, 1, E):
                raise ShapeError(f"{_MHA}: {name} has shape {b.shape}, expected (1, 1, embed_dim) = {(1, 1, E)}")
        k = cat([k, bias_k.reshape(1, 1, E).expand(1, N, E)], 0)
        v = cat([v, bias_v.reshape(1, 1, E).expand(1, N, E)], 0)
        mask = None if mask is None else _pad_key(mask)
        kpm = None if kpm is None else _pad_key(kpm)
    q = q.reshape(L, N * num_heads, head).transpose(0, 1)
    k = k.reshape(k.shape[0], N * num_heads, head).transpose(0, 1) if static_k is None else static_k
    v = v.reshape(v.shape[0], N * num_heads, head).transpose(0, 1) if static_v is None else static_v
    for name, t in (("static_k", k), ("static_v", v)):
        if tuple(t.shape[::2]) != (N * num_heads, head):
            raise ShapeError(f"{_MHA}: expecting {name} of shape ({N * num_heads}, S, {head}), got {tuple(t.shape)}")
    if add_zero_attn:
        zeros = type(k)(np.zeros((N * num_heads, 1, head), dtype=k.dtype))
        k, v = cat([k, zeros], 1), cat([v, zeros], 1)
        mask = None if mask is None else _pad_key(mask)
        kpm = None if kpm is None else _pad_key(kpm)
    S = k.shape[1]
    if kpm is not None:
        if tuple(kpm.shape) != (N, S):
            raise ShapeError(f"{_MHA}: expecting key_padding_mask shape of {(N, S)}, but got {tuple(kpm.shape)}")
        kpm = kpm.reshape(N, 1, 1, S).expand(N, num_heads, 1, S).reshape(N * num_heads, 1, S)
        mask = kpm if mask is None else mask + kpm
    dropout_p = dropout_p if training else 0.0
    if need_weights:
        scores = (q * math.sqrt(1.0 / head)) @ k.transpose(-2, -1)
        scores = scores if mask is None else scores + mask
        attention = softmax(scores, -1) if scores.data.size else scores
        if dropout_p > 0:
            attention = dropout(attention, dropout_p, True)
        out = (attention @ v).transpose(0, 1).reshape(L * N, E)
        out = _linear(out, out_proj_weight, out_proj_bias).reshape(L, N, E)
        attention = attention.reshape(N, num_heads, L, S)
        if average_attn_weights:
            attention = attention.mean(1)
        return (out, attention) if batched else (out.squeeze(1), attention.squeeze(0))
    if mask is not None:
        mask = mask.unsqueeze(0) if mask.shape[0] == 1 else mask.reshape(N, num_heads, -1, S)
    out = scaled_dot_product_attention(q.reshape(N, num_heads, L, head), k.reshape(N, num_heads, S, head),
                                       v.reshape(N, num_heads, S, head), mask, dropout_p, is_causal)
    out = _linear(out.permute(2, 0, 1, 3).reshape(L * N, E), out_proj_weight, out_proj_bias).reshape(L, N, E)
    return (out if batched else out.squeeze(1)), None


def _param(x: Any, name: str, ndim: int, like: Any) -> Any:
    """A weight or bias as a Tensor (None stays None) of at most ndim dimensions and the query's dtype."""
    if x is None:
        return None
    x = tensor_arg(x, _MHA)
    if x.ndim > ndim or (ndim < 3 and x.ndim != ndim):
        raise ShapeError(f"{_MHA}: {name} must have {ndim} dimension(s), got shape {x.shape}")
    if x.dtype != like.dtype and object not in (x.dtype, like.dtype):
        raise DtypeError(f"{_MHA}: {name} has dtype {x.dtype} but query has {like.dtype}; all must have the same "
                         f"dtype (convert with .float() / .double())")
    return x


def _linear(x: Any, w: Any, b: Optional[Any]) -> Any:
    out = x @ w.transpose(0, 1)
    return out if b is None else out + b

__all__ = ["scaled_dot_product_attention", "multi_head_attention_forward"]
