"""rng_state.py and the global generator: tg.Generator as torch.Generator (manual_seed returns it, seed,
initial_seed, get_state/set_state round-trip exactly), tg.seed / initial_seed / get_rng_state / set_rng_state on the
generator behind every draw (randn, dropout, init, shuffling), and the data utilities taking generator=."""
import pickle

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu import nn
from tinygrad_edu.utils.data import DataLoader, RandomSampler, TensorDataset, random_split


def _draws():
    """One of each kind of draw the global generator feeds."""
    layer = nn.Linear(3, 2)
    return np.concatenate([tg.randn(4).numpy(), tg.rand(3).numpy(), tg.randint(0, 9, (3,)).numpy(),
                           tg.randperm(5).numpy(), F.dropout(tg.ones(8), 0.5).numpy(),
                           layer.weight.detach().numpy().ravel(), tg.normal(0.0, 1.0, (2,)).numpy(),
                           tg.multinomial(tg.ones(6), 3).numpy()]).astype(np.float64)


def test_set_rng_state_repeats_every_draw_after_get_rng_state():
    tg.manual_seed(0)
    tg.randn(7)  # somewhere in the stream, not at a seed
    state = tg.get_rng_state()
    assert state.dtype == tg.uint8 and state.ndim == 1
    first = _draws()
    tg.set_rng_state(state)
    np.testing.assert_array_equal(_draws(), first)
    assert not np.array_equal(_draws(), first)


def test_the_state_round_trips_an_odd_number_of_32_bit_draws():
    """PCG64 keeps half of a 64-bit word after an odd count of 32-bit draws; the state must carry it."""
    g = tg.Generator().manual_seed(4)
    g.random(3, dtype=np.float32)
    saved = g.get_state()
    after = g.random(5, dtype=np.float32)
    g.manual_seed(99)
    g.set_state(saved)
    np.testing.assert_array_equal(g.random(5, dtype=np.float32), after)
    assert g.initial_seed() == 4


def test_manual_seed_seed_and_initial_seed_as_torch(torch):
    assert tg.manual_seed(123) is tg.manual_seed(5) and isinstance(tg.manual_seed(5), tg.Generator)
    assert tg.initial_seed() == 5
    for seed in (0, 2**64 - 1, -1, -(2**63), 12345):
        tg.manual_seed(seed)
        torch.manual_seed(seed)
        assert tg.initial_seed() == torch.initial_seed()
    s = tg.seed()
    assert tg.initial_seed() == s and 0 <= s < 2**64
    a = tg.randn(3).numpy()
    tg.manual_seed(s)
    np.testing.assert_array_equal(tg.randn(3).numpy(), a)


@pytest.mark.parametrize("seed, error", [(2**64, RuntimeError), (-(2**63) - 1, RuntimeError), (1.5, TypeError),
                                         ("1", TypeError), (True, TypeError)])
def test_bad_seeds_are_refused_with_the_ops_name(seed, error):
    with pytest.raises(error, match="manual_seed"):
        tg.manual_seed(seed)
    with pytest.raises(error, match="manual_seed"):
        tg.Generator().manual_seed(seed)


def test_bad_states_are_refused_as_torch_refuses(torch):
    with pytest.raises(TypeError):
        torch.set_rng_state(torch.zeros(3))
    with pytest.raises(TypeError, match="set_rng_state: RNG state must be a uint8"):
        tg.set_rng_state(tg.zeros(3))
    with pytest.raises(RuntimeError):
        torch.set_rng_state(torch.zeros(3, dtype=torch.uint8))
    with pytest.raises(RuntimeError, match="set_rng_state: expected an RNG state of 45 bytes"):
        tg.set_rng_state(tg.zeros(3, dtype=tg.uint8))


def test_a_generator_is_torchs_object_and_a_numpy_generator(torch):
    g = tg.Generator()
    assert g.manual_seed(7) is g and g.initial_seed() == 7 and str(g.device) == str(torch.Generator().device)
    assert isinstance(g, np.random.Generator)
    s = g.seed()
    assert g.initial_seed() == s
    with pytest.raises(Exception, match="cuda"):
        tg.Generator("cuda")
    g.manual_seed(1)
    copy = pickle.loads(pickle.dumps(g))
    np.testing.assert_array_equal(copy.random(4), g.random(4))


def test_two_generators_are_independent_of_each_other_and_of_the_global_one():
    g1, g2 = tg.Generator().manual_seed(1), tg.Generator().manual_seed(1)
    tg.manual_seed(1)
    global_draw = tg.randn(4).numpy()
    a = tg.randn(4, generator=g1).numpy()
    tg.randn(10, generator=g2)
    g2.manual_seed(1)
    np.testing.assert_array_equal(tg.randn(4, generator=g2).numpy(), a)
    np.testing.assert_array_equal(a, global_draw)  # the same seed gives the same stream, as in torch


def test_random_split_sampler_and_loader_take_a_generator():
    data = TensorDataset(tg.arange(20.0))
    orders = []
    for _ in range(2):
        g = tg.Generator().manual_seed(3)
        split = [list(s.indices) for s in random_split(data, [0.5, 0.5], generator=g)]
        sampled = list(RandomSampler(data, generator=tg.Generator().manual_seed(3)))
        loaded = [b[0].numpy().tolist() for b in DataLoader(data, batch_size=5, shuffle=True,
                                                             generator=tg.Generator().manual_seed(3))]
        orders.append((split, sampled, loaded))
    assert orders[0] == orders[1]
    assert sorted(orders[0][1]) == list(range(20))
