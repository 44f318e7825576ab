"""MNIST, Fashion-MNIST and CIFAR-10 as torchvision has them: `root`, `train`, `transform`, `target_transform`,
`download`, the same folders (root/MNIST/raw, root/FashionMNIST/raw, root/cifar-10-batches-bin), `.data`,
`.targets` and `.classes`. Files come from the data sets' own mirrors, checked against their published MD5
digests (data/download.py); CIFAR-10 is its binary version, read without pickle. A sample is (image, label)
with the image as uint8 pixels (H, W) or (H, W, 3), where torchvision hands a PIL image; `ToTensor()` makes
the float (C, H, W) tensor in [0, 1], and `arrays()` does that for the whole set at once (for TensorDataset)."""
from __future__ import annotations

import os
import tarfile
from abc import abstractmethod
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, Sequence, Union

import numpy as np

from ..tensor import Tensor
from .dataset import Dataset
from .download import download
from .idx import IdxFormatError, read_idx

PathLike = Union[str, os.PathLike]


class ToTensor:
    """uint8 pixels (H, W) or (H, W, C) → a float32 Tensor (C, H, W) in [0, 1], as torchvision's ToTensor."""

    def __call__(self, image: Any) -> Tensor:
        image = np.asarray(image)
        if image.ndim == 2:
            image = image[None]
        elif image.ndim == 3:
            image = image.transpose(2, 0, 1)
        else:
            raise ValueError(f"ToTensor: expected an image (H, W) or (H, W, C), got shape {image.shape}")
        scale = np.float32(255) if image.dtype == np.uint8 else np.float32(1)
        return Tensor(np.ascontiguousarray(image, dtype=np.float32) / scale)

    def __repr__(self) -> str:
        return "ToTensor()"


class VisionDataset(Dataset):
    """What the three share: arguments, the transforms, len and the (image, label) samples."""

    mirrors: Sequence[str] = ()
    resources: Mapping[str, str] = {}
    classes: list[str] = []

    def __init__(self, root: PathLike, train: bool = True, transform: Optional[Callable] = None,
                 target_transform: Optional[Callable] = None, download: bool = False, *,
                 mirrors: Optional[Sequence[str]] = None, resources: Optional[Mapping[str, str]] = None,
                 progress: bool = True) -> None:
        """`mirrors` (base URLs) and `resources` (file name → MD5) replace the published ones (a local copy)."""
        if isinstance(root, (str, os.PathLike)):
            root = os.path.expanduser(root)
        self.root = Path(root)
        self.train, self.transform, self.target_transform = bool(train), transform, target_transform
        self.mirrors = list(mirrors) if mirrors is not None else list(type(self).mirrors)
        self.resources = dict(resources) if resources is not None else dict(type(self).resources)
        self.progress = progress
        if download:
            self.download()
        self._load()

    @property
    def raw_folder(self) -> Path:
        return self.root / type(self).__name__ / "raw"

    def _fetch(self, name: str) -> Path:
        return download([m.rstrip("/") + "/" + name for m in self.mirrors], self.raw_folder / name,
                        self.resources.get(name), self.progress, type(self).__name__)

    def download(self) -> None:
        """Fetch every file not yet in place (all of them, as torchvision, so both splits work offline)."""
        for name in self.resources:
            self._fetch(name)

    def _missing(self, names: Sequence[str]) -> None:
        missing = [n for n in names if not (self.raw_folder / n).is_file()]
        if missing:
            raise RuntimeError(f"{type(self).__name__}: dataset not found: no {', '.join(missing)} in "
                               f"{self.raw_folder}. You can use download=True to download it")

    @abstractmethod
    def _load(self) -> None:
        """Read the split's files into .data and .targets."""

    @abstractmethod
    def _image(self, index: int) -> np.ndarray:
        """Image `index` as uint8 pixels."""

    @abstractmethod
    def _label(self, index: int) -> int:
        """Label `index` as an int."""

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        image, target = self._image(index), self._label(index)
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return image, target

    @property
    def split(self) -> str:
        return "Train" if self.train else "Test"

    def __repr__(self) -> str:
        return (f"Dataset {type(self).__name__}\n    Number of datapoints: {len(self)}\n"
                f"    Root location: {self.root}\n    Split: {self.split}")


class MNIST(VisionDataset):
    """60,000 training and 10,000 test images of handwritten digits, 28×28 grey levels (LeCun et al. 1998);
    `.data` uint8 (N, 28, 28), `.targets` int64 (N,), as Tensors."""

    mirrors = ("https://ossci-datasets.s3.amazonaws.com/mnist", "http://yann.lecun.com/exdb/mnist")
    resources = {"train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
                 "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
                 "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
                 "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c"}
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six", "7 - seven",
               "8 - eight", "9 - nine"]

    def _load(self) -> None:
        stem = "train" if self.train else "t10k"
        names = [f"{stem}-images-idx3-ubyte.gz", f"{stem}-labels-idx1-ubyte.gz"]
        self._missing(names)
        images, labels = (read_idx(self.raw_folder / n) for n in names)
        if images.ndim != 3 or images.dtype != np.uint8 or labels.ndim != 1 or len(images) != len(labels):
            raise IdxFormatError(f"{type(self).__name__}: {self.raw_folder}: expected uint8 images (N, H, W) and N "
                                 f"labels, found images {images.shape} of {images.dtype} and labels {labels.shape}")
        self.data = Tensor(images)
        self.targets = Tensor(labels.astype(np.int64))

    def __len__(self) -> int:
        return len(self.data.data)

    def _image(self, index: int) -> np.ndarray:
        return self.data.data[index]

    def _label(self, index: int) -> int:
        return int(self.targets.data[index])

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """All images as float32 (N, 1, 28, 28) in [0, 1] and the labels as int64, in one step."""
        return self.data.data[:, None].astype(np.float32) / np.float32(255), self.targets.data.copy()


class FashionMNIST(MNIST):
    """Zalando's 28×28 grey images of ten kinds of clothing, in MNIST's format and sizes (Xiao et al. 2017)."""

    mirrors = ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com",)
    resources = {"train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
                 "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
                 "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
                 "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310"}
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot"]


class CIFAR10(VisionDataset):
    """60,000 32×32 colour images in ten classes (Krizhevsky 2009), from its binary version: records of one
    label byte and 3072 pixel bytes (red, green, blue planes). `.data` uint8 (N, 32, 32, 3), `.targets` a list."""

    base_folder = "cifar-10-batches-bin"
    archive = "cifar-10-binary.tar.gz"
    mirrors = ("https://www.cs.toronto.edu/~kriz",)
    resources = {"cifar-10-binary.tar.gz": "c32a1d4ab5d03f1284b67883e8d87530"}
    train_list = ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"]
    test_list = ["test_batch.bin"]
    classes = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
    record = 1 + 3 * 32 * 32

    @property
    def raw_folder(self) -> Path:
        return self.root

    def download(self) -> None:
        """Fetch the archive unless the batches are in place, and unpack exactly the batch files."""
        if all((self.root / self.base_folder / n).is_file() for n in self.train_list + self.test_list):
            return
        self._fetch(self.archive)
        self._extract()

    def _extract(self) -> None:
        """Copy the seven known members out of the archive (no other name, so no path leaves the folder)."""
        folder = self.root / self.base_folder
        folder.mkdir(parents=True, exist_ok=True)
        wanted = {f"{self.base_folder}/{n}": n for n in self.train_list + self.test_list + ["batches.meta.txt"]}
        with tarfile.open(self.root / self.archive, "r:gz") as archive:
            for member in archive:
                name = wanted.get(member.name)
                if name is None or not member.isfile() or (folder / name).is_file():
                    continue
                partial = folder / (name + ".partial")
                with archive.extractfile(member) as source, open(partial, "wb") as target:
                    for chunk in iter(lambda: source.read(1 << 20), b""):
                        target.write(chunk)
                os.replace(partial, folder / name)

    def _load(self) -> None:
        folder = self.root / self.base_folder
        names = self.train_list if self.train else self.test_list
        if not all((folder / n).is_file() for n in names) and (self.root / self.archive).is_file():
            self._extract()
        missing = [n for n in names if not (folder / n).is_file()]
        if missing:
            raise RuntimeError(f"CIFAR10: dataset not found: no {', '.join(missing)} in {folder}. You can use "
                               "download=True to download it")
        parts = []
        for name in names:
            raw = np.fromfile(folder / name, dtype=np.uint8)
            if raw.size == 0 or raw.size % self.record:
                raise ValueError(f"CIFAR10: {folder / name} holds {raw.size:,} bytes, not a whole number of "
                                 f"{self.record}-byte records (label byte + 3·32·32 pixels); delete it to download "
                                 "again")
            parts.append(raw.reshape(-1, self.record))
        records = np.concatenate(parts)
        self.targets = records[:, 0].astype(np.int64).tolist()
        self.data = records[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1).copy()
        if max(self.targets, default=0) >= len(self.classes):
            raise ValueError(f"CIFAR10: {folder}: label {max(self.targets)} is not one of the 10 classes")

    def __len__(self) -> int:
        return len(self.data)

    def _image(self, index: int) -> np.ndarray:
        return self.data[index]

    def _label(self, index: int) -> int:
        return self.targets[index]

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """All images as float32 (N, 3, 32, 32) in [0, 1] and the labels as int64, in one step."""
        return (self.data.transpose(0, 3, 1, 2).astype(np.float32) / np.float32(255),
                np.asarray(self.targets, dtype=np.int64))
