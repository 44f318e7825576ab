"""`viz.draw`: the one entry point, choosing the tensor-level or the expanded (scalar) picture."""
from __future__ import annotations

from typing import Any, Mapping, Optional, Sequence

from ..graph import caller_variables, variable_names
from ..tensor import Tensor
from .clusters import CollapseSpec
from .composites import ExpandSpec
from .rendering import GraphView


def draw(t: Tensor, show: Sequence[str] = ("name", "shape", "dtype"), values: bool = False, grads: bool = False,
         expand: bool = False, collapse: CollapseSpec = None, highlight: Any = None, names: Any = None,
         max_nodes: int = 150, rankdir: Optional[str] = None, weights: str = "labels",
         max_elements: int = 64, variables: Optional[Mapping[str, Any]] = None,
         expand_composites: ExpandSpec = False, notation: str = "code",
         caption: Optional[str] = None) -> GraphView:
    """A graphviz.Digraph of the graph that produced `t` (Jupyter shows it inline; `viz.render` writes it).

    Tensor level (default): ops as ellipses, tensors as boxes showing `show` ⊆ (name, shape, dtype, rule,
    attrs), Parameters as cylinders, one nested cluster per module call. `values` / `grads` add summaries
    (‖·‖, min, max; a heat map for small 1-D/2-D tensors) and `grads` weighs edges by the gradient
    flowing along them. `collapse`: module names or class names, True for all, False for none; by default
    modules collapse (deepest first) once the picture passes `max_nodes`. `highlight=(a, b)` marks the
    paths from tensor a to tensor b (a alone: to `t`). `names`: a Module (or name → tensor mapping) naming
    the Parameters. Tensors are called by the user's variable names: those in `variables` (a namespace such
    as `globals()`; default: the caller's locals and globals), else a module call's output is `c1.out` (its second
    call's `c1.out#2`, each call its own cluster `c1`, `c1#2`). A composition (cross_entropy, linear, batch_norm, …)
    is one node with its own rule (δ = softmax(u) − y); `expand_composites=True` (or their names) shows the
    primitives inside a dashed frame instead. notation="lecture" titles the tensors with the lecture's symbols
    (layer r: z_r in, u_r = W_r z_r + b_r, z_{r+1} = f(u_r); the loss E), each with its name in the code.

    `expand=True`: one node per element and an edge per non-zero local Jacobian entry, labelled with it;
    Parameters become named symbols on the edge labels (`weights="labels"`) or nodes (`weights="nodes"`).
    Tensors over `max_elements` entries are refused. Each tensor is drawn as its grid (a 4×4 input as 4×4, a
    vector as a column), inputs first, as the lecture draws the coupling figure. `caption`: a line under the picture.
    """
    found = caller_variables() if variables is None else variable_names(variables)
    if expand:
        from .scalar_view import scalar_view

        return scalar_view(t, values=values, names=names, weights=weights, max_elements=max_elements,
                           rankdir=rankdir or "LR", titles=found, caption=caption, notation=notation)
    from .tensor_view import tensor_view

    return tensor_view(t, show=show, values=values, grads=grads, collapse=collapse, highlight=highlight,
                       names=names, max_nodes=max_nodes, rankdir=rankdir or "TB", titles=found,
                       expand_composites=expand_composites, notation=notation, caption=caption)
