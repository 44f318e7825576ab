"""The 8×8 handwritten digits (1797 images, 10 classes) shipped with the package, as scikit-learn ships
them (see DIGITS_LICENSE.txt), with a seeded stratified train/test split."""
from __future__ import annotations

import gzip
from functools import lru_cache
from importlib import resources

import numpy as np

DIGITS_FILE = "digits.csv.gz"
SPLITS = ("train", "test", "all")
PIXEL_MAX = 16.0


@lru_cache(maxsize=1)
def _raw_digits() -> tuple[np.ndarray, np.ndarray]:
    """Pixel counts 0..16 as (1797, 64) and labels as (1797,), read once from the packaged CSV."""
    with resources.files(__package__).joinpath(DIGITS_FILE).open("rb") as raw, gzip.open(raw, "rt") as text:
        table = np.loadtxt(text, delimiter=",", dtype=np.float64)
    if table.ndim != 2 or table.shape[1] != 65:
        raise ValueError(f"load_digits: {DIGITS_FILE} must have 65 columns (64 pixels + label), "
                         f"got a table of shape {table.shape}")
    pixels, labels = table[:, :64], table[:, 64].astype(np.int64)
    pixels.flags.writeable = False
    labels.flags.writeable = False
    return pixels, labels


def stratified_split(labels: np.ndarray, test_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, test), each ascending: per class, a seeded random round(test_fraction · class size)
    of its samples go to test. Vectorised: rank every sample within its class in a random order."""
    rng = np.random.default_rng(seed)
    shuffled = rng.permutation(len(labels))
    by_class = shuffled[np.argsort(labels[shuffled], kind="stable")]
    classes, first, counts = np.unique(labels[by_class], return_index=True, return_counts=True)
    class_of = np.searchsorted(classes, labels[by_class])
    rank_in_class = np.arange(len(labels)) - first[class_of]
    n_test = np.rint(counts * test_fraction).astype(np.int64)
    is_test = rank_in_class < n_test[class_of]
    return np.sort(by_class[~is_test]), np.sort(by_class[is_test])


def load_digits(split: str = "train", test_fraction: float = 0.2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Images (N, 1, 8, 8) float32 in [0, 1] (pixel count / 16) and labels (N,) int64 for split "train",
    "test" (a seeded, per-class share `test_fraction` of the 1797 digits) or "all"."""
    if split not in SPLITS:
        raise ValueError(f"load_digits: split must be one of {SPLITS}, got {split!r}")
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"load_digits: test_fraction must satisfy 0 < test_fraction < 1, got {test_fraction!r}")
    pixels, labels = _raw_digits()
    if split == "all":
        chosen = np.arange(len(labels))
    else:
        train, test = stratified_split(labels, test_fraction, seed)
        chosen = train if split == "train" else test
    images = (pixels[chosen] / PIXEL_MAX).astype(np.float32).reshape(-1, 1, 8, 8)
    return images, labels[chosen].copy()
