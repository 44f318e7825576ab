"""A Derivation: one lecture topic's formula with its source, its LaTeX, its index mapping and its Claims;
and the loader that finds them in a folder of derivation files (by default the shipped `derivations/`)."""
from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Optional

from .claim import Claim


@dataclass
class Derivation:
    """`source` cites the seed file and section; `not_checkable` maps lecture IDs this topic names but
    cannot check to the reason why."""

    id: str
    title: str
    source: str
    latex: str
    mapping: str
    claims: list[Claim]
    not_checkable: dict[str, str] = field(default_factory=dict)

    @property
    def formulas(self) -> tuple[str, ...]:
        """The lecture IDs this derivation verifies, in order of first appearance."""
        return tuple(dict.fromkeys(f for claim in self.claims for f in claim.formulas))


@dataclass
class DerivationSet:
    """The derivations of one folder, with its catalogue of lecture IDs (ID → title) when it has one."""

    derivations: list[Derivation]
    catalog: dict[str, str]
    location: Path
    reconstructed: dict[str, str] = field(default_factory=dict)
    """lecture ID → what of it the formula digest reconstructed (the folder's `RECONSTRUCTED`)."""


def default_location() -> Path:
    """The shipped derivations: the installed package `tinygrad_edu.derivations`, else the repository's
    `derivations/` folder next to the package."""
    spec = importlib.util.find_spec("tinygrad_edu.derivations")
    if spec is not None and spec.submodule_search_locations:
        return Path(list(spec.submodule_search_locations)[0])
    return Path(__file__).resolve().parents[2] / "derivations"


def _load_file(path: Path) -> ModuleType:
    name = "tinygrad_edu_derivation_" + re.sub(r"\W", "_", str(path.resolve()))
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ValueError(f"verify: cannot load derivation file {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _derivations_in(module: ModuleType) -> list[Derivation]:
    return [value for value in vars(module).values() if isinstance(value, Derivation)]


def load(path: Optional[Path | str] = None) -> DerivationSet:
    """Every Derivation defined at module level in the `.py` files of `path` (a folder or one file), in file
    order; the folder's `__init__.py` may hold `FORMULAS`, the catalogue of lecture IDs to account for, and
    `RECONSTRUCTED`, the IDs whose formula the digest reconstructed."""
    location = Path(path) if path is not None else default_location()
    if not location.exists():
        raise ValueError(f"verify: no derivations at {location} (expected a folder of .py files or one .py file)")
    files = [location] if location.is_file() else sorted(p for p in location.glob("*.py") if p.name != "__init__.py")
    derivations = [d for f in files for d in _derivations_in(_load_file(f))]
    catalog: dict[str, str] = {}
    reconstructed: dict[str, str] = {}
    init = location / "__init__.py" if location.is_dir() else None
    if init is not None and init.exists():
        module = _load_file(init)
        catalog = dict(getattr(module, "FORMULAS", {}))
        reconstructed = dict(getattr(module, "RECONSTRUCTED", {}))
    seen: dict[str, Derivation] = {}
    for d in derivations:
        if d.id in seen:
            raise ValueError(f"verify: two derivations share the id {d.id!r} ({d.title!r} and {seen[d.id].title!r})")
        seen[d.id] = d
    return DerivationSet(derivations, catalog, location, reconstructed)
