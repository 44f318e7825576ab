"""`tinygrad-edu verify`: exit codes, formats, output files, and the wrong-formula example."""
import argparse
from pathlib import Path

from tinygrad_edu.cli import main
from tinygrad_edu.symbolic.command import add_parser, run

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "wrong_formula.py"


def parse(argv):
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["verify", *argv])


def test_one_lecture_id_passes_with_exit_code_0(capsys):
    assert run(parse(["--only", "F39"])) == 0
    out = capsys.readouterr().out
    assert "F39" in out and "PASS" in out


def test_wired_into_the_main_cli(capsys):
    assert main(["verify", "--only", "F41", "--format", "json"]) == 0
    assert '"passed": true' in capsys.readouterr().out


def test_markdown_report_is_written_to_a_file(tmp_path, capsys):
    target = tmp_path / "report.md"
    assert run(parse(["--only", "pooling", "--format", "markdown", "-o", str(target)])) == 0
    assert target.read_text(encoding="utf-8").startswith("# Lecture formulas, checked")
    assert "report written to" in capsys.readouterr().out


def test_the_wrong_formula_example_fails_and_shows_where(capsys):
    assert run(parse([str(EXAMPLE)])) == 1
    out = capsys.readouterr().out
    assert "no kernel flip" in out and "element (1, 1, 1, 1) [index 0, 0, 0, 0]" in out
    assert "counterexample at delta_1111 = " in out
    assert "autograd − formula = delta_1111*(w_1111 - w_1122)" in out
    assert "(exp(2*u_1) + exp(u_1) + 1)" in out


def test_unknown_id_is_a_usage_error(capsys):
    assert run(parse(["--only", "F999"])) == 2
    assert "no derivation, claim or lecture ID" in capsys.readouterr().err


def test_the_shipped_set_passes_and_accounts_for_every_lecture_id(capsys):
    """What a student runs first: every claim holds, F1–F64 each verified or not checkable with a reason."""
    assert main(["verify"]) == 0
    out = capsys.readouterr().out
    assert "0 failed or missing" in out and out.rstrip().endswith("PASS")
    statuses = [line.split()[1] for line in out.splitlines() if line.startswith("  F")]
    assert len(statuses) == 64 and set(statuses) <= {"verified", "not"}


def test_the_write_your_own_check_example_runs_and_is_short(capsys):
    import runpy

    path = EXAMPLE.parent / "own_claim.py"
    runpy.run_path(str(path), run_name="__main__")
    assert "verdict: holds, proved exactly" in capsys.readouterr().out
    code = path.read_text(encoding="utf-8")
    body = code[code.index('"""', 3) + 3:].strip().splitlines()  # everything after the module docstring
    assert len([line for line in body if line.strip()]) <= 10
