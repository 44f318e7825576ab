"""Rendering tests run with every installed Graphviz renderer (the system dot, graphviz-pure); with none
installed they fail and say how to install one, so CI never passes without really rendering."""
import pytest

from tests.required import missing
from tinygrad_edu.viz import rendering as render


@pytest.fixture(params=["dot", "graphviz-pure"])
def renderer(request, monkeypatch):
    """Make `render` use only this renderer (skipped if that one is not installed, failed under CI or
    TINYGRAD_EDU_REQUIRE_RENDERER: both are installed there, dot by .ci/run and graphviz-pure by the test extra)."""
    found = [r for r in render.renderers() if r.name == request.param]
    if not found:
        missing(request.param, render.HINT)
    monkeypatch.setattr(render, "renderers", lambda: found)
    return found[0]


@pytest.fixture
def any_renderer():
    """The preferred installed renderer; fails (not skips) when there is none."""
    found = render.find_renderer("svg")
    if found is None:
        pytest.fail(render.HINT)
    return found
