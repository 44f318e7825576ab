"""EmbeddingBag (PyTorch's layer): a lookup table whose bags of indices are reduced to one row each (sum, mean or
max), as F.embedding_bag; weight (num_embeddings, embedding_dim) initialised N(0, 1), the padding row zero."""
from __future__ import annotations

import math
from typing import Any, Optional

from ..errors import ShapeError
from ..ops.embedding_bag import MODES, embedding_bag
from ..tensor import Tensor
from . import validate
from .init import normal_
from .module import Module
from .parameter import Parameter


class EmbeddingBag(Module):
    """forward(input, offsets=None, per_sample_weights=None) → (B, embedding_dim), one reduced row per bag."""

    def __init__(self, num_embeddings: int, embedding_dim: int, max_norm: Optional[float] = None,
                 norm_type: float = 2.0, scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                 _weight: Optional[Tensor] = None, include_last_offset: bool = False,
                 padding_idx: Optional[int] = None, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        layer = "EmbeddingBag"
        self.num_embeddings = validate.integer(layer, "num_embeddings", num_embeddings, 1)
        self.embedding_dim = validate.integer(layer, "embedding_dim", embedding_dim, 1)
        if mode not in MODES:
            raise ShapeError(f"{layer}: mode has to be one of sum, mean or max, got {mode!r}")
        padding_idx = validate.padding_index(layer, padding_idx, self.num_embeddings)
        if max_norm is not None:
            max_norm = validate.real(layer, "max_norm", max_norm, 0.0, math.inf, low_open=True)
        if sparse:
            raise ShapeError(f"{layer}: sparse gradients are not available (dense NumPy engine); use sparse=False")
        validate.device(layer, device)
        self.max_norm, self.norm_type, self.scale_grad_by_freq = max_norm, norm_type, bool(scale_grad_by_freq)
        self.mode, self.sparse, self.include_last_offset = mode, False, bool(include_last_offset)
        self.padding_idx = padding_idx
        shape = (self.num_embeddings, self.embedding_dim)
        if _weight is None:
            self.weight = Parameter(validate.empty(layer, shape, validate.float_dtype(layer, dtype)))
            self.reset_parameters()
        else:
            if tuple(_weight.shape) != shape:
                raise ShapeError(f"{layer}: _weight has shape {tuple(_weight.shape)}, expected {shape} "
                                 f"(num_embeddings, embedding_dim)")
            self.weight = Parameter(_weight)

    def reset_parameters(self) -> None:
        normal_(self.weight)
        if self.padding_idx is not None:
            self.weight.data[self.padding_idx] = 0

    @classmethod
    def from_pretrained(cls, embeddings: Tensor, freeze: bool = True, **kwargs: Any) -> "EmbeddingBag":
        """An EmbeddingBag holding `embeddings` (rows, dim) as its weight; frozen unless freeze=False."""
        if embeddings.ndim != 2:
            raise ShapeError(f"EmbeddingBag.from_pretrained: embeddings parameter is expected to be 2-dimensional, "
                             f"got shape {tuple(embeddings.shape)}")
        bag = cls(embeddings.shape[0], embeddings.shape[1], _weight=embeddings, **kwargs)
        bag.weight.requires_grad = not freeze
        return bag

    def forward(self, input: Any, offsets: Any = None, per_sample_weights: Any = None) -> Tensor:
        return embedding_bag(input, self.weight, offsets, self.max_norm, self.norm_type, self.scale_grad_by_freq,
                             self.mode, self.sparse, per_sample_weights, self.include_last_offset, self.padding_idx)

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.max_norm is not None:
            text += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            text += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq:
            text += f", scale_grad_by_freq={self.scale_grad_by_freq}"
        text += f", mode='{self.mode}'"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        return text


__all__ = ["EmbeddingBag"]
