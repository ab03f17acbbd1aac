"""Frame tagging speed: the plain reference against tag_sentences, and tag_many against
one tag_sentences call per codebook.

Per codebook (``--what reference``): the sample corpus' sentences are repeated (with distinct
article ids) to a chosen size and tagged with every shipped codebook and the cue lexicons,
twice per round: once with the plain reference (``framing._tag_reference``: every frame's full
regex on every sentence) and once with ``framing.tag_sentences`` (the same regexes, only on the
sentences the prefilter keeps). The two tables must be identical.

Several codebooks at once (``--what many``), as the build tags them: the sentences of
``--articles`` generated articles (``benchmarks/corpusgen.py``), in batches of ``--batch``
articles, are tagged with ``--codebooks`` (the build's default pair) either by one
``tag_sentences`` call per codebook, stacked with ``pd.concat`` (what the build did), or by one
``framing.tag_many`` call. ``--baseline FILE`` also times the stacked calls of another
version of ``framing.py`` (e.g. ``git show HEAD~3:lib/newslens/framing.py > /tmp/old.py``).
The tables must be identical, row for row and type for type.

Every method is timed in the same process, alternately, and the best (and median) of
``--rounds`` rounds is kept, because the machine is shared and single timings are noisy.

    python benchmarks/bench_framing.py --what reference --repeat 30
    python benchmarks/bench_framing.py --what many --articles 300 --rounds 15 --baseline /tmp/old.py
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

import newslens
import pandas as pd
from newslens import framing

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpusgen import write_corpus  # noqa: E402


def timed(fn, *args) -> tuple[float, pd.DataFrame]:
    t = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t, out


def reference(a: argparse.Namespace) -> bool:
    base = newslens.load_corpus().sentences
    frames = []
    for i in range(a.repeat):
        copy = base.copy()
        copy["article_id"] = copy["article_id"] + f"#{i}"
        frames.append(copy)
    sents = pd.concat(frames, ignore_index=True)
    n = len(sents)
    print(f"{n} sentences ({a.repeat} copies of the sample corpus), best of {a.rounds} rounds\n")
    print(
        f"{'lexicon':32} {'compile s':>9} {'reference/s':>12} {'tag/s':>9} {'ratio':>6} "
        f"{'matches':>8} identical"
    )
    books = [
        (row.name, lambda name=row.name: framing.load_codebook(name))
        for row in framing.available_codebooks().itertuples()
    ]
    books.append(("cues (data/cues.yml)", framing.load_cues))
    all_same = True
    for name, load in books:
        t = time.perf_counter()
        book = load()
        framing.tag_sentences(sents.head(50), book)  # first call compiles the prefilter
        compile_s = time.perf_counter() - t
        ref_s = new_s = float("inf")
        for _ in range(a.rounds):  # alternate, so both see the same load on the machine
            s, ref = timed(framing._tag_reference, sents, book)
            ref_s = min(ref_s, s)
            s, new = timed(framing.tag_sentences, sents, book)
            new_s = min(new_s, s)
        try:
            pd.testing.assert_frame_equal(new, ref)
            same = True
        except AssertionError:
            same = all_same = False
        print(
            f"{name:32} {compile_s:9.2f} {n / ref_s:12.0f} {n / new_s:9.0f} "
            f"{ref_s / new_s:6.1f} {len(new):8d} {'yes' if same else 'NO'}"
        )
    return all_same


def load_module(path: Path) -> ModuleType:
    """Another version of newslens.framing, imported from a file."""
    spec = importlib.util.spec_from_file_location("framing_baseline", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"--baseline {path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def load_books(module: ModuleType, names: list[str]) -> list:
    return [module.load_cues() if n == "cues" else module.load_codebook(n) for n in names]


def stacked(module: ModuleType, books: list, sents: pd.DataFrame) -> pd.DataFrame:
    """One tag_sentences call per codebook, non-empty tables stacked (the build's old way)."""
    tagged = [t.assign(codebook=b.name) for b in books if len(t := module.tag_sentences(sents, b))]
    return pd.concat(tagged, ignore_index=True)


def generated_batches(n_articles: int, batch: int, seed: int) -> list[pd.DataFrame]:
    """The sentences of generated articles, split as the build splits them into batches."""
    from newslens import build

    with tempfile.TemporaryDirectory() as tmp:
        root = write_corpus(Path(tmp) / "corpus", n_articles, seed=seed)
        corpus = build.build(
            root,
            out=Path(tmp) / "out",
            store=Path(tmp) / "store",
            workers=1,
            attribution=False,
            codebooks=(),
        )
        sents = corpus.sentences[["article_id", "outlet", "sentence", "text", "start"]]
    ids = list(dict.fromkeys(sents["article_id"]))
    groups = [set(ids[i : i + batch]) for i in range(0, len(ids), batch)]
    return [sents[sents["article_id"].isin(g)].reset_index(drop=True) for g in groups]


def many(a: argparse.Namespace) -> bool:
    batches = generated_batches(a.articles, a.batch, a.seed)
    n = sum(map(len, batches))
    books = load_books(framing, a.codebooks)
    methods = {
        "tag_sentences per codebook + concat": lambda s: stacked(framing, books, s),
        "tag_many": lambda s: framing.tag_many(s, books),
    }
    if a.baseline is not None:
        base = load_module(a.baseline)
        base_books = load_books(base, a.codebooks)
        methods = {
            "baseline: tag_sentences per codebook + concat": lambda s: stacked(base, base_books, s),
            **methods,
        }
    print(
        f"{a.articles} generated articles, {n} sentences in {len(batches)} batches of "
        f"{a.batch} articles; codebooks {', '.join(a.codebooks)}; {a.rounds} rounds\n"
    )
    results = {name: [fn(s) for s in batches] for name, fn in methods.items()}  # warm caches
    first = next(iter(results.values()))
    all_same = True
    for name, tables in results.items():
        for got, expected in zip(tables, first, strict=True):
            try:
                pd.testing.assert_frame_equal(got, expected)
                assert list(got.dtypes) == list(expected.dtypes)
            except AssertionError:
                all_same = False
                print(f"{name}: NOT the same table as {next(iter(results))}")
    # wall-clock time, and this process' CPU time (less sensitive to other jobs on the machine)
    times: dict[str, list[float]] = {name: [] for name in methods}
    cpu: dict[str, list[float]] = {name: [] for name in methods}
    for _ in range(a.rounds):  # alternate, so every method sees the same load on the machine
        for name, fn in methods.items():
            t, c = time.perf_counter(), time.process_time()
            for s in batches:
                fn(s)
            times[name].append(time.perf_counter() - t)
            cpu[name].append(time.process_time() - c)
    rows = sum(map(len, first))
    print(
        f"{'method':46} {'best ms':>8} {'median ms':>10} {'best cpu ms':>12} "
        f"{'median cpu ms':>14} {'ms/article':>10}"
    )
    for name, ts in times.items():
        print(
            f"{name:46} {min(ts) * 1000:8.1f} {statistics.median(ts) * 1000:10.1f} "
            f"{min(cpu[name]) * 1000:12.1f} {statistics.median(cpu[name]) * 1000:14.1f} "
            f"{min(ts) * 1000 / a.articles:10.3f}"
        )
    for name in methods:
        if name != "tag_many":
            ratios = [
                f"x{f(d[name]) / f(d['tag_many']):.2f} ({what})"
                for d, clock in ((times, "wall"), (cpu, "cpu"))
                for f, what in ((min, f"best {clock}"), (statistics.median, f"median {clock}"))
            ]
            print(f"tag_many speed-up over {name}: {', '.join(ratios)}")
    print(f"{rows} rows; identical: {'yes' if all_same else 'NO'}")
    return all_same


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--what", choices=["reference", "many", "both"], default="both")
    ap.add_argument("--repeat", type=int, default=50, help="copies of the sample's sentences")
    ap.add_argument("--rounds", type=int, default=3, help="timings per method; the best is kept")
    ap.add_argument("--articles", type=int, default=300, help="generated articles (many)")
    ap.add_argument("--batch", type=int, default=100, help="articles per call (many)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the generated articles")
    ap.add_argument(
        "--codebooks",
        nargs="+",
        default=["semetko_valkenburg_2000", "cues"],
        help="codebooks of the many comparison ('cues' = the shipped cue lexicons)",
    )
    ap.add_argument("--baseline", type=Path, default=None, help="another framing.py to time")
    a = ap.parse_args()
    ok = True
    if a.what in ("reference", "both"):
        ok &= reference(a)
    if a.what == "both":
        print()
    if a.what in ("many", "both"):
        ok &= many(a)
    if not ok:
        raise SystemExit("the tables differ: see the rows marked NO")


if __name__ == "__main__":
    main()
