"""torch.<name> function forms of the utility Tensor methods (tg.nonzero(x), tg.unique(x), tg.logical_and(a, b),
...): each takes a Tensor or a NumPy array first, as PyTorch's functions take a tensor."""
from __future__ import annotations

from typing import Any, Callable

from . import tensor_inplace as _inplace, tensor_utility as _utility
from .tensor_utility import tensor_arg


def _function(module: Any, name: str) -> Callable:
    method = getattr(module, name)

    def fn(input: Any, *args: Any, **kwargs: Any) -> Any:
        return method(tensor_arg(input, name), *args, **kwargs)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = method.__doc__
    return fn


tile, unbind, unflatten, moveaxis, tensor_split = (_function(_utility, n) for n in (
    "tile", "unbind", "unflatten", "moveaxis", "tensor_split"))
hsplit, vsplit, dsplit, select, repeat_interleave = (_function(_utility, n) for n in (
    "hsplit", "vsplit", "dsplit", "select", "repeat_interleave"))
rot90, fliplr, flipud, take, take_along_dim = (_function(_utility, n) for n in (
    "rot90", "fliplr", "flipud", "take", "take_along_dim"))
argwhere, nonzero, masked_select, unique, unique_consecutive = (_function(_utility, n) for n in (
    "argwhere", "nonzero", "masked_select", "unique", "unique_consecutive"))
bincount, histc, equal, ravel, broadcast_to = (_function(_utility, n) for n in (
    "bincount", "histc", "equal", "ravel", "broadcast_to"))
logical_and, logical_or, logical_xor, logical_not = (_function(_inplace, n) for n in (
    "logical_and", "logical_or", "logical_xor", "logical_not"))
bitwise_and, bitwise_or, bitwise_xor, bitwise_not = (_function(_inplace, n) for n in (
    "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not"))
index_add, index_copy, index_fill, scatter_reduce = (_function(_inplace, n) for n in (
    "index_add", "index_copy", "index_fill", "scatter_reduce"))
