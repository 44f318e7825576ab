"""What bounds the graph-building rows: the scalar MLP and the long chain of run_all.py, each library timed with
Python's cyclic GC on and off, with the collections it ran (per generation) and the CPU time spent inside them
(gc.callbacks). Same rows, same process setup (references loaded and frozen first) as run_all.py.

A graph of Python objects is walked again by every full collection while it grows (CPython 3.11 starts one after
each ~70,000 net allocations once the young objects reach a quarter of the old): the cost per node grows with
the objects a node keeps alive. PyTorch's graph lives in C++ and is not walked.

Run: python benchmarks/gc_share.py [--rounds R]   (1 thread, CPU clock; median of R rounds, default 5)
"""
from __future__ import annotations

import gc
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.argv += [] if "--threads" in sys.argv else ["--threads", "1"]
import run_all  # noqa: E402  (pins the threads before NumPy is imported)


class Collections:
    """Collections per generation and the CPU seconds spent in them, while installed as a gc callback."""

    def __init__(self) -> None:
        self.count, self.seconds, self._start = [0, 0, 0], 0.0, 0.0

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._start = time.process_time()
        else:
            self.count[info["generation"]] += 1
            self.seconds += time.process_time() - self._start


def measure(step: Callable[[], Any], gc_on: bool) -> tuple[float, Collections]:
    """CPU seconds of one call of step (the result freed outside the clock) and the collections it ran."""
    seen = Collections()
    gc.collect()
    gc.callbacks.append(seen)
    if not gc_on:
        gc.disable()
    try:
        start = time.process_time()
        result = step()
        spent = time.process_time() - start
    finally:
        gc.enable()
        gc.callbacks.remove(seen)
    del result
    return spent, seen


def main() -> None:
    import torch

    try:
        from micrograd import engine as micrograd
    except ImportError:
        micrograd = None
    dz = run_all.dezero_rows.import_dezero()
    run_all.load_references(torch)
    gc.collect()
    gc.freeze()
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 5
    print(f"1 thread, CPU clock, median of {rounds} rounds; Python {sys.version.split()[0]}, gc thresholds "
          f"{gc.get_threshold()}")
    print()
    print("| row | library | GC on | GC off | in collections | collections (gen 0/1/2) |")
    print("| --- | --- | ---: | ---: | ---: | --- |")
    for row in (run_all.scalar_row(torch, micrograd), run_all.chain_row(torch, micrograd, dz)):
        unit = row.unit
        for library, step, per in zip(("tinygrad_edu", "PyTorch", "micrograd", "DeZero"),
                                      (row.ours, row.torch, row.micrograd, row.dezero), row.per):
            if step is None:
                continue
            step()
            on = [measure(step, True) for _ in range(rounds)]
            off = [measure(step, False)[0] for _ in range(rounds)]
            scale = 1e6 / per
            count = on[len(on) // 2][1].count
            print(f"| {row.name} | {library} | {statistics.median(s for s, _ in on) * scale:.2f} {unit} | "
                  f"{statistics.median(off) * scale:.2f} | {statistics.median(c.seconds for _, c in on) * scale:.2f} | "
                  f"{count[0]}/{count[1]}/{count[2]} |", flush=True)


if __name__ == "__main__":
    main()
