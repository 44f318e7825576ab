"""Issue 16: the library pins no threads and starts none. Its speed comes from NumPy's BLAS with the thread count
the user (or OMP_NUM_THREADS) chose; a library that set thread variables or started a pool would oversubscribe
the cores under a user's own multiprocessing. Checked in a child process, where the baseline is clean."""
import json
import subprocess
import sys
import textwrap

CHILD = textwrap.dedent("""
    import json, os, threading
    import numpy as np

    def tasks():
        return len(os.listdir("/proc/self/task")) if os.path.isdir("/proc/self/task") else threading.active_count()

    a = np.ones((256, 256), np.float32)
    a @ a  # BLAS starts its own threads here, before the library is imported
    before = {"env": {k: v for k, v in os.environ.items() if k.endswith("_NUM_THREADS") or k.startswith("OMP_")},
              "tasks": tasks(), "python_threads": threading.active_count()}
    import tinygrad_edu as tg
    from tinygrad_edu import nn
    from tinygrad_edu.nn.models import LeNet5
    from tinygrad_edu.utils.data import DataLoader, TensorDataset

    tg.manual_seed(0)
    model = LeNet5()
    opt = tg.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x, y = tg.randn(8, 1, 32, 32), tg.randint(0, 10, (8,))
    for xb, yb in DataLoader(TensorDataset(x, y), batch_size=4, shuffle=True):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
    after = {"env": {k: v for k, v in os.environ.items() if k.endswith("_NUM_THREADS") or k.startswith("OMP_")},
             "tasks": tasks(), "python_threads": threading.active_count()}
    print(json.dumps({"before": before, "after": after}))
""")


def test_training_starts_no_threads_and_sets_no_thread_variables():
    result = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    before, after = seen["before"], seen["after"]
    assert after["env"] == before["env"], "the library changed a thread-count variable"
    assert after["python_threads"] == before["python_threads"], "the library left a Python thread running"
    assert after["tasks"] == before["tasks"], f"OS threads {before['tasks']} → {after['tasks']}: a pool was started"
