"""Mutation check for `tinygrad-edu verify`: plant each realistic bug of tests/derivations/mutants.py (one at a
time, by monkeypatching; nothing on disk changes), run every shipped claim, and report which claims catch it
(a claim that merely crashes under the bug is not counted).
The catch rate of verify is the number this prints.

Run: python benchmarks/mutation_verify.py [--budget SECONDS]
"""
import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.derivations.mutants import REALISTIC  # noqa: E402
from tinygrad_edu.symbolic import load  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=5.0, help="simplification seconds per claim")
    args = parser.parse_args()
    claims = [(d, c) for d in load().derivations for c in d.claims]
    caught = 0
    print(f"{'mutant':<6} {'caught by':<10} {'seconds':>7}  description / first catching claims")
    for mutant in REALISTIC:
        start = time.perf_counter()
        with mutant.apply():
            results = [(d, c, c.check(budget=args.budget, explain=0)) for d, c in claims]
        failing = [f"{d.id}:{c.name or ','.join(c.formulas)}" for d, c, r in results
                   if not r.passed and not r.authoring_error]
        caught += bool(failing)
        print(f"{mutant.name:<6} {len(failing):>3} claims {time.perf_counter() - start:>7.1f}  {mutant.description}")
        print(f"{'':<26}{', '.join(failing[:4]) + (' …' if len(failing) > 4 else '') or 'NOT CAUGHT'}")
    print(f"\nverify catches {caught}/{len(REALISTIC)} mutants ({len(claims)} claims)")
    return 0 if caught == len(REALISTIC) else 1


if __name__ == "__main__":
    sys.exit(main())
