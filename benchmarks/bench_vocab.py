"""Time vocabulary counting and scoring on a generated corpus of thousands of articles.

The corpus is generated with a seed from the sentences of the sample corpus: every generated
article draws 15-60 sentences, each outlet with its own (Dirichlet) preference over the sentence
pool, so outlets differ the way real ones do (some stories and phrasings more than others), and
0-2 Zipf-distributed rare words are appended to each sentence to give the vocabulary a realistic
long tail.
Each figure is measured in this run, side by side with a reference where one exists:

* counting: ``vocab.term_counts`` (Counter per outlet) against a pandas explode + groupby of the
  same tokens; the ``terms``-table fast path against tokenising the sentences again;
* scoring: ``vocab.one_vs_rest`` (vectorised) against a per-term Python loop of Monroe et al.'s
  formulas (the shape of the widely copied reference implementation), with the largest absolute
  difference in zeta between the two;
* keyness, KWIC for the explorer's terms, the explorer page, MTLD with bootstrap intervals.

Usage::

    .venv/bin/python benchmarks/bench_vocab.py                 # 5,000 articles, 8 outlets
    .venv/bin/python benchmarks/bench_vocab.py --articles 500  # quick
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import newslens
import numpy as np
import pandas as pd
from newslens import explorer, segment, vocab


@dataclass
class SyntheticCorpus:
    """The attributes of a Corpus that vocab reads."""

    sentences: pd.DataFrame
    terms: pd.DataFrame


def generate(n_articles: int, n_outlets: int, *, seed: int) -> SyntheticCorpus:
    """A corpus of ``n_articles`` articles built from the sample corpus's sentences."""
    sample = newslens.load_corpus()
    pool = sample.sentences[["text", "in_quote"]].reset_index(drop=True)
    rng = np.random.default_rng(seed)
    outlets = [f"Outlet {chr(65 + k)}" for k in range(n_outlets)]
    prefs = rng.dirichlet(np.full(len(pool), 0.5), size=n_outlets)
    rows_article, rows_outlet, rows_idx, rows_sentence = [], [], [], []
    for a in range(n_articles):
        k = int(rng.integers(n_outlets))
        n = int(rng.integers(15, 61))
        idx = rng.choice(len(pool), size=n, p=prefs[k])
        rows_article.extend([f"art{a:06d}"] * n)
        rows_outlet.extend([outlets[k]] * n)
        rows_idx.extend(idx.tolist())
        rows_sentence.extend(range(n))
    sent = pool.iloc[rows_idx].reset_index(drop=True)
    # Real vocabularies have a long Zipf tail (names, places, numbers) that a pool of a few
    # hundred sentences lacks: append 0-2 Zipf-distributed rare words to each sentence.
    n_extra = rng.integers(0, 3, size=len(sent))
    ranks = np.minimum(rng.zipf(1.3, size=int(n_extra.sum())), 10**6)
    extra = iter(ranks.tolist())
    texts = [
        t + "".join(f" Name{next(extra)}" for _ in range(int(k)))
        for t, k in zip(sent["text"].tolist(), n_extra.tolist(), strict=True)
    ]
    sentences = pd.DataFrame(
        {
            "article_id": rows_article,
            "outlet": rows_outlet,
            "sentence": rows_sentence,
            "text": texts,
            "start": 0,
            "in_quote": sent["in_quote"].to_numpy(),
        }
    )
    # The terms table the build would write: lower-cased tokens per article and in_quote.
    counter: Counter = Counter()
    for aid, outlet, text, iq in zip(
        sentences["article_id"], sentences["outlet"], sentences["text"], sentences["in_quote"],
        strict=True,
    ):  # fmt: skip
        for tok in segment.tokens(text, lower=True):
            counter[(aid, outlet, tok, bool(iq))] += 1
    terms = pd.DataFrame(
        [(*key, c) for key, c in counter.items()],
        columns=["article_id", "outlet", "term", "in_quote", "count"],
    ).sort_values(["article_id", "term", "in_quote"], ignore_index=True)
    return SyntheticCorpus(sentences=sentences, terms=terms)


def timed(fn, *args, repeat: int = 1, **kwargs):
    best = math.inf
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn(*args, **kwargs)
        best = min(best, time.perf_counter() - t0)
    return out, best


def explode_groupby(sentences: pd.DataFrame, stop: frozenset[str]) -> pd.DataFrame:
    """Reference counter: tokens exploded into one row each, then pandas groupby."""
    toks = sentences["text"].map(lambda t: segment.tokens(t, lower=True))
    long = pd.DataFrame({"outlet": sentences["outlet"], "term": toks}).explode("term").dropna()
    long = long[~long["term"].isin(stop)]
    return long.groupby(["outlet", "term"], sort=True).size().rename("count").reset_index()


def loop_fightin_words(ya: dict[str, float], yb: dict[str, float], prior: dict[str, float]):
    """Reference: Monroe et al. (2008) eqs. 16, 19-22 one term at a time."""
    a0 = sum(prior.values())
    na, nb = sum(ya.values()), sum(yb.values())
    out = {}
    for w, aw in prior.items():
        a, b = ya.get(w, 0.0), yb.get(w, 0.0)
        delta = math.log((a + aw) / (na + a0 - a - aw)) - math.log((b + aw) / (nb + a0 - b - aw))
        out[w] = delta / math.sqrt(1 / (a + aw) + 1 / (b + aw))
    return out


def mb(df: pd.DataFrame) -> float:
    return df.memory_usage(deep=True).sum() / 2**20


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--articles", type=int, default=5000)
    ap.add_argument("--outlets", type=int, default=8)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=1, help="best of N runs for the timed steps")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    corpus = generate(args.articles, args.outlets, seed=args.seed)
    n_sent = len(corpus.sentences)
    n_tok = int(corpus.terms["count"].sum())
    print(
        f"generated corpus: {args.articles:,} articles, {args.outlets} outlets, {n_sent:,} "
        f"sentences, {n_tok:,} tokens (seed {args.seed}; {time.perf_counter() - t0:.1f} s)"
    )
    rows = []

    def report(step: str, seconds: float, note: str = "") -> None:
        rows.append((step, seconds, note))
        print(f"  {step:<44} {seconds:8.3f} s  {note}")

    print("counting")
    stop = vocab.stopword_set()
    ref, t_ref = timed(explode_groupby, corpus.sentences, stop, repeat=args.repeat)
    uni, t_uni = timed(vocab.term_counts, corpus.sentences, repeat=args.repeat)
    same = ref.reset_index(drop=True).equals(uni.reset_index(drop=True))
    report("reference: explode + groupby (unigrams)", t_ref, f"{len(ref):,} rows")
    report("term_counts, tokenising sentences", t_uni,
           f"{len(uni):,} rows, {t_uni / n_tok * 1e6:.2f} µs/token; same counts: {same}; "
           f"speed-up x{t_ref / t_uni:.2f}")  # fmt: skip
    fast, t_fast = timed(vocab.term_counts, corpus, repeat=args.repeat)
    report("term_counts, from the terms table", t_fast,
           f"x{t_uni / t_fast:.1f} faster than tokenising; same: {fast.equals(uni)}")  # fmt: skip
    bi, t_bi = timed(vocab.term_counts, corpus.sentences, ngram_range=(1, 2), repeat=args.repeat)
    report("term_counts, 1-2 grams", t_bi, f"{len(bi):,} rows, {mb(bi):.1f} MB")
    bi2, t_bi2 = timed(vocab.term_counts, corpus.sentences, ngram_range=(1, 2), min_count=5)
    report("term_counts, 1-2 grams, min_count=5", t_bi2, f"{len(bi2):,} rows")
    art, t_art = timed(vocab.term_counts, corpus, by="article")
    report("term_counts by article (terms table)", t_art, f"{len(art):,} rows, {mb(art):.1f} MB")
    _, t_stem = timed(vocab.term_counts, corpus.sentences, stemmer="porter", repeat=args.repeat)
    report("term_counts, Porter stemmer", t_stem, f"x{t_stem / t_uni:.2f} the plain count")

    print("scoring")
    scores, t_ovr = timed(vocab.one_vs_rest, bi2, repeat=args.repeat)
    report("one_vs_rest (vectorised), 1-2 grams", t_ovr,
           f"{len(scores):,} outlet-term scores, {mb(scores):.1f} MB")  # fmt: skip
    first = sorted(bi2["outlet"].unique())[0]
    totals = bi2.groupby("term")["count"].sum()
    own = vocab.outlet_totals(bi2, first)
    rest = totals.sub(own, fill_value=0)
    prior = vocab.prior_pseudocounts(totals).to_dict()
    t1 = time.perf_counter()
    loop = loop_fightin_words(own.to_dict(), rest.to_dict(), prior)
    t_loop = (time.perf_counter() - t1) * bi2["outlet"].nunique()
    mine = scores[scores.outlet == first].set_index("term")["zeta"]
    diff = max(abs(mine[w] - z) for w, z in loop.items())
    report("reference: per-term loop, all outlets", t_loop,
           f"one_vs_rest x{t_loop / t_ovr:.1f} faster; max |zeta diff| {diff:.2e}")  # fmt: skip
    keys, t_key = timed(vocab.keyness_one_vs_rest, bi2, repeat=args.repeat)
    report("keyness_one_vs_rest (G2, Holm, log ratio)", t_key, f"{len(keys):,} rows")
    m, t_mat = timed(vocab.zscore_matrix, scores, top_n=10)
    report("zscore_matrix top 10", t_mat, f"{m.shape[0]} x {m.shape[1]}")

    print("explorer and lexical measures")
    shown = explorer.select_terms(scores, top_n=150)
    ctx, t_kwic = timed(vocab.kwic, corpus.sentences, shown, max_per_outlet=3)
    report(f"kwic for the {len(shown)} shown terms (3 per outlet)", t_kwic, f"{len(ctx):,} rows")
    with tempfile.TemporaryDirectory() as d:
        page, t_page = timed(explorer.write, scores, ctx, out_dir=d, top_n=150)
        size = Path(page).stat().st_size / 1024
    report("explorer.write", t_page, f"page {size:,.0f} KiB for {len(shown):,} terms")
    (div, _), t_div = timed(vocab.lexical_diversity, corpus.sentences, n_boot=1000, seed=0)
    report("lexical_diversity (MTLD, 1000 boot)", t_div,
           f"{len(div)} outlets, mean CI width {(div.ci_high - div.ci_low).mean():.1f}")  # fmt: skip
    ov, t_ov = timed(vocab.overlap, bi2)
    report("overlap (Jaccard, all pairs)", t_ov, f"{len(ov)} pairs")
    print(f"total {sum(r[1] for r in rows):.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
