"""Batch transforms: mean normalisation (zero mean on the training set, the same mean reused on the test set),
shifts that keep the image content and fill zeros, flips, composition and the seeded callable forms."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tinygrad_edu.data import (Compose, DataLoader, RandomFlip, RandomShift, TensorDataset, mean_normalize,
                               random_flip, random_shift, shift)

batches = hnp.arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 3), st.integers(1, 7),
                                           st.integers(1, 7)),
                     elements=st.floats(-10, 10, allow_nan=False))


@pytest.mark.parametrize("per, mean_shape", [("pixel", (1, 2, 5, 4)), ("channel", (1, 2, 1, 1)),
                                             ("image", (6, 1, 1, 1))])
def test_mean_normalize_gives_zero_mean(per, mean_shape):
    images = np.random.default_rng(0).uniform(0, 1, (6, 2, 5, 4)).astype(np.float32)
    normalized, mean = mean_normalize(images, per=per)
    assert mean.shape == mean_shape and normalized.dtype == np.float32
    axes = {"pixel": 0, "channel": (0, 2, 3), "image": (1, 2, 3)}[per]
    np.testing.assert_allclose(normalized.mean(axis=axes), 0, atol=1e-6)
    np.testing.assert_allclose(normalized + mean, images, atol=1e-6)


def test_train_mean_is_reused_on_test():
    rng = np.random.default_rng(1)
    train, test = rng.uniform(0, 1, (20, 1, 3, 3)), rng.uniform(0, 1, (7, 1, 3, 3))
    _, mean = mean_normalize(train, per="channel")
    test_normalized, same_mean = mean_normalize(test, mean=mean, per="channel")
    np.testing.assert_array_equal(same_mean, mean)
    np.testing.assert_allclose(test_normalized, test - train.mean())


def test_mean_normalize_makes_integer_images_float():
    normalized, mean = mean_normalize(np.full((2, 1, 2, 2), 3, dtype=np.uint8))
    assert normalized.dtype == np.float32 and np.all(normalized == 0) and np.all(mean == 3)


@pytest.mark.parametrize("kwargs, message", [
    ({"per": "row"}, r"per must be one of \('pixel', 'channel', 'image'\), got 'row'"),
    ({"per": "image", "mean": np.zeros(1)}, r"per='image' subtracts each image's own mean"),
    ({"mean": np.zeros((3, 1, 1))}, r"mean of shape \(3, 1, 1\) does not broadcast against images of shape "
                                    r"\(2, 2, 4, 4\)"),
])
def test_mean_normalize_errors(kwargs, message):
    with pytest.raises(ValueError, match="mean_normalize: " + message):
        mean_normalize(np.zeros((2, 2, 4, 4)), **kwargs)


def test_mean_normalize_needs_a_4d_batch():
    with pytest.raises(ValueError, match=r"mean_normalize: images must be a batch \(N, C, H, W\).*\(4, 4\)"):
        mean_normalize(np.zeros((4, 4)))


def test_shift_moves_down_and_right_with_zero_fill():
    image = np.arange(1, 10, dtype=np.float32).reshape(1, 1, 3, 3)
    np.testing.assert_array_equal(shift(image, np.array([[1, -1]]))[0, 0], [[0, 0, 0], [2, 3, 0], [5, 6, 0]])
    assert np.all(shift(image, np.array([[5, 0]])) == 0)


@given(images=batches, data=st.data())
def test_shift_then_shift_back_restores_the_interior(images, data):
    n, _, height, width = images.shape
    offsets = np.array(data.draw(st.lists(st.tuples(st.integers(-2, 2), st.integers(-2, 2)),
                                          min_size=n, max_size=n)))
    there_and_back = shift(shift(images, offsets), -offsets)
    for k, (dy, dx) in enumerate(offsets):
        kept_rows = slice(max(0, -dy), height - max(0, dy))
        kept_cols = slice(max(0, -dx), width - max(0, dx))
        np.testing.assert_array_equal(there_and_back[k, :, kept_rows, kept_cols], images[k, :, kept_rows, kept_cols])
        lost = np.ones((height, width), bool)
        lost[kept_rows, kept_cols] = False
        assert np.all(there_and_back[k][:, lost] == 0)


@given(images=batches, max_shift=st.integers(0, 3), seed=st.integers(0, 1000))
def test_random_shift_keeps_content_or_drops_it_at_the_border(images, max_shift, seed):
    shifted = random_shift(images, max_shift, np.random.default_rng(seed))
    assert shifted.shape == images.shape and shifted.dtype == images.dtype
    offsets = np.random.default_rng(seed).integers(-max_shift, max_shift + 1, size=(len(images), 2))
    np.testing.assert_array_equal(shifted, shift(images, offsets))


@given(images=batches, seed=st.integers(0, 1000))
def test_shift_zero_is_identity(images, seed):
    np.testing.assert_array_equal(random_shift(images, 0, seed), images)


def test_random_shift_offsets_are_independent_and_cover_the_range():
    image = np.zeros((1, 1, 5, 5))
    image[0, 0, 2, 2] = 1
    shifted = random_shift(np.repeat(image, 400, axis=0), 1, np.random.default_rng(0))
    positions = {(int(r), int(c)) for r, c in zip(*np.nonzero(shifted[:, 0].sum(axis=0)))}
    assert positions == {(r, c) for r in (1, 2, 3) for c in (1, 2, 3)}
    assert np.all(shifted.reshape(400, -1).sum(axis=1) == 1)


def test_random_shift_accepts_images_without_channel_axis():
    images = np.arange(2 * 4 * 4, dtype=np.float32).reshape(2, 4, 4)
    assert random_shift(images, 1, 0).shape == (2, 4, 4)


@given(images=batches, seed=st.integers(0, 1000), axis=st.sampled_from(["horizontal", "vertical"]))
def test_flip_twice_is_identity(images, seed, axis):
    once = random_flip(images, p=1.0, rng=seed, axis=axis)
    np.testing.assert_array_equal(random_flip(once, p=1.0, rng=seed, axis=axis), images)
    np.testing.assert_array_equal(once, images[..., ::-1] if axis == "horizontal" else images[..., ::-1, :])


def test_random_flip_flips_a_random_subset():
    images = np.arange(200 * 3, dtype=np.float64).reshape(200, 1, 1, 3)
    flipped = random_flip(images, p=0.5, rng=np.random.default_rng(0))
    was_flipped = flipped[:, 0, 0, 0] != images[:, 0, 0, 0]
    np.testing.assert_array_equal(flipped[was_flipped], images[was_flipped][..., ::-1])
    np.testing.assert_array_equal(flipped[~was_flipped], images[~was_flipped])
    assert 60 < was_flipped.sum() < 140
    np.testing.assert_array_equal(random_flip(images, p=0.0), images)


@pytest.mark.parametrize("call, message", [
    (lambda: random_shift(np.zeros((2, 4, 4)), -1), r"random_shift: max_shift must be an integer ≥ 0, got -1"),
    (lambda: random_shift(np.zeros((4, 4)), 1), r"random_shift: images must be a batch \(N, ..., H, W\)"),
    (lambda: random_flip(np.zeros((2, 4, 4)), p=1.5), r"random_flip: p must satisfy 0 ≤ p ≤ 1, got 1.5"),
    (lambda: random_flip(np.zeros((2, 4, 4)), axis="diagonal"), r"random_flip: axis must be one of"),
    (lambda: shift(np.zeros((2, 4, 4)), np.zeros((3, 2), int)), r"shift: offsets must be integers of shape"),
    (lambda: RandomShift(1.5), r"RandomShift: max_shift must be an integer ≥ 0, got 1.5"),
    (lambda: RandomFlip(p=-0.1), r"RandomFlip: p must satisfy"),
    (lambda: Compose([abs, 3]), r"Compose: transform 1 is not callable, got int"),
])
def test_argument_errors(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


def test_compose_applies_in_order():
    images = np.arange(2 * 1 * 2 * 3, dtype=np.float64).reshape(2, 1, 2, 3)
    composed = Compose([lambda x: x + 1, lambda x: x * 10])
    np.testing.assert_array_equal(composed(images), (images + 1) * 10)


def test_seeded_callables_repeat_and_work_in_a_data_loader():
    images, labels = np.random.default_rng(2).uniform(0, 1, (30, 1, 6, 6)), np.arange(30)

    def epoch(seed):
        transform = Compose([RandomShift(2, seed=seed), RandomFlip(0.5, seed=seed)])
        loader = DataLoader(TensorDataset(images, labels), batch_size=8, shuffle=True, seed=seed,
                            transform=transform)
        return [(x.data, y.data) for x, y in loader]

    first, second, other = epoch(5), epoch(5), epoch(6)
    for (x1, y1), (x2, y2) in zip(first, second):
        np.testing.assert_array_equal(x1, x2)
        np.testing.assert_array_equal(y1, y2)
    assert any(not np.array_equal(a[0], b[0]) for a, b in zip(first, other))
    assert sum(len(y) for _, y in first) == 30
