"""Run every case of a spec, keep the verdicts for the session's counts, and fail with the list of findings:
the exact call, what we do and what PyTorch does."""
from __future__ import annotations

import collections
from typing import Any, Optional

from . import walk

# Deliberate, documented differences from PyTorch: case id (or "<spec id>[*<family>]") → the reason. Each is a
# call PyTorch refuses and this library computes on purpose; the report lists them with the counts.
_DEFAULT_NONE = ("an explicit None where the signature's default is None means the default (PyTorch's overloads "
                 "refuse it)")
EXTENSIONS: dict[str, str] = {
    "tg.max[dim=None]": _DEFAULT_NONE,
    "tg.min[dim=None]": _DEFAULT_NONE,
    "tg.max<binary>[other:None]": _DEFAULT_NONE,
    "tg.min<binary>[other:None]": _DEFAULT_NONE,
    "tg.prod[dim=None]": _DEFAULT_NONE,
    "tg.logsumexp[dim=None]": _DEFAULT_NONE + "; tests/ops/test_reduce.py relies on it for all dims",
    "tg.squeeze[dim=None]": _DEFAULT_NONE,
    "tg.arange[end=None]": _DEFAULT_NONE,
    "tg.eye[m=None]": _DEFAULT_NONE,
    "F.layer_norm[normalized_shape=4]": "normalized_shape may be an int, as nn.LayerNorm's (PyTorch's functional "
                                        "form wants a tuple)",
    "tg.from_numpy[ndarray:object]": "object arrays are this library's SymPy tensors",
    "tg.softmax[dim=None]": "tg.softmax is F.softmax: without dim, PyTorch's implicit dim and its warning",
    "tg.log_softmax[dim=None]": "tg.log_softmax is F.log_softmax: without dim, PyTorch's implicit dim and its warning",
    "tg.clamp[min:tensor]": "a tensor bound may be combined with a number bound (PyTorch's overloads take two "
                            "tensors or two numbers)",
}
_INT_MAX = ("max pooling of integers is exact here (tests/ops/test_pool_adaptive.py::"
            "test_integer_adaptive_max_is_exact); PyTorch's CPU kernel is not implemented for Long")
_OVERFLOW = ("a stride of 2⁴⁰ overflows PyTorch's kernel; the output-size rule gives one window per axis, and that is "
             "what is computed")
for _op in ("F.adaptive_max_pool2d", "F.spatial_pyramid_pool2d", "F.max_unpool2d", "F.max_pool1d",
            "nn.AdaptiveMaxPool2d", "nn.SpatialPyramidPool2d", "nn.MaxUnpool2d", "nn.MaxPool1d",
            "F.adaptive_max_pool1d", "nn.AdaptiveMaxPool1d"):
    EXTENSIONS[f"{_op}[input:int64]"] = _INT_MAX
for _op in ("F.adaptive_max_pool1d_with_indices", "F.adaptive_max_pool2d_with_indices"):
    EXTENSIONS[f"{_op}[input:int64]"] = _INT_MAX
for _op in ("F.max_pool1d_with_indices", "F.max_pool2d_with_indices"):
    EXTENSIONS[f"{_op}[stride=1099511627776]"] = _OVERFLOW
for _op in ("F.max_pool2d", "F.avg_pool2d", "F.max_pool1d", "F.avg_pool1d", "nn.MaxPool2d", "nn.AvgPool2d",
            "nn.MaxPool1d", "nn.AvgPool1d", "F.lp_pool1d", "F.lp_pool2d", "nn.LPPool1d", "nn.LPPool2d"):
    EXTENSIONS[f"{_op}[stride=1099511627776]"] = _OVERFLOW
# Results both libraries give where PyTorch's gradient is not defined (its vectorised and scalar kernels disagree
# on the same call: hardtanh with a NaN bound gives δ 1 in a 7-entry tensor and 0 in the vectorised part of a
# 24-entry one); the values agree (NaN everywhere), the gradient is not compared.
_UNDEFINED = "PyTorch's gradient here depends on which of its kernels (vectorised or scalar) an entry meets"
# Reflect, replicate and circular padding work on any rank here (tests/ops/test_padding.py pads one dimension of
# a 4-D input); PyTorch's kernels take only 2-D/3-D input for 1 padded dimension, 3-D/4-D for 2, 4-D/5-D for 3.
_ANY_RANK = "non-constant padding of any rank (PyTorch's kernels exist for a padded rank + 1 or + 2 only)"
for _op in ("F.pad<reflect>", "F.pad<replicate>", "F.pad<circular>"):
    for _case in ("input:rank+1", "input:2-d"):
        EXTENSIONS[f"{_op}[{_case}]"] = _ANY_RANK
for _op in ("nn.ReflectionPad1d", "nn.ReplicationPad1d", "nn.CircularPad1d", "nn.ReflectionPad2d",
            "nn.ReplicationPad2d", "nn.CircularPad2d", "nn.ReflectionPad3d", "nn.ReplicationPad3d", "nn.CircularPad3d"):
    EXTENSIONS[f"{_op}[input:rank+1]"] = _ANY_RANK
for _op in ("F.hardtanh", "nn.Hardtanh"):
    for _bound in ("min_val", "max_val"):
        EXTENSIONS[f"{_op}[{_bound}=nan]"] = _UNDEFINED

# An infinite affine weight γ: we evaluate the lecture's γ·x̂ + β as written (±∞ where x̂ ≠ 0), PyTorch its fused
# x·s + (β − μ·s), where ∞ − ∞ gives NaN; layer_norm's input gradient then holds Σ_j ∞·(…) terms that are NaN here
# and ±∞ in PyTorch's analytic backward. Both are non-finite; which non-finite value is not defined by the maths.
# Only differences of one non-finite value against another are accepted for these cases (walk.judge).
_INFINITE_AFFINE = "an infinite γ: both results are non-finite, which one depends on the evaluation order"
NON_FINITE_ORDER: dict[str, str] = {f"{op}[weight:{sign}inf]": _INFINITE_AFFINE
                                    for op in ("F.batch_norm", "F.layer_norm", "F.group_norm", "F.instance_norm")
                                    for sign in "+-"}

# Calls where both libraries raise and ours is not an instance of PyTorch's (intentional) exception class
# (judging.class_mismatch): case id → why ours keeps its class.
_DIVISIBILITY = ("a float channel count or groups is a wrong type (TypeError, as every int argument here); PyTorch's "
                 "ValueError comes from its divisibility check meeting 1.5 before any type check")
_REFERENCE = ("PyTorch has no LocallyConnected2d: the ValueError is the test's reference layer (its input_size "
              "check, or nn.Conv2d's string padding, which this layer does not take); a str here is a wrong type")
KEPT_CLASSES: dict[str, str] = {
    "nn.Embedding[padding_idx=1.5]": ("a float padding_idx is a wrong type (TypeError); PyTorch's IndexError comes "
                                      "from indexing its weight with 1.5, not from a check"),
    "nn.EmbeddingBag[padding_idx=1.5]": ("a float padding_idx is a wrong type (TypeError); PyTorch's IndexError "
                                         "comes from indexing its weight with 1.5, not from a check"),
    "nn.GroupNorm[num_channels=1.5]": _DIVISIBILITY,
    "nn.LocallyConnected2d[input_size='x']": _REFERENCE,
    "nn.LocallyConnected2d[padding='bogus']": _REFERENCE,
}
for _layer in ("nn.Conv1d", "nn.Conv2d", "nn.ConvTranspose2d", "nn.ConvTranspose1d", "nn.LocallyConnected2d"):
    for _arg in ("in_channels", "out_channels", "groups")[:2 if _layer == "nn.LocallyConnected2d" else 3]:
        KEPT_CLASSES[f"{_layer}[{_arg}=1.5]"] = _DIVISIBILITY

RESULTS: list = []  # (case, verdict) of every case run in this session


def check_spec(spec: walk.Spec, torch: Any, extensions: Optional[dict] = None, non_finite_order: Optional[dict] = None,
               kept_classes: Optional[dict] = None) -> None:
    """Every case of spec judged against PyTorch; a table with documented differences of its own passes its
    dicts (a copy of this module's with its entries added) in place of this module's."""
    findings = []
    for case in walk.cases(spec):
        verdict = walk.run_case(case, torch, EXTENSIONS if extensions is None else extensions,
                                NON_FINITE_ORDER if non_finite_order is None else non_finite_order,
                                KEPT_CLASSES if kept_classes is None else kept_classes)
        RESULTS.append((case, verdict))
        if case.family == "valid" and verdict.status not in ("equal", "clean"):  # nn.Module() raises in both
            findings.append(f"  the table's valid call is not equal to PyTorch's: {case.describe()}\n"
                            f"      {verdict.status}: {verdict.detail}")
        elif not verdict.ok:
            findings.append(f"  {case.describe()}\n      {verdict.status}: {verdict.detail}")
    if findings:
        raise AssertionError(f"{spec.id}: {len(findings)} bad behaviour(s)\n" + "\n".join(findings))


def summary(results: list) -> list[str]:
    counts = walk.tally([v for _, v in results])
    lines = [", ".join(f"{k}: {v}" for k, v in counts.items())]
    by_status = collections.Counter(v.status for _, v in results if not v.ok)
    if by_status:
        lines.append("left, by kind: " + ", ".join(f"{k} {n}" for k, n in by_status.most_common()))
    by_family = collections.Counter(c.family for c, _ in results)
    lines.append("cases by family: " + ", ".join(f"{k} {n}" for k, n in sorted(by_family.items())))
    return lines
