"""tg.onnx.export (tinygrad_edu/onnx/): every zoo model passes onnx.checker and ONNX Runtime computes our outputs
(1e-5); the graph keeps the module names; ops without an ONNX form and graphs that depend on the input's values
are refused by name; the `export` command."""
from __future__ import annotations

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

import tinygrad_edu as tg  # noqa: E402
import tinygrad_edu.functional as F  # noqa: E402
from tinygrad_edu import nn  # noqa: E402
from tinygrad_edu.cli import main  # noqa: E402
from tinygrad_edu.onnx import OPSET  # noqa: E402
from tinygrad_edu.onnx.builder import UnsupportedOpError  # noqa: E402

from .zoo import zoo_cases, zoo_model  # noqa: E402


def run_onnx(path, *inputs: np.ndarray) -> list[np.ndarray]:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = [i.name for i in session.get_inputs()]
    return session.run(None, dict(zip(names, inputs)))


def ours(model, x: np.ndarray) -> np.ndarray:
    with tg.no_grad():
        return model(tg.Tensor(x)).data


@pytest.mark.parametrize("name, kwargs, shape", zoo_cases())
def test_every_zoo_model_passes_the_checker_and_onnx_runtime_agrees(name, kwargs, shape, tmp_path):
    model = zoo_model(name, kwargs)
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    path = tmp_path / f"{name}.onnx"
    tg.onnx.export(model, tg.Tensor(x), path)
    proto = onnx.load(str(path))
    onnx.checker.check_model(proto, full_check=True)
    assert [(o.domain, o.version) for o in proto.opset_import] == [("", OPSET)]
    assert model.training  # traced in eval mode, the mode restored
    model.eval()
    (theirs,) = run_onnx(path, x)
    np.testing.assert_allclose(theirs, ours(model, x), rtol=1e-5, atol=1e-5)
    initializers = {i.name for i in proto.graph.initializer}
    counters = {k for k in model.state_dict() if k.endswith("num_batches_tracked")}
    assert initializers == set(model.state_dict()) - counters


def test_lenet5_keeps_the_lecture_names_as_one_node_per_layer(tmp_path):
    model = zoo_model("lenet5", {})
    proto = tg.onnx.export(model, np.zeros((1, 1, 32, 32), np.float32))
    nodes = [(n.name, n.op_type) for n in proto.graph.node]
    assert nodes == [("c1", "Conv"), ("act1/Relu", "Relu"), ("s2/MaxPool", "MaxPool"), ("c3", "Conv"),
                     ("act3/Relu", "Relu"), ("s4/MaxPool", "MaxPool"), ("c5", "Conv"), ("act5/Relu", "Relu"),
                     ("flatten", "Flatten"), ("f6", "Gemm"), ("act6/Relu", "Relu"), ("output", "Gemm")]
    conv = proto.graph.node[0]
    assert list(conv.input) == ["input", "c1.weight", "c1.bias"] and list(conv.output) == ["c1.out"]
    assert proto.graph.output[0].name == "output" and proto.graph.input[0].name == "input"
    dims = [d.dim_value for d in proto.graph.output[0].type.tensor_type.shape.dim]
    assert dims == [1, 10]
    weight = next(i for i in proto.graph.initializer if i.name == "c3.weight")
    np.testing.assert_array_equal(onnx.numpy_helper.to_array(weight), model.c3.weight.data)


class Forward(nn.Module):
    """A module whose forward is given as a function of (self, x), with some layers to hold."""

    def __init__(self, fn, *layers):
        super().__init__()
        self.fn = fn
        self.layers = nn.ModuleList(layers)

    def forward(self, x):
        return self.fn(self, x)


def _layer(layer):
    return Forward(lambda s, x: s.layers[0](x), layer)


OPS = {
    "conv-same-even-kernel": (_layer(nn.Conv2d(3, 4, 4, padding="same")), (2, 3, 6, 6)),
    "conv-transpose": (_layer(nn.ConvTranspose2d(3, 4, 3, stride=2, padding=1, output_padding=1)), (2, 3, 5, 5)),
    "conv-transpose-groups": (_layer(nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, groups=2, dilation=2)),
                              (2, 4, 5, 5)),
    "conv1d": (_layer(nn.Conv1d(3, 4, 3, stride=2, padding=1)), (2, 3, 9)),
    "conv-reflect": (_layer(nn.Conv2d(3, 4, 3, padding=1, padding_mode="reflect")), (2, 3, 5, 6)),
    "conv-replicate": (_layer(nn.Conv2d(3, 4, 3, padding=(2, 1), padding_mode="replicate")), (2, 3, 5, 6)),
    "conv-circular": (_layer(nn.Conv2d(3, 4, 3, padding=1, padding_mode="circular")), (2, 3, 5, 6)),
    "max-pool-3d": (_layer(nn.MaxPool3d(2, stride=1, padding=1, dilation=2, ceil_mode=True)), (1, 2, 4, 5, 4)),
    "max-pool-3d-ceil-overhang": (_layer(nn.MaxPool3d(2, stride=2, ceil_mode=True)), (1, 2, 5, 3, 4)),
    "adaptive-max-1d-uniform": (_layer(nn.AdaptiveMaxPool1d(3)), (2, 2, 9)),
    "adaptive-max-2d-global": (_layer(nn.AdaptiveMaxPool2d(1)), (2, 2, 5, 4)),
    "adaptive-max-2d-uneven": (_layer(nn.AdaptiveMaxPool2d((3, 2))), (2, 2, 7, 4)),
    "adaptive-max-3d": (_layer(nn.AdaptiveMaxPool3d((2, 1, 2))), (1, 2, 4, 3, 6)),
    "elu": (_layer(nn.ELU(0.7)), (2, 5)),
    "celu": (_layer(nn.CELU(1.3)), (2, 5)),
    "selu": (_layer(nn.SELU()), (2, 5)),
    "hardswish": (_layer(nn.Hardswish()), (2, 5)),
    "hardsigmoid": (_layer(nn.Hardsigmoid()), (2, 5)),
    "hardtanh": (_layer(nn.Hardtanh(-0.5, 0.7)), (2, 5)),
    "relu6": (_layer(nn.ReLU6()), (2, 5)),
    "prelu-channels": (_layer(nn.PReLU(3, 0.1)), (2, 3, 4, 4)),
    "prelu-shared": (_layer(nn.PReLU()), (2, 3, 4)),
    "softplus": (_layer(nn.Softplus()), (2, 5)),
    "max-pool-ceil-dilated": (_layer(nn.MaxPool2d(3, 2, 1, dilation=2, ceil_mode=True)), (2, 3, 9, 9)),
    "avg-pool-ceil-no-pad-count": (_layer(nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False)),
                                   (2, 3, 8, 8)),
    "avg-pool-divisor": (_layer(nn.AvgPool2d(2, divisor_override=3)), (2, 3, 8, 8)),
    "adaptive-avg-uneven": (_layer(nn.AdaptiveAvgPool2d((3, 2))), (2, 3, 7, 5)),
    "adaptive-avg-global": (_layer(nn.AdaptiveAvgPool2d(1)), (2, 3, 7, 5)),
    "lrn-odd": (_layer(nn.LocalResponseNorm(3, 1e-2, 0.75, 2.0)), (2, 7, 5, 5)),
    "lrn-even": (_layer(nn.LocalResponseNorm(4, 1e-2, 0.75, 2.0)), (2, 7, 5, 5)),
    "batch-norm-no-affine": (_layer(nn.BatchNorm2d(3, affine=False)), (4, 3, 5, 5)),
    "batch-norm-batch-statistics": (_layer(nn.BatchNorm2d(3, track_running_stats=False)), (4, 3, 5, 5)),
    "batch-norm-1d": (_layer(nn.BatchNorm1d(3)), (4, 3)),
    "linear-3d": (_layer(nn.Linear(5, 4)), (2, 3, 5)),
    "flatten-from-2": (_layer(nn.Flatten(2)), (2, 3, 4, 5)),
    "dropout-eval": (Forward(lambda s, x: s.layers[0](x) + x, nn.Dropout(0.5)), (2, 3)),
    "softmaxes": (Forward(lambda s, x: F.softmax(x, 1) + F.log_softmax(x, -1)), (2, 5)),
    "slices": (Forward(lambda s, x: x[:, 1:3, ::2, 0] * 2 + x[0, :, -1:, 1:4:2].sum()), (2, 4, 5, 5)),
    "reversed-slice": (Forward(lambda s, x: x[:, ::-1] + x[..., 0:1]), (2, 4, 5)),
    "gather": (Forward(lambda s, x: x[:, :, np.array([[0, 2], [1, 1]])]), (2, 3, 4)),
    "activations": (Forward(lambda s, x: F.leaky_relu(x, 0.1) + x.tanh() * x.sigmoid() - (x.abs() + 1).sqrt().log()
                            + x.exp() / 10 + x ** 3), (2, 5)),
    "cat-permute-reshape": (Forward(lambda s, x: tg.cat([x, x.permute(0, 2, 1)], 1).reshape(2, -1)), (2, 4, 4)),
    "reductions": (Forward(lambda s, x: x.sum(1, keepdim=True) + x.mean() + x.amax(-1, keepdim=True)), (2, 3)),
    "clamp-maximum": (Forward(lambda s, x: x.clamp(-0.5, 0.5) + tg.maximum(x, x * 0.3)), (2, 3)),
    "pool-on-the-input": (Forward(lambda s, x: F.max_pool2d(x, 2)), (1, 1, 4, 4)),
}


@pytest.mark.parametrize("case", sorted(OPS))
def test_each_op_and_layer_form_computes_ours_in_onnx_runtime(case, tmp_path):
    model, shape = OPS[case]
    rng = np.random.default_rng(2)
    for module in model.modules():
        if getattr(module, "running_var", None) is not None:
            module.running_mean.data[...] = rng.standard_normal(module.running_mean.shape)
            module.running_var.data[...] = rng.uniform(0.5, 2.0, module.running_var.shape)
    x = rng.standard_normal(shape).astype(np.float32)
    tg.onnx.export(model, x, tmp_path / "m.onnx")
    model.eval()
    (theirs,) = run_onnx(tmp_path / "m.onnx", x)
    np.testing.assert_allclose(theirs, ours(model, x), rtol=1e-5, atol=1e-5)


def test_layers_with_one_onnx_node_become_that_node():
    forms = {"lrn-odd": "LRN", "batch-norm-no-affine": "BatchNormalization", "adaptive-avg-uneven": "AveragePool",
             "adaptive-avg-global": "GlobalAveragePool", "conv-transpose": "ConvTranspose"}
    for case, op in forms.items():
        model, shape = OPS[case]
        proto = tg.onnx.export(model, np.ones(shape, np.float32))
        assert [n.op_type for n in proto.graph.node] == [op], case
        assert proto.graph.node[0].name == "layers.0"
    lrn = tg.onnx.export(OPS["lrn-even"][0], np.ones((2, 7, 5, 5), np.float32))
    assert "LRN" not in [n.op_type for n in lrn.graph.node]  # ONNX's even window leans the other way
    assert {n.name.rsplit("/", 1)[0] for n in lrn.graph.node} == {"layers.0/local_response_norm"}


def test_an_op_without_onnx_form_is_named_with_its_module_and_line():
    model = Forward(lambda s, x: s.layers[0](x).cumsum(1), nn.Linear(3, 3))
    with pytest.raises(UnsupportedOpError, match=r"the op CumSum in Forward.forward at .*test_export.py:\d+ has no "
                                                  r"ONNX form.*supported ops: Abs, Add"):
        tg.onnx.export(model, np.ones((2, 3), np.float32))


def test_a_mask_computed_from_the_input_is_refused_not_frozen():
    model = Forward(lambda s, x: s.layers[0](x) * (x > 0), nn.Linear(8, 8))
    x = np.random.default_rng(0).standard_normal((16, 8)).astype(np.float32)
    with pytest.raises(ValueError, match=r"Mul in Forward.forward .* changes with the input's values"):
        tg.onnx.export(model, x)
    random = Forward(lambda s, x: x * tg.randn(16, 8))
    with pytest.raises(ValueError, match="changes with the input's values"):
        tg.onnx.export(random, x)


def test_bad_arguments_are_refused():
    with pytest.raises(TypeError, match="expected a tinygrad_edu.nn.Module"):
        tg.onnx.export(lambda x: x, np.ones(3, np.float32))
    with pytest.raises(TypeError, match="dtype int64"):
        tg.onnx.export(nn.Linear(2, 2), np.ones((1, 2), np.int64))
    with pytest.raises(ValueError, match="writes ONNX opset 17 \\(got opset=13\\)"):
        tg.onnx.export(nn.Linear(2, 2), np.ones((1, 2), np.float32), opset=13)


def test_the_export_command_writes_onnx_and_safetensors(tmp_path, capsys):
    pytest.importorskip("safetensors")
    onnx_path, weights = tmp_path / "lenet5.onnx", tmp_path / "lenet5.safetensors"
    trained = zoo_model("lenet5", dict(input_size=28), seed=3)
    trained.save(tmp_path / "trained.npz")
    assert main(["export", "--model", "lenet5", "--weights", str(tmp_path / "trained.npz"), "--input-shape",
                 "1,1,28,28", "--onnx", str(onnx_path), "--safetensors", str(weights)]) == 0
    out = capsys.readouterr().out
    assert f"ONNX (opset {OPSET}) written to {onnx_path}" in out and "netron" in out
    x = np.random.default_rng(0).standard_normal((1, 1, 28, 28)).astype(np.float32)
    trained.eval()
    np.testing.assert_allclose(run_onnx(onnx_path, x)[0], ours(trained, x), rtol=1e-5, atol=1e-5)
    from tinygrad_edu.nn.models import LeNet5

    back = LeNet5(input_size=28).load(weights)
    for key, value in trained.state_dict().items():
        np.testing.assert_array_equal(back.state_dict()[key].data, value.data)
    assert main(["export", "--model", "lenet5"]) == 2
    assert "--onnx PATH and/or --safetensors PATH" in capsys.readouterr().err
