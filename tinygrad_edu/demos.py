"""The graphs the command line shows: a zoo model's loss on a seeded random batch, or a tensor from the
user's own script. Like `nn/models.py`, this file is example code: ops recorded here carry its lines as
their source location (the stepper and anomaly reports show them), not the console script's."""
from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any, Optional

import numpy as np

MODELS = ("lenet5", "mlp", "resnet-block", "inception-block", "separable-block", "alexnet-small", "digits-cnn")
INPUT_SHAPES = {"lenet5": (2, 1, 32, 32), "digits-cnn": (2, 1, 8, 8), "alexnet-small": (2, 3, 32, 32),
                "mlp": (4, 16), "resnet-block": (2, 8, 8, 8), "inception-block": (2, 8, 8, 8),
                "separable-block": (2, 8, 8, 8)}


def zoo_loss(name: str, seed: int = 0) -> tuple[Any, Any]:
    """(loss, model): the zoo model `name` on a seeded random batch, cross-entropy (classifiers) or sum
    (blocks), with backward already run and the graph kept so it can still be read."""
    import tinygrad_edu as tg
    from tinygrad_edu import functional as F
    from tinygrad_edu.nn import Linear, ReLU, Sequential
    from tinygrad_edu.nn.models import build

    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; the zoo has {', '.join(MODELS)}")
    tg.manual_seed(seed)
    model = Sequential(Linear(16, 32), ReLU(), Linear(32, 10)) if name == "mlp" else build(name)
    images = tg.randn(*INPUT_SHAPES[name])
    images.name = "input"
    out = model(images)
    if out.ndim == 2:
        targets = np.random.default_rng(seed).integers(0, out.shape[1], size=out.shape[0])
        loss = F.cross_entropy(out, targets)
    else:
        loss = out.sum()
    loss.name = "loss"
    loss.backward(retain_graph=True)
    return loss, model


def script_tensor(command: str, path: Optional[str], name: Optional[str]) -> tuple[Any, Any]:
    """(tensor, module or None): run the user's script and take its global tensor `name`, with the script's
    one Module if it has exactly one (it names the parameters). Errors name `command` and what is missing."""
    from .nn import Module
    from .tensor import Tensor

    if not name:
        raise ValueError(f"{command} --script needs --tensor NAME (the global variable holding the tensor)")
    if not path or not Path(path).is_file():
        raise ValueError(f"{command} --script: {path} is not a file")
    found = runpy.run_path(path, run_name="__main__")
    if name not in found or not isinstance(found[name], Tensor):
        tensors = sorted(k for k, v in found.items() if isinstance(v, Tensor) and not k.startswith("_"))
        raise ValueError(f"{command} --script: {path} defines no global tensor {name!r}; its tensors are {tensors}")
    modules = [v for v in found.values() if isinstance(v, Module)]
    return found[name], (modules[0] if len(modules) == 1 else None)
