"""The walk covers every public op: each name in tinygrad_edu.functional.__all__, each tensor function in the
tg namespace and each layer in tinygrad_edu.nn.__all__ has a valid call in the tables (a new op without one
fails here), and the tables generate hundreds of calls."""
import inspect

import tinygrad_edu as tg
import tinygrad_edu.functional as F
import tinygrad_edu.nn as nn

from . import (table_creation_random, table_functional, table_layers, table_missing_methods, table_sequence,
               table_statistics, table_tensor, table_torch_functions, walk)

#: every table of valid calls: the first three by kind, then one per topic (each run by its own test_*.py)
TABLES = (table_functional, table_tensor, table_layers, table_creation_random, table_missing_methods,
          table_torch_functions, table_statistics, table_sequence)

# tg names that are not tensor functions: grad modes, seeding, devices, the allocator setting, classes, dtypes
NOT_OPS = {"manual_seed", "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "grad", "is_tensor",
           # global switches, seeding, printing, dtype questions of dtypes, checkpoint files, the Generator class
           "seed", "initial_seed", "get_rng_state", "set_rng_state", "promote_types", "can_cast", "get_default_dtype",
           "set_default_dtype", "get_printoptions", "set_printoptions", "inference_mode", "is_inference_mode_enabled",
           "use_deterministic_algorithms", "are_deterministic_algorithms_enabled",
           "is_deterministic_algorithms_warn_only_enabled", "get_num_threads", "set_num_threads", "save", "load",
           "Generator",
           "device", "keep_freed_memory", "keep_freed_memory_if_asked", "Tensor", "Function"}


def _paths() -> set:
    return {s.path for table in TABLES for s in table.specs()}


def tensor_functions():
    names = set()
    for name in dir(tg):
        obj = getattr(tg, name)
        if name.startswith("_") or name in NOT_OPS or inspect.ismodule(obj) or not callable(obj):
            continue
        if inspect.isclass(obj) or not getattr(obj, "__module__", "").startswith("tinygrad_edu"):
            continue
        names.add(name)
    return names


def test_every_functional_op_has_a_valid_call():
    missing = {f"F.{n}" for n in F.__all__} - _paths()
    assert not missing, f"no bad-input spec for {sorted(missing)}"


def test_every_tensor_function_has_a_valid_call():
    missing = {f"tg.{n}" for n in tensor_functions()} - _paths()
    assert not missing, f"no bad-input spec for {sorted(missing)}"


def test_every_layer_has_a_valid_call():
    layers = {f"nn.{n}" for n in nn.__all__ if inspect.isclass(getattr(nn, n))}
    missing = layers - _paths()
    assert not missing, f"no bad-input spec for {sorted(missing)}"


def test_the_tables_generate_hundreds_of_calls_in_every_family():
    specs = [s for table in TABLES for s in table.specs()]
    cases = [c for s in specs for c in walk.cases(s)]
    families = {c.family for c in cases}
    assert len(cases) > 3000
    assert {"size", "stride", "padding", "groups", "dilation", "dtype", "nan", "empty", "huge", "rank",
            "type"} <= families
