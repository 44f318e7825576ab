"""Symbolic values for the same graph: Tensors of SymPy expressions, and exact comparison of them.
Claims and derivations of the lecture's formulas build on these; `verify` runs them."""
from .claim import Claim, ClaimResult, Failure, simplified_difference
from .derivation import Derivation, load
from .lecture import Check, Lecture, Layers, check, layers, lecture, sizes
from .numbers import Floats, Numbers
from .tensors import expressions, image, in_layout, kernel, simplify, symbols

__all__ = ["symbols", "simplify", "expressions", "in_layout", "image", "kernel", "Claim", "ClaimResult", "Failure",
           "simplified_difference", "Derivation", "load", "Numbers", "Floats", "check", "Check", "lecture", "Lecture",
           "layers", "Layers", "sizes"]
