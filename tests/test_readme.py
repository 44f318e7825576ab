"""The README's Python example runs as printed (the first ```python block), and its explained entry is the
gradient the backward pass computed."""
import re
from pathlib import Path

import numpy as np
import sympy

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_example_runs_and_explains_a_real_gradient_entry(capsys):
    block = re.search(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S).group(1)
    scope: dict = {}
    exec(compile(block, str(README), "exec"), scope)
    explained, c3 = scope["c3"].explain((0, 0, 3, 4)), scope["c3"]
    assert explained.rule.startswith("δ_s2.out[0, 0, 3, 4] = Σ_{o,p,q} c3.weight[o, 0, p, q]")
    assert np.isclose(explained.total, c3.grads_in[0][0, 0, 3, 4], rtol=1e-5)
    printed = sympy.sympify(capsys.readouterr().out.splitlines()[0])
    W, x, b = sympy.symbols("W_11:14"), sympy.symbols("x_1:4"), sympy.Symbol("b_1")
    u = sum(w * v for w, v in zip(W, x)) + b
    sigma = 1 / (1 + sympy.exp(-u))
    assert sympy.simplify(printed - sigma * (1 - sigma) * x[0]) == 0, "the printed W.grad entry is σ'(u₁)·x₁"
