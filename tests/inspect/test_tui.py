import numpy as np
import pytest
from hypothesis import given, strategies as st

import tinygrad_edu as tg
import tinygrad_edu.functional as F
from tinygrad_edu.inspect import steps
from tinygrad_edu.inspect.tui import Stepper
from tests.inspect.models import cnn_loss, mlp_loss


def stepper(builder=mlp_loss):
    model, loss = builder()
    return Stepper(steps(loss, names=model))


def press(s, *keys):
    for key in keys:
        s.press(key)
    return s


@given(st.integers(40, 200), st.integers(10, 70))
def test_every_frame_fills_the_screen_exactly(width, height):
    s = stepper(cnn_loss)
    for index in (0, 5, len(s.steps) - 1):
        s.steps.goto(index)
        lines = s.frame(width, height)
        assert len(lines) == height
        assert all(sum(len(text) for text, _ in line) == width for line in lines)


def test_too_small_a_terminal_says_so():
    text = stepper().text(30, 8)
    assert "too small: need 40×10" in text


def test_the_frame_shows_position_rule_gradients_and_grids():
    s = stepper(cnn_loss)
    conv = next(step for step in s.steps if step.op == "conv2d")
    s.steps.goto(conv.index)
    text = s.text(160, 50)
    assert f"step {conv.index + 1} of {len(s.steps)}: conv2d" in text
    assert f"▶{conv.index + 1:>4} conv2d" in text.replace(" ", " ")
    assert "rule: u = W ⋆ z + b: δ_z = conv_transpose2d(δ, W)" in text
    assert f"δ arrives at {conv.output_name}   {conv.stats_out}" in text
    for name, stats in zip(conv.input_names, conv.stats_in):
        assert f"→ {name}   {stats}" in text
    assert any(glyph in text for glyph in "░▒▓█")
    assert "conv2d in SmallCNN › c2" in text or "conv2d in SmallCNN › c1" in text


def test_grid_glyphs_follow_the_gradient_values():
    s = stepper()
    s.steps.goto(0)
    text = s.text(120, 40)
    grid_row = [line for line in text.splitlines() if "██" in line]
    assert grid_row, text


def test_next_prev_and_the_ends_of_the_pass():
    s = stepper()
    last = len(s.steps) - 1
    assert s.steps.position == 0
    press(s, "n", "KEY_RIGHT", " ")
    assert s.steps.position == 3
    press(s, "p", "KEY_LEFT")
    assert s.steps.position == 1
    press(s, "KEY_END", "n")
    assert s.steps.position == last and s.message == f"at the last step ({last + 1}): the backward pass ends here"
    press(s, "KEY_HOME", "p")
    assert s.steps.position == 0 and "at the first step" in s.message


def test_goto_types_a_number_and_reports_bad_ones():
    s = press(stepper(), "g", "2", "2", "KEY_BACKSPACE", "\n")
    assert s.steps.position == 1 and s.typing is None
    assert "goto step: 5_" in press(s, "g", "5").text()
    press(s, "\n")
    assert s.steps.position == 4
    press(s, "g", "9", "9", "\n")
    assert s.steps.position == 4 and s.message == f"goto: there is no step 99; the steps are 1 to {len(s.steps)}"
    press(s, "g", "0", "\n")
    assert s.steps.position == 4 and "no step 0" in s.message
    press(s, "g", "3", "\x1b")
    assert s.steps.position == 4 and s.typing is None
    press(s, "g", "x")
    assert "goto: type digits then Enter" in s.message
    press(s, "\x1b", "g", "\n")
    assert s.message == "goto: no step number typed"


def test_breakpoints_toggle_and_continue_both_ways():
    s = stepper()
    press(s, "c")
    assert "no breakpoints" in s.message
    matmuls = [step.index for step in s.steps if step.op == "linear"]
    s.steps.goto(matmuls[0])
    press(s, "b")
    assert [str(p) for p in s.steps.breakpoints] == ["break on op=linear"]
    assert "break on op=linear" in s.text()
    press(s, "c")
    assert s.steps.position == matmuls[1]
    press(s, "KEY_END", "r")
    assert s.steps.position == [k for k in matmuls if k < len(s.steps) - 1][-1]
    press(s, "KEY_HOME", "r")
    assert s.message == "no earlier step hits a breakpoint"
    press(s, "KEY_END", "c")
    assert s.message == "no later step hits a breakpoint"
    s.steps.goto(matmuls[0])
    press(s, "b")
    assert s.steps.breakpoints == [] and s.message == "breakpoint on linear removed"


def test_first_nonfinite_jumps_to_the_poisoned_step():
    x = tg.Tensor(np.array([1.0, -1.0, 4.0]), requires_grad=True, name="x")
    with np.errstate(invalid="ignore"):
        loss = (x.sqrt() * 2.0).sum()
    s = Stepper(steps(loss))
    press(s, "f")
    bad = s.steps.first_nonfinite()
    assert bad is not None and s.steps.position == bad.index and bad.op == "Sqrt"
    assert "!!" in s.text(120, 40) and f"{bad.index + 1} Sqrt" in s.text(120, 40)
    assert s.message == f"first NaN/Inf: step {bad.index + 1} (Sqrt)"
    clean = stepper()
    press(clean, "f")
    assert clean.message == "no NaN or Inf anywhere in this backward pass"


def test_slice_keys_show_another_channel():
    s = stepper(cnn_loss)
    conv = next(step for step in s.steps if step.op == "conv2d")
    s.steps.goto(conv.index)
    assert "[0, 0, :, :] 1/" in s.text(160, 50)
    assert "[0, 1, :, :] 2/" in press(s, "]").text(160, 50)
    assert "[0, 0, :, :] 1/" in press(s, "[", "[").text(160, 50)


def test_unknown_keys_and_quit():
    s = press(stepper(), "z")
    assert s.message == "key 'z' does nothing here; the keys are listed below" and not s.done
    assert press(s, "q").done


def test_ascii_mode_draws_without_unicode_glyphs():
    text = Stepper(steps(mlp_loss()[1]), ascii_only=True).text(120, 40)
    assert not any(glyph in text for glyph in "▶●░▒▓█│›")
    assert "@@" in text


def test_a_pass_without_steps_is_refused():
    with pytest.raises(ValueError, match="no steps"):
        Stepper(steps(tg.Tensor(np.array(2.0), requires_grad=True)))


def test_grids_wrap_to_a_second_band_on_a_narrow_terminal():
    s = stepper(cnn_loss)
    conv = next(step for step in s.steps if step.op == "conv2d")
    s.steps.goto(conv.index)
    narrow = s.text(90, 70)
    for name in conv.input_names:
        assert narrow.count(f"→ {name}") == 2, narrow
    assert narrow.count("δ at ") == 1


def test_a_narrow_pane_wraps_the_statistics_instead_of_cutting_them():
    s = stepper(cnn_loss)
    conv = next(step for step in s.steps if step.op == "conv2d")
    s.steps.goto(conv.index)
    text = s.text(100, 50)
    shown = [g for g in (conv.stats_out, *conv.stats_in) if g is not None]
    assert text.count("zeros=") == len(shown), text
    for stats in shown:
        assert f"zeros={100 * stats.zero_fraction:.0f}%" in text
    assert text == s.text(100, 50) and all(len(line) <= 100 for line in text.splitlines())


@pytest.mark.parametrize("ascii_only", [False, True])
def test_at_80_by_24_the_header_and_footer_fit_and_steps_count_1_to_n(ascii_only):
    """The issue's 80×24 terminal: the header says "step k of N" with N the real count (not N − 1), the key line
    ends in "q quit", and the current step's rule and one heat map are on screen."""
    s = stepper(cnn_loss)
    s.ascii_only = ascii_only
    s.steps.break_on(op="conv2d")
    n = len(s.steps)
    for index in (0, n // 2, n - 1):
        s.steps.goto(index)
        lines = s.text(80, 24).splitlines()
        assert lines[0].startswith(f" step {index + 1} of {n}: {s.steps[index].op}")
        assert lines[-1].rstrip().endswith("q quit") and len(lines) <= 24
        assert any(line.split("|" if ascii_only else "│", 1)[-1].startswith("rule:") for line in lines)
    listed = [line for line in s.text(80, 24).splitlines()[1:] if (">" if ascii_only else "▶") in line[:3]]
    assert listed and listed[0][2:].lstrip(" *●").startswith(f"{n} ")
    assert s.text(40, 10).splitlines()[-1].rstrip().endswith("q quit")
    full = s.text(200, 24).splitlines()
    assert full[-1].rstrip().endswith("q quit") and "Home/End" in full[-1] and "tinygrad-edu step" in full[0]


def test_the_frame_speaks_the_lecture_and_names_the_composition():
    model, loss = mlp_loss()
    s = Stepper(steps(loss, names=model, notation="lecture"))
    text = s.text(100, 30)
    assert "step 1 of 6: cross_entropy" in text and "rule: δ_u = softmax(u) − y" in text
    assert "δ at E (loss)" in text and "→ u₃ (4.out)" in text
    press(s, "n")
    text = s.text(100, 30)
    assert "δ₃ arrives at u₃ (4.out)" in text and "δ₃ at u₃ (4.out)" in text and "→ W₃ (4.weight)" in text


@pytest.mark.parametrize("ascii_only", [False, True])
def test_e_explains_a_typed_entry_as_its_sum_within_80_by_24(ascii_only):
    """`e`, the entry's indices (after "k:" for input number k), Enter: Step.explain of it replaces the detail, the
    rule, the products and the exact total on an 80×24 screen; any key returns; bad entries say why."""
    model, loss = cnn_loss()
    s = Stepper(steps(loss, names=model), ascii_only=ascii_only)
    while s.step.op != "conv2d":
        s.press("n")
    press(s, "e", "0", " ", "1", ",", "2", " ", "1")
    prompt = s.text(80, 24).splitlines()[-2]
    assert "explain entry [input:] indices: 0 1,2 1_" in prompt and "0:2×3×4×4" in prompt
    press(s, "\n")
    lines = s.text(80, 24).splitlines()
    expected = s.step.explain((0, 1, 2, 1))
    screen = "\n".join(lines)
    assert len(lines) <= 24 and all(len(line) <= 80 for line in lines) and lines[-1].rstrip().endswith("q quit")
    assert "δ_pool.out[0, 1, 2, 1] = Σ_{o,p,q} c2.weight[o, 1," in screen
    assert f"  = {str(expected).splitlines()[2].split('= ')[1]}" in screen, "the exact total"
    assert str(expected.largest()[0]) in screen
    press(s, "e", "2", ":", "3", "\n")
    assert "δ_c2.bias[3] = Σ_{n,i,j} δ[n, 3, i, j]" in s.text(80, 24)
    press(s, "x")
    assert "c2.bias[3]" not in s.text(80, 24) and "rule:" in s.text(80, 24)
    press(s, "e", "9", "\n")
    assert "does not name one entry" in s.message
    press(s, "e", ":", "\n")
    assert "does not name one entry" in s.message
    press(s, "e", "q")
    assert "explain: type the entry's indices" in s.message and s.typing == "" and not s.done
    press(s, "\x1b")
    assert s.typing is None


def test_e_explains_an_op_without_its_own_rule_by_its_jacobian():
    x = tg.Tensor(np.random.default_rng(0).normal(size=(2, 3)), requires_grad=True, name="x")
    s = Stepper(steps((F.softmax(x, 1) * tg.Tensor(np.arange(6.0).reshape(2, 3))).sum()))
    while s.step.op != "Softmax":
        s.press("n")
    press(s, "e", "1", " ", "2", "\n")
    screen = s.text(80, 24)
    assert "δ_x[1, 2] = Σ_j s_j(1[i=j] − s_i)[…]·δ[j]" in screen and "no explainer" not in screen
    assert "s_j(1[i=j] − s_i)[1, 0]·δ[1, 0]" in screen
