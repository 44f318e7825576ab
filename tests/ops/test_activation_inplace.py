"""The in-place functional activations (F.relu_, ...): they change the tensor itself (same object, version bump),
values and gradients through the re-recorded graph as PyTorch's; a leaf that requires grad refuses."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F
from tests.helpers import assert_close

CASES = [("relu_", ()), ("elu_", (0.5,)), ("celu_", (2.0,)), ("selu_", ()), ("leaky_relu_", (0.2,)),
         ("hardtanh_", (-0.5, 0.7)), ("threshold_", (0.1, -3.0)), ("rrelu_", (0.1, 0.3))]


@pytest.mark.torch
@pytest.mark.parametrize("name,args", CASES)
def test_inplace_matches_torch(torch, name, args):
    x = np.random.default_rng(0).normal(size=(3, 4))
    a = tg.Tensor(x.copy(), requires_grad=True)
    b = a * 1
    version = b._version
    result = getattr(F, name)(b, *args)
    assert result is b and b._version == version + 1
    (b * b).sum().backward()
    ta = torch.tensor(x.copy(), requires_grad=True)
    tb = ta * 1
    getattr(torch.nn.functional, name)(tb, *args)
    (tb * tb).sum().backward()
    assert_close(b, tb)
    assert_close(a.grad, ta.grad)


@pytest.mark.parametrize("name,args", CASES)
def test_inplace_outside_the_graph_and_on_a_view(name, args):
    x = tg.tensor([[-2.0, -0.5, 0.3, 4.0]])
    expected = getattr(F, name.rstrip("_"))(x.clone(), *args)
    view = x[0]
    getattr(F, name)(view, *args)
    np.testing.assert_allclose(x.data, expected.data)


@pytest.mark.parametrize("name,args", CASES)
def test_leaf_that_requires_grad_refuses(name, args):
    with pytest.raises(RuntimeError, match=name):
        getattr(F, name)(tg.ones(2, requires_grad=True), *args)


def test_not_a_tensor_is_a_type_error():
    with pytest.raises(TypeError, match="relu_"):
        F.relu_([1.0, -1.0])


@pytest.mark.torch
def test_an_expanded_view_refuses_as_in_torch(torch):
    with pytest.raises(RuntimeError) as theirs:
        torch.nn.functional.relu_(torch.zeros(3, 1).expand(3, 4))
    with pytest.raises(type(theirs.value), match="relu_: unsupported operation: more than one element"):
        F.relu_(tg.zeros(3, 1).expand(3, 4))
