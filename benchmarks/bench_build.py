"""Build throughput: newslens against the plain nltk + pandas way, side by side in one run.

The baseline is what a user would otherwise write: read each file, untrained nltk Punkt for
sentences, the Treebank tokenizer, nltk's VADER per sentence, collections.Counter for term
counts and pandas for the tables. It does no cleaning, no quote detection, no attribution, no
frame tagging and no caching, so it does less work than newslens, whose full build also
attributes every quote to a speaker and tags every sentence with the default codebook and the
cue lexicons. A second newslens row without those two stages shows what they cost. Every run
starts cold (newslens gets an empty store).

    python benchmarks/bench_build.py --articles 2000 [--workers 2]

Prints articles/second for each, the ratios, and checks that newslens' sentence scores equal
nltk's VADER on the same sentences.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpusgen import write_corpus  # noqa: E402


def baseline(root: Path) -> dict[str, pd.DataFrame]:
    from newslens.resources import nltk_vader
    from nltk.tokenize import PunktSentenceTokenizer, TreebankWordTokenizer

    punkt, treebank, sia = PunktSentenceTokenizer(), TreebankWordTokenizer(), nltk_vader()
    rows, terms = [], []
    with (root / "articles.csv").open(encoding="utf-8") as f:
        manifest = list(csv.DictReader(f))
    for rec in manifest:
        text = (root / rec["file"]).read_text(encoding="utf-8")
        counts: Counter[str] = Counter()
        for i, sent in enumerate(punkt.tokenize(text)):
            toks = treebank.tokenize(sent)
            counts.update(t.lower() for t in toks)
            s = sia.polarity_scores(sent)
            rows.append(
                (rec["id"], rec["outlet"], i, sent, s["neg"], s["neu"], s["pos"], s["compound"])
            )
        terms.extend((rec["id"], t, c) for t, c in counts.items())
    return {
        "sentences": pd.DataFrame(
            rows,
            columns=["article_id", "outlet", "sentence", "text", "neg", "neu", "pos", "compound"],
        ),
        "terms": pd.DataFrame(terms, columns=["article_id", "term", "count"]),
    }


def timed(fn, *args, **kw):
    t = time.perf_counter()
    out = fn(*args, **kw)
    return out, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--check", type=int, default=3000, help="sentences checked for identical scores"
    )
    a = ap.parse_args()

    from newslens import build
    from newslens.resources import nltk_vader

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        root = write_corpus(tmp / "corpus", a.articles, seed=a.seed)
        n = a.articles
        base, t_base = timed(baseline, root)
        one, t_one = timed(
            build.build, root, out=tmp / "one", store=tmp / "s1", workers=1, batch_size=100
        )
        rows = [("nltk + pandas baseline (1 process)", t_base, n / t_base, 1.0)]
        rows.append(("newslens build, 1 process", t_one, n / t_one, t_base / t_one))
        _, t_bare = timed(
            build.build,
            root,
            out=tmp / "bare",
            store=tmp / "s0",
            workers=1,
            batch_size=100,
            attribution=False,
            codebooks=(),
        )
        rows.append(
            ("  same without attribution and frame tags", t_bare, n / t_bare, t_base / t_bare)
        )
        if a.workers > 1:
            _, t_par = timed(
                build.build,
                root,
                out=tmp / "par",
                store=tmp / "s2",
                workers=a.workers,
                batch_size=100,
            )
            rows.append(
                (f"newslens build, {a.workers} processes", t_par, n / t_par, t_base / t_par)
            )
        cached, t_cached = timed(build.build, root, out=tmp / "one", store=tmp / "s1", workers=1)
        rows.append(("newslens rerun (cache)", t_cached, n / t_cached, t_base / t_cached))
        # incremental: add 1% new articles
        extra = max(1, n // 100)
        write_corpus(root, extra, seed=a.seed, start=n)
        _, t_inc = timed(
            build.build, root, out=tmp / "one", store=tmp / "s1", workers=1, batch_size=100
        )

        print(
            f"\nbuild throughput on a generated corpus of {n} articles "
            f"({len(one.sentences)} newslens sentences, {len(base['sentences'])} baseline sentences, "
            f"{len(one.attributions)} attributed quotes, {len(one.frames)} frame and cue tags)\n"
        )
        print(f"{'run':42} {'seconds':>9} {'articles/s':>11} {'x baseline':>11}")
        for name, t, rate, ratio in rows:
            print(f"{name:42} {t:9.2f} {rate:11.1f} {ratio:11.2f}")
        if a.workers > 1:
            print(
                f"\nparallel efficiency with {a.workers} processes: "
                f"{(t_one / t_par) / a.workers:.2f} (speed-up {t_one / t_par:.2f}x; target >= 0.9 x N)"
            )
        print(
            f"incremental: +{extra} articles ({extra / n:.0%}) rebuilt in {t_inc:.2f}s = "
            f"{t_inc / t_one:.1%} of the full single-process build (target <= 5%)"
        )

        sia = nltk_vader()
        sample = one.sentences.head(a.check)
        ref = [sia.polarity_scores(t)["compound"] for t in sample["text"]]
        same = sum(r == c for r, c in zip(ref, sample["compound"]))
        print(f"identical VADER compound scores: {same}/{len(sample)} sentences")


if __name__ == "__main__":
    main()
