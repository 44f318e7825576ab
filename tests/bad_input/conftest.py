"""The walk's PyTorch (one intra-op thread: these calls are tiny, and threads only wait on a shared machine) and
its counts, printed at the end of the session for the issue note."""
import pytest

from .check import RESULTS, summary


@pytest.fixture(scope="module")
def walk_torch(torch):
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield torch
    torch.set_num_threads(threads)


def pytest_terminal_summary(terminalreporter):
    if RESULTS:
        terminalreporter.section("bad-input walk (issue 12)")
        for line in summary(RESULTS):
            terminalreporter.write_line(line)

