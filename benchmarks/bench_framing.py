"""Frame tagging speed: sentences per second for each shipped codebook and the cue lexicons.

The sample corpus' sentences are repeated (with distinct article ids) to a chosen size, tagged
with every shipped codebook, and timed. The per-frame regexes are compiled once per codebook
(trie-shaped alternations), so a second call on the same codebook measures matching only.

    python benchmarks/bench_framing.py --repeat 100
"""

from __future__ import annotations

import argparse
import time

import newslens
import pandas as pd
from newslens import framing


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--repeat", type=int, default=50, help="copies of the sample's sentences")
    a = ap.parse_args()
    base = newslens.load_corpus().sentences
    frames = []
    for i in range(a.repeat):
        copy = base.copy()
        copy["article_id"] = copy["article_id"] + f"#{i}"
        frames.append(copy)
    sents = pd.concat(frames, ignore_index=True)
    n = len(sents)
    print(f"{n} sentences ({a.repeat} copies of the sample corpus)\n")
    print(f"{'lexicon':40} {'compile s':>9} {'tag s':>8} {'sentences/s':>12} {'matches':>8}")
    books = [
        (row.name, lambda name=row.name: framing.load_codebook(name))
        for row in framing.available_codebooks().itertuples()
    ]
    books.append(("cues (data/cues.yml)", framing.load_cues))
    for name, load in books:
        t = time.perf_counter()
        book = load()
        framing.tag_sentences(sents.head(50), book)  # first call compiles
        compile_s = time.perf_counter() - t
        t = time.perf_counter()
        tags = framing.tag_sentences(sents, book)
        tag_s = time.perf_counter() - t
        print(f"{name:40} {compile_s:9.2f} {tag_s:8.2f} {n / tag_s:12.0f} {len(tags):8d}")


if __name__ == "__main__":
    main()
