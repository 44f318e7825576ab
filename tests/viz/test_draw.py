"""`viz.draw`'s choice of picture: level="scalar" and slice= give a library user (Jupyter) what
`tinygrad-edu graph --level scalar [--slice …]` draws, byte for byte, with the same refusals."""
import argparse
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.demos import zoo_loss
from tinygrad_edu.viz import draw
from tinygrad_edu.viz.command import add_parser
from tinygrad_edu.viz.scalar_view import TooManyElements
from tinygrad_edu.viz.slice_view import AutomaticSlice, SliceTooLarge
from tinygrad_edu.viz.slicing import SliceError


def cli_dot(tmp_path, *argv) -> str:
    parser = argparse.ArgumentParser(prog="tinygrad-edu")
    add_parser(parser.add_subparsers(dest="command"))
    out = tmp_path / "cli.dot"
    args = parser.parse_args(["graph", "--model", "lenet5", *argv, "-o", str(out)])
    assert args.run(args) == 0
    return out.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def lenet():
    return zoo_loss("lenet5")


def test_a_slice_drawn_by_draw_is_the_command_lines_dot(lenet, tmp_path, capsys):
    root, model = lenet
    text = "c1.out[0, 0, 1:3, 0:2]"
    view = draw(root, slice=text, values=True, grads=True, notation="lecture", names=model, variables={})
    assert view.source == cli_dot(tmp_path, "--slice", text, "--values", "--grads", "--notation", "lecture")
    assert view.selection.text == text and not view.chosen and view.too_large is None
    assert 'label="u₁[0,0,1,0]\\n' in view.source and "W₁[0,0,0,0] = " in view.source and "δ₁ " in view.source
    assert f"slice: {text} — " in capsys.readouterr().out
    plain = draw(root, level="scalar", slice=text, names=model, variables={})
    assert plain.source == cli_dot(tmp_path, "--level", "scalar", "--slice", text)
    assert "u₁[" not in plain.source and "δ" not in plain.source, "code notation, no gradients unless asked"


def test_level_scalar_on_a_big_graph_chooses_a_slice_says_which_and_why(lenet, tmp_path):
    root, model = lenet
    with pytest.warns(AutomaticSlice, match=r"tensor 'input' \(2×1×32×32\) has 2048 elements, more than "
                                            r"max_elements=64, so a slice was chosen automatically: "
                                            r"s2\.out\[0, 0, 0:2, 0:2\] — batch 0, channel 0.*slice='NAME") as said:
        view = draw(root, level="scalar", names=model, variables={})
    assert issubclass(said[0].category, UserWarning)
    assert view.chosen and view.selection.text == "s2.out[0, 0, 0:2, 0:2]"
    assert "chosen automatically" in view.caption and view.too_large.count == 2048
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the command line says it on stdout, not as a warning
        assert view.source == cli_dot(tmp_path, "--level", "scalar")


def test_level_scalar_on_a_small_graph_is_the_whole_expanded_view():
    x = tg.Tensor(np.arange(4.0).reshape(2, 2), requires_grad=True, name="x")
    y = (x * x).sum()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        view = draw(y, level="scalar")
    assert view.source == draw(y, expand=True).source and view.selection is None and not view.chosen
    big = tg.Tensor(np.zeros((9, 9)), requires_grad=True, name="big")
    with pytest.raises(TooManyElements):
        draw((big * 2).sum(), expand=True)  # expand=True keeps refusing: level="scalar" is the one that slices


@pytest.mark.parametrize("kwargs, error, message", [
    ({"level": "tensor", "slice": "c1.out[0]"}, ValueError, r"slice= draws elements, so it needs level='scalar'"),
    ({"level": "tensor", "expand": True}, ValueError, r"expand=True draws elements, so it needs level='scalar'"),
    ({"level": "pixels"}, ValueError, r"level must be 'tensor' or 'scalar', got 'pixels'"),
    ({"slice": 3}, TypeError, r"slice must be a string such as 'c1\.out\[0, 0, 0:4, 0:4\]', got int"),
    ({"slice": "c1.out[0, 9]"}, SliceError, r"--slice 'c1\.out\[0, 9\]': c1\.out has shape 2×6×28×28: index 9 is "
                                            r"out of range for axis 1 of size 6"),
    ({"slice": "c9.out[0]"}, SliceError, r"no tensor named 'c9\.out' in this graph; its tensors are input"),
    ({"slice": "c3.out[0, 0, 0, 0]"}, SliceTooLarge, r"of s2\.out \(2×6×14×14\), more than max_elements=64"),
    ({"slice": "c1.out[0, 0, 0, 0]", "max_nodes": 10}, SliceTooLarge, r"in all, more than max_nodes=10"),
    ({"slice": "c1.out[0, 0, 0, 0]", "weights": "nodes"}, ValueError, r"weights='nodes'.*a slice cannot"),
    ({"slice": "c1.out[0]", "notation": "tensorial"}, ValueError, r"notation must be one of"),
])
def test_draw_refuses_what_the_command_line_refuses(lenet, kwargs, error, message):
    root, model = lenet
    with pytest.raises(error, match=message):
        draw(root, names=model, variables={}, **kwargs)
    assert issubclass(SliceError, ValueError) and issubclass(SliceTooLarge, ValueError)


def test_draws_docstring_documents_the_slice():
    doc = draw.__doc__
    assert 'level="scalar"' in doc and 'slice="c1.out[0, 0, 0:4, 0:4]"' in doc and "AutomaticSlice" in doc
