"""SymPy is imported on first use (tinygrad_edu/lazy_sympy.py): numeric work never imports it, so its ~48,000
objects are not walked by every full GC collection while a graph lives, and `import tinygrad_edu` is 0.25 s
faster. Checked in a child process, where no other test has imported SymPy yet."""
import json
import subprocess
import sys
import textwrap

import numpy as np
import sympy

import tinygrad_edu as tg
from tinygrad_edu.lazy_sympy import is_sympy

CHILD = textwrap.dedent("""
    import json, sys
    import tinygrad_edu as tg
    from tinygrad_edu import nn
    from tinygrad_edu.demos import MODELS, zoo_loss
    after_import = "sympy" in sys.modules
    for name in MODELS:
        loss, _ = zoo_loss(name)
        loss.backward()
    a = tg.randn(6, requires_grad=True)
    b = tg.randn(6)
    y = (a.exp().log1p().sqrt().tanh().sigmoid().abs().clamp(0, 1).maximum(b).minimum(a) * 2 + a.erf()).sum()
    y = y + tg.where(a > 0, a, 1.0).sum() + a.max() + a.sort().values.sum() + tg.isclose(a, b).sum()
    y = y + tg.full((2,), 3.0).sum() + nn.functional.leaky_relu(a).sum() + nn.functional.gelu(a).sum()
    y.backward()
    print(json.dumps({"after_import": after_import, "after_work": "sympy" in sys.modules}))
""")


def test_numeric_work_never_imports_sympy():
    done = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"after_import": False, "after_work": False}


def test_symbolic_values_still_go_through_the_same_ops():
    u = sympy.Symbol("u", real=True)
    x = tg.Tensor(np.array([u, 2 * u], dtype=object), requires_grad=True)
    y = (x.exp() * x.tanh()).sum()
    y.backward()
    assert sympy.simplify(x.grad.data[0] - sympy.diff(sympy.exp(u) * sympy.tanh(u), u)) == 0
    assert tg.maximum(x, tg.Tensor(np.array([0, 0], dtype=object))).data[1] == sympy.Max(2 * u, 0)
    assert tg.full((2,), u).dtype == object and tg.Tensor(u).dtype == object


def test_is_sympy():
    assert is_sympy(sympy.Integer(1)) and is_sympy(sympy.Symbol("a"))
    assert not any(is_sympy(v) for v in (1, 1.0, np.float32(1), np.array(1.0), "x", None))
