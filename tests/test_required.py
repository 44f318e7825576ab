"""The skip-or-fail rule for missing tools: fail under CI or TINYGRAD_EDU_REQUIRE_RENDERER, skip otherwise."""
import pytest

from tests.required import missing, required


@pytest.mark.parametrize("variable", ["CI", "TINYGRAD_EDU_REQUIRE_RENDERER"])
def test_either_variable_turns_a_skip_into_a_failure(variable, monkeypatch):
    for name in ("CI", "TINYGRAD_EDU_REQUIRE_RENDERER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, "1")
    assert required()
    with pytest.raises(pytest.fail.Exception, match="dot is not installed"):
        missing("dot", "apt-get install graphviz")


def test_without_them_a_missing_tool_skips(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TINYGRAD_EDU_REQUIRE_RENDERER", "0")
    assert not required()
    with pytest.raises(pytest.skip.Exception, match="tmux is not installed"):
        missing("tmux", "apt-get install tmux")
