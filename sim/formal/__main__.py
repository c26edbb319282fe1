"""``python -m sim.formal [TASK ...] [--broken]``: run the formal tasks and print a table."""
from __future__ import annotations

import argparse
import sys

from . import DEFAULT_TASKS, TASKS, run


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m sim.formal", description=__doc__)
    ap.add_argument("tasks", nargs="*", help=f"tasks (default: {' '.join(DEFAULT_TASKS)}; all: {' '.join(TASKS)})")
    ap.add_argument("--broken", action="store_true", help="run the core proof on the broken variant (must FAIL)")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per task (default 1800)")
    a = ap.parse_args(argv)
    try:
        res = run(a.tasks or None, broken=a.broken, timeout=a.timeout)
    except (ValueError, RuntimeError) as exc:
        print(f"sim.formal: error: {exc}", file=sys.stderr)
        return 2
    print(f"{'task':16s} {'mode':6s} {'depth':>5s} {'result':8s} {'expected':8s} {'induction':9s} {'seconds':>8s}  what")
    for r in res:
        ind = "-" if r.induction is None else ("closed" if r.induction else "no")
        print(f"{r.task:16s} {r.mode:6s} {r.depth:5d} {r.status:8s} {r.expected:8s} {ind:9s} {r.seconds:8.1f}  {r.what}")
        if r.trace:
            print(f"  counterexample: {r.trace} (failed: {r.failed_assertion})")
        for line in r.log_tail:
            print(f"  | {line}")
    return 0 if all(r.ok for r in res) else 1


if __name__ == "__main__":
    sys.exit(main())
