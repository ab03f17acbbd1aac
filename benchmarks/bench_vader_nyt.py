"""Validate newslens's VADER scorer against the human ratings of the VADER paper.

Data: the 5,190 New York Times editorial snippets of Hutto & Gilbert (2014), each with the mean
rating of 20 human raters on a -4..+4 scale (``/work/shared/eval/vader_nyt/``, tab-separated:
id, mean rating, text). The paper reports r = 0.492 between VADER and the ratings on this set.

What is printed:

* Pearson r between ``compound`` and the mean human rating (all rows).
* Binary classification, positive vs negative, with the usual VADER thresholds: ground truth is
  the sign of the mean human rating (rows rated exactly 0 are left out, as they are neither);
  the prediction is positive when ``compound >= 0.05``, negative when ``<= -0.05``, and a
  neutral prediction (in between) counts as a miss for its true class. F1 is given for each
  class and as their macro average, with precision, recall and the counts, so the protocol can
  be compared with the paper's Table 4 (which does not spell out its treatment of neutrals).

Run: ``.venv/bin/python benchmarks/bench_vader_nyt.py [--file PATH]``
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from newslens import sentiment
from scipy import stats as sps

DEFAULT_FILE = Path("/work/shared/eval/vader_nyt/nytEditorialSnippets_GroundTruth.txt")
PAPER_R = 0.492


def read_snippets(path: Path) -> pd.DataFrame:
    """The snippets file as a DataFrame (id, rating, text); errors name the bad line."""
    rows = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            line = line.rstrip("\n")
            if not line.strip():
                continue
            fields = line.split("\t")
            if len(fields) < 3:
                raise ValueError(f"{path}, line {lineno}: expected id<TAB>rating<TAB>text")
            try:
                rating = float(fields[1])
            except ValueError as exc:
                raise ValueError(
                    f"{path}, line {lineno}: rating {fields[1]!r} is not a number"
                ) from exc
            rows.append((fields[0], rating, "\t".join(fields[2:])))
    return pd.DataFrame(rows, columns=["id", "rating", "text"])


def evaluate(df: pd.DataFrame, *, threshold: float = sentiment.NEUTRAL_THRESHOLD) -> dict:
    """Pearson r and positive/negative F1 of ``compound`` against the human ratings."""
    compound = sentiment.score_sentences(df["text"].tolist())["compound"].to_numpy()
    r, p = sps.pearsonr(compound, df["rating"].to_numpy())
    truth = np.sign(df["rating"].to_numpy())
    keep = truth != 0
    pred = np.where(compound >= threshold, 1, np.where(compound <= -threshold, -1, 0))
    t, y = truth[keep], pred[keep]
    out = {
        "n": len(df),
        "r": float(r),
        "p": float(p),
        "n_classified": int(keep.sum()),
        "n_pred_neutral": int((y == 0).sum()),
    }
    f1s = []
    for name, cls in (("positive", 1), ("negative", -1)):
        tp = int(((y == cls) & (t == cls)).sum())
        fp = int(((y == cls) & (t != cls)).sum())
        fn = int(((y != cls) & (t == cls)).sum())
        precision = tp / (tp + fp) if tp + fp else float("nan")
        recall = tp / (tp + fn) if tp + fn else float("nan")
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[name] = {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "support": int((t == cls).sum()),
        }
        f1s.append(f1)
    out["macro_f1"] = float(np.mean(f1s))
    # the same without rows VADER calls neutral (the protocol some replications use)
    decided = y != 0
    out["accuracy_decided"] = float((y[decided] == t[decided]).mean())
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    args = parser.parse_args(argv)
    if not args.file.is_file():
        print(f"{args.file} not found; pass --file", file=sys.stderr)
        return 2
    df = read_snippets(args.file)
    t0 = time.perf_counter()
    res = evaluate(df)
    elapsed = time.perf_counter() - t0
    print(f"NYT editorial snippets: {res['n']} rows, scored in {elapsed:.2f} s")
    print(
        f"Pearson r (compound vs mean human rating): {res['r']:.4f}  (paper: {PAPER_R}; target >= 0.49)"
    )
    print(
        f"positive vs negative, truth = sign of rating ({res['n_classified']} rows), "
        f"prediction = compound >= +0.05 / <= -0.05 ({res['n_pred_neutral']} predicted neutral, counted as misses)"
    )
    for name in ("positive", "negative"):
        m = res[name]
        print(
            f"  {name:8s} precision {m['precision']:.3f}  recall {m['recall']:.3f}  F1 {m['f1']:.3f}  support {m['support']}"
        )
    print(
        f"  macro F1 {res['macro_f1']:.3f}; accuracy on rows VADER does not call neutral {res['accuracy_decided']:.3f}"
    )
    return 0 if res["r"] >= 0.49 else 1


if __name__ == "__main__":
    sys.exit(main())
