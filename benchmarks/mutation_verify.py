"""Mutation check for `tinygrad-edu verify`: plant each realistic bug of tests/derivations/mutants.py (one at a
time, by monkeypatching; nothing on disk changes), run every shipped claim, and report which claims catch it
(a claim that merely crashes under the bug is not counted). Mutants marked 'lecture δ: no' change something the
lecture does not state (fold, leaky ReLU); verify is not required to catch them.
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
    parser.add_argument("--only", default="", help="comma-separated mutant names (default: all)")
    args = parser.parse_args()
    claims = [(d, c) for d in load().derivations for c in d.claims]
    chosen = [m for m in REALISTIC if not args.only or m.name in args.only.split(",")]
    caught = missed_gradient = 0
    print(f"{'mutant':<6} {'lecture δ':<9} {'caught by':<10} {'seconds':>7}  description / catching claims")
    for mutant in chosen:
        start = time.perf_counter()
        with mutant.apply():
            results = [(d, c, c.check(budget=args.budget, explain=0)) for d, c in claims]
        failing = [f"{d.id}:{c.name or ','.join(c.formulas)}" for d, c, r in results
                   if not r.passed and not r.authoring_error]
        caught += bool(failing)
        missed_gradient += mutant.gradient and not failing
        print(f"{mutant.name:<6} {'yes' if mutant.gradient else 'no':<9} {len(failing):>3} claims "
              f"{time.perf_counter() - start:>7.1f}  {mutant.description}")
        print(f"{'':<37}{', '.join(failing) or 'NOT CAUGHT'}", flush=True)
    gradient = sum(m.gradient for m in chosen)
    print(f"\nverify catches {caught}/{len(chosen)} mutants, {gradient - missed_gradient}/{gradient} of those that "
          f"change a lecture-stated gradient ({len(claims)} claims)")
    return 0 if missed_gradient == 0 else 1

if __name__ == "__main__":
    sys.exit(main())
