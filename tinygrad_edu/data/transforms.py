"""Batch transforms of image arrays (N, ..., H, W), vectorised over the batch: the lecture's mean
normalisation (F16) and augmentation by random shifts and flips (F14), as functions and as callables."""
from __future__ import annotations

from typing import Callable, Optional, Sequence, Union

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..creation import random_source

RandomSource = Union[np.random.Generator, int, None]
MEAN_AXES = {"pixel": (0,), "channel": (0, 2, 3), "image": (1, 2, 3)}
FLIP_AXES = {"horizontal": -1, "vertical": -2}


def _check_images(function: str, images: np.ndarray, min_ndim: int = 3) -> np.ndarray:
    images = np.asarray(images)
    if images.ndim < min_ndim:
        layout = "(N, C, H, W)" if min_ndim == 4 else "(N, ..., H, W)"
        raise ValueError(f"{function}: images must be a batch {layout} with at least {min_ndim} dimensions, "
                         f"got shape {images.shape}")
    return images


def _check_max_shift(function: str, max_shift: int) -> None:
    if isinstance(max_shift, bool) or not isinstance(max_shift, (int, np.integer)) or max_shift < 0:
        raise ValueError(f"{function}: max_shift must be an integer ≥ 0, got {max_shift!r}")


def _check_flip(function: str, p: float, axis: str) -> None:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{function}: p must satisfy 0 ≤ p ≤ 1, got {p!r}")
    if axis not in FLIP_AXES:
        raise ValueError(f"{function}: axis must be one of {tuple(FLIP_AXES)}, got {axis!r}")


def mean_normalize(images: np.ndarray, mean: Optional[np.ndarray] = None,
                   per: str = "pixel") -> tuple[np.ndarray, np.ndarray]:
    """(images − mean, mean) for images (N, C, H, W). per="pixel": the mean image over the batch (1, C, H, W);
    "channel": one mean per channel (1, C, 1, 1); "image": each image's own mean (N, 1, 1, 1). Compute the mean
    on the training set and pass it back as `mean` for the test set (not allowed for per="image")."""
    images = _check_images("mean_normalize", images, min_ndim=4)
    if per not in MEAN_AXES:
        raise ValueError(f"mean_normalize: per must be one of {tuple(MEAN_AXES)}, got {per!r}")
    if images.dtype.kind != "f":
        images = images.astype(np.float32)
    if mean is None:
        mean = images.mean(axis=MEAN_AXES[per], keepdims=True, dtype=np.float64).astype(images.dtype)
    elif per == "image":
        raise ValueError("mean_normalize: per='image' subtracts each image's own mean; a given mean cannot be "
                         "reused for it (use per='pixel' or per='channel')")
    else:
        mean = np.asarray(mean, dtype=images.dtype)
        try:
            np.broadcast_shapes(mean.shape, images.shape)
        except ValueError:
            raise ValueError(f"mean_normalize: mean of shape {mean.shape} does not broadcast against images of "
                             f"shape {images.shape} (per={per!r})") from None
    return images - mean, mean


def random_shift(images: np.ndarray, max_shift: int = 1, rng: RandomSource = None) -> np.ndarray:
    """Each image moved by its own integer offset (dy, dx), uniform in [−max_shift, max_shift]², with zero fill:
    out[n, ..., i, j] = images[n, ..., i − dy, j − dx]. One gather from the windows of the zero-padded batch."""
    images = _check_images("random_shift", images)
    _check_max_shift("random_shift", max_shift)
    offsets = random_source(rng).integers(-max_shift, max_shift + 1, size=(len(images), 2))
    return shift(images, offsets)


def shift(images: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Image n moved by offsets[n] = (dy, dx) (down, right), zero fill; |dy|, |dx| may exceed the image size."""
    images = _check_images("shift", images)
    offsets = np.asarray(offsets)
    if offsets.shape != (len(images), 2) or offsets.dtype.kind not in "iu":
        raise ValueError(f"shift: offsets must be integers of shape (N, 2) = ({len(images)}, 2), "
                         f"got {offsets.dtype} of shape {offsets.shape}")
    height, width = images.shape[-2:]
    reach = int(np.abs(offsets).max(initial=0))
    pad = min(reach, max(height, width))
    offsets = np.clip(offsets, -pad, pad)
    padded = np.pad(images, [(0, 0)] * (images.ndim - 2) + [(pad, pad), (pad, pad)])
    windows = sliding_window_view(padded, (height, width), axis=(-2, -1))
    by_offset = np.moveaxis(windows, (-4, -3), (1, 2))
    return by_offset[np.arange(len(images)), pad - offsets[:, 0], pad - offsets[:, 1]]


def random_flip(images: np.ndarray, p: float = 0.5, rng: RandomSource = None,
                axis: str = "horizontal") -> np.ndarray:
    """Each image mirrored with probability p, independently: "horizontal" reverses W (left↔right),
    "vertical" reverses H (top↔bottom)."""
    images = _check_images("random_flip", images)
    _check_flip("random_flip", p, axis)
    chosen = random_source(rng).random(len(images)) < p
    chosen = chosen.reshape((-1,) + (1,) * (images.ndim - 1))
    return np.where(chosen, np.flip(images, axis=FLIP_AXES[axis]), images)


class Compose:
    """Apply transforms one after another: Compose([f, g])(x) = g(f(x))."""

    def __init__(self, transforms: Sequence[Callable[[np.ndarray], np.ndarray]]) -> None:
        transforms = list(transforms)
        for position, transform in enumerate(transforms):
            if not callable(transform):
                raise TypeError(f"Compose: transform {position} is not callable, got {type(transform).__name__}")
        self.transforms = transforms

    def __call__(self, images: np.ndarray) -> np.ndarray:
        for transform in self.transforms:
            images = transform(images)
        return images

    def __repr__(self) -> str:
        return f"Compose({self.transforms!r})"


class RandomShift:
    """random_shift as a DataLoader transform, drawing from its own Generator (seeded: repeatable)."""

    def __init__(self, max_shift: int = 1, seed: RandomSource = None) -> None:
        _check_max_shift("RandomShift", max_shift)
        self.max_shift = max_shift
        self.rng = random_source(seed)

    def __call__(self, images: np.ndarray) -> np.ndarray:
        return random_shift(images, self.max_shift, self.rng)

    def __repr__(self) -> str:
        return f"RandomShift(max_shift={self.max_shift})"


class RandomFlip:
    """random_flip as a DataLoader transform, drawing from its own Generator (seeded: repeatable)."""

    def __init__(self, p: float = 0.5, axis: str = "horizontal", seed: RandomSource = None) -> None:
        _check_flip("RandomFlip", p, axis)
        self.p = p
        self.axis = axis
        self.rng = random_source(seed)

    def __call__(self, images: np.ndarray) -> np.ndarray:
        return random_flip(images, self.p, self.rng, self.axis)

    def __repr__(self) -> str:
        return f"RandomFlip(p={self.p}, axis={self.axis!r})"
