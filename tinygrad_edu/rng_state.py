"""tg.Generator, as torch.Generator: a NumPy Generator (PCG64) that also knows the seed it started from and can
save and restore its exact state as a uint8 Tensor (get_state / set_state). The library's global generator
(creation.generator(), reseeded in place by tg.manual_seed) is one of these, so tg.get_rng_state / set_rng_state
repeat every draw made after them. Being a numpy.random.Generator, it is accepted wherever one is."""
from __future__ import annotations

import secrets
from typing import Any

import numpy as np

from .errors import ArgumentTypeError, ShapeError

_U64 = 1 << 64
#: the state's bytes: PCG64's 128-bit state and increment, its buffered 32-bit half-word flag and value, the seed
_LAYOUT = (("state", 16), ("inc", 16), ("has_uint32", 1), ("uinteger", 4), ("seed", 8))
STATE_SIZE = sum(n for _, n in _LAYOUT)


def check_seed(op: str, seed: Any) -> int:
    """torch's seed rule: an int in [−2⁶³, 2⁶⁴ − 1], a negative one taken mod 2⁶⁴ (−1 is 2⁶⁴ − 1, as torch)."""
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        # TypeError, and ValueError as torch's int(seed) of a str
        raise ArgumentTypeError(f"{op}: seed must be an int, got {type(seed).__name__} ({seed!r})")
    seed = int(seed)
    if not -(1 << 63) <= seed < _U64:
        raise ShapeError(f"{op}: seed must be within the inclusive range [-0x8000_0000_0000_0000, "
                         f"0xffff_ffff_ffff_ffff], got {seed}")
    return seed % _U64


class Generator(np.random.Generator):
    """A seeded source of random numbers, as torch.Generator(device='cpu'): pass it as `generator=` to randn, rand,
    randint, randperm, normal, bernoulli, multinomial, random_split, RandomSampler and DataLoader."""

    def __init__(self, device: Any = "cpu") -> None:
        from .device import check_device

        check_device("Generator", device)
        seed = secrets.randbits(64)
        super().__init__(np.random.PCG64(seed))
        self._initial_seed = seed

    @property
    def device(self) -> Any:
        from .device import CPU

        return CPU

    def manual_seed(self, seed: int) -> "Generator":
        """Restart from seed (the same draws follow every time); returns this generator, as torch's."""
        seed = check_seed("manual_seed", seed)
        self.bit_generator.state = np.random.PCG64(seed).state
        self._initial_seed = seed
        return self

    def seed(self) -> int:
        """Restart from a fresh non-deterministic seed and return it."""
        seed = secrets.randbits(64)
        self.manual_seed(seed)
        return seed

    def initial_seed(self) -> int:
        """The seed this generator last started from."""
        return self._initial_seed

    def get_state(self) -> Any:
        """The exact state as a uint8 Tensor (set_state with it repeats the draws that followed)."""
        from .tensor import Tensor

        inner = self.bit_generator.state
        values = {**inner["state"], "has_uint32": inner["has_uint32"], "uinteger": inner["uinteger"],
                  "seed": self._initial_seed}
        raw = b"".join(int(values[name]).to_bytes(size, "little") for name, size in _LAYOUT)
        return Tensor(np.frombuffer(raw, dtype=np.uint8).copy())

    def set_state(self, new_state: Any) -> "Generator":
        """Restore a state from get_state (a uint8 Tensor of STATE_SIZE bytes)."""
        return self.restore(new_state, "set_state")

    def restore(self, new_state: Any, op: str) -> "Generator":
        """set_state for op (tg.set_rng_state too): its errors name op."""
        from .tensor import Tensor

        data = new_state.data if isinstance(new_state, Tensor) else new_state
        if not isinstance(data, np.ndarray) or data.dtype != np.uint8:
            raise TypeError(f"{op}: RNG state must be a uint8 Tensor (a ByteTensor), got "
                            f"{getattr(data, 'dtype', type(data).__name__)}")
        if data.shape != (STATE_SIZE,):
            raise ShapeError(f"{op}: expected an RNG state of {STATE_SIZE} bytes (from get_state), got shape "
                             f"{data.shape}")
        raw, values, at = data.tobytes(), {}, 0
        for name, size in _LAYOUT:
            values[name] = int.from_bytes(raw[at:at + size], "little")
            at += size
        self.bit_generator.state = {"bit_generator": "PCG64", "state": {"state": values["state"], "inc": values["inc"]},
                                    "has_uint32": values["has_uint32"], "uinteger": values["uinteger"]}
        self._initial_seed = values["seed"]
        return self

    def __reduce__(self) -> Any:
        return _restore, (self.get_state().data,)


def _restore(state: np.ndarray) -> Generator:
    return Generator().set_state(state)
