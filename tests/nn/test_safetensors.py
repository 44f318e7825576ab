"""Module.save / Module.load as .safetensors (tinygrad_edu/nn/safetensors_io.py), chosen by suffix: a round trip
keeps names, shapes, dtypes and values; the file is plain safetensors (readable by the safetensors package
and by PyTorch); a file written by PyTorch's safetensors loads here; names, shapes and dtypes are checked
before anything loads; .npz keeps working."""
from __future__ import annotations

import json
import struct

import numpy as np
import pytest

safetensors_numpy = pytest.importorskip("safetensors.numpy")

import tinygrad_edu as tg  # noqa: E402
from tinygrad_edu import nn  # noqa: E402
from tinygrad_edu.nn.models import ResidualBlock  # noqa: E402


def _model(seed: int = 0) -> nn.Module:
    tg.manual_seed(seed)
    model = ResidualBlock(3, 4, stride=2)
    model.train()
    model(tg.randn(4, 3, 6, 6))  # running statistics and num_batches_tracked move
    return model


def _header(path) -> dict:
    raw = path.read_bytes()
    (length,) = struct.unpack("<Q", raw[:8])
    return json.loads(raw[8:8 + length])


def test_a_round_trip_keeps_every_name_shape_dtype_and_value(tmp_path):
    model, fresh = _model(0), _model(1)
    path = model.save(tmp_path / "block.safetensors")
    assert path == tmp_path / "block.safetensors" and not (tmp_path / "block.safetensors.npz").exists()
    assert fresh.load(path) is fresh
    for key, value in model.state_dict().items():
        loaded = fresh.state_dict()[key]
        assert loaded.dtype == value.dtype and loaded.shape == value.shape, key
        np.testing.assert_array_equal(loaded.data, value.data, err_msg=key)
    header = _header(path)
    assert header["__metadata__"] == {"format": "pt", "producer": "tinygrad_edu", "model": "ResidualBlock"}
    assert header["bn1.num_batches_tracked"]["dtype"] == "I64" and header["conv1.weight"]["dtype"] == "F32"
    plain = safetensors_numpy.load_file(str(path))
    assert set(plain) == set(model.state_dict())
    np.testing.assert_array_equal(plain["conv1.weight"], model.conv1.weight.data)


@pytest.mark.torch
def test_a_file_written_by_pytorch_safetensors_loads_here(torch, tmp_path):
    safetensors_torch = pytest.importorskip("safetensors.torch")
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(torch.nn.Conv2d(1, 3, 3), torch.nn.BatchNorm2d(3), torch.nn.ReLU(),
                                 torch.nn.Flatten(), torch.nn.Linear(3 * 4 * 4, 5))
    theirs(torch.randn(2, 1, 6, 6))
    theirs.eval()
    path = tmp_path / "torch.safetensors"
    safetensors_torch.save_file(theirs.state_dict(), str(path))
    ours = nn.Sequential(nn.Conv2d(1, 3, 3), nn.BatchNorm2d(3), nn.ReLU(), nn.Flatten(), nn.Linear(3 * 4 * 4, 5))
    ours.load(path).eval()
    x = np.random.default_rng(0).standard_normal((2, 1, 6, 6)).astype(np.float32)
    with torch.no_grad():
        expected = theirs(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(ours(tg.Tensor(x)).data, expected, rtol=1e-5, atol=1e-6)
    ours.save(tmp_path / "ours.safetensors")  # and back: PyTorch reads ours
    back = safetensors_torch.load_file(str(tmp_path / "ours.safetensors"))
    theirs.load_state_dict(back)
    assert back["1.num_batches_tracked"].dtype == torch.int64


def test_names_shapes_and_dtypes_are_checked_before_anything_loads(tmp_path):
    model = _model(0)
    before = {k: v.data.copy() for k, v in model.state_dict().items()}
    good = {k: v.data for k, v in _model(1).state_dict().items()}
    cases = {
        "missing": ({k: v for k, v in good.items() if k != "conv2.weight"}, r"missing keys \['conv2.weight'\]"),
        "unexpected": ({**good, "extra": np.zeros(2, np.float32)}, r"unexpected keys \['extra'\]"),
        "shape": ({**good, "conv1.weight": np.zeros((4, 3, 3, 2), np.float32)},
                  r"conv1.weight: shape \(4, 3, 3, 2\) in the file, \(4, 3, 3, 3\) in the model"),
    }
    for name, (arrays, message) in cases.items():
        path = tmp_path / f"{name}.safetensors"
        safetensors_numpy.save_file(arrays, str(path))
        with pytest.raises(ValueError, match="nothing was loaded: " + message):
            model.load(path)
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(value.data, before[key], err_msg=key)
    partial = tmp_path / "partial.safetensors"
    safetensors_numpy.save_file({"conv1.weight": good["conv1.weight"]}, str(partial))
    model.load(partial, strict=False)
    np.testing.assert_array_equal(model.conv1.weight.data, good["conv1.weight"])


def test_a_bfloat16_tensor_is_named_not_misread(tmp_path):
    path = tmp_path / "bf16.safetensors"
    header = json.dumps({"weight": {"dtype": "BF16", "shape": [2, 2], "data_offsets": [0, 8]},
                         "bias": {"dtype": "F32", "shape": [2], "data_offsets": [8, 16]}}).encode()
    header += b" " * (-len(header) % 8)
    path.write_bytes(struct.pack("<Q", len(header)) + header + bytes(16))
    with pytest.raises(ValueError, match="weight: dtype BF16 has no NumPy equivalent"):
        nn.Linear(2, 2).load(path)


def test_damaged_or_foreign_files_are_refused(tmp_path):
    model = nn.Linear(3, 2)
    path = model.save(tmp_path / "w.safetensors")
    data = path.read_bytes()
    (tmp_path / "cut.safetensors").write_bytes(data[:-4])
    with pytest.raises(ValueError, match="is not a readable .safetensors file"):
        model.load(tmp_path / "cut.safetensors")
    model.save(tmp_path / "w.npz")
    (tmp_path / "zip.safetensors").write_bytes((tmp_path / "w.npz").read_bytes())
    with pytest.raises(ValueError, match="is not a readable .safetensors file"):
        model.load(tmp_path / "zip.safetensors")
    with pytest.raises(FileNotFoundError, match="no file"):
        model.load(tmp_path / "absent.safetensors")
    symbolic = nn.Linear(1, 1)
    symbolic.weight.data = symbolic.weight.data.astype(object)
    with pytest.raises(TypeError, match="holds object values"):
        symbolic.save(tmp_path / "sym.safetensors")
    assert not (tmp_path / "sym.safetensors").exists() and not (tmp_path / "sym.safetensors.partial").exists()


def test_npz_stays_the_default_and_readable(tmp_path):
    model, fresh = _model(0), _model(1)
    assert model.save(tmp_path / "w") == tmp_path / "w.npz"
    fresh.load(tmp_path / "w")
    np.testing.assert_array_equal(fresh.conv2.weight.data, model.conv2.weight.data)
    assert (tmp_path / "w.npz").read_bytes()[:2] == b"PK"
