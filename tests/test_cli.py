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
