"""In-place changes and the version counter (saved_inputs.py's _check_unchanged, tensor.py's in-place methods):
a tensor saved for backward and changed afterwards makes backward raise, naming the op that saved it."""
import threading

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.inspect import detect_anomaly


def test_an_in_place_change_of_a_saved_tensor_makes_backward_raise_naming_the_op_and_line():
    a = tg.randn(3, requires_grad=True)
    h = a * 2
    z = (h * h).sum()
    with tg.no_grad():
        h += 1
    with pytest.raises(RuntimeError, match=r"input 0 of Mul.*test_saved_inputs.py:\d+.*in-place operation") as err:
        z.backward()
    assert "version 0 → 1" in str(err.value)


@pytest.mark.parametrize("write", ["all", "one entry of many"])
def test_writing_straight_into_a_leaf_data_is_caught(write):
    w = tg.randn(300, requires_grad=True)
    z = (w * w).sum()
    if write == "all":
        w.data[...] = 0
    else:
        w.data[123] += 1
    with pytest.raises(RuntimeError, match="written directly through .data"):
        z.backward()


@pytest.mark.parametrize("shape, dtype", [((301,), np.float32), ((20, 30), np.float32), ((7, 3), np.float64),
                                          ((5,), np.float32), ((6, 5), np.int16)])
def test_a_write_into_the_last_entry_is_caught_whatever_the_size_and_dtype(shape, dtype):
    """The fingerprint covers every entry: whole words, a tail of fewer than 8 bytes, small arrays kept whole."""
    w = tg.Tensor(np.ones(shape, dtype), requires_grad=dtype != np.int16)
    x = tg.Tensor(np.ones(shape, np.float32), requires_grad=True)
    z = (x * w).sum()
    w.data.reshape(-1)[-1] += 1
    with pytest.raises(RuntimeError, match="written directly through .data"):
        z.backward()


def test_a_non_contiguous_leaf_is_fingerprinted_too():
    w = tg.Tensor(np.ones((30, 20), np.float32)[:, ::2], requires_grad=True)
    z = (w * w).sum()
    w.data[29, 9] = 5
    with pytest.raises(RuntimeError, match="written directly through .data"):
        z.backward()


def test_replacing_the_data_array_is_caught():
    w = tg.randn(4, requires_grad=True)
    z = (w * w).sum()
    w.data = np.zeros(4, np.float32)
    with pytest.raises(RuntimeError, match="replaced by another array"):
        z.backward()


def test_an_optimiser_step_between_forward_and_backward_makes_backward_raise():
    model = tg.nn.Linear(3, 2)
    loss = (model(tg.randn(4, 3)) ** 2).sum()
    (model(tg.randn(4, 3)) ** 2).sum().backward()
    tg.optim.SGD(model.parameters(), lr=0.1).step()
    with pytest.raises(RuntimeError, match="MatMul|Add"):
        loss.backward()


def test_changes_after_backward_are_fine_and_unchanged_inputs_pass():
    w = tg.randn(3, requires_grad=True)
    (w * w).sum().backward()
    with tg.no_grad():
        w -= 0.1 * w.grad
    (w * w).sum().backward()  # a new graph reads the new values


def test_detect_anomaly_names_the_line_that_modified_the_tensor():
    a = tg.randn(3, requires_grad=True)
    with detect_anomaly():
        h = a.exp()
        z = (h * 3).sum()
        with tg.no_grad():
            h.mul_(2)  # the modifying line
        with pytest.raises(RuntimeError, match=r"modified at .*test_saved_inputs.py:(\d+)") as err:
            z.backward()
    line = int(str(err.value).split("test_saved_inputs.py:")[-1].split(".")[0].split(";")[0])
    import inspect as pyinspect
    source = pyinspect.getsource(test_detect_anomaly_names_the_line_that_modified_the_tensor).splitlines()
    first = test_detect_anomaly_names_the_line_that_modified_the_tensor.__code__.co_firstlineno
    assert "the modifying line" in source[line - first]


def test_in_place_on_a_leaf_that_requires_grad_is_refused_outside_no_grad():
    w = tg.randn(3, requires_grad=True)
    for op in (lambda: w.add_(1), lambda: w.mul_(2), lambda: w.zero_(), lambda: w.copy_(tg.zeros(3))):
        with pytest.raises(RuntimeError, match="leaf tensor that requires grad"):
            op()


def test_sgd_written_by_hand_keeps_the_parameter_a_leaf(torch):
    rng = np.random.default_rng(0)
    w0, x0 = rng.standard_normal(3), rng.standard_normal(3)
    results = []
    for lib in (tg, torch):
        w = lib.tensor(w0, requires_grad=True)
        x = lib.tensor(x0)
        for _ in range(3):
            loss = ((w * x).sum() - 1) ** 2
            loss.backward()
            with lib.no_grad():
                w -= 0.1 * w.grad
                w.grad.zero_()
        assert w.is_leaf and w.requires_grad
        results.append(w.detach().numpy().copy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-12)


@pytest.mark.torch
def test_in_place_methods_match_torch(torch):
    rng = np.random.default_rng(1)
    base = rng.standard_normal((2, 3))
    other = rng.standard_normal(3)
    for name, args in [("add_", (other,)), ("sub_", (other,)), ("mul_", (2.5,)), ("div_", (other,)),
                       ("zero_", ()), ("fill_", (7.0,)), ("copy_", (other,))]:
        ours, theirs = tg.tensor(base.copy()), torch.tensor(base.copy())
        wrap = [tg.tensor(a) if isinstance(a, np.ndarray) else a for a in args]
        wrap_t = [torch.tensor(a) if isinstance(a, np.ndarray) else a for a in args]
        assert getattr(ours, name)(*wrap) is ours
        getattr(theirs, name)(*wrap_t)
        np.testing.assert_allclose(ours.data, theirs.numpy(), err_msg=name)
    ours, theirs = tg.tensor(base.copy()), torch.tensor(base.copy())
    ours.add_(tg.tensor(other), alpha=-2)
    theirs.add_(torch.tensor(other), alpha=-2)
    np.testing.assert_allclose(ours.data, theirs.numpy())


def test_fill_and_zero_do_not_turn_infinities_into_nan():
    t = tg.tensor([np.inf, -np.inf, np.nan])
    t.zero_()
    assert t.data.tolist() == [0.0, 0.0, 0.0]


def test_in_place_change_of_an_integer_tensor_by_a_float_is_refused_as_torch():
    t = tg.tensor([1, 2])
    with pytest.raises(RuntimeError, match="can't be cast"):
        t += 0.5


@pytest.mark.torch
def test_in_place_on_a_non_leaf_while_recording_gives_torch_gradients(torch):
    a0 = np.array([0.5, -1.0, 2.0])
    grads = []
    for lib in (tg, torch):
        a = lib.tensor(a0, requires_grad=True)
        h = a * 2
        h += a * a  # recorded in place: h takes the new node's place
        (h * h).sum().backward()
        grads.append(a.grad.numpy().copy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-12)


def test_concurrent_backward_calls_lose_no_contribution():
    p = tg.ones(10, requires_grad=True)

    def work():
        for _ in range(200):
            (p * 3).sum().backward()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert p.grad.data.tolist() == [2400.0] * 10
