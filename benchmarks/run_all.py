"""Run every benchmark in this folder, one after another, and print what each measured.

    python benchmarks/run_all.py            # all of them, with their default sizes
    python benchmarks/run_all.py clean vader_nyt   # only some (name after bench_)

Each benchmark prints its own table of figures and ratios measured side by side in one run.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if argv:
        wanted = {f"bench_{a.removeprefix('bench_').removesuffix('.py')}.py" for a in argv}
        unknown = wanted - {s.name for s in scripts}
        if unknown:
            print(
                f"unknown benchmark(s): {', '.join(sorted(unknown))}; have: "
                f"{', '.join(s.stem.removeprefix('bench_') for s in scripts)}",
                file=sys.stderr,
            )
            return 2
        scripts = [s for s in scripts if s.name in wanted]
    failed = []
    for script in scripts:
        print(f"\n{'=' * 100}\n{script.name}\n{'=' * 100}", flush=True)
        started = time.perf_counter()
        rc = subprocess.call([sys.executable, str(script)], cwd=HERE.parent)
        print(f"[{script.name}: exit {rc}, {time.perf_counter() - started:.0f}s]", flush=True)
        if rc:
            failed.append(script.name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
