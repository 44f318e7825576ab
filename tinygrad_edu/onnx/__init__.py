"""`tg.onnx.export(model, example_input, path)`: the model's recorded forward graph as an ONNX file (opset 17),
readable by ONNX Runtime, PyTorch, TensorRT and the Netron viewer (`pip install netron; netron model.onnx`,
or drop the file on https://netron.app). Needs the `export` extra: `pip install 'tinygrad_edu[export]'`.

The model runs once on the example input in eval mode (dropout off, batch norm on its running statistics, as
torch.onnx.export); shapes are the example's. Module calls with a one-node ONNX form become that node, named
after the module (Conv "c1", Gemm "f6"); everything else is exported Function by Function. Parameters and
buffers are initializers under their state-dict names ("c1.weight", "bn1.running_mean")."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Optional, Union

OPSET = 17

__all__ = ["export", "OPSET"]


def _require_onnx() -> Any:
    try:
        import onnx
    except ImportError:
        raise ImportError("onnx.export needs the onnx package: pip install 'tinygrad_edu[export]' "
                          "(or pip install onnx onnxruntime)") from None
    return onnx


def _live(trace: Any) -> set[int]:
    """Ids of the traced tensors the outputs depend on (dead branches are not exported, nor checked)."""
    from ..export.trace import CallStep

    live = {id(t) for t in trace.outputs}
    for step in reversed(list(trace.root.flat())):
        out = step.output
        if isinstance(out, (tuple, list)):
            if not any(id(o) in live for o in out):
                continue
        elif id(out) not in live:
            continue
        live.update(id(t) for t in step.inputs)
        if isinstance(step, CallStep) and step.alias_of is not None:
            live.add(id(step.alias_of))
    return live


def _emit(builder: Any, call: Any, live: set[int]) -> None:
    from ..export.trace import CallStep
    from .functions import emit_function
    from .modules import RULES

    for step in call.steps:
        if not isinstance(step, CallStep):
            if id(step.output) in live:
                emit_function(builder, step, call.name)
            continue
        if not any(id(o) in live for o in (step.output if isinstance(step.output, (tuple, list)) else [step.output])):
            continue
        if step.alias_of is not None:
            builder.bind(step.output, builder.value(step.alias_of, step.name))
            continue
        rule = RULES.get(type(step.module))
        if rule is not None and not step.module._forward_hooks and rule(builder, step):
            continue
        _emit(builder, step, live)


def _one_node(model: Any, traced: Any) -> Callable[[Any], bool]:
    """Whether a module call becomes one ONNX node (its rule, tried on a scratch builder, takes it): its insides
    (ELU's mask, max pooling's winners) are then not exported, so check_static need not compare them."""
    from ..graph import parameter_names
    from .builder import Builder
    from .modules import RULES

    def whole(call: Any) -> bool:
        rule = RULES.get(type(call.module))
        return (rule is not None and not call.module._forward_hooks
                and rule(Builder(parameter_names(model), traced.outputs), call))
    return whole


def to_model(model: Any, example_input: Any, opset: int = OPSET) -> Any:
    """The ONNX ModelProto of `model` traced on `example_input` (checked by onnx.checker)."""
    onnx = _require_onnx()
    from ..export.trace import check_static, trace
    from ..graph import parameter_names
    from .builder import Builder

    if opset != OPSET:
        raise ValueError(f"onnx.export: this exporter writes ONNX opset {OPSET} (got opset={opset}); every ONNX "
                         "Runtime since 1.14 and PyTorch's ONNX tools read it")
    traced = trace(model, example_input, "onnx.export")
    check_static(model, traced, "onnx.export", _one_node(model, traced))
    builder = Builder(parameter_names(model), traced.outputs)
    names = ["input"] if len(traced.inputs) == 1 else [f"input{k}" for k in range(len(traced.inputs))]
    for name, t in zip(names, traced.inputs):
        builder.taken.add(name)
        builder.bind(t, name)
    _emit(builder, traced.root, _live(traced))
    doc = f"{type(model).__name__} exported by tinygrad_edu (ONNX opset {opset})"
    proto = builder.model(list(zip(names, traced.inputs)), traced.outputs, type(model).__name__, opset, doc)
    proto = onnx.shape_inference.infer_shapes(proto, strict_mode=True)
    onnx.checker.check_model(proto, full_check=True)
    return proto


def export(model: Any, example_input: Any, path: Optional[Union[str, Path]] = None, *,
           opset: int = OPSET) -> Any:
    """Write `model`'s forward graph, traced on `example_input` (a Tensor, array or tuple of them), as an ONNX
    file at `path` (when given); returns the ModelProto. Raises UnsupportedOpError naming any op without an
    ONNX form, and ValueError when the graph depends on the input's values (data-dependent control flow)."""
    onnx = _require_onnx()
    proto = to_model(model, example_input, opset)
    if path is not None:
        path = Path(path)
        partial = path.with_name(path.name + ".partial")
        try:
            onnx.save_model(proto, str(partial))
            partial.replace(path)
        finally:
            if partial.exists():
                partial.unlink()
    return proto


def __getattr__(name: str) -> Any:
    if name == "UnsupportedOpError":
        from .builder import UnsupportedOpError

        return UnsupportedOpError
    raise AttributeError(f"module 'tinygrad_edu.onnx' has no attribute {name!r}")
