"""The fast half of an exact check: both sides evaluated at a few random rational points before any
simplification. A difference that is not 0 there is a counterexample, found in milliseconds; one that is 0 at
every point is very likely an identity, which the (slower, time-bounded) simplification then proves."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Optional

import numpy as np
import sympy

POINTS = 3
"""Random points per grid size; several, so that a step function's two sides are both likely to be visited."""
DIGITS = 30
TOLERANCE = 1e-10
"""|autograd − formula| ≤ TOLERANCE·(1 + |autograd| + |formula|) counts as 0 (a float constant such as α = 1e-4
carries only 15 digits)."""


@dataclass
class Counterexample:
    """Where the two sides differ: the symbols' values (those of the element only) and both sides' values."""

    point: dict[str, str]
    actual: float | complex
    expected: float | complex

    def __str__(self) -> str:
        names = sorted(self.point, key=_natural)
        shown = ", ".join(f"{n} = {self.point[n]}" for n in names[:8]) + (", …" if len(names) > 8 else "")
        where = f"at {shown}: " if shown else ""
        return f"{where}autograd = {_short(self.actual)}, formula = {_short(self.expected)}"


def _natural(name: str) -> tuple:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name))


def _short(value: float | complex) -> str:
    if isinstance(value, complex):
        return f"{value.real:.6g}{value.imag:+.6g}i"
    return f"{value:.6g}"


def free_symbols(arrays: Iterable[np.ndarray]) -> set[sympy.Symbol]:
    """Every symbol in the entries of the arrays."""
    found: set[sympy.Symbol] = set()
    for array in arrays:
        for value in array.ravel():
            if isinstance(value, sympy.Basic):
                found |= value.free_symbols
    return found


def points(symbols: set[sympy.Symbol], rng: np.random.Generator, count: int = POINTS) -> list[dict]:
    """`count` assignments of a random non-zero rational in [−2, 2] (denominator 2..7) to every symbol."""
    ordered = sorted(symbols, key=lambda s: s.name)
    out = []
    for _ in range(count):
        values = {}
        for symbol in ordered:
            denominator = int(rng.integers(2, 8))
            numerator = int(rng.integers(1, 2 * denominator + 1)) * (1 if rng.random() < 0.5 else -1)
            values[symbol] = sympy.Rational(numerator, denominator)
        out.append(values)
    return out


def _number(value: Any) -> Optional[complex]:
    """The value as a Python number, or None when it is not a finite number (a pole, NaN, a leftover symbol)."""
    try:
        number = complex(sympy.N(value, DIGITS))
    except (TypeError, ValueError):
        return None
    return number if np.isfinite(number.real) and np.isfinite(number.imag) else None


def _plain(number: complex) -> float | complex:
    return number.real if number.imag == 0 else number


def differs_at(actual: Any, expected: Any, point: dict) -> Optional[Counterexample]:
    """A Counterexample when the two sides' values at `point` differ beyond rounding, else None (equal, or not
    evaluable there)."""
    a, e = sympy.sympify(actual), sympy.sympify(expected)
    av, ev = a.xreplace(point), e.xreplace(point)
    difference = av - ev
    if difference == 0:
        return None
    an, en = _number(av), _number(ev)
    if an is None or en is None:
        return None
    if abs(an - en) <= TOLERANCE * (1 + abs(an) + abs(en)):
        return None
    used = (a.free_symbols | e.free_symbols) if isinstance(a, sympy.Basic) else set()
    return Counterexample({str(s): str(point[s]) for s in used if s in point}, _plain(an), _plain(en))


def first_difference(actual: np.ndarray, expected: np.ndarray, rng: np.random.Generator,
                     count: int = POINTS) -> Optional[tuple[tuple[int, ...], Counterexample]]:
    """The first element (C order) whose sides differ at one of `count` random rational points, with the
    point; None when every element agrees at every point."""
    trial = points(free_symbols((actual, expected)), rng, count)
    for index in np.ndindex(*actual.shape):
        for point in trial:
            found = differs_at(actual[index], expected[index], point)
            if found is not None:
                return index, found
    return None
