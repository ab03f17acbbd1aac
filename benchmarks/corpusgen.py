"""Generate a corpus shaped like the sample: page dumps of ~40 sentences with page furniture.

Sentences and furniture lines are drawn (seeded) from the sample corpus itself, so the text has
the sample's vocabulary, quote marks and sentence lengths; every article is distinct. Used by the
build and scale benchmarks.

    python benchmarks/corpusgen.py OUT_DIR --articles 20000 --seed 0
"""

from __future__ import annotations

import argparse
import random
from functools import cache
from pathlib import Path

OUTLETS = (
    "Daily Mail",
    "Daily Mirror",
    "LBC",
    "The Sun",
    "Reach (syndicated)",
    "Wire A",
    "Wire B",
    "Local TV",
)
FURNITURE = (
    "READ MORE: Russian convoy blitzed near Kyiv by Ukrainian troops",
    "Most read in News",
    "Loaded: 0%",
    "Play",
    "Mute",
    "Listen to this article",
    "Donate here to help the appeal",
    "Powered by Blogger.",
)


@cache
def sample_sentences() -> tuple[str, ...]:
    import newslens

    corpus = newslens.load_corpus()
    return tuple(corpus.sentences["text"])


def article(rng: random.Random, n_sentences: int = 40) -> str:
    sents = sample_sentences()
    headline = rng.choice(sents).rstrip(".")
    lines = [headline, "", f"By Reporter {rng.randrange(1000)}", ""]
    i = 0
    while i < n_sentences:
        k = rng.choice((1, 1, 2, 3))
        para = " ".join(rng.choice(sents) for _ in range(k))
        # a small edit makes each article unique, so nothing is cached across articles
        lines += [f"{para} ({rng.randrange(10**6)})", ""]
        if rng.random() < 0.12:
            caption = f"A picture from the scene number {rng.randrange(1000)} (Image: Agency)"
            lines += [caption, caption + ".", ""]
        if rng.random() < 0.05:
            lines += [rng.choice(FURNITURE), ""]
        i += k
    lines += ["Most read in News", "Putin's forces bomb theatre", "Source: Read Full Article"]
    return "\n".join(lines) + "\n"


def write_corpus(out: Path, n_articles: int, *, seed: int = 0, start: int = 0) -> Path:
    """Write ``n_articles`` articles (ids start..start+n) and append them to the manifest."""
    rng = random.Random(seed * 1_000_003 + start)
    out.mkdir(parents=True, exist_ok=True)
    manifest = out / "articles.csv"
    new = not manifest.exists()
    with manifest.open("a", encoding="utf-8") as m:
        if new:
            m.write("id,file,outlet\n")
        for i in range(start, start + n_articles):
            sub = out / "raw" / f"{i // 1000:04d}"
            sub.mkdir(parents=True, exist_ok=True)
            name = f"raw/{i // 1000:04d}/a{i:07d}.txt"
            (out / name).write_text(article(rng), encoding="utf-8")
            m.write(f"a{i:07d},{name},{OUTLETS[i % len(OUTLETS)]}\n")
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    write_corpus(a.out, a.articles, seed=a.seed)
    print(f"wrote {a.articles} articles to {a.out}")
