"""The command line: --version and the demo, run as a user would."""
import subprocess
import sys

import tinygrad_edu
from tinygrad_edu.cli import main


def test_version(capsys):
    try:
        main(["--version"])
    except SystemExit as done:
        assert done.code == 0
    assert tinygrad_edu.__version__ in capsys.readouterr().out


def test_demo_verifies_the_formulas_and_trains_both_networks(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "verified exactly" in out
    mlp = [line for line in out.splitlines() if "accuracy" in line][-1]
    assert float(mlp.split("accuracy")[1].strip().rstrip("%")) >= 95.0
    conv = [line for line in out.splitlines() if "δ_r = ⟨δ_{r+1}" in line]
    assert conv and all(": holds on" in line for line in conv)
    cnn = [line for line in out.splitlines() if line.startswith("  epoch")][-1]
    assert float(cnn.split("held-out")[1].split("%")[0]) >= 90.0
    assert "tinygrad-edu step --model lenet5" in out


def test_module_entry_point_runs():
    done = subprocess.run([sys.executable, "-m", "tinygrad_edu.cli", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "demo" in done.stdout


def test_engine_tour_example_runs():
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "examples" / "engine_tour.py"
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "gradcheck σ(Wx): True" in done.stdout


# ---- `graph --level scalar` on a zoo model: a slice (issue 14) ------------------------------------------------------
def test_graph_scalar_level_draws_a_named_slice_of_a_zoo_model(tmp_path, capsys):
    out = tmp_path / "lenet5.dot"
    assert main(["graph", "--model", "lenet5", "--level", "scalar", "-o", str(out)]) == 0
    said = capsys.readouterr().out
    assert "slice: s2.out[0, 0, 0:2, 0:2] — batch 0, channel 0, rows 0–1, cols 0–1 of s2.out (2×6×14×14)" in said
    assert "chosen automatically" in said and "--slice" in said
    source = out.read_text(encoding="utf-8")
    assert "slice: batch 0, channel 0, rows 0–1, cols 0–1 of s2.out" in source and 'label="input[0,0,7,7]"' in source
    assert main(["graph", "--model", "lenet5", "--slice", "c1.out[0, 1, 2, 2:4]", "-o", str(out)]) == 0
    assert "slice: c1.out[0, 1, 2, 2:4] — batch 0, channel 1, row 2, cols 2–3" in capsys.readouterr().out


def test_graph_bad_slices_exit_2_and_say_why(tmp_path, capsys):
    out = str(tmp_path / "x.dot")
    assert main(["graph", "--model", "lenet5", "--slice", "s2.out[0, 0, 14]", "-o", out]) == 2
    err = capsys.readouterr().err
    assert "--slice 's2.out[0, 0, 14]'" in err and "2×6×14×14" in err and "0 ≤ i < 14" in err
    assert main(["graph", "--model", "lenet5", "--slice", "c3.out[0, 0]", "-o", out]) == 2
    err = capsys.readouterr().err
    assert "more than --max-elements 64" in err and "--slice NAME[i, j, a:b, …]" in err and "max_elements=" not in err
    assert main(["graph", "--model", "lenet5", "--level", "scalar", "--max-elements", "8", "-o", out]) == 2
    err = capsys.readouterr().err
    assert "no slice of this graph is small enough" in err and "more than --max-elements 8" in err
    assert "raise --max-elements / --max-nodes" in err and "max_elements=" not in err
    assert main(["graph", "--model", "lenet5", "--level", "tensor", "--slice", "c1.out[0]", "-o", out]) == 2
    assert "--slice draws elements, so it needs --level scalar" in capsys.readouterr().err


def test_graph_help_documents_slice(capsys):
    try:
        main(["graph", "--help"])
    except SystemExit as done:
        assert done.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "--slice SLICE" in text and "c1.out[0, 0, 0:4, 0:4]" in text and "--max-elements" in text
