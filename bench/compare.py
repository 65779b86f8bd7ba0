"""Run benchmarks for two checkouts back to back, interleaved, and keep every output.

    python bench/compare.py OLD_DIR NEW_DIR --rounds 2 --out LOGDIR claim commit ...

OLD_DIR and NEW_DIR are checkouts of the repository (e.g. `git worktree add /tmp/old REV`).
Each run is `python -m bench NAME` with cwd and PYTHONPATH set to that checkout, so its
own `app`, `db`, `bench` and `widgets` are imported (the same interpreter for both). For
each round and each benchmark the old checkout runs, then the new one, so a noisy shared
machine loads both alike. Every run's output goes to LOGDIR/NAME.rN.old|new.log, and one
line per run (wall-clock start, seconds, load average, exit status) to LOGDIR/runs.tsv.
Not a benchmark itself (no `run`), so `python -m bench` does not list it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path


def run_one(checkout: Path, name: str, log: Path) -> tuple[float, int]:
    """Run one benchmark in checkout, output to log; (seconds, exit status)."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    start = time.perf_counter()
    with log.open("w") as out:
        done = subprocess.run(
            [sys.executable, "-m", "bench", name],
            cwd=checkout,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    return time.perf_counter() - start, done.returncode


def main(argv: list[str]) -> int:
    """Entry point; returns the process exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("names", nargs="+")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    runs = args.out / "runs.tsv"
    failed = 0
    for r in range(1, args.rounds + 1):
        for name in args.names:
            for label, checkout in (("old", args.old), ("new", args.new)):
                started = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
                load = os.getloadavg()[0]
                log = args.out / f"{name}.r{r}.{label}.log"
                seconds, status = run_one(checkout.resolve(), name, log)
                failed += status != 0
                line = f"{name}\t{r}\t{label}\t{started}\t{seconds:.0f}\t{load:.2f}\t{status}"
                with runs.open("a") as out:
                    out.write(line + "\n")
                print(line, flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
