"""Module: the parameter tree, PyTorch names, state dicts, .npz save/load without pickle, dtype moves."""
import pickle

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn


def small_net():
    tg.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))


def test_names_and_shapes_follow_pytorch():
    net = small_net()
    assert [(k, v.shape) for k, v in net.state_dict().items()] == [
        ("0.weight", (4, 3)), ("0.bias", (4,)), ("2.weight", (2, 4)), ("2.bias", (2,))]
    assert [name for name, _ in net.named_modules()] == ["", "0", "1", "2"]
    assert len(list(net.parameters())) == 4


def test_pytorch_state_dict_loads_and_gives_the_same_output(torch):
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    net = small_net()
    net.load_state_dict(theirs.state_dict())
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    np.testing.assert_allclose(net(tg.Tensor(x)).data, theirs(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-6)


def test_initialisation_bounds_match_pytorch_defaults():
    layer = nn.Linear(100, 50)
    assert np.abs(layer.weight.data).max() <= 1 / np.sqrt(100)
    assert np.abs(layer.weight.data).max() > 0.8 / np.sqrt(100)
    assert np.abs(layer.bias.data).max() <= 1 / np.sqrt(100)


def test_save_and_load_round_trip(tmp_path):
    net = small_net()
    path = tmp_path / "net.npz"
    net.save(path)
    other = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)).load(path)
    for (k, a), (_, b) in zip(net.state_dict().items(), other.state_dict().items()):
        np.testing.assert_array_equal(a, b, err_msg=k)


def test_loading_a_pickle_fails_clearly_and_changes_nothing(tmp_path):
    net = small_net()
    before = net.state_dict()
    path = tmp_path / "evil.npz"
    path.write_bytes(pickle.dumps({"0.weight": np.zeros((4, 3))}))
    with pytest.raises(ValueError, match="is not a state-dict .npz file"):
        net.load(path)
    obj_path = tmp_path / "objects.npz"
    np.savez(obj_path, **{"0.weight": np.array([object()] * 12, dtype=object).reshape(4, 3)})
    with pytest.raises(ValueError, match="is not a state-dict .npz file"):
        net.load(obj_path)
    for k, v in net.state_dict().items():
        np.testing.assert_array_equal(v, before[k])


def test_wrong_shapes_or_keys_fail_and_leave_the_model_unchanged(tmp_path):
    net = small_net()
    before = net.state_dict()
    bad = dict(before)
    bad["0.weight"] = np.zeros((4, 4), np.float32)
    bad["2.bias"] = np.zeros(2, np.float32) + 7
    with pytest.raises(ValueError, match=r"0.weight: shape \(4, 4\) in the state dict, \(4, 3\) in the model"):
        net.load_state_dict(bad)
    del bad["0.weight"]
    with pytest.raises(ValueError, match=r"missing keys \['0.weight'\]"):
        net.load_state_dict(bad)
    for k, v in net.state_dict().items():
        np.testing.assert_array_equal(v, before[k])
    truncated = tmp_path / "cut.npz"
    net.save(truncated)
    truncated.write_bytes(truncated.read_bytes()[:100])
    with pytest.raises(ValueError, match="not a state-dict"):
        net.load(truncated)


def test_double_float_train_eval_zero_grad():
    net = small_net().double()
    assert all(p.dtype == np.float64 for p in net.parameters())
    out = net(tg.Tensor(np.ones((2, 3))))
    assert out.dtype == np.float64
    out.sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    net.float()
    assert all(p.dtype == np.float32 for p in net.parameters())
    net.eval()
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())


def test_module_calls_are_recorded_as_scopes_on_the_graph():
    net = nn.Sequential(nn.Sequential(nn.Linear(3, 3)), nn.Linear(3, 1))
    y = net(tg.randn(2, 3, requires_grad=True))
    scopes = set()
    stack = [y]
    while stack:
        t = stack.pop()
        if t.grad_fn is not None:
            scopes.add(tuple(name for name, _ in t.grad_fn.scope))
            stack.extend(t.grad_fn.inputs)
    assert ("", "0", "0.0") in scopes and ("", "1") in scopes


def test_repr_reads_like_pytorch():
    assert "(0): Linear(in_features=3, out_features=4, bias=True)" in repr(small_net())
