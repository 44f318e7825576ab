"""Dense layer, flatten/unflatten, embedding and dropout as Modules (lecture F10, F12, F15, F55); the activations
live in activation.py and are re-exported here for older imports."""
from __future__ import annotations

import math
from typing import Any, Optional, Sequence

from .. import functional as F
from ..errors import ShapeError
from ..ops.embedding import embedding
from ..tensor import Tensor
from . import validate
from .init import default_layer_init, normal_, uniform_
from .activation import LeakyReLU, ReLU, Sigmoid, Tanh  # noqa: F401  (they live in activation.py)
from .module import Module
from .parameter import Parameter


class Linear(Module):
    """y = x Wᵀ + b, W of shape (out_features, in_features)."""

    def __init__(self, in_features: int, out_features: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        in_features = validate.integer("Linear", "in_features", in_features, 1)
        out_features = validate.integer("Linear", "out_features", out_features, 1)
        validate.device("Linear", device)
        dtype = validate.float_dtype("Linear", dtype)
        self.in_features, self.out_features = in_features, out_features
        self.weight = Parameter(validate.empty("Linear", (out_features, in_features), dtype))
        self.bias = Parameter(validate.empty("Linear", (out_features,), dtype)) if bias else None
        default_layer_init(self.weight, self.bias)

    def forward(self, x: Tensor) -> Tensor:
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Bilinear(Module):
    """y_k = x₁ᵀ A_k x₂ + b_k, weight (out_features, in1_features, in2_features), PyTorch's U(±1/√in1) init."""

    def __init__(self, in1_features: int, in2_features: int, out_features: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        in1_features = validate.integer("Bilinear", "in1_features", in1_features, 1)
        in2_features = validate.integer("Bilinear", "in2_features", in2_features, 1)
        out_features = validate.integer("Bilinear", "out_features", out_features, 1)
        validate.device("Bilinear", device)
        dtype = validate.float_dtype("Bilinear", dtype)
        self.in1_features, self.in2_features, self.out_features = in1_features, in2_features, out_features
        self.weight = Parameter(validate.empty("Bilinear", (out_features, in1_features, in2_features), dtype))
        self.bias = Parameter(validate.empty("Bilinear", (out_features,), dtype)) if bias else None
        bound = 1 / math.sqrt(in1_features)
        uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            uniform_(self.bias, -bound, bound)

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")


class Flatten(Module):
    """(N, C, H, W) → (N, C·H·W): the step from feature maps to a dense layer (F12)."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = validate.integer("Flatten", "start_dim", start_dim)
        self.end_dim = validate.integer("Flatten", "end_dim", end_dim)

    def forward(self, x: Tensor) -> Tensor:
        return validate.tensor_input("Flatten", x).flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Identity(Module):
    """y = x; constructor arguments are accepted and ignored, as in PyTorch (a placeholder layer)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, x: Any) -> Any:
        return x


class Dropout(Module):
    """Inverted dropout: zero each unit with probability p in training, scale the rest by 1/(1−p).
    inplace=True is accepted for PyTorch code; the result is the same, computed out of place."""

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        self.p = validate.real("Dropout", "p (dropout probability)", p, 0.0, 1.0)
        self.inplace = bool(inplace)

    def forward(self, x: Tensor) -> Tensor:
        return F.dropout(x, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Unflatten(Module):
    """The inverse of Flatten: dimension `dim` becomes `unflattened_size` (one entry may be −1)."""

    def __init__(self, dim: int, unflattened_size: Sequence[int]) -> None:
        super().__init__()
        self.dim = validate.integer("Unflatten", "dim", dim)
        if not isinstance(unflattened_size, (tuple, list)):
            raise TypeError(f"Unflatten: unflattened_size must be a tuple of ints, but found type "
                            f"{type(unflattened_size).__name__}")
        sizes = [validate.integer("Unflatten", "unflattened_size entry", s, -1) for s in unflattened_size]
        if 0 in sizes or sizes.count(-1) > 1:
            raise ShapeError(f"Unflatten: unflattened_size {tuple(unflattened_size)} must hold positive sizes and "
                             f"at most one −1")
        self.unflattened_size = unflattened_size

    def forward(self, x: Tensor) -> Tensor:
        x = validate.tensor_input("Unflatten", x)
        d = self.dim + x.ndim if self.dim < 0 else self.dim
        if not 0 <= d < x.ndim:
            raise IndexError(f"Unflatten: dim {self.dim} is out of range for an input of shape {x.shape}")
        sizes = list(self.unflattened_size)
        known = math.prod(s for s in sizes if s != -1)
        if -1 in sizes and x.shape[d] % known == 0:
            sizes[sizes.index(-1)] = x.shape[d] // known
        if math.prod(sizes) != x.shape[d] or -1 in sizes:
            raise ShapeError(f"Unflatten: sizes {list(self.unflattened_size)} don't multiply up to the size of dim "
                             f"{self.dim} ({x.shape[d]}) of the input {x.shape}")
        return x.reshape(x.shape[:d] + tuple(sizes) + x.shape[d + 1:])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


class Embedding(Module):
    """A lookup table: index i → row i of weight (num_embeddings, embedding_dim), initialised N(0, 1) as in
    PyTorch; the padding_idx row starts at zero and never receives a gradient."""

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: Optional[int] = None,
                 max_norm: Optional[float] = None, norm_type: float = 2.0, scale_grad_by_freq: bool = False,
                 sparse: bool = False, _weight: Optional[Tensor] = None, _freeze: bool = False, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        layer = "Embedding"
        self.num_embeddings = validate.integer(layer, "num_embeddings", num_embeddings, 1)
        self.embedding_dim = validate.integer(layer, "embedding_dim", embedding_dim, 1)
        padding_idx = validate.padding_index(layer, padding_idx, self.num_embeddings)
        if max_norm is not None:
            max_norm = validate.real(layer, "max_norm", max_norm, 0.0, math.inf, low_open=True)
        self.norm_type = validate.real(layer, "norm_type", norm_type, 0.0, math.inf, low_open=True)
        if sparse:
            raise ShapeError(f"{layer}: sparse gradients are not available (dense NumPy engine); use sparse=False")
        validate.device(layer, device)
        self.padding_idx, self.max_norm = padding_idx, max_norm
        self.scale_grad_by_freq, self.sparse = bool(scale_grad_by_freq), False
        shape = (self.num_embeddings, self.embedding_dim)
        if _weight is None:
            self.weight = Parameter(validate.empty(layer, shape, validate.float_dtype(layer, dtype)),
                                    requires_grad=not _freeze)
            self.reset_parameters()
        else:
            if tuple(_weight.shape) != shape:
                raise ShapeError(f"{layer}: _weight has shape {tuple(_weight.shape)}, expected {shape} "
                                 f"(num_embeddings, embedding_dim)")
            self.weight = Parameter(_weight, requires_grad=not _freeze)

    def reset_parameters(self) -> None:
        normal_(self.weight)
        if self.padding_idx is not None:
            self.weight.data[self.padding_idx] = 0

    @classmethod
    def from_pretrained(cls, embeddings: Tensor, freeze: bool = True, padding_idx: Optional[int] = None,
                        max_norm: Optional[float] = None, norm_type: float = 2.0,
                        scale_grad_by_freq: bool = False, sparse: bool = False) -> "Embedding":
        """An Embedding whose weight is `embeddings` (2-D), frozen unless freeze=False."""
        if embeddings.ndim != 2:
            raise ShapeError(f"Embedding.from_pretrained: embeddings must be 2-D, got shape {tuple(embeddings.shape)}")
        rows, cols = embeddings.shape
        return cls(rows, cols, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse, _weight=embeddings,
                   _freeze=freeze)

    def forward(self, input: Any) -> Tensor:
        return embedding(input, self.weight, self.padding_idx, self.max_norm, self.norm_type,
                         self.scale_grad_by_freq, self.sparse)

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            text += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            text += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq:
            text += ", scale_grad_by_freq=True"
        return text
