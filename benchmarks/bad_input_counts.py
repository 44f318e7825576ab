"""Counts for issue 12's note: run the bad-input walk (tests/bad_input: the same tables and judge as the test
module) outside pytest and print cases tried, clean errors, results equal to PyTorch and the findings left.

    python benchmarks/bad_input_counts.py            # counts, by family and by op
    python benchmarks/bad_input_counts.py --list     # and every finding left: the call, ours, PyTorch's
    python benchmarks/bad_input_counts.py --only F.conv2d --list
"""
from __future__ import annotations

import argparse
import collections
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from tests.bad_input import table_functional, table_layers, table_tensor, walk  # noqa: E402
from tests.bad_input.check import EXTENSIONS, summary  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--list", action="store_true", help="print every finding left")
    parser.add_argument("--only", default="", help="only specs whose id contains this text")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    specs = table_functional.specs() + table_tensor.specs() + table_layers.specs()
    start, cpu = time.perf_counter(), os.times()
    results = []
    for spec in specs:
        if args.only and args.only not in spec.id:
            continue
        for case in walk.cases(spec):
            results.append((case, walk.run_case(case, torch, EXTENSIONS)))
    end = os.times()
    used = (end.user - cpu.user) + (end.system - cpu.system) + (end.children_user - cpu.children_user) + \
        (end.children_system - cpu.children_system)
    print(f"bad-input walk: {len({c.spec.id for c, _ in results})} specs in {time.perf_counter() - start:.1f} s "
          f"({used:.1f} s CPU)")
    for line in summary(results):
        print(line)
    per_op = collections.Counter(c.spec.id for c, v in results if not v.ok)
    if per_op:
        print("left, by op: " + ", ".join(f"{k} {n}" for k, n in per_op.most_common()))
    if args.list:
        for case, verdict in results:
            if not verdict.ok:
                print(f"{verdict.status:10s} {case.describe()}\n           {verdict.detail}")


if __name__ == "__main__":
    main()
