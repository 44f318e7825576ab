"""The bad-input walk's engine (issue 12): an op is described once by a valid call (`Spec`); mutations of that
call are generated from the kind of each argument (sizes, strides, dtypes, NaN/Inf, N = 0, huge, wrong rank,
wrong type); every mutated call runs in tinygrad_edu and in PyTorch, and the pair of outcomes is judged:

    both compute  → the numbers (shape, dtype, values, gradients) must be PyTorch's; gradients are not compared
                    at entries computed from a NaN (PyTorch's own kernels disagree there)
    we raise      → the message must name the op, and the exception must not be an internal one
                    (ZeroDivisionError, AttributeError, ...) or a NumPy message that names no op; PyTorch's own
                    exception (same type, same message) also passes
    both raise    → when PyTorch's class is RuntimeError, TypeError, ValueError or IndexError (the classes code
                    catches around a call), ours must be an instance of it (its name in our MRO), else the case is
                    an "other-class" finding unless check.KEPT_CLASSES lists it with a reason. Exempt, as accidents of
                    PyTorch's implementation: AttributeError, AssertionError, ZeroDivisionError, KeyError,
                    NotImplementedError (any class outside those four), and an IndexError whose message is "tuple
                    index out of range", "Dimension specified as … but tensor has no dimensions" or "Dimension out
                    of range"
    we compute where PyTorch raises → a finding, unless the table lists it as a documented extension

"Huge" calls (broadcast views of terabytes, sizes of 2⁴⁰) run our side in a forked child with a time and
address-space limit, and PyTorch's side on the meta device (shapes and errors, no memory).

The engine is split by job: spec.py (describing a call), generation.py (the mutations), running.py (both libraries,
huge calls in a forked child), judging.py (the verdict and the summary's counts); this module re-exports them for
the tables, check.py, tests/ops/test_silent_nonfinite.py and benchmarks/bad_input_counts.py."""
from .generation import HUGE, INF, NAN, cases, hyper_values, tensor_values  # noqa: F401
from .judging import (INTENTIONAL, INTERNAL, Verdict, class_mismatch, clean_error, compare,  # noqa: F401
                      compare_arrays, judge, names_op, run_case, tally)
from .running import (Outcome, Side, _buffers, _first_float, _grads, flat, resolve, run_ours,  # noqa: F401
                      run_ours_isolated, run_torch)
from .spec import DROP, TENSOR_KINDS, Arg, Case, Dt, K, Mod, P, Spec  # noqa: F401
