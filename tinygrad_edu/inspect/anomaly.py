"""Anomaly detection: inside `with detect_anomaly():` each recorded op's forward output and backward gradients
are checked for NaN/Inf; the first offender raises AnomalyError naming the op, phase, shapes and user code."""
from __future__ import annotations

import itertools
import weakref
from typing import Any, Optional

import numpy as np

from ..autograd import Function, anomaly_mode, no_grad, observe
from ..tensor import Tensor
from .sites import Frame, source_line, user_frames


class AnomalyError(RuntimeError):
    """A NaN or Inf appeared. `op`, `phase` ("forward" or "backward"), `fn`, `site` (file, line) and
    `traceback` (user frames, outermost first) say where; the message says it in words."""

    def __init__(self, message: str, fn: Function, phase: str, traceback: tuple[Frame, ...]) -> None:
        super().__init__(message)
        self.fn, self.op, self.phase, self.site, self.traceback = fn, fn.name, phase, fn.site, traceback


class detect_anomaly:
    """`with tg.inspect.detect_anomaly():` — check forward outputs (forward=True) and backward gradients
    (backward=True) of every op recorded inside. Backward checks run each op's backward once more on the
    side, so this is a debugging mode, not a training mode. Nothing stays installed after the block."""

    def __init__(self, forward: bool = True, backward: bool = True) -> None:
        self.forward, self.backward = forward, backward
        self._tracebacks: "weakref.WeakKeyDictionary[Function, tuple[Frame, ...]]" = weakref.WeakKeyDictionary()
        self._hooked: dict[int, "weakref.ref[Tensor]"] = {}
        self._keys = itertools.count()
        self._stop: Optional[Any] = None

    def __enter__(self) -> "detect_anomaly":
        if self._stop is not None:
            raise RuntimeError("detect_anomaly: this block is already active; use a new detect_anomaly()")
        self._stop = observe(self._on_record)
        self._mode = anomaly_mode()
        self._mode.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        stop, self._stop = self._stop, None
        if stop is not None:
            stop()
            self._mode.__exit__(None, None, None)
        for ref in self._hooked.values():
            t = ref()
            if t is not None:
                t._hooks[:] = [h for h in t._hooks if not (isinstance(h, _BackwardCheck) and h.detector is self)]
        self._hooked.clear()

    def traceback(self, fn: Function) -> tuple[Frame, ...]:
        """The user frames that recorded `fn` (outermost first); empty for ops recorded outside the block."""
        return self._tracebacks.get(fn, ())

    # ---- forward ----------------------------------------------------------------------------------
    def _on_record(self, fn: Function) -> None:
        self._tracebacks[fn] = user_frames()
        out = fn.output
        if self.forward:
            bad = _count_nonfinite(out.data)
            if sum(bad):
                raise AnomalyError(self._forward_message(fn, out, bad), fn, "forward", self.traceback(fn))
        if self.backward:
            out.register_hook(_BackwardCheck(self, fn))
            key = next(self._keys)
            self._hooked[key] = weakref.ref(out, lambda _, key=key: self._hooked.pop(key, None))

    def _forward_message(self, fn: Function, out: Tensor, bad: tuple[int, int]) -> str:
        inputs = []
        for i, x in enumerate(fn.inputs):
            poisoned = _count_nonfinite(x.data)
            held = f" already held {_describe(poisoned)}" if sum(poisoned) else ""
            inputs.append(f"input {i} of shape {x.shape}{held}")
        return (f"detect_anomaly: {fn.name} forward produced {_describe(bad)} in its output of shape {out.shape} "
                f"({', '.join(inputs)})" + self._where(fn))

    # ---- backward ---------------------------------------------------------------------------------
    def _check_backward(self, fn: Function, grad: Tensor) -> None:
        arriving = _count_nonfinite(grad.data)
        if sum(arriving):
            raise AnomalyError(
                f"detect_anomaly: {fn.name} backward: the gradient δ of shape {grad.shape} arriving at its output "
                f"already holds {_describe(arriving)} (it came from backward() or from an op recorded outside the "
                "block)" + self._where(fn), fn, "backward", self.traceback(fn))
        with no_grad():
            raw = fn.backward(grad)
        raw = raw if isinstance(raw, tuple) else (raw,)
        for i, (x, g) in enumerate(zip(fn.inputs, raw)):
            if g is None or not fn.needs_input_grad[i]:
                continue
            bad = _count_nonfinite(g.data)
            if sum(bad):
                raise AnomalyError(
                    f"detect_anomaly: {fn.name} backward turned a finite gradient δ of shape {grad.shape} into "
                    f"{_describe(bad)} in the gradient for input {i} (shape {x.shape}); its rule: "
                    f"{fn.rule_unicode or '(none stated)'}" + self._where(fn), fn, "backward", self.traceback(fn))

    def _where(self, fn: Function) -> str:
        frames = self.traceback(fn)
        if fn.site is None and not frames:
            return ""
        text = ""
        if fn.site is not None:
            line = source_line(fn.site)
            text = f"\n  the op was created at {fn.site[0]}:{fn.site[1]}" + (f": {line}" if line else "")
        if frames:
            text += "\nUser traceback of the op's creation (most recent call last):\n" + "\n".join(map(str, frames))
        return text


class _BackwardCheck:
    """The tensor hook that checks one op's backward when its output's gradient is complete."""

    def __init__(self, detector: detect_anomaly, fn: Function) -> None:
        self.detector, self.fn = detector, fn

    def __call__(self, grad: Tensor) -> None:
        self.detector._check_backward(self.fn, grad)


def _count_nonfinite(data: np.ndarray) -> tuple[int, int]:
    """(NaN count, Inf count) of a numeric array; (0, 0) for symbolic ones."""
    if data.dtype == object or data.dtype.kind not in "fc":
        return (0, 0)
    nans = int(np.count_nonzero(np.isnan(data)))
    return (nans, int(np.count_nonzero(np.isinf(data))))


def _describe(counts: tuple[int, int]) -> str:
    nans, infs = counts
    parts = ([f"{nans} NaN"] if nans else []) + ([f"{infs} Inf"] if infs else [])
    return " and ".join(parts)
