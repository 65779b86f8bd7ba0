"""`python -m bench` lists the benchmarks; `python -m bench NAME [NAME ...]` runs them
(`python -m bench startup --million`: options go to the benchmarks that take them)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from pathlib import Path


def discover() -> dict[str, str]:
    """Benchmark name -> first docstring line, for every public module in this package."""
    found: dict[str, str] = {}
    for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"bench.{info.name}")
        if hasattr(module, "run"):
            found[info.name] = (module.__doc__ or "").strip().splitlines()[0]
    return found


def main(argv: list[str]) -> int:
    """Entry point; returns the process exit status."""
    benchmarks = discover()
    if not argv:
        width = max((len(n) for n in benchmarks), default=0)
        for name, summary in sorted(benchmarks.items()):
            print(f"{name:<{width}}  {summary}")
        return 0
    # Options (`--million --runs 7`: from the first argument starting with "-" on) go to
    # the benchmarks named before them, which must take options.
    first = next((n for n, arg in enumerate(argv) if arg.startswith("-")), len(argv))
    argv, options = argv[:first], argv[first:]
    unknown = [name for name in argv if name not in benchmarks]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(sorted(benchmarks))}")
        return 2
    for name in argv:
        print(f"== {name}: {benchmarks[name]}")
        run = importlib.import_module(f"bench.{name}").run
        if options and not inspect.signature(run).parameters:
            print(f"{name} takes no options (given: {' '.join(options)})")
            return 2
        run(options) if options else run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
