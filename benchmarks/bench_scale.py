"""Scale: peak memory and throughput of the full build as the corpus grows (issue 7).

For each size, a generated corpus shaped like the sample is built from scratch in a fresh
process with N worker processes; the script prints articles/second and the peak resident
memory of the main process and of the largest worker (ru_maxrss), and their sum as an upper
bound of what the build held at once.

    python benchmarks/bench_scale.py --sizes 10000 50000 100000 --workers 2

The files are generated once for the largest size and hard-linked into one folder per size.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpusgen import write_corpus  # noqa: E402

CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    from pathlib import Path
    from newslens import build
    root, out, workers = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    t = time.perf_counter()
    c = build.build(root, out=out / "tables", store=out / "store", workers=workers, batch_size=100)
    seconds = time.perf_counter() - t
    info = json.loads((out / "tables" / "_corpus.json").read_text())
    print(json.dumps({
        "seconds": seconds, "articles": info["articles"],
        "main_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }))
    """
)


def subset(src: Path, dst: Path, n: int) -> Path:
    """A corpus folder holding the first n articles of src (hard links, own manifest)."""
    lines = (src / "articles.csv").read_text().splitlines()
    dst.mkdir(parents=True)
    (dst / "articles.csv").write_text("\n".join(lines[: n + 1]) + "\n")
    for line in lines[1 : n + 1]:
        rel = line.split(",")[1]
        (dst / rel).parent.mkdir(parents=True, exist_ok=True)
        os.link(src / rel, dst / rel)
    return dst


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--tmp", default=None, help="work folder (default: a temporary one)")
    a = ap.parse_args()
    base = Path(a.tmp or tempfile.mkdtemp(prefix="newslens-scale-"))
    t = time.perf_counter()
    full = write_corpus(base / "all", max(a.sizes), seed=a.seed)
    print(f"generated {max(a.sizes)} articles in {time.perf_counter() - t:.0f}s under {base}", flush=True)
    print(f"\n{'articles':>9} {'workers':>7} {'seconds':>9} {'articles/s':>11} {'main MiB':>9} {'worker MiB':>11} {'sum MiB':>8}")
    for n in sorted(a.sizes):
        root = subset(full, base / f"n{n}", n)
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, str(root), str(base / f"out{n}"), str(a.workers)],
            capture_output=True, text=True, check=True,
        )
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        total = r["main_mib"] + r["worker_mib"] * max(a.workers, 1)
        print(f"{r['articles']:9d} {a.workers:7d} {r['seconds']:9.1f} {r['articles'] / r['seconds']:11.1f} "
              f"{r['main_mib']:9.0f} {r['worker_mib']:11.0f} {total:8.0f}", flush=True)
    print("\npeak MiB: ru_maxrss of the main process and of the largest worker; 'sum' counts every "
          "worker at that peak (an upper bound). Target: <= 1.5 GB at 100k and not growing.")


if __name__ == "__main__":
    main()
