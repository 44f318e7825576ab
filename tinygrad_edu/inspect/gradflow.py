"""GradientFlow: per-parameter gradient norms ‖∂L/∂θ‖ of a model, recorded step by step and grouped by
module, shown as a table or a plot; where gradients vanish (deep sigmoid stacks) or explode is read off."""
from __future__ import annotations

import math
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Optional, Union

import numpy as np

from ..nn.module import Module
from .stats import GradStats

BAR_WIDTH = 25
BAR_DECADES = 5  # the bar spans five orders of magnitude below the largest norm


class GradientFlow:
    """Records, at each `record()` (or before each optimizer step inside `track(optimizer)`), the gradient
    norm of every parameter of `model`; a parameter without a gradient (or a symbolic one) records NaN."""

    def __init__(self, model: Module) -> None:
        if not isinstance(model, Module):
            raise TypeError(f"GradientFlow: expected an nn.Module, got {type(model).__name__}")
        self.model = model
        self.named_parameters = list(model.named_parameters())
        if not self.named_parameters:
            raise ValueError(f"GradientFlow: {type(model).__name__} has no parameters to watch")
        kinds = {name: type(m).__name__ for name, m in model.named_modules()}
        self.modules: dict[str, list[str]] = {}
        for name, _ in self.named_parameters:
            owner = name.rpartition(".")[0]
            self.modules.setdefault(f"{owner} ({kinds.get(owner, '?')})" if owner else kinds[""], []).append(name)
        self.steps: list[int] = []
        self._norms: list[np.ndarray] = []

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.named_parameters]

    def __len__(self) -> int:
        return len(self._norms)

    def record(self, step: Optional[int] = None) -> dict[str, float]:
        """Read every parameter's `.grad` now; `step` labels the record (default: the number of records so far)."""
        norms = np.array([_norm(p.grad) for _, p in self.named_parameters], dtype=np.float64)
        self.steps.append(len(self._norms) if step is None else int(step))
        self._norms.append(norms)
        return dict(zip(self.names, norms.tolist()))

    @contextmanager
    def track(self, optimizer: Any) -> Iterator["GradientFlow"]:
        """Inside the block, every `optimizer.step()` first records the gradients it is about to use."""
        if not callable(getattr(optimizer, "step", None)):
            raise TypeError(f"GradientFlow.track: {type(optimizer).__name__} has no step() method")
        original = optimizer.step
        patched_before = "step" in vars(optimizer)

        def step_and_record(*args: Any, **kwargs: Any) -> Any:
            self.record()
            return original(*args, **kwargs)

        optimizer.step = step_and_record
        try:
            yield self
        finally:
            if patched_before:
                optimizer.step = original
            else:
                del optimizer.step

    # ---- reading the records ----------------------------------------------------------------------------
    def norms(self, name: str) -> np.ndarray:
        """The recorded norms of one parameter, one per record."""
        if name not in self.names:
            raise KeyError(f"GradientFlow.norms: no parameter {name!r}; the parameters are {self.names}")
        column = self.names.index(name)
        return np.array([row[column] for row in self._norms])

    def at(self, index: int = -1) -> dict[str, float]:
        """Parameter name → norm in one record (default the last)."""
        self._check_index("at", index)
        return dict(zip(self.names, self._norms[index].tolist()))

    def module_norms(self, index: int = -1) -> dict[str, float]:
        """Module → √(Σ ‖∂L/∂θ‖²) over its parameters, in one record (default the last)."""
        norms = self.at(index)
        return {module: math.sqrt(sum(norms[n] ** 2 for n in names))
                for module, names in self.modules.items()}

    def ratio(self, first: str, last: str, index: int = -1) -> float:
        """‖∂L/∂last‖ / ‖∂L/∂first‖ in one record: ≫ 1 means the gradient vanishes on its way to `first`."""
        norms = self.at(index)
        for name in (first, last):
            if name not in norms:
                raise KeyError(f"GradientFlow.ratio: no parameter {name!r}; the parameters are {self.names}")
        return norms[last] / norms[first]

    def _check_index(self, where: str, index: int) -> None:
        if not self._norms:
            raise ValueError(f"GradientFlow.{where}: nothing recorded yet; call record() after backward()")
        if not -len(self._norms) <= index < len(self._norms):
            raise IndexError(f"GradientFlow.{where}: record {index} is out of range "
                             f"{-len(self._norms)}..{len(self._norms) - 1} ({len(self._norms)} records)")

    # ---- showing ----------------------------------------------------------------------------------------
    def table(self, index: int = -1) -> str:
        """One row per parameter grouped by module: shape, ‖grad‖ in the record, its log₁₀, the mean over all
        records, and a bar on a log scale (so a vanishing gradient shows as a short bar)."""
        self._check_index("table", index)
        now = self._norms[index]
        mean = _mean_of_finite(np.stack(self._norms))
        shapes = {name: "×".join(map(str, p.shape)) or "scalar" for name, p in self.named_parameters}
        positive = now[np.isfinite(now) & (now > 0)]
        high = float(np.log10(positive.max())) if positive.size else 0.0
        module_width = max(len("module"), *(len(m) for m in self.modules))
        name_width = max(len("parameter"), *(len(n) for n in self.names))
        position = index % len(self._norms)
        lines = [f"gradient norms ‖∂L/∂θ‖ at record {position + 1} of {len(self._norms)} "
                 f"(step {self.steps[index]}); bar: log scale, {BAR_WIDTH // BAR_DECADES} characters per factor 10",
                 f"{'module':<{module_width}}  {'parameter':<{name_width}}  {'shape':>9}  {'‖grad‖':>9}  "
                 f"{'log₁₀':>6}  {'mean':>9}  bar"]
        columns = {name: i for i, name in enumerate(self.names)}
        for module, names in self.modules.items():
            for k, name in enumerate(names):
                value, average = now[columns[name]], mean[columns[name]]
                lines.append(f"{module if k == 0 else '':<{module_width}}  {name:<{name_width}}  {shapes[name]:>9}  "
                             f"{_number(value):>9}  {_log(value):>6}  {_number(average):>9}  {_bar(value, high)}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table() if self._norms else f"GradientFlow({len(self.names)} parameters, nothing recorded)"

    def _repr_html_(self) -> str:
        """Jupyter: the table, in columns."""
        from .notebook import gradient_flow_html

        return gradient_flow_html(self)

    def plot(self, path: Union[str, Path], index: int = -1, title: Optional[str] = None) -> Path:
        """Write a PNG (or any format matplotlib knows from the suffix): left, each parameter's ‖grad‖ in one
        record on a log scale in layer order; right, each module's norm over the records."""
        self._check_index("plot", index)
        try:
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:
            raise ImportError("GradientFlow.plot needs matplotlib, a dependency of tinygrad_edu (pip install "
                              "matplotlib); GradientFlow.table() shows the same numbers as text") from None
        figure, (bars, lines) = plt.subplots(1, 2, figsize=(12, 4.5))
        values = self._norms[index]
        bars.bar(range(len(values)), np.where(values > 0, values, np.nan), color="tab:blue")
        bars.set_xticks(range(len(values)), self.names, rotation=60, ha="right", fontsize=7)
        bars.set_yscale("log")
        bars.set_ylabel("‖∂L/∂θ‖")
        bars.set_title(f"per parameter, step {self.steps[index]}")
        history = np.stack(self._norms)
        columns = {name: i for i, name in enumerate(self.names)}
        for module, names in self.modules.items():
            series = np.sqrt(np.sum(history[:, [columns[n] for n in names]] ** 2, axis=1))
            lines.plot(self.steps, series, label=module)
        lines.set_yscale("log")
        lines.set_xlabel("step")
        lines.set_title("per module over the run")
        lines.legend(fontsize=6)
        figure.suptitle(title or f"gradient flow through {type(self.model).__name__}")
        figure.tight_layout()
        target = Path(path)
        figure.savefig(target)
        plt.close(figure)
        return target


def _norm(grad: Any) -> float:
    if grad is None:
        return math.nan
    stats = GradStats.of(grad.data)
    return math.nan if stats.norm is None else stats.norm


def _mean_of_finite(history: np.ndarray) -> np.ndarray:
    """Per column, the mean of the finite entries (NaN where a parameter never had a gradient)."""
    finite = np.isfinite(history)
    counts = finite.sum(axis=0)
    totals = np.where(finite, history, 0.0).sum(axis=0)
    return np.divide(totals, counts, out=np.full(history.shape[1], np.nan), where=counts > 0)


def _number(value: float) -> str:
    return "—" if not np.isfinite(value) else f"{value:.2e}"


def _log(value: float) -> str:
    return f"{math.log10(value):.1f}" if np.isfinite(value) and value > 0 else "—"


def _bar(value: float, high: float) -> str:
    """Length ∝ log₁₀ of the norm, full at the largest norm, one character at 10^-BAR_DECADES of it or less."""
    if not np.isfinite(value) or value <= 0:
        return ""
    share = 1.0 - (high - math.log10(value)) / BAR_DECADES
    return "█" * max(1, round(min(share, 1.0) * BAR_WIDTH))
