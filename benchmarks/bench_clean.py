"""Cleaning quality and speed: token F1 of newslens.clean against hand-labelled gold.

Gold lives in tests/gold/clean/*.json (see the README there); each names its page file.
Pages under data/raw/ are the sample corpus, pages under tests/fixtures/pages/ are the
other-outlet pages. Targets: token F1 >= 0.97 on the sample, >= 0.95 on the other pages,
headline and byline exact where printed.

Usage:
    .venv/bin/python benchmarks/bench_clean.py            # quality table + speed
    .venv/bin/python benchmarks/bench_clean.py --seconds 5
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from newslens import clean
from newslens.textio import normalise_text

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold" / "clean"
TARGETS = {"sample": 0.97, "other": 0.95}


def load_gold() -> list[dict]:
    """Every gold record with its page text, sorted by file name."""
    records = []
    for path in sorted(GOLD.glob("*.json")):
        rec = json.loads(path.read_text(encoding="utf-8"))
        rec["name"] = path.stem
        rec["text"] = (ROOT / rec["file"]).read_text(encoding="utf-8")
        rec["set"] = "sample" if rec["file"].startswith("data/raw/") else "other"
        records.append(rec)
    return records


def run(rec: dict) -> clean.CleanArticle:
    if rec["file"].endswith((".html", ".htm")):
        return clean.html(rec["text"])
    return clean.article(rec["text"])


def evaluate(records: list[dict]) -> list[dict]:
    """One row per page: precision, recall, F1, and whether headline/byline/date match."""
    rows = []
    for rec in records:
        art = run(rec)
        p, r, f = clean.token_f1(art.body, "\n\n".join(rec["paragraphs"]))
        rows.append(
            {
                "page": rec["name"],
                "set": rec["set"],
                "precision": p,
                "recall": r,
                "f1": f,
                "headline": art.headline == rec["headline"],
                "byline": art.byline == rec["byline"],
                "published": art.published == rec["published"],
                "paragraphs": f"{len(art.paragraphs)}/{len(rec['paragraphs'])}",
            }
        )
    return rows


def micro(records: list[dict], which: str) -> tuple[float, float, float]:
    """Pooled F1 over all pages of a set (every token counts once)."""
    pred = "\n\n".join(run(r).body for r in records if r["set"] == which)
    gold = "\n\n".join("\n\n".join(r["paragraphs"]) for r in records if r["set"] == which)
    return clean.token_f1(pred, gold)


def _baseline(text: str) -> list[str]:
    """The least any cleaner does: normalise the text and split it into paragraphs."""
    return [p.strip() for p in normalise_text(text).split("\n\n") if p.strip()]


def speed(records: list[dict], seconds: float) -> dict[str, float]:
    """Articles per second of clean.article, clean.html and the baseline, measured side by side.

    The three alternate round by round, so machine load (other jobs on a shared machine)
    hits them alike and the ratios stay meaningful even when the absolute rates do not.
    """
    texts = [r["text"] for r in records if not r["file"].endswith((".html", ".htm"))]
    pages = [r["text"] for r in records if r["file"].endswith((".html", ".htm"))]
    spent = {"article": 0.0, "html": 0.0, "baseline": 0.0}
    done = {"article": 0, "html": 0, "baseline": 0}
    chars = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for name, fn, batch in (
            ("article", clean.article, texts),
            ("baseline", _baseline, texts),
            ("html", clean.html, pages),
        ):
            t0 = time.perf_counter()
            for t in batch:
                fn(t)
            spent[name] += time.perf_counter() - t0
            done[name] += len(batch)
        chars += sum(map(len, texts))
    rates = {name: done[name] / spent[name] for name in spent if spent[name] > 0}
    rates["article_mb_s"] = chars / spent["article"] / 1e6
    rates["n"] = done["article"]
    return rates


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="time budget for the speed test")
    args = parser.parse_args(argv)
    records = load_gold()
    rows = evaluate(records)
    print(f"{'page':58s} {'set':6s} {'P':>6s} {'R':>6s} {'F1':>6s}  head  byline date  paras")
    for row in rows:
        print(
            f"{row['page']:58s} {row['set']:6s} {row['precision']:6.3f} {row['recall']:6.3f} {row['f1']:6.3f}  "
            f"{'ok' if row['headline'] else 'NO':4s}  {'ok' if row['byline'] else 'NO':6s} "
            f"{'ok' if row['published'] else 'NO':4s}  {row['paragraphs']}"
        )
    failed = False
    print()
    for which, target in TARGETS.items():
        sub = [r for r in rows if r["set"] == which]
        p, r, f = micro(records, which)
        macro = sum(x["f1"] for x in sub) / len(sub)
        worst = min(x["f1"] for x in sub)
        exact = sum(x["headline"] and x["byline"] for x in sub)
        status = "PASS" if worst >= target and exact == len(sub) else "FAIL"
        failed |= status == "FAIL"
        print(
            f"{which:6s} pages={len(sub):2d}  pooled P={p:.3f} R={r:.3f} F1={f:.3f}  mean F1={macro:.3f}  "
            f"min F1={worst:.3f} (target {target})  headline+byline exact {exact}/{len(sub)}  {status}"
        )
    rates = speed(records, args.seconds)
    print(
        f"\nspeed (side by side, {rates['n']:.0f} plain-text cleanings):\n"
        f"  clean.article  {rates['article']:8,.0f} articles/s ({rates['article_mb_s']:.2f} MB/s)\n"
        f"  baseline       {rates['baseline']:8,.0f} articles/s (normalise_text + blank-line split)\n"
        f"  clean.html     {rates['html']:8,.0f} pages/s (trafilatura extraction + line rules)\n"
        f"  ratio clean.article / baseline = {rates['article'] / rates['baseline']:.3f}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
