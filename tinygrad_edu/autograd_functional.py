"""torch.autograd.functional: Jacobians, Hessians and vector products of a whole function, on the engine's
reverse mode (`tinygrad_edu.autograd.grad`); Jacobian-vector products by the double-vjp trick, as PyTorch.

Reached as `tinygrad_edu.autograd.functional` (registered by tinygrad_edu/__init__.py). Results follow
PyTorch's structures: a tuple where the inputs (outputs) were a tuple, a Tensor where they were one; a Jacobian
block has shape out.shape + in.shape. They work on SymPy-valued tensors wherever the ops do: the Jacobian of a
function of symbols is the lecture's J, entry by entry."""
from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

from .autograd import enable_grad, grad, is_grad_enabled, set_grad_enabled
from .creation import zeros_like
from .ops import stack
from .tensor import Tensor

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]

Tensors = tuple[Tensor, ...]


def _as_tuple(value: Any, arg_name: str, fn_name: str, arrays: bool = True) -> tuple[bool, Tensors]:
    """(whether value was a tuple, value as a tuple of Tensors); NumPy arrays become Tensors where allowed."""
    is_tuple = isinstance(value, tuple)
    items = value if is_tuple else (value,)
    out = []
    for i, el in enumerate(items):
        if arrays and isinstance(el, np.ndarray):
            el = Tensor(el)
        if not isinstance(el, Tensor):
            where = f"the value at index {i} has type" if is_tuple else f"the given {arg_name} has type"
            raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors but "
                            f"{where} {type(el).__name__}.")
        out.append(el)
    return is_tuple, tuple(out)


def _outputs(out: Any, fn_name: str) -> tuple[bool, Tensors]:
    return _as_tuple(out, "outputs of the user-provided function", fn_name, arrays=False)


def _unpack(res: Any, to_unpack: Any) -> Any:
    """PyTorch's _tuple_postprocess: drop the tuple levels the caller did not pass as tuples."""
    if isinstance(to_unpack, tuple):
        if not to_unpack[1]:
            res = tuple(el[0] for el in res)
        if not to_unpack[0]:
            res = res[0]
    elif not to_unpack:
        res = res[0]
    return res


def _preprocess(inputs: Tensors, create_graph: bool, need_graph: bool) -> Tensors:
    """Fresh leaves to differentiate at; with create_graph an input that requires grad stays itself, so the
    results stay connected to whatever made it (PyTorch takes a view for the same reason)."""
    res = []
    for inp in inputs:
        if create_graph and inp.requires_grad:
            res.append(inp)
        else:
            res.append(inp.detach().requires_grad_(need_graph) if need_graph else inp.detach())
    return tuple(res)


def _postprocess(values: Any, create_graph: bool) -> Any:
    if isinstance(values, Tensor):
        return values if create_graph else values.detach()
    return tuple(_postprocess(v, create_graph) for v in values)


def _validate_v(v: Tensors, other: Tensors, is_other_tuple: bool) -> None:
    if len(other) != len(v):
        if is_other_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(other)} but got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for idx, (el_v, el_other) in enumerate(zip(v, other)):
        if el_v.shape != el_other.shape:
            prepend = f"Entry {idx} in " if is_other_tuple else ""
            raise RuntimeError(f"{prepend}v has invalid size: should be {el_other.shape} but got {el_v.shape}.")


_INDEPENDENT = {
    "hessian": ("The hessian of the user-provided function with respect to input {i} is independent of the input. "
                "This is not allowed in strict mode. You should ensure that your function is thrice differentiable "
                "and that the hessian depends on the inputs."),
    "jacobian": ("While computing the hessian, found that the jacobian of the user-provided function with respect "
                 "to input {i} is independent of the input. This is not allowed in strict mode. You should ensure "
                 "that your function is twice differentiable and that the jacobian depends on the inputs (this "
                 "would be violated by a linear function for example)."),
    "grad_inputs": ("The gradient with respect to input {i} is independent of the inputs of the user-provided "
                    "function. This is not allowed in strict mode."),
    "outputs": ("Output {i} of the user-provided function does not require gradients. The outputs must be computed "
                "in a differentiable manner from the input when running in strict mode."),
}


def _check_requires_grad(values: tuple, kind: str, strict: bool) -> None:
    if not strict:
        return
    for i, t in enumerate(values):
        if t is None:
            raise RuntimeError(f"The output of the user-provided function is independent of input {i}. This is not "
                               "allowed in strict mode.")
        if not t.requires_grad:
            raise RuntimeError(_INDEPENDENT[kind].format(i=i))


def _grad(outputs: tuple, inputs: Tensors, grad_outputs: Optional[tuple] = None, create_graph: bool = False,
          retain_graph: Optional[bool] = None) -> tuple[Optional[Tensor], ...]:
    """autograd.grad over the outputs that require grad (None for every input when none does; None for unused)."""
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    return grad([o for o, _ in pairs], list(inputs), [g for _, g in pairs], retain_graph=retain_graph,
                create_graph=create_graph, allow_unused=True)


_FILL_MESSAGES = {
    "back": "The output of the user-provided function is independent of input {i}. This is not allowed in strict "
            "mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the grad_outputs when using "
                  "the double backward trick to compute forward mode gradients. This is not allowed in strict mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. This is not allowed in "
                   "strict mode.",
    "double_back_trick": "The hessian of the user-provided function is independent of entry {i} in the grad_jacobian. "
                         "This is not allowed in strict mode as it prevents from using the double backward trick to "
                         "replace forward mode AD.",
}


def _fill_in_zeros(grads: tuple, refs: Tensors, strict: bool, create_graph: bool, stage: str) -> Tensors:
    """Zeros (the mathematically right value) where no gradient flowed; strict mode refuses instead."""
    res = []
    for i, g in enumerate(grads):
        if g is None:
            if strict:
                raise RuntimeError(_FILL_MESSAGES[stage].format(i=i))
            g = zeros_like(refs[i])
        elif strict and create_graph and not g.requires_grad:
            what = "hessian" if "double" in stage else "jacobian"
            raise RuntimeError(f"The {what} of the user-provided function is independent of input {i}. This is not "
                               "allowed in strict mode when create_graph=True.")
        res.append(g)
    return tuple(res)


def _vector(v: Any, refs: Tensors, is_refs_tuple: bool, fn_name: str, create_graph: bool, what: str) -> Tensors:
    """The user's v checked against refs (the inputs or the outputs), or the implicit 1 of a one-element ref."""
    if v is not None:
        _, v = _as_tuple(v, "v", fn_name)
        v = _preprocess(v, create_graph, need_graph=False)
        _validate_v(v, refs, is_refs_tuple)
        return v
    if len(refs) != 1 or refs[0].numel() != 1:
        raise RuntimeError(f"The vector v can only be None if the {what} a single Tensor with a single element.")
    return (Tensor(np.ones(refs[0].shape, dtype=refs[0].dtype)),)


def vjp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False) -> tuple:
    """(func(inputs), vᵀJ): the vector-Jacobian product, shaped as the inputs (one reverse pass)."""
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _preprocess(inputs, create_graph, need_graph=True)
        is_outputs_tuple, outputs = _outputs(func(*inputs), "vjp")
        _check_requires_grad(outputs, "outputs", strict)
        v = _vector(v, outputs, is_outputs_tuple, "vjp", create_graph, "user-provided function returns")
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        res = _fill_in_zeros(_grad(outputs, inputs, v, create_graph), inputs, strict, create_graph, "back")
    return (_unpack(_postprocess(outputs, create_graph), is_outputs_tuple),
            _unpack(_postprocess(res, create_graph), is_inputs_tuple))


def jvp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False) -> tuple:
    """(func(inputs), Jv): the Jacobian-vector product, shaped as the outputs, by the double-vjp trick:
    u ↦ Jᵀu is linear in u, so differentiating ⟨Jᵀu, v⟩ with respect to u (at u = 0) gives Jv."""
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _preprocess(inputs, create_graph, need_graph=True)
        v = _vector(v, inputs, is_inputs_tuple, "jvp", create_graph, "input to the user-provided function is")
        is_outputs_tuple, outputs = _outputs(func(*inputs), "jvp")
        _check_requires_grad(outputs, "outputs", strict)
        seeds = tuple(zeros_like(out, requires_grad=True) for out in outputs)
        grad_inputs = _grad(outputs, inputs, seeds, create_graph=True)
        _check_requires_grad(grad_inputs, "grad_inputs", strict)
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        res = _fill_in_zeros(_grad(grad_inputs, seeds, v, create_graph), outputs, strict, create_graph, "back_trick")
    return (_unpack(_postprocess(outputs, create_graph), is_outputs_tuple),
            _unpack(_postprocess(res, create_graph), is_outputs_tuple))


def _blocks(columns: list, outputs: Tensors, inputs: Tensors, by_row: bool) -> tuple:
    """J[i][j] of shape outputs[i].shape + inputs[j].shape from per-entry vectors (rows when by_row: one per output
    entry, shaped as inputs[j]; else columns: one per input entry, shaped as outputs[i])."""
    return tuple(tuple(stack(columns[i][j], dim=0 if by_row else out.ndim).reshape(out.shape + inp.shape)
                       for j, inp in enumerate(inputs)) for i, out in enumerate(outputs))


def _one_hot(inputs: Tensors, j: int, k: int) -> Tensors:
    vs = []
    for n, inp in enumerate(inputs):
        e = np.zeros(inp.shape, dtype=inp.dtype)
        if n == j:
            e.reshape(-1)[k] = 1
        vs.append(Tensor(e))
    return tuple(vs)


def jacobian(func: Callable, inputs: Any, create_graph: bool = False, strict: bool = False, vectorize: bool = False,
             strategy: str = "reverse-mode") -> Any:
    """∂func/∂inputs: a Tensor of shape out.shape + in.shape, or tuples of them (per output, then per input) where
    func returned / was given tuples. 'reverse-mode' builds it row by row (one vjp per output entry),
    'forward-mode' column by column (one double-vjp jvp per input entry); vectorize gives the same numbers."""
    if strategy not in ("forward-mode", "reverse-mode"):
        raise ValueError(f'jacobian: strategy must be "forward-mode" or "reverse-mode", got {strategy!r}. Hint: if '
                         'your function has more outputs than inputs, "forward-mode" needs fewer passes; otherwise '
                         'prefer "reverse-mode".')
    if strict and strategy == "forward-mode":
        raise RuntimeError('torch.autograd.functional.jacobian: `strict=True` and `strategy="forward-mode"` are not '
                           'supported together. Please either set `strict=False` or `strategy="reverse-mode"`.')
    if strict and vectorize:
        raise RuntimeError("torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not "
                           "supported together. Please either set `strict=False` or `vectorize=False`.")
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _preprocess(inputs, create_graph, need_graph=True)
        is_outputs_tuple, outputs = _outputs(func(*inputs), "jacobian")
        _check_requires_grad(outputs, "outputs", strict)
        if strategy == "forward-mode":
            jac = _jacobian_by_columns(outputs, inputs, create_graph)
        else:
            jac = _jacobian_by_rows(outputs, inputs, create_graph, strict)
    return _unpack(_postprocess(jac, create_graph), (is_outputs_tuple, is_inputs_tuple))


def _jacobian_by_rows(outputs: Tensors, inputs: Tensors, create_graph: bool, strict: bool) -> tuple:
    rows = []
    for i, out in enumerate(outputs):
        per_input: list[list[Tensor]] = [[] for _ in inputs]
        flat = out.reshape(-1)
        for e in range(out.numel()):
            vj = _grad((flat[e],), inputs, retain_graph=True, create_graph=create_graph)
            for j, (g, inp) in enumerate(zip(vj, inputs)):
                if g is None:
                    if strict:
                        raise RuntimeError(f"Output {i} of the user-provided function is independent of input {j}. "
                                           "This is not allowed in strict mode.")
                    g = zeros_like(inp)
                elif strict and create_graph and not g.requires_grad:
                    raise RuntimeError(f"The jacobian of the user-provided function is independent of input {i}. "
                                       "This is not allowed in strict mode when create_graph=True.")
                per_input[j].append(g)
        rows.append(per_input)
    return _blocks(rows, outputs, inputs, by_row=True)


def _jacobian_by_columns(outputs: Tensors, inputs: Tensors, create_graph: bool) -> tuple:
    seeds = tuple(zeros_like(out, requires_grad=True) for out in outputs)
    grad_inputs = _grad(outputs, inputs, seeds, create_graph=True)
    columns: list[list[list[Tensor]]] = [[[] for _ in inputs] for _ in outputs]
    for j, inp in enumerate(inputs):
        for k in range(inp.numel()):
            jv = _grad(grad_inputs, seeds, _one_hot(inputs, j, k), retain_graph=True, create_graph=create_graph)
            for i, (g, out) in enumerate(zip(jv, outputs)):
                columns[i][j].append(zeros_like(out) if g is None else g)
    return _blocks(columns, outputs, inputs, by_row=False)


def hessian(func: Callable, inputs: Any, create_graph: bool = False, strict: bool = False, vectorize: bool = False,
            outer_jacobian_strategy: str = "reverse-mode") -> Any:
    """∂²func/∂inputs² of a function with one output entry: shape in.shape + in.shape, or a tuple of tuples
    (H[i][j] = ∂²f/∂in_i∂in_j) where the inputs were a tuple; the Jacobian of the gradient."""
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise ValueError('hessian: outer_jacobian_strategy must be "forward-mode" or "reverse-mode", got '
                         f"{outer_jacobian_strategy!r}")

    def single_output(*inp: Tensor) -> Tensor:
        out = func(*inp)
        is_out_tuple, t_out = _outputs(out, "hessian")
        _check_requires_grad(t_out, "outputs", strict)
        if is_out_tuple:
            raise RuntimeError("The function given to hessian should return a single Tensor")
        if out.numel() != 1:
            raise RuntimeError(f"The Tensor returned by the function given to hessian should contain a single "
                               f"element (got shape {out.shape})")
        return out.squeeze()

    def jac_func(*inp: Tensor) -> Any:
        jac = jacobian(single_output, inp, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
        return jac

    res = jacobian(jac_func, inputs, create_graph=create_graph, strict=strict, vectorize=vectorize,
                   strategy=outer_jacobian_strategy)
    return _unpack(res, (is_inputs_tuple, is_inputs_tuple))


def _scalar_output(func: Callable, inputs: Tensors, strict: bool, fn_name: str) -> Tensors:
    is_outputs_tuple, outputs = _outputs(func(*inputs), fn_name)
    _check_requires_grad(outputs, "outputs", strict)
    if is_outputs_tuple:
        raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
    if outputs[0].numel() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {fn_name} should contain a single element "
                           f"(got shape {outputs[0].shape})")
    return outputs


def vhp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False) -> tuple:
    """(func(inputs), vᵀH) for a function with one output entry: the vjp of the gradient."""
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vhp")
        inputs = _preprocess(inputs, create_graph, need_graph=True)
        v = _vector(v, inputs, is_inputs_tuple, "vhp", create_graph, "input to the user-provided function is")
        outputs = _scalar_output(func, inputs, strict, "vhp")
        jac = _grad(outputs, inputs, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        res = _fill_in_zeros(_grad(jac, inputs, v, create_graph), inputs, strict, create_graph, "double_back")
    return (_postprocess(outputs[0], create_graph), _unpack(_postprocess(res, create_graph), is_inputs_tuple))


def hvp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False, strict: bool = False) -> tuple:
    """(func(inputs), Hv) for a function with one output entry, by the double-vjp trick on the gradient
    (equal to vhp for a twice continuously differentiable function, H being symmetric)."""
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hvp")
        inputs = _preprocess(inputs, create_graph, need_graph=True)
        v = _vector(v, inputs, is_inputs_tuple, "hvp", create_graph, "input to the user-provided function is")
        outputs = _scalar_output(func, inputs, strict, "hvp")
        jac = _grad(outputs, inputs, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
        grad_jac = tuple(zeros_like(inp, requires_grad=True) for inp in inputs)
        double_back = _grad(jac, inputs, grad_jac, create_graph=True)
        _check_requires_grad(jac, "hessian", strict)
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        res = _fill_in_zeros(_grad(double_back, grad_jac, v, create_graph), inputs, strict, create_graph,
                             "double_back_trick")
    return (_postprocess(outputs[0], create_graph), _unpack(_postprocess(res, create_graph), is_inputs_tuple))
