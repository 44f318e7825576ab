"""tg.save / tg.load against PyTorch (tinygrad_edu/torch_format.py): files torch.save writes load here (dtypes, 0-d,
views that share a storage, Parameters, LeNet-5 state dicts, optimiser state dicts, checkpoints, bfloat16, the
legacy format) and files tg.save writes load in torch.load(weights_only=True); what cannot load fails clearly."""
from __future__ import annotations

import collections
import io

import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
from tinygrad_edu import nn
from tinygrad_edu.nn.models import LeNet5
from tinygrad_edu.nn.parameter import Parameter
from tinygrad_edu.torch_format import TorchFormatError, UnsafeGlobalError

pytestmark = pytest.mark.torch

DTYPES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "uint16", "bool", "complex64"]


def _values(dtype: str, shape, seed=0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if dtype == "bool":
        return np.asarray(rng.random(shape) > 0.5)
    if dtype.startswith("complex"):
        return np.asarray(rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)
    if dtype.startswith(("int", "uint")):
        return rng.integers(0, 100, shape).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


def _torch_lenet(torch):
    """LeNet-5 as a PyTorch module with our layer names (c1, c3, c5, f6, output)."""
    F = torch.nn.functional

    class TorchLeNet5(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.c1, self.c3, self.c5 = torch.nn.Conv2d(1, 6, 5), torch.nn.Conv2d(6, 16, 5), torch.nn.Conv2d(16, 120, 5)
            self.f6, self.output = torch.nn.Linear(120, 84), torch.nn.Linear(84, 10)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.c1(x)), 2)
            x = F.max_pool2d(F.relu(self.c3(x)), 2)
            return self.output(F.relu(self.f6(F.relu(self.c5(x)).flatten(1))))

    return TorchLeNet5()


def _through_torch(torch, obj, tmp_path):
    """obj written by tg.save, read by torch.load(weights_only=True)."""
    tg.save(obj, tmp_path / "ours.pt")
    return torch.load(tmp_path / "ours.pt", weights_only=True)


def _through_us(torch, obj, tmp_path, **kwargs):
    """obj written by torch.save, read by tg.load."""
    torch.save(obj, tmp_path / "theirs.pt", **kwargs)
    return tg.load(tmp_path / "theirs.pt")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(), (3,), (2, 3, 4)])
def test_each_dtype_and_0d_tensors_round_trip_torch_ours_torch(torch, tmp_path, dtype, shape):
    array = _values(dtype, shape)
    loaded = _through_us(torch, {"t": torch.from_numpy(array.copy())}, tmp_path)["t"]
    assert isinstance(loaded, tg.Tensor) and loaded.dtype == array.dtype and loaded.shape == shape
    np.testing.assert_array_equal(loaded.data, array)
    back = _through_torch(torch, {"t": loaded}, tmp_path)["t"]
    assert back.dtype == getattr(torch, dtype) and tuple(back.shape) == shape
    np.testing.assert_array_equal(back.numpy(), array)


@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3), dtype=st.sampled_from(DTYPES),
       view=st.sampled_from(["whole", "transpose", "step", "row", "scalar", "empty"]))
def test_views_round_trip_ours_torch_ours_with_shared_storage(torch, shape, dtype, view):
    base = tg.Tensor(_values(dtype, shape))
    pick = {"whole": lambda a: a, "transpose": lambda a: a.T, "step": lambda a: a[..., ::2],
            "row": lambda a: a[-1, ...], "scalar": lambda a: a[(0,) * a.ndim + (...,)],
            "empty": lambda a: a[..., :0]}[view]
    other = tg.Tensor(pick(base.data))
    buffer = io.BytesIO()
    tg.save({"base": base, "view": other}, buffer)
    theirs = torch.load(io.BytesIO(buffer.getvalue()), weights_only=True)
    np.testing.assert_array_equal(theirs["base"].numpy(), base.data)
    np.testing.assert_array_equal(theirs["view"].numpy(), other.data)
    if other.data.size and view != "whole":
        assert theirs["view"].untyped_storage().data_ptr() == theirs["base"].untyped_storage().data_ptr()
    buffer = io.BytesIO()
    torch.save(theirs, buffer)
    ours = tg.load(io.BytesIO(buffer.getvalue()))
    np.testing.assert_array_equal(ours["view"].data, other.data)
    assert ours["view"].dtype == other.dtype and ours["view"].shape == other.shape
    if other.data.size and view != "whole":
        assert np.shares_memory(ours["view"].data, ours["base"].data)


def test_torch_views_of_one_storage_load_as_views_of_one_array(torch, tmp_path):
    x = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    loaded = _through_us(torch, {"x": x, "t": x.t(), "row": x[1], "cols": x[:, ::2], "wide": x[0].expand(5, 4)},
                         tmp_path)
    for key, expected in [("x", x), ("t", x.t()), ("row", x[1]), ("cols", x[:, ::2]), ("wide", x[0].expand(5, 4))]:
        np.testing.assert_array_equal(loaded[key].data, expected.numpy())
    loaded["x"].data[1, 2] = -1.0  # views stay consistent with each other, as torch's do
    assert loaded["t"].data[2, 1] == -1.0 and loaded["row"].data[2] == -1.0 and loaded["cols"].data[1, 1] == -1.0
    assert loaded["wide"].data[0, 0] == 0.0  # an overlapping (stride 0) view is a copy: a write would alias


def test_parameters_stay_parameters_and_requires_grad_is_kept(torch, tmp_path):
    loaded = _through_us(torch, {"p": torch.nn.Parameter(torch.ones(2)), "frozen": torch.nn.Parameter(
        torch.ones(2), requires_grad=False), "leaf": torch.ones(2, requires_grad=True), "plain": torch.ones(2)},
        tmp_path)
    assert isinstance(loaded["p"], Parameter) and loaded["p"].requires_grad
    assert isinstance(loaded["frozen"], Parameter) and not loaded["frozen"].requires_grad
    assert not isinstance(loaded["leaf"], Parameter) and loaded["leaf"].requires_grad
    assert not loaded["plain"].requires_grad
    tagged, named = torch.ones(2), torch.nn.Parameter(torch.ones(3))
    tagged.note, named.note = 1, "x"  # Python attributes: pickled through _rebuild_from_type_v2 / ..._with_state
    attributed = _through_us(torch, {"tagged": tagged, "named": named}, tmp_path)
    assert attributed["tagged"].data.tolist() == [1.0, 1.0] and isinstance(attributed["named"], Parameter)
    back = _through_torch(torch, loaded, tmp_path)
    assert isinstance(back["p"], torch.nn.Parameter) and back["p"].requires_grad
    assert not isinstance(back["leaf"], torch.nn.Parameter) and back["leaf"].requires_grad


def test_a_torch_lenet5_state_dict_loads_into_our_model_with_the_same_outputs(torch, tmp_path):
    torch.manual_seed(0)
    theirs = _torch_lenet(torch).eval()
    torch.save(theirs.state_dict(), tmp_path / "lenet.pt")
    x = np.random.default_rng(0).standard_normal((4, 1, 32, 32)).astype(np.float32)
    expected = theirs(torch.from_numpy(x)).detach().numpy()
    ours = LeNet5()
    ours.load_state_dict(tg.load(tmp_path / "lenet.pt"))
    np.testing.assert_allclose(ours(tg.Tensor(x)).data, expected, rtol=1e-5, atol=1e-6)
    other = LeNet5()
    assert other.load(tmp_path / "lenet.pt") is other  # Module.load recognises the torch file by its content
    np.testing.assert_allclose(other(tg.Tensor(x)).data, expected, rtol=1e-5, atol=1e-6)


def test_our_lenet5_state_dict_loads_into_torch_with_the_same_outputs(torch, tmp_path):
    tg.manual_seed(1)
    ours = LeNet5()
    theirs = _torch_lenet(torch)
    theirs.load_state_dict(_through_torch(torch, ours.state_dict(), tmp_path))
    x = np.random.default_rng(1).standard_normal((2, 1, 32, 32)).astype(np.float32)
    np.testing.assert_allclose(theirs(torch.from_numpy(x)).detach().numpy(), ours(tg.Tensor(x)).data,
                               rtol=1e-5, atol=1e-6)


def _train_step(torch, torch_model, torch_opt, our_model, our_opt, x):
    torch_opt.zero_grad()
    torch_model(torch.from_numpy(x)).square().sum().backward()
    torch_opt.step()
    our_opt.zero_grad()
    our_model(tg.Tensor(x)).square().sum().backward()
    our_opt.step()


@pytest.mark.parametrize("make", [lambda lib, p: lib.optim.Adam(p, lr=0.01),
                                  lambda lib, p: lib.optim.SGD(p, lr=0.01, momentum=0.9)], ids=["Adam", "SGD"])
def test_optimizer_state_dicts_cross_both_ways_and_the_next_steps_agree(torch, tmp_path, make):
    x = np.random.default_rng(2).standard_normal((5, 3)).astype(np.float32)
    torch.manual_seed(2)
    theirs = torch.nn.Linear(3, 2)
    their_opt = make(torch, theirs.parameters())
    for _ in range(2):
        their_opt.zero_grad()
        theirs(torch.from_numpy(x)).square().sum().backward()
        their_opt.step()
    torch.save({"model": theirs.state_dict(), "optimizer": their_opt.state_dict()}, tmp_path / "ckpt.pt")
    checkpoint = tg.load(tmp_path / "ckpt.pt")
    ours = nn.Linear(3, 2)
    ours.load_state_dict(checkpoint["model"])
    our_opt = make(tg, ours.parameters())
    our_opt.load_state_dict(checkpoint["optimizer"])
    _train_step(torch, theirs, their_opt, ours, our_opt, x)
    np.testing.assert_allclose(ours.weight.data, theirs.weight.detach().numpy(), rtol=1e-5, atol=1e-6)
    # ours → torch: a fresh torch pair continues from our state exactly as ours does
    again = torch.nn.Linear(3, 2)
    again_opt = make(torch, again.parameters())
    loaded = _through_torch(torch, {"model": ours.state_dict(), "optimizer": our_opt.state_dict()}, tmp_path)
    again.load_state_dict(loaded["model"])
    again_opt.load_state_dict(loaded["optimizer"])
    _train_step(torch, again, again_opt, ours, our_opt, x)
    np.testing.assert_allclose(ours.weight.data, again.weight.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_a_checkpoint_dict_keeps_its_numbers_strings_and_nesting(torch, tmp_path):
    torch.manual_seed(3)
    model = torch.nn.Linear(2, 2)
    checkpoint = {"epoch": 3, "loss": 0.25, "name": "run-1", "note": None, "history": [1.0, 0.5], "shape": (2, 2),
                  "flags": {1, 2}, "raw": b"\x00\xff", "model": model.state_dict()}
    ours = _through_us(torch, checkpoint, tmp_path)
    assert {k: v for k, v in ours.items() if k != "model"} == {k: v for k, v in checkpoint.items() if k != "model"}
    assert isinstance(ours["model"], collections.OrderedDict) and list(ours["model"]) == ["weight", "bias"]
    back = _through_torch(torch, ours, tmp_path)
    assert {k: v for k, v in back.items() if k != "model"} == {k: v for k, v in checkpoint.items() if k != "model"}
    assert torch.equal(back["model"]["weight"], model.weight.detach())
    with pytest.raises(ValueError, match=r"\['model'\]"):
        nn.Linear(2, 2).load(tmp_path / "theirs.pt")  # a checkpoint, not a state dict: says which key to pick


def test_bfloat16_becomes_float32_with_a_warning_naming_it(torch, tmp_path):
    x = torch.randn(3, 2).to(torch.bfloat16)
    with pytest.warns(UserWarning, match=r"\['w'\].*float32"):
        loaded = _through_us(torch, {"w": x, "other": torch.ones(2)}, tmp_path)
    assert loaded["w"].dtype == np.float32
    np.testing.assert_array_equal(loaded["w"].data, x.float().numpy())


def test_a_dtype_numpy_lacks_is_refused_naming_the_tensor(torch, tmp_path):
    with pytest.raises(TorchFormatError, match=r"\['scale'\].*float8_e4m3fn.*no NumPy"):
        _through_us(torch, {"ok": torch.ones(2), "scale": torch.ones(2).to(torch.float8_e4m3fn)}, tmp_path)


def test_the_legacy_format_loads_with_its_views(torch, tmp_path):
    x = torch.arange(6, dtype=torch.float64).reshape(2, 3)
    loaded = _through_us(torch, {"x": x, "row": x[1], "i": torch.tensor([1, 2]), "p": torch.nn.Parameter(
        torch.ones(2))}, tmp_path, _use_new_zipfile_serialization=False)
    np.testing.assert_array_equal(loaded["row"].data, [3.0, 4.0, 5.0])
    assert loaded["i"].dtype == np.int64 and isinstance(loaded["p"], Parameter)
    loaded["x"].data[1, 0] = 9.0
    assert loaded["row"].data[0] == 9.0


def test_a_pickled_module_is_refused_and_says_to_save_a_state_dict(torch, tmp_path):
    torch.save(torch.nn.Linear(2, 2), tmp_path / "model.pt")
    with pytest.raises(UnsafeGlobalError, match=r"torch\.nn\.modules\.linear\.Linear.*state_dict"):
        tg.load(tmp_path / "model.pt")
    with pytest.raises(UnsafeGlobalError):
        tg.load(tmp_path / "model.pt", weights_only=False)  # never an unrestricted unpickle


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # torch.jit.script / torch.jit.save
def test_a_torchscript_archive_is_refused_clearly(torch, tmp_path):
    torch.jit.save(torch.jit.script(torch.nn.Linear(2, 2)), tmp_path / "scripted.pt")
    with pytest.raises(TorchFormatError, match="TorchScript"):
        tg.load(tmp_path / "scripted.pt")


def test_a_truncated_torch_file_is_refused_clearly(torch, tmp_path):
    torch.save({"w": torch.ones(100)}, tmp_path / "whole.pt")
    data = (tmp_path / "whole.pt").read_bytes()
    (tmp_path / "cut.pt").write_bytes(data[: len(data) // 2])
    with pytest.raises(TorchFormatError, match="truncated or damaged zip"):
        tg.load(tmp_path / "cut.pt")


def test_file_objects_and_map_location(torch):
    buffer = io.BytesIO()
    torch.save({"w": torch.ones(2)}, buffer)
    buffer.seek(0)
    assert tg.load(buffer, map_location="cpu")["w"].data.tolist() == [1.0, 1.0]
    for where in (None, "cpu", tg.device("cpu"), {"cuda:0": "cpu"}, lambda storage, location: storage):
        buffer.seek(0)
        tg.load(buffer, map_location=where)
    buffer.seek(0)
    with pytest.raises(RuntimeError, match="cuda"):
        tg.load(buffer, map_location="cuda")
    out = io.BytesIO()
    tg.save({"w": tg.ones(2)}, out)
    out.seek(0)
    assert torch.load(out, weights_only=True)["w"].tolist() == [1.0, 1.0]


@pytest.mark.torch
@pytest.mark.parametrize("suffix", [".pt", ".pth"])
def test_module_save_writes_torchs_format_for_its_suffixes(torch, tmp_path, suffix):
    """model.save("m.pt") wrote an .npz named m.pt.npz, which torch.load cannot read; by its suffix it is now the
    torch file a PyTorch user expects, read back by model.load and by torch.load(weights_only=True)."""
    tg.manual_seed(0)
    model = tg.nn.Sequential(tg.nn.Conv2d(1, 2, 3), tg.nn.BatchNorm2d(2))
    path = model.save(tmp_path / f"m{suffix}")
    assert path == tmp_path / f"m{suffix}" and path.is_file()
    theirs = torch.load(path, weights_only=True)
    assert list(theirs) == list(model.state_dict())
    for key, t in model.state_dict().items():
        np.testing.assert_array_equal(theirs[key].numpy(), t.data)
    fresh = tg.nn.Sequential(tg.nn.Conv2d(1, 2, 3), tg.nn.BatchNorm2d(2)).load(path)
    for key, t in fresh.state_dict().items():
        np.testing.assert_array_equal(t.data, model.state_dict()[key].data)
