"""`--slice NAME[i, j, a:b, …]`: which elements of which tensor the scalar view starts from, written as NumPy basic
indexing on a tensor named as the picture names it (`c1.out[0, 0, 0:4, 0:4]`: batch item 0, channel 0, rows 0–3,
cols 0–3). Parsing, checking against the tensor's shape, the flat indices it selects, and its text both ways."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Optional, Sequence, Union

import numpy as np

from ..errors import ShapeError
from .labels import shape_text

Index = Union[int, slice]

RULE = ("NAME[i, j, a:b, …]: NumPy basic indexing of the tensor NAME, one integer or a:b range (a:b:step, a:, :b, :) "
        "per axis, leading axes first; axes left out are taken whole")


class SliceError(ShapeError):
    """A --slice the graph cannot take: its text, what is wrong, and the rule."""


@dataclass(frozen=True)
class SliceSpec:
    """A tensor's name and an index into it as given (unchecked); `index` None: the whole tensor."""

    name: str
    index: Optional[tuple[Index, ...]]
    text: str


_PART = re.compile(r"^\s*(-?\d+)?\s*(:)?\s*(-?\d+)?\s*(?::\s*(-?\d+)?\s*)?$")


def parse_slice(text: str, names: Sequence[str] = ()) -> SliceSpec:
    """The SliceSpec of `text`; a name in `names` that itself ends in brackets (c1.out[1]) is taken whole."""
    text = text.strip()
    if not text:
        raise SliceError(f"--slice: empty; expected {RULE}")
    if text in names or not text.endswith("]"):
        return SliceSpec(text, None, text)
    start = text.rfind("[")
    name, inside = text[:start].strip(), text[start + 1:-1]
    if start <= 0 or not name:
        raise SliceError(f"--slice {text!r}: no tensor name before '['; expected {RULE}")
    parts = [p for p in inside.split(",")]
    if parts and not parts[-1].strip():
        parts = parts[:-1]
    index = tuple(_part(p, text) for p in parts)
    return SliceSpec(name, index, text)


def _part(part: str, text: str) -> Index:
    found = _PART.match(part)
    if not part.strip() or found is None:
        raise SliceError(f"--slice {text!r}: cannot read {part.strip()!r} as an index; expected {RULE}")
    start, colon, stop, step = found.group(1), found.group(2), found.group(3), found.group(4)
    if not colon:
        if stop is not None or step is not None:
            raise SliceError(f"--slice {text!r}: cannot read {part.strip()!r} as an index; expected {RULE}")
        return int(start)
    if step is not None and int(step) <= 0:
        raise SliceError(f"--slice {text!r}: step {step} in {part.strip()!r} must be positive; expected {RULE}")
    return slice(None if start is None else int(start), None if stop is None else int(stop),
                 None if step is None else int(step))


@dataclass(frozen=True)
class Selection:
    """A checked slice: the tensor's name and shape, per axis the true indices kept, and their flat indices."""

    name: str
    shape: tuple[int, ...]
    axes: tuple[tuple[int, ...], ...]

    @property
    def flat(self) -> np.ndarray:
        if not self.shape:
            return np.zeros(1, dtype=np.int64)
        return np.ravel_multi_index(np.ix_(*[np.array(a) for a in self.axes]), self.shape).ravel().astype(np.int64)

    @property
    def count(self) -> int:
        return int(np.prod([len(a) for a in self.axes], dtype=np.int64))

    @property
    def text(self) -> str:
        """As --slice takes it: `s2.out[0, 0, 0:2, 0:2]`."""
        if not self.shape:
            return self.name
        return f"{self.name}[{', '.join(_axis_text(a) for a in self.axes)}]"

    def describe(self) -> str:
        """In words: `batch 0, channel 0, rows 0–1, cols 0–1 of s2.out (2×6×14×14)`."""
        shape = shape_text(self.shape)
        if not self.shape:
            return f"all of {self.name} (scalar)"
        words = {4: ("batch", "channel", "rows", "cols"), 3: ("channel", "rows", "cols"), 2: ("batch", "features"),
                 1: ("elements",)}
        kinds = words.get(len(self.shape), tuple(f"axis {d}" for d in range(len(self.shape))))
        parts = []
        for kind, kept, size in zip(kinds, self.axes, self.shape):
            if len(kept) == size and size > 1:
                parts.append(f"all {kind}" if kind.endswith("s") else f"every {kind}")
            elif len(kept) == 1 and kind.endswith("s"):
                parts.append(f"{kind[:-1]} {kept[0]}")
            else:
                parts.append(f"{kind} {_axis_words(kept)}")
        return f"{', '.join(parts)} of {self.name} ({shape})"


def _axis_text(kept: tuple[int, ...]) -> str:
    if len(kept) == 1:
        return str(kept[0])
    step = kept[1] - kept[0]
    return f"{kept[0]}:{kept[-1] + 1}" if step == 1 else f"{kept[0]}:{kept[-1] + 1}:{step}"


def _axis_words(kept: tuple[int, ...]) -> str:
    if len(kept) == 1:
        return str(kept[0])
    step = kept[1] - kept[0]
    return f"{kept[0]}–{kept[-1]}" + ("" if step == 1 else f" step {step}")


def select(spec: SliceSpec, shapes: Mapping[str, tuple[int, ...]]) -> Selection:
    """Check `spec` against the named tensors' shapes (name → shape); SliceError naming the option, the shape and
    the rule when the name is unknown, an index is out of range, a range is empty or there are too many indices."""
    if spec.name not in shapes:
        known = ", ".join(f"{n} ({shape_text(s)})" for n, s in shapes.items())
        raise SliceError(f"--slice {spec.text!r}: no tensor named {spec.name!r} in this graph; its tensors are "
                         f"{known}")
    shape = tuple(shapes[spec.name])
    index = spec.index or ()
    where = f"--slice {spec.text!r}: {spec.name} has shape {shape_text(shape)}"
    if len(index) > len(shape):
        raise SliceError(f"{where}, {len(shape)} axes, but the slice has {len(index)} indices; expected {RULE}")
    axes = []
    for d, size in enumerate(shape):
        part = index[d] if d < len(index) else slice(None)
        if isinstance(part, int):
            if not -size <= part < size:
                raise SliceError(f"{where}: index {part} is out of range for axis {d} of size {size} "
                                 f"(0 ≤ i < {size}, or −{size} ≤ i < 0 from the end)")
            axes.append((part % size,))
        else:
            kept = tuple(range(size))[part]
            if not kept:
                raise SliceError(f"{where}: the range {_slice_text(part)} of axis {d} (size {size}) is empty; a:b "
                                 "keeps a ≤ i < b")
            axes.append(kept)
    return Selection(spec.name, shape, tuple(axes))


def _slice_text(part: slice) -> str:
    text = f"{'' if part.start is None else part.start}:{'' if part.stop is None else part.stop}"
    return text + (f":{part.step}" if part.step is not None else "")


def windows(name: str, shape: tuple[int, ...]) -> list[Selection]:
    """The automatic slices of a tensor, largest first: every leading axis at 0 and a window on the trailing ones
    (k×k over the last two axes of an image, 0:k over a vector's features), down to its first element."""
    if not shape:
        return [Selection(name, shape, ())]
    found = []
    if len(shape) >= 3:
        sizes = [(min(k, shape[-2]), min(k, shape[-1])) for k in (4, 3, 2)]
        for rows, cols in dict.fromkeys(sizes):
            found.append(Selection(name, shape, ((0,),) * (len(shape) - 2) + (tuple(range(rows)), tuple(range(cols)))))
    else:
        for k in dict.fromkeys(min(k, shape[-1]) for k in (16, 8, 4, 2)):
            found.append(Selection(name, shape, ((0,),) * (len(shape) - 1) + (tuple(range(k)),)))
    first = Selection(name, shape, ((0,),) * len(shape))
    return [s for s in found if s.count > 1] + [first]
