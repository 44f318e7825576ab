"""Missing tools skip a test on a laptop but fail it where they must be present: under CI (set by .ci/run)
or when TINYGRAD_EDU_REQUIRE_RENDERER is set, so those runs can never pass without really using them."""
import os

import pytest

REQUIRE_VARIABLES = ("CI", "TINYGRAD_EDU_REQUIRE_RENDERER")


def required() -> bool:
    """True when a missing tool must fail the run (a non-empty CI or TINYGRAD_EDU_REQUIRE_RENDERER)."""
    return any(os.environ.get(name, "").strip() not in ("", "0", "false") for name in REQUIRE_VARIABLES)


def missing(what: str, how: str) -> None:
    """Fail (when required) or skip, saying what is missing and how to install it."""
    message = f"{what} is not installed ({how})"
    if required():
        pytest.fail(f"{message}; {' or '.join(REQUIRE_VARIABLES)} is set, so it must be there")
    pytest.skip(message)
