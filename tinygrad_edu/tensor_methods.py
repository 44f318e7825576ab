"""Which module supplies which torch.Tensor method: the methods written outside tensor.py (math, predicates, aliases,
number parts, scatter views, legacy forms, random draws, linear algebra, statistics) bound onto Tensor once, when
tensor.py has defined it; the in-place forms f_ of all of them last (tensor_inplace_family.bind)."""
from __future__ import annotations

from typing import Any

#: t.det(), t.inverse(), ...: tg.linalg's torch forms, imported on the first call (tg.linalg loads lazily)
LINALG_METHODS = ("det", "logdet", "slogdet", "inverse", "pinverse", "matrix_power", "matrix_exp", "cholesky",
                  "cholesky_solve", "cholesky_inverse", "qr", "svd", "lu", "lu_solve")
DTYPE_QUESTIONS = ("is_floating_point", "is_complex", "is_signed", "is_nonzero", "is_same_size")
NUMBER_PARTS = ("rsqrt", "frexp", "ldexp", "gcd", "lcm", "nextafter", "isposinf", "isneginf", "isreal")
SCATTER_VIEWS = ("select_scatter", "slice_scatter", "diagonal_scatter", "masked_scatter", "put", "index_reduce",
                 "fill_diagonal_")


def _linalg_method(name: str) -> Any:
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        from .linalg import torch_forms
        return getattr(torch_forms, name)(self, *args, **kwargs)
    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"tg.{name}(self, ...) as a method (tinygrad_edu/linalg/torch_forms.py)."
    return method


def bind(tensor: type) -> None:
    """Set every method above on the Tensor class; the in-place forms last, so each f gets its f_."""
    from . import (creation_random, dtype_utils, global_modes, tensor_inplace_family, tensor_legacy, tensor_math,
                   tensor_method_aliases, tensor_predicates)
    from .ops import gamma_functions, number_parts, scatter_views, statistics

    for name in tensor_math.METHODS:
        setattr(tensor, name, getattr(tensor_math, name))
    for module in (tensor_predicates, tensor_method_aliases, tensor_legacy):
        for name in module.METHODS:
            setattr(tensor, name, getattr(module, name))
    for name, prop in tensor_predicates.PROPERTIES.items():
        setattr(tensor, name, prop)
    for module, names in ((dtype_utils, DTYPE_QUESTIONS), (number_parts, NUMBER_PARTS), (scatter_views, SCATTER_VIEWS)):
        for name in names:
            setattr(tensor, name, getattr(module, name))
    tensor.multinomial, tensor.is_inference = creation_random.multinomial_method, global_modes.is_inference
    for name in LINALG_METHODS:
        setattr(tensor, name, _linalg_method(name))
    for name, method in {**statistics.METHODS, **gamma_functions.METHODS}.items():
        setattr(tensor, name, method)
    tensor_inplace_family.bind(tensor)
