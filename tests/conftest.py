"""Shared test settings: a Hypothesis profile sized for a 2-core machine, and the optional torch reference."""
import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("default", max_examples=30, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("thorough", max_examples=300, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session")
def torch():
    """PyTorch, the reference for numbers; tests that take it skip cleanly when it is not installed."""
    return pytest.importorskip("torch")
