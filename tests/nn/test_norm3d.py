"""BatchNorm3d and InstanceNorm3d: PyTorch's reprs, state_dict keys, training and eval outputs, gradients and
running statistics; the 5-D (and for InstanceNorm3d unbatched 4-D) input checks."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn


@pytest.mark.torch
@pytest.mark.parametrize("name, args", [("BatchNorm3d", dict(num_features=3)),
                                        ("BatchNorm3d", dict(num_features=3, momentum=None, affine=False)),
                                        ("InstanceNorm3d", dict(num_features=3)),
                                        ("InstanceNorm3d", dict(num_features=3, affine=True,
                                                                track_running_stats=True))])
def test_norm3d_layer_is_pytorchs(torch, name, args):
    ours, theirs = getattr(nn, name)(**args).double(), getattr(torch.nn, name)(**args).double()
    assert str(ours) == str(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    rng = np.random.default_rng(0)
    for step in range(2):
        data = rng.standard_normal((4, 3, 3, 4, 5)) * 2 + 1
        x, tx = tg.Tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
        y, ty = ours(x), theirs(tx)
        np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-10, atol=1e-10)
        (y * y * y).sum().backward()
        (ty * ty * ty).sum().backward()
        np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-9, atol=1e-9)
    for key, value in theirs.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[key].data, value.numpy(), rtol=1e-10, err_msg=key)
    ours.eval(), theirs.eval()
    data = rng.standard_normal((3, 4, 5, 2)) if name == "InstanceNorm3d" else rng.standard_normal((2, 3, 3, 4, 5))
    np.testing.assert_allclose(ours(tg.Tensor(data)).data, theirs(torch.tensor(data)).detach().numpy(),
                               rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("layer, shape, message", [
    (nn.BatchNorm3d(3), (2, 3, 4, 4), r"BatchNorm3d: expected 5D input \(got 4D input of shape \(2, 3, 4, 4\)\)"),
    (nn.InstanceNorm3d(3), (2, 3, 4), r"InstanceNorm3d: expected 4D or 5D input \(got 3D input"),
    (nn.InstanceNorm3d(3, affine=True), (2, 4, 2, 2, 2), r"InstanceNorm3d: expected input's size at dim=1 to match"),
])
def test_input_checks(layer, shape, message):
    with pytest.raises(ValueError, match=message):
        layer(tg.randn(*shape))
