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
    before = {k: v.numpy().copy() for k, v in net.state_dict().items()}
    path = tmp_path / "evil.npz"
    path.write_bytes(pickle.dumps({"0.weight": np.zeros((4, 3))}))
    with pytest.raises(ValueError, match="is not a state-dict .npz file"):
        net.load(path)
    obj_path = tmp_path / "objects.npz"
    np.savez(obj_path, **{"0.weight": np.array([object()] * 12, dtype=object).reshape(4, 3)})
    with pytest.raises(ValueError, match=r"0.weight: dtype object is not numeric \(object arrays would need pickle\)"):
        net.load(obj_path)
    for k, v in net.state_dict().items():
        np.testing.assert_array_equal(v, before[k])


def test_wrong_shapes_or_keys_fail_and_leave_the_model_unchanged(tmp_path):
    net = small_net()
    before = {k: v.numpy().copy() for k, v in net.state_dict().items()}
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
    assert any(scope[:3] == ("", "0", "0.0") for scope in scopes)  # then F.linear's own scope, if any
    assert any(scope[:2] == ("", "1") and "0.0" not in scope for scope in scopes)


def test_repr_reads_like_pytorch():
    assert "(0): Linear(in_features=3, out_features=4, bias=True)" in repr(small_net())


# ---- registration: PyTorch's rules, names that cannot collide in a state dict ---------------------

class Holder(nn.Module):
    def __init__(self):
        super().__init__()
        self.inner = nn.Module()
        self.inner.b = nn.Linear(1, 1)


@pytest.mark.parametrize("register", [
    lambda m, name: setattr(m, name, nn.Linear(1, 1)),
    lambda m, name: m.add_module(name, nn.Linear(1, 1)),
    lambda m, name: setattr(m, name, nn.Parameter(tg.zeros(1))),
    lambda m, name: m.register_parameter(name, nn.Parameter(tg.zeros(1))),
    lambda m, name: m.register_buffer(name, tg.zeros(1)),
], ids=["setattr-module", "add_module", "setattr-parameter", "register_parameter", "register_buffer"])
@pytest.mark.parametrize("name", ["inner.b", ""])
def test_dotted_or_empty_names_are_refused_before_they_collide(register, name):
    """'inner.b' would share the state-dict key of inner.b's weight: load would restore the wrong weights."""
    m = Holder()
    before = list(m.state_dict())
    with pytest.raises(KeyError) as info:
        register(m, name)
    assert "name can't contain \".\"" in info.value.args[0] or "name can't be empty string" in info.value.args[0]
    assert list(m.state_dict()) == before


@pytest.mark.torch
@pytest.mark.parametrize("call", [
    lambda nn_, m: m.add_module("a.b", nn_.Linear(1, 1)),
    lambda nn_, m: m.add_module("", nn_.Linear(1, 1)),
    lambda nn_, m: m.add_module(1, nn_.Linear(1, 1)),
    lambda nn_, m: m.register_parameter("a.b", None),
    lambda nn_, m: m.register_parameter("", None),
    lambda nn_, m: m.register_buffer("a.b", None),
    lambda nn_, m: m.register_buffer("x", 3),
    lambda nn_, m: m.register_parameter("w", m.t),
    lambda nn_, m: m.register_buffer("flag", None),
    lambda nn_, m: m.add_module("flag", nn_.Linear(1, 1)),
    lambda nn_, m: setattr(m, "p", m.t),
    lambda nn_, m: m.add_module("x", 3),
], ids=["dot", "empty", "not-str", "param-dot", "param-empty", "buffer-dot", "buffer-type", "param-type",
        "buffer-exists", "module-exists", "assign-tensor-to-param", "module-type"])
def test_registration_errors_have_pytorch_types_and_messages(torch, call):
    def fresh(nn_, tensor):
        m = nn_.Module()
        m.flag = 3
        m.t = tensor
        m.p = nn_.Parameter(tensor.clone() if hasattr(tensor, "clone") else tg.zeros(1))
        return m

    with pytest.raises(Exception) as theirs:
        call(torch.nn, fresh(torch.nn, torch.zeros(1)))
    with pytest.raises(type(theirs.value)) as ours:
        call(nn, fresh(nn, tg.zeros(1)))
    expected = str(theirs.value).replace("torch.nn.Parameter", "tinygrad_edu.nn.Parameter")
    expected = expected.replace("torch Tensor", "Tensor").replace("'torch.FloatTensor'", "'Tensor'")
    assert str(ours.value) == expected


def test_buffers_parameters_and_none_entries():
    m = nn.Module()
    m.register_buffer("kept", tg.ones(2))
    m.register_buffer("scratch", tg.zeros(3), persistent=False)
    m.register_parameter("unused", None)
    m.w = nn.Parameter(tg.ones(2))
    assert list(m.state_dict()) == ["w", "kept"]
    assert [n for n, _ in m.named_buffers()] == ["kept", "scratch"]
    assert [n for n, _ in m.named_parameters()] == ["w"]
    m.double()
    assert m.scratch.dtype == np.float64 and m.kept.dtype == np.float64
    m.w = None
    assert "w" in m._parameters and m.w is None and list(m.state_dict()) == ["kept"]
    del m.kept
    assert not hasattr(m, "kept")
    m.register_buffer("scratch", tg.zeros(3))
    assert list(m.state_dict()) == ["scratch"]


def test_get_submodule_parameter_buffer():
    net = nn.Sequential(nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2)))
    assert net.get_submodule("0.1") is net[0][1]
    assert net.get_submodule("") is net
    assert net.get_parameter("0.0.weight") is net[0][0].weight
    assert net.get_buffer("0.1.running_mean") is net[0][1].running_mean
    with pytest.raises(AttributeError, match="Sequential has no attribute `2`"):
        net.get_submodule("0.2")
    with pytest.raises(AttributeError, match="`weight` is not an nn.Module"):
        net.get_submodule("0.0.weight")


# ---- the tree and modes -------------------------------------------------------------------------

def build(nn_):
    block = nn_.Sequential(nn_.Linear(2, 3), nn_.ReLU())
    return nn_.Sequential(block, nn_.Sequential(nn_.Linear(3, 3), block), nn_.Linear(3, 1))


@pytest.mark.torch
def test_apply_modules_children_order_as_pytorch(torch):
    def visits(nn_):
        seen = []
        build(nn_).apply(lambda m: seen.append(type(m).__name__))
        return seen

    assert visits(nn) == visits(torch.nn)
    assert visits(nn)[-1] == "Sequential"
    ours, theirs = build(nn), build(torch.nn)
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [n for n, _ in ours.named_children()] == [n for n, _ in theirs.named_children()]
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [type(m).__name__ for m in ours.modules()] == [type(m).__name__ for m in theirs.modules()]


def test_train_eval_return_self_and_reach_every_module():
    net = build(nn)
    assert net.eval() is net and not any(m.training for m in net.modules())
    assert net.train() is net and all(m.training for m in net.modules())
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        net.train(1)


def test_requires_grad_freezes_and_zero_grad_keeps_or_drops():
    net = small_net().double()
    assert net[0].requires_grad_(False) is net[0]
    net(tg.Tensor(np.ones((2, 3)))).sum().backward()
    assert net[0].weight.grad is None and net[2].weight.grad is not None
    grad = net[2].weight.grad
    net.zero_grad(set_to_none=False)
    assert net[2].weight.grad is grad and not grad.data.any()
    net.zero_grad()
    assert net[2].weight.grad is None


def test_to_double_float_type_cpu_cuda():
    net = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
    weight = net[0].weight
    net(tg.ones(3, 2)).sum().backward()
    assert net.to(tg.float64) is net and net[0].weight is weight
    assert weight.dtype == np.float64 and weight.grad.dtype == np.float64
    assert net[1].running_mean.dtype == np.float64 and net[1].num_batches_tracked.dtype == np.int64
    assert net.to("cpu", dtype=np.float32) is net and weight.dtype == np.float32
    assert net.to(tg.zeros(1, dtype=np.float64)) is net and weight.dtype == np.float64
    assert net.float().cpu() is net and weight.dtype == np.float32
    with pytest.raises(TypeError, match="Module.to only accepts floating point dtypes, but got desired dtype=int64"):
        net.to(np.int64)
    for call in (lambda: net.to("cuda"), lambda: net.cuda(), lambda: net.to(device="cuda:0")):
        with pytest.raises(RuntimeError, match="is not available; tinygrad_edu computes on the CPU"):
            call()
    net.type(np.float64)
    assert net[1].num_batches_tracked.dtype == np.float64


# ---- state dicts --------------------------------------------------------------------------------

def test_state_dict_holds_detached_tensors_sharing_the_data():
    net = small_net()
    state = net.state_dict()
    assert all(isinstance(v, tg.Tensor) and not v.requires_grad for v in state.values())
    net[0].bias.data[0] = 42.0
    assert state["0.bias"].data[0] == 42.0
    assert net.state_dict(keep_vars=True)["0.bias"] is net[0].bias


@pytest.mark.torch
def test_load_state_dict_result_is_pytorchs(torch):
    def run(nn_, state_of, extra):
        net = nn_.Sequential(nn_.Linear(2, 2), nn_.Linear(2, 1))
        state = dict(net.state_dict())
        del state["1.bias"]
        state["extra"] = extra
        return net.load_state_dict(state, strict=False), net.load_state_dict(net.state_dict())

    (ours, ok), (theirs, ok_t) = run(nn, None, tg.zeros(1)), run(torch.nn, None, torch.zeros(1))
    assert ours == (["1.bias"], ["extra"]) and tuple(ours) == tuple(theirs)
    assert ours.missing_keys == theirs.missing_keys and ours.unexpected_keys == theirs.unexpected_keys
    assert repr(ours) == repr(theirs) and repr(ok) == repr(ok_t) == "<All keys matched successfully>"


@pytest.mark.torch
@pytest.mark.parametrize("values", [np.array([3, -2], np.int64), np.array([True, False]),
                                    np.array([0.5, -1.25], np.float16), np.array([1e-50, 2.5], np.float64)])
def test_loading_casts_as_pytorch_copy(torch, values):
    ours, theirs = nn.Linear(1, 2), torch.nn.Linear(1, 2)
    ours.load_state_dict({"weight": np.ones((2, 1), np.float32), "bias": values})
    theirs.load_state_dict({"weight": torch.ones(2, 1), "bias": torch.from_numpy(values)})
    assert ours.bias.dtype == np.float32
    np.testing.assert_array_equal(ours.bias.data, theirs.bias.detach().numpy())


def test_values_that_overflow_or_truncate_are_errors_naming_the_key():
    net = nn.Sequential(nn.Linear(2, 1), nn.BatchNorm1d(1))
    before = {k: v.numpy().copy() for k, v in net.state_dict().items()}
    state = {k: v.numpy().copy() for k, v in net.state_dict().items()}
    state["0.bias"] = np.array([1e300])
    with pytest.raises(ValueError, match=r"0.bias: value 1e\+300 overflows float32 \(largest finite 3.403e\+38\)"):
        net.load_state_dict(state)
    state["0.bias"] = np.array([np.inf])
    net.load_state_dict(state)
    assert net[0].bias.data[0] == np.inf
    state["1.num_batches_tracked"] = np.array(2.5)
    with pytest.raises(ValueError, match="1.num_batches_tracked: the int64 buffer needs whole numbers"):
        net.load_state_dict(state)
    state["1.num_batches_tracked"] = np.array(3.0)
    state["0.weight"] = np.array([["a", "b"]])
    with pytest.raises(ValueError, match="0.weight: dtype <U1 is not numeric"):
        net.load_state_dict(state)
    np.testing.assert_array_equal(net[1].num_batches_tracked.data, before["1.num_batches_tracked"])


def test_loading_copies_in_place_and_a_graph_built_before_refuses_backward():
    net = small_net()
    weight = net[0].weight.data
    y = net(tg.ones(1, 3)).sum()
    net.load_state_dict({k: v.numpy() * 0 for k, v in net.state_dict().items()})
    assert net[0].weight.data is weight and not weight.any()
    with pytest.raises(RuntimeError):
        y.backward()


def test_a_name_with_a_dot_no_longer_loads_the_wrong_weights():
    """The collision of issue 12: m.inner.b.weight and a child called "inner.b" shared one key."""
    m = Holder()
    with pytest.raises(KeyError):
        m.add_module("inner.b", nn.Linear(1, 1))
    state = {k: np.full(v.shape, 5.0) for k, v in m.state_dict().items()}
    m.load_state_dict(state)
    assert m.inner.b.weight.data[0, 0] == 5.0


def test_parameter_repr_and_construction_as_pytorch():
    assert repr(nn.Parameter(tg.zeros(2))) == "Parameter containing:\ntensor([0., 0.], requires_grad=True)"
    assert repr(nn.Parameter(tg.zeros(2), requires_grad=False)) == "Parameter containing:\ntensor([0., 0.])"
    t = tg.zeros(3)
    assert nn.Parameter(t).data is t.data
    empty = nn.Parameter()
    assert empty.shape == (0,) and empty.dtype == np.float32 and empty.requires_grad


@pytest.mark.torch
def test_reassigned_parameter_or_child_keeps_its_place(torch):
    """m.weight = Parameter(...) / m.child = Module(...) replace in place: parameters() and state_dict() order
    stay PyTorch's (an optimiser or a zip with PyTorch's parameters sees the same order)."""
    orders = []
    for m in (torch, tg):
        net = m.nn.Sequential(m.nn.Linear(3, 2), m.nn.ReLU(), m.nn.Linear(2, 1))
        net[0].weight = m.nn.Parameter(m.ones(2, 3))
        setattr(net, "0", m.nn.Linear(3, 2))
        net[2].weight = m.nn.Parameter(m.zeros(1, 2))
        orders.append(([n for n, _ in net.named_parameters()], list(net.state_dict()), [n for n, _ in net.named_children()]))
    assert orders[1] == orders[0]
