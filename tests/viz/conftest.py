"""Rendering tests run with every installed Graphviz renderer (the system dot, graphviz-pure); with none
installed they fail and say how to install one, so CI never passes without really rendering."""
import pytest

from tinygrad_edu.viz import rendering as render


@pytest.fixture(params=["dot", "graphviz-pure"])
def renderer(request, monkeypatch):
    """Make `render` use only this renderer (skipped if that one is not installed; see test_a_renderer_is_installed)."""
    found = [r for r in render.renderers() if r.name == request.param]
    if not found:
        pytest.skip(f"{request.param} is not installed")
    monkeypatch.setattr(render, "renderers", lambda: found)
    return found[0]


@pytest.fixture
def any_renderer():
    """The preferred installed renderer; fails (not skips) when there is none."""
    found = render.find_renderer("svg")
    if found is None:
        pytest.fail(render.HINT)
    return found
