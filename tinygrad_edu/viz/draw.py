"""`viz.draw`: the one entry point, choosing the tensor-level or the expanded (scalar) picture."""
from __future__ import annotations

import warnings
from typing import Any, Mapping, Optional, Sequence

from ..graph import caller_variables, variable_names
from ..tensor import Tensor
from .clusters import CollapseSpec
from . import labels
from .composites import ExpandSpec
from .rendering import GraphView


def draw(t: Tensor, show: Sequence[str] = ("name", "shape", "dtype"), values: bool = False, grads: bool = False,
         expand: bool = False, collapse: CollapseSpec = None, highlight: Any = None, names: Any = None,
         max_nodes: int = 150, rankdir: Optional[str] = None, weights: str = "labels",
         max_elements: int = 64, variables: Optional[Mapping[str, Any]] = None,
         expand_composites: ExpandSpec = False, notation: str = "code",
         caption: Optional[str] = None, level: Optional[str] = None, slice: Optional[str] = None) -> GraphView:
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

    `level="scalar"` (as `tinygrad-edu graph --level scalar`): the expanded view when every tensor has at most
    `max_elements` entries, else a slice of it (expand=True refuses instead). `slice="c1.out[0, 0, 0:4, 0:4]"` (NumPy
    basic indexing on a tensor named as the picture names it, or with notation="lecture" by its symbol, u₁ or u1;
    it implies level="scalar") draws only what those entries depend on, their receptive field back to the inputs:
    one node per element with its true index (c1.out[0,0,3,4]; u₁[0,0,3,4] with notation="lecture"), its value with
    `values`, and with `grads` its gradient from one backward pass of `t` (of its sum when `t` is not a scalar), the
    edges weighed by the gradient they carry. An edge whose ∂out/∂in is one weight entry says which:
    `c1.weight[0,0,2,3] = 0.12` (`W₁[0,0,2,3] = 0.12`). Without `slice`, the deepest tensor whose slice fits is
    chosen: the caption says which, an `AutomaticSlice` warning (a UserWarning, from viz.slice_view) says why, and
    `view.selection` / `view.chosen` hold it. At most `max_elements` elements of one tensor and `max_nodes` in all,
    else SliceTooLarge; a slice that does not read raises SliceError naming the tensors and the rule (both are
    ValueErrors). The whole expanded view shows no gradients.
    """
    found = caller_variables() if variables is None else variable_names(variables)
    if _scalar_level(level, expand, slice):
        return _scalar(t, slice, strict=level is None and slice is None, values=values, grads=grads, names=names,
                       weights=weights, max_elements=max_elements, max_nodes=max_nodes, rankdir=rankdir or "LR",
                       titles=found, caption=caption, notation=notation)
    from .tensor_view import tensor_view

    return tensor_view(t, show=show, values=values, grads=grads, collapse=collapse, highlight=highlight,
                       names=names, max_nodes=max_nodes, rankdir=rankdir or "TB", titles=found,
                       expand_composites=expand_composites, notation=notation, caption=caption)


def _scalar_level(level: Optional[str], expand: bool, slice: Any) -> bool:
    """Whether the elements are drawn: level="scalar", or expand=True / a slice with no level said."""
    if level not in (None, "tensor", "scalar"):
        raise ValueError(f"viz.draw: level must be 'tensor' or 'scalar', got {level!r}")
    if slice is not None and not isinstance(slice, str):
        raise TypeError(f"viz.draw: slice must be a string such as 'c1.out[0, 0, 0:4, 0:4]', got "
                        f"{type(slice).__name__}")
    if level == "tensor" and (slice is not None or expand):
        what = "slice=" if slice is not None else "expand=True"
        raise ValueError(f"viz.draw: {what} draws elements, so it needs level='scalar' (it implies it), not "
                         "level='tensor'")
    return level == "scalar" or expand or slice is not None


def _scalar(t: Tensor, slice: Optional[str], strict: bool, values: bool, grads: bool, names: Any, weights: str,
            max_elements: int, max_nodes: int, rankdir: str, titles: dict[int, str], caption: Optional[str],
            notation: str) -> GraphView:
    """The whole expanded graph when it is small enough and no slice is asked for (`strict`: else refuse it, as
    expand=True always did), otherwise the slice asked for or one chosen automatically (AutomaticSlice says which)."""
    from .scalar_view import TooManyElements, scalar_view
    from .slice_view import AutomaticSlice, sliced_view

    why = None
    if slice is None:
        try:
            whole = scalar_view(t, values=values, names=names, weights=weights, max_elements=max_elements,
                                rankdir=rankdir, titles=titles, caption=caption, notation=notation)
            whole.selection, whole.chosen, whole.too_large = None, False, None
            return whole
        except TooManyElements as err:
            if strict:
                raise
            why = err
    elif weights != "labels":
        raise ValueError(f"viz.draw: weights={weights!r} draws weights as nodes, which a slice cannot (its weights "
                         "are the edge labels); leave weights='labels'")
    view = sliced_view(t, slice=slice, values=values, names=names, max_elements=max_elements, max_nodes=max_nodes,
                       rankdir=rankdir, titles=titles, caption=caption, notation=notation, grads=grads)
    view.too_large = why
    if why is not None:
        warnings.warn(AutomaticSlice(f"viz.draw(level='scalar'): {why.what} ({labels.shape_text(why.shape)}) has "
                                     f"{why.count} elements, more than max_elements={why.limit}, so a slice was chosen "
                                     f"automatically: {view.selection.text} — {view.selection.describe()}; "
                                     f"{view.element_count} elements, {view.coupling_count} couplings. Pick another "
                                     "with slice='NAME[i, j, a:b, …]'"), stacklevel=3)
    return view
