"""`tinygrad-edu graph`, called through its own parser and run function (cli.py only registers it)."""
import argparse
import xml.etree.ElementTree as ET

import pytest

from tinygrad_edu.viz.command import MODELS, add_parser

from .svgtools import all_text, counts, element_nodes


def graph(*argv):
    parser = argparse.ArgumentParser(prog="tinygrad-edu")
    add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["graph", *argv])
    return args.run(args)


@pytest.mark.parametrize("model", MODELS)
def test_every_zoo_model_draws_with_gradients(model, tmp_path, any_renderer, capsys):
    out = tmp_path / f"{model}.svg"
    assert graph("--model", model, "--grads", "-o", str(out)) == 0
    svg = ET.fromstring(out.read_bytes())
    assert counts(svg)["node"] > 5
    assert str(out) in capsys.readouterr().out


def test_the_lecture_conv_example(tmp_path, any_renderer):
    out = tmp_path / "conv.svg"
    assert graph("--expand-conv-example", "-o", str(out)) == 0
    svg = ET.fromstring(out.read_bytes())
    assert len(element_nodes(svg)) == 20 and counts(svg)["edge"] == 16
    assert "u_IJ = Σ_αβ J_αβ · x_(2I+α, 2J+β)" in all_text(svg), "the lecture's formula under the figure"


def test_a_tensor_from_a_script(tmp_path, any_renderer):
    script = tmp_path / "mine.py"
    script.write_text("import tinygrad_edu as tg\n"
                      "w = tg.Tensor([1.0, 2.0], requires_grad=True, name='w')\n"
                      "loss = (w * w).sum()\n", encoding="utf-8")
    out = tmp_path / "mine.png"
    assert graph("--script", str(script), "--tensor", "loss", "-o", str(out)) == 0
    assert out.read_bytes().startswith(b"\x89PNG")
    scalar = tmp_path / "mine-scalar.svg"
    assert graph("--script", str(script), "--tensor", "loss", "--level", "scalar", "-o", str(scalar)) == 0
    assert counts(ET.fromstring(scalar.read_bytes()))["edge"] == 4


def test_usage_errors_say_what_is_wrong(tmp_path, capsys):
    script = tmp_path / "mine.py"
    script.write_text("import tinygrad_edu as tg\nx = tg.Tensor([1.0])\n", encoding="utf-8")
    assert graph("--script", str(script), "--tensor", "loss") == 2
    assert "no global tensor 'loss'; its tensors are ['x']" in capsys.readouterr().err
    assert graph("--script", str(script)) == 2
    assert "--tensor NAME" in capsys.readouterr().err
    assert graph("--model", "lenet5", "--level", "scalar", "--max-elements", "8", "-o", str(tmp_path / "x.svg")) == 2
    err = capsys.readouterr().err
    assert "more than --max-elements 8" in err and "max_elements" not in err


def test_collapse_and_formats(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert graph("--model", "mlp", "--collapse", "all", "--format", "dot") == 0
    source = (tmp_path / "mlp.dot").read_text(encoding="utf-8")
    assert "box3d" in source and "cluster_" in source
    assert graph("--model", "mlp", "--collapse", "0,2", "-o", "two.dot") == 0
    assert (tmp_path / "two.dot").read_text(encoding="utf-8").count("box3d") == 2


def test_a_script_that_raises_shows_its_traceback_and_exits_1(tmp_path, capsys):
    script = tmp_path / "bad.py"
    script.write_text("import tinygrad_edu as tg\nx = tg.Tensor([1.0], requires_grad=True)\n"
                      "loss = x.sum()\nraise KeyError('my own bug')\n", encoding="utf-8")
    assert graph("--script", str(script), "--tensor", "loss", "-o", str(tmp_path / "x.svg")) == 1
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):\n")
    assert f'File "{script}", line 4, in <module>' in err and err.rstrip().endswith("KeyError: 'my own bug'")
    assert "script.py" not in err and not (tmp_path / "x.svg").exists()
    syntax = tmp_path / "syntax.py"
    syntax.write_text("x = (\n", encoding="utf-8")
    assert graph("--script", str(syntax), "--tensor", "x") == 1
    assert "SyntaxError" in capsys.readouterr().err


def test_a_script_can_exit_zero_and_sees_itself_as_main(tmp_path, capsys, any_renderer):
    script = tmp_path / "main.py"
    (tmp_path / "helper.py").write_text("SCALE = 3.0\n", encoding="utf-8")
    script.write_text("import sys\nimport tinygrad_edu as tg\nfrom helper import SCALE\n"
                      "assert __name__ == '__main__' and sys.argv == [__file__]\n"
                      "w = tg.Tensor([1.0], requires_grad=True)\nloss = (w * SCALE).sum()\nsys.exit(0)\n",
                      encoding="utf-8")
    assert graph("--script", str(script), "--tensor", "loss", "-o", str(tmp_path / "m.svg")) == 0
    assert (tmp_path / "m.svg").exists()


def test_script_timeout(tmp_path, capsys):
    script = tmp_path / "slow.py"
    script.write_text("import time\ntime.sleep(30)\n", encoding="utf-8")
    assert graph("--script", str(script), "--tensor", "loss", "--timeout", "0.2") == 1
    assert "slow.py did not finish within 0.2 s (it was at line 2: time.sleep(30))" in capsys.readouterr().err


def test_a_graph_too_big_to_lay_out_is_refused_with_its_size(tmp_path, capsys, any_renderer):
    script = tmp_path / "chain.py"
    script.write_text("import tinygrad_edu as tg\nx = tg.Tensor([1.0], requires_grad=True)\ny = x\n"
                      "for _ in range(1700):\n    y = y * 1.0001\nloss = y.sum()\n", encoding="utf-8")
    assert graph("--script", str(script), "--tensor", "loss", "-o", str(tmp_path / "c.svg")) == 1
    err = capsys.readouterr().err
    assert "the graph has 5103 nodes and 5102 edges" in err and "--format dot" in err and "Traceback" not in err
    assert (tmp_path / "c.gv").exists() and not (tmp_path / "c.svg").exists()


_DRIVER = """
import sys
from tinygrad_edu.cli import main
out = sys.argv[1]
runs = [["--model", "inception-block", "--collapse", "none", "--grads"], ["--model", "lenet5"],
        ["--model", "lenet5", "--collapse", "none", "--values"], ["--model", "resnet-block", "--collapse", "all"],
        ["--expand-conv-example"]]
for k, argv in enumerate(runs):
    assert main(["graph", *argv, "--format", "dot", "-o", f"{out}/g{k}.dot"]) == 0
"""


def test_graph_output_is_byte_identical_across_hash_seeds(tmp_path):
    """Cluster order follows the graph (first appearance), never set or hash order: two processes with different
    PYTHONHASHSEED write the same DOT bytes (they differed before: clusters were nested in set order)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    written = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        out.mkdir()
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(root))
        subprocess.run([sys.executable, "-c", _DRIVER, str(out)], env=env, check=True, timeout=120, cwd=tmp_path,
                       capture_output=True)
        written.append([p.read_bytes() for p in sorted(out.glob("*.dot"))])
    assert len(written[0]) == 5 and written[0] == written[1]
    assert written[0][0].count(b"subgraph cluster_") > 5


def test_a_scripts_variables_name_its_tensors(tmp_path, any_renderer):
    """Issue 14: `x` and `w` were both "input" and `loss` "output"; the scalar view called w "x2"."""
    from .svgtools import all_text

    script = tmp_path / "names.py"
    script.write_text("import tinygrad_edu as tg\n"
                      "x = tg.Tensor([1.0, 2.0], requires_grad=True)\n"
                      "w = tg.Tensor([3.0, 4.0], requires_grad=True)\n"
                      "u = x * w\n"
                      "loss = u.sum()\n", encoding="utf-8")
    out = tmp_path / "names.svg"
    assert graph("--script", str(script), "--tensor", "loss", "-o", str(out)) == 0
    lines = all_text(ET.fromstring(out.read_bytes())).split("\n")
    assert {"x", "w", "u", "loss"} <= set(lines) and not {"input", "output"} & set(lines)
    scalar = tmp_path / "scalar.svg"
    assert graph("--script", str(script), "--tensor", "loss", "--level", "scalar", "-o", str(scalar)) == 0
    text = all_text(ET.fromstring(scalar.read_bytes()))
    assert "w₀" in text and "x₀" in text and "x2" not in text and "u₁" in text


@pytest.mark.parametrize("limit", [(), ("--max-elements", "8")])
def test_scalar_level_on_a_zoo_model_gives_advice_the_cli_can_follow(limit, tmp_path, capsys):
    """Issue 14: `--level scalar` refused every zoo model and advised `max_elements`, a Python argument. Now it
    draws a slice it names (every zoo model: tests/viz/test_scalar_slice.py); below the smallest slice it refuses,
    and every option its words name must parse here."""
    code = graph("--model", "lenet5", "--level", "scalar", *limit, "-o", str(tmp_path / "x.dot"))
    out, err = capsys.readouterr()
    said = err if limit else out
    assert code == (2 if limit else 0)
    assert ("more than --max-elements 8" in said) if limit else ("slice: " in said and "chosen automatically" in said)
    import re

    parser = argparse.ArgumentParser(prog="tinygrad-edu")
    known = {opt for action in add_parser(parser.add_subparsers(dest="command"))._actions
             for opt in action.option_strings}
    advised = set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", said))
    assert advised and advised <= known, advised - known
