"""Fixtures for the inspect tests: matplotlib draws the rules as math (mathsvg) and the gradient-flow plot."""
import pytest

from tests.required import missing


@pytest.fixture
def needs_matplotlib() -> None:
    """Skip without matplotlib on a laptop; fail under CI / TINYGRAD_EDU_REQUIRE_RENDERER, saying what to install."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        missing("matplotlib", "pip install matplotlib (a dependency of tinygrad_edu); it draws the rules as math and the gradient plots")
