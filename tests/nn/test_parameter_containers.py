"""ParameterList / ParameterDict: registered in parameters() and state_dict() under PyTorch's keys ("0", "name"),
tensors become Parameters, list/dict behaviour, a PyTorch state_dict loads, optimisers see the entries."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn


class Holder(nn.Module):
    def __init__(self):
        super().__init__()
        self.pl = nn.ParameterList([nn.Parameter(tg.ones(3, 4)), tg.zeros(3)])
        self.pd = nn.ParameterDict({"scale": tg.ones(2), "shift": nn.Parameter(tg.zeros(1))})

    def forward(self, x):
        return (x @ self.pl[0].T + self.pl[1]).sum() * self.pd["scale"].sum() + self.pd["shift"].sum()


def test_registered_with_pytorch_names_and_trainable():
    m = Holder()
    assert list(m.state_dict()) == ["pl.0", "pl.1", "pd.scale", "pd.shift"]
    assert [n for n, _ in m.named_parameters()] == list(m.state_dict())
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in m.parameters())
    m(tg.ones(2, 4)).backward()
    assert all(p.grad is not None for p in m.parameters())


@pytest.mark.torch
def test_state_dict_and_repr_as_pytorch(torch):
    class Theirs(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.pl = torch.nn.ParameterList([torch.nn.Parameter(torch.randn(3, 4)), torch.randn(3)])
            self.pd = torch.nn.ParameterDict({"scale": torch.randn(2), "shift": torch.randn(1)})

    theirs, ours = Theirs(), Holder()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict(theirs.state_dict())
    np.testing.assert_array_equal(ours.pl[0].data, theirs.pl[0].detach().numpy())
    assert repr(ours.pl).replace("float32", "torch.float32") == repr(theirs.pl)
    assert repr(nn.ParameterList()) == repr(torch.nn.ParameterList())


def test_list_behaviour():
    pl = nn.ParameterList()
    pl.append(tg.ones(2)).extend([tg.ones(3), np.ones(4, np.float32)])
    pl += [tg.ones(5)]
    assert len(pl) == 4 and [p.shape[0] for p in pl] == [2, 3, 4, 5]
    assert pl[-1].shape == (5,) and [p.shape[0] for p in pl[1:3]] == [3, 4]
    pl[0] = tg.zeros(7)
    assert isinstance(pl[0], nn.Parameter) and pl[0].shape == (7,)
    with pytest.raises(IndexError, match="out of range"):
        pl[4]
    with pytest.raises(TypeError):
        pl.append("not a tensor")


def test_dict_behaviour():
    pd = nn.ParameterDict([("a", tg.ones(1)), ("b", tg.ones(2))])
    assert list(pd) == ["a", "b"] and "a" in pd and len(pd) == 2
    pd.update({"c": tg.ones(3)})
    assert list(pd.keys()) == ["a", "b", "c"] and pd.pop("b").shape == (2,)
    assert pd.get("zz") is None
    with pytest.raises(KeyError):
        pd["zz"]
    with pytest.raises(AttributeError):  # the class PyTorch raises
        pd["zz"]
    with pytest.raises(KeyError, match="contain"):
        pd["a.b"] = tg.ones(1)
    with pytest.raises(ValueError, match="element #0"):
        pd.update([("x",)])


@pytest.mark.torch
def test_a_buffer_assigned_to_a_module_is_registered_as_torch(torch):
    """self.x = nn.Buffer(t) registers x as a buffer (in state_dict unless persistent=False), as torch.nn.Buffer."""
    results = []
    for lib in (torch, tg):
        m = lib.nn.Module()
        m.x = lib.nn.Buffer(lib.ones(2))
        m.y = lib.nn.Buffer(lib.zeros(1), persistent=False)
        m.x = lib.nn.Buffer(lib.full((3,), 2.0))  # replaced: keeps its place
        results.append((list(m.state_dict()), [n for n, _ in m.named_buffers()], m.x.tolist(), m.x.requires_grad,
                        lib.nn.Buffer().shape == (0,)))
    assert results[1] == results[0]
