"""Symbolic values for the same graph: Tensors of SymPy expressions, and exact comparison of them.
Claims and derivations of the lecture's formulas build on these."""
from .tensors import expressions, simplify, symbols

__all__ = ["symbols", "simplify", "expressions"]
