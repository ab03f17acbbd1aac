"""Quote attribution quality and speed on the sample corpus, against the hand-labelled gold.

Quality (targets: quote F1 >= 0.90, speaker accuracy >= 0.90):

* a predicted *speech* quote matches a gold speech quote when their texts overlap by at least
  50% of the tokens of both (``quotes.text_overlap``: min of the two token-overlap shares over
  lower-cased word multisets), matched one-to-one, greedily by overlap, within each article;
* quote precision / recall / F1 over speech quotes (not-speech quotes such as titles and scare
  quotes must be flagged ``is_speech=False`` to stay out of the count);
* speaker accuracy: share of matched quotes whose canonical speaker agrees with the gold's,
  ignoring case, with a surname match allowed (``Vladmir Putin`` = ``Vladimir Putin``); for
  unnamed speakers the gold's canonical speaker is the role (``soldier``);
* verb, group and not-speech accuracy are reported too (no target).

For comparison, the Gender Gap Tracker (Asr et al. 2021) reports 83.7% quote F1 and about 86%
speaker accuracy on its own news data; this sample is five articles, so its figures are fitted
and small (see the intervals): the hand-made cases in tests/test_quotes.py check other styles.

Speed: attribution time per 1,000 quotes on the sample, and on the same articles repeated
20 times in one body, measured side by side (the ratio shows whether cost grows faster than
the text).

Run: .venv/bin/python benchmarks/bench_quotes.py [--gold DIR] [--corpus PATH] [--n-boot N]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import newslens
import numpy as np
import pandas as pd
from newslens import quotes, segment

GOLD = Path(__file__).resolve().parent.parent / "tests" / "gold" / "quotes"


def load_gold(folder: Path) -> pd.DataFrame:
    rows = []
    for f in sorted(folder.glob("*.json")):
        doc = json.loads(f.read_text(encoding="utf-8"))
        rows += [{"article_id": doc["article_id"], **q} for q in doc["quotes"]]
    if not rows:
        raise SystemExit(
            f"--gold {folder}: no *.json gold files there (see tests/gold/quotes/README.md)"
        )
    return pd.DataFrame(rows)


def article_bootstrap(
    pred: pd.DataFrame, gold: pd.DataFrame, *, n_boot: int, seed: int
) -> dict[str, tuple[float, float]]:
    """95% percentile intervals of F1 and speaker accuracy, resampling whole articles."""
    ids = np.array(sorted(gold["article_id"].unique()))
    rng = np.random.default_rng(seed)
    f1s, accs = [], []
    for _ in range(n_boot):
        pick = rng.choice(ids, size=len(ids), replace=True)
        # Relabel each draw so an article drawn twice counts twice.
        p = pd.concat(
            [pred[pred.article_id == a].assign(article_id=f"{a}#{k}") for k, a in enumerate(pick)]
        )
        g = pd.concat(
            [gold[gold.article_id == a].assign(article_id=f"{a}#{k}") for k, a in enumerate(pick)]
        )
        r = quotes.evaluate(p, g)
        f1s.append(r["f1"])
        accs.append(r["speaker_accuracy"])
    q = [2.5, 97.5]
    return {
        "f1": tuple(np.nanpercentile(f1s, q)),
        "speaker_accuracy": tuple(np.nanpercentile(accs, q)),
    }


def timing(corpus: newslens.corpus.Corpus, *, repeat: int = 20) -> tuple[float, float, int, int]:
    arts = corpus.articles.sort_values("article_id")
    bodies = [b.split("\n\n") for b in arts["body"]]
    t0 = time.perf_counter()
    n_small = 0
    for ps in bodies:
        spans = segment.quotes(ps)
        n_small += len(quotes.attribute(ps, spans))
    small = time.perf_counter() - t0
    big = [p for _ in range(repeat) for ps in bodies for p in ps]
    t0 = time.perf_counter()
    spans = segment.quotes(big)
    n_big = len(quotes.attribute(big, spans))
    large = time.perf_counter() - t0
    return small, large, n_small, n_big


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gold", type=Path, default=GOLD)
    ap.add_argument("--corpus", default=None, help="corpus folder (default: the sample corpus)")
    ap.add_argument("--n-boot", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    corpus = newslens.load_corpus(args.corpus)
    pred = quotes.table(corpus)
    gold = load_gold(args.gold)
    r = quotes.evaluate(pred, gold)
    ci = article_bootstrap(pred, gold, n_boot=args.n_boot, seed=args.seed)
    print(
        f"articles: {gold.article_id.nunique()}  gold speech quotes: {r['n_gold']}  "
        f"predicted speech quotes: {r['n_predicted']}  matched: {r['n_matched']}"
    )
    print(
        f"quote precision {r['precision']:.3f}  recall {r['recall']:.3f}  "
        f"F1 {r['f1']:.3f} (article bootstrap 95% {ci['f1'][0]:.3f}-{ci['f1'][1]:.3f})  target >= 0.90"
    )
    print(
        f"speaker accuracy {r['speaker_accuracy']:.3f} (95% {ci['speaker_accuracy'][0]:.3f}-"
        f"{ci['speaker_accuracy'][1]:.3f})  target >= 0.90"
    )
    print(
        f"verb accuracy {r['verb_accuracy']:.3f}  group accuracy {r['group_accuracy']:.3f}  "
        f"not-speech flagged {r['not_speech_accuracy']:.3f} of {r['not_speech_gold']} body not-speech quotes"
    )
    print("per article:")
    for aid in sorted(gold.article_id.unique()):
        a = quotes.evaluate(pred[pred.article_id == aid], gold[gold.article_id == aid])
        print(
            f"  {aid:22s} gold {a['n_gold']:3d}  F1 {a['f1']:.3f}  speaker {a['speaker_accuracy']:.3f}"
        )
    small, large, n_small, n_big = timing(corpus)
    per_small = small / max(n_small, 1) * 1000
    per_large = large / max(n_big, 1) * 1000
    print(
        f"speed (segment.quotes + attribute): {per_small:.3f} s per 1,000 quotes on 5 articles ({n_small} quotes); "
        f"{per_large:.3f} s per 1,000 quotes in one 20x body ({n_big} quotes); ratio {per_large / per_small:.2f}"
    )
    ok = r["f1"] >= 0.90 and r["speaker_accuracy"] >= 0.90
    print("targets met" if ok else "TARGETS NOT MET")


if __name__ == "__main__":
    main()
