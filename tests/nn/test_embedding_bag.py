"""EmbeddingBag: F.embedding_bag as a layer with PyTorch's parameter, init, padding row, repr and errors."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tinygrad_edu.errors import ShapeError
from tests.helpers import assert_close


@pytest.mark.torch
@pytest.mark.parametrize("kwargs", [dict(), dict(mode="sum", padding_idx=2), dict(mode="max", max_norm=1.0),
                                    dict(mode="sum", include_last_offset=True)])
def test_embedding_bag_layer_matches_torch(torch, kwargs):
    layer, ref = nn.EmbeddingBag(10, 3, **kwargs), torch.nn.EmbeddingBag(10, 3, **kwargs)
    ref.load_state_dict({"weight": torch.tensor(layer.weight.data)})
    assert repr(layer) == repr(ref)
    indices, offsets = np.array([1, 2, 4, 5, 4, 3, 2, 9]), np.array([0, 4, 4, 6])
    if kwargs.get("include_last_offset"):
        offsets = np.append(offsets, indices.size)
    out = layer(tg.Tensor(indices), tg.Tensor(offsets))
    expected = ref(torch.tensor(indices), torch.tensor(offsets))
    assert_close(out, expected, rtol=1e-6, atol=1e-7)
    out.sum().backward()
    expected.sum().backward()
    assert_close(layer.weight.grad, ref.weight.grad, rtol=1e-6, atol=1e-7)


def test_init_padding_row_and_from_pretrained():
    tg.manual_seed(0)
    layer = nn.EmbeddingBag(200, 8, padding_idx=-1)
    assert layer.padding_idx == 199 and np.all(layer.weight.data[199] == 0)
    assert abs(layer.weight.data[:199].std() - 1) < 0.05 and layer.weight.dtype == tg.float32
    frozen = nn.EmbeddingBag.from_pretrained(tg.ones(4, 2), mode="sum")
    assert not frozen.weight.requires_grad
    np.testing.assert_array_equal(frozen(tg.tensor([[0, 1, 2]])).data, [[3.0, 3.0]])


@pytest.mark.parametrize("kwargs,error,message", [
    (dict(mode="prod"), ShapeError, "EmbeddingBag: mode"),
    (dict(padding_idx=10), IndexError, "EmbeddingBag: padding_idx"),
    (dict(sparse=True), ShapeError, "EmbeddingBag: sparse"),
])
def test_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        nn.EmbeddingBag(10, 3, **kwargs)
