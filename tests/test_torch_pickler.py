"""tg.save's side of the .pt format (tinygrad_edu/torch_pickler.py, torch_format.save), without torch: what it writes
tg.load reads back with the same nesting, dtypes, Parameters, shared storages and tied tensors; storage records are
64-byte aligned; writes are atomic; what torch's weights-only load would refuse is refused when saving."""
from __future__ import annotations

import io
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn, optim
from tinygrad_edu.nn.parameter import Parameter
from tinygrad_edu import torch_format


def _round_trip(obj):
    buffer = io.BytesIO()
    tg.save(obj, buffer)
    buffer.seek(0)
    return tg.load(buffer)


def test_nesting_numbers_and_dtypes_survive_a_round_trip():
    obj = {"f": tg.ones(2, 3), "d": np.arange(3.0), "i": tg.tensor([1, 2]), "b": np.array([True, False]),
           "u": np.arange(4, dtype=np.uint8), "h": np.ones(2, np.float16), "s": tg.tensor(2.5), "n": np.float64(0.5),
           "k": np.int64(7), "list": [1, "two", None, (3.0, b"4")], "set": {1, 2}, "o": OrderedDict(a=1),
           "dtype": tg.float64}
    loaded = _round_trip(obj)
    assert isinstance(loaded["o"], OrderedDict) and loaded["list"] == [1, "two", None, (3.0, b"4")]
    assert loaded["n"] == 0.5 and type(loaded["n"]) is float and loaded["k"] == 7 and type(loaded["k"]) is int
    assert loaded["set"] == {1, 2} and loaded["dtype"] == np.float64
    for key in "fdibuhs":
        expected = obj[key].data if isinstance(obj[key], tg.Tensor) else obj[key]
        assert loaded[key].dtype == expected.dtype and loaded[key].shape == expected.shape
        np.testing.assert_array_equal(loaded[key].data, expected)


def test_views_share_a_storage_and_tied_tensors_stay_one_object():
    base = np.arange(12, dtype=np.float32).reshape(3, 4)
    weight = Parameter(tg.Tensor(base))
    buffer = io.BytesIO()
    tg.save({"w": weight, "again": weight, "t": tg.Tensor(base.T), "col": tg.Tensor(base[:, 1])}, buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        assert [n for n in archive.namelist() if "/data/" in n] == ["archive/data/0"]  # one storage for all
    loaded = tg.load(io.BytesIO(buffer.getvalue()))
    assert loaded["again"] is loaded["w"] and isinstance(loaded["w"], Parameter)
    np.testing.assert_array_equal(loaded["col"].data, base[:, 1])
    loaded["w"].data[2, 1] = -5.0
    assert loaded["t"].data[1, 2] == -5.0 and loaded["col"].data[2] == -5.0


def test_views_numpy_cannot_share_are_copied_with_the_right_values():
    base = np.arange(10, dtype=np.float64)
    cases = {"reversed": base[::-1], "big_endian": base.astype(">f8"), "empty": base[:0]}
    loaded = _round_trip(cases)
    for key, expected in cases.items():
        np.testing.assert_array_equal(loaded[key].data, expected)
        assert loaded[key].dtype.isnative


def test_storage_records_are_aligned_and_the_output_is_deterministic():
    state = nn.Linear(3, 5).state_dict()
    first, second = io.BytesIO(), io.BytesIO()
    tg.save(state, first)
    tg.save(state, second)
    assert first.getvalue() == second.getvalue()
    with zipfile.ZipFile(first) as archive:
        for info in archive.infolist():
            if "/data/" in info.filename:
                assert (info.header_offset + 30 + len(info.filename) + len(info.extra)) % 64 == 0


def test_a_module_state_dict_and_an_optimizer_state_dict_load_back(tmp_path):
    tg.manual_seed(0)
    model = nn.Linear(3, 2)
    opt = optim.Adam(model.parameters(), lr=0.1)
    model(tg.randn(4, 3)).sum().backward()
    opt.step()
    tg.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 1}, tmp_path / "ckpt.pt")
    tg.save(model.state_dict(), tmp_path / "model.pt")
    fresh = nn.Linear(3, 2)
    fresh.load(tmp_path / "model.pt")
    np.testing.assert_array_equal(fresh.weight.data, model.weight.data)
    checkpoint = tg.load(tmp_path / "ckpt.pt")
    fresh_opt = optim.Adam(fresh.parameters(), lr=0.5)
    fresh_opt.load_state_dict(checkpoint["optimizer"])
    assert fresh_opt.param_groups[0]["lr"] == 0.1
    np.testing.assert_array_equal(fresh_opt.state[fresh.weight]["exp_avg"], opt.state[model.weight]["exp_avg"])


@pytest.mark.parametrize("obj, message", [
    ({"model": nn.Linear(2, 2)}, r"\['model'\] is a Linear.*state_dict"),
    ([frozenset({1})], r"\[0\] is a frozenset"),
    ({"f": len}, r"\['f'\] is a builtin_function_or_method"),
    ({"s": np.array(["a"])}, r"\['s'\] holds <U1 values"),
], ids=["module", "frozenset", "function", "strings"])
def test_what_a_weights_only_load_would_refuse_is_refused_when_saving(tmp_path, obj, message):
    with pytest.raises(TypeError, match=message):
        tg.save(obj, tmp_path / "x.pt")


def test_a_symbolic_tensor_is_refused():
    from tinygrad_edu import symbolic

    with pytest.raises(TypeError, match="SymPy"):
        tg.save({"W": symbolic.symbols("W", (2,))}, io.BytesIO())


def test_a_failed_save_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "model.pt"
    tg.save({"w": tg.ones(2)}, path)
    old = path.read_bytes()

    def broken(stream, pickled, storages):
        stream.write(b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr(torch_format, "_write_zip", broken)
    with pytest.raises(OSError, match="disk full"):
        tg.save({"w": tg.zeros(2)}, path)
    assert path.read_bytes() == old and list(tmp_path.iterdir()) == [path]


def test_unsupported_arguments_are_refused():
    with pytest.raises(ValueError, match="protocol must be 2"):
        tg.save({}, io.BytesIO(), pickle_protocol=4)
    with pytest.raises(ValueError, match="zip format"):
        tg.save({}, io.BytesIO(), _use_new_zipfile_serialization=False)
    with pytest.raises(TypeError, match="binary file object"):
        tg.save({}, 3)
