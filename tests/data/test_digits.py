"""The packaged 8×8 digits: shapes, dtypes, value range, class counts, and a stratified, seeded,
deterministic train/test split whose parts are disjoint and cover the whole set."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinygrad_edu.data import load_digits
from tinygrad_edu.data.digits import stratified_split

# Per-class counts of scikit-learn's digits (load_digits().target), the published figures of the data set.
CLASS_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def test_all_split_shapes_range_and_class_counts():
    images, labels = load_digits("all")
    assert images.shape == (1797, 1, 8, 8) and images.dtype == np.float32
    assert labels.shape == (1797,) and labels.dtype == np.int64
    assert images.min() == 0.0 and images.max() == 1.0
    np.testing.assert_array_equal(np.unique(images * 16), np.arange(17))
    assert np.bincount(labels).tolist() == CLASS_COUNTS


def test_first_digit_is_the_zero_scikit_learn_starts_with():
    images, labels = load_digits("all")
    first_zero = [[0, 0, 5, 13, 9, 1, 0, 0], [0, 0, 13, 15, 10, 15, 5, 0], [0, 3, 15, 2, 0, 11, 8, 0],
                  [0, 4, 12, 0, 0, 8, 8, 0], [0, 5, 8, 0, 0, 9, 8, 0], [0, 4, 11, 0, 1, 12, 7, 0],
                  [0, 2, 14, 5, 10, 12, 0, 0], [0, 0, 6, 13, 10, 0, 0, 0]]
    assert labels[0] == 0
    np.testing.assert_array_equal(images[0, 0] * 16, first_zero)


def test_train_and_test_are_disjoint_and_cover_everything():
    all_images, all_labels = load_digits("all")
    train_images, train_labels = load_digits("train")
    test_images, test_labels = load_digits("test")
    assert len(train_labels) + len(test_labels) == 1797
    flat_all = all_images.reshape(1797, -1)
    rows = {row.tobytes(): i for i, row in enumerate(flat_all)}
    train_rows = [rows[r.tobytes()] for r in train_images.reshape(len(train_images), -1)]
    test_rows = [rows[r.tobytes()] for r in test_images.reshape(len(test_images), -1)]
    assert not set(train_rows) & set(test_rows)
    np.testing.assert_array_equal(np.sort(np.concatenate([train_labels, test_labels])), np.sort(all_labels))


def test_split_is_stratified():
    _, test_labels = load_digits("test", test_fraction=0.2)
    expected = np.rint(np.array(CLASS_COUNTS) * 0.2)
    np.testing.assert_array_equal(np.bincount(test_labels, minlength=10), expected)


def test_split_is_deterministic_and_depends_on_seed():
    a_images, a_labels = load_digits("train", seed=3)
    b_images, b_labels = load_digits("train", seed=3)
    np.testing.assert_array_equal(a_images, b_images)
    np.testing.assert_array_equal(a_labels, b_labels)
    c_images, _ = load_digits("train", seed=4)
    assert a_images.shape == c_images.shape and not np.array_equal(a_images, c_images)


def test_returned_arrays_are_private_copies():
    images, labels = load_digits("test")
    images[:] = -1
    labels[:] = -1
    again_images, again_labels = load_digits("test")
    assert again_images.min() == 0.0 and again_labels.min() == 0


@given(labels=st.lists(st.integers(0, 4), min_size=1, max_size=80), fraction=st.floats(0.05, 0.95),
       seed=st.integers(0, 1000))
def test_stratified_split_property(labels, fraction, seed):
    labels = np.array(labels)
    train, test = stratified_split(labels, fraction, seed)
    np.testing.assert_array_equal(np.sort(np.concatenate([train, test])), np.arange(len(labels)))
    for cls in np.unique(labels):
        assert np.sum(labels[test] == cls) == np.rint(np.sum(labels == cls) * fraction)
    again_train, again_test = stratified_split(labels, fraction, seed)
    np.testing.assert_array_equal(train, again_train)
    np.testing.assert_array_equal(test, again_test)


@pytest.mark.parametrize("kwargs, message", [
    ({"split": "valid"}, r"load_digits: split must be one of \('train', 'test', 'all'\), got 'valid'"),
    ({"test_fraction": 0.0}, r"load_digits: test_fraction must satisfy 0 < test_fraction < 1, got 0.0"),
    ({"test_fraction": 1.5}, r"got 1.5"),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        load_digits(**kwargs)
