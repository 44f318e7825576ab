"""examples/draw_graphs.py writes the two pictures issue 5 asks for: LeNet-5's graph and the lecture's conv."""
import runpy
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from tinygrad_edu.viz import styles

from .svgtools import counts, element_nodes, groups, texts

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "draw_graphs.py"
LAYERS = {"c1: Conv2d", "act1: ReLU", "s2: MaxPool2d", "c3: Conv2d", "act3: ReLU", "s4: MaxPool2d", "c5: Conv2d",
          "act5: ReLU", "flatten: Flatten", "f6: Linear", "act6: ReLU", "output: Linear"}


def test_the_example_draws_lenet5_and_the_coupling_picture(tmp_path, monkeypatch, any_renderer, capsys):
    monkeypatch.setattr(sys, "argv", [str(EXAMPLE), str(tmp_path)])
    runpy.run_path(str(EXAMPLE), run_name="__main__")
    assert capsys.readouterr().out.count(f"drawn by {any_renderer.name}") == 3
    lenet = ET.fromstring((tmp_path / "lenet5.svg").read_bytes())
    assert {texts(g)[0] for g in groups(lenet, "cluster")} == LAYERS | {"LeNet5"}
    red = f'stroke="{styles.HIGHLIGHT_EDGE["color"]}"'
    assert (tmp_path / "lenet5.svg").read_text(encoding="utf-8").count(red) > 10, "C1's kernel → loss path is red"
    layers = ET.fromstring((tmp_path / "lenet5-layers.svg").read_bytes())
    assert counts(layers)["cluster"] == 1 and counts(layers)["node"] < counts(lenet)["node"]
    coupling = ET.fromstring((tmp_path / "conv-coupling.svg").read_bytes())
    assert len(element_nodes(coupling)) == 20 and counts(coupling)["edge"] == 16
