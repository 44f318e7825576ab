"""Sequential, ModuleList and ModuleDict: list and dict behaviour, and state-dict names equal to PyTorch's after
the same sequence of edits (so a PyTorch checkpoint of a model built with them loads)."""
from collections import OrderedDict

import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
from tinygrad_edu import nn


def edit_list(nn_, steps):
    ml = nn_.ModuleList([nn_.Linear(1, 1), nn_.ReLU()])
    for op, arg in steps:
        if op == "append":
            ml.append(nn_.Linear(arg, 1))
        elif op == "extend":
            ml.extend([nn_.Tanh(), nn_.Linear(arg, 2)])
        elif op == "insert":
            ml.insert(min(arg, len(ml)), nn_.Linear(2, arg))
        elif op == "delete" and len(ml):
            del ml[arg % len(ml)]
        elif op == "pop" and len(ml):
            ml.pop(arg % len(ml))
        elif op == "iadd":
            ml += [nn_.Linear(arg, 3)]
    return ml


@pytest.mark.torch
@given(steps=st.lists(st.tuples(st.sampled_from(["append", "extend", "insert", "delete", "pop", "iadd"]),
                                st.integers(1, 4)), max_size=6))
def test_module_list_edits_give_pytorchs_names_and_shapes(torch, steps):
    ours, theirs = edit_list(nn, steps), edit_list(torch.nn, steps)
    assert len(ours) == len(theirs)
    assert [type(m).__name__ for m in ours] == [type(m).__name__ for m in theirs]
    assert [(k, v.shape) for k, v in ours.state_dict().items()] == \
           [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
    ours.load_state_dict(theirs.state_dict())


def test_module_list_indexing_slicing_and_errors():
    layers = [nn.Linear(1, 1), nn.ReLU(), nn.Tanh()]
    ml = nn.ModuleList(layers)
    assert ml[-1] is layers[2] and list(ml) == layers and len(ml) == 3
    part = ml[1:]
    assert isinstance(part, nn.ModuleList) and list(part) == layers[1:]
    assert [k for k, _ in part.named_children()] == ["0", "1"]
    ml[1] = nn.Sigmoid()
    assert isinstance(ml[1], nn.Sigmoid)
    ml.insert(-1, nn.Identity())
    assert [type(m).__name__ for m in ml] == ["Linear", "Sigmoid", "Identity", "Tanh"]
    assert [type(m).__name__ for m in ml + [nn.ReLU()]][-1] == "ReLU"
    with pytest.raises(IndexError, match="index 7 is out of range"):
        ml[7]
    with pytest.raises(TypeError):
        ml["a"]
    with pytest.raises(TypeError, match="int is not a Module subclass"):
        ml.append(3)
    with pytest.raises(TypeError, match="ModuleList.extend should be called with an iterable, but got int"):
        ml.extend(3)


def test_module_list_parameters_are_registered_for_optimisers():
    ml = nn.ModuleList(nn.Linear(2, 2) for _ in range(3))
    assert len(list(ml.parameters())) == 6
    assert ml.get_submodule("2") is ml[2]


@pytest.mark.torch
def test_module_dict_behaves_and_names_as_pytorch(torch):
    def build(nn_):
        md = nn_.ModuleDict({"b": nn_.Linear(1, 2), "a": nn_.Linear(2, 1)})
        md["c"] = nn_.ReLU()
        md.update([("d", nn_.Linear(2, 2))])
        md.update(OrderedDict(e=nn_.Linear(1, 1)))
        md.pop("c")
        del md["e"]
        return md

    ours, theirs = build(nn), build(torch.nn)
    assert list(ours.keys()) == list(theirs.keys()) == ["b", "a", "d"]
    assert list(ours) == ["b", "a", "d"] and "a" in ours and "c" not in ours and len(ours) == 3
    assert [k for k, _ in ours.items()] == list(ours.keys())
    assert list(ours.state_dict()) == list(theirs.state_dict())
    with pytest.raises(KeyError):
        ours["zz"]
    with pytest.raises(KeyError) as info:
        ours.update({"a.b": nn.ReLU()})
    assert info.value.args[0] == 'module name can\'t contain ".", got: a.b'
    with pytest.raises(ValueError, match="element #0 should be a pair"):
        ours.update([("x",)])
    ours.clear()
    assert len(ours) == 0 and not list(ours.parameters())


def test_sequential_slicing_ordered_dict_append_delete():
    a, b, c = nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)
    seq = nn.Sequential(OrderedDict(first=a, act=b, last=c))
    assert list(seq.state_dict()) == ["first.weight", "first.bias", "last.weight", "last.bias"]
    head = seq[:2]
    assert isinstance(head, nn.Sequential) and [k for k, _ in head.named_children()] == ["first", "act"]
    assert seq[-1] is c and len(seq) == 3
    seq.append(nn.Tanh())
    del seq[1]
    assert [k for k, _ in seq.named_children()] == ["0", "1", "2"]
    with pytest.raises(IndexError, match="index 3 is out of range"):
        seq[3]


def test_sequential_applies_a_shared_module_each_time_it_appears():
    """PyTorch iterates the registered entries, so Sequential(l, l) applies l twice."""
    double = nn.Sequential(nn.Identity(), nn.Identity())
    half = nn.Linear(1, 1, bias=False)
    half.weight.data[...] = 0.5
    twice = nn.Sequential(half, half)
    assert twice(tg.ones(1, 1)).item() == 0.25
    assert double(tg.ones(1)).item() == 1.0
    assert len(list(twice.parameters())) == 1
    assert np.isclose(twice.state_dict()["1.weight"].item(), 0.5)


def _layers(nn_, kinds):
    """One layer per kind: equal kinds give equal reprs (Linear(2, 2)), neighbouring different kinds do not."""
    make = {"lin": lambda: nn_.Linear(2, 2), "wide": lambda: nn_.Linear(2, 3), "relu": nn_.ReLU,
            "seq": lambda: nn_.Sequential(nn_.Linear(2, 2), nn_.Tanh())}
    return [make[k]() for k in kinds]


@pytest.mark.torch
@given(st.lists(st.sampled_from(["lin", "wide", "relu", "seq"]), max_size=7))
def test_module_list_repr_groups_equal_neighbours_as_pytorch(torch, kinds):
    """`(0-1): 2 x Linear(...)` for a run of consecutive children with equal reprs, `(2): ReLU()` for one
    alone, `ModuleList()` when empty; nested in a Sequential the lines are indented as PyTorch's."""
    ours, theirs = nn.ModuleList(_layers(nn, kinds)), torch.nn.ModuleList(_layers(torch.nn, kinds))
    assert repr(ours) == repr(theirs)
    assert repr(nn.Sequential(nn.ReLU(), ours)) == repr(torch.nn.Sequential(torch.nn.ReLU(), theirs))


@pytest.mark.torch
def test_module_list_repr_examples_and_transformer_encoder_as_pytorch(torch):
    same = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2)])
    assert repr(same) == "ModuleList(\n  (0-1): 2 x Linear(in_features=2, out_features=2, bias=True)\n)"
    mixed = nn.ModuleList([nn.Linear(2, 2), nn.ReLU(), nn.ReLU(), nn.Linear(2, 2)])
    assert repr(mixed) == repr(torch.nn.ModuleList([torch.nn.Linear(2, 2), torch.nn.ReLU(), torch.nn.ReLU(),
                                                     torch.nn.Linear(2, 2)]))
    assert "(1-2): 2 x ReLU()" in repr(mixed) and "(0): Linear" in repr(mixed)
    assert repr(nn.ModuleList([nn.Tanh()])) == "ModuleList(\n  (0): Tanh()\n)"
    ours = nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, 8), 3, nn.LayerNorm(4))
    theirs = torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(4, 2, 8), 3, torch.nn.LayerNorm(4),
                                         enable_nested_tensor=False)
    assert "(0-2): 3 x TransformerEncoderLayer(" in repr(ours)
    assert repr(ours) == repr(theirs)
