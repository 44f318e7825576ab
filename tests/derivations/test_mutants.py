"""Every realistic bug of tests/derivations/mutants.py that changes a lecture-stated gradient is caught by verify:
here each one against the claim that catches it (benchmarks/mutation_verify.py runs every claim against every
mutant and prints the whole table), as a FAIL with a counterexample or a size, never as a crash, within seconds."""
import time

import pytest

from tests.derivations.claims import derivations
from tests.derivations.mutants import REALISTIC

CATCHERS = {
    "M01": "conv-backprop:conv-conv", "M02": "separable:grouped", "M03": "output-layer:softmax-ce",
    "M04": "dense-backprop:F53,F10", "M05": "output-layer:softmax-backward", "M06": "dense-backprop:F10",
    "M07": "dense-backprop:F10", "M08": "regularisation:F15", "M09": "pooling:avg-pool", "M10": "training:adam",
    "M11": "pooling:pyramid", "M12": "conv-backprop:conv-params", "M13": "pooling:max-pool",
    "M14": "dense-backprop:dense-weights", "M15": "conv-backprop:conv-params", "M16": "sizes:dilation",
    "M17": "regularisation:lrn", "M19": "conv-as-dense:adjoint", "M21": "regularisation:batch-norm",
    "M22": "dense-backprop:F53,F10", "M23": "output-layer:softmax-ce", "M24": "conv-as-dense:adjoint",
    "M25": "conv-backprop:conv-forward", "M26": "conv-as-dense:locally-connected", "M27": "regularisation:F15",
    "M28": "pooling:max-pool", "M29": "training:F48", "M30": "training:F48", "M31": "output-layer:F41",
    "M32": "pooling:avg-pool",
}
"""The first claim (of those that catch it) for each mutant that changes a lecture-stated gradient."""


def _claim(label: str):
    derivation, name = label.split(":", 1)
    return next(c for c in derivations()[derivation].claims if (c.name or ",".join(c.formulas)) == name)


def test_every_lecture_gradient_mutant_has_a_catcher_and_names_are_unique():
    names = [m.name for m in REALISTIC]
    assert len(names) == len(set(names)) >= 32
    assert {m.name for m in REALISTIC if m.gradient} == set(CATCHERS)


@pytest.mark.parametrize("mutant", [m for m in REALISTIC if m.gradient], ids=lambda m: m.name)
def test_verify_catches_the_mutant(mutant):
    claim = _claim(CATCHERS[mutant.name])
    assert claim.check(budget=5, explain=0).passed  # the claim holds without the bug
    start = time.perf_counter()
    with mutant.apply():
        result = claim.check(budget=5, explain=0)
    assert not result.passed and not result.authoring_error, str(result.failure)
    assert time.perf_counter() - start < 5
