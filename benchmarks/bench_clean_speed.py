"""Speed of newslens.clean.article now against an earlier git revision, side by side.

The old ``lib/newslens/clean.py`` is read with ``git show REV:...`` and loaded as a separate
module, so both versions run in the same process on the same pages: the sample corpus, the
plain-text fixture pages and a generated corpus (``corpusgen.py``). They alternate round by
round, so load from other jobs on a shared machine hits both alike and the ratio stays
meaningful when the absolute rates do not. Every page's ``to_dict()`` and paragraph line
numbers are compared too: a speed-up that changes an output is reported as a failure.

Each round cleans the same pages again, so caches of lines seen in an earlier round make a
small page set look faster than a build, which sees every page once; ``--cold`` empties both
versions' per-line caches before every round (the compiled furniture is kept), so only the
repetition across pages of one round is remembered, as in a build.

Usage:
    .venv/bin/python benchmarks/bench_clean_speed.py                    # against 4472df2
    .venv/bin/python benchmarks/bench_clean_speed.py --rev HEAD~3 --seconds 10 --generated 300
    .venv/bin/python benchmarks/bench_clean_speed.py --rev HEAD~1 --cold --generated 1000
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

from newslens import clean

ROOT = Path(__file__).resolve().parent.parent
# the last revision of clean.py before the speed work of issue 7
DEFAULT_REV = "4472df2"


def load_revision(rev: str) -> ModuleType:
    """``lib/newslens/clean.py`` as it was at git revision ``rev``, as a module of its own."""
    try:
        source = subprocess.run(
            ["git", "show", f"{rev}:lib/newslens/clean.py"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    except subprocess.CalledProcessError as exc:
        raise SystemExit(
            f"--rev {rev!r}: git cannot show clean.py there ({exc.stderr.strip()})"
        ) from None
    name = f"newslens_clean_at_{rev.replace('~', '_').replace('^', '_')}"
    spec = importlib.util.spec_from_loader(name, loader=None)
    module = importlib.util.module_from_spec(spec)
    module.__file__ = f"{rev}:lib/newslens/clean.py"
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module


def pages(generated: int, seed: int) -> dict[str, list[str]]:
    """Plain-text pages by set: the sample, the fixture pages, a generated corpus."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import corpusgen

    out = {
        "sample": [
            p.read_text(encoding="utf-8") for p in sorted((ROOT / "data/raw").glob("*.txt"))
        ],
        "fixtures": [
            p.read_text(encoding="utf-8")
            for p in sorted((ROOT / "tests/fixtures/pages").glob("*.txt"))
        ],
    }
    with tempfile.TemporaryDirectory() as tmp:
        corpusgen.write_corpus(Path(tmp), generated, seed=seed)
        out["generated"] = [
            p.read_text(encoding="utf-8") for p in sorted(Path(tmp).glob("raw/*/*.txt"))
        ]
    return out


def _result(art) -> tuple:
    return art.to_dict(), art.paragraph_lines


def same_outputs(old: ModuleType, texts: list[str]) -> int:
    """How many pages give a different result (with and without ``keep_captions``)."""
    return sum(
        _result(old.article(t, keep_captions=k)) != _result(clean.article(t, keep_captions=k))
        for t in texts
        for k in (False, True)
    )


# caches of the furniture file itself, which a build fills once
_KEEP_CACHES = frozenset({"_read_furniture", "_compile_furniture", "_date_words"})


def clear_line_caches(module: ModuleType) -> None:
    """Empty the per-line caches of a clean module: its lru caches and the line labels its
    compiled furniture remembers (when that version has them)."""
    for name, obj in vars(module).items():
        if name not in _KEEP_CACHES and callable(getattr(obj, "cache_clear", None)):
            obj.cache_clear()
    labels = getattr(module.load_furniture(), "line_labels", None)
    if labels is not None:
        labels.clear()


def speed(
    old: ModuleType, texts: list[str], seconds: float, *, cold: bool = False, cpu: bool = False
) -> tuple[float, float, int]:
    """Articles per second of the old and the current clean.article, measured alternately.

    With ``cpu``, the time is this process's CPU time, which time spent waiting for a core
    taken by other jobs does not count.
    """
    clock = time.process_time if cpu else time.perf_counter
    spent = {"old": 0.0, "new": 0.0}
    rounds = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds or rounds == 0:
        for name, module in (("old", old), ("new", clean)):
            if cold:
                clear_line_caches(module)
            fn = module.article
            t0 = clock()
            for t in texts:
                fn(t)
            spent[name] += clock() - t0
        rounds += 1
    n = rounds * len(texts)
    return n / spent["old"], n / spent["new"], n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", default=DEFAULT_REV, help="git revision to compare against")
    parser.add_argument("--seconds", type=float, default=4.0, help="time budget for each page set")
    parser.add_argument("--generated", type=int, default=200, help="generated articles")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated corpus")
    parser.add_argument(
        "--cold",
        action="store_true",
        help="empty the per-line caches before every round (pages are new to the cleaner)",
    )
    parser.add_argument(
        "--cpu", action="store_true", help="count CPU time, not wall time (for a busy machine)"
    )
    args = parser.parse_args(argv)
    old = load_revision(args.rev)
    sets = pages(args.generated, args.seed)
    for texts in sets.values():  # compile the lazily built rule alternations of both versions
        for t in texts[:50]:
            old.article(t)
            clean.article(t)
    print(
        f"clean.article at {args.rev} (old) and now (new), side by side"
        + (", per-line caches emptied every round" if args.cold else "")
        + (", CPU time:" if args.cpu else ":")
    )
    print(
        f"{'pages':10s} {'n':>5s} {'old art/s':>10s} {'new art/s':>10s} {'speed-up':>9s}  outputs"
    )
    failed = False
    for name, texts in sets.items():
        differ = same_outputs(old, texts)
        failed |= differ > 0
        r_old, r_new, _ = speed(old, texts, args.seconds, cold=args.cold, cpu=args.cpu)
        print(
            f"{name:10s} {len(texts):5d} {r_old:10,.0f} {r_new:10,.0f} {r_new / r_old:8.2f}x  "
            + ("identical" if not differ else f"{differ} DIFFER")
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
