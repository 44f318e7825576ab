"""Writing a claim in the lecture's notation. Indices are 1-based, as the lecture's symbols, everywhere in this
module: `lecture(W)(i, j)` is the array entry W[i − 1, j − 1], `layers(W1, W2)[r]` is layer r's weights (so
`W[r](i, j)` reads as w^{(r)}_{ij}), `numbers.build(shape, f)` fills an array with f(i, j, …) at 1-based i, j, …,
`sizes(n=[2, 3], m=[1, 2])` is the grid of sizes in one line and `check(...)` runs a claim and returns a result
that prints as text and shows as a table in a notebook."""
from __future__ import annotations

import inspect
import itertools
from typing import Any, Optional, Sequence

import numpy as np

from ..tensor import Tensor
from .claim import Case, Claim, ClaimResult, Compute


class Lecture:
    """A tensor or array read by the lecture's 1-based indices: L(i, j) = array[i − 1, j − 1]."""

    def __init__(self, value: Any, name: str = "") -> None:
        self.array = np.asarray(value.data if isinstance(value, Tensor) else value)
        self.name = name or (getattr(value, "name", "") or "")

    @property
    def shape(self) -> tuple[int, ...]:
        return self.array.shape

    def __call__(self, *index: int) -> Any:
        if len(index) != self.array.ndim:
            raise IndexError(f"{self.name or 'value'}: {len(index)} indices for a {self.array.ndim}-index quantity "
                             f"of sizes {self.array.shape}")
        for axis, (i, n) in enumerate(zip(index, self.array.shape)):
            if not 1 <= i <= n:
                raise IndexError(f"{self.name or 'value'}: index {axis + 1} is {i}, outside 1…{n} (lecture indices "
                                 f"are 1-based; sizes {self.array.shape})")
        return self.array[tuple(i - 1 for i in index)]

    def __repr__(self) -> str:
        return f"lecture({self.name or 'value'}, sizes {self.array.shape}, 1-based)"


def lecture(value: Any, name: str = "") -> Lecture:
    """`lecture(W)(i, j)`: W's entry at the lecture's 1-based (i, j)."""
    return Lecture(value, name)


class Layers:
    """Per-layer quantities by the lecture's layer index r = 1 … L: `W[r](i, j)`."""

    def __init__(self, values: Sequence[Any], name: str = "") -> None:
        self.items = [v if isinstance(v, Lecture) else Lecture(v, f"{name}[{r}]" if name else "")
                      for r, v in enumerate(values, start=1)]

    def __getitem__(self, r: int) -> Lecture:
        if not 1 <= r <= len(self.items):
            raise IndexError(f"layer index r = {r} is outside 1…{len(self.items)} (layers are numbered from 1)")
        return self.items[r - 1]

    def __len__(self) -> int:
        return len(self.items)


def layers(*values: Any, name: str = "") -> Layers:
    """`W = layers(W1, W2)`: then W[r](i, j) is layer r's entry (i, j), all 1-based."""
    return Layers(values, name)


def sizes(**axes: Any) -> list[Case]:
    """Every combination of the given sizes, one line: sizes(n=[2, 3], m=1) → [{n: 2, m: 1}, {n: 3, m: 1}]."""
    names = list(axes)
    values = [v if isinstance(v, (list, tuple, range)) else [v] for v in axes.values()]
    return [dict(zip(names, combo)) for combo in itertools.product(*values)]


class Check(ClaimResult):
    """A claim's result for a script or a notebook: prints as one verdict line (and the failure), shows as a
    Markdown/HTML table in Jupyter, and is truthy when the claim holds."""

    def __bool__(self) -> bool:
        return self.passed

    def verdict(self) -> str:
        if self.authoring_error:
            return "ERROR (in the claim's own code)"
        if not self.passed:
            return "FAIL"
        return "holds, proved exactly" if self.proof == "exact" else f"holds numerically ({self.note})"

    def rows(self) -> list[tuple[str, str]]:
        rows = [("claim", f"{', '.join(self.claim.formulas)}: {self.claim.statement}"), ("verdict", self.verdict()),
                ("exact sizes", "; ".join(self.cases) or "–")]
        if self.spot is not None:
            rows.append(("spot check", f"{self.spot.case}: largest relative error {self.spot.max_error:.1e}"))
        failure = self.failure or (self.spot.failure if self.spot else None)
        if failure is not None:
            rows.append(("where", str(failure)))
        rows.append(("time", f"{self.seconds:.2f} s"))
        return rows

    def __str__(self) -> str:
        return "\n".join(f"{key}: {value}" for key, value in self.rows())

    def _repr_markdown_(self) -> str:
        cells = [(k, v.replace("|", "\\|").replace("\n", "<br>")) for k, v in self.rows()]
        return "| | |\n|---|---|\n" + "\n".join(f"| **{k}** | {v} |" for k, v in cells)

    def _repr_html_(self) -> str:
        import html

        body = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
                       f"<td style='text-align:left'><pre style='margin:0'>{html.escape(v)}</pre></td></tr>"
                       for k, v in self.rows())
        return f"<table>{body}</table>"


def check(compute: Compute, grid: Sequence[Case], spot: Optional[Case] = None, formulas: str = "",
          statement: str = "", **options: Any) -> Check:
    """Run `compute(case, numbers) -> (autograd, formula)` as a claim over `grid` (exact) and `spot` (numeric);
    the statement defaults to compute's docstring. Options go to Claim.check (budget, explain, ...)."""
    text = statement or (inspect.getdoc(compute) or compute.__name__).splitlines()[0]
    claim = Claim(formulas or "own", text, "", compute, list(grid), spot, name=compute.__name__)
    result = claim.check(**options)
    return Check(**{f: getattr(result, f) for f in ("claim", "cases", "failure", "spot", "seconds", "proof", "note")})
