"""The lecture's notation on a recorded graph (seed 003, lecture-formulas F35–F47): layer r reads z_r and
writes the pre-activation u_r = ⟨W_r, z_r⟩ + b_r, its activation gives z_{r+1} = f(u_r), δ_r = ∂E/∂u_r; a pooling
layer is a layer with the identity as f (u_r = z_{r+1}); the network's input is z_1 and the loss is E. Layers are
found in forward order: a conv / linear / matmul with a weight starts one, so does a pooling op."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

from ..graph import forward_order
from ..tensor import Tensor
from .composites import CompositeCall, composite_calls
from .labels import subscripted

NOTATIONS = ("code", "lecture")
WEIGHTED = frozenset({"linear", "MatMul", "Conv2d", "ConvTranspose2d", "Einsum", "locally_connected2d", "conv2d",
                      "conv1d", "conv_transpose2d", "bilinear"})
POOLING = frozenset({"MaxPool2d", "AvgPool2d", "adaptive_avg_pool2d", "adaptive_max_pool2d", "spatial_pyramid_pool2d",
                     "max_pool2d", "avg_pool2d", "max_pool1d", "avg_pool1d", "adaptive_avg_pool1d"})
ACTIVATIONS = frozenset({"Relu", "Tanh", "Sigmoid", "LeakyRelu", "Softmax", "elu", "celu", "selu", "gelu", "silu",
                         "softplus", "mish", "hardtanh", "relu6", "logsigmoid", "hardsigmoid", "hardswish", "prelu"})
PASSING = {"Reshape": "vec", "Permute": "perm", "Dropout": "drop", "batch_norm": "BN", "layer_norm": "LN",
           "group_norm": "GN", "local_response_norm": "LRN", "Clone": ""}
LOSSES = frozenset({"cross_entropy", "nll_loss", "mse_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
                    "l1_loss", "smooth_l1_loss", "huber_loss", "kl_div"})
LEGEND = "lecture notation (seed 003): layer r reads z_r, u_r = W_r z_r + b_r, z_{r+1} = f(u_r), δ_r = ∂E/∂u_r"


@dataclass(frozen=True)
class _Symbol:
    """What a tensor is in the lecture: kind u, z, uz (u_r = z_{r+1}), W, b, E, or "u−b" (before the bias)."""

    kind: str
    r: int = 0
    wrap: str = ""

    def text(self) -> str:
        if self.kind == "E":
            core = "E"
        elif self.kind == "uz":
            core = f"{subscripted('u', (self.r,))} = {subscripted('z', (self.r + 1,))}"
        elif self.kind == "u-b":
            core = f"{subscripted('u', (self.r,))} − {subscripted('b', (self.r,))}"
        else:
            core = subscripted(self.kind, (self.r,))
        return f"{self.wrap}({core})" if self.wrap else core

    @property
    def is_pre_activation(self) -> bool:
        return self.kind in ("u", "uz") and not self.wrap


@dataclass
class LectureNames:
    """Tensor id → the lecture's symbol (`symbols`), and → the name of the gradient at it (`deltas`: δ_r at u_r,
    ∂E/∂z_r at z_r); `layers` is the number of layers found."""

    symbols: dict[int, str] = field(default_factory=dict)
    deltas: dict[int, str] = field(default_factory=dict)
    layers: int = 0

    def label(self, t: Tensor, code_name: Optional[str]) -> Optional[str]:
        """`u₁ (c1.out)`: the symbol and, when there is one, the name the code gives the tensor."""
        symbol = self.symbols.get(id(t))
        if symbol is None:
            return None
        return symbol if not code_name or code_name == symbol else f"{symbol} ({code_name})"


def check_notation(notation: str, reader: str) -> None:
    if notation not in NOTATIONS:
        raise ValueError(f"{reader}: notation must be one of {list(NOTATIONS)}, got {notation!r}")


def _leaf_weight(t: Tensor) -> Optional[Tensor]:
    """The leaf a weight-like input comes from through shape-only ops (Wᵀ, a reshaped bias): a Parameter or a
    leaf that needs a gradient; None for an activation."""
    while t._ctx is not None and type(t._ctx).__name__ in ("Reshape", "Permute", "BroadcastTo", "Cast") \
            and len(t._ctx.inputs) == 1:
        t = t._ctx.inputs[0]
    if t._ctx is None and t.requires_grad:
        return t
    return None


def _parameter(t: Optional[Tensor]) -> bool:
    from ..nn.parameter import Parameter

    return isinstance(t, Parameter)


def _split(inputs: Sequence[Tensor]) -> tuple[Optional[Tensor], Optional[Tensor], Optional[Tensor]]:
    """(data, weight, bias) of a layer op's inputs: the weight is the Parameter (else the leaf that needs a
    gradient, else the second input), the data the other of the first two, the bias a third weight-like input."""
    if len(inputs) < 2:
        return None, None, None
    first, second = _leaf_weight(inputs[0]), _leaf_weight(inputs[1])
    if _parameter(first) and not _parameter(second) or (first is not None and second is None):
        data, weight = inputs[1], first
    else:
        data, weight = inputs[0], second if second is not None else inputs[1]
    bias = _leaf_weight(inputs[2]) if len(inputs) > 2 else None
    return data, weight, bias


def lecture_names(root: Tensor, tensors: Optional[list[Tensor]] = None) -> LectureNames:
    """Find the layers below `root` (compositions as one op) and name their tensors as the lecture does."""
    tensors = forward_order(root) if tensors is None else tensors
    owner = composite_calls([t._ctx for t in tensors if t._ctx is not None], root)
    found: dict[int, _Symbol] = {}
    base: dict[int, int] = {}  # a passed-through tensor (vec(u₄)) → the tensor it wraps (u₄)
    r = 0
    current_u: Optional[Tensor] = None  # the pre-activation of layer r, until its bias is added
    for t in tensors:
        if t._ctx is None:
            continue
        unit: Any = owner.get(id(t._ctx), t._ctx)
        if isinstance(unit, CompositeCall) and t is not unit.output:
            continue
        op = unit.name
        inputs = list(unit.reads if isinstance(unit, CompositeCall) else unit.inputs)
        if op in WEIGHTED:
            data, weight, bias = _split(inputs)
            if weight is None or data is None:
                continue
            r += 1
            _name_input(found, base, data, r)
            leaf = _leaf_weight(weight)
            found.setdefault(id(weight if leaf is None else leaf), _Symbol("W", r))
            if bias is not None:
                found.setdefault(id(bias), _Symbol("b", r))
            found[id(t)] = _Symbol("u", r)
            current_u = t if bias is None else None
        elif op in POOLING and inputs:
            r += 1
            _name_input(found, base, inputs[0], r)
            found[id(t)] = _Symbol("u", r)
            current_u = None
        elif op == "Add" and current_u is not None and len(inputs) == 2 and any(x is current_u for x in inputs):
            other = inputs[1] if inputs[0] is current_u else inputs[0]
            bias = _leaf_weight(other)
            if bias is None:
                continue
            found.setdefault(id(bias), _Symbol("b", r))
            found[id(current_u)] = _Symbol("u-b", r)
            found[id(t)] = _Symbol("u", r)
            current_u = None
        elif op in ACTIVATIONS and inputs and id(inputs[0]) in found:
            known = found[id(inputs[0])]
            if known.kind in ("u", "uz"):
                found[id(t)] = _Symbol("z", known.r + 1)
        elif op in PASSING and inputs and id(inputs[0]) in found:
            known = found[id(inputs[0])]
            if known.kind in ("u", "uz", "z"):
                kind, k = ("z", known.r + 1) if known.kind == "uz" else (known.kind, known.r)
                wrap = "∘".join(w for w in (PASSING[op], known.wrap) if w)
                found[id(t)] = _Symbol(kind, k, wrap)
                base[id(t)] = base.get(id(inputs[0]), id(inputs[0]))
        elif op in LOSSES:
            found[id(t)] = _Symbol("E")
    if id(root) not in found and root.numel() == 1 and root._ctx is not None:
        found[id(root)] = _Symbol("E")
    names = LectureNames(layers=r)
    for key, symbol in found.items():
        names.symbols[key] = symbol.text()
        if symbol.kind in ("u", "uz", "u-b") and not symbol.wrap:
            names.deltas[key] = subscripted("δ", (symbol.r,))
        elif symbol.kind != "E":
            names.deltas[key] = f"∂E/∂{symbol.text()}"
    return names


def _name_input(found: dict[int, _Symbol], base: dict[int, int], data: Tensor, r: int) -> None:
    """Layer r reads z_r: name its data input so, unless it is already u_{r−1} (then u_{r−1} = z_r: no activation
    between two layers, as after pooling; vec(u_{r−1}) becomes vec(z_r)) or has a name of its own (a skip
    connection's z_k)."""
    known = found.get(id(data))
    if known is None:
        found[id(data)] = _Symbol("z", r)
    elif known.kind == "u" and known.r == r - 1:
        if known.wrap:
            origin = base[id(data)]
            found[origin] = _Symbol("uz", r - 1)
            for key, of in base.items():
                if of == origin:
                    found[key] = _Symbol("z", r, found[key].wrap)
        else:
            found[id(data)] = _Symbol("uz", r - 1)
