"""Scale: peak memory and throughput of the full build as the corpus grows (issue 7).

For each size, a generated corpus shaped like the sample is built from scratch in a fresh
process with N worker processes; the script prints articles/second and the peak resident
memory (sampled every 100 ms with psutil) of the main process, of the workers together, and of
the whole process tree at once.

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
    import json, sys, threading, time
    from pathlib import Path
    import psutil
    from newslens import build
    root, out, workers = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    me = psutil.Process()
    peak = {"main": 0, "workers": 0, "total": 0}
    done = threading.Event()

    def sample():
        # Every 100 ms: RSS of this process and of all its descendants (pool workers are
        # grandchildren via the forkserver), so the total is what the build held at once.
        while not done.wait(0.1):
            try:
                main = me.memory_info().rss
                kids = sum(c.memory_info().rss for c in me.children(recursive=True))
            except psutil.Error:
                continue
            peak["main"] = max(peak["main"], main)
            peak["workers"] = max(peak["workers"], kids)
            peak["total"] = max(peak["total"], main + kids)

    threading.Thread(target=sample, daemon=True).start()
    t = time.perf_counter()
    build.build(root, out=out / "tables", store=out / "store", workers=workers, batch_size=100)
    seconds = time.perf_counter() - t
    done.set()
    info = json.loads((out / "tables" / "_corpus.json").read_text())
    mib = 1024 * 1024
    print(json.dumps({"seconds": seconds, "articles": info["articles"], "main_mib": peak["main"] / mib,
                      "worker_mib": peak["workers"] / mib, "total_mib": peak["total"] / mib}))
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
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--tmp", default=None, help="work folder (default: a temporary one)")
    a = ap.parse_args()
    base = Path(a.tmp or tempfile.mkdtemp(prefix="newslens-scale-"))
    t = time.perf_counter()
    full = write_corpus(base / "all", max(a.sizes), seed=a.seed)
    print(
        f"generated {max(a.sizes)} articles in {time.perf_counter() - t:.0f}s under {base}",
        flush=True,
    )
    print(
        f"\n{'articles':>9} {'workers':>7} {'seconds':>9} {'articles/s':>11} {'main MiB':>9} {'workers MiB':>12} {'total MiB':>10}"
    )
    for n in sorted(a.sizes):
        root = subset(full, base / f"n{n}", n)
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, str(root), str(base / f"out{n}"), str(a.workers)],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        print(
            f"{r['articles']:9d} {a.workers:7d} {r['seconds']:9.1f} {r['articles'] / r['seconds']:11.1f} "
            f"{r['main_mib']:9.0f} {r['worker_mib']:12.0f} {r['total_mib']:10.0f}",
            flush=True,
        )
    print(
        "\npeak resident memory sampled every 100 ms: the main process, all worker processes "
        "together, and the process tree in total. Target: total <= 1.5 GB at 100k and not growing."
    )


if __name__ == "__main__":
    main()
