"""tg.special, torch.special's namespace: the special functions under torch.special's names, from the ops that
compute them (gamma_functions.py, special_functions.py, error_functions.py, math_extra.py, ...). Aliases are the same
function objects as their tg.* forms (gammaln is lgamma, psi is digamma, expit is sigmoid, ...)."""
from __future__ import annotations

from typing import Any, Optional

from .creation import sigmoid as expit
from .ops.activation import erf, expm1, log1p
from .ops.error_functions import erfc, erfinv
from .ops.gamma_functions import (digamma, i0, i0e, i1, i1e, lgamma as gammaln, mvlgamma as multigammaln, polygamma,
                                  zeta)
from .ops.math_extra import exp2, logit, round, xlogy
from .ops.reduce import logsumexp
from .ops.special_functions import entr, log_ndtr, ndtr, ndtri, xlog1py
from .ops.trig import sinc

psi = digamma
#: torch.special's modified_bessel_i0/i1 are I₀ and I₁ again (PyTorch gives them no gradient; these have one)
modified_bessel_i0, modified_bessel_i1 = i0, i1


def softmax(input: Any, dim: int, *, dtype: Optional[Any] = None):
    """e^x / Σ e^x along dim (torch.special.softmax: dim is required)."""
    from .ops.softmax import softmax as _softmax

    return _softmax(input, dim, dtype=dtype)


def log_softmax(input: Any, dim: int, *, dtype: Optional[Any] = None):
    """x − ln Σ e^x along dim (torch.special.log_softmax: dim is required)."""
    from .ops.softmax import log_softmax as _log_softmax

    return _log_softmax(input, dim, dtype=dtype)


__all__ = ["digamma", "entr", "erf", "erfc", "erfinv", "exp2", "expit", "expm1", "gammaln", "i0", "i0e", "i1", "i1e",
           "log1p", "log_ndtr", "log_softmax", "logit", "logsumexp", "modified_bessel_i0", "modified_bessel_i1",
           "multigammaln", "ndtr", "ndtri", "polygamma", "psi", "round", "sinc", "softmax", "xlog1py", "xlogy", "zeta"]
