"""IDX (MNIST format): round trip for every dtype and shape, plain and gzipped, byte layout, each malformed
file the reader must refuse with a message naming the file and the expected vs found value, and load_mnist."""
import gzip
import struct

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tests.helpers import peak_bytes
from tinygrad_edu.data import IdxFormatError, load_mnist, read_idx, write_idx

DTYPES = [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("suffix", ["", ".gz"])
@given(data=st.data())
def test_round_trip(tmp_path_factory, dtype, suffix, data):
    array = data.draw(hnp.arrays(dtype, hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=5),
                                 elements={"allow_nan": False} if np.dtype(dtype).kind == "f" else None))
    path = tmp_path_factory.mktemp("idx") / f"array.idx{suffix}"
    write_idx(path, array)
    back = read_idx(path)
    assert back.dtype == np.dtype(dtype) and back.shape == array.shape
    np.testing.assert_array_equal(back, array)
    assert back.flags.writeable


def test_byte_layout_matches_the_mnist_format(tmp_path):
    path = write_idx(tmp_path / "x.idx", np.array([[1, 258], [-1, 7]], dtype=np.int16))
    raw = path.read_bytes()
    assert raw[:4] == bytes([0, 0, 0x0B, 2])
    assert struct.unpack(">II", raw[4:12]) == (2, 2)
    assert struct.unpack(">4h", raw[12:]) == (1, 258, -1, 7)


def test_gzip_is_detected_by_content_not_name(tmp_path):
    plain = write_idx(tmp_path / "labels.idx", np.arange(10, dtype=np.uint8))
    hidden = tmp_path / "labels-without-suffix"
    hidden.write_bytes(gzip.compress(plain.read_bytes()))
    np.testing.assert_array_equal(read_idx(hidden), np.arange(10))


def test_big_endian_input_is_written_correctly(tmp_path):
    array = np.array([1.5, -2.25], dtype=">f8")
    np.testing.assert_array_equal(read_idx(write_idx(tmp_path / "f.idx", array)), [1.5, -2.25])


def _header(code: int, dims: tuple) -> bytes:
    return bytes([0, 0, code, len(dims)]) + struct.pack(f">{len(dims)}I", *dims)


@pytest.mark.parametrize("content, message", [
    (b"\x00\x00", r"truncated header: expected at least 4 bytes of magic, found 2"),
    (b"\x08\x03\x00\x00" + bytes(16), r"wrong magic: expected the first two bytes 0x0000, found 0x0803"),
    (bytes([0, 0, 0x0A, 1, 0, 0, 0, 1, 5]), r"unknown dtype code 0x0A; expected one of 0x08 \(uint8\)"),
    (_header(0x08, (2, 3, 4))[:10], r"truncated header: 3 dimensions need 16 header bytes, found 10"),
    (_header(0x08, (2, 3)) + bytes(5), r"truncated data: shape \(2, 3\) of uint8 needs 6 bytes, found 5"),
    (_header(0x0C, (2,)) + bytes(7), r"truncated data: shape \(2,\) of int32 needs 8 bytes, found 7"),
    (_header(0x08, (2, 3)) + bytes(7), r"trailing bytes: shape \(2, 3\) of uint8 needs 6 data bytes, found 7"),
    (_header(0x0E, (1,)) + bytes(10), r"trailing bytes: shape \(1,\) of float64 needs 8 data bytes, found 10"),
], ids=["short-magic", "wrong-magic", "unknown-dtype", "short-dims", "short-data-uint8", "short-data-int32",
        "one-trailing-byte", "two-trailing-bytes"])
def test_malformed_files_are_refused(tmp_path, content, message):
    path = tmp_path / "bad.idx"
    path.write_bytes(content)
    with pytest.raises(IdxFormatError, match="read_idx: .*bad.idx: " + message):
        read_idx(path)


def test_truncated_gzip_is_refused(tmp_path):
    whole = gzip.compress(_header(0x08, (100,)) + bytes(range(100)))
    path = tmp_path / "cut.idx.gz"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(IdxFormatError, match=r"read_idx: .*cut.idx.gz: gzip stream is damaged or truncated"):
        read_idx(path)


def test_write_refuses_dtypes_without_a_code(tmp_path):
    with pytest.raises(TypeError, match=r"write_idx: .*: dtype int64 has no IDX code; use one of uint8, int8"):
        write_idx(tmp_path / "x.idx", np.arange(3, dtype=np.int64))


def _write_mnist(root, split, images, labels, suffix="", spelling="idx"):
    prefix = "train" if split == "train" else "t10k"
    sep = "-" if spelling == "idx" else "."
    write_idx(root / f"{prefix}-images{sep}idx3-ubyte{suffix}", images)
    write_idx(root / f"{prefix}-labels{sep}idx1-ubyte{suffix}", labels)


@pytest.mark.parametrize("split", ["train", "test"])
@pytest.mark.parametrize("suffix, spelling", [("", "idx"), (".gz", "idx"), ("", "dotted")])
def test_load_mnist(tmp_path, split, suffix, spelling):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(5, 28, 28), dtype=np.uint8)
    images[0, 0, 0], images[1, 0, 0] = 0, 255
    labels = rng.integers(0, 10, size=5).astype(np.uint8)
    _write_mnist(tmp_path, split, images, labels, suffix, spelling)
    x, y = load_mnist(tmp_path, split)
    assert x.shape == (5, 1, 28, 28) and x.dtype == np.float32
    assert y.dtype == np.int64
    np.testing.assert_allclose(x[:, 0] * 255, images, atol=1e-4)
    assert x.min() == 0.0 and x.max() == 1.0
    np.testing.assert_array_equal(y, labels)


def test_load_mnist_missing_files_lists_the_names_it_tried(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"load_mnist: no file for 't10k-images-idx3-ubyte'.*"
                                                r"t10k-images-idx3-ubyte.gz.*t10k-images.idx3-ubyte"):
        load_mnist(tmp_path, "test")


def test_load_mnist_count_mismatch(tmp_path):
    _write_mnist(tmp_path, "train", np.zeros((3, 28, 28), np.uint8), np.zeros(2, np.uint8))
    with pytest.raises(IdxFormatError, match=r"load_mnist: 3 images in .* but 2 labels in"):
        load_mnist(tmp_path)


def test_load_mnist_wrong_image_layout(tmp_path):
    _write_mnist(tmp_path, "train", np.zeros((3, 784), np.uint8), np.zeros(3, np.uint8))
    with pytest.raises(IdxFormatError, match=r"images must be a 3-d uint8 array \(N, H, W\), found shape \(3, 784\)"):
        load_mnist(tmp_path)


def test_load_mnist_bad_split(tmp_path):
    with pytest.raises(ValueError, match=r"load_mnist: split must be one of \('train', 'test'\), got 'val'"):
        load_mnist(tmp_path, "val")


# ---- bounded reading (issue 12): the header decides how much is ever read or inflated -----------------

def test_a_gzip_bomb_is_never_inflated_past_the_declared_size(tmp_path):
    """A ~64 KiB .gz declaring 10 bytes but holding 64 MiB: only header + 10 + 1 bytes are inflated."""
    path = tmp_path / "bomb.idx.gz"
    with gzip.open(path, "wb") as f:
        f.write(_header(0x08, (10,)))
        for _ in range(64):
            f.write(bytes(1 << 20))
    assert path.stat().st_size < 1 << 20

    def read():
        with pytest.raises(IdxFormatError, match=r"trailing bytes: shape \(10,\) of uint8 needs 10 data bytes, "
                                                 r"found more than 10 \(the rest was not decompressed\)"):
            read_idx(path)

    assert peak_bytes(read) < 2 << 20


@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_a_declared_size_beyond_memory_is_refused_with_the_byte_count(tmp_path, suffix):
    path = tmp_path / f"huge.idx{suffix}"
    content = _header(0x0E, (2**32 - 1, 2**32 - 1)) + bytes(64)
    path.write_bytes(gzip.compress(content) if suffix else content)
    needed = (2**32 - 1) ** 2 * 8
    message = (rf"truncated data: shape \(4294967295, 4294967295\) of float64 needs {needed} bytes, found 64"
               if not suffix else rf"the header declares {needed:,} data bytes \(shape \(4294967295, 4294967295\) "
                                  r"of float64\), more than the [\d,]+ bytes of memory available; refused")
    with pytest.raises(IdxFormatError, match=message):
        read_idx(path)


def test_a_plain_file_is_checked_against_its_size_before_reading(tmp_path):
    path = tmp_path / "long.idx"
    path.write_bytes(_header(0x08, (4,)) + bytes(32 << 20))

    def read():
        with pytest.raises(IdxFormatError, match=r"trailing bytes: shape \(4,\) of uint8 needs 4 data bytes, "
                                                 r"found 33554432"):
            read_idx(path)

    assert peak_bytes(read) < 1 << 20
