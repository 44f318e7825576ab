"""The backward pass as steps, one per graph node in the engine's order: incoming δ, the node's rule, what it
hands each input, the user's line and module; a cursor with breakpoints walks it. No `.grad` is touched."""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping, Optional, Union, overload

import numpy as np

from .. import backend
from ..autograd import BackwardStep, Function, backward_steps, no_grad
from ..graph import caller_variables, variable_names
from ..tensor import Tensor
from .breakpoints import Breakpoint
from ..viz.composites import CompositeCall, ExpandSpec, composite_calls
from ..viz.labels import clean
from ..viz.notation import lecture_names
from .formulas import formula_lines
from .naming import forward_order, tensor_labels
from .sites import source_line
from .stats import GradStats, json_number

if TYPE_CHECKING:
    from .explain import Explanation


@dataclass(frozen=True)
class Step:
    """One node of the backward pass: δ arrives at `fn`'s output, `fn`'s rule turns it into `grads_in`.
    `index` is its 0-based place (as `steps[index]`); what people read counts 1…N ("step 1: cross_entropy").
    A composition's call (cross_entropy, linear, …) is one step: `fn` is its viz.composites.CompositeCall,
    `primitives` the ops it ran (engine order) and `grads_in` what they handed its inputs, summed as the engine sums."""

    index: int
    op: str
    fn: Union[Function, CompositeCall]
    module: Optional[str]
    module_path: tuple[str, ...]
    site: Optional[tuple[str, int]]
    source_line: Optional[str]
    rule_unicode: str
    rule_latex: str
    output_name: str
    grad_out: np.ndarray
    input_names: tuple[str, ...]
    grads_in: tuple[Optional[np.ndarray], ...]
    stats_out: GradStats
    stats_in: tuple[Optional[GradStats], ...]
    primitives: tuple[str, ...] = ()
    grad_name: str = "δ"
    """What the gradient arriving here is called: δ, or in the lecture's notation δ_r (at u_r), ∂E/∂z_r (at z_r)."""

    @property
    def is_composite(self) -> bool:
        return isinstance(self.fn, CompositeCall)

    @property
    def has_nonfinite(self) -> bool:
        """True when NaN/Inf arrive here or leave from here."""
        counts = [self.stats_out.nonfinite] + [s.nonfinite for s in self.stats_in if s is not None]
        return any(c for c in counts)

    def where(self) -> str:
        """"file.py:12" (or "?" when the op was recorded inside the library itself)."""
        return "?" if self.site is None else f"{os.path.basename(self.site[0])}:{self.site[1]}"

    def to_dict(self, max_elements: int = 256) -> dict[str, Any]:
        """JSON-safe: arrays with at most `max_elements` entries carry their values, larger ones only stats."""
        return {"index": self.index, "op": self.op, "module": self.module, "module_path": list(self.module_path),
                "site": None if self.site is None else {"file": self.site[0], "line": self.site[1]},
                "source_line": self.source_line, "rule_unicode": self.rule_unicode, "rule_latex": self.rule_latex,
                "output_name": self.output_name, "input_names": list(self.input_names),
                "grad_out": array_dict(self.grad_out, max_elements),
                "grads_in": [None if g is None else array_dict(g, max_elements) for g in self.grads_in],
                "stats_out": self.stats_out.to_dict(),
                "stats_in": [None if s is None else s.to_dict() for s in self.stats_in],
                "primitives": list(self.primitives), "grad_name": self.grad_name}

    def _repr_html_(self) -> str:
        """Jupyter: the step as a card (rule typeset, statistics, heat maps)."""
        from .notebook import step_html

        return step_html(self)

    def _repr_markdown_(self) -> str:
        from .notebook import step_markdown

        return step_markdown(self)

    def formula(self, index: Any = (), input: Optional[int] = None) -> Any:
        """The entry `index` of the gradient arriving here (or of the one handed to input number `input`): on SymPy
        values the expression the backward pass built, e.g. δ₂·W₂₁·(1 − tanh²(u₁)); a number otherwise."""
        array = self.grad_out if input is None else self.grads_in[input]
        if array is None:
            raise ValueError(f"step {self.index + 1} ({self.op}) hands no gradient to input {input}")
        return array[index] if array.ndim else array[()]

    def explain(self, index: Any, input: Optional[int] = None) -> "Explanation":
        """The sum behind entry `index` of the gradient handed to input number `input` (default: the first that
        gets one): the local rule's terms with their numbers (or SymPy expressions), e.g.
        δ_x[0, 0, 3, 4] = Σ_{o,p,q} W[o, 0, p, q]·δ[0, o, 3−p, 4−q] = 0.12·(−0.03) + … (inspect.explain)."""
        from .explain import explain

        return explain(self, index, input)

    def __str__(self) -> str:
        module = f" in module {self.module}" if self.module else ""
        code = f"  {self.source_line}" if self.source_line else ""
        lines = [f"step {self.index + 1}: {self.op}{module} at {self.where()}{code}",
                 f"  rule: {self.rule_unicode}" if self.rule_unicode else "  rule: (none stated)",
                 *([f"  (one composition of {len(self.primitives)} ops: {', '.join(self.primitives)})"]
                   if self.primitives else []),
                 f"  {self.grad_name} at {self.output_name}: {self.stats_out}"]
        lines += formula_lines(self.grad_out, self.grad_name)
        for name, stats, grad in zip(self.input_names, self.stats_in, self.grads_in):
            lines.append(f"  → {name}: {stats if stats is not None else 'no gradient'}")
            lines += formula_lines(grad, "")
        return "\n".join(lines)


class Steps:
    """The steps of one backward pass with a cursor (`position`, -1 before the first step) and breakpoints."""

    def __init__(self, root: Tensor, steps: list[Step], grads: dict[int, np.ndarray], labels: dict[int, str],
                 expand_composites: ExpandSpec = False, notation: str = "code") -> None:
        self.root = root
        self.expand_composites = expand_composites
        self.notation = notation
        self._steps = steps
        self._grads = grads
        self._labels = labels
        self.position = -1
        self.breakpoints: list[Breakpoint] = []

    # ---- the sequence ---------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._steps)

    @overload
    def __getitem__(self, index: int) -> Step: ...

    @overload
    def __getitem__(self, index: slice) -> list[Step]: ...

    def __getitem__(self, index: Union[int, slice]) -> Union[Step, list[Step]]:
        return self._steps[index]

    def __iter__(self) -> Iterator[Step]:
        return iter(self._steps)

    def __repr__(self) -> str:
        return f"Steps({len(self)} steps of the backward pass of {self.label(self.root)}, position {self.position})"

    def _repr_html_(self) -> str:
        """Jupyter: the HTML stepper inline (graph, rules, heat maps; arrow keys step)."""
        from .notebook import steps_html

        return steps_html(self)

    def label(self, t: Tensor) -> str:
        """The name this listing uses for a tensor of the graph."""
        return self._labels.get(id(t), "?")

    def grad_of(self, t: Tensor) -> Optional[np.ndarray]:
        """d root / d t as the pass computed it (None if t is not in the graph or gets no gradient)."""
        return self._grads.get(id(t))

    # ---- the cursor -----------------------------------------------------------------------------
    @property
    def current(self) -> Optional[Step]:
        return self._steps[self.position] if 0 <= self.position < len(self._steps) else None

    def next(self) -> Optional[Step]:
        """Advance one step; at the last step stay there and return None."""
        if self.position + 1 >= len(self._steps):
            return None
        self.position += 1
        return self.current

    def prev(self) -> Optional[Step]:
        """Go back one step; from the first step go to before it (position -1) and return None."""
        if self.position < 0:
            return None
        self.position -= 1
        return self.current

    def goto(self, index: int) -> Step:
        if not isinstance(index, (int, np.integer)) or isinstance(index, bool):
            raise TypeError(f"Steps.goto: index must be an int, got {type(index).__name__}")
        if not 0 <= index < len(self._steps):
            raise IndexError(f"Steps.goto: step {index} is out of range 0..{len(self._steps) - 1} "
                             f"({len(self._steps)} steps)")
        self.position = int(index)
        return self._steps[self.position]

    def reset(self) -> None:
        self.position = -1

    # ---- breakpoints ----------------------------------------------------------------------------
    def break_on(self, op: Optional[Union[str, type]] = None, module: Optional[str] = None,
                 condition: Optional[Callable[[Step], bool]] = None) -> Breakpoint:
        """Stop `continue_` / `reverse_continue` at steps of this op (name or Function class), inside this
        module (qualified name), where `condition(step)` holds; all parts given must hold."""
        if op is None and module is None and condition is None:
            raise ValueError("Steps.break_on: give at least one of op, module or condition")
        if isinstance(op, str) and all(s.op != op and op not in s.primitives for s in self._steps):
            raise ValueError(f"Steps.break_on: no step has op {op!r}; the ops of this backward pass are "
                             f"{sorted({s.op for s in self._steps})}")
        if op is not None and not isinstance(op, (str, type)):
            raise TypeError(f"Steps.break_on: op must be a Function name or class, got {type(op).__name__}")
        if module is not None and all(module not in s.module_path for s in self._steps):
            modules = sorted({m for s in self._steps for m in s.module_path})
            raise ValueError(f"Steps.break_on: no step ran inside module {module!r}; the modules of this backward "
                             f"pass are {modules}")
        if condition is not None and not callable(condition):
            raise TypeError(f"Steps.break_on: condition must be callable, got {type(condition).__name__}")
        point = Breakpoint(op, module, condition)
        self.breakpoints.append(point)
        return point

    def remove_breakpoint(self, point: Breakpoint) -> None:
        self.breakpoints.remove(point)

    def clear_breakpoints(self) -> None:
        self.breakpoints.clear()

    def _stops(self, step: Step) -> bool:
        return any(point.hits(step) for point in self.breakpoints)

    def continue_(self) -> Optional[Step]:
        """Move forward to the next step that hits a breakpoint; if none does, stay and return None."""
        for step in self._steps[self.position + 1:]:
            if self._stops(step):
                self.position = step.index
                return step
        return None

    def reverse_continue(self) -> Optional[Step]:
        """Move back to the previous step that hits a breakpoint; if none does, stay and return None."""
        for step in reversed(self._steps[:max(self.position, 0)]):
            if self._stops(step):
                self.position = step.index
                return step
        return None

    def first_nonfinite(self) -> Optional[Step]:
        """The first step (engine order) where a NaN/Inf arrives or leaves; the cursor does not move."""
        return next((step for step in self._steps if step.has_nonfinite), None)

    # ---- export ---------------------------------------------------------------------------------
    def to_dict(self, max_elements: int = 256) -> dict[str, Any]:
        """The whole pass, JSON-safe (lists, floats, strings, None), for the HTML stepper."""
        return {"root": {"name": self.label(self.root), "shape": list(self.root.shape), "dtype": str(self.root.dtype)},
                "position": self.position, "length": len(self._steps),
                "breakpoints": [str(point) for point in self.breakpoints],
                "steps": [step.to_dict(max_elements) for step in self._steps]}


def steps(t: Tensor, gradient: Optional[Any] = None, names: Any = None,
          variables: Optional[Mapping[str, Any]] = None, expand_composites: ExpandSpec = False,
          notation: str = "code") -> Steps:
    """Run the backward pass of `t` and record it step by step, in the engine's order, without touching any
    `.grad` and keeping the graph (so `t.backward()` still works afterwards). `gradient` is the upstream δ
    (default 1 for a scalar); `names` (a Module or name → Tensor mapping) names the parameters; tensors held in
    `variables` (default: the caller's locals and globals) are called by their variable names. A composition's
    call (cross_entropy, linear, batch_norm, …) is one step with its own rule, placed where δ reaches its result
    (its first primitive in the engine's order); `expand_composites=True` (or their names) steps through the
    primitives instead. notation="lecture" calls the tensors u_r, z_r, W_r, b_r, E and the gradients δ_r as the
    lecture does (viz.notation)."""
    found = caller_variables() if variables is None else variable_names(variables)
    seed = _seed_gradient(t, gradient)
    tensors = forward_order(t)
    freed = next((x for x in reversed(tensors) if x._ctx is not None and x._ctx.freed), None)
    if freed is not None:
        raise RuntimeError(f"inspect.steps: the graph through {freed._ctx.name} (output shape {freed.shape}) was freed "
                           "by an earlier backward(); call steps() before backward(), or backward(retain_graph=True)")
    labels = tensor_labels(t, names, found, notation)
    deltas = lecture_names(t, tensors).deltas if notation == "lecture" else {}
    capture: dict[int, Any] = {id(x): None for x in tensors if x.requires_grad}
    owner = composite_calls([x._ctx for x in tensors if x._ctx is not None], t, expand_composites)
    raws = [raw for raw in backward_steps(t, seed, retain_graph=True, capture=capture) if raw.fn is not None]
    groups: dict[int, list[BackwardStep]] = {}
    for raw in raws:
        if id(raw.fn) in owner:
            groups.setdefault(id(owner[id(raw.fn)]), []).append(raw)
    recorded: list[Step] = []
    for raw in raws:
        call = owner.get(id(raw.fn))
        if call is None:
            recorded.append(_make_step(len(recorded), raw.fn, raw.tensor, raw.grad, raw.input_grads, labels))
            continue
        group = groups[id(call)]
        if raw is not group[0]:
            continue
        if any(r.tensor is call.output for r in group):
            recorded.append(_composite_step(len(recorded), call, group, labels))
        else:  # no δ reached the call's result (only some primitives ran): show those as they are
            recorded.extend(_make_step(len(recorded) + n, r.fn, r.tensor, r.grad, r.input_grads, labels)
                            for n, r in enumerate(group))
    grads = {key: g.data for key, g in capture.items() if g is not None}
    if deltas:
        recorded = [dataclasses.replace(step, grad_name=deltas.get(id(step.fn.output), "δ")) for step in recorded]
    return Steps(t, recorded, grads, labels, expand_composites, notation)


def _seed_gradient(t: Tensor, gradient: Optional[Any]) -> Tensor:
    if not isinstance(t, Tensor):
        raise TypeError(f"inspect.steps: expected a Tensor, got {type(t).__name__}")
    if not t.requires_grad:
        raise RuntimeError(f"inspect.steps: the tensor of shape {t.shape} does not require grad, so it has no "
                           "backward pass; set requires_grad=True on an input that leads to it")
    if gradient is None:
        if t.numel() != 1:
            raise RuntimeError(f"inspect.steps: the tensor has shape {t.shape}; a gradient can be implied only for "
                               f"a scalar (one element), so pass gradient= of shape {t.shape}")
        return Tensor._make(backend.ones(t.shape, t.data), False)
    seed = gradient if isinstance(gradient, Tensor) else Tensor(gradient, dtype=t.dtype)
    if seed.shape != t.shape:
        raise RuntimeError(f"inspect.steps: gradient has shape {seed.shape} but the tensor has shape {t.shape}; "
                           "they must match")
    return seed


def _make_step(index: int, fn: Function, out: Tensor, grad: Tensor, input_grads: tuple[Optional[Tensor], ...],
               labels: dict[int, str]) -> Step:
    path = tuple(clean(name or kind) for name, kind in fn.scope)
    arrays = tuple(None if g is None else g.data for g in input_grads)
    return Step(index=index, op=fn.name, fn=fn, module=path[-1] if path else None, module_path=path,
                site=fn.site, source_line=source_line(fn.site), rule_unicode=fn.rule_unicode,
                rule_latex=fn.rule_latex, output_name=labels.get(id(out), "?"), grad_out=grad.data,
                input_names=tuple(labels.get(id(x), "?") for x in fn.inputs), grads_in=arrays,
                stats_out=GradStats.of(grad.data),
                stats_in=tuple(None if a is None else GradStats.of(a) for a in arrays))


def _composite_step(index: int, call: CompositeCall, raws: list[BackwardStep], labels: dict[int, str]) -> Step:
    """One step for a composition's call: δ at its output, and for each of its inputs (`call.inputs`) the sum of
    what its primitives handed that input, added in the engine's order with the engine's own addition, so the
    numbers are bit for bit those of backward()."""
    grad_out = next(raw.grad for raw in raws if raw.tensor is call.output)
    shown = call.inputs
    totals: dict[int, Optional[Tensor]] = {id(x): None for x in shown}
    with no_grad():
        for raw in raws:
            for x, g in zip(raw.fn.inputs, raw.input_grads):
                if g is None or id(x) not in totals or not x.requires_grad:
                    continue
                before = totals[id(x)]
                totals[id(x)] = g if before is None else before + g
    arrays = tuple(None if totals[id(x)] is None else totals[id(x)].data for x in shown)
    path = tuple(clean(name or kind) for name, kind in call.scope[:-1])
    return Step(index=index, op=call.name, fn=call, module=path[-1] if path else None, module_path=path,
                site=call.site, source_line=source_line(call.site), rule_unicode=call.rule_unicode,
                rule_latex=call.rule_latex, output_name=labels.get(id(call.output), "?"), grad_out=grad_out.data,
                input_names=tuple(labels.get(id(x), "?") for x in shown), grads_in=arrays,
                stats_out=GradStats.of(grad_out.data),
                stats_in=tuple(None if a is None else GradStats.of(a) for a in arrays),
                primitives=tuple(raw.fn.name for raw in raws))


def array_dict(array: np.ndarray, max_elements: int = 256) -> dict[str, Any]:
    """Shape, dtype and (when small enough) the values as nested lists; non-finite numbers as strings,
    SymPy expressions as their text."""
    values = None
    if array.size <= max_elements:
        flat = [str(v) if array.dtype == object else json_number(float(v)) for v in array.ravel()]
        values = _nest(flat, array.shape)
    return {"shape": list(array.shape), "dtype": str(array.dtype), "values": values}


def _nest(flat: list[Any], shape: tuple[int, ...]) -> Any:
    if not shape:
        return flat[0]
    step = len(flat) // shape[0] if shape[0] else 0
    return [_nest(flat[i * step:(i + 1) * step], shape[1:]) for i in range(shape[0])]
