"""tg.special (special.py): every name torch.special has that this namespace offers, checked against PyTorch on
sample inputs; aliases are the same functions as their tg.* forms."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tests.helpers import assert_close

rng = np.random.default_rng(2)
X = rng.uniform(0.05, 0.95, (3, 4))
Y = rng.uniform(-2, 3, (3, 4))

# name: the arguments (a callable making them from the module, tg or torch)
CALLS = {
    "expit": lambda m: (m.tensor(Y),), "logit": lambda m: (m.tensor(X),), "erf": lambda m: (m.tensor(Y),),
    "erfc": lambda m: (m.tensor(Y),), "erfinv": lambda m: (m.tensor(X),), "exp2": lambda m: (m.tensor(Y),),
    "expm1": lambda m: (m.tensor(Y),), "log1p": lambda m: (m.tensor(X),), "gammaln": lambda m: (m.tensor(Y),),
    "digamma": lambda m: (m.tensor(Y),), "psi": lambda m: (m.tensor(Y),), "i0": lambda m: (m.tensor(Y),),
    "i0e": lambda m: (m.tensor(Y),), "i1": lambda m: (m.tensor(Y),), "i1e": lambda m: (m.tensor(Y),),
    "ndtr": lambda m: (m.tensor(Y),), "ndtri": lambda m: (m.tensor(X),), "log_ndtr": lambda m: (m.tensor(Y),),
    "sinc": lambda m: (m.tensor(Y),), "entr": lambda m: (m.tensor(X),), "round": lambda m: (m.tensor(Y * 3),),
    "xlogy": lambda m: (m.tensor(X), m.tensor(X + 1)), "xlog1py": lambda m: (m.tensor(Y), m.tensor(X)),
    "polygamma": lambda m: (2, m.tensor(Y + 3)), "multigammaln": lambda m: (m.tensor(Y + 4), 3),
    "zeta": lambda m: (m.tensor(Y + 4), m.tensor(X)),
    "logsumexp": lambda m: (m.tensor(Y), 1), "softmax": lambda m: (m.tensor(Y), 0),
    "log_softmax": lambda m: (m.tensor(Y), -1),
    "modified_bessel_i0": lambda m: (m.tensor(Y * 10),), "modified_bessel_i1": lambda m: (m.tensor(Y * 10),),
}


def test_the_namespace_is_a_lazy_submodule_with_torchs_names():
    import tinygrad_edu.special as special

    assert tg.special is special
    assert set(CALLS) == set(special.__all__)
    assert special.gammaln is tg.lgamma and special.psi is special.digamma is tg.digamma
    assert special.multigammaln is tg.mvlgamma and special.i0 is tg.i0


@pytest.mark.torch
@pytest.mark.parametrize("name", list(CALLS))
def test_each_function_matches_torch_special(torch, name):
    ours = getattr(tg.special, name)(*CALLS[name](tg))
    theirs = getattr(torch.special, name)(*CALLS[name](torch))
    assert ours.dtype == np.dtype(str(theirs.dtype)[6:])
    assert_close(ours, theirs, rtol=1e-12, atol=1e-14)


@pytest.mark.torch
def test_softmax_takes_dtype_as_pytorch(torch):
    ours = tg.special.softmax(tg.tensor(Y).float(), 1, dtype=tg.float64)
    theirs = torch.special.softmax(torch.tensor(Y).float(), 1, dtype=torch.float64)
    assert ours.dtype == tg.float64
    assert_close(ours, theirs, rtol=1e-6)
