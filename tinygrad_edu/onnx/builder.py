"""Building an ONNX graph from traced tensors: value names (parameters keep their qualified names, module
outputs are "c1.out"), initializers, nodes named after the module that ran them, and the final ModelProto."""
from __future__ import annotations

from typing import Any, Iterable, Optional, Sequence

import numpy as np
import onnx
from onnx import helper, numpy_helper

from ..errors import ShapeError
from ..tensor import Tensor


class UnsupportedOpError(ShapeError):
    """An op of the traced model that has no ONNX form here; the message names it, its module and its line."""


def onnx_dtype(dtype: np.dtype, what: str) -> int:
    """The TensorProto element type of a NumPy dtype."""
    if dtype == object:
        raise UnsupportedOpError(f"onnx.export: {what} holds SymPy values (dtype object); export a numeric model")
    return helper.np_dtype_to_tensor_dtype(np.dtype(dtype))


class Builder:
    """Collects nodes and initializers; maps traced tensors (by id) to value names."""

    def __init__(self, parameter_names: dict[int, str], outputs: Sequence[Tensor]) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: dict[str, onnx.TensorProto] = {}
        self.values: dict[int, str] = {}
        self.parameter_names = parameter_names
        self.output_names = {id(t): ("output" if len(outputs) == 1 else f"output{k}") for k, t in enumerate(outputs)}
        self.taken: set[str] = set(self.output_names.values())
        self.node_names: set[str] = set()
        self._alive: list[Any] = []

    def unique(self, base: str, taken: Optional[set[str]] = None) -> str:
        """`base`, or `base#2`, `base#3`, ... if taken (value names unless another set is given)."""
        taken = self.taken if taken is None else taken
        name, k = base, 1
        while name in taken:
            k += 1
            name = f"{base}#{k}"
        taken.add(name)
        return name

    def bind(self, t: Tensor, name: str) -> None:
        self._alive.append(t)
        self.values[id(t)] = name

    def constant(self, array: Any, base: str, dtype: Any = None) -> str:
        """A new initializer holding `array`."""
        array = np.asarray(array, dtype=dtype)
        name = self.unique(base)
        onnx_dtype(array.dtype, name)
        self.initializers[name] = numpy_helper.from_array(np.require(array, requirements="C"), name)
        return name

    def ints(self, values: Iterable[int], base: str) -> str:
        return self.constant(np.asarray(list(values), dtype=np.int64), base)

    def value(self, t: Tensor, scope: str) -> str:
        """The name of `t`: an earlier node's output, a graph input, a parameter or buffer (as an initializer
        named by its qualified name) or, for any other tensor, a constant initializer."""
        if id(t) in self.values:
            return self.values[id(t)]
        if id(t) in self.parameter_names:
            name = self.constant(t.data, self.parameter_names[id(t)])
        else:
            name = self.constant(t.data, f"{scope}.const" if scope else "const")
        self.bind(t, name)
        return name

    def node(self, op_type: str, inputs: Sequence[str], scope: str, out: Optional[Tensor] = None,
             label: Optional[str] = None, **attrs: Any) -> str:
        """Append one node named "<scope>/<op_type>" (or `label`); returns its output's name. When `out` is
        the traced tensor this node computes, the output is named after it and bound to it."""
        name = self.unique(label or (f"{scope}/{op_type}" if scope else op_type), self.node_names)
        if out is not None and id(out) in self.output_names:
            output = self.output_names[id(out)]
        else:
            output = self.unique(f"{name}.out")
        self.nodes.append(helper.make_node(op_type, list(inputs), [output], name=name,
                                           **{k: v for k, v in attrs.items() if v is not None}))
        if out is not None:
            self.bind(out, output)
        return output

    def model(self, inputs: Sequence[tuple[str, Tensor]], outputs: Sequence[Tensor], graph_name: str, opset: int,
              doc: str) -> onnx.ModelProto:
        """The ModelProto: graph inputs and outputs with their static shapes, nodes no output needs dropped."""
        for k, t in enumerate(outputs):
            name = self.output_names[id(t)]
            if self.values.get(id(t)) != name:  # an output that is an input or a constant: copy it
                self.node("Identity", [self.value(t, "")], "", label=f"{name}/Identity")
                self.nodes[-1].output[0] = name
        needed = set(self.output_names.values())
        kept = []
        for node in reversed(self.nodes):
            if any(o in needed for o in node.output):
                kept.append(node)
                needed.update(i for i in node.input if i)
        kept.reverse()
        graph = helper.make_graph(
            kept, graph_name,
            [helper.make_tensor_value_info(name, onnx_dtype(t.dtype, name), list(t.shape)) for name, t in inputs],
            [helper.make_tensor_value_info(self.output_names[id(t)], onnx_dtype(t.dtype, "output"), list(t.shape))
             for t in outputs],
            [init for name, init in self.initializers.items() if name in needed])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                                  producer_name="tinygrad_edu", doc_string=doc)
        model.ir_version = min(model.ir_version, 8)  # readable by every ONNX Runtime since 1.14
        return model
