"""MNIST, Fashion-MNIST and CIFAR-10 (tinygrad_edu/data/datasets.py, data/download.py) against a local HTTP
server on 127.0.0.1 serving generated files of the real formats (gzipped IDX, the CIFAR-10 binary tar.gz):
download with digest check, cache, resume after a broken connection, corrupted files, offline errors; and
`tinygrad-edu train --dataset` on them."""
from __future__ import annotations

import gzip
import hashlib
import io
import socket
import tarfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.cli import main
from tinygrad_edu.data import CIFAR10, MNIST, DataLoader, FashionMNIST, ToTensor
from tinygrad_edu.data.download import DownloadError, download, md5sum


class Server:
    """Files by name over HTTP with Range support; `broken` names send half their bytes once, then hang up."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files, self.broken, self.log = dict(files), set(), []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                name = self.path.rsplit("/", 1)[-1]
                server.log.append((name, self.headers.get("Range")))
                if name not in server.files:
                    self.send_error(404)
                    return
                data, start = server.files[name], 0
                wanted = self.headers.get("Range")
                if wanted:
                    start = int(wanted.split("=")[1].split("-")[0])
                    if start >= len(data):
                        self.send_error(416)
                        return
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                else:
                    self.send_response(200)
                self.send_header("Content-Length", str(len(data) - start))
                self.end_headers()
                if name in server.broken:
                    server.broken.discard(name)
                    self.wfile.write(data[start:start + (len(data) - start) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.wfile.write(data[start:])

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/files"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def requests(self, name: str) -> list:
        return [r for n, r in self.log if n == name]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def _idx_gz(array: np.ndarray) -> bytes:
    """The bytes of a gzipped IDX file of uint8 values, as MNIST ships them."""
    header = bytes([0, 0, 0x08, array.ndim]) + np.asarray(array.shape, dtype=">u4").tobytes()
    return gzip.compress(header + np.ascontiguousarray(array, dtype=np.uint8).tobytes(), mtime=0)


def _mnist_files(seed: int = 0, n_train: int = 40, n_test: int = 12) -> tuple[dict[str, bytes], dict]:
    rng = np.random.default_rng(seed)
    arrays = {"train-images-idx3-ubyte.gz": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
              "train-labels-idx1-ubyte.gz": rng.integers(0, 10, n_train, dtype=np.uint8),
              "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
              "t10k-labels-idx1-ubyte.gz": rng.integers(0, 10, n_test, dtype=np.uint8)}
    return {name: _idx_gz(a) for name, a in arrays.items()}, arrays


def _cifar_archive(seed: int = 0, per_batch: int = 3, evil: bool = True) -> tuple[bytes, dict]:
    """A cifar-10-binary.tar.gz of the real layout: 5 training batches and a test batch of records (label byte,
    then the red, green and blue 32×32 planes), plus batches.meta.txt and, if `evil`, a member escaping the folder."""
    rng = np.random.default_rng(seed)
    planes, labels, members = {}, {}, {}
    for name in [f"data_batch_{k}.bin" for k in range(1, 6)] + ["test_batch.bin"]:
        planes[name] = rng.integers(0, 256, (per_batch, 3, 32, 32), dtype=np.uint8)
        labels[name] = rng.integers(0, 10, per_batch, dtype=np.uint8)
        members[f"cifar-10-batches-bin/{name}"] = np.concatenate(
            [labels[name][:, None], planes[name].reshape(per_batch, -1)], axis=1).tobytes()
    members["cifar-10-batches-bin/batches.meta.txt"] = b"airplane\nautomobile\n"
    if evil:
        members["cifar-10-batches-bin/../../escaped.bin"] = b"outside"
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue(), {"planes": planes, "labels": labels}


@pytest.fixture
def server():
    started = []

    def start(files):
        started.append(Server(files))
        return started[-1]

    yield start
    for s in started:
        s.close()


def _closed_port_url() -> str:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}/files"


def test_the_defaults_are_the_published_mirrors_and_digests():
    assert MNIST.resources["train-images-idx3-ubyte.gz"] == "f68b3c2dcbeaaa9fbdd348bbdeb94873"
    assert MNIST.resources["t10k-labels-idx1-ubyte.gz"] == "ec29112dd5afa0611ce80d1b7f02629c"
    assert FashionMNIST.resources["train-images-idx3-ubyte.gz"] == "8d4fb7e6c68d591d4c3dfef9ec88bf0d"
    assert FashionMNIST.resources["t10k-labels-idx1-ubyte.gz"] == "bb300cfdad3c16e7a12a480ee83cd310"
    assert CIFAR10.resources == {"cifar-10-binary.tar.gz": "c32a1d4ab5d03f1284b67883e8d87530"}
    assert len(MNIST.resources) == len(FashionMNIST.resources) == 4
    assert MNIST.mirrors[0].startswith("https://") and CIFAR10.mirrors[0].startswith("https://www.cs.toronto.edu")


def test_mnist_downloads_verifies_and_reads_as_torchvision(server, tmp_path):
    files, arrays = _mnist_files()
    s = server(files)
    digests = {n: _md5(b) for n, b in files.items()}
    train = MNIST(tmp_path, train=True, download=True, mirrors=[s.url], resources=digests, progress=False)
    raw = tmp_path / "MNIST" / "raw"
    assert sorted(p.name for p in raw.iterdir()) == sorted(files)  # all four, verified, no .partial left
    assert all(md5sum(raw / n) == d for n, d in digests.items())
    assert len(train) == 40 and train.data.dtype == np.uint8 and train.data.shape == (40, 28, 28)
    assert train.targets.dtype == np.int64
    np.testing.assert_array_equal(train.data.data, arrays["train-images-idx3-ubyte.gz"])
    np.testing.assert_array_equal(train.targets.data, arrays["train-labels-idx1-ubyte.gz"])
    image, label = train[3]
    assert image.dtype == np.uint8 and image.shape == (28, 28) and isinstance(label, int)
    assert label == arrays["train-labels-idx1-ubyte.gz"][3]
    test = MNIST(tmp_path, train=False, transform=ToTensor(), target_transform=lambda y: y + 100)
    image, label = test[0]
    assert isinstance(image, tg.Tensor) and image.shape == (1, 28, 28) and image.dtype == np.float32
    np.testing.assert_allclose(image.data[0], arrays["t10k-images-idx3-ubyte.gz"][0] / 255, rtol=1e-6)
    assert label == arrays["t10k-labels-idx1-ubyte.gz"][0] + 100 and len(test) == 12
    x, y = train.arrays()
    assert x.shape == (40, 1, 28, 28) and x.dtype == np.float32 and 0 <= x.min() and x.max() <= 1
    images, labels = next(iter(DataLoader(test, batch_size=5)))
    assert images.shape == (5, 1, 28, 28) and labels.dtype == np.int64
    assert "Number of datapoints: 40" in repr(train)


def test_a_cached_download_asks_the_server_nothing(server, tmp_path):
    files, _ = _mnist_files()
    s = server(files)
    digests = {n: _md5(b) for n, b in files.items()}
    MNIST(tmp_path, download=True, mirrors=[s.url], resources=digests, progress=False)
    asked = len(s.log)
    again = MNIST(tmp_path, train=False, download=True, mirrors=[s.url], resources=digests, progress=False)
    assert len(s.log) == asked == 4 and len(again) == 12


def test_a_broken_connection_resumes_with_a_range_request(server, tmp_path):
    files, arrays = _mnist_files()
    s = server(files)
    s.broken.add("train-images-idx3-ubyte.gz")
    digests = {n: _md5(b) for n, b in files.items()}
    with pytest.raises(DownloadError, match="train-images-idx3-ubyte.gz.*connection.*kept in .*partial"):
        MNIST(tmp_path, download=True, mirrors=[s.url], resources=digests, progress=False)
    partial = tmp_path / "MNIST" / "raw" / "train-images-idx3-ubyte.gz.partial"
    half = partial.stat().st_size
    assert 0 < half < len(files["train-images-idx3-ubyte.gz"])
    ds = MNIST(tmp_path, download=True, mirrors=[s.url], resources=digests, progress=False)
    assert s.requests("train-images-idx3-ubyte.gz") == [None, f"bytes={half}-"]
    assert not partial.exists()
    np.testing.assert_array_equal(ds.data.data, arrays["train-images-idx3-ubyte.gz"])


def test_a_corrupted_file_is_refused_and_the_next_mirror_used(server, tmp_path):
    files, arrays = _mnist_files()
    digests = {n: _md5(b) for n, b in files.items()}
    bad = dict(files)
    damaged = bytearray(files["train-labels-idx1-ubyte.gz"])
    damaged[len(damaged) // 2] ^= 0xFF
    bad["train-labels-idx1-ubyte.gz"] = bytes(damaged)
    corrupt, good = server(bad), server(files)
    with pytest.raises(DownloadError, match=r"train-labels.*MD5 [0-9a-f]{32} is not the published"):
        MNIST(tmp_path, download=True, mirrors=[corrupt.url], resources=digests, progress=False)
    raw = tmp_path / "MNIST" / "raw"
    assert not (raw / "train-labels-idx1-ubyte.gz").exists()
    assert not (raw / "train-labels-idx1-ubyte.gz.partial").exists()
    ds = MNIST(tmp_path, download=True, mirrors=[corrupt.url, good.url], resources=digests, progress=False)
    np.testing.assert_array_equal(ds.targets.data, arrays["train-labels-idx1-ubyte.gz"])
    assert good.requests("train-labels-idx1-ubyte.gz") == [None] and not good.requests("train-images-idx3-ubyte.gz")


def test_a_bad_resumed_start_is_fetched_again_whole(server, tmp_path):
    files, _ = _mnist_files()
    s = server(files)
    name = "t10k-labels-idx1-ubyte.gz"
    dest = tmp_path / name
    (tmp_path / (name + ".partial")).write_bytes(b"garbage")
    download([f"{s.url}/{name}"], dest, _md5(files[name]), progress=False)
    assert dest.read_bytes() == files[name] and s.requests(name) == ["bytes=7-", None]


def test_offline_errors_say_what_to_put_where(tmp_path):
    with pytest.raises(DownloadError, match=r"are you offline\?.*put the file at .*train-images-idx3-ubyte.gz"):
        MNIST(tmp_path, download=True, mirrors=[_closed_port_url()], progress=False)
    with pytest.raises(RuntimeError, match="dataset not found.*download=True"):
        FashionMNIST(tmp_path, download=False)
    with pytest.raises(RuntimeError, match="CIFAR10: dataset not found.*download=True"):
        CIFAR10(tmp_path)


def test_fashion_mnist_keeps_its_own_folder_and_classes(server, tmp_path):
    files, arrays = _mnist_files(seed=1)
    s = server(files)
    ds = FashionMNIST(tmp_path, download=True, mirrors=[s.url], resources={n: _md5(b) for n, b in files.items()},
                      progress=False)
    assert (tmp_path / "FashionMNIST" / "raw" / "t10k-images-idx3-ubyte.gz").is_file()
    assert ds.classes[9] == "Ankle boot" and len(ds.classes) == 10
    np.testing.assert_array_equal(ds.data.data, arrays["train-images-idx3-ubyte.gz"])


def test_cifar10_binary_downloads_unpacks_only_its_batches_and_reads_hwc(server, tmp_path):
    archive, truth = _cifar_archive()
    s = server({"cifar-10-binary.tar.gz": archive})
    root = tmp_path / "root"
    train = CIFAR10(root, train=True, download=True, mirrors=[s.url],
                    resources={"cifar-10-binary.tar.gz": _md5(archive)}, progress=False)
    assert not (tmp_path / "escaped.bin").exists() and not (root / "escaped.bin").exists()
    assert sorted(p.name for p in (root / "cifar-10-batches-bin").iterdir()) == sorted(
        [f"data_batch_{k}.bin" for k in range(1, 6)] + ["test_batch.bin", "batches.meta.txt"])
    assert train.data.shape == (15, 32, 32, 3) and train.data.dtype == np.uint8 and isinstance(train.targets, list)
    first = truth["planes"]["data_batch_1.bin"][0]
    np.testing.assert_array_equal(train.data[0], first.transpose(1, 2, 0))
    assert train.targets[:3] == truth["labels"]["data_batch_1.bin"].tolist()
    last = truth["planes"]["data_batch_5.bin"][-1]
    np.testing.assert_array_equal(train[14][0], last.transpose(1, 2, 0))
    test = CIFAR10(root, train=False, transform=ToTensor())
    image, label = test[1]
    assert image.shape == (3, 32, 32)
    np.testing.assert_allclose(image.data, truth["planes"]["test_batch.bin"][1] / 255, rtol=1e-6)
    x, y = train.arrays()
    assert x.shape == (15, 3, 32, 32) and y.dtype == np.int64
    np.testing.assert_allclose(x[0], first / 255, rtol=1e-6)
    asked = len(s.log)
    CIFAR10(root, download=True, mirrors=[s.url], progress=False)
    assert len(s.log) == asked == 1


def test_a_corrupted_cifar_archive_or_batch_is_refused(server, tmp_path):
    archive, _ = _cifar_archive(evil=False)
    damaged = bytearray(archive)
    damaged[100] ^= 0xFF
    s = server({"cifar-10-binary.tar.gz": bytes(damaged)})
    with pytest.raises(DownloadError, match="cifar-10-binary.tar.gz.*MD5"):
        CIFAR10(tmp_path, download=True, mirrors=[s.url], resources={"cifar-10-binary.tar.gz": _md5(archive)},
                progress=False)
    folder = tmp_path / "cifar-10-batches-bin"
    folder.mkdir()
    (folder / "test_batch.bin").write_bytes(bytes(3073 * 2 + 5))
    with pytest.raises(ValueError, match="not a whole number of 3073-byte records"):
        CIFAR10(tmp_path, train=False)


def test_the_train_command_trains_lenet5_on_mnist_files(server, tmp_path, capsys):
    files, _ = _mnist_files(n_train=48, n_test=16)
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for name, data in files.items():
        (raw / name).write_bytes(data)
    weights = tmp_path / "lenet.safetensors"
    args = ["train", "--dataset", "mnist", "--root", str(tmp_path), "--epochs", "1", "--batch-size", "16",
            "--quiet", "--no-download", "--save", str(weights)]
    pytest.importorskip("safetensors")
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "epoch   1" in out and "held-out accuracy" in out
    from tinygrad_edu.nn.models import LeNet5

    assert weights.read_bytes()[8:10] == b'{"'  # a safetensors header, chosen by the suffix
    LeNet5(input_size=28).load(weights)
    assert main(["train", "--dataset", "cifar10", "--root", str(tmp_path), "--no-download", "--quiet"]) == 1
    assert "CIFAR10: dataset not found" in capsys.readouterr().err
    assert main(["train", "--model", "lenet5", "--quiet"]) == 2
