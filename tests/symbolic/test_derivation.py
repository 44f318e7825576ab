"""Derivation and its loader: files, folders, the catalogue, the shipped set's location."""
import textwrap
from pathlib import Path

import pytest

from tinygrad_edu.symbolic import load
from tinygrad_edu.symbolic.derivation import default_location

TOPIC = '''
from tinygrad_edu.symbolic import Claim, Derivation

def identity(case, numbers):
    x = numbers.tensor("x", case["n"])
    return x, x.data {op}

TOPIC = Derivation(id="{id}", title="t", source="s", latex="x", mapping="m",
                   claims=[Claim("F1", "x = x", "x", identity, grid=[{{"n": 2}}])],
                   not_checkable={{"F2": "named only"}})
'''


def write(folder: Path, name: str, id_: str, op: str = "") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(TOPIC.format(id=id_, op=op)), encoding="utf-8")
    return path


def test_a_folder_loads_every_derivation_in_file_order_with_its_catalogue(tmp_path):
    write(tmp_path, "b_topic.py", "second")
    write(tmp_path, "a_topic.py", "first")
    (tmp_path / "__init__.py").write_text('FORMULAS = {"F1": "one", "F2": "two"}\n', encoding="utf-8")
    loaded = load(tmp_path)
    assert [d.id for d in loaded.derivations] == ["first", "second"]
    assert loaded.catalog == {"F1": "one", "F2": "two"}
    assert loaded.derivations[0].formulas == ("F1",)


def test_one_file_loads_alone_without_a_catalogue(tmp_path):
    loaded = load(write(tmp_path, "topic.py", "only"))
    assert [d.id for d in loaded.derivations] == ["only"] and loaded.catalog == {}


def test_missing_path_and_duplicate_ids_are_refused(tmp_path):
    with pytest.raises(ValueError, match="no derivations at"):
        load(tmp_path / "nowhere")
    write(tmp_path, "a.py", "same")
    write(tmp_path, "b.py", "same")
    with pytest.raises(ValueError, match="two derivations share the id 'same'"):
        load(tmp_path)


def test_the_shipped_set_is_found_without_arguments():
    location = default_location()
    assert (location / "__init__.py").exists() and (location / "dense_backprop.py").exists()
    assert len(load().derivations) >= 12
