"""`tinygrad-edu graph`, called through its own parser and run function (cli.py only registers it)."""
import argparse
import xml.etree.ElementTree as ET

import pytest

from tinygrad_edu.viz.command import MODELS, add_parser

from .svgtools import counts


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
    assert counts(ET.fromstring(out.read_bytes())) == {"node": 20, "edge": 16, "cluster": 2}


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
    assert graph("--model", "lenet5", "--level", "scalar", "-o", str(tmp_path / "x.svg")) == 2
    assert "max_elements" in capsys.readouterr().err


def test_collapse_and_formats(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert graph("--model", "mlp", "--collapse", "all", "--format", "dot") == 0
    source = (tmp_path / "mlp.dot").read_text(encoding="utf-8")
    assert "box3d" in source and "cluster_" in source
    assert graph("--model", "mlp", "--collapse", "0,2", "-o", "two.dot") == 0
    assert (tmp_path / "two.dot").read_text(encoding="utf-8").count("box3d") == 2
