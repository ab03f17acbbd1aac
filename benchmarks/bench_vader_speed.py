"""VADER speed: nltk's SentimentIntensityAnalyzer vs newslens.sentiment.score_sentences.

Both score the same sentences in the same run, the scores are checked to be identical, and
the sentences per second of each are printed side by side with their ratio, for two inputs:

* ``distinct, cold``: every distinct sentence of the NYT editorial snippets and the sample
  corpus (about 5,300), so the per-call memo of repeated sentences saves nothing, with
  newslens's token cache emptied before each run: the speed on a first batch;
* ``distinct, warm``: the same with the token cache filled by earlier calls, as in any batch
  after the first of a large corpus (the vocabulary repeats; the cache is bounded);
* ``with repeats``: the same sentences cycled to ``--n``, as in a corpus with syndicated copies,
  where the memo also helps (nltk has no such memo).

Each scorer is timed ``--repeat`` times and the best run is kept (least disturbed by other
processes on a shared machine).

Run: ``.venv/bin/python benchmarks/bench_vader_speed.py [--n 20000] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

from newslens import resources, sentiment

NYT = Path("/work/shared/eval/vader_nyt/nytEditorialSnippets_GroundTruth.txt")


def sentences(n: int) -> list[str]:
    """``n`` sentences: the NYT snippets and the sample corpus's sentences, cycled."""
    pool: list[str] = []
    if NYT.is_file():
        pool += [
            line.rstrip("\n").split("\t", 2)[2]
            for line in NYT.open(encoding="utf-8")
            if line.count("\t") >= 2
        ]
    try:
        import newslens

        pool += newslens.load_corpus().sentences["text"].tolist()
    except Exception as exc:  # the benchmark still runs on the NYT snippets alone
        print(f"(sample corpus not used: {exc})", file=sys.stderr)
    if not pool:
        raise SystemExit("no sentences: neither the NYT file nor the sample corpus is available")
    return list(itertools.islice(itertools.cycle(pool), n))


def best_time(fn, repeat: int, *, setup=None) -> float:
    best = float("inf")
    for _ in range(repeat):
        if setup is not None:
            setup()
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=20000, help="sentences to score")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per scorer")
    args = parser.parse_args(argv)
    cycled = sentences(args.n)
    distinct = list(dict.fromkeys(cycled))
    sia = resources.nltk_vader()
    sentiment.score_sentences(["warm-up"])  # load the lexicon outside the timing, as nltk's init

    ref = [sia.polarity_scores(t) for t in distinct]
    ours = sentiment.score_sentences(distinct)
    mismatches = sum(
        (r["neg"], r["neu"], r["pos"], r["compound"]) != tuple(row)
        for r, row in zip(ref, ours.itertuples(index=False), strict=True)
    )
    print(
        f"scores identical on {len(distinct)} distinct sentences: {mismatches == 0} "
        f"({mismatches} mismatches); best of {args.repeat} runs"
    )
    print(f"{'input':14s} {'sentences':>9s} {'nltk s/s':>10s} {'newslens s/s':>13s} {'ratio':>6s}")
    cases = (
        ("distinct, cold", distinct, sentiment._TOKENS.clear),
        ("distinct, warm", distinct, None),
        ("with repeats", cycled, None),
    )
    for name, texts, setup in cases:
        t_nltk = best_time(lambda texts=texts: [sia.polarity_scores(t) for t in texts], args.repeat)
        t_ours = best_time(
            lambda texts=texts: sentiment.score_sentences(texts), args.repeat, setup=setup
        )
        print(
            f"{name:14s} {len(texts):9d} {len(texts) / t_nltk:10,.0f} "
            f"{len(texts) / t_ours:13,.0f} {t_nltk / t_ours:5.1f}x"
        )
    return 0 if mismatches == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
