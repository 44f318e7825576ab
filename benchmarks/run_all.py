"""Every speed benchmark of the project as one markdown table: ours / PyTorch / ratio (and micrograd and DeZero
where they run: the `bench` extra), the median of several rounds measured in one process, with the machine and the
thread count.

Each round times every library once, in a rotating order, so a load spike from another process hits the
libraries of a round alike; a ratio is the median over rounds of that round's ours/theirs. On a shared machine
the wall clock mostly measures the other processes: --clock cpu times the CPU this process used instead (with
one thread that is the work itself; with more it is the work of all threads, so spinning threads show up).
The row "CIFAR conv: its three GEMMs alone" times only the GEMMs the conv kernels run (same shapes, same chunks,
operands already in the cache): the floor under our CIFAR-style conv, against PyTorch's whole conv.

Run: python benchmarks/run_all.py               1 thread (CPU clock), then 2 threads (wall and CPU clock),
                                                each in a fresh process
     python benchmarks/run_all.py --threads N   one table (NumPy's BLAS and PyTorch both get N threads)
     options: --clock wall|cpu (default wall), --rounds R (default 7), --only SUBSTRING (rows whose name
     contains it), --default-malloc (leave glibc's malloc as it is; by default the run calls
     allocator.keep_freed_memory() first, as `tinygrad-edu train` does, so that neither library pays the
     page faults of re-mapping freed blocks, which otherwise come and go with the heap's layout)
"""
from __future__ import annotations

import gc
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _threads import numpy_blas_threads, pin_threads  # noqa: E402

THREADS = pin_threads()

import numpy as np  # noqa: E402

import dezero_rows  # noqa: E402

Step = Callable[[], Any]


@dataclass
class Row:
    """One benchmark: its name, the unit of its numbers, the steps of each library, the calls per round, the
    divisor that turns seconds per call into the unit's count (nodes, ops) and the target."""

    name: str
    unit: str
    ours: Step
    torch: Optional[Step]
    micrograd: Optional[Step] = None
    dezero: Optional[Step] = None
    number: int = 1
    per: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0)
    target: str = ""


CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}


def interleaved(steps: list[Optional[Step]], rounds: int, number: int, clock: Callable[[], float]) -> list[list[float]]:
    """Seconds per call of each step, one list entry per round; the order of the steps rotates every round.
    Results are kept until the clock stops (freeing a long graph is not part of building it); each timed step
    starts from a collected heap, so no library's collections walk another library's leftovers."""
    live = [s for s in steps if s is not None]
    for step in live:
        step()
    times: list[list[float]] = [[] for _ in steps]
    for r in range(rounds):
        order = [k for k in range(len(steps)) if steps[k] is not None]
        order = order[r % len(order):] + order[:r % len(order)]
        for k in order:
            kept = []
            gc.collect()  # the previous step's garbage (micrograd's graphs are cycles) is not this step's to walk
            start = clock()
            for _ in range(number):
                kept.append(steps[k]())
            times[k].append((clock() - start) / number)
            del kept
    return times


# ---- the rows -------------------------------------------------------------------------------------------

def conv_row(torch: Any, dz: Any, name: str, n: int, c: int, o: int, size: int, k: int, padding: int = 0,
             groups: int = 1, number: int = 3) -> Row:
    import tinygrad_edu as tg
    import tinygrad_edu.functional as F

    rng = np.random.default_rng(1)
    x = rng.standard_normal((n, c, size, size)).astype(np.float32)
    w = (rng.standard_normal((o, c // groups, k, k)) * 0.1).astype(np.float32)
    out = size + 2 * padding - k + 1
    g = rng.standard_normal((n, o, out, out)).astype(np.float32)
    xt, wt, gt = tg.Tensor(x, requires_grad=True), tg.Tensor(w, requires_grad=True), tg.Tensor(g)

    def ours() -> None:
        xt.grad = wt.grad = None
        F.conv2d(xt, wt, padding=padding, groups=groups).backward(gt)

    tx, tw, tg_ = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True), torch.tensor(g)

    def theirs() -> None:
        tx.grad = tw.grad = None
        torch.nn.functional.conv2d(tx, tw, padding=padding, groups=groups).backward(tg_)

    dezero = dezero_rows.conv_step(dz, x, w, g, padding) if dz is not None and groups == 1 else None
    return Row(name, "ms", ours, theirs, dezero=dezero, number=number, target="≤ 1.5×")


def gemm_bound_row(torch: Any, n: int = 32, c: int = 16, o: int = 32, size: int = 32, k: int = 3) -> Row:
    """What the CIFAR-style conv cannot go below: its three GEMMs as the kernels run them, each over the kernels'
    chunks with the chunk's operands in the cache, without the copies that make the operands: forward W·Z per
    batch item (wide layout), and the framed backward (conv_kernels.conv_backward) per chunk: δ_x rows
    W-rows·δ-shifted and ∂E/∂W = δ-shifted·x-shiftedᵀ; against PyTorch's conv."""
    from tinygrad_edu.ops.conv_kernels import Geometry, chunks, tight_frame

    rng = np.random.default_rng(3)
    pad = (k - 1) // 2
    geo = Geometry.of(np.dtype(np.float32), (size, size), (k, k), (1, 1), ((pad, pad), (pad, pad)), (1, 1), 1,
                      (size, size))
    fh, fw = tight_frame(geo)  # the backward's frames share one zero border
    row, frame = size * (size + k - 1), fh * fw
    x_chunk = chunks(n, c * k * k * row * 4)[0].stop
    frame_chunk = chunks(n, (o * k + c * k) * frame * 4)[0].stop
    w = rng.standard_normal((o, c * k * k)).astype(np.float32)
    w_rows = rng.standard_normal((c * k, o * k)).astype(np.float32)
    cols = rng.standard_normal((x_chunk, c * k * k, row)).astype(np.float32)
    shifted = rng.standard_normal((o * k, frame_chunk * frame)).astype(np.float32)
    image_rows = rng.standard_normal((c * k, frame_chunk * frame)).astype(np.float32)

    def ours() -> None:
        for start in range(0, n, x_chunk):
            np.matmul(w, cols[:min(x_chunk, n - start)])
        for start in range(0, n, frame_chunk):
            m = min(frame_chunk, n - start) * frame
            np.matmul(w_rows, shifted[:, :m])
            np.matmul(shifted[:, :m], image_rows[:, :m].T)

    theirs = conv_row(torch, None, "", n, c, o, size, k, 1).torch
    return Row("CIFAR conv: its three GEMMs alone (NumPy, per chunk, operands in the cache)", "ms", ours, theirs,
               number=2)


def lenet_row(torch: Any, dz: Any) -> Row:
    from bench_cnn import lenet_inputs, lenet_step_ours, lenet_step_torch

    x, y, state = lenet_inputs()
    arrays = {k: np.asarray(v.data) for k, v in state.items()}
    return Row("LeNet-5 step (batch 64, 1×28×28, SGD momentum)", "ms", lenet_step_ours(x, y, state),
               lenet_step_torch(torch, x, y, arrays),
               dezero=None if dz is None else dezero_rows.lenet_step(dz, x, y, arrays), number=3, target="≤ 1.1×")


def maxpool_row(torch: Any, dz: Any) -> Row:
    import tinygrad_edu as tg
    import tinygrad_edu.functional as F

    rng = np.random.default_rng(2)
    x = rng.standard_normal((32, 32, 32, 32)).astype(np.float32)
    g = rng.standard_normal((32, 32, 16, 16)).astype(np.float32)
    xt, gt = tg.Tensor(x, requires_grad=True), tg.Tensor(g)
    tx, tg_ = torch.tensor(x, requires_grad=True), torch.tensor(g)

    def ours() -> None:
        xt.grad = None
        F.max_pool2d(xt, 2).backward(gt)

    def theirs() -> None:
        tx.grad = None
        torch.nn.functional.max_pool2d(tx, 2).backward(tg_)

    dezero = None if dz is None else dezero_rows.maxpool_step(dz, x, g)
    return Row("max_pool2d 2×2 fwd+bwd (32, 32, 32×32)", "ms", ours, theirs, dezero=dezero, number=5)


def digits_batches() -> list[tuple[np.ndarray, np.ndarray]]:
    """One epoch of the digits training split in batches of 32, shuffled and shifted once (both libraries
    then train on the same arrays)."""
    from tinygrad_edu.data import load_digits, mean_normalize, random_shift

    images, labels = load_digits("train", seed=0)
    images, _ = mean_normalize(images, per="pixel")
    rng = np.random.default_rng(0)
    order = rng.permutation(len(images))
    batches = []
    for start in range(0, len(order), 32):
        idx = order[start:start + 32]
        batches.append((np.ascontiguousarray(random_shift(images[idx], max_shift=1, rng=rng), np.float32),
                        labels[idx].astype(np.int64)))
    return batches


def digits_row(torch: Any) -> Row:
    import tinygrad_edu as tg
    import tinygrad_edu.functional as F
    from tinygrad_edu.nn.models import DigitsCNN

    batches = digits_batches()
    tg.manual_seed(0)
    model = DigitsCNN()
    state = {k: np.asarray(v.data) for k, v in model.state_dict().items()}
    opt = tg.optim.Adam(model.parameters(), lr=3e-3)

    def ours() -> None:
        model.train()
        for images, labels in batches:
            loss = F.cross_entropy(model(tg.Tensor(images)), labels)
            opt.zero_grad()
            loss.backward()
            opt.step()

    nn = torch.nn
    theirs_model = nn.Module()
    theirs_model.features = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                                          nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
    theirs_model.classifier = nn.Sequential(nn.Flatten(), nn.Linear(256, 64), nn.ReLU(), nn.Dropout(0.1),
                                            nn.Linear(64, 10))
    theirs_model.load_state_dict({k: torch.tensor(v) for k, v in state.items()})
    theirs_opt = torch.optim.Adam(theirs_model.parameters(), lr=3e-3)
    torch_batches = [(torch.from_numpy(i), torch.from_numpy(l)) for i, l in batches]

    def theirs() -> None:
        theirs_model.train()
        for images, labels in torch_batches:
            loss = torch.nn.functional.cross_entropy(theirs_model.classifier(theirs_model.features(images)), labels)
            theirs_opt.zero_grad()
            loss.backward()
            theirs_opt.step()

    return Row(f"digits epoch (DigitsCNN, Adam, {len(batches)} batches of 32)", "ms", ours, theirs)


def scalar_row(torch: Any, micrograd: Any) -> Row:
    import tinygrad_edu as tg
    from bench_engine import count_nodes, scalar_mlp_graph

    rng = np.random.default_rng(0)
    points, targets = rng.standard_normal((100, 2)), rng.standard_normal(100)
    sizes = [2, 16, 16, 1]
    weights = [rng.uniform(-1, 1, (n_out, n_in + 1)).tolist() for n_in, n_out in zip(sizes[:-1], sizes[1:])]

    def run(value: Callable, relu: Callable) -> Any:
        loss, _ = scalar_mlp_graph(value, relu, points, targets, weights)
        loss.backward()
        return loss

    def ours() -> Any:
        return run(lambda v: tg.Tensor(np.array(v), requires_grad=True), lambda t: t.relu())

    def theirs() -> Any:
        return run(lambda v: torch.tensor(v, dtype=torch.float64, requires_grad=True), lambda t: t.relu())

    nodes = count_nodes(ours(), lambda t: t._ctx.inputs if t._ctx is not None else ())
    micro, micro_nodes = None, 1
    if micrograd is not None:
        def micro() -> Any:
            return run(micrograd.Value, lambda v: v.relu())

        micro_nodes = count_nodes(micro(), lambda v: v._prev)
    # No DeZero here: its backward re-sorts the list of pending Functions at every insertion (Variable.backward's
    # add_func), O(n²) on this graph: 750 µs/node, 49 s a run (its forward alone is in the chain row).
    return Row(f"scalar MLP 2→16→16→1, 100 points, fwd+bwd ({nodes} nodes)", "µs/node", ours, theirs, micro,
               per=(nodes, nodes, micro_nodes, 1), target="≤ 0.8× micrograd")


def chain_row(torch: Any, micrograd: Any, dz: Any, length: int = 50_000) -> Row:
    import tinygrad_edu as tg

    def ours() -> Any:
        y = tg.Tensor(1.0, requires_grad=True)
        for _ in range(length):
            y = y * 1.0
        return y

    def theirs() -> Any:
        y = torch.tensor(1.0, requires_grad=True)
        for _ in range(length):
            y = y * 1.0
        return y

    micro = None
    if micrograd is not None:
        def micro() -> Any:
            y = micrograd.Value(1.0)
            for _ in range(length):
                y = y * 1.0
            return y

    dezero = None
    if dz is not None:
        def dezero() -> Any:
            y = dezero_rows.scalar(dz)(1.0)
            for _ in range(length):
                y = y * 1.0
            return y

    return Row(f"long chain forward, y = y·1.0, {length:,} ops", "µs/op", ours, theirs, micro, dezero,
               per=(length, length, length, length), target="≤ 2×")


def rows(torch: Any, micrograd: Any, dz: Any) -> list[Callable[[], Row]]:
    """The rows, built lazily (each only when selected)."""
    return [
        lambda: lenet_row(torch, dz),
        lambda: conv_row(torch, dz, "conv2d fwd+bwd LeNet C1 (N=64, 1→6, 28×28, 5×5, pad 2)", 64, 1, 6, 28, 5, 2),
        lambda: conv_row(torch, dz, "conv2d fwd+bwd LeNet C3 (N=64, 6→16, 14×14, 5×5)", 64, 6, 16, 14, 5),
        lambda: conv_row(torch, dz, "conv2d fwd+bwd CIFAR (N=32, 16→32, 32×32, 3×3, pad 1)", 32, 16, 32, 32, 3, 1,
                         number=2),
        lambda: gemm_bound_row(torch),
        lambda: conv_row(torch, dz, "conv2d fwd+bwd 1×1 (N=32, 32→64, 32×32)", 32, 32, 64, 32, 1, number=2),
        lambda: conv_row(torch, dz, "conv2d fwd+bwd depthwise (N=32, 32 ch, groups 32, 32×32, 3×3, pad 1)", 32,
                         32, 32, 32, 3, 1, groups=32, number=2),
        lambda: maxpool_row(torch, dz),
        lambda: digits_row(torch),
        lambda: scalar_row(torch, micrograd),
        lambda: chain_row(torch, micrograd, dz),
    ]


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def load_references(torch: Any) -> None:
    """Run what PyTorch imports on first use (an optimiser step imports torch._dynamo, torch.fx and SymPy) before
    the references' objects are frozen, so that these imports do not land in the middle of our rows."""
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Flatten(),
                                torch.nn.Linear(2, 2))
    for opt in (torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9), torch.optim.Adam(model.parameters())):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(torch.zeros(1, 1, 4, 4)), torch.zeros(1, dtype=torch.long)).backward()
        opt.step()


def table(rounds: int, only: Optional[str], clock: str) -> None:
    import torch

    try:
        from micrograd import engine as micrograd
    except ImportError:
        micrograd = None
    dz = dezero_rows.import_dezero()
    # The references' objects (PyTorch alone brings ~145,000 at import, and its first optimiser step imports
    # torch._dynamo, torch.fx and SymPy: ~118,000 more) leave the cyclic collector before tinygrad_edu is
    # imported: a user's process does not hold them, yet every full collection while our rows build their graphs
    # would walk them. tinygrad_edu's own stay walked, as in a user's process.
    load_references(torch)
    gc.collect()
    gc.freeze()
    from tinygrad_edu.allocator import keep_freed_memory

    kept = "--default-malloc" not in sys.argv and keep_freed_memory()

    torch.set_num_threads(THREADS)
    import os

    print(f"### {THREADS} thread(s): {cpu_model()}, {os.cpu_count()} cores; NumPy {np.__version__} "
          f"(OpenBLAS threads {numpy_blas_threads()}), PyTorch {torch.__version__} (threads "
          f"{torch.get_num_threads()}), Python {platform.python_version()}")
    print(f"{clock} clock, median of {rounds} interleaved rounds; freed memory kept by malloc: {'yes' if kept else 'no'}; "
          f"load average at start {load_average()}")
    print()
    print("| benchmark | unit | ours | PyTorch | ours/PyTorch | micrograd | ours/micrograd | DeZero | ours/DeZero "
          "| target |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    scale = {"ms": 1e3, "µs/node": 1e6, "µs/op": 1e6}
    for make in rows(torch, micrograd, dz):
        row = make()
        if only and only not in row.name:
            continue
        times = interleaved([row.ours, row.torch, row.micrograd, row.dezero], rounds, row.number, CLOCKS[clock])
        per = [[t / d * scale[row.unit] for t in ts] for ts, d in zip(times, row.per)]
        cells = [f"{statistics.median(per[0]):.2f}"]
        for theirs in per[1:]:  # each reference: its median and the median over rounds of ours/theirs
            if theirs:
                ratio = statistics.median(a / b for a, b in zip(per[0], theirs))
                cells += [f"{statistics.median(theirs):.2f}", f"{ratio:.2f}×"]
            else:
                cells += ["—", "—"]
        print(f"| {row.name} | {row.unit} | " + " | ".join(cells) + f" | {row.target} |", flush=True)
    print()
    print(f"load average at end {load_average()}")


def main() -> None:
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 7
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
    if "--threads" in sys.argv:
        table(rounds, only, sys.argv[sys.argv.index("--clock") + 1] if "--clock" in sys.argv else "wall")
        return
    for threads, clock in ((1, "cpu"), (2, "wall"), (2, "cpu")):
        subprocess.run([sys.executable, __file__, *sys.argv[1:], "--threads", str(threads), "--clock", clock],
                       check=True)
        print()


if __name__ == "__main__":
    main()
