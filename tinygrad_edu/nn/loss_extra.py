"""The margin, embedding and likelihood losses as Modules with PyTorch's constructor arguments (positional order
included), buffers and forward; each calls its functional form in tinygrad_edu.ops.loss_margin (hinges on
distances, rankings, cosines and class scores; logistic losses) or ops.loss_regression (Poisson and Gaussian
negative log-likelihoods)."""
from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

from ..errors import ArgumentTypeError, ShapeError
from ..ops import loss_margin as M, loss_regression as R
from ..tensor import Tensor
from .distance import PairwiseDistance
from .loss import _Loss, _WeightedLoss


def _weight(layer: str, weight: Any) -> Any:
    """A Tensor, an ndarray or None: PyTorch refuses a list ("cannot assign 'list' object to buffer 'weight'")."""
    if weight is not None and not isinstance(weight, (Tensor, np.ndarray)):
        raise ArgumentTypeError(f"{layer}: cannot assign '{type(weight).__name__}' object to buffer 'weight' (a "
                                "Tensor, a NumPy array or None required)")
    return weight


def _positive_margin(layer: str, margin: Any) -> Any:
    if margin <= 0:
        raise ShapeError(f"{layer}: expected margin to be greater than 0, got {margin} instead")
    return margin


class TripletMarginLoss(_Loss):
    """max(0, d(a, p) − d(a, n) + margin) with the p-norm distance ‖· − · + ε‖_p."""

    def __init__(self, margin: float = 1.0, p: float = 2.0, eps: float = 1e-6, swap: bool = False,
                 size_average: Optional[bool] = None, reduce: Optional[bool] = None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = _positive_margin("TripletMarginLoss", margin)
        self.p, self.eps, self.swap = p, eps, swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return M.triplet_margin_loss(anchor, positive, negative, margin=self.margin, p=self.p, eps=self.eps,
                                     swap=self.swap, reduction=self.reduction)


class TripletMarginWithDistanceLoss(_Loss):
    """max(0, d(a, p) − d(a, n) + margin) with any distance (nn.PairwiseDistance() by default)."""

    def __init__(self, *, distance_function: Optional[Callable] = None, margin: float = 1.0, swap: bool = False,
                 reduction: str = "mean") -> None:
        super().__init__(reduction=reduction)
        self.margin = _positive_margin("TripletMarginWithDistanceLoss", margin)
        self.distance_function = distance_function if distance_function is not None else PairwiseDistance()
        self.swap = swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return M.triplet_margin_with_distance_loss(anchor, positive, negative,
                                                   distance_function=self.distance_function, margin=self.margin,
                                                   swap=self.swap, reduction=self.reduction)


class MarginRankingLoss(_Loss):
    """max(0, −y(x₁ − x₂) + margin): rank x₁ above x₂ where y = 1."""

    def __init__(self, margin: float = 0.0, size_average: Optional[bool] = None, reduce: Optional[bool] = None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return M.margin_ranking_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class HingeEmbeddingLoss(_Loss):
    """x where y = 1, max(0, margin − x) where y = −1."""

    def __init__(self, margin: float = 1.0, size_average: Optional[bool] = None, reduce: Optional[bool] = None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return M.hinge_embedding_loss(input, target, margin=self.margin, reduction=self.reduction)


class SoftMarginLoss(_Loss):
    """ln(1 + e^(−yx)) for labels ±1."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return M.soft_margin_loss(input, target, reduction=self.reduction)


class MultiLabelSoftMarginLoss(_WeightedLoss):
    """Binary cross-entropy of logits against 0/1 labels, averaged over the classes."""

    def __init__(self, weight: Any = None, size_average: Optional[bool] = None, reduce: Optional[bool] = None,
                 reduction: str = "mean") -> None:
        super().__init__(_weight("MultiLabelSoftMarginLoss", weight), size_average, reduce, reduction)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return M.multilabel_soft_margin_loss(input, target, weight=self.weight, reduction=self.reduction)


class CosineEmbeddingLoss(_Loss):
    """1 − cos(x₁, x₂) where y = 1, max(0, cos(x₁, x₂) − margin) where y = −1."""

    def __init__(self, margin: float = 0.0, size_average: Optional[bool] = None, reduce: Optional[bool] = None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return M.cosine_embedding_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class MultiMarginLoss(_WeightedLoss):
    """The multi-class hinge Σ_{i≠y} w_y·max(0, margin − x_y + x_i)^p / C."""

    def __init__(self, p: int = 1, margin: float = 1.0, weight: Any = None, size_average: Optional[bool] = None,
                 reduce: Optional[bool] = None, reduction: str = "mean") -> None:
        super().__init__(_weight("MultiMarginLoss", weight), size_average, reduce, reduction)
        if p != 1 and p != 2:
            raise ShapeError(f"MultiMarginLoss: only p == 1 and p == 2 supported, got p={p!r}")
        if self.weight is not None and self.weight.ndim != 1:
            raise ShapeError(f"MultiMarginLoss: expected weight to be None or 1D tensor, got {self.weight.ndim}D "
                             "instead")
        self.p, self.margin = p, margin

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return M.multi_margin_loss(input, target, p=self.p, margin=self.margin, weight=self.weight,
                                   reduction=self.reduction)


class MultiLabelMarginLoss(_Loss):
    """The multi-label ranking hinge Σ_{j ∈ targets} Σ_{i ∉ targets} max(0, 1 − x_j + x_i) / C."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return M.multilabel_margin_loss(input, target, reduction=self.reduction)


class PoissonNLLLoss(_Loss):
    """λ − y ln λ for counts y and rates λ = eˣ (log_input) or x; full adds Stirling's ln y! for y > 1."""

    def __init__(self, log_input: bool = True, full: bool = False, size_average: Optional[bool] = None,
                 eps: float = 1e-8, reduce: Optional[bool] = None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_input, self.full, self.eps = log_input, full, eps

    def forward(self, log_input: Tensor, target: Tensor) -> Tensor:
        return R.poisson_nll_loss(log_input, target, log_input=self.log_input, full=self.full, eps=self.eps,
                                  reduction=self.reduction)


class GaussianNLLLoss(_Loss):
    """½(ln σ² + (x − y)²/σ²) (+ ½ ln 2π with full), variances raised to eps."""

    def __init__(self, *, full: bool = False, eps: float = 1e-6, reduction: str = "mean") -> None:
        super().__init__(reduction=reduction)
        self.full, self.eps = full, eps

    def forward(self, input: Tensor, target: Tensor, var: Any) -> Tensor:
        return R.gaussian_nll_loss(input, target, var, full=self.full, eps=self.eps, reduction=self.reduction)


__all__ = ["TripletMarginLoss", "TripletMarginWithDistanceLoss", "MarginRankingLoss", "HingeEmbeddingLoss",
           "SoftMarginLoss", "MultiLabelSoftMarginLoss", "CosineEmbeddingLoss", "MultiMarginLoss",
           "MultiLabelMarginLoss", "PoissonNLLLoss", "GaussianNLLLoss"]
