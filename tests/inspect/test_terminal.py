"""The terminal stepper in a real terminal: tmux runs `tinygrad-edu step`, the test sends keys and reads the
screen back with capture-pane."""
import os
import shutil
import subprocess
import sys
import time
from typing import Any
from pathlib import Path

import pytest

from tests.required import missing

ROOT = Path(__file__).resolve().parents[2]


def _tmux_or_skip() -> str:
    found = shutil.which("tmux")
    if found is None:
        missing("tmux", "apt-get install tmux; the terminal stepper is driven in it")
    return found


class Tmux:
    def __init__(self, command: list[str], width: int = 150, height: int = 45) -> None:
        self.tmux = _tmux_or_skip()
        self.socket = f"tg-step-test-{os.getpid()}-{time.monotonic_ns()}"
        env = {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PYTHONPATH": str(ROOT), "TERM": "screen-256color"}
        exports = " ".join(f"{k}={v}" for k, v in env.items())
        shell = f"cd {ROOT} && env -u LINES -u COLUMNS {exports} {' '.join(command)}"
        self.run("-f", "/dev/null", "new-session", "-d", "-x", str(width), "-y", str(height), shell)

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([self.tmux, "-u", "-L", self.socket, *args], capture_output=True, text=True, timeout=20)

    def screen(self) -> str:
        return self.run("capture-pane", "-p").stdout

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        return self.wait_until(lambda shown: text in shown, repr(text), timeout)

    def wait_until(self, shows: Any, what: str, timeout: float = 30.0) -> str:
        """The screen once shows(screen) holds: the header is drawn before the rows, so a check of both waits for
        both (a loaded machine captures the screen between the two)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.screen()
            if shows(shown):
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{what} never appeared; the screen shows:\n{self.screen()}")

    def keys(self, *keys: str) -> None:
        self.run("send-keys", *keys)

    def alive(self) -> bool:
        return self.run("has-session").returncode == 0

    def close(self) -> None:
        self.run("kill-server")


@pytest.fixture
def terminal():
    opened = []

    def start(*args: str, width: int = 150, height: int = 45) -> Tmux:
        t = Tmux([sys.executable, "-m", "tinygrad_edu.cli", "step", *args], width, height)
        opened.append(t)
        return t

    yield start
    for t in opened:
        t.close()


def _count(model: str, op: str = "") -> tuple[int, list[int]]:
    """(number of steps, 1-based numbers of the steps of `op`) of the zoo model's backward pass."""
    from tinygrad_edu.demos import zoo_loss
    from tinygrad_edu.inspect import steps

    loss, net = zoo_loss(model)
    recorded = steps(loss, names=net)
    return len(recorded), [s.index + 1 for s in recorded if s.op == op]


def test_tmux_drives_the_stepper_with_keys(terminal):
    n, matmuls = _count("mlp", "linear")
    t = terminal("--model", "mlp")
    first = t.wait_for("rule: δ_u = softmax(u) − y")
    assert f"step 1 of {n}: cross_entropy" in first and "backward of loss (scalar)" in first
    t.keys("n")
    t.wait_for(f"step 2 of {n}")
    t.keys("Right", "Right")
    t.wait_for(f"step 4 of {n}")
    t.keys("Left")
    t.wait_for(f"step 3 of {n}")
    t.keys("g", *str(matmuls[0]), "Enter")
    row, header = f"▶{matmuls[0]:>4} linear", f"step {matmuls[0]} of {n}"
    screen = t.wait_until(lambda shown: header in shown and row in shown and any(g in shown for g in "░▒▓█"),
                          f"{header!r} with its row and heat map")
    assert row in screen and any(glyph in screen for glyph in "░▒▓█")
    t.keys("b")
    t.wait_for("break on op=linear")
    t.keys("c")
    t.wait_for(f"step {matmuls[1]} of {n}")
    t.keys("Home")
    t.wait_for(f"step 1 of {n}")
    t.keys("c")
    t.wait_for(f"step {matmuls[0]} of {n}")
    t.keys("End")
    t.wait_for(f"step {n} of {n}")
    t.keys("r")
    t.wait_for(f"step {[k for k in matmuls if k < n][-1]} of {n}")
    t.keys("q")
    deadline = time.monotonic() + 30  # as wait_for's: a loaded machine (CI running beside other jobs) exits slowly
    while t.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not t.alive(), "q did not end the stepper"


def test_tmux_lenet5_opens_at_the_first_conv2d_breakpoint(terminal):
    n, convs = _count("lenet5", "conv2d")
    t = terminal("--model", "lenet5", "--break-on", "conv2d")
    # each line waited for, not read off the first capture: a loaded machine can show a half-drawn screen
    for text in ("conv2d in LeNet5 › c5", f"step {convs[0]} of {n}", "break on op=conv2d",
                 "rule: u = W ⋆ z + b: δ_z = conv_transpose2d(δ, W)", "→ c5.weight   120×16×5×5"):
        t.wait_for(text)
    t.keys("c")
    for text in ("conv2d in LeNet5 › c3", f"step {convs[1]} of {n}", "→ c3.weight   16×6×5×5"):
        t.wait_for(text)
    t.keys("q")


def test_tmux_at_80_by_24_shows_the_header_and_the_keys(terminal):
    """A real 80×24 terminal: the header's "step k of N" and the key line's "q quit" are both on screen."""
    n, _ = _count("mlp")
    t = terminal("--model", "mlp", width=80, height=24)
    screen = t.wait_until(lambda shown: f"step 1 of {n}: cross_entropy" in shown and "q quit" in shown,
                          "the first step's header and the key line")
    lines = screen.rstrip("\n").splitlines()
    assert lines[-1].rstrip().endswith("q quit") and len(lines) <= 24
    t.keys("End")
    last = t.wait_until(lambda shown: f"step {n} of {n}" in shown and "q quit" in shown,
                        "the last step's header and the key line")
    assert last.rstrip("\n").splitlines()[-1].rstrip().endswith("q quit")
    t.keys("q")
