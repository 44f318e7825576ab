"""The restricted unpickler behind tg.load (tinygrad_edu/torch_unpickler.py), without torch: hand-made files with
dangerous globals are refused before anything runs; REDUCE, NEWOBJ and BUILD are limited to what tensors and
containers need; storages are checked against the tensors viewing them; files that are not torch files say what they
are."""
from __future__ import annotations

import io
import os
import pickle
import zipfile

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn
from tinygrad_edu.torch_format import TorchFormatError, UnsafeGlobalError
from tinygrad_edu.torch_pickler import Preparer, TorchPickler


def _archive(pickled: bytes, storages: dict[str, bytes] = {}) -> io.BytesIO:
    """A torch-style zip: archive/data.pkl, byteorder and the storage records."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("archive/data.pkl", pickled)
        archive.writestr("archive/byteorder", b"little")
        for key, data in storages.items():
            archive.writestr(f"archive/data/{key}", data)
        archive.writestr("archive/version", b"3\n")
    buffer.seek(0)
    return buffer


def _tensor_pickle(obj, edit=lambda record: None) -> tuple[bytes, dict[str, bytes]]:
    """obj pickled as tg.save does, with `edit` applied to each tensor record first (to forge bad files)."""
    prepare = Preparer()
    prepared = prepare(obj)
    for value in prepared.values():
        edit(value)
    data = io.BytesIO()
    TorchPickler(data, protocol=2).dump(prepared)
    return data.getvalue(), {s.key: s.array.tobytes() for s in prepare.storages.values()}


class _Evil:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return os.system, (f"touch {self.path}",)


def test_an_os_system_global_is_refused_without_running(tmp_path):
    sentinel = tmp_path / "ran"
    with pytest.raises(UnsafeGlobalError, match=r"(posix|os)\.system.*nothing from the file was run.*state_dict"):
        tg.load(_archive(pickle.dumps({"w": _Evil(sentinel)}, protocol=2)))
    with pytest.raises(UnsafeGlobalError, match=r"builtins\.eval"):
        tg.load(_archive(pickle.dumps(eval, protocol=2)))
    legacy = b"".join(pickle.dumps(x, protocol=2) for x in (0x1950A86A20F9469CFC6C, 1001, {}, _Evil(sentinel)))
    with pytest.raises(UnsafeGlobalError, match=r"(posix|os)\.system"):
        tg.load(io.BytesIO(legacy))
    assert not sentinel.exists()


@pytest.mark.parametrize("pickled, what", [
    (b"\x80\x02ctorch\nFloatStorage\n)R.", "call"),  # an allowed global that is not a function
    (b"\x80\x02]}b.", "set the state of list"),  # BUILD on a list
    (b"\x80\x02ctorch\nFloatStorage\n)\x81.", "create an object of"),  # NEWOBJ of a non-class
    (b"\x80\x02c_codecs\nencode\nX\x01\x00\x00\x00aX\x0a\x00\x00\x00zlib_codec\x86R.", "encode with codec"),
    (b"\x80\x02ccollections\nOrderedDict\n)RK\x01b.", "set the state of OrderedDict"),  # BUILD with a non-dict
    (b"\x80\x02ctorch\nTensor\n)R.", "construct torch.Tensor"),
    (b"\x80\x02ccollections\nOrderedDict\n)R}X\x05\x00\x00\x00itemsK\x01sb.", "set the state of OrderedDict"),
], ids=["reduce", "build-list", "newobj", "codec", "build-int", "torch-tensor", "build-shadowing"])
def test_opcodes_are_limited_to_what_tensors_and_containers_need(pickled, what):
    with pytest.raises(UnsafeGlobalError, match=what):
        tg.load(_archive(pickled))


def test_sets_bytes_and_ordered_dict_metadata_load():
    from collections import OrderedDict

    state = OrderedDict(a=1)
    state._metadata = {"": {"version": 1}}
    loaded = tg.load(_archive(pickle.dumps({"s": {1, 2}, "b": b"\x00\xff", "o": state, "c": 1 + 2j}, protocol=2)))
    assert loaded == {"s": {1, 2}, "b": b"\x00\xff", "o": OrderedDict(a=1), "c": 1 + 2j}
    assert loaded["o"]._metadata == {"": {"version": 1}}


def test_a_storage_smaller_than_its_tensor_is_refused_naming_the_key():
    def grow(record):
        record.size = (5,)

    pickled, storages = _tensor_pickle({"ok": np.ones(2, np.float32), "w": np.ones(4, np.float32)}, grow)
    with pytest.raises(TorchFormatError, match=r"\['w'\].*holds 4 float32 elements.*reaches element 4"):
        tg.load(_archive(pickled, storages))


def test_bad_sizes_strides_and_offsets_are_refused():
    for field, value in [("size", (-1,)), ("stride", (1, 1)), ("offset", -2), ("size", ("2",))]:
        pickled, storages = _tensor_pickle({"w": np.ones(4, np.float32)}, lambda r: setattr(r, field, value))
        with pytest.raises(TorchFormatError, match="not non-negative integers"):
            tg.load(_archive(pickled, storages))


def test_storage_records_must_exist_and_match_their_declared_size():
    pickled, storages = _tensor_pickle({"w": np.ones(4, np.float32)})
    with pytest.raises(TorchFormatError, match=r"holds 8 bytes, but the pickle declares 4 float32 elements = 16"):
        tg.load(_archive(pickled, {"0": storages["0"][:8]}))
    with pytest.raises(TorchFormatError, match="does not hold; the file is incomplete"):
        tg.load(_archive(pickled, {}))


def test_files_that_are_not_torch_files_say_what_they_are(tmp_path):
    model = nn.Linear(2, 2)
    cases = {
        "empty.pt": (b"", "empty"),
        "notes.txt": (b"hello, this is text\n", "text starting with 'hello"),
        "noise.bin": (bytes(range(7, 200)), "starts with the bytes"),
        "plain.pkl": (pickle.dumps({"a": 1}, protocol=2), "pickle without torch's magic number"),
    }
    for name, (data, message) in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(TorchFormatError, match=message):
            tg.load(tmp_path / name)
    with pytest.raises(TorchFormatError, match=r"\.npz archive.*Module\.load"):
        tg.load(model.save(tmp_path / "model.npz"))
    np.save(tmp_path / "array.npy", np.ones(3))
    with pytest.raises(TorchFormatError, match="numpy.load"):
        tg.load(tmp_path / "array.npy")
    header = b'{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}'
    (tmp_path / "w.safetensors").write_bytes(len(header).to_bytes(8, "little") + header + bytes(4))
    with pytest.raises(TorchFormatError, match="safetensors"):
        tg.load(tmp_path / "w.safetensors")
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as archive:
        archive.writestr("readme.txt", "hi")
    with pytest.raises(TorchFormatError, match="no <archive>/data.pkl"):
        tg.load(tmp_path / "other.zip")
    with pytest.raises(FileNotFoundError, match="no file"):
        tg.load(tmp_path / "missing.pt")


def test_a_damaged_pickle_is_a_format_error():
    pickled, storages = _tensor_pickle({"w": np.ones(4, np.float32)})
    with pytest.raises(TorchFormatError, match="damaged"):
        tg.load(_archive(pickled[:-1], storages))  # no STOP: the pickle ends early


def test_a_huge_overlapping_view_stays_a_read_only_view_instead_of_a_copy():
    def expand(record):
        record.size, record.stride = (1 << 13, 1 << 13), (0, 0)

    pickled, storages = _tensor_pickle({"w": np.full(1, 3.0, np.float32)}, expand)
    loaded = tg.load(_archive(pickled, storages))["w"]
    assert loaded.shape == (1 << 13, 1 << 13) and loaded.data[5, 7] == 3.0
    assert not loaded.data.flags.writeable and loaded.data.strides == (0, 0)


def test_a_compressed_storage_that_would_inflate_a_hundredfold_is_refused():
    pickled, _ = _tensor_pickle({"w": np.zeros(1 << 20, np.float32)})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("archive/data.pkl", pickled)
        archive.writestr("archive/data/0", bytes(4 << 20), compress_type=zipfile.ZIP_DEFLATED)
    with pytest.raises(TorchFormatError, match="nothing left to read at position"):
        tg.load(buffer)
    buffer.seek(0)
    with pytest.raises(TorchFormatError, match="would inflate"):
        tg.load(buffer)


def test_deeply_nested_containers_load_and_report_paths_cheaply():
    depth = 30_000
    nested = tg.load(_archive(b"\x80\x02" + b"]" * depth + b"a" * (depth - 1) + b"."))
    for _ in range(depth - 1):
        (nested,) = nested
    assert nested == []
