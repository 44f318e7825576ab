"""One traced forward pass of a Module, as a tree of module calls holding the Functions they recorded: what
ONNX export and `to_torch` read. The model runs once on an example input with recording on (the input is made
to require grad, so ops on the input alone are recorded too); forward hooks mark each module call, an autograd
observer collects each Function in the order it ran."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Optional, Union

import numpy as np

from ..autograd import COMPOSITE, Function, enable_grad, observe
from ..tensor import Tensor

Example = Union[Tensor, np.ndarray, tuple, list]


@dataclass
class OpStep:
    """One Function application: its inputs (Tensors, constants included) and its output."""

    fn: Function
    output: Tensor

    @property
    def inputs(self) -> tuple[Tensor, ...]:
        return tuple(self.fn.inputs)


@dataclass
class CallStep:
    """One module call: the qualified name ("" for the root), the module, its tensor arguments, its output
    and, in order, the Functions and module calls that ran inside it."""

    name: str
    module: Any
    inputs: list[Tensor]
    output: Any
    steps: list[Union[OpStep, "CallStep"]] = field(default_factory=list)
    #: the input this call handed back unchanged (eval-mode Dropout, Identity): its output is a new alias of it
    alias_of: Optional[Tensor] = None

    def flat(self) -> Iterator[Union[OpStep, "CallStep"]]:
        """Every step inside, depth first in the order they ran (module calls before their contents)."""
        for step in self.steps:
            yield step
            if isinstance(step, CallStep):
                yield from step.flat()


@dataclass
class Trace:
    """The root call, the example inputs as traced (copies requiring grad) and the model's outputs."""

    root: CallStep
    inputs: list[Tensor]
    outputs: list[Tensor]

    def calls(self) -> Iterator[CallStep]:
        yield self.root
        yield from (s for s in self.root.flat() if isinstance(s, CallStep))


def example_tensors(example: Example, owner: str) -> list[Tensor]:
    """The example input(s) as fresh float Tensors that require grad (a Tensor, an array or a tuple of them)."""
    items = list(example) if isinstance(example, (tuple, list)) else [example]
    if not items:
        raise ValueError(f"{owner}: example_input is empty; pass a Tensor or an array of the input's shape")
    tensors = []
    for k, item in enumerate(items):
        data = item.data if isinstance(item, Tensor) else item
        if not isinstance(data, np.ndarray):
            raise TypeError(f"{owner}: example input {k} is a {type(item).__name__}, not a Tensor or a NumPy array")
        if data.dtype.kind != "f":
            raise TypeError(f"{owner}: example input {k} has dtype {data.dtype}; a traced input must be floating "
                            "point (float32 as the model's parameters)")
        tensors.append(Tensor(np.array(data, copy=True), requires_grad=True))
    return tensors


def _outputs(value: Any, owner: str) -> list[Tensor]:
    items = list(value) if isinstance(value, (tuple, list)) else [value]
    if not items or not all(isinstance(t, Tensor) for t in items):
        kinds = [type(t).__name__ for t in items]
        raise TypeError(f"{owner}: the model must return a Tensor or a tuple of Tensors, got {kinds}")
    return items


def trace(model: Any, example: Example, owner: str) -> Trace:
    """Run `model` once in eval mode (restored afterwards) on `example` and record its calls and Functions."""
    from ..nn import Module

    if not isinstance(model, Module):
        raise TypeError(f"{owner}: expected a tinygrad_edu.nn.Module, got {type(model).__name__}")
    inputs = example_tensors(example, owner)
    names: dict[int, str] = {}
    for name, module in model.named_modules():
        names.setdefault(id(module), name)
    thread = threading.get_ident()
    root = CallStep("", model, list(inputs), None)
    stack = [root]

    def before(module: Any, args: tuple) -> None:
        tensors = [a for a in args if isinstance(a, Tensor)]
        stack.append(CallStep(names.get(id(module), "?"), module, tensors, None))

    def after(module: Any, args: tuple, output: Any) -> Any:
        call = stack.pop()
        if isinstance(output, Tensor) and any(output is a for a in call.inputs):
            call.alias_of = output  # an identity call (eval-mode dropout) gets its own output tensor
            output = Tensor._make(output.data, True)
        call.output = output
        stack[-1].steps.append(call)
        return output

    def record(fn: Function) -> None:
        if threading.get_ident() == thread:
            stack[-1].steps.append(OpStep(fn, fn.output))

    handles = []
    for _, module in model.named_modules():
        if module is not model:
            handles.append(module.register_forward_pre_hook(before))
            handles.append(module.register_forward_hook(after))
    modes = [(module, module.training) for module in model.modules()]
    model.eval()
    stop = observe(record)
    try:
        with enable_grad():
            output = model(*inputs)
    finally:
        stop()
        for handle in handles:
            handle.remove()
        for module, training in modes:  # each module's own mode back (a frozen batch norm stays in eval)
            module.training = training
    outputs = _outputs(output, owner)
    root.output = output
    return Trace(root, inputs, outputs)


def same(a: Any, b: Any) -> bool:
    """Equal attributes or constants of two traces (arrays by value, NaN equal to NaN)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape or a.dtype != b.dtype:
            return False
        return bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return a is b


def module_of(fn: Function) -> tuple[str, str, list[str]]:
    """The innermost module call an op ran in, (qualified name, class name), "" for the model's own forward,
    and the functional compositions (F.cross_entropy, F.local_response_norm, ...) it ran inside there."""
    name, kind, composites = "", "", []
    for entry, entry_kind in fn.scope:
        if entry_kind.startswith(COMPOSITE):
            composites.append(entry)
        else:
            name, kind, composites = entry, entry_kind, []
    return name, kind, composites


def describe(fn: Function) -> str:
    """"Relu in module 'features.1' (ReLU) at net.py:12": an op, the module call it ran in and the user's line."""
    name, kind, composites = module_of(fn)
    module = f"module {name!r} ({kind})" if name else f"{kind or 'the model'}.forward"
    inside = "".join(f" in {c}" for c in reversed(composites))
    site = f" at {fn.site[0]}:{fn.site[1]}" if fn.site else ""
    return f"{fn.name}{inside} in {module}{site}"


def _walk(call: CallStep, opaque: Callable[[CallStep], bool]) -> Iterator[Union[OpStep, CallStep]]:
    """The steps inside `call` in the order they ran, not looking inside calls that are `opaque`."""
    for step in call.steps:
        yield step
        if isinstance(step, CallStep) and not opaque(step):
            yield from _walk(step, opaque)


def _fingerprint(t: Trace, model: Any, opaque: Callable[[CallStep], bool]) -> list[tuple[str, str, Any, list, str]]:
    """Per step: its kind, its name, its attributes, the constants it reads (inputs that no step made and
    that are not parameters, buffers or the model's inputs) and where it ran."""
    made = {id(x) for x in t.inputs}
    known = {id(p) for p in model.parameters()} | {id(b) for b in model.buffers()}
    out = []
    for step in _walk(t.root, opaque):
        if isinstance(step, CallStep):
            out.append(("call", step.name, None, [], f"the call of module {step.name!r}"))
            if isinstance(step.output, Tensor):
                made.add(id(step.output))
            continue
        constants = [x.data for x in step.inputs if id(x) not in made and id(x) not in known]
        out.append(("op", step.fn.name, step.fn.attrs, constants, describe(step.fn)))
        made.add(id(step.output))
    return out


def check_static(model: Any, first: Trace, owner: str, opaque: Optional[Callable[[CallStep], bool]] = None,
                 seed: int = 0) -> None:
    """Trace again on another input drawn with the example's mean and spread: the same steps with the same
    attributes and constants must come out, or the graph depends on the input's values in a way a static graph
    cannot hold (a branch on the data, a mask or index computed from the input by a non-differentiable op,
    random numbers in forward). A best effort: a branch both inputs take alike goes unseen. The insides of
    `opaque` calls (layers handed over whole) are not compared."""
    opaque = opaque or (lambda call: False)
    rng = np.random.default_rng(seed)
    other = []
    for x in first.inputs:
        scale = float(np.std(x.data)) if x.data.size > 1 and np.std(x.data) > 0 else 1.0
        other.append((float(np.mean(x.data)) + scale * rng.standard_normal(x.shape)).astype(x.dtype))
    second = trace(model, tuple(other), owner)
    a, b = _fingerprint(first, model, opaque), _fingerprint(second, model, opaque)
    for one, two in zip(a, b):
        if one[:2] != two[:2]:
            raise ValueError(f"{owner}: the recorded graph changes with the input's values: {one[4]} ran on the "
                             f"example, {two[4]} on another input (data-dependent control flow); a static graph "
                             "cannot hold it")
        if not same(one[2], two[2]) or not same(one[3], two[3]):
            raise ValueError(f"{owner}: {one[4]} reads a constant or attribute that changes with the input's values "
                             "(a mask, index or random number computed outside the recorded graph, e.g. x * (x > 0) "
                             "instead of relu); a static graph would freeze the example's value")
    if len(a) != len(b):
        raise ValueError(f"{owner}: another input recorded {len(b)} steps instead of {len(a)} (data-dependent "
                         "control flow); a static graph cannot hold it")
