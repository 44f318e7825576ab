"""Any tensor or module name is safe in a label: quotes, braces, <>, &, backslashes, newlines, δ, 畳み込み
give valid DOT and valid SVG, and the SVG shows the name as written."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.nn import Linear, Module
from tinygrad_edu.viz import draw, labels

from .svgtools import all_text, counts, groups, texts, to_svg
from tinygrad_edu.viz import rendering

HOSTILE = ['say "hi"', "{brace}", "<b>bold</b>", "a & b", "two\nlines", "δ", "畳み込み", "back\\slash", "ends\\",
           "\\N", "<>", "x]; y [", "tab\there", "nul\x00char"]


class Wrapper(Module):
    """A model whose child module has a hostile name (set with setattr, as any attribute could be)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.child_name = name
        setattr(self, name, Linear(2, 2))

    def forward(self, x):
        return getattr(self, self.child_name)(x)


def shown(name: str) -> list[str]:
    """How the name reads in the SVG: one text line per line of the name, control characters replaced."""
    return name.replace("\t", " ").replace("\x00", "\ufffd").split("\n")


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_tensor_and_module_names_render_to_valid_svg(name, renderer):
    model = Wrapper(name)
    x = tg.Tensor(np.ones((1, 2), dtype=np.float32), name=name)
    y = model(x).sum()
    y.name = name
    view = draw(y, names={name + " weight": model.parameters().__next__()}, values=True, grads=True)
    svg = to_svg(view)  # parses as XML
    assert counts(svg)["cluster"] == 2
    text = all_text(svg)
    for line in shown(name):
        assert line in text
    cluster_labels = [" ".join(texts(g)) for g in groups(svg, "cluster")]
    assert any(" ".join(shown(f"{name}: Linear")) in label for label in cluster_labels)
    folded = to_svg(draw(y, collapse=[name]))
    assert " ".join(shown(f"{name}: Linear")) in " ".join(all_text(folded).split("\n"))


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_in_the_expanded_view(name, any_renderer):
    a = tg.Tensor([1.0, 2.0], requires_grad=True, name=name)
    svg = to_svg(draw((a * a).sum(), expand=True, values=True))
    assert counts(svg)["edge"] == 4
    assert shown(name)[0] in all_text(svg)


@pytest.mark.parametrize("name", HOSTILE)
def test_dot_reads_back_what_we_wrote(name, any_renderer):
    """dot's canonical output of our source parses again: the DOT itself is valid, not just tolerated."""
    a = tg.Tensor([1.0], requires_grad=True, name=name)
    canon = rendering.pipe(draw(a * 2), "canon").decode("utf-8")
    assert rendering.pipe(canon, "svg").startswith(b"<?xml")


def test_escaping_helpers():
    assert labels.html('<a href="x">&</a>\\N\nz') == "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;\\\\N<BR/>z"
    assert labels.plain("a\\b\nc") == "a\\\\b\\nc"
    assert labels.plain("<html-looking>").__class__.__name__ == "NoHtml"
    assert labels.subscripted("x", (1, 2)) == "x₁₂" and labels.subscripted("W", (1, 10)) == "W₁‚₁₀"
    assert labels.pretty_symbols("J_01*x_23 + b") == "J₀₁*x₂₃ + b"
    assert labels.number(0.000123456) == "0.000123" and labels.number(np.int64(7)) == "7"
    assert labels.summary(np.array([3.0, 4.0])) == "‖·‖ 5  min 3  max 4"


@pytest.mark.parametrize("name", ["n" * 20000, "é" * 9000, '"' * 17000, "<&>" * 6000])
def test_a_name_longer_than_dots_limit_is_cut_with_an_ellipsis(name, renderer):
    """dot refuses any quoted or HTML string over 16384 bytes; every label stays under it and ends in …"""
    model = Wrapper(name[:300])
    x = tg.Tensor(np.ones((1, 2), dtype=np.float32), requires_grad=True, name=name)
    y = model(x).sum()
    for view in (draw(y, values=True, grads=True), draw(y, collapse=True), draw((x * x).sum(), expand=True)):
        text = all_text(to_svg(view))
        assert "…" in text and name[:50] in text.replace("\n", "")


def test_a_rule_or_label_row_over_the_limit_gives_way():
    rows = [labels.html("n" * 20000), labels.html("short")] + [labels.heat_map(np.ones((16, 16)))] * 3
    label = labels.html_table(rows, bold_first=True)
    assert len(label.encode("utf-8")) < labels.DOT_LIMIT and "short" in label and "<TABLE BORDER=\"1\"" not in label
    assert labels.html("ab" * 10, limit=8) == "ababa…" and labels.plain("x" * 3000).endswith("…")


@pytest.mark.parametrize("name", ["lone\ud800surrogate", "\udfff", "pair\ud83d\ude00split"])
def test_lone_surrogates_are_replaced(name, renderer):
    model = Wrapper(name)
    x = tg.Tensor(np.ones((1, 2), dtype=np.float32), requires_grad=True, name=name)
    y = model(x).sum()
    text = all_text(to_svg(draw(y, names={name: next(model.parameters())})))
    assert name.replace("\ud800", "\ufffd").replace("\udfff", "\ufffd").replace("\ud83d", "\ufffd") \
        .replace("\ude00", "\ufffd").split("\ufffd")[0] in text and "\ufffd" in text
    assert "\ufffd" in all_text(to_svg(draw((x * x).sum(), expand=True)))
