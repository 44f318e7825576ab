"""Bad inputs through the torch.* forms of tg.linalg (tg.det, inverse, svd, ... call the same code as tg.linalg.*),
walked by tests/bad_input's engine: every mutated call (dtypes, NaN/Inf, N = 0, wrong rank, wrong type, ...) is
judged against PyTorch."""
import numpy as np
import pytest

from tests.bad_input.check import check_spec
from tests.bad_input.walk import P, Spec

pytestmark = pytest.mark.torch

rng = np.random.default_rng(0)


def _general(*shape):
    return (rng.standard_normal(shape) + 3 * np.eye(*shape[-2:])).astype(np.float32)


def _spd(*shape):
    x = rng.standard_normal(shape)
    return (x @ np.swapaxes(x, -1, -2) + shape[-1] * np.eye(shape[-1])).astype(np.float32)


def _factor(*shape):
    return np.linalg.cholesky(_spd(*shape).astype(np.float64)).astype(np.float32)


#: where an entry is NaN or ±∞, which outputs are NaN and which ±∞ depends on the order of LAPACK's and BLAS's
#: operations (NumPy's gesv/getrf/geqrf and matmul against PyTorch's getrf+getri and MKL): not compared
NON_FINITE = ("input:nan", "input:+inf", "input:-inf")
NAMES = ("linalg.det", "linalg.inv", "linalg.pinv", "linalg.svd", "linalg.matrix_exp", "linalg.cholesky",
         "linalg.matrix_power", "linalg.qr", "linalg.solve", "logdet", "linalg.slogdet", "cholesky_solve")


def specs():
    out = []
    for name in ("det", "logdet", "inverse", "matrix_exp", "pinverse"):
        out.append(Spec(f"tg.{name}", [P("input", _general(2, 3, 3), "x")], huge=False, names=NAMES,
                        skip=NON_FINITE if name != "pinverse" else ()))
    out.append(Spec("tg.cholesky", [P("input", _spd(2, 3, 3), "x")], huge=False, names=NAMES))
    out.append(Spec("tg.matrix_power", [P("input", _general(2, 3, 3), "x"), P("n", 3, "int")], huge=False,
                    names=NAMES, skip=NON_FINITE))
    # singular vectors are defined up to sign (NumPy's and PyTorch's LAPACK calls choose differently): shapes and
    # dtypes compared, and errors; the values are compared in test_decompositions.py
    out.append(Spec("tg.svd", [P("input", _general(2, 4, 3), "x")], grad=False, huge=False, names=NAMES,
                    random=True))
    out.append(Spec("tg.qr", [P("input", _general(2, 4, 3), "x")], grad=False, huge=False, names=NAMES,
                    skip=NON_FINITE))
    out.append(Spec("tg.cholesky_solve", [P("input", _general(2, 3, 2), "x"), P("input2", _factor(2, 3, 3), "x")],
                    huge=False, names=NAMES, skip=("input2:nan", "input2:+inf", "input2:-inf")))
    return out


SPECS = specs()


@pytest.mark.parametrize("spec", SPECS, ids=[s.id for s in SPECS])
def test_bad_inputs(spec, torch):
    check_spec(spec, torch)
