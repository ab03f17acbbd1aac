"""Benchmark: is `compare.align` sub-quadratic, and does it find planted shared passages?

Generates corpora of N articles (seeded), each with its own random sentences, and plants shared
passages between articles of different outlets: exact copies, near copies (one word changed,
punctuation and case altered) and paraphrases (two content words replaced and a clause moved).
Then times `compare.align` and reports recall of the planted pairs, the aligned pairs that were
not planted, and the time ratio from one size to the next (2.0 per doubling = linear, 4.0 =
quadratic). Side by side, on the smaller sizes only, it times the all-pairs baseline that
blocking avoids: rapidfuzz `cdist` of every sentence against every sentence (one core).

Run (about a minute on one core):

    .venv/bin/python benchmarks/bench_compare.py
    .venv/bin/python benchmarks/bench_compare.py --sizes 500 1000 2000 4000 --baseline 2 --seed 1
"""

from __future__ import annotations

import argparse
import time
from types import SimpleNamespace

import numpy as np
import pandas as pd
from newslens import compare

FUNCTION = [
    "the",
    "a",
    "of",
    "to",
    "in",
    "and",
    "was",
    "that",
    "for",
    "on",
    "with",
    "as",
    "by",
    "at",
    "from",
    "he",
    "they",
    "it",
    "his",
    "their",
    "had",
    "has",
    "were",
    "said",
    "after",
    "into",
    "over",
]
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ru",
    "te",
    "sa",
    "vo",
    "ne",
    "di",
    "pa",
    "zo",
    "be",
    "gu",
    "ri",
    "ta",
    "no",
    "sh",
    "ch",
    "ol",
    "ev",
    "ian",
    "ko",
    "mar",
    "pol",
    "ster",
    "gen",
    "vil",
    "dor",
]


def vocabulary(rng: np.random.Generator, size: int = 6000) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES, size=int(rng.integers(2, 4)))))
    return sorted(words)


def sentence(rng: np.random.Generator, vocab: list[str], weights: np.ndarray) -> str:
    n = int(rng.integers(10, 22))
    words = []
    for _ in range(n):
        if rng.random() < 0.4:
            words.append(str(rng.choice(FUNCTION)))
        else:
            words.append(vocab[int(rng.choice(len(vocab), p=weights))])
    return " ".join(words).capitalize() + "."


def near_copy(rng: np.random.Generator, text: str, vocab: list[str]) -> str:
    words = text.rstrip(".").split()
    k = int(rng.integers(0, len(words)))
    words[k] = vocab[int(rng.integers(0, len(vocab)))]
    return "“" + " ".join(words).upper()[0] + " ".join(words)[1:] + ",” he said."


def paraphrase(rng: np.random.Generator, text: str, vocab: list[str]) -> str:
    words = text.rstrip(".").lower().split()
    content = [i for i, w in enumerate(words) if w not in FUNCTION]
    for k in rng.choice(content, size=min(2, len(content)), replace=False):
        words[int(k)] = vocab[int(rng.integers(0, len(vocab)))]
    cut = len(words) // 3
    moved = words[cut:] + ["and"] + words[:cut]  # a clause moved to the end
    return " ".join(moved).capitalize() + "."


def generate(
    n_articles: int,
    *,
    seed: int,
    n_outlets: int = 20,
    sentences_per_article: int = 20,
    share: float = 0.5,
):
    """Articles, sentences and the planted pairs ((article, sentence), (article, sentence), kind)."""
    rng = np.random.default_rng(seed)
    vocab = vocabulary(rng)
    ranks = np.arange(1, len(vocab) + 1)
    weights = 1.0 / ranks**1.05  # Zipf-like word frequencies, as in news text
    weights /= weights.sum()
    texts = {}
    outlet = {}
    for a in range(n_articles):
        aid = f"art{a:06d}"
        outlet[aid] = f"outlet{a % n_outlets:02d}"
        texts[aid] = [sentence(rng, vocab, weights) for _ in range(sentences_per_article)]
    planted = []
    ids = sorted(texts)
    for _ in range(int(share * n_articles)):
        a, b = rng.choice(len(ids), size=2, replace=False)
        a, b = ids[int(a)], ids[int(b)]
        if outlet[a] == outlet[b]:
            continue
        i = int(rng.integers(0, sentences_per_article))
        j = int(rng.integers(0, sentences_per_article))
        kind = str(rng.choice(["exact", "near", "paraphrase"]))
        src = texts[a][i]
        texts[b][j] = (
            src
            if kind == "exact"
            else near_copy(rng, src, vocab)
            if kind == "near"
            else paraphrase(rng, src, vocab)
        )
        planted.append(((a, i), (b, j), kind))
    # A later plant can overwrite an earlier one's sentence: keep only plants still intact.
    final = []
    for (a, i), (b, j), kind in planted:
        if sum(1 for p in planted if p[1] == (b, j)) == 1 and all(p[1] != (a, i) for p in planted):
            final.append(((a, i), (b, j), kind))
    arts, sents = [], []
    for aid in ids:
        pos = 0
        for k, t in enumerate(texts[aid]):
            sents.append((aid, outlet[aid], k, t, pos, pos + len(t)))
            pos += len(t) + 1
        arts.append((aid, outlet[aid], f"2022-03-{1 + int(aid[3:]) % 28:02d}"))
    corpus = SimpleNamespace(
        articles=pd.DataFrame(arts, columns=["article_id", "outlet", "published"]),
        sentences=pd.DataFrame(
            sents, columns=["article_id", "outlet", "sentence", "text", "start", "end"]
        ),
        quotes=None,
    )
    return corpus, final


def recall(al: compare.Alignment, planted) -> dict[str, float]:
    cl = al.sentences.set_index(["article_id", "sentence"])["clusters"].to_dict()
    found: dict[str, list[bool]] = {"exact": [], "near": [], "paraphrase": []}
    for a, b, kind in planted:
        ca, cb = (
            set(filter(None, cl.get(a, "").split(";"))),
            set(filter(None, cl.get(b, "").split(";"))),
        )
        found[kind].append(bool(ca & cb))
    return {k: (float(np.mean(v)) if v else float("nan")) for k, v in found.items()} | {
        "all": float(np.mean([x for v in found.values() for x in v]))
    }


def all_pairs_seconds(corpus) -> float:
    from rapidfuzz import fuzz, process

    norms = [compare.normalise(t) for t in corpus.sentences["text"]]
    t0 = time.perf_counter()
    process.cdist(norms, norms, scorer=fuzz.ratio, dtype=np.uint8, workers=1)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", type=int, nargs="+", default=[250, 500, 1000, 2000])
    ap.add_argument(
        "--baseline",
        type=int,
        default=2,
        help="time the all-pairs baseline on this many smallest sizes",
    )
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    compare.align(generate(20, seed=args.seed)[0])  # warm-up: imports, lexicon, LSH parameters
    rows = []
    prev = None
    for k, n in enumerate(sorted(args.sizes)):
        corpus, planted = generate(n, seed=args.seed)
        t0 = time.perf_counter()
        al = compare.align(corpus, seed=args.seed)
        secs = time.perf_counter() - t0
        r = recall(al, planted)
        planted_keys = {frozenset([a, b]) for a, b, _ in planted}
        pair_keys = {
            frozenset(
                [(p.article_a, _unit(al, p.passage_a)), (p.article_b, _unit(al, p.passage_b))]
            )
            for p in al.pairs.itertuples()
        }
        base = all_pairs_seconds(corpus) if k < args.baseline else float("nan")
        rows.append(
            {
                "articles": n,
                "sentences": len(corpus.sentences),
                "planted": len(planted),
                "align_s": round(secs, 2),
                "ratio_vs_prev": round(secs / prev, 2) if prev else float("nan"),
                "all_pairs_s": round(base, 2),
                "recall_exact": round(r["exact"], 3),
                "recall_near": round(r["near"], 3),
                "recall_paraphrase": round(r["paraphrase"], 3),
                "recall_all": round(r["all"], 3),
                "pairs": len(al.pairs),
                "unplanted_pairs": len(pair_keys - planted_keys),
            }
        )
        prev = secs
        print(pd.DataFrame(rows).to_string(index=False), flush=True)
        print()


def _unit(al: compare.Alignment, passage: int) -> int:
    return int(al.passages.at[passage, "unit"])


if __name__ == "__main__":
    main()
