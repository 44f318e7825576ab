"""CNN benchmarks for the CNN-ops issue, as ratios against PyTorch CPU measured in the same run.

1. LeNet-5 training step (batch 64, 1×28×28, cross-entropy, SGD with momentum), ours vs PyTorch.
2. One conv2d forward+backward (N=32, C=16→32, 32×32, 3×3, padding 1): ms, and achieved GFLOP/s against
   NumPy's own matmul GFLOP/s on the GEMMs the conv runs: per batch item 32×144 by 144×(32·34) (the wide
   column layout), float32.
3. Peak memory of the LeNet-5 step (peak RSS growth over the set-up, each library in its own process).

Run: python benchmarks/bench_cnn.py [--threads N]   (default 1 thread for both libraries)
     python benchmarks/bench_cnn.py --profile        where a LeNet-5 step's time goes: each op's forward (arrays
                                                     in, array out; a backward's work is the forwards of the ops
                                                     it applies) by op and input shape, and the rest (the engine,
                                                     the optimizer, Python around them), against PyTorch's step
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _threads import pin_threads  # noqa: E402

THREADS = pin_threads()

import numpy as np  # noqa: E402

from bench_engine import best_of  # noqa: E402

N, C_IN, C_OUT, SIZE, K = 32, 16, 32, 32, 3


def lenet_step_ours(x: np.ndarray, y: np.ndarray, state: dict):
    import tinygrad_edu as tg
    import tinygrad_edu.functional as F
    from tinygrad_edu.nn.models import LeNet5

    model = LeNet5(input_size=28)
    model.load_state_dict(state)
    opt = tg.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    xt = tg.Tensor(x)

    def step() -> None:
        loss = F.cross_entropy(model(xt), y)
        opt.zero_grad()
        loss.backward()
        opt.step()

    return step


def lenet_step_torch(torch, x: np.ndarray, y: np.ndarray, state: dict):
    nn = torch.nn
    model = nn.Module()
    model.c1, model.act1, model.s2 = nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2)
    model.c3, model.act3, model.s4 = nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2)
    model.c5, model.act5, model.flatten = nn.Conv2d(16, 120, 5), nn.ReLU(), nn.Flatten()
    model.f6, model.act6, model.output = nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10)
    model.load_state_dict({k: torch.tensor(v) for k, v in state.items()})

    def forward(t):
        t = model.s2(model.act1(model.c1(t)))
        t = model.s4(model.act3(model.c3(t)))
        t = model.flatten(model.act5(model.c5(t)))
        return model.output(model.act6(model.f6(t)))

    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    xt, yt = torch.tensor(x), torch.tensor(y)

    def step() -> None:
        loss = torch.nn.functional.cross_entropy(forward(xt), yt)
        opt.zero_grad()
        loss.backward()
        opt.step()

    return step


def lenet_inputs():
    from tinygrad_edu.nn.models import LeNet5
    import tinygrad_edu as tg

    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 1, 28, 28)).astype(np.float32)
    y = rng.integers(0, 10, 64)
    tg.manual_seed(0)
    return x, y, LeNet5(input_size=28).state_dict()


def conv_ours(x: np.ndarray, w: np.ndarray):
    import tinygrad_edu as tg
    import tinygrad_edu.functional as F

    xt, wt = tg.Tensor(x, requires_grad=True), tg.Tensor(w, requires_grad=True)
    g = tg.Tensor(np.ones((N, C_OUT, SIZE, SIZE), np.float32))

    def step() -> None:
        xt.grad = wt.grad = None
        F.conv2d(xt, wt, padding=1).backward(g)

    return step


def conv_torch(torch, x: np.ndarray, w: np.ndarray):
    xt, wt = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    g = torch.ones((N, C_OUT, SIZE, SIZE))

    def step() -> None:
        xt.grad = wt.grad = None
        torch.nn.functional.conv2d(xt, wt, padding=1).backward(g)

    return step


def gemm_gflops() -> float:
    """NumPy's matmul on the GEMMs of the conv's forward, one per batch item: C_out×(C·k²) by (C·k²)×(H·(W+2)),
    float32 (the flops counted are the H·W output columns')."""
    rng = np.random.default_rng(0)
    w = rng.standard_normal((C_OUT, C_IN * K * K)).astype(np.float32)
    cols = rng.standard_normal((N, C_IN * K * K, SIZE * (SIZE + 2))).astype(np.float32)
    seconds = best_of(lambda: np.matmul(w, cols), repeat=9, number=10)
    return 2 * N * SIZE * SIZE * C_IN * K * K * C_OUT / seconds / 1e9


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"/proc/self/status has no {field}")


def memory_child(which: str) -> None:
    """Peak RSS of 5 LeNet-5 steps above the RSS after imports and set-up, in a fresh process. Linux keeps the
    peak (VmHWM) since the process began; writing 5 to /proc/self/clear_refs resets it to the current RSS, so
    the imports' own peak does not hide the steps'."""
    x, y, state = lenet_inputs()
    if which == "torch":
        import torch

        torch.set_num_threads(THREADS)
        step = lenet_step_torch(torch, x, y, state)
    else:
        step = lenet_step_ours(x, y, state)
    Path("/proc/self/clear_refs").write_text("5")
    before = _status_kib("VmRSS")
    for _ in range(5):
        step()
    print(json.dumps({"peak_kib": _status_kib("VmHWM") - before}))


def peak_memory(which: str) -> float:
    done = subprocess.run([sys.executable, __file__, "--memory-child", which, "--threads", str(THREADS)],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])["peak_kib"] / 1024


def main() -> None:
    try:
        import torch

        torch.set_num_threads(THREADS)
    except ImportError:
        torch = None
        print("(PyTorch not installed: pip install torch==2.13.0 for the ratios)")
    x, y, state = lenet_inputs()
    ours = best_of(lenet_step_ours(x, y, state), repeat=7, number=5)
    print(f"LeNet-5 training step, batch 64, 1×28×28, {THREADS} thread(s)")
    print(f"  tinygrad_edu {ours * 1e3:8.2f} ms")
    if torch:
        theirs = best_of(lenet_step_torch(torch, x, y, state), repeat=7, number=5)
        print(f"  PyTorch      {theirs * 1e3:8.2f} ms")
        print(f"  ratio ours/PyTorch = {ours / theirs:.2f}×   (target ≤ 1.5×)")

    rng = np.random.default_rng(1)
    cx = rng.standard_normal((N, C_IN, SIZE, SIZE)).astype(np.float32)
    cw = rng.standard_normal((C_OUT, C_IN, K, K)).astype(np.float32)
    flops = 3 * 2 * N * SIZE * SIZE * C_OUT * C_IN * K * K  # forward, input gradient, weight gradient
    ours = best_of(conv_ours(cx, cw), repeat=7, number=5)
    gemm = gemm_gflops()
    print(f"conv2d forward+backward N={N}, {C_IN}→{C_OUT}, {SIZE}×{SIZE}, {K}×{K}, pad 1")
    print(f"  tinygrad_edu {ours * 1e3:8.2f} ms = {flops / ours / 1e9:6.1f} GFLOP/s")
    if torch:
        theirs = best_of(conv_torch(torch, cx, cw), repeat=7, number=5)
        print(f"  PyTorch      {theirs * 1e3:8.2f} ms = {flops / theirs / 1e9:6.1f} GFLOP/s   ratio {ours / theirs:.2f}×")
    print(f"  NumPy matmul of the per-item GEMMs: {gemm:6.1f} GFLOP/s; ours reaches "
          f"{flops / ours / 1e9 / gemm:.0%} of it (target ≥ 60%)")

    mine = peak_memory("ours")
    print("peak memory of 5 LeNet-5 steps above the set-up (RSS high-water mark, own process each)")
    print(f"  tinygrad_edu {mine:7.1f} MiB")
    if torch:
        theirs_mem = peak_memory("torch")
        print(f"  PyTorch      {theirs_mem:7.1f} MiB   ratio {mine / max(theirs_mem, 0.1):.2f}×   (target ≤ 2×)")


def profile_lenet(rounds: int = 60) -> None:
    """CPU time of a LeNet-5 step split by op (each Function's forward, timed by wrapping it) and the rest."""
    import collections
    import time

    from tinygrad_edu.allocator import keep_freed_memory
    from tinygrad_edu.autograd import Function

    keep_freed_memory()
    spent: collections.Counter = collections.Counter()
    calls: collections.Counter = collections.Counter()

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    def timed(forward, name):
        def run(ctx, *arrays, **attrs):
            start = time.process_time()
            out = forward(ctx, *arrays, **attrs)
            key = f"{name}{tuple(arrays[0].shape)}" if name.startswith(("Conv", "MaxPool")) else name
            spent[key] += time.process_time() - start
            calls[key] += 1
            return out
        return run

    for cls in set(subclasses(Function)):
        forward = cls.__dict__.get("forward")
        if forward is not None and not isinstance(forward, staticmethod):
            setattr(cls, "forward", timed(forward, cls.__name__))
    x, y, state = lenet_inputs()
    step = lenet_step_ours(x, y, state)
    try:
        import torch

        torch.set_num_threads(THREADS)
        theirs = lenet_step_torch(torch, x, y, {k: np.asarray(v.data) for k, v in state.items()})
    except ImportError:
        theirs = None
    for _ in range(5):
        step()
    spent.clear()
    calls.clear()
    start = time.process_time()
    for _ in range(rounds):
        step()
    total = (time.process_time() - start) / rounds * 1e3
    print(f"LeNet-5 step, batch 64, {THREADS} thread(s), CPU time per step: ours {total:.2f} ms (ops timed)")
    if theirs is not None:
        for _ in range(5):
            theirs()
        start = time.process_time()
        for _ in range(rounds):
            theirs()
        print(f"  PyTorch's whole step {(time.process_time() - start) / rounds * 1e3:.2f} ms")
    ops = 0.0
    for key, seconds in spent.most_common():
        ms = seconds / rounds * 1e3
        ops += ms
        print(f"  {key:36s} {ms:6.3f} ms  ({calls[key] // rounds} per step)")
    print(f"  all op forwards {ops:.2f} ms; the rest (engine, optimizer, Python around them) {total - ops:.2f} ms")


if __name__ == "__main__":
    if "--profile" in sys.argv:
        profile_lenet()
    elif "--memory-child" in sys.argv:
        memory_child(sys.argv[sys.argv.index("--memory-child") + 1])
    else:
        main()
