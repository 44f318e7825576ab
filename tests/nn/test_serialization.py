"""Module.save / Module.load: the path save() wrote loads back, a .npy or a non-zip is a clear error, and each
member's .npy header and zip sizes are checked against the model before any data is decompressed (a small
file declaring a huge array is refused without inflating it)."""
import zipfile

import numpy as np
import pytest

import tinygrad_edu as tg
from tests.helpers import peak_bytes
from tinygrad_edu import nn


def net():
    tg.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2))


def snapshot(model):
    return {k: v.numpy().copy() for k, v in model.state_dict().items()}


@pytest.mark.parametrize("name", ["w", "w.npz", "dir.v1/weights"])
def test_load_accepts_the_path_save_was_given(tmp_path, name):
    (tmp_path / "dir.v1").mkdir()
    model = net()
    written = model.save(tmp_path / name)
    assert written.suffix == ".npz" and written.is_file()
    other = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2))
    assert other.load(tmp_path / name) is other
    for key, value in snapshot(model).items():
        np.testing.assert_array_equal(other.state_dict()[key], value, err_msg=key)
    assert other[1].num_batches_tracked.dtype == np.int64


def test_missing_file_names_both_paths(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"Sequential.load: no file .*nothing or .*nothing.npz"):
        net().load(tmp_path / "nothing")


def test_a_single_npy_or_a_non_zip_is_a_clear_error(tmp_path):
    np.save(tmp_path / "one.npy", np.zeros(3))
    with pytest.raises(ValueError, match=r"one.npy is not a state-dict .npz file \(it holds a single array"):
        net().load(tmp_path / "one.npy")
    (tmp_path / "text.npz").write_text("hello")
    with pytest.raises(ValueError, match=r"not a zip archive: it starts with b'hello'"):
        net().load(tmp_path / "text.npz")


def _member(archive, name, header, payload_chunks, chunk=b""):
    with archive.open(name, "w", force_zip64=True) as f:
        np.lib.format.write_array_header_1_0(f, header)
        for _ in range(payload_chunks):
            f.write(chunk)


def _bomb(path, model, key, declared_shape, chunks):
    """A deflated .npz where `key` declares `declared_shape` float32 and holds `chunks` MiB of zeros."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, value in model.state_dict().items():
            if name == key:
                _member(archive, name + ".npy", {"descr": "<f4", "fortran_order": False, "shape": declared_shape},
                        chunks, bytes(1 << 20))
            else:
                with archive.open(name + ".npy", "w") as f:
                    np.lib.format.write_array(f, value.numpy())


def test_a_member_declaring_a_huge_array_is_refused_before_inflating(tmp_path):
    """Issue 12: a file of ~64 KiB whose member declares (and holds) 64 MiB used to be inflated in full."""
    model = net()
    path = tmp_path / "bomb.npz"
    _bomb(path, model, "0.weight", (16 << 20,), 64)
    assert path.stat().st_size < 1 << 20
    before = snapshot(model)

    def load():
        with pytest.raises(ValueError, match=r"0.weight: shape \(16777216,\) in the file, \(4, 3\) in the model"):
            model.load(path)

    assert peak_bytes(load) < 2 << 20
    for key, value in before.items():
        np.testing.assert_array_equal(model.state_dict()[key], value)


def test_trailing_data_beyond_the_declared_array_is_refused_before_inflating(tmp_path):
    model = net()
    path = tmp_path / "padded.npz"
    _bomb(path, model, "0.weight", (4, 3), 64)

    def load():
        with pytest.raises(ValueError, match=r"0.weight: the archive declares 67,108,992 bytes for a float32 array "
                                             r"of shape \(4, 3\), which takes 176 bytes with its 128-byte header"):
            model.load(path)

    assert peak_bytes(load) < 2 << 20


def test_wrong_dtype_or_keys_are_found_from_the_headers(tmp_path):
    model = net()
    path = tmp_path / "objects.npz"
    with zipfile.ZipFile(path, "w") as archive:
        _member(archive, "0.weight.npy", {"descr": "|O", "fortran_order": False, "shape": (4, 3)}, 0)
    with pytest.raises(ValueError, match=r"missing keys .*0.weight: dtype object is not numeric"):
        model.load(path)
    with zipfile.ZipFile(tmp_path / "extra.npz", "w") as archive:
        _member(archive, "notes.txt", {"descr": "<f4", "fortran_order": False, "shape": (1,)}, 0)
    with pytest.raises(ValueError, match=r"members \['notes.txt'\] are not .npy arrays"):
        model.load(tmp_path / "extra.npz")


def test_strict_false_reads_only_the_members_the_model_has(tmp_path):
    model = net()
    path = tmp_path / "partial.npz"
    with zipfile.ZipFile(path, "w") as archive:
        with archive.open("2.bias.npy", "w") as f:
            np.lib.format.write_array(f, np.array([7.0, 8.0]))
        _member(archive, "huge.npy", {"descr": "<f8", "fortran_order": False, "shape": (1 << 40,)}, 0)
    model.load(path, strict=False)
    np.testing.assert_array_equal(model[2].bias.data, [7.0, 8.0])
    assert model[2].bias.dtype == np.float32
    with pytest.raises(ValueError, match=r"unexpected keys \['huge'\]"):
        model.load(path)


def test_a_corrupted_member_is_caught_by_its_checksum(tmp_path):
    model = net()
    path = model.save(tmp_path / "w")
    raw = bytearray(path.read_bytes())
    offset = raw.index(b"\x93NUMPY") + 128 + 4
    raw[offset] ^= 0xFF
    path.write_bytes(bytes(raw))
    before = snapshot(model)
    with pytest.raises(ValueError, match="is not a state-dict .npz file .*(CRC|crc)"):
        model.load(path)
    for key, value in before.items():
        np.testing.assert_array_equal(model.state_dict()[key], value)


def test_values_that_overflow_float32_name_the_key(tmp_path):
    model = nn.Linear(1, 2)
    path = tmp_path / "big.npz"
    np.savez(path, weight=np.ones((2, 1)), bias=np.array([1.0, -5e38]))
    with pytest.raises(ValueError, match=r"bias: value -5e\+38 overflows float32"):
        model.load(path)
    np.savez(path, weight=np.ones((2, 1), np.int64), bias=np.array([True, False]))
    model.load(path)
    np.testing.assert_array_equal(model.bias.data, [1.0, 0.0])


def test_save_refuses_symbolic_parameters(tmp_path):
    import sympy

    model = nn.Linear(1, 1)
    model.weight.data = np.array([[sympy.Symbol("w")]], dtype=object)
    with pytest.raises(TypeError, match="weight holds object values"):
        model.save(tmp_path / "s")
    assert not list(tmp_path.iterdir())


def test_long_key_lists_are_shortened_in_messages():
    state = {f"extra{i}": np.zeros(1) for i in range(30)}
    with pytest.raises(ValueError, match=r"unexpected keys \['extra0', .*'extra19'\] … \(30 in all\)"):
        nn.Identity().load_state_dict(state)


def test_fortran_order_and_big_endian_members_load(tmp_path):
    model = nn.Linear(3, 4)
    path = tmp_path / "f.npz"
    np.savez(path, weight=np.asfortranarray(np.arange(12.0).reshape(4, 3)), bias=np.arange(4, dtype=">f8"))
    model.load(path)
    np.testing.assert_array_equal(model.weight.data, np.arange(12.0).reshape(4, 3))
    np.testing.assert_array_equal(model.bias.data, np.arange(4))
    assert model.bias.dtype == np.float32 and model.bias.data.dtype.isnative
