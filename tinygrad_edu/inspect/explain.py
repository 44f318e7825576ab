"""One gradient entry as the sum that produced it: δ_x[0, 0, 3, 4] = Σ_{o,p,q} W[o, 0, p, q]·δ[0, o, 3−p, 4−q]
= 0.12·(−0.03) + … — the terms of the step's local backward rule, derived from the op's geometry and its forward
values (explain_rules), or for any other op the exact local Jacobian column J[j, i] = ∂out[j]/∂in[i] read off
its own backward code (explain_generic), with their numbers, or SymPy expressions on symbolic values."""
from __future__ import annotations

import dataclasses
import html
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional, Union

import numpy as np
from ..lazy_sympy import sympy

from .explain_generic import generic_plan
from .explain_rules import Plan, Unexplained, plan_for
from .formulas import formula_text, index_text

if TYPE_CHECKING:
    from .steps import Step

SHOWN_TERMS = 8


@dataclass(frozen=True)
class Term:
    """One product of the sum: coefficient (the local derivative entry, e.g. W[o, c, p, q], or f'(u)[i]) times the
    upstream δ entry it meets."""

    coefficient_name: str
    coefficient_index: tuple[int, ...]
    coefficient_value: Any
    upstream_index: tuple[int, ...]
    upstream_value: Any
    product: Any

    @property
    def coefficient(self) -> str:
        return f"{self.coefficient_name}{index_text(self.coefficient_index)}"

    def __str__(self) -> str:
        return f"{self.coefficient}·δ{index_text(self.upstream_index)} = {_factor(self.coefficient_value)}·" \
               f"{_factor(self.upstream_value)} = {_number(self.product)}"


@dataclass(frozen=True)
class Explanation:
    """Gradient entry `index` handed to input number `input` of a step: its `value` (as the step holds it), the
    `terms` of its local rule, the rule in the lecture's notation with the index mapping (`rule`), and `total`, the
    exact sum of the terms. `explained` is False (with `reason`) for an op without an explainer: then there are no
    terms and only the value is shown."""

    step: int
    op: str
    input: int
    input_name: str
    grad_name: str
    index: tuple[int, ...]
    value: Any
    terms: tuple[Term, ...]
    rule: str
    total: Any
    explained: bool = True
    reason: str = ""

    @property
    def symbolic(self) -> bool:
        return isinstance(self.value, sympy.Basic)

    @property
    def entry(self) -> str:
        return f"{self.grad_name}{index_text(self.index)}"

    def largest(self, count: int = SHOWN_TERMS) -> list[Term]:
        """The `count` terms of largest |product| (numbers), or the first `count` (symbols), in the sum's order."""
        if self.symbolic or len(self.terms) <= count:
            return list(self.terms[:count])
        order = sorted(range(len(self.terms)), key=lambda k: -abs(float(self.terms[k].product)))[:count]
        return [self.terms[k] for k in sorted(order)]

    def __str__(self) -> str:
        head = f"step {self.step + 1} ({self.op}) → {self.input_name}: "
        if not self.explained:
            return f"{head}{self.entry} = {_number(self.value)}\n  ({self.reason})"
        shown = self.largest()
        more = len(self.terms) - len(shown)
        products = " + ".join(f"{_factor(t.coefficient_value)}·{_factor(t.upstream_value)}" for t in shown)
        products += f" + … ({more} more terms)" if more else ""
        lines = [head + self.rule, f"  = {products or '0 (no terms)'}", f"  = {_number(self.total)}"]
        if self.symbolic:
            lines[1] = "  = " + " + ".join(f"{t.coefficient}·δ{index_text(t.upstream_index)}" for t in shown) + \
                (f" + … ({more} more terms)" if more else "")
        lines += [f"    {t}" for t in shown]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><td>{html.escape(t.coefficient)}</td><td>{html.escape(_number(t.coefficient_value))}</td>"
                       f"<td>δ{html.escape(index_text(t.upstream_index))}</td>"
                       f"<td>{html.escape(_number(t.upstream_value))}</td><td>{html.escape(_number(t.product))}</td></tr>"
                       for t in self.largest())
        if not self.explained:
            return (f"<div><b>{html.escape(self.entry)}</b> = {html.escape(_number(self.value))}"
                    f"<br><i>{html.escape(self.reason)}</i></div>")
        more = len(self.terms) - len(self.largest())
        tail = f"<tr><td colspan=5>+ {more} more terms</td></tr>" if more else ""
        return (f"<div><div><b>{html.escape(self.rule)}</b></div><table><tr><th>coefficient</th><th>value</th>"
                f"<th>upstream</th><th>value</th><th>product</th></tr>{rows}{tail}</table>"
                f"<div>= {html.escape(_number(self.total))}</div></div>")

    def _repr_latex_(self) -> str:
        entry = _latex_entry(self.grad_name, self.index)
        if not self.explained:
            return f"${entry} = {sympy.latex(self.value) if self.symbolic else _number(self.value).replace('−', '-')}$"
        if self.symbolic:
            return f"${entry} = {sympy.latex(self.total)}$"
        shown = self.largest()
        more = len(self.terms) - len(shown)
        body = " + ".join(rf"({_number(t.coefficient_value)})({_number(t.upstream_value)})" for t in shown)
        body += rf" + \dots\ ({more}\text{{ more}})" if more else ""
        return f"${entry} = {body} = {_number(self.total)}$".replace("−", "-")


def explain(step: "Step", index: Any, input: Optional[int] = None) -> Explanation:
    """The sum behind entry `index` of the gradient the step hands its input number `input` (default: the first
    input that gets one, so conv2d's δ_x before its ∂E/∂W)."""
    k = default_input(step) if input is None else input
    if not 0 <= k < len(step.grads_in):
        raise IndexError(f"Step.explain: input {k} is out of range; step {step.index + 1} ({step.op}) has "
                         f"{len(step.grads_in)} inputs")
    grad = step.grads_in[k]
    if grad is None:
        raise ValueError(f"step {step.index + 1} ({step.op}) hands no gradient to input {k} ({step.input_names[k]})")
    where = _index(index, grad.shape, step)
    value = grad[where]
    name = f"δ_{short_name(step.input_names[k])}"
    common = dict(step=step.index, op=step.op, input=k, input_name=step.input_names[k], grad_name=name, index=where,
                  value=value)
    found = step_terms(step, k, where)
    if isinstance(found, str):
        return Explanation(terms=(), rule="", total=None, explained=False, reason=found, **common)
    plan, terms, total = found
    rule = f"{name}{index_text(where)} = {plan.rule}"
    return Explanation(terms=tuple(terms), rule=rule, total=total, **common)


def step_terms(step: "Step", k: int, where: tuple[int, ...]) -> Union[tuple[Plan, list[Term], Any], str]:
    """(plan, terms, total) of entry `where` of input k's gradient: the op's own rule when it has one and its terms
    add up, else the exact Jacobian fallback (explain_generic); a reason (str) when neither explains the entry."""
    value = step.grads_in[k][where]
    planners = ((lambda: plan_for(step.fn, k, where, step.grad_out), f"{step.op}'s rule"),
                (lambda: generic_plan(step.fn, k, where, step.grad_out, value), f"{step.op}'s local Jacobian"))
    reasons = []
    for planner, source in planners:
        try:
            plan = planner()
        except Unexplained as why:
            reasons.append(f"no explainer for {step.op} here: {why}")
            continue
        plan = dataclasses.replace(plan, rule=with_names(plan.rule, step),
                                   coefficient_name=with_names(plan.coefficient_name, step))
        terms = _terms(plan, step.grad_out)
        total = _total([t.product for t in terms], value)
        if _adds_up(terms, total, value):
            return plan, terms, total
        reasons.append(f"the terms of {source} sum to {_number(total)}, not to the value: this use of the op is not "
                       "covered by its explainer")
    return "; ".join(dict.fromkeys(reasons)) + "; the value is shown as computed"


def _adds_up(terms: list[Term], total: Any, value: Any) -> bool:
    """A guard, never a wrong sum: on numbers the terms must give the entry up to rounding (within 10⁻⁶ of the sum
    of |products| in float64, 10⁻⁴ in float32 with its accumulation, and a few units of rounding of Σ|δ| where the
    backward cancels, as softmax's s(δ − Σ sδ) does at s ≈ 1); symbolic and non-finite entries are taken as they
    are."""
    if isinstance(total, sympy.Basic) or isinstance(value, sympy.Basic) or not math.isfinite(float(value)):
        return True
    scale = math.fsum(abs(float(t.product)) for t in terms)
    double = getattr(value, "dtype", None) == np.float64
    tolerance, eps = (1e-6, 2.0 ** -52) if double else (1e-4, 2.0 ** -23)
    cancelled = 8 * eps * math.fsum(abs(float(t.upstream_value)) * max(1.0, abs(float(t.coefficient_value)))
                                    for t in terms)
    return abs(total - float(value)) <= tolerance * max(scale, abs(float(value))) + cancelled + 1e-30


def default_input(step: "Step") -> int:
    return next((k for k, g in enumerate(step.grads_in) if g is not None), 0)


def _index(index: Any, shape: tuple[int, ...], step: "Step") -> tuple[int, ...]:
    where = (index,) if isinstance(index, (int, np.integer)) else tuple(index)
    if len(where) != len(shape) or not all(isinstance(i, (int, np.integer)) for i in where):
        raise IndexError(f"Step.explain: index {index!r} does not name one entry of a gradient of shape {shape} "
                         f"(step {step.index + 1}, {step.op})")
    if any(not -n <= i < n for i, n in zip(where, shape)):
        raise IndexError(f"Step.explain: index {index!r} is out of range for shape {shape}")
    return tuple(int(i) % n for i, n in zip(where, shape))


def _terms(plan: Plan, delta: np.ndarray) -> list[Term]:
    count = len(plan.coefficients)
    if count == 0:
        return []
    upstream = np.asarray(plan.upstream, dtype=np.int64).reshape(count, delta.ndim)
    up = [tuple(row) for row in upstream.tolist()]
    coef_at = [tuple(row) for row in np.asarray(plan.coefficient_index, dtype=np.int64).reshape(count, -1).tolist()] \
        if plan.coefficient_index is not None else [()] * count
    deltas = (delta[tuple(upstream.T)] if delta.ndim else np.full(count, delta[()], dtype=delta.dtype)).tolist()
    terms = []
    for at, u, c, d in zip(coef_at, up, plan.coefficients, deltas):
        c = c.item() if isinstance(c, np.generic) else c
        terms.append(Term(plan.coefficient_name, at, c, u, d, c * d))
    return terms


def _total(products: list[Any], like: Any) -> Any:
    if any(isinstance(p, sympy.Basic) for p in products) or isinstance(like, sympy.Basic):
        return sympy.Add(*products)
    if not products:
        return 0.0
    finite = [float(p) for p in products]
    return math.fsum(finite) if all(math.isfinite(p) for p in finite) else float(sum(finite))


def with_names(text: str, step: "Step") -> str:
    """⟨k⟩ (input number k in explain_rules) → the step's short name of input k."""
    for k, name in enumerate(step.input_names):
        text = text.replace(f"⟨{k}⟩", short_name(name))
    return text


def short_name(name: str) -> str:
    """"W₁ (c1.weight)" → "W₁": the lecture name when there is one."""
    return name.split(" (")[0] if " (" in name else name


def _number(v: Any) -> str:
    if v is None:
        return "?"
    if isinstance(v, sympy.Basic):
        return formula_text(v)
    if isinstance(v, (bool, np.bool_)):
        return str(int(v))
    f = float(v)
    text = f"{int(f)}" if math.isfinite(f) and f == int(f) and abs(f) < 1e6 else f"{f:.4g}"
    return text.replace("-", "−")


def _factor(v: Any) -> str:
    """A factor of a product: negative numbers and sums in parentheses."""
    text = _number(v)
    if isinstance(v, sympy.Basic):
        return f"({text})" if isinstance(v, sympy.Add) else text
    return f"({text})" if text.startswith("−") else text


def _latex_entry(name: str, index: tuple[int, ...]) -> str:
    base = name.replace("δ_", r"\delta_{").replace("δ", r"\delta")
    base = base + "}" if base.startswith(r"\delta_{") else base
    return base + (f"[{','.join(map(str, index))}]" if index else "")
