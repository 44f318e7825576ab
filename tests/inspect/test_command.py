import argparse
import textwrap

import pytest

from tinygrad_edu.cli import main
from tinygrad_edu.inspect import command


def test_the_step_subcommand_registers_its_options():
    parser = argparse.ArgumentParser()
    sub = command.add_parser(parser.add_subparsers())
    args = sub.parse_args(["--model", "mlp", "--break-on", "Relu", "--break-on", "MatMul", "--html", "x.html"])
    assert (args.model, args.break_on, args.html, args.run) == ("mlp", ["Relu", "MatMul"], "x.html", command.run)
    with pytest.raises(SystemExit):
        sub.parse_args(["--model", "mlp", "--script", "a.py"])


def test_without_a_terminal_it_prints_every_step(capsys):
    assert main(["step", "--model", "mlp"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("backward pass of loss: 13 steps\n\nstep 0: Div")
    assert out.count("\nstep ") == 13 and "step 12: Permute" in out
    assert "rule: C = A·B: δ_A = δ·Bᵀ, δ_B = Aᵀ·δ" in out


def test_break_on_keeps_only_those_steps(capsys):
    assert main(["step", "--model", "lenet5", "--break-on", "Conv2d"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("backward pass of loss: 28 steps, 3 at breakpoints (break on op=Conv2d)")
    assert [line.split(":")[0] for line in out.splitlines() if line.startswith("step ")] == \
           ["step 14", "step 18", "step 22"]
    assert "Conv2d in module c3" in out and "→ c3.weight: 16×6×5×5" in out


def test_an_op_the_pass_does_not_have_is_a_usage_error(capsys):
    assert main(["step", "--model", "mlp", "--break-on", "Conv2d"]) == 2
    err = capsys.readouterr().err
    assert "tinygrad-edu step: Steps.break_on: no step has op 'Conv2d'" in err and "'MatMul'" in err


def test_a_script_tensor_is_stepped_through(tmp_path, capsys):
    script = tmp_path / "tiny.py"
    script.write_text(textwrap.dedent("""
        import tinygrad_edu as tg
        w = tg.Tensor([1.0, -2.0, 3.0], requires_grad=True, name="w")
        loss = (w * w).sum()
        loss.name = "loss"
    """))
    assert main(["step", "--script", str(script), "--tensor", "loss"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("backward pass of loss: 2 steps")
    assert "tiny.py:4  loss = (w * w).sum()" in out
    assert out.count("→ w: 3  ‖·‖=3.742  mean=0.6667  min=-2  max=3") == 2


@pytest.mark.parametrize("argv, message", [
    (["--script", "nowhere.py", "--tensor", "x"], "step --script: nowhere.py is not a file"),
    (["--tensor", "x"], "step --tensor goes with --script PATH"),
])
def test_script_usage_errors(argv, message, capsys):
    assert main(["step", *argv]) == 2
    assert message in capsys.readouterr().err


def test_a_script_without_that_tensor_lists_its_tensors(tmp_path, capsys):
    script = tmp_path / "two.py"
    script.write_text("import tinygrad_edu as tg\na = tg.Tensor([1.0], requires_grad=True)\nb = a * 2\n")
    assert main(["step", "--script", str(script), "--tensor", "loss"]) == 2
    assert "defines no global tensor 'loss'; its tensors are ['a', 'b']" in capsys.readouterr().err
    assert main(["step", "--script", str(script)]) == 2
    assert "step --script needs --tensor NAME" in capsys.readouterr().err


def test_a_non_scalar_tensor_is_refused_with_the_rule(tmp_path, capsys):
    script = tmp_path / "vec.py"
    script.write_text("import tinygrad_edu as tg\na = tg.Tensor([1.0, 2.0], requires_grad=True)\nb = a * 2\n")
    assert main(["step", "--script", str(script), "--tensor", "b"]) == 2
    assert "a gradient can be implied only for a scalar" in capsys.readouterr().err


def test_html_writes_one_page(tmp_path, capsys):
    out = tmp_path / "pages" / "mlp.html"
    assert main(["step", "--model", "mlp", "--html", str(out)]) == 0
    assert f"wrote {out} (13 steps)" in capsys.readouterr().out
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and 'id="stepper-data"' in text
