"""PyTorch's submodules are reachable as attributes after `import torch` alone (`torch.nn.functional.relu`,
`torch.utils.data.DataLoader`); code written that way must port too. Checked in a fresh interpreter, where no
other test has imported the submodules already."""
import subprocess
import sys

import pytest

PATHS = ["nn.functional.relu", "nn.functional.cross_entropy", "nn.init.kaiming_uniform_", "utils.data.DataLoader",
         "utils.data.TensorDataset", "optim.lr_scheduler.StepLR", "optim.SGD", "autograd.grad", "autograd.Function",
         "onnx.export"]


@pytest.mark.parametrize("path", PATHS)
def test_a_submodule_is_an_attribute_after_importing_the_package(path):
    code = f"import functools, tinygrad_edu as torch; functools.reduce(getattr, {path.split('.')!r}, torch)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr.strip().splitlines()[-1]
