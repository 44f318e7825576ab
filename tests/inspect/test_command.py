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


def zoo_steps(model):
    from tinygrad_edu.demos import zoo_loss
    from tinygrad_edu.inspect import steps

    loss, net = zoo_loss(model)
    return steps(loss, names=net)


def test_without_a_terminal_it_prints_every_step(capsys):
    recorded = zoo_steps("mlp")
    n = len(recorded)
    assert main(["step", "--model", "mlp"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"backward pass of loss: {n} steps\n\nstep 1: {recorded[0].op}")
    assert out.count("\nstep ") == n and f"step {n}: {recorded[n - 1].op}" in out and f"step {n + 1}:" not in out
    assert "rule: u = x Wᵀ + b: δ_x = δ W" in out and "rule: δ_u = softmax(u) − y" in out
    assert "(one composition of 3 ops: Add, MatMul, Permute)" in out


def test_break_on_keeps_only_those_steps(capsys):
    recorded = zoo_steps("lenet5")
    convs = [f"step {s.index + 1}" for s in recorded if s.op == "conv2d"]
    assert main(["step", "--model", "lenet5", "--break-on", "conv2d"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"backward pass of loss: {len(recorded)} steps, 3 at breakpoints (break on op=conv2d)")
    assert [line.split(":")[0] for line in out.splitlines() if line.startswith("step ")] == convs
    assert "conv2d in module c3" in out and "→ c3.weight: 16×6×5×5" in out


def test_an_op_the_pass_does_not_have_is_a_usage_error(capsys):
    assert main(["step", "--model", "mlp", "--break-on", "Conv2d"]) == 2
    err = capsys.readouterr().err
    assert "tinygrad-edu step: Steps.break_on: no step has op 'Conv2d'" in err and "'linear'" in err


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
    assert f"wrote {out} ({len(zoo_steps('mlp'))} steps)" in capsys.readouterr().out
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and 'id="stepper-data"' in text


def test_a_script_that_raises_shows_its_own_traceback(tmp_path, capsys):
    script = tmp_path / "broken.py"
    script.write_text(textwrap.dedent("""
        import tinygrad_edu as tg

        def forward(x):
            return x.reshape(3, 3)

        x = tg.Tensor([1.0, 2.0], requires_grad=True)
        loss = forward(x).sum()
    """))
    assert main(["step", "--script", str(script), "--tensor", "loss"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):\n") and "usage:" not in err
    assert f'File "{script}", line 8, in <module>' in err and f'File "{script}", line 5, in forward' in err
    assert "script.py" not in err and "runpy" not in err and "exec(code" not in err
    assert "Error" in err.splitlines()[-1] and "reshape" in err


def test_a_script_that_runs_too_long_stops_at_the_timeout(tmp_path, capsys):
    script = tmp_path / "forever.py"
    script.write_text("import time\nwhile True:\n    time.sleep(0.01)\n")
    assert main(["step", "--script", str(script), "--tensor", "loss", "--timeout", "0.3"]) == 1
    err = capsys.readouterr().err
    assert "did not finish within 0.3 s (it was at line 3: time.sleep(0.01))" in err and "--timeout SECONDS" in err
    assert main(["step", "--script", str(script), "--tensor", "loss", "--timeout", "0"]) == 2


def test_step_script_names_tensors_by_the_scripts_variables(tmp_path, capsys):
    script = tmp_path / "names.py"
    script.write_text("import tinygrad_edu as tg\nx = tg.Tensor([1.0, 2.0], requires_grad=True)\n"
                      "w = tg.Tensor([3.0, 4.0], requires_grad=True)\nloss = (x * w).sum()\n")
    assert main(["step", "--script", str(script), "--tensor", "loss"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("backward pass of loss: 2 steps") and "→ x: 2" in out and "→ w: 2" in out
