"""Frame tagging speed: the plain reference against tag_sentences, per codebook and cue lexicon.

The sample corpus' sentences are repeated (with distinct article ids) to a chosen size and
tagged with every shipped codebook and the cue lexicons, twice per round: once with the plain
reference (``framing._tag_reference``: every frame's full regex on every sentence) and once
with ``framing.tag_sentences`` (the same regexes, only on the sentences the prefilter keeps).
Both are timed in the same process, alternately, and the best of ``--rounds`` rounds is kept,
because the machine is shared and single timings are noisy. The two tables must be identical.

    python benchmarks/bench_framing.py --repeat 30
"""

from __future__ import annotations

import argparse
import time

import newslens
import pandas as pd
from newslens import framing


def timed(fn, *args) -> tuple[float, pd.DataFrame]:
    t = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t, out


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--repeat", type=int, default=50, help="copies of the sample's sentences")
    ap.add_argument("--rounds", type=int, default=3, help="timings per method; the best is kept")
    a = ap.parse_args()
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
    if not all_same:
        raise SystemExit("tag_sentences differs from the reference: see the rows marked NO")


if __name__ == "__main__":
    main()
